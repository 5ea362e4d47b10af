"""Blind review: outputs show no name, contact, place, age or gender cue, scores do not change,
and no skill is lost from the evidence."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from conftest import ROOT, text_file
from typer.testing import CliRunner

from pipeline import Screener, load_job, write_shortlist
from pipeline.cli import app
from pipeline.text.redact import identity_of, pseudonym, redact

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()

RESUME = """\
Dana Quillfeather
dana.quillfeather@example.org | +1 206 555 0144 | Tacoma, WA
Age: 34
SUMMARY
Dana is a machine learning engineer; she ships models to production with Python and PyTorch.
EXPERIENCE
Machine Learning Engineer, Contoso, Jan 2020 - Present
- Dana trained PyTorch ranking models and served them on AWS SageMaker with Docker.
- Captain of the Women's Data Club; built its churn model in scikit-learn with Pandas.
EDUCATION
MSc Statistics, Tacoma University, 2012 - 2014
"""
IDENTITY = ("Dana", "Quillfeather", "dana.quillfeather", "555 0144", "Tacoma", "Women's", " she ")


def folder_with_resume(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "dana-quillfeather-cv.txt", RESUME)
    return folder


def outputs(out) -> str:
    return "\n".join(
        (out / name).read_text()
        for name in (
            "shortlist.csv",
            "shortlist.json",
            "report.html",
            "run_report.txt",
            "run_report.json",
        )
    )


def test_blind_screen_hides_identity_and_keeps_scores_and_skills(tmp_path):
    folder = folder_with_resume(tmp_path)
    args = [
        "screen",
        str(folder),
        "--job",
        str(JOB),
        "-q",
        "--workers",
        "0",
        "--as-of",
        "2026-11-01",
    ]
    plain = runner.invoke(app, [*args, "--out", str(tmp_path / "plain")])
    blind = runner.invoke(app, [*args, "--out", str(tmp_path / "blind"), "--blind"])
    assert plain.exit_code == blind.exit_code == 0, blind.output
    shown = outputs(tmp_path / "blind") + blind.output
    for cue in IDENTITY:
        assert cue.lower() not in shown.lower(), cue
    a = json.loads((tmp_path / "plain" / "shortlist.json").read_text())["candidates"][0]
    b = json.loads((tmp_path / "blind" / "shortlist.json").read_text())["candidates"][0]
    assert a["score"] == b["score"] and a["skills"] == b["skills"]
    assert [r["status"] for r in a["requirements"]] == [r["status"] for r in b["requirements"]]
    assert b["file"] == f"candidate-{b['candidate_id']}.txt"
    evidence = " ".join(e for r in b["requirements"] for e in r["evidence"])
    assert "[name]" in evidence and "[gendered word]" in evidence
    for skill in ("PyTorch", "SageMaker", "scikit-learn", "Pandas"):  # no skill lost
        assert skill in evidence
    # The store keeps the real file name for contacting.
    row = csv.DictReader((tmp_path / "plain" / "shortlist.csv").open()).__next__()
    assert row["file"] == "dana-quillfeather-cv.txt"


def test_blind_library_screen(tmp_path):
    folder = folder_with_resume(tmp_path)
    screener = Screener(load_job(JOB), blind=True, as_of=date(2026, 11, 1))
    write_shortlist(screener.screen(folder), tmp_path / "out")
    text = (tmp_path / "out" / "shortlist.json").read_text()
    assert "Quillfeather" not in text and "candidate-" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Julia built apps in Ruby; she led it.", "[name] built apps in Ruby; [pronoun] led it."),
        (
            "Mrs Ruby, chairwoman of the sorority",
            "[title] Ruby, [gendered word] of the [gendered word]",
        ),
        ("Date of birth: 12/03/1990, age 34", "[date of birth], [age]"),
        ("Call +44 20 7946 0958 or julia.ruby@example.org", "Call [phone] or [e-mail]"),
        ("Worked 2017 - 2019 in Leeds", "Worked 2017 - 2019 in [place]"),
    ],
)
def test_redact(text, expected):
    identity = identity_of("Julia Ruby", ["julia.ruby@example.org"], "Leeds, UK", ["Ruby"])
    assert redact(text, identity) == expected


def test_graduation_years_go_only_from_education_text():
    identity = identity_of(None)
    assert redact("BSc Physics, 2012", identity, education=True) == "BSc Physics, [year]"
    assert redact("Engineer, 2012 - 2014", identity) == "Engineer, 2012 - 2014"


def test_pseudonym():
    assert pseudonym("4db4007d88f15f79", "imogen-vextrel.PDF") == "candidate-4db4007d88f15f79.pdf"
    assert pseudonym("4db4007d88f15f79", "noextension") == "candidate-4db4007d88f15f79.file"


def test_the_competency_model_reads_gender_neutral_text():
    """The counterfactual gate once caught a competency that flipped when "She ... Women's"
    became "He ... Men's": the document model now reads neutral text, in training and use."""
    from pipeline.skills.classify import default_model
    from pipeline.text.redact import neutralise

    assert neutralise("She led the Women's Data Club; Mrs Lee praised her.") == (
        "they led the group Data Club;  Lee praised their."
    )
    model = default_model()
    a = model.predict_proba(["She built Tableau dashboards for the Women's Data Club."])
    b = model.predict_proba(["He built Tableau dashboards for the Men's Data Club."])
    assert (a == b).all()


def test_blind_run_report_names_duplicates_as_the_shortlist_does(tmp_path):
    """Each file name is aliased once: the run report's duplicates match the CSV's."""
    folder = folder_with_resume(tmp_path)
    (folder / "copy.txt").write_bytes((folder / "dana-quillfeather-cv.txt").read_bytes())
    out = tmp_path / "out"
    args = ["screen", str(folder), "--job", str(JOB), "--out", str(out), "-q", "--blind"]
    assert runner.invoke(app, args).exit_code == 0
    report = json.loads((out / "run_report.json").read_text())["duplicates"]
    rows = [r for r in csv.DictReader((out / "shortlist.csv").open()) if r["status"] == "duplicate"]
    assert [(d["file"], "duplicate_of:" + d["duplicate_of"]) for d in report] == [
        (r["file"], r["reason"]) for r in rows
    ]
    ranked = json.loads((out / "shortlist.json").read_text())["candidates"][0]["files"]
    assert report[0]["duplicate_of"] in ranked and report[0]["file"] in ranked


def test_neutralise_takes_pronouns_spelt_with_odd_letters():
    """Letters that match 's' or 'i' case-insensitively ('ſ', 'İ', 'ı') once raised KeyError,
    which failed the whole file as an internal error."""
    from pipeline.text.redact import neutralise

    assert neutralise("ſhe led the team") == "they led the team"
    assert neutralise("HİS model and hıs code") == "their model and their code"
