"""Cross-engine agreement on real PDFs: does our reading keep the words other readers see?

For each file of a sample of ../shared/data/livecareer (the same number from every category)
and every PDF of ../shared/data/layouts, compares the text of `parse()` (default engine,
PDFium, and our pdfplumber engine) with two independent readings of the same file:
pdfplumber's own `extract_text()` and poppler's `pdftotext` (when installed). Printed per
producer (/Producer of the PDF) and overall:

- glued: share of tokens that are runs of 18+ letters (words glued together), per reading;
- intact: median over files of the share of the reference's lines of 6+ words found intact
  (same words, same order) in our text;
- skills: skills the lexicon matcher finds in the reference reading and not in ours, and the
  reverse, as counts and as a share of the reference's skills.

The baseline row "PDFium text" is PDFium's own text (`get_text_range`), which is what the
reader split words on before the geometric word model. Prints figures; it is not a test.
Run: python benchmarks/engine_agreement.py [--per-category N] [--check]
With --check it exits 1 when a target of issue 14 is missed on the livecareer sample.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

_TOKEN = re.compile(r"\S+")
_GLUED = re.compile(r"[^\W\d_]{18,}")
_WORDS = re.compile(r"\w+")


@dataclass
class Tally:
    files: int = 0
    tokens: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    glued: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    intact: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ref_skills: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missing: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    extra: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def livecareer_sample(per_category: int) -> list[Path]:
    out = []
    for category in sorted((SHARED / "livecareer" / "pdf").iterdir()):
        files = sorted(category.glob("*.pdf"))
        step = max(len(files) / per_category, 1)
        out += [files[int(i * step)] for i in range(min(per_category, len(files)))]
    return out


def producer(path: Path) -> str:
    import pypdfium2 as pdfium

    meta = pdfium.PdfDocument(str(path)).get_metadata_dict()
    name = meta.get("Producer", "") or meta.get("Creator", "") or "unknown"
    for short in ("Qt 4", "Qt 5", "Word", "LuaTeX", "ilovepdf", "ReportLab"):
        if short.lower() in name.lower():
            return short
    return name[:20] or "unknown"


def normalise(text: str) -> str:
    from pipeline.text.normalize import normalize_line

    lines = (normalize_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def plumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdftotext(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def intact_share(reference: str, ours: str) -> float | None:
    """Share of the reference's lines of 6+ words whose words appear, in order and
    consecutively, in our text (compared word by word, so spacing does not matter)."""
    ours_words = " " + " ".join(_WORDS.findall(ours.lower())) + " "
    lines = [_WORDS.findall(line.lower()) for line in reference.splitlines()]
    long = [words for words in lines if len(words) >= 6]
    if not long:
        return None
    return sum(f" {' '.join(words)} " in ours_words for words in long) / len(long)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-category", type=int, default=5, help="livecareer files per category")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: no real files to measure (nothing printed)")
    from pipeline import ParseError, SkillMatcher, default_lexicon, parse

    matcher = SkillMatcher(default_lexicon())

    def skills(text: str) -> set[str]:
        return {m.skill_id for m in matcher.find(text)}

    has_pdftotext = shutil.which("pdftotext") is not None
    sets = {
        "livecareer": livecareer_sample(args.per_category),
        "layouts": sorted((SHARED / "layouts").glob("files/*.pdf")),
    }
    references = ["pdfplumber extract_text"] + (["pdftotext"] * has_pdftotext)
    readings = ["ours (pdfium)", "ours (pdfplumber)", "PDFium text (baseline)"]
    tallies: dict[str, Tally] = defaultdict(Tally)
    failed = 0
    for set_name, files in sets.items():
        for path in files:
            try:
                texts = {
                    "ours (pdfium)": parse(path, ocr=False).text,
                    "ours (pdfplumber)": parse(path, pdf_engine="pdfplumber", ocr=False).text,
                }
            except ParseError:
                failed += 1  # no text layer (scanned) or damaged: nothing to compare
                continue
            texts["PDFium text (baseline)"] = normalise(pdfium_text(path))
            texts["pdfplumber extract_text"] = normalise(plumber_text(path))
            if has_pdftotext:
                texts["pdftotext"] = normalise(pdftotext(path))
            found = {name: skills(text) for name, text in texts.items()}
            for key in (f"{set_name}: {producer(path)}", f"{set_name}: all"):
                tally = tallies[key]
                tally.files += 1
                for name, text in texts.items():
                    tokens = _TOKEN.findall(text)
                    tally.tokens[name] += len(tokens)
                    tally.glued[name] += sum(bool(_GLUED.search(t)) for t in tokens)
                for reference in references:
                    tally.ref_skills[reference] += len(found[reference])
                    for name in readings:
                        share = intact_share(texts[reference], texts[name])
                        if share is not None:
                            tally.intact[(name, reference)].append(share)
                        tally.missing[(name, reference)] += len(found[reference] - found[name])
                        tally.extra[(name, reference)] += len(found[name] - found[reference])
    print(
        f"files: {', '.join(f'{k} {len(v)}' for k, v in sets.items())}; "
        f"no text layer or damaged (skipped): {failed}; pdftotext: "
        f"{'yes' if has_pdftotext else 'not installed'}"
    )
    missed_targets = []
    for key in sorted(tallies, key=lambda k: (not k.endswith(": all"), k)):
        tally = tallies[key]
        print(f"\n== {key} ({tally.files} files)")
        glued = {n: 100 * tally.glued[n] / max(tally.tokens[n], 1) for n in tally.tokens}
        print(
            "  glued tokens (18+ letters): " + ", ".join(f"{n} {v:.2f}%" for n, v in glued.items())
        )
        for reference in references:
            print(f"  against {reference} ({tally.ref_skills[reference]} skills):")
            for name in readings:
                intact = tally.intact[(name, reference)]
                med = statistics.median(intact) if intact else float("nan")
                mean = statistics.fmean(intact) if intact else float("nan")
                miss = tally.missing[(name, reference)]
                share = 100 * miss / max(tally.ref_skills[reference], 1)
                print(
                    f"    {name:24s} intact lines median {med:.3f} (mean {mean:.3f}); "
                    f"skills missed {miss} ({share:.2f}%), extra {tally.extra[(name, reference)]}"
                )
        if key == "livecareer: all":
            ref = "pdfplumber extract_text"
            delta = glued["ours (pdfium)"] - glued[ref]
            miss_share = tally.missing[("ours (pdfium)", ref)] / max(tally.ref_skills[ref], 1)
            med = statistics.median(tally.intact[("ours (pdfium)", ref)])
            print(
                f"  targets: glued within 0.2 pp of pdfplumber: {delta:+.2f} pp; skills missed "
                f"< 1%: {100 * miss_share:.2f}%; median intact >= 0.98: {med:.3f}"
            )
            if abs(delta) > 0.2 or miss_share >= 0.01 or med < 0.98:
                missed_targets.append(key)
    if args.check and missed_targets:
        sys.exit(1)


if __name__ == "__main__":
    main()
