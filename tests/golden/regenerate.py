"""Write the golden outputs: `extract --json` of every bundled example and `screen`'s shortlist.

Run only after an intended change of output (say which in the commit):
    make golden          (or: python tests/golden/regenerate.py)
tests/test_golden.py checks that the current code reproduces these files byte for byte.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT / "examples" / "resumes"
JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
AS_OF = "2026-12-01"  # "Present" in the examples means this date, whatever day the test runs
SHORTLIST_FILES = ("shortlist.csv", "shortlist.json", "report.html")


def extract_output() -> str:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["extract", "--json", "--as-of", AS_OF, str(EXAMPLES)])
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"extract exited {result.exit_code}: {result.output[-500:]}")
    return result.stdout


def screen_outputs(out: Path) -> dict[str, bytes]:
    from typer.testing import CliRunner

    from pipeline.cli import app

    args = ["screen", str(EXAMPLES), "--job", str(JOB), "--out", str(out), "--workers", "0"]
    result = CliRunner().invoke(app, [*args, "--as-of", AS_OF, "--quiet"])
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"screen exited {result.exit_code}: {result.output[-500:]}")
    return {name: (out / name).read_bytes() for name in SHORTLIST_FILES}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    (HERE / "extract.jsonl").write_text(extract_output(), encoding="utf-8")
    screen_dir = HERE / "screen"
    screen_dir.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    try:
        for name, data in screen_outputs(tmp / "out").items():
            (screen_dir / name).write_bytes(data)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"golden outputs written to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
