"""Incremental runs over the SQLite store: crash safety, locking, duplicates, erasure."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, text_file
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run.incremental import IncrementalRun
from pipeline.run.lock import RunLock
from pipeline.run.store import Store

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()

SKILLS = [
    "Python",
    "PyTorch",
    "scikit-learn",
    "Pandas",
    "AWS SageMaker",
    "Docker",
    "Tableau",
    "statistics",
    "BERT",
    "SQL",
    "R",
    "TensorFlow",
]


def resume(i: int) -> str:
    picked = ", ".join(SKILLS[j % len(SKILLS)] for j in range(i, i + 2 + i % 5))
    return (
        f"Candidate {i}\nSUMMARY\nEngineer number {i} who builds data products.\n"
        f"EXPERIENCE\nData Engineer, Company {i}, 20{10 + i % 9} - Present\n"
        f"• Built pipelines with {picked}.\nSKILLS\n{picked}\n"
    )


@pytest.fixture()
def folder(tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    for i in range(8):
        text_file(directory / f"cv-{i:02d}.txt", resume(i))
    return directory


def screen(folder: Path, out: Path, *extra: str, job: Path = JOB):
    return runner.invoke(
        app, ["screen", str(folder), "--job", str(job), "--out", str(out), "-q", *extra]
    )


class opened:
    """A Store that closes itself."""

    def __init__(self, path: Path) -> None:
        self.store = Store(path)

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc) -> None:
        self.store.close()


def store_rows(path: Path) -> dict[str, list]:
    """The store's content, without timestamps and attempt counters."""
    db = sqlite3.connect(path)
    try:
        return {
            "applicants": db.execute("SELECT sha256 FROM applicants ORDER BY 1").fetchall(),
            "names": db.execute("SELECT sha256, name FROM file_names ORDER BY 1, 2").fetchall(),
            "profiles": db.execute(
                "SELECT sha256, parser_version, lexicon_version, model_version, status, reason, "
                "profile FROM profiles ORDER BY 1"
            ).fetchall(),
            "scores": db.execute("SELECT * FROM scores ORDER BY 1, 5").fetchall(),
        }
    finally:
        db.close()


@pytest.mark.slow
def test_rerun_processes_nothing_and_writes_identical_files(folder, tmp_path):
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    first = {name: (out / name).read_bytes() for name in ("shortlist.json", "shortlist.csv")}
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["new"] == 8 and len(report["new_since_last_run"]) == 8
    assert screen(folder, out).exit_code == 0
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["new"] == 0 and report["counts"]["unchanged"] == 8
    assert report["new_since_last_run"] == []
    assert {name: (out / name).read_bytes() for name in first} == first
    with opened(out / "screening.sqlite3") as db:
        assert db.integrity_ok()
        assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.db.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_new_files_only_are_parsed(folder, tmp_path, shipped_lexicon):
    from pipeline import Screener, load_job

    out = tmp_path / "out"
    job = load_job(JOB, shipped_lexicon)
    with opened(out / "s.sqlite3") as store:
        first = IncrementalRun(Screener(job), store, out)
        first.run(folder)
        assert first.parsed == 8
        text_file(folder / "cv-new.txt", resume(20))
        second = IncrementalRun(Screener(job), store, out)
        report = second.run(folder)
        assert second.parsed == 1
        assert [r.file for r in report.new_since_last_run] == ["cv-new.txt"]


def test_duplicate_upload_is_one_applicant_with_two_names(folder, tmp_path):
    (folder / "cv-03-copy.txt").write_bytes((folder / "cv-03.txt").read_bytes())
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    data = json.loads((out / "shortlist.json").read_text())
    entry = next(e for e in data["candidates"] if "cv-03.txt" in e["files"])
    assert entry["files"] == ["cv-03-copy.txt", "cv-03.txt"]
    assert data["duplicates"] == [
        {
            "file": "cv-03.txt",
            "status": "duplicate",
            "duplicate_of": "cv-03-copy.txt",
            "sha256": entry["sha256"],
        }
    ]
    assert len(data["candidates"]) == 8
    rows = list(csv.DictReader((out / "shortlist.csv").open(encoding="utf-8")))
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in folder.iterdir())
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["duplicates"] == 1 and report["counts"]["new"] == 8


