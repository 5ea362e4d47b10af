"""The command line: screen and extract end to end, exit codes, nothing dropped."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, docx_resume, pdf_image_only, pdf_single_column, pdf_two_column, text_file
from typer.testing import CliRunner

from pipeline.cli import app

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()

STRONG = [
    "SUMMARY",
    "Machine learning engineer who ships models with Python, PyTorch and scikit-learn.",
    "EXPERIENCE",
    "Senior ML Engineer, Northwind Analytics, Jan 2019 - Present",
    "• Cleaned data with Pandas and NumPy; hypothesis testing and A/B testing.",
    "• Deployed BERT models on AWS SageMaker with Docker; dashboards in Tableau.",
    "• Worked with product teams; presented results to stakeholders.",
    "SKILLS",
    "Python, R, TensorFlow, Keras, spaCy, statistics, problem solving, teamwork",
]


@pytest.fixture()
def mixed_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    pdf_single_column(folder / "strong.pdf", STRONG)
    pdf_two_column(
        folder / "two-col.pdf",
        ["SKILLS", "Python", "Pandas", "SQL"] * 2,
        ["EXPERIENCE", "Data analyst at Fabrikam, 2018 - 2022", "Excel reports"] * 3,
        row_drawn=True,
    )
    pdf_single_column(folder / "locked.pdf", STRONG, encrypt="pw")
    pdf_image_only(folder / "scan.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    docx = docx_resume(
        tmp_path / "x.docx", header="Sam Example | sam@example.com", paragraphs=STRONG
    )
    (folder / "really-a-docx.pdf").write_bytes(docx.read_bytes())
    text_file(
        folder / "notes.txt",
        "Pastry chef. Runs the R&D kitchen and the Go to market plan.\n"
        "Laminated dough, sourdough, plated desserts, food safety.\n",
    )
    return folder


def test_screen_mixed_folder(mixed_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["screen", str(mixed_folder), "--job", str(JOB), "--out", str(out), "--top", "2"]
    )
    assert result.exit_code == 1, result.output
    data = json.loads((out / "shortlist.json").read_text())
    same = data.get("same_applicant", [])
    by_file = {e["file"]: e for e in data["candidates"] + data["failed"] + same}
    assert sorted(by_file) == sorted(p.name for p in mixed_folder.iterdir())  # each exactly once
    assert len(by_file) == len(data["candidates"]) + len(data["failed"]) + len(same)
    assert by_file["locked.pdf"]["reason"] == "encrypted_pdf"
    assert by_file["scan.pdf"]["reason"] == "no_text_layer"
    assert by_file["empty.pdf"]["reason"] == "empty_file"
    assert by_file["really-a-docx.pdf"]["status"] == "scored"
    ranked = [e["file"] for e in data["candidates"]]
    assert ranked.index("really-a-docx.pdf") < ranked.index("notes.txt")
    # strong.pdf is the same resume as really-a-docx.pdf (written later): one candidate
    assert by_file["strong.pdf"]["status"] == "same_applicant"
    assert by_file["strong.pdf"]["same_applicant_as"] == "really-a-docx.pdf"
    assert sum(e["shortlisted"] for e in data["candidates"]) == 2
    top = data["candidates"][0]
    assert top["rank"] == 1 and top["requirements"][0]["status"] == "met"
    assert top["requirements"][0]["evidence"]
    rows = list(csv.DictReader((out / "shortlist.csv").open()))
    assert sorted(r["file"] for r in rows) == sorted(by_file)
    assert {r["file"]: r["reason"] for r in rows if r["status"] == "failed"} == {
        "locked.pdf": "encrypted_pdf",
        "scan.pdf": "no_text_layer",
        "empty.pdf": "empty_file",
    }


@pytest.mark.slow
def test_screen_is_byte_identical_on_rerun(mixed_folder, tmp_path):
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        runner.invoke(
            app, ["screen", str(mixed_folder), "--job", str(JOB), "--out", str(out), "-q"]
        )
        outputs.append(
            ((out / "shortlist.json").read_bytes(), (out / "shortlist.csv").read_bytes())
        )
    assert outputs[0] == outputs[1]


def test_screen_all_good_exits_zero(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    pdf_single_column(folder / "a.pdf", STRONG)
    result = runner.invoke(
        app, ["screen", str(folder), "--job", str(JOB), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_pdfplumber_engine_gives_same_shortlist(mixed_folder, tmp_path):
    records = {}
    for engine in ("pdfium", "pdfplumber"):
        out = tmp_path / engine
        runner.invoke(
            app,
            [
                "screen",
                str(mixed_folder),
                "--job",
                str(JOB),
                "--out",
                str(out),
                "-q",
                "--pdf-engine",
                engine,
            ],
        )
        data = json.loads((out / "shortlist.json").read_text())
        records[engine] = [(e["file"], e["score"]) for e in data["candidates"]]
    assert records["pdfium"] == records["pdfplumber"]


@pytest.mark.parametrize(
    "args",
    [
        ["screen", "/no/such/dir", "--job", str(JOB), "--out", "/tmp/x"],
        ["screen", ".", "--out", "/tmp/x"],
        ["screen", ".", "--job", "/no/such/job.yaml", "--out", "/tmp/x"],
        ["screen", ".", "--job", str(JOB), "--out", "/tmp/x", "--top", "0"],
        ["screen", ".", "--job", str(JOB), "--out", "/tmp/x", "--pdf-engine", "magic"],
        ["extract", "/no/such/file.pdf"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args):
    assert runner.invoke(app, args).exit_code == 2


def test_bad_job_names_the_skill(tmp_path):
    job = tmp_path / "job.yaml"
    job.write_text("title: X\nrequired:\n  - skill: pytorchh\n")
    result = runner.invoke(
        app, ["screen", str(tmp_path), "--job", str(job), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "pytorchh" in result.output and "pytorch" in result.output


def test_extract_json_lines(mixed_folder):
    result = runner.invoke(app, ["extract", str(mixed_folder), "--json"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(list(mixed_folder.iterdir()))
    strong = next(r for r in records if r["file"] == "strong.pdf")
    assert strong["status"] == "scored" and len(strong["sha256"]) == 64
    skills = {s["id"]: s for s in strong["skills"]}
    assert {"python", "pytorch", "scikit_learn", "pandas", "aws_sagemaker"} <= set(skills)
    assert "aws" in skills and skills["aws"]["implied_by"] == ["aws_sagemaker"]
    mention = skills["pytorch"]["mentions"][0]
    assert mention["section"] == "summary" and "PyTorch" in mention["evidence"]
    assert strong["competencies"]["ml_frameworks"]["present"]
    assert strong["competencies"]["ml_frameworks"]["evidence"]
    failed = {r["file"]: r["reason"] for r in records if r["status"] == "failed"}
    assert failed == {
        "locked.pdf": "encrypted_pdf",
        "scan.pdf": "no_text_layer",
        "empty.pdf": "empty_file",
    }


def test_no_resume_text_in_logs(mixed_folder, tmp_path, caplog):
    import logging

    caplog.set_level(logging.DEBUG, logger="pipeline")
    result = runner.invoke(
        app, ["screen", str(mixed_folder), "--job", str(JOB), "--out", str(tmp_path / "o")]
    )
    for secret in ("Northwind", "Pandas and NumPy", "Laminated"):
        assert secret not in caplog.text
        assert secret not in result.output


def test_import_and_help_load_neither_spacy_nor_sklearn():
    code = (
        "import sys, pipeline\n"
        "from pipeline.cli import app\n"
        "heavy = [m for m in sys.modules\n"
        "         if m.split('.')[0] in ('spacy', 'sklearn', 'pdfplumber', 'pypdfium2')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "screen", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and "--job" in result.stdout and "--pdf-engine" in result.stdout


def test_console_script_installed():
    script = Path(sys.executable).parent / "resume-screening"
    if not script.exists():
        pytest.skip("package not installed as a distribution in this interpreter")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "screen" in result.stdout
