"""End-to-end screening throughput (parse + match + score) against PDFium and pdfplumber alone.

Prints figures; it is not a test. Uses ../shared/data/livecareer (real text PDFs)
and ../shared/data/layouts (DOCX) when present, else resumes generated here.
Single process, so the rates are per core; ratios come from runs interleaved in one
process (the two sides taking turns every ten files). Also: milliseconds per resume per
stage, isolated workers (1 vs all cores), one worker's RSS at resume 1,000 and 10,000, OCR
per page.
Run: python benchmarks/throughput.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def sample(paths: list[Path], n: int) -> list[Path]:
    """Every k-th file of the sorted list: spread over all categories, not picked by hand."""
    paths = sorted(paths)
    if len(paths) <= n:
        return paths
    step = len(paths) / n
    return [paths[int(i * step)] for i in range(n)]


def generated_pdfs(directory: Path, n: int) -> list[Path]:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    skills = ["Python", "PyTorch", "SQL", "Pandas", "AWS", "Docker", "Tableau", "Excel", "R", "Go"]
    out = []
    for i in range(n):
        path = directory / f"gen-{i:04d}.pdf"
        c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
        y = 750
        for j in range(90):
            c.setFont("Helvetica", 10)
            c.drawString(
                50,
                y,
                f"Line {j}: delivered project {i}-{j} using {skills[(i + j) % 10]}"
                f" and {skills[(i * 3 + j) % 10]} for a team of {j % 9 + 2}.",
            )
            y -= 14
            if y < 50:
                c.showPage()
                y = 750
        c.save()
        out.append(path)
    return out


def generated_docx(directory: Path, n: int) -> list[Path]:
    import docx

    out = []
    for i in range(n):
        document = docx.Document()
        document.sections[0].header.paragraphs[0].text = f"Candidate {i} | c{i}@example.com"
        for j in range(40):
            document.add_paragraph(
                f"Built pipeline {j} with Python, Pandas and AWS for client {i}."
            )
        table = document.add_table(rows=3, cols=3)
        for r in range(3):
            for c in range(3):
                table.cell(r, c).text = ["SQL", "PyTorch", "Tableau"][c] + f" {r}"
        path = directory / f"gen-{i:04d}.docx"
        document.save(str(path))
        out.append(path)
    return out


def rate(fn, files: list[Path], repeats: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for path in files:
            fn(path)
        rates.append(len(files) / (time.perf_counter() - start))
    return statistics.median(rates), rates


def interleaved(
    functions: list, files: list[Path], repeats: int, chunk: int = 10
) -> list[list[float]]:
    """Each function's rate over the same files, `repeats` passes, the functions taking turns
    every `chunk` files: each sees the machine as it is within a second of the others (on a
    shared machine whose speed drifts within seconds, whole passes taken in turn can differ by
    a third). One list of pass rates per function."""
    runs: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        spent = [0.0] * len(functions)
        for at in range(0, len(files), chunk):
            part = files[at : at + chunk]
            for k, fn in enumerate(functions):
                start = time.perf_counter()
                for path in part:
                    fn(path)
                spent[k] += time.perf_counter() - start
        for out, seconds in zip(runs, spent, strict=True):
            out.append(len(files) / seconds)
    return runs


def stage_table(screener, files: list[Path], repeats: int) -> None:
    """Milliseconds per resume spent in each stage of end-to-end screening (median of
    `repeats` passes), from timers put around the stages' functions for these passes only."""
    import pypdfium2.raw

    import pipeline.read as read_package
    from pipeline.read import layout, pdf_pdfium
    from pipeline.run import screener as screener_module
    from pipeline.skills import classify, matcher, profile

    totals: dict[str, float] = {}
    targets = {
        "extract": (screener_module.Screener, "extract"),
        "parse": (read_package, "parse_source"),
        "read_words": (pdf_pdfium, "read_words"),
        "page_words": (pdf_pdfium, "_page_words"),
        "hidden": (pdf_pdfium._Looks, "hidden_words"),
        "pdfium_load": (pypdfium2.raw, "FPDF_LoadPage"),
        "pdfium_text": (pypdfium2.raw, "FPDFText_LoadPage"),
        "layout": (layout, "order_page"),
        "profile": (screener_module.Screener, "profile_of"),
        "sections": (profile, "analyse"),
        "jobs": (profile, "job_entries"),
        "contacts": (profile, "extract_contacts"),
        "education": (profile, "education_entries"),
        "matcher": (matcher.SkillMatcher, "find"),
        "classifier": (classify.CompetencyModel, "predict_proba"),
        "score": (screener_module.Screener, "score"),
    }

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - began

        return wrapper

    saved = {name: getattr(owner, attr) for name, (owner, attr) in targets.items()}
    for name, (owner, attr) in targets.items():
        setattr(owner, attr, timed(name, saved[name]))
    passes: list[dict[str, float]] = []
    try:
        for _ in range(repeats):
            totals.clear()
            for path in files:
                screener.score(screener.extract(path))
            t = {k: 1000 * v / len(files) for k, v in totals.items()}
            g = t.get
            passes.append(
                {
                    "read file, sniff, hash": g("extract", 0) - g("parse", 0) - g("profile", 0),
                    "PDFium: load page + text page": g("pdfium_load", 0) + g("pdfium_text", 0),
                    "PDFium: open, close, chars (rest of read)": g("read_words", 0)
                    - g("page_words", 0)
                    - g("pdfium_load", 0)
                    - g("pdfium_text", 0),
                    "word boxes (_page_words, no hidden check)": g("page_words", 0)
                    - g("hidden", 0),
                    "hidden-text checks": g("hidden", 0),
                    "layout (order_page)": g("layout", 0),
                    "rest of parsing (normalise, OCR test)": g("parse", 0)
                    - g("read_words", 0)
                    - g("layout", 0),
                    "sections (analyse)": g("sections", 0),
                    "skill matcher (tokenizer + matching)": g("matcher", 0),
                    "competency classifier": g("classifier", 0),
                    "jobs, contacts, education": g("jobs", 0)
                    + g("contacts", 0)
                    + g("education", 0),
                    "rest of profile (evidence, skills, doc decision)": g("profile", 0)
                    - g("sections", 0)
                    - g("matcher", 0)
                    - g("classifier", 0)
                    - g("jobs", 0)
                    - g("contacts", 0)
                    - g("education", 0),
                    "scoring against the job": g("score", 0),
                    "total": g("extract", 0) + g("score", 0),
                }
            )
    finally:
        for name, (owner, attr) in targets.items():
            setattr(owner, attr, saved[name])
    print(f"per stage, ms per resume ({len(files)} PDFs, median of {repeats} passes):")
    for stage in passes[0]:
        values = [p[stage] for p in passes]
        print(f"  {stage:<50} {statistics.median(values):7.2f}")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_child(conn, paths: list[str], total: int, marks: tuple[int, ...], unique: bool) -> None:
    """In a fresh process (one worker's life): screen `total` resumes, cycling through
    `paths`, and send the RSS after each mark. With `unique`, each resume's text also gets
    40 words never seen before (invented names, ids), as a long run of new people brings,
    fed to the matcher and the classifier: what grows without bound shows here."""
    import random

    sys.path.insert(0, str(ROOT))
    from pipeline import Screener
    from pipeline.read import parse_source
    from pipeline.read.source import read_source
    from pipeline.skills.profile import read_evidence

    screener = Screener(ocr=False)
    _ = screener.matcher, screener.model
    rng = random.Random(0)
    letters = "bcdfghjklmnpqrstvwxz"
    out = {}
    if unique:
        texts = []
        for path in paths:
            try:
                found = read_evidence(
                    parse_source(read_source(Path(path)), ocr=False), screener.matcher
                )
                texts.append((found.layout.text, [u for _, _, u in found.units]))
            except Exception:
                continue
    for i in range(1, total + 1):
        if unique:
            text, units = texts[i % len(texts)]
            new = " ".join(
                "".join(rng.choice(letters) for _ in range(7)) + str(rng.randrange(10**6))
                for _ in range(40)
            )
            screener.matcher.find(f"{text}\n{new}")
            screener.model.predict_proba([*units, new])
        else:
            screener.extract(paths[i % len(paths)])
        if i in marks:
            out[i] = _rss_mb()
    conn.send(out)


