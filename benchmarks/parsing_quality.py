"""Parsing quality per layout class: text recall, intact sentences and reading order.

Prints one Markdown table (layout class x engine); it is not a test.

Documents:
1. generated here (benchmarks/layout_fixtures.py), fictional, with known true text:
   single_column, two_column (half drawn column by column, half row by row like a Word/HTML
   export), sidebar (shaded, white text, left or right), table (date | description cells),
   docx, scanned (image-only PDF; needs OCR) and shuffled_stream (text objects in random
   content-stream order, so reading order must come from geometry);
2. real resumes from ../shared/data/layouts that exist both as DOCX and PDF: the reference is
   parse(docx), the hypothesis parse(pdf). Third-party data: read in place at run time, never
   copied; when ../shared is absent (or with --no-shared) only the generated part runs.

Engines: our parse() with pdf_engine "pdfium" and "pdfplumber", and two baselines without
our layout step: pypdfium2 text in content-stream order (get_text_range) and pdfplumber's
page.extract_text(). DOCX fixtures run parse() with both DOCX readers instead.

Metrics per document, averaged per class (tokens = lowercased \\w+ words after NFKC):
- recall: multiset token recall of the reference in the output (prec = the same, over
  the output: text the reference does not have, such as duplicates);
- intact %: share of reference sentences of >= 4 words (paragraphs, bullets and cells split
  at . ! ? ;) found as a contiguous word sequence in the output; a sentence wrapped over
  two lines survives only if the output keeps those lines together;
- order: Kendall tau between reference order and output position of the reference lines
  that can be placed (their words occur exactly once in the reference and once in the
  output); 1 = same order, ~0.5 = two columns fully interleaved, ~0 = columns swapped or
  random, -1 = reversed. Tau is lenient with local damage: a heading moved away from its
  section costs little, hence
- next %: share of consecutive placed reference lines that are also consecutive in the
  output (a date cell followed by its description, a heading by its first line).

Run: python benchmarks/parsing_quality.py [--classes two_column,sidebar] [--n 16]
     [--plumber-n 8] [--ocr-n 3] [--no-shared] [--json out.json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import layout_fixtures  # noqa: E402

PAIRS_CLASS = "layouts_pairs"
PDF_ENGINES = ("parse/pdfium", "parse/pdfplumber", "base/pdfium-stream", "base/plumber-text")
DOCX_ENGINES = ("parse/docx-lxml", "parse/docx-python-docx")
SLOW = ("parse/pdfplumber", "base/plumber-text")  # limited to --plumber-n documents
PAIR_MIN_JACCARD = 0.8  # token-multiset Jaccard above which a PDF and a DOCX are one resume

# ------------------------------------------------------------------------------ engines


def _parse_lines(path: Path, **kwargs) -> list[str]:
    from pipeline.read import parse

    return [line.text for line in parse(path, **kwargs).lines]


def _pdfium_stream(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    out: list[str] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            out.extend(textpage.get_text_range().splitlines())
            textpage.close()
            page.close()
    finally:
        document.close()
    return out


def _plumber_text(path: Path) -> list[str]:
    import pdfplumber

    out: list[str] = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            out.extend((page.extract_text() or "").splitlines())
            page.close()
    return out


ENGINES = {
    "parse/pdfium": lambda p: _parse_lines(p, pdf_engine="pdfium"),
    "parse/pdfplumber": lambda p: _parse_lines(p, pdf_engine="pdfplumber"),
    "base/pdfium-stream": _pdfium_stream,
    "base/plumber-text": _plumber_text,
    "parse/docx-lxml": lambda p: _parse_lines(p, docx_engine="lxml"),
    "parse/docx-python-docx": lambda p: _parse_lines(p, docx_engine="python-docx"),
}

# ------------------------------------------------------------------------------ metrics

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def units(texts: list[str], min_words: int) -> list[str]:
    """Sentences of at least `min_words` words, each as its space-joined tokens."""
    out = []
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            words = tokens(sentence)
            if len(words) >= min_words:
                out.append(" ".join(words))
    return out


def _occurrences(hay: str, needle: str) -> list[int]:
    """Word-aligned start offsets of `needle` in `hay` (both space-joined tokens)."""
    found, start, key = [], 0, f" {needle} "
    while (at := hay.find(key, start)) >= 0:
        found.append(at)
        start = at + 1
    return found


def kendall_tau(values: list[int]) -> float | None:
    n = len(values)
    if n < 2:
        return None
    score = 0
    for i in range(n - 1):
        a = values[i]
        for b in values[i + 1 :]:
            score += (b > a) - (b < a)
    return score / (n * (n - 1) / 2)


@dataclass
class Score:
    recall: float
    precision: float
    intact: float | None  # None when the reference has no sentence of >= 4 words
    order: float | None  # None when fewer than two reference lines were found
    next: float | None  # None when no two consecutive reference lines were found


def score(ref_lines: list[str], ref_blocks: list[str], out_lines: list[str]) -> Score:
    ref_tokens = tokens("\n".join(ref_lines))
    out_tokens = tokens("\n".join(out_lines))
    common = sum((Counter(ref_tokens) & Counter(out_tokens)).values())
    hay = " " + " ".join(out_tokens) + " "
    ref_hay = " " + " ".join(ref_tokens) + " "
    # A sentence that occurs k times in the reference (also inside longer ones) counts as
    # intact in proportion to how many of those k the output has.
    sentences = units(ref_blocks, 4)
    intact = None
    if sentences:
        found = 0.0
        for sentence in sentences:
            k_ref = max(1, len(_occurrences(ref_hay, sentence)))
            found += min(1.0, len(_occurrences(hay, sentence)) / k_ref)
        intact = found / len(sentences)
    # Order only from reference lines whose words occur exactly once in the reference and
    # once in the output, so a short line that also occurs inside another one ("hours a
    # month") cannot be misplaced.
    placed: list[tuple[int, int, int]] = []  # (reference index, output offset, length)
    for index, line in enumerate(" ".join(tokens(text)) for text in ref_lines):
        if line and len(_occurrences(ref_hay, line)) == 1:
            where = _occurrences(hay, line)
            if len(where) == 1:
                placed.append((index, where[0], len(line) + 1))
    # next: consecutive reference lines that are consecutive in the output too.
    pairs = [(a, b) for a, b in pairwise(placed) if b[0] == a[0] + 1]
    follows = sum(b[1] == a[1] + a[2] for a, b in pairs)
    return Score(
        recall=common / len(ref_tokens) if ref_tokens else 0.0,
        precision=common / len(out_tokens) if out_tokens else 0.0,
        intact=intact,
        order=kendall_tau([offset for _, offset, _ in placed]),
        next=follows / len(pairs) if pairs else None,
    )


# ------------------------------------------------------------------------------ documents


@dataclass
class Doc:
    cls: str
    name: str
    path: Path
    lines: list[str]
    blocks: list[str]
    variant: str = ""


def generated(classes: list[str], n: int, ocr_n: int, folder: Path, seed: int) -> list[Doc]:
    docs = []
    for cls in classes:
        for i in range(ocr_n if cls == "scanned" else n):
            f = layout_fixtures.generate(cls, folder, i, seed)
            docs.append(Doc(cls, f.path.name, f.path, f.lines, f.blocks, f.variant))
    return docs


def _docx_direct(path: Path) -> list[str]:
    """Paragraph texts of headers, body and footers, read straight from the XML: the
    reference of last resort when parse(docx) itself fails."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        parts = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
        parts += ["word/document.xml"]
        parts += sorted(n for n in names if re.fullmatch(r"word/footer\d*\.xml", n))
        roots = [etree.fromstring(archive.read(n)) for n in parts]
    out = []
    for root in roots:
        for p in root.iter(f"{w}p"):
            if any(a.tag == fallback for a in p.iterancestors()):
                continue
            text = "".join(
                (t.text or "") if t.tag == f"{w}t" else " "
                for t in p.iter(f"{w}t", f"{w}tab", f"{w}br")
                if next(t.iterancestors(f"{w}p"), None) is p  # not a nested text box's
            )
            if text.strip():
                out.append(text)
    return out


