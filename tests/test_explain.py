"""The decision log: `explain` shows and reproduces a stored decision from the store alone,
records who ran it, and no resume text reaches logs or run reports."""

from __future__ import annotations

import json
import sqlite3

from conftest import ROOT, text_file
from typer.testing import CliRunner

from pipeline.cli import app

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()
NAME = "Quorvalline Zemptrude"  # appears nowhere else


def screened(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(
        folder / "ml.txt",
        f"""\
        {NAME}
        quorvalline.zemptrude@example.com | +44 20 7946 0958
        EXPERIENCE
        Machine Learning Engineer, Contoso, Jan 2020 - Present
        - Trained PyTorch and scikit-learn models on Pandas data in Python.
        - Deployed them on AWS SageMaker with Docker.
        """,
    )
    text_file(
        folder / "chef.txt",
        "Pastry chef at a busy hotel kitchen for nine years.\n"
        "Laminated dough, sourdough starters, plated desserts and wedding cakes.\n"
        "Ran the morning shift of six bakers and ordered flour, butter and fruit.\n",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["screen", str(folder), "--job", str(JOB), "--out", str(out), "-q", "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    return out, result


def test_explain_reproduces_the_stored_decision(tmp_path):
    out, _ = screened(tmp_path)
    shortlist = json.loads((out / "shortlist.json").read_text())
    top = shortlist["candidates"][0]
    result = runner.invoke(
        app, ["explain", top["candidate_id"], "--store", str(out / "screening.sqlite3"), "--json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["reproduced"] is True and found["differences"] == []
    assert found["score"] == top["score"] and found["files"] == ["ml.txt"]
    assert found["requirements"] == top["requirements"]
    assert found["versions"].items() <= shortlist["versions"].items()
    assert found["run"]["ran_by"]["command"].split()[0]  # who and what ran it is recorded
    assert {"user", "host", "package"} <= set(found["run"]["ran_by"])


def test_explain_says_when_the_record_does_not_reproduce(tmp_path):
    out, _ = screened(tmp_path)
    store = out / "screening.sqlite3"
    with sqlite3.connect(store) as db:  # tamper with the recorded score
        db.execute("UPDATE scores SET entry = json_set(entry, '$.score', 1.0)")
    shortlist = json.loads((out / "shortlist.json").read_text())
    cid = shortlist["candidates"][0]["candidate_id"]
    result = runner.invoke(app, ["explain", cid, "--store", str(store)])
    assert result.exit_code == 1
    assert "DIFFERENT" in result.stdout and "score 1.0 recorded" in result.stdout


def test_explain_errors(tmp_path):
    out, _ = screened(tmp_path)
    store = str(out / "screening.sqlite3")
    assert runner.invoke(app, ["explain", "ffffffff", "--store", store]).exit_code == 2
    assert runner.invoke(app, ["explain", "ab", "--store", str(tmp_path / "none")]).exit_code == 2


def test_no_resume_text_in_logs_or_run_reports(tmp_path):
    out, result = screened(tmp_path)
    texts = [
        result.output,
        (out / "run_report.json").read_text(),
        (out / "run_report.txt").read_text(),
    ]
    cid = json.loads((out / "shortlist.json").read_text())["candidates"][0]["candidate_id"]
    texts.append(
        runner.invoke(app, ["explain", cid, "--store", str(out / "screening.sqlite3")]).stdout
    )
    for text in texts:
        assert "Quorvalline" not in text and "Zemptrude" not in text.replace("zemptrude@", "")
        assert "Laminated" not in text
