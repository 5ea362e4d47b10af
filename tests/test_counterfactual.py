"""The counterfactual fairness gate: rewrites of names, gendered words, graduation years and
addresses must not move a score, a requirement, a competency or a rank."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT, docx_resume
from typer.testing import CliRunner

import pipeline.score.rank as rank_module
from pipeline.audit.counterfactual import find_name, run_counterfactual, variants
from pipeline.cli import app
from pipeline.read import parse
from pipeline.score.job import load_job

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
EXAMPLES = ROOT / "examples" / "resumes"
AS_OF = date(2025, 6, 1)

DANA = [
    "Dana Example",
    "dana.example@example.com | (555) 123-4567 | github.com/dana-example",
    "Address: 42 Maple Street, Springfield, IL 62704",
    "",
    "SUMMARY",
    "Data scientist with six years of experience. She builds forecasting models in Python "
    "and her team ships them to AWS with Docker.",
    "",
    "EXPERIENCE",
    "Data Scientist, Acme Analytics",
    "Jan 2016 – Present",
    "• She built forecasting models in Python with scikit-learn, PyTorch and Pandas.",
    "• Ran A/B tests and regression analyses; presented results to her stakeholders.",
    "",
    "EDUCATION",
    "B.S. Statistics, State University, 2012",
    "",
    "ACTIVITIES",
    "Women's Chess Club captain",
    "Sorority treasurer",
]

SAM = [
    "SAM RIVERA",
    "Machine Learning Engineer",
    "sam.rivera@example.org · +1 (303) 555-0148 · Denver, CO",
    "",
    "SUMMARY",
    "ML engineer (5 years). He deploys PyTorch models on AWS; Mr Rivera chaired his "
    "fraternity's robotics club.",
    "",
    "EXPERIENCE",
    "Machine Learning Engineer, Kestrel Grid (Boulder, CO)",
    "Mar 2019 – Present",
    "• Trained PyTorch and scikit-learn models; cleaned data with Pandas.",
    "• Chairman of the brotherhood's data-science reading group.",
    "",
    "EDUCATION",
    "M.S. Computer Science – Front Range University, 2015 – 2017",
    "",
    "SKILLS",
    "Python, SQL, statistics, Docker",
]


@pytest.fixture(scope="module")
def job():
    return load_job(JOB)


@pytest.fixture()
def folder(tmp_path):
    folder = tmp_path / "resumes"
    folder.mkdir()
    (folder / "dana.txt").write_text("\n".join(DANA) + "\n", encoding="utf-8")
    (folder / "sam.txt").write_text("\n".join(SAM) + "\n", encoding="utf-8")
    docx_resume(folder / "dana.docx", paragraphs=[line for line in DANA if line])
    (folder / "empty.txt").write_text("hi\n", encoding="utf-8")
    return folder


def _changed(original, rewritten) -> list[str]:
    return [b.text for a, b in zip(original.lines, rewritten.lines, strict=True) if a != b]


def test_examples_do_not_depend_on_identity(job):
    report = run_counterfactual(EXAMPLES, job, as_of=AS_OF)
    assert report.files == len(list(EXAMPLES.iterdir()))
    assert not report.skipped
    assert all(result.variants >= 10 for result in report.results), report.results
    assert report.variants_scored == sum(result.variants for result in report.results)
    assert report.changes == (), report.text()
    assert report.text().endswith(f"0 changes in {report.variants_scored} variants of 15 files\n")


def test_variants_really_rewrite(folder):
    document = parse(folder / "dana.txt")
    assert find_name(document) == "Dana Example"
    found = variants(document)
    kinds = {kind for kind, _, _ in found}
    assert kinds == {"name", "gender", "graduation year", "address", "contact"}
    assert sum(kind == "name" for kind, _, _ in found) >= 4
    for _, description, rewritten in found:
        assert rewritten.lines != document.lines, description
        assert rewritten.sha256 == document.sha256  # the same candidate, rewritten
        assert len(rewritten.lines) == len(document.lines)
    by_description = {description: rewritten for _, description, rewritten in found}

    lakisha = _changed(document, by_description["name → Lakisha Washington"])
    assert "Lakisha Washington" in lakisha
    assert any("lakisha.washington@example.com" in t for t in lakisha)
    assert any("github.com/lakisha-washington" in t for t in lakisha)
    assert not any("Dana" in t or "dana" in t for t in lakisha)

    male = next(d for _, description, d in found if description.startswith("gendered words → male"))
    text = male.text
    assert "Men's Chess Club captain" in text and "Fraternity treasurer" in text
    assert "He builds forecasting models" in text and "his team" in text
    assert "her" not in text.split() and "She" not in text
    assert not any("→ female" in description for _, description, _ in found)  # nothing to swap

    later = _changed(document, by_description["graduation years +20"])
    assert later == ["B.S. Statistics, State University, 2032"]  # Jan 2016 stays
    earlier = _changed(document, by_description["graduation years -20"])
    assert earlier == ["B.S. Statistics, State University, 1992"]

    moved = _changed(document, by_description["address → Lagos, Nigeria"])
    assert moved == ["Address: 1 Main Street, Lagos, Nigeria"]
    contact = _changed(document, by_description[next(d for d in by_description if "e-mail" in d)])
    assert contact[0].startswith("candidate@example.org | (555) 010-0199 |")


def test_male_resume_gets_female_variant(folder):
    document = parse(folder / "sam.txt")
    assert find_name(document) == "SAM RIVERA"
    found = {description: d for _, description, d in variants(document)}
    female = next(d for description, d in found.items() if "→ female" in description)
    text = female.text
    assert "She deploys" in text and "Ms Rivera" in text and "her sorority's" in text
    assert "Chairwoman of the sisterhood's" in text
    assert "LAKISHA WASHINGTON" in found["name → Lakisha Washington"].text
    assert "lakisha.washington@example.org" in found["name → Lakisha Washington"].text
    assert "(Boulder, CO)" in found["address → Leeds, UK"].text  # work places stay
    assert "Leeds, UK" in found["address → Leeds, UK"].lines[2].text


def test_gate_finds_no_change_on_generated_resumes(folder, job):
    report = run_counterfactual(folder, job, as_of=AS_OF)
    assert report.files == 3
    assert [s.file for s in report.skipped] == ["empty.txt"]
    assert report.skipped[0].reason == "no_text"
    assert report.variants_scored >= 3 * 15
    assert report.changes == (), report.text()
    text = report.text()
    assert "dana.docx: no change across" in text
    assert "empty.txt: skipped (no_text)" in text
    assert text.endswith(f"0 changes in {report.variants_scored} variants of 3 files; 1 skipped\n")
    assert "Springfield" not in text and "Women" not in text  # no resume text in the report
    data = report.to_dict()
    assert data["passed"] is True and data["changes"] == []
    assert data["skipped"] == [{"file": "empty.txt", "reason": "no_text"}]


def test_gate_catches_a_planted_dependence(folder, job, monkeypatch):
    real = rank_module.score_profile

    def biased(profile, *args, **kwargs):
        scored = real(profile, *args, **kwargs)
        if any("lakisha" in email for email in profile.contacts.emails):
            return type(scored)(
                scored.candidate_id,
                scored.source,
                round(scored.score + 1, 1),
                scored.disqualified,
                scored.missing_must_haves,
                scored.requirements,
            )
        return scored

    monkeypatch.setattr(rank_module, "score_profile", biased)
    report = run_counterfactual(folder, job, as_of=AS_OF)
    assert report.changes
    assert {c.variant for c in report.changes} == {"name → Lakisha Washington"}
    scores = [c for c in report.changes if c.what == "score" and c.file == "dana.txt"]
    assert len(scores) == 1 and float(scores[0].after) == float(scores[0].before) + 1
    assert "name → Lakisha Washington: score" in report.text()
    assert report.to_dict()["passed"] is False

    result = CliRunner().invoke(app, ["audit", "counterfactual", str(folder), "--job", str(JOB)])
    assert result.exit_code == 1, result.output
    assert "Lakisha Washington" in result.output
    result = CliRunner().invoke(
        app, ["audit", "counterfactual", str(folder), "--job", str(JOB), "--json"]
    )
    assert result.exit_code == 1


def test_cli_passes_on_unbiased_scoring(folder):
    result = CliRunner().invoke(
        app, ["audit", "counterfactual", str(folder), "--job", str(JOB), "--as-of", "2025-06-01"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("0 changes in ")