def rss_figures(paths: list[Path], total: int) -> None:
    """RSS of one process at resume 1,000 and at `total` (growth should stay under 10%)."""
    import multiprocessing as mp

    marks = (1000, total)
    for unique, label in ((False, "real PDFs, cycled"), (True, "texts + 40 new words each")):
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_rss_child, args=(child, [str(p) for p in paths], total, marks, unique)
        )
        process.start()
        figures = parent.recv()
        process.join()
        first, last = figures[marks[0]], figures[marks[1]]
        print(
            f"RSS of one worker, {label} ({len(paths)} distinct files): {first:.0f} MB at "
            f"resume {marks[0]:,}, {last:.0f} MB at {marks[1]:,} -> growth {last / first - 1:+.1%}"
        )


def pool_figures(files: list[Path], repeats: int, rate, end_to_end) -> None:
    """Parsing in isolated workers: 1 worker vs all cores, against in-process parsing.

    Each run starts its workers afresh (imports, lexicon, model: once per batch) and notes
    when each outcome arrives. The rate compared is the steady one, from the outcome after
    the first tenth of the files (by then every worker has started and is busy) to the
    last; the time to the first outcome and the rate with start-up included are printed
    beside it."""
    from pipeline.run.workers import WorkerConfig, WorkerPool

    # OCR off, as in the in-process runs: the comparison is of isolation, not of Tesseract.
    config = WorkerConfig(None, "default", "pdfium", "lxml", None, ocr=False)
    cores = os.cpu_count() or 1
    paths = [str(p) for p in files]

    def run(workers: int) -> tuple[float, float, float]:
        """(steady rate, seconds to the first outcome, rate with start-up included)"""
        began = time.perf_counter()
        stamps = [time.perf_counter() for _ in WorkerPool(config, workers).map(paths)]
        skip = max(2 * workers, len(stamps) // 10)
        steady = (len(stamps) - 1 - skip) / (stamps[-1] - stamps[skip])
        return steady, stamps[0] - began, len(stamps) / (stamps[-1] - began)

    # In-process, one worker and all cores alternate, so a change in the machine's speed
    # during the run falls on all three.
    local_runs: list[float] = []
    by_count: dict[int, list[tuple[float, float, float]]] = {1: [], cores: []}
    for _ in range(repeats):
        local_runs.extend(rate(end_to_end, files, 1)[1])
        for workers in by_count:
            by_count[workers].append(run(workers))
    local = statistics.median(local_runs)
    median = {
        w: [statistics.median(r[i] for r in runs) for i in range(3)] for w, runs in by_count.items()
    }
    print(f"in-process (no isolation), {len(files)} PDFs: median {local:.1f} resumes/s")
    for workers, runs in by_count.items():
        steady, first, whole = median[workers]
        print(
            f"isolated, {workers} worker(s): median {steady:.1f} resumes/s once started "
            f"(runs: {', '.join(f'{r[0]:.1f}' for r in runs)}); first outcome after "
            f"{first:.2f} s; {whole:.1f} resumes/s with start-up"
        )
    one, all_ = median[1][0], median[cores][0]
    print(
        f"-> {cores} workers = {all_ / one:.2f}x one worker once started "
        f"({median[cores][2] / median[1][2]:.2f}x with start-up); isolation cost with one "
        f"worker {(1 - one / local):.0%} of in-process throughput"
    )


def plumber_figures(few: list[Path], repeats: int, end_to_end) -> None:
    """pdfplumber's extract_text against end-to-end screening on the same few files."""

    def plumber_text(path: Path) -> None:
        """pdfplumber's extract_text of every page (the file's bytes read, as end-to-end)."""
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            for page in pdf.pages:
                page.extract_text()

    plumber_runs, e2e_few_runs = interleaved([plumber_text, end_to_end], few, repeats)
    plumber_med, e2e_few = statistics.median(plumber_runs), statistics.median(e2e_few_runs)
    print(
        f"pdfplumber extract_text only, {len(few)} of the same files, runs interleaved: "
        f"median {plumber_med:.2f} files/s "
        f"(runs: {', '.join(f'{r:.2f}' for r in plumber_runs)})"
    )
    print(
        f"end-to-end on those {len(few)} files: median {e2e_few:.1f} resumes/s "
        f"-> {e2e_few / plumber_med:.1f}x pdfplumber extract_text"
    )


def ocr_figures(directory: Path, pages: int, repeats: int) -> None:
    """Seconds per OCR'd page, on generated one-page scans (excluded from the rates above)."""
    import random

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from layout_fixtures import scanned

    from pipeline.read import parse
    from pipeline.read.ocr import OCR_DPI, available

    if not available():
        print("OCR: Tesseract is not installed; scanned pages not measured")
        return
    files = [scanned(directory / f"scan-{i}.pdf", random.Random(i)).path for i in range(pages)]
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ocr_pages = sum(parse(path).ocr_pages for path in files)
        runs.append((time.perf_counter() - t0) / ocr_pages)
    print(
        f"OCR (Tesseract at {OCR_DPI} dpi, one thread), {pages} generated scanned pages: median "
        f"{statistics.median(runs):.2f} s/page (runs: {', '.join(f'{r:.2f}' for r in runs)})"
    )


def startup_figures(repeats: int) -> None:
    """Wall time of fresh processes, as a person at a terminal sees it: `--help`, and `screen`
    of a folder holding one bundled example PDF into a new output folder (imports, lexicon,
    matcher, model, one parsing worker, the outputs)."""
    import shutil
    import subprocess

    resume = ROOT / "examples" / "resumes" / "imogen-vextrel-ml-engineer.pdf"
    job = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
    commands = {
        "--help": [sys.executable, "-m", "pipeline", "--help"],
        "screen, one PDF": [sys.executable, "-m", "pipeline", "screen", "{folder}", "--job",
                            str(job), "--out", "{out}", "--quiet"],
    }  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        shutil.copy(resume, folder)
        for k in range(repeats + 1):  # the first round warms the disk cache, not counted
            for name, command in commands.items():
                out = Path(tmp) / f"out{k}"
                args = [a.format(folder=folder, out=out) for a in command]
                began = time.perf_counter()
                subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
                if k:
                    times[name].append(time.perf_counter() - began)
    for name, values in times.items():
        print(
            f"start-up, {name}: median {statistics.median(values):.2f} s wall "
            f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
        )


def main() -> None:
    def at_least(minimum: int):
        def count(text: str) -> int:
            value = int(text)
            if value < minimum:
                raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
            return value

        count.__name__ = f"whole number >= {minimum}"  # what argparse's error calls it
        return count

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--files", type=at_least(1), default=200, help="PDFs for the end-to-end rate (>= 1)"
    )
    parser.add_argument(
        "--plumber-files",
        type=at_least(0),
        default=30,
        help="PDFs for the pdfplumber ratio (0 to skip)",
    )
    parser.add_argument(
        "--docx-files", type=at_least(0), default=100, help="generated DOCX (0 skips all DOCX runs)"
    )
    parser.add_argument("--repeats", type=at_least(1), default=3)
    parser.add_argument(
        "--startup-runs",
        type=at_least(0),
        default=5,
        help="fresh processes timed per command (0 to skip)",
    )
    parser.add_argument(
        "--workers-files",
        type=at_least(0),
        default=200,
        help="PDFs for the isolated-worker comparison (0 to skip)",
    )
    parser.add_argument(
        "--rss-resumes",
        type=at_least(0),
        default=10_000,
        help="resumes for the RSS-growth run of one worker (0 to skip)",
    )
    parser.add_argument(
        "--ocr-pages",
        type=at_least(0),
        default=4,
        help="generated scanned pages to OCR (0 to skip)",
    )
    parser.add_argument(
        "--compare-model",
        type=Path,
        default=ROOT / "models" / "competency" / "1.0.0",
        help="a second competency model whose end-to-end rate is measured in the same run, "
        "repeats interleaved (default: the previous release's model; 'none' to skip)",
    )
    args = parser.parse_args()

    if args.startup_runs:
        startup_figures(args.startup_runs)

    from pipeline import Screener, load_job

    job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml")
    t0 = time.perf_counter()
    # Text PDFs only: OCR is off here, so a PDF without a text layer fails fast instead of
    # taking seconds; OCR is timed per page below.
    screener = Screener(job, ocr=False)
    _ = screener.matcher  # lexicon + spaCy matcher, once per process
    print(
        f"startup: lexicon {screener.lexicon.version} ({len(screener.lexicon.skills)} skills) "
        f"and matcher loaded in {time.perf_counter() - t0:.2f} s (not in the rates below)"
    )

    def end_to_end(path: Path) -> None:
        outcome = screener.score(screener.extract(path))
        if outcome.status != "scored":
            failures.append(outcome.reason)

    tmp = tempfile.TemporaryDirectory()
    livecareer = SHARED / "livecareer" / "pdf"
    if livecareer.is_dir():
        pdfs = sample(list(livecareer.glob("*/*.pdf")), args.files)
        print(
            f"PDF data: ../shared/data/livecareer, {len(pdfs)} files sampled evenly from "
            f"{len(list(livecareer.glob('*/*.pdf')))}"
        )
    else:
        pdfs = generated_pdfs(Path(tmp.name), args.files)
        print(f"PDF data: ../shared/data absent; {len(pdfs)} generated 2-page PDFs")

    failures: list[str] = []
    end_to_end(pdfs[0])  # warm caches
    failures.clear()

    def pdfium_floor(path: Path) -> None:
        """What PDFium itself costs: open, load each page and its text page, nothing else,
        by PDFium's own calls (as the reader makes them: no pypdfium2 document or page
        objects; PDFium reads the file itself, where the reader hands it the bytes it read)."""
        import pypdfium2.raw as raw

        document = raw.FPDF_LoadDocument(str(path).encode("utf-8"), None)
        for i in range(raw.FPDF_GetPageCount(document)):
            page = raw.FPDF_LoadPage(document, i)
            raw.FPDFText_ClosePage(raw.FPDFText_LoadPage(page))
            raw.FPDF_ClosePage(page)
        raw.FPDF_CloseDocument(document)

    runs, floor_runs = interleaved([end_to_end, pdfium_floor], pdfs, args.repeats)
    med, floor_med = statistics.median(runs), statistics.median(floor_runs)
    print(
        f"end-to-end PDF (pdfium, parse+match+score): median {med:.1f} resumes/s "
        f"(runs: {', '.join(f'{r:.1f}' for r in runs)}); "
        f"failed files: {len(failures) // args.repeats}"
    )
    print(
        f"PDFium alone (open + load pages + text pages, no extraction), same files, runs "
        f"interleaved: median {floor_med:.1f} files/s "
        f"(runs: {', '.join(f'{r:.1f}' for r in floor_runs)}) "
        f"-> end-to-end / PDFium = {med / floor_med:.2f} (pass by pass: "
        f"{', '.join(f'{a / b:.2f}' for a, b in zip(runs, floor_runs, strict=True))})"
    )

    stage_table(screener, pdfs, args.repeats)

    if str(args.compare_model) != "none":
        from pipeline.skills.classify import load_model

        other = Screener(job, ocr=False, model=load_model(args.compare_model))
        _ = other.matcher

        def end_to_end_other(path: Path) -> None:
            other.score(other.extract(path))

        end_to_end_other(pdfs[0])
        ours_runs, other_runs = interleaved([end_to_end, end_to_end_other], pdfs, args.repeats)
        a, b = statistics.median(ours_runs), statistics.median(other_runs)
        print(
            f"same files, runs interleaved: default model {screener.model.version} "
            f"{a:.1f} resumes/s ({', '.join(f'{r:.1f}' for r in ours_runs)}); model "
            f"{other.model.version} {b:.1f} ({', '.join(f'{r:.1f}' for r in other_runs)}) "
            f"-> ratio {a / b:.2f}"
        )
        failures.clear()

    if args.plumber_files:
        plumber_figures(sample(pdfs, args.plumber_files), args.repeats, end_to_end)

    docx_sets = []
    if args.docx_files:
        docx_sets.append(
            ("generated 1-2 page DOCX", generated_docx(Path(tmp.name), args.docx_files))
        )
        layouts = SHARED / "layouts" / "files"
        if layouts.is_dir():
            real = sorted(layouts.glob("*.docx"))
            docx_sets.append(
                (f"../shared/data/layouts DOCX (3-13 page CVs, {len(real)} files)", real)
            )
        else:
            print("DOCX data: ../shared/data/layouts absent; generated DOCX only")

    def docx_text(path: Path) -> None:
        """The plain way to read a DOCX: python-docx's paragraphs' text, nothing else."""
        import docx

        "\n".join(p.text for p in docx.Document(str(path)).paragraphs)

    for label, docx_files in docx_sets:
        failures.clear()
        docx_runs, plain_runs = interleaved([end_to_end, docx_text], docx_files, args.repeats)
        docx_med, plain_med = statistics.median(docx_runs), statistics.median(plain_runs)
        print(
            f"end-to-end DOCX, {label}: median {docx_med:.1f} resumes/s "
            f"(runs: {', '.join(f'{r:.1f}' for r in docx_runs)}); "
            f"failed: {len(failures) // args.repeats}; python-docx paragraph text alone, runs "
            f"interleaved: median {plain_med:.1f} files/s -> end-to-end / python-docx = "
            f"{docx_med / plain_med:.2f}"
        )
    if args.workers_files:
        pool_figures(pdfs[: args.workers_files], args.repeats, rate, end_to_end)
    if args.rss_resumes and livecareer.is_dir():
        rss_figures(sorted(livecareer.glob("*/*.pdf")), args.rss_resumes)
    if args.ocr_pages:
        ocr_figures(Path(tmp.name), args.ocr_pages, args.repeats)
    print(f"machine: {os.cpu_count()} cores visible; python {sys.version.split()[0]}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