def layout_pairs(folder: Path) -> tuple[list[Doc], list[str]]:
    """Resumes present as both DOCX and PDF: matched by content (token-multiset Jaccard >=
    PAIR_MIN_JACCARD between parse(pdf) and the DOCX text, one-to-one), not by file name."""
    notes: list[str] = []
    with (folder / "files.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    class_column = next(
        (c for c in ("layout", "layout_class", "class") if rows and c in rows[0]), None
    )
    if class_column is None:
        notes.append(
            f"files.csv has no layout column (columns: {', '.join(rows[0]) if rows else '-'}): "
            f"all pairs reported as one class `{PAIRS_CLASS}`"
        )
    files = {folder / r["file"]: r for r in rows}
    docx_text: dict[Path, list[str]] = {}
    fallback_errors: list[str] = []
    for path in sorted(p for p in files if p.suffix.lower() == ".docx" and p.is_file()):
        try:
            docx_text[path] = _parse_lines(path)
        except Exception as exc:
            fallback_errors.append(f"{type(exc).__name__}: {exc}")
            docx_text[path] = _docx_direct(path)
    if fallback_errors:
        common = Counter(fallback_errors).most_common(1)[0][0]
        notes.append(
            f"parse(docx) failed on {len(fallback_errors)}/{len(docx_text)} DOCX files "
            f"(e.g. {common[:120]}); their reference text was read directly from the XML"
        )
    docx_bags = {p: Counter(tokens("\n".join(t))) for p, t in docx_text.items()}
    candidates = []
    for path in sorted(p for p in files if p.suffix.lower() == ".pdf" and p.is_file()):
        try:
            bag = Counter(tokens("\n".join(_parse_lines(path))))
        except Exception:
            continue  # no text to match on (e.g. an image-only PDF)
        for other, docx_bag in docx_bags.items():
            union = sum((bag | docx_bag).values())
            jaccard = sum((bag & docx_bag).values()) / union if union else 0.0
            if jaccard >= PAIR_MIN_JACCARD:
                candidates.append((jaccard, path, other))
    docs, used = [], set()
    for jaccard, pdf, other in sorted(candidates, reverse=True):
        if pdf in used or other in used:
            continue
        used.update((pdf, other))
        cls = (files[pdf].get(class_column) or PAIRS_CLASS) if class_column else PAIRS_CLASS
        lines = docx_text[other]
        docs.append(Doc(cls, pdf.name, pdf, lines, lines, f"vs {other.name} (J={jaccard:.2f})"))
    notes.append(
        f"{len(docs)} DOCX/PDF pairs found among {len(docx_text)} DOCX and "
        f"{sum(p.suffix.lower() == '.pdf' for p in files)} PDF files: "
        + "; ".join(f"{d.name} {d.variant}" for d in docs)
    )
    return docs, notes


