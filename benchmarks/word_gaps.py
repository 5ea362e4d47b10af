"""Measure the word-boundary thresholds of pipeline/read/words.py on real PDFs.

For each page of a sample of real PDFs (../shared/data/livecareer across every category, and
every PDF of ../shared/data/layouts), PDFium's characters go through the word model with a grid
of threshold values; the words are aligned with pdftotext's words of the same page (poppler
reads the space glyphs that PDFium drops) and two error rates are counted per 1,000 reference
word boundaries:

- missed: a boundary pdftotext has and we do not (glued words, "technicalskills");
- extra:  a boundary we have and pdftotext does not (split words, "PyT orch").

SPLIT_EM, BASE_QUANTILE and BASE_CAP_EM are searched on a grid, JOIN_EM and MIN_SAMPLES one at
a time around the module's values. Values are tuned on the even-numbered files and reported
on the odd-numbered ones (held out), per producer (/Producer of the PDF). Prints figures; it
is not a test. Needs pdftotext (Debian's poppler-utils).
Run: python benchmarks/word_gaps.py [--livecareer N]
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

SWEEPS = {"JOIN_EM": [0.0, 0.03, 0.06], "MIN_SAMPLES": [2, 4, 8]}  # one at a time
GRID = {
    "SPLIT_EM": [0.05, 0.07, 0.09, 0.11, 0.13, 0.15],
    "BASE_QUANTILE": [0.5, 0.75, 0.9, 1.0],
    "BASE_CAP_EM": [0.0, 0.03, 0.06, 0.1],
}


def sample(paths: list[Path], n: int) -> list[Path]:
    paths = sorted(paths)
    if len(paths) <= n:
        return paths
    step = len(paths) / n
    return [paths[int(i * step)] for i in range(n)]


def producer(path: Path) -> str:
    import pypdfium2 as pdfium

    meta = pdfium.PdfDocument(str(path)).get_metadata_dict()
    name = meta.get("Producer", "") or meta.get("Creator", "") or "unknown"
    for short in ("Qt 4", "Qt 5", "Word", "LuaTeX", "ilovepdf", "ReportLab"):
        if short.lower() in name.lower():
            return short
    return name[:20]


def pages_of(path: Path):
    """(page chars for the word model, pdftotext's words) for each page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.read import pdf_pdfium

    document = pdfium.PdfDocument(str(path))
    out = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        count = raw.FPDFText_CountChars(textpage.raw)
        text = pdf_pdfium._page_chars(raw, textpage.raw, count)
        chars = pdf_pdfium._char_geometry(raw, textpage.raw, text, page.get_size()[1])
        reference = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(index + 1), "-l", str(index + 1)]
            + [str(path), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
        out.append((text, chars, reference))
        textpage.close()
        page.close()
    document.close()
    return out


def our_words(text: str, chars) -> list[str]:
    from pipeline.read import words

    out = []
    for start, end in words.spans(chars).tolist():
        out.append(
            "".join(
                c for c, b in zip(text[start:end], chars.blank[start:end], strict=True) if not b
            )
        )
    return [w.replace("\x02", "-").replace("\ufffe", "-") for w in out if w]


def compare(ours: list[str], reference: list[str]) -> tuple[int, int, int]:
    """(reference boundaries in aligned text, missed, extra)."""
    matcher = difflib.SequenceMatcher(None, ours, reference, autojunk=False)
    boundaries = missed = extra = 0
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            boundaries += b1 - b0
        elif op == "replace" and "".join(ours[a0:a1]) == "".join(reference[b0:b1]):
            mine = set(itertools.accumulate(len(w) for w in ours[a0:a1]))
            theirs = set(itertools.accumulate(len(w) for w in reference[b0:b1]))
            boundaries += b1 - b0
            missed += len(theirs - mine)
            extra += len(mine - theirs)
    return boundaries, missed, extra


def evaluate(files, cache, settings) -> dict[str, list[int]]:
    from pipeline.read import words

    for name, value in settings.items():
        setattr(words, name, value)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for path in files:
        kind = cache[path][0]
        for text, chars, reference in cache[path][1]:
            b, m, e = compare(our_words(text, chars), reference)
            for key in (kind, "all"):
                totals[key][0] += b
                totals[key][1] += m
                totals[key][2] += e
    return totals


def rate(t: list[int]) -> tuple[float, float]:
    return 1000 * t[1] / max(t[0], 1), 1000 * t[2] / max(t[0], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--livecareer", type=int, default=120, help="livecareer files sampled")
    args = parser.parse_args()
    if not shutil.which("pdftotext"):
        sys.exit("pdftotext is not installed (apt-get install poppler-utils)")
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: nothing to measure")
    files = sample(list((SHARED / "livecareer").glob("pdf/*/*.pdf")), args.livecareer)
    files += sorted((SHARED / "layouts").glob("files/*.pdf"))
    cache = {path: (producer(path), pages_of(path)) for path in files}
    tune = files[0::2]
    held = files[1::2]
    from pipeline.read import words

    defaults = {name: getattr(words, name) for name in GRID}
    print(f"{len(files)} files: {len(tune)} for tuning, {len(held)} held out")
    print("per 1,000 reference boundaries: missed (glued) + extra (split), tuning files")
    results = []
    for values in itertools.product(*GRID.values()):
        settings = dict(zip(GRID, values, strict=True))
        totals = evaluate(tune, cache, settings)
        m, e = rate(totals["all"])
        results.append((m + e, m, e, settings))
    results.sort(key=lambda r: r[0])
    for total, m, e, settings in results[:8]:
        print(f"  {total:6.2f} = {m:5.2f} missed + {e:5.2f} extra  {settings}")
    best = results[0][3]
    for name, values in SWEEPS.items():
        defaults[name] = getattr(words, name)
        for value in values:
            totals = evaluate(tune, cache, {**defaults, name: value})
            m, e = rate(totals["all"])
            print(f"  {m + e:6.2f} = {m:5.2f} missed + {e:5.2f} extra  {name}={value}")
    for label, settings in (("chosen (module constants)", defaults), ("best on tuning", best)):
        totals = evaluate(held, cache, settings)
        print(f"held-out files, {label}: {settings}")
        for kind, t in sorted(totals.items()):
            m, e = rate(t)
            print(f"  {kind:12s} boundaries {t[0]:7d}  missed {m:6.2f}/1000  extra {e:6.2f}/1000")
    evaluate([], cache, defaults)


if __name__ == "__main__":
    main()
