"""Isolated workers: a hostile file fails with a reason within its limit, the batch goes on."""

from __future__ import annotations

import json
import os
import time
import zipfile

import pytest
from conftest import ROOT, docx_resume, text_file
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run.workers import Limits, WorkerConfig, WorkerPool

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()
GOOD = "SKILLS\nPython, PyTorch, Pandas and AWS for machine learning pipelines.\n"


LIMITS = Limits(memory_mb=400, cpu_seconds=3, timeout=3)


@pytest.fixture()
def pool(tiny_lexicon):
    config = WorkerConfig(tiny_lexicon.path, None, "pdfium", "lxml", "2026-01-01")
    return WorkerPool(config, workers=2, limits=LIMITS)


@pytest.mark.parametrize(
    ("fault", "reasons"),
    [
        ("hang", {"timeout"}),
        ("spin", {"timeout", "cpu_limit"}),
        ("memory", {"memory_limit", "worker_killed"}),
        ("crash", {"worker_crashed"}),
        ("socket", {"internal_error"}),
    ],
)
@pytest.mark.slow
def test_faulty_file_fails_and_others_are_scored(
    tmp_path, tiny_lexicon, fault, reasons, monkeypatch
):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        text_file(folder / f"good-{i}.txt", GOOD)
    text_file(folder / "bad.txt", GOOD)
    monkeypatch.setenv("FAULTS", f"bad.txt:{fault}")  # read by tests/faults.py in the workers
    pool = _faulty_pool(tiny_lexicon, workers=2)
    _check_one_bad_file(pool, sorted(folder.iterdir()), reasons)


def _faulty_pool(tiny_lexicon, workers: int) -> WorkerPool:
    """Workers whose Screener misbehaves on the files named in $FAULTS (tests/faults.py)."""
    config = WorkerConfig(
        tiny_lexicon.path,
        None,
        "pdfium",
        "lxml",
        "2026-01-01",
        screener_factory="faults:faulty_screener",
    )
    return WorkerPool(config, workers=workers, limits=LIMITS)


def _check_one_bad_file(pool: WorkerPool, paths, reasons) -> None:
    """Every file comes back exactly once: bad.txt failed with one of `reasons`, the others
    scored (with IN_FLIGHT files per worker, some wait behind bad.txt when its worker dies)."""
    results = list(pool.map([str(p) for p in paths]))
    assert sorted(i for i, _ in results) == list(range(len(paths)))
    by_name = {paths[i].name: o for i, o in results}
    assert by_name["bad.txt"].status == "failed" and by_name["bad.txt"].reason in reasons
    assert all(o.status == "scored" for name, o in by_name.items() if name != "bad.txt")


@pytest.mark.parametrize(
    ("fault", "reasons"), [("hang", {"timeout"}), ("crash", {"worker_crashed"})]
)
@pytest.mark.slow
def test_files_waiting_behind_a_bad_file_in_one_worker_are_scored(
    tmp_path, tiny_lexicon, fault, reasons, monkeypatch
):
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "a-good.txt", GOOD)
    text_file(folder / "bad.txt", GOOD)
    for i in range(3):
        text_file(folder / f"good-{i}.txt", GOOD)
    monkeypatch.setenv("FAULTS", f"bad.txt:{fault}")
    pool = _faulty_pool(tiny_lexicon, workers=1)
    _check_one_bad_file(pool, sorted(folder.iterdir()), reasons)
    assert pool.replaced == 1


def test_pool_results_match_in_process(tmp_path, pool, tiny_lexicon):
    from datetime import date

    from pipeline.run.screener import Screener

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        text_file(folder / f"cv-{i}.txt", GOOD + f"Worked {i} years with SQL and Go, R.\n")
    paths = sorted(folder.iterdir())
    pooled = dict(pool.map([str(p) for p in paths]))
    local = Screener(lexicon=tiny_lexicon, as_of=date(2026, 1, 1), model=None)
    for i, path in enumerate(paths):
        assert pooled[i].profile == local.extract(path).profile