# ------------------------------------------------------------------------------ running


@dataclass
class Result:
    cls: str
    engine: str
    doc: str
    variant: str
    seconds: float
    error: str | None = None
    recall: float | None = None
    precision: float | None = None
    intact: float | None = None
    order: float | None = None
    next: float | None = None


def ocr_unavailable() -> str | None:
    """Why the `scanned` class cannot be measured, or None."""
    if importlib.util.find_spec("pipeline.read.ocr") is None:
        return "pipeline.read.ocr not present"
    try:
        from pipeline.read import ocr
    except Exception as exc:
        return f"pipeline.read.ocr does not import: {type(exc).__name__}"
    if not ocr.available():
        return "Tesseract not installed (or PIPELINE_TESSERACT=none)"
    return None


def run(docs: list[Doc], plumber_n: int) -> list[Result]:
    results = []
    per_class: Counter[str] = Counter()
    for doc in docs:
        rank = per_class[doc.cls]
        per_class[doc.cls] += 1
        engines = DOCX_ENGINES if doc.path.suffix.lower() == ".docx" else PDF_ENGINES
        for engine in engines:
            if engine in SLOW and rank >= plumber_n:
                continue
            began = time.perf_counter()
            try:
                out = ENGINES[engine](doc.path)
            except Exception as exc:
                reason = getattr(exc, "reason", None) or type(exc).__name__
                detail = str(exc).splitlines()[0][:100] if str(exc) else ""
                results.append(
                    Result(
                        doc.cls,
                        engine,
                        doc.name,
                        doc.variant,
                        time.perf_counter() - began,
                        f"{reason}: {detail}" if detail else str(reason),
                    )
                )
                continue
            seconds = time.perf_counter() - began
            s = score(doc.lines, doc.blocks, out)
            results.append(
                Result(doc.cls, engine, doc.name, doc.variant, seconds, None, **asdict(s))
            )
    return results


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.0f}" if percent else f"{value:.2f}"