def test_entries_of_an_older_format_are_rescored_not_reused(folder, tmp_path, monkeypatch):
    """A store written before entries carried points and contacts: the next run re-scores its
    profiles (no parsing), so no row of the new CSV is left without them."""
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    db = sqlite3.connect(out / "screening.sqlite3")
    with db:  # what an ENTRY_FORMAT 1 store held: the job's key alone, entries without points
        rows = db.execute("SELECT rowid, job_sha256, entry FROM scores").fetchall()
        for rowid, key, entry in rows:
            old = json.loads(entry)
            old.pop("contact", None)
            for r in old["requirements"]:
                r.pop("points", None)
            db.execute(
                "UPDATE scores SET job_sha256=?, entry=? WHERE rowid=?",
                (key.rsplit(":e", 1)[0], json.dumps(old), rowid),
            )
    db.close()
    cid = json.loads((out / "shortlist.json").read_text())["candidates"][0]["candidate_id"]
    store = str(out / "screening.sqlite3")
    explained = runner.invoke(app, ["explain", cid, "--store", store, "--json"])
    assert explained.exit_code == 0, explained.output  # the decision of the older run is found
    import pipeline.read

    def no_parsing(*args, **kwargs):
        raise AssertionError("re-scoring must not parse")

    monkeypatch.setattr(pipeline.read, "parse", no_parsing)
    monkeypatch.setattr(pipeline.read, "parse_source", no_parsing)
    assert screen(folder, out).exit_code == 0
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["rescored"] == 8
    rows = list(csv.DictReader((out / "shortlist.csv").open(encoding="utf-8")))
    points = [k for k in rows[0] if "(max " in k]
    assert points and all(r[k] != "" for r in rows for k in points)


