"""Golden outputs: the bundled examples give byte-identical `extract --json` and shortlist files.

A refactoring must not change them. After an intended change, regenerate with `make golden`
and say in the commit what changed and why.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(HERE))

import regenerate  # noqa: E402


def _diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "golden", "now", lineterm="", n=1
    )
    return "\n".join(list(lines)[:40]) + "\n(regenerate with `make golden` if intended)"


def test_extract_json_of_every_example_is_unchanged():
    expected = (HERE / "extract.jsonl").read_text(encoding="utf-8")
    actual = regenerate.extract_output()
    assert actual == expected, _diff(expected, actual)


def test_screen_shortlist_files_are_unchanged(tmp_path):
    outputs = regenerate.screen_outputs(tmp_path / "out")
    for name, data in outputs.items():
        expected = (HERE / "screen" / name).read_bytes()
        assert data == expected, _diff(expected.decode(), data.decode())


def test_extract_json_of_generated_corpus_has_the_stored_checksum():
    """50 generated PDFs and DOCX (tests/golden/corpus.py): one sha256 over all their records."""
    expected = (HERE / "corpus.sha256").read_text(encoding="utf-8").strip()
    assert regenerate.corpus_checksum() == expected, (
        "extract --json of the generated corpus changed (regenerate with `make golden` if intended)"
    )