def summary_rows(results: list[Result], classes: list[str], skipped: dict[str, str]):
    by = defaultdict(list)
    for r in results:
        by[(r.cls, r.engine)].append(r)
    rows = []
    for cls in classes:
        if cls in skipped:
            rows.append({"class": cls, "engine": "all", "n": 0, "na": skipped[cls]})
            continue
        for engine in (*PDF_ENGINES, *DOCX_ENGINES):
            group = by.get((cls, engine))
            if not group:
                continue
            ok = [r for r in group if r.error is None]
            failed = [r for r in group if r.error is not None]
            row = {
                "class": cls,
                "engine": engine,
                "n": len(ok),
                "failed": len(failed),
                "recall": _mean(r.recall for r in ok),
                "precision": _mean(r.precision for r in ok),
                "intact": _mean(r.intact for r in ok),
                "order": _mean(r.order for r in ok),
                "next": _mean(r.next for r in ok),
                "seconds": _mean(r.seconds for r in group),
            }
            if failed:
                row["errors"] = Counter(r.error for r in failed).most_common(3)
            if not ok:
                row["na"] = failed[0].error
            rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    print("| class | engine | n | recall | prec | intact % | order τ | next % | s/doc |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        if row.get("na") and not row["n"]:
            print(f"| {row['class']} | {row['engine']} | 0 | n/a ({row['na']}) | | | | | |")
            continue
        n = str(row["n"]) + (f" (+{row['failed']} failed)" if row.get("failed") else "")
        print(
            f"| {row['class']} | {row['engine']} | {n} | {_fmt(row['recall'])} | "
            f"{_fmt(row['precision'])} | {_fmt(row['intact'], True)} | {_fmt(row['order'])} | "
            f"{_fmt(row['next'], True)} | {row['seconds']:.3f} |"
        )


def print_variants(results: list[Result], engine: str) -> None:
    groups = defaultdict(list)
    for r in results:
        if r.engine == engine and r.error is None and r.variant:
            key = r.variant if r.cls != PAIRS_CLASS else r.doc
            groups[(r.cls, key)].append(r)
    if not groups:
        return
    print(f"\n{engine} by variant:\n")
    print("| class | variant | n | recall | intact % | order τ | next % |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for (cls, variant), group in groups.items():
        print(
            f"| {cls} | {variant} | {len(group)} | {_fmt(_mean(r.recall for r in group))} | "
            f"{_fmt(_mean(r.intact for r in group), True)} | "
            f"{_fmt(_mean(r.order for r in group))} | {_fmt(_mean(r.next for r in group), True)} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    all_classes = [*layout_fixtures.CLASSES, PAIRS_CLASS]
    parser.add_argument(
        "--classes", default=",".join(all_classes), help=f"comma list of {all_classes}"
    )
    parser.add_argument("--n", type=int, default=16, help="generated documents per class")
    parser.add_argument(
        "--plumber-n",
        type=int,
        default=8,
        help="documents per class for the two pdfplumber engines (slow)",
    )
    parser.add_argument("--ocr-n", type=int, default=3, help="documents for `scanned` (OCR)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-shared", action="store_true", help="generated documents only")
    parser.add_argument("--json", type=Path, help="write summary and per-document rows here")
    parser.add_argument("--keep", type=Path, help="write the generated fixtures to this folder")
    args = parser.parse_args()
    classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    unknown = set(classes) - set(all_classes)
    if unknown:
        parser.error(f"unknown classes {sorted(unknown)}; choose from {all_classes}")

    began = time.perf_counter()
    notes: list[str] = []
    skipped: dict[str, str] = {}
    if "scanned" in classes and (reason := ocr_unavailable()):
        skipped["scanned"] = reason
    tmp = tempfile.TemporaryDirectory()
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [c for c in classes if c in layout_fixtures.CLASSES and c not in skipped]
    docs = generated(wanted, args.n, args.ocr_n, folder, args.seed)
    generation = time.perf_counter() - began

    layouts = SHARED / "layouts"
    if PAIRS_CLASS in classes:
        if args.no_shared:
            skipped[PAIRS_CLASS] = "--no-shared"
        elif not (layouts / "files.csv").is_file():
            skipped[PAIRS_CLASS] = f"{layouts} absent"
        else:
            pairs, pair_notes = layout_pairs(layouts)
            notes += pair_notes
            docs += pairs
            if not pairs:
                skipped[PAIRS_CLASS] = "no DOCX/PDF pairs found"
    pair_classes = sorted({d.cls for d in docs if d.path.is_relative_to(layouts)})
    report_classes = [c for c in classes if c != PAIRS_CLASS] + (
        pair_classes or ([PAIRS_CLASS] if PAIRS_CLASS in classes else [])
    )

    results = run(docs, args.plumber_n)
    rows = summary_rows(results, report_classes, skipped)
    elapsed = time.perf_counter() - began

    print(f"# Parsing quality by layout class (seed {args.seed})\n")
    if PAIRS_CLASS in classes and PAIRS_CLASS not in skipped:
        print(
            f"Third-party data: {layouts} (evaluation use only) is read in place at run time; "
            "nothing from it is copied into the repository.\n"
        )
    elif PAIRS_CLASS in classes:
        print(f"Real-layout pairs skipped ({skipped[PAIRS_CLASS]}): generated documents only.\n")
    print_table(rows)
    print_variants(results, "parse/pdfium")
    print()
    counts = Counter(d.cls for d in docs)
    print(
        f"- generated: {args.n} documents per class ({args.ocr_n} for scanned), "
        f"{generation:.1f} s to generate; pdfplumber engines (parse/pdfplumber, "
        f"base/plumber-text) run on the first {args.plumber_n} of each class only (slow)"
    )
    print(
        "- intact % = reference sentences of >= 4 words found as contiguous words; "
        "order τ = Kendall tau over reference lines placed unambiguously (1 = same order, "
        "~0.5 = two columns interleaved, ~0 = swapped/random); next % = consecutive reference "
        "lines still consecutive; s/doc = wall seconds per file"
    )
    for note in notes:
        print(f"- {note}")
    for row in rows:
        for error, count in row.get("errors", []):
            print(f"- {row['class']} {row['engine']}: {count} failed: {error}")
    print(
        f"- documents: {dict(counts)}; total {elapsed:.1f} s; {len(results)} engine runs; "
        f"python {sys.version.split()[0]}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "config": vars(args),
                    "summary": rows,
                    "documents": [asdict(r) for r in results],
                    "notes": notes,
                    "seconds": elapsed,
                },
                indent=1,
                default=str,
            )
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