@pytest.mark.slow
def test_job_change_rescores_without_parsing(folder, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    job2 = tmp_path / "job2.yaml"
    job2.write_text("title: Data Engineer\nrequired:\n  - skill: sql\n  - skill: docker\n")

    import pipeline.read

    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser must not run when only the job changed")

    monkeypatch.setattr(pipeline.read, "parse", no_parsing)
    monkeypatch.setattr(pipeline.read, "parse_source", no_parsing)
    result = screen(folder, out, job=job2)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["rescored"] == 8 and report["counts"]["new"] == 0
    data = json.loads((out / "shortlist.json").read_text())
    assert data["job"]["title"] == "Data Engineer"
    assert [r["requirement"] for r in data["candidates"][0]["requirements"]] == ["SQL", "Docker"]


@pytest.mark.slow
def test_failed_file_not_retried_until_asked(folder, tmp_path):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken" * 10)
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 1
    report = json.loads((out / "run_report.json").read_text())
    assert report["failed"][0]["reason"] == "corrupt_pdf"
    assert screen(folder, out).exit_code == 0  # a known failure is not parsed again
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["unchanged"] == 9 and report["counts"]["failed"] == 0
    data = json.loads((out / "shortlist.json").read_text())
    assert [f["file"] for f in data["failed"]] == ["broken.pdf"]
    assert screen(folder, out, "--retry-failed").exit_code == 1


def test_second_run_exits_75_and_writes_nothing(folder, tmp_path):
    out = tmp_path / "out"
    store = out / "screening.sqlite3"
    with RunLock(store):
        result = screen(folder, out)
        assert result.exit_code == 75
        assert "another screening run" in result.output
    assert not store.exists() and not (out / "shortlist.json").exists()


def _cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    """The CLI in a child process, with the faults of tests/faults.py when `env` asks."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "faults.py"), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _scored(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT count(*) FROM profiles WHERE status='scored'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_equals_uninterrupted(folder, tmp_path):
    out = tmp_path / "killed"
    store = out / "screening.sqlite3"
    proc = _cli(
        "screen",
        str(folder),
        "--job",
        str(JOB),
        "--out",
        str(out),
        "-q",
        env={"FAULT_DELAY": "0.4"},
    )
    deadline = time.monotonic() + 60
    while _scored(store) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 3 <= _scored(store) < 8, "the run was not killed mid-way"
    assert _cli("screen", str(folder), "--job", str(JOB), "--out", str(out), "-q").wait() == 0
    reference = tmp_path / "reference"
    assert screen(folder, reference).exit_code == 0
    assert store_rows(store) == store_rows(reference / "screening.sqlite3")
    for name in ("shortlist.json", "shortlist.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes()
    with opened(store) as db:
        assert db.integrity_ok()


@pytest.mark.slow
def test_file_that_kills_the_run_twice_becomes_poison(folder, tmp_path):
    out = tmp_path / "out"
    # In this process (--workers 0), so the file in flight when the run dies is the one named.
    args = ("screen", str(folder), "--job", str(JOB), "--out", str(out), "-q", "--workers", "0")
    crash = {"FAULT_CRASH_ON": "cv-04.txt"}
    assert _cli(*args, env=crash).wait() == -signal.SIGKILL
    assert _cli(*args, env=crash).wait() == -signal.SIGKILL  # retried once
    assert _cli(*args, env=crash).wait() == 0  # then given up on; the rest is finished
    data = json.loads((out / "shortlist.json").read_text())
    assert [(f["file"], f["reason"]) for f in data["failed"]] == [("cv-04.txt", "poison_file")]
    assert len(data["candidates"]) == 7
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["poison"] == 1


def test_forget_leaves_no_byte_of_the_applicant(folder, tmp_path):
    secret = "Zebulon Quickfoot"
    text_file(
        folder / "zebulon-quickfoot.txt",
        f"{secret}\nSKILLS\n{secret} builds Python, PyTorch and AWS models.\n",
    )
    out = tmp_path / "out"
    store = out / "screening.sqlite3"
    assert screen(folder, out).exit_code == 0

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in (store, Path(f"{store}-wal")) if p.exists())

    assert secret.encode() in raw() and b"zebulon-quickfoot" in raw()
    result = runner.invoke(
        app, ["forget", "--store", str(store), "--file", "zebulon-quickfoot.txt"]
    )
    assert result.exit_code == 0, result.output
    assert b"Zebulon" not in raw() and b"zebulon-quickfoot" not in raw()
    for name in ("shortlist.json", "shortlist.csv", "run_report.json", "run_report.txt"):
        assert "zebulon" not in (out / name).read_text().lower()
    assert "zebulon" not in result.output.lower()
    data = json.loads((out / "shortlist.json").read_text())
    assert len(data["candidates"]) == 8
    with opened(store) as db:
        assert db.integrity_ok()


def test_retention_purges_old_applicants(folder, tmp_path):
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    store = out / "screening.sqlite3"
    db = sqlite3.connect(store)
    with db:
        db.execute(
            "UPDATE applicants SET first_seen='2020-01-01T00:00:00+00:00' "
            "WHERE sha256 IN (SELECT sha256 FROM file_names WHERE name='cv-01.txt')"
        )
    db.close()
    result = runner.invoke(app, ["forget", "--store", str(store), "--retention-days", "30"])
    assert result.exit_code == 0
    data = json.loads((out / "shortlist.json").read_text())
    assert "cv-01.txt" not in [f for e in data["candidates"] for f in e["files"]]
    assert len(data["candidates"]) == 7


@pytest.mark.slow
def test_report_since_last_run(folder, tmp_path):
    out = tmp_path / "out"
    screen(folder, out)
    text_file(folder / "cv-late.txt", resume(30))
    screen(folder, out)
    result = runner.invoke(
        app, ["report", "--store", str(out / "screening.sqlite3"), "--since-last-run", "--json"]
    )
    assert result.exit_code == 0
    assert [r["file"] for r in json.loads(result.stdout)] == ["cv-late.txt"]


def test_outputs_are_private(folder, tmp_path):
    out = tmp_path / "out"
    assert screen(folder, out).exit_code == 0
    assert (out.stat().st_mode & 0o777) == 0o700
    for name in ("shortlist.json", "shortlist.csv", "run_report.json", "screening.sqlite3"):
        assert ((out / name).stat().st_mode & 0o077) == 0, name
