"""Several jobs in one run (issue 12, part B): each file parsed once, a shortlist per job and a
candidates x jobs matrix."""

from __future__ import annotations

import csv
import json
import shutil

from conftest import ROOT, text_file
from test_store import resume
from typer.testing import CliRunner

from pipeline.cli import app

JOBS = ROOT / "examples" / "jobs"
runner = CliRunner()


def screen(folder, out, *jobs):
    args = ["screen", str(folder), "--out", str(out), "-q", "--workers", "0"]
    args += ["--as-of", "2026-01-01"]
    for job in jobs:
        args += [str(job)] if str(job).startswith("--") else ["--job", str(job)]
    return runner.invoke(app, args)


def test_two_jobs_parse_once_and_write_a_shortlist_each_and_a_matrix(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        text_file(folder / f"cv-{i:02d}.txt", resume(i))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "out"
    result = screen(folder, out, JOBS / "ml-engineer.yaml", JOBS / "data-scientist.yaml")
    assert result.exit_code == 1, result.output  # broken.pdf failed for the first time
    assert not (out / "shortlist.csv").exists()
    reports = {}
    for slug in ("ml-engineer", "data-scientist"):
        data = json.loads((out / slug / "shortlist.json").read_text())
        assert len(data["candidates"]) == 4 and len(data["failed"]) == 1
        reports[slug] = json.loads((out / slug / "run_report.json").read_text())
        assert (out / slug / "shortlist.csv").is_file()
    assert reports["ml-engineer"]["job"]["title"] != reports["data-scientist"]["job"]["title"]
    # parsed by the first job's run only; the second scores the stored profiles
    assert reports["ml-engineer"]["counts"]["new"] == 4
    assert reports["data-scientist"]["counts"]["new"] == 0
    assert reports["data-scientist"]["counts"]["rescored"] == 4
    # both reports compare with the same state before the run
    assert len(reports["data-scientist"]["new_since_last_run"]) == 4
    rows = list(csv.DictReader((out / "matrix.csv").open()))
    assert list(rows[0]) == ["candidate_id", "file", "ml-engineer", "data-scientist", "best_job"]
    assert sorted(r["file"] for r in rows) == [f"cv-{i:02d}.txt" for i in range(4)]
    for r in rows:
        scores = {slug: float(r[slug]) for slug in ("ml-engineer", "data-scientist")}
        assert r["best_job"] in ("", *scores)
        if r["best_job"]:
            assert scores[r["best_job"]] == max(scores.values())

    # A second run: nothing is parsed, no failure is new, the matrix is the same.
    before = (out / "matrix.csv").read_bytes()
    assert (
        screen(folder, out, JOBS / "ml-engineer.yaml", JOBS / "data-scientist.yaml").exit_code == 0
    )
    assert (out / "matrix.csv").read_bytes() == before


def test_a_folder_of_job_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        text_file(folder / f"cv-{i:02d}.txt", resume(i))
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    shutil.copy(JOBS / "ml-engineer.yaml", jobs / "ML Engineer.yaml")
    shutil.copy(JOBS / "data-scientist.yaml", jobs / "data_scientist.yml")
    (jobs / "notes.txt").write_text("not a job")
    out = tmp_path / "out"
    assert screen(folder, out, jobs).exit_code == 0
    assert (out / "data-scientist" / "shortlist.json").is_file()
    assert (out / "ml-engineer" / "shortlist.json").is_file()
    header = (out / "matrix.csv").read_text().splitlines()[0]
    assert header == "candidate_id,file,ml-engineer,data-scientist,best_job"  # name order


def test_one_job_keeps_the_single_layout(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "cv-00.txt", resume(0))
    out = tmp_path / "out"
    assert screen(folder, out, JOBS / "ml-engineer.yaml").exit_code == 0
    assert (out / "shortlist.csv").is_file() and not (out / "matrix.csv").exists()
    assert screen(folder, tmp_path / "x", tmp_path / "nope.yaml").exit_code == 2


def test_the_library_screens_several_jobs_parsing_each_file_once(tmp_path, tiny_lexicon):
    from datetime import date

    from pipeline import Screener, job_from_dict, write_matrix

    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "a.txt", "Ada Quill\nSKILLS\nPython, PyTorch, Pandas and statistics\n")
    text_file(folder / "b.txt", "Ben Moss\nSKILLS\nJava, React and Amazon Web Services\n")
    ml = job_from_dict({"title": "ML", "required": ["python", "pytorch"]}, tiny_lexicon)
    web = job_from_dict({"title": "Web", "required": ["react", "aws"]}, tiny_lexicon)
    screener = Screener(lexicon=tiny_lexicon, as_of=date(2026, 1, 1), model=None)
    extracted = []
    screener_extract = screener.extract
    screener.extract = lambda path: extracted.append(path) or screener_extract(path)
    shortlists = screener.screen_jobs(folder, {"ml": ml, "web": web})
    assert len(extracted) == 2
    assert not shortlists["ml"].failed, shortlists["ml"].failed
    assert shortlists["ml"].ranked[0].source == "a.txt"
    assert shortlists["web"].ranked[0].source == "b.txt"
    rows = list(csv.DictReader(write_matrix(shortlists, tmp_path / "out").open()))
    assert {r["file"]: r["best_job"] for r in rows} == {"a.txt": "ml", "b.txt": "web"}
    # one job through screen_jobs is screen
    one = Screener(ml, lexicon=tiny_lexicon, as_of=date(2026, 1, 1), model=None).screen(folder)
    assert [o.scored for o in one.ranked] == [o.scored for o in shortlists["ml"].ranked]


def test_forget_rewrites_every_job_and_the_matrix(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        text_file(folder / f"cv-{i:02d}.txt", resume(i))
    out = tmp_path / "out"
    assert (
        screen(folder, out, JOBS / "ml-engineer.yaml", JOBS / "data-scientist.yaml").exit_code == 0
    )
    (folder / "cv-01.txt").unlink()
    result = runner.invoke(
        app, ["forget", "--store", str(out / "screening.sqlite3"), "--file", "cv-01.txt"]
    )
    assert result.exit_code == 0, result.output
    for slug in ("ml-engineer", "data-scientist"):
        data = json.loads((out / slug / "shortlist.json").read_text())
        assert "cv-01.txt" not in json.dumps(data)
    assert "cv-01.txt" not in (out / "matrix.csv").read_text()
    assert len((out / "matrix.csv").read_text().splitlines()) == 3


def test_blind_matrix_names_candidates_by_alias(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        text_file(folder / f"cv-{i:02d}.txt", resume(i))
    out = tmp_path / "out"
    result = screen(folder, out, JOBS / "ml-engineer.yaml", JOBS / "data-scientist.yaml", "--blind")
    assert result.exit_code == 0, result.output
    matrix = (out / "matrix.csv").read_text()
    assert "cv-0" not in matrix and matrix.count("candidate-") == 2
    shown = {r["file"] for r in csv.DictReader((out / "ml-engineer" / "shortlist.csv").open())}
    assert {r["file"] for r in csv.DictReader((out / "matrix.csv").open())} == shown