@pytest.mark.slow
def test_hostile_entries_in_a_batch(tmp_path):
    import zlib

    from conftest import pdf_single_column

    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "good.txt", GOOD)
    pdf_single_column(folder / "good.pdf", ["SKILLS", "Python, PyTorch, Docker on AWS"] * 3)
    os.mkfifo(folder / "fifo.pdf")
    (folder / "link.pdf").symlink_to("/dev/zero")
    (folder / "dir.docx").mkdir()
    good_docx = docx_resume(tmp_path / "g.docx", paragraphs=["Python developer"] * 3)
    with (
        zipfile.ZipFile(good_docx) as src,
        zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data + b" " * (80 * 1024 * 1024)  # inflates to 80 MB
            dst.writestr(item.filename, data)
    (folder / "selfref.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Length 1 0 R >>\nstream\nabc\nendstream endobj\n%%EOF"
    )
    (folder / "deflate-bomb.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Length 60000 /Filter /FlateDecode >>\nstream\n"
        + zlib.compress(b"\0" * (64 * 1024 * 1024))
        + b"\nendstream endobj\n%%EOF"
    )
    whole = (folder / "good.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    pdf_single_column(folder / "locked.pdf", ["SKILLS", "Python"] * 3, encrypt="pw")
    with open(folder / "sparse.pdf", "wb") as handle:
        handle.truncate(1 << 30)
    odd = os.fsdecode(b"=cmd|evil\x1b[31m\xff.txt")
    text_file(folder / odd, GOOD + "A file name with a formula, an escape and a bad byte.\n")
    result = runner.invoke(
        app,
        [
            "screen",
            str(folder),
            "--job",
            str(JOB),
            "--out",
            str(tmp_path / "out"),
            "-q",
            "--workers",
            "2",
            "--timeout",
            "5",
        ],
    )
    assert result.exit_code == 1, result.output
    data = json.loads((tmp_path / "out" / "shortlist.json").read_text())
    failed = {f["file"]: f["reason"] for f in data["failed"]}
    assert failed == {
        "fifo.pdf": "not_a_regular_file",
        "link.pdf": "not_a_regular_file",
        "dir.docx": "not_a_regular_file",
        "bomb.docx": "unsafe_archive",
        "selfref.pdf": "corrupt_pdf",
        "deflate-bomb.pdf": "corrupt_pdf",
        "truncated.pdf": "corrupt_pdf",
        "locked.pdf": "encrypted_pdf",
        "sparse.pdf": "too_large",
    }
    shown = "=cmd|evil\\x1b[31m\\xff.txt"
    assert sorted(c["file"] for c in data["candidates"]) == sorted(["good.txt", "good.pdf", shown])
    csv_text = (tmp_path / "out" / "shortlist.csv").read_text()
    assert "\x1b" not in csv_text and "'=cmd|evil" in csv_text  # no escapes, no formula


def test_workers_die_with_the_supervisor(tmp_path, tiny_lexicon):
    """kill -9 the supervisor mid-batch: no parsing worker is left behind."""
    import signal
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        text_file(folder / f"cv-{i}.txt", GOOD)
    script = tmp_path / "supervisor.py"
    script.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})  # tests/faults.py\n"
        "os.environ['FAULTS'] = 'cv-0.txt:hang,cv-1.txt:hang'\n"
        "from pipeline.run.workers import Limits, WorkerConfig, WorkerPool\n"
        "if __name__ == '__main__':\n"
        f"    config = WorkerConfig({tiny_lexicon.path!r}, None, 'pdfium', 'lxml', None,\n"
        "                          screener_factory='faults:faulty_screener')\n"
        "    pool = WorkerPool(config, 2, Limits(timeout=600))\n"
        f"    for index, outcome in pool.map(sorted(str(p) for p in __import__('pathlib')"
        f".Path({str(folder)!r}).iterdir())):\n"
        "        print(index, flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.2)
    time.sleep(3)  # both workers are now stuck in their "hanging" files
    spawned = _descendants(proc.pid)
    assert spawned, "no workers were started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(spawned):
        time.sleep(0.2)
    assert not _alive(spawned), "orphaned workers survived the supervisor"


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                if handle.read().split()[2] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


_SPACY_PROBE = """
import sys
from pipeline.run.workers import _import_spacy_without_cli
{setup}
_import_spacy_without_cli()
from pipeline.skills.lexicon import default_lexicon
from pipeline.skills.matcher import SkillMatcher
found = SkillMatcher(default_lexicon()).find("Python, PyTorch and SQL")
print(sorted({{m.skill_id for m in found}}), "spacy.cli.download" in sys.modules)
"""


@pytest.mark.parametrize("broken", [False, True])
def test_worker_imports_spacy_without_its_command_line(broken):
    """A worker's spaCy skips the CLI module; if a spaCy release needed it at import, the
    placeholder is dropped and spaCy imported whole, and matching works either way."""
    import subprocess
    import sys

    # A spaCy whose package import asks its CLI for more than `info`: simulated by a
    # placeholder missing it (the real module is imported after the fallback).
    setup = (
        "import types\n"
        "class Bare(types.ModuleType):\n"
        "    def __setattr__(self, name, value):\n"
        "        if name != 'info':\n"
        "            super().__setattr__(name, value)\n"
        "types.ModuleType = Bare\n"
        if broken
        else ""
    )
    done = subprocess.run(
        [sys.executable, "-c", _SPACY_PROBE.format(setup=setup)],
        capture_output=True, text=True, cwd=ROOT, check=True, timeout=120,
    )  # fmt: skip
    skills, cli_loaded = done.stdout.rsplit("]", 1)
    assert "python" in skills.lower() and "sql" in skills.lower()
    assert cli_loaded.strip() == ("True" if broken else "False")
