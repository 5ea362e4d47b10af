"""What document understanding finds on real resumes that have no reference text.

Reads ../shared/data/layouts/files (third-party samples, read in place, nothing copied) and
counts, per file: parsed or failed (with reason), an experience section found, a job timeline,
education entries, e-mail/phone/location, skills with months of use, hidden words dropped and
keyword-stuffing flags. These are coverage counts, not accuracy: there is no reference to score
against. Run: python benchmarks/real_layouts.py [--ocr]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT.parent / "shared" / "data" / "layouts" / "files"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocr", action="store_true", help="OCR files without a text layer")
    args = parser.parse_args()
    if not LAYOUTS.is_dir():
        print(f"{LAYOUTS} is absent: nothing to count (this script needs ../shared/data)")
        return
    sys.path.insert(0, str(ROOT))
    from pipeline import Screener

    screener = Screener(ocr=args.ocr)
    counts: collections.Counter[str] = collections.Counter()
    files = sorted(p for p in LAYOUTS.iterdir() if p.is_file())
    t0 = time.perf_counter()
    for path in files:
        outcome = screener.extract(path)
        if outcome.status != "scored":
            counts[f"failed: {outcome.reason}"] += 1
            continue
        p = outcome.profile
        counts["parsed"] += 1
        counts["experience section found"] += "experience" in p.sections
        counts["job timeline (>= 1 entry)"] += bool(p.timeline)
        counts["education entries"] += bool(p.education)
        counts["e-mail found"] += bool(p.contacts.emails)
        counts["phone found"] += bool(p.contacts.phones)
        counts["location found"] += bool(p.contacts.location)
        counts["skills with months of use (sum)"] += sum(1 for h in p.skills if h.months)
        counts["hidden words dropped (files)"] += p.hidden_text_dropped > 0
        counts["keyword stuffing flagged (files)"] += bool(p.keyword_stuffing)
    seconds = time.perf_counter() - t0
    print(f"../shared/data/layouts: {len(files)} files, read in place, {seconds:.1f} s")
    for key, value in counts.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
