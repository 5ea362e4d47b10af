"""Job definitions derived from postings written as text."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.score.job import job_from_dict
from pipeline.score.jobtext import job_from_text

POSTING = """\
Senior Machine Learning Engineer (Remote)

About us
We build search for shops. Our stack includes Kubernetes and Go.

Requirements
- 4+ years of experience building ML systems in Python.
- Strong knowledge of PyTorch or TensorFlow, and of statistics.
- You must be comfortable deploying on AWS with Docker.
- Experience with Tableau is a plus.

Nice to have
- NLP with spaCy
"""


@pytest.fixture(scope="module")
def derived(shipped_lexicon):
    from pipeline.skills.matcher import SkillMatcher

    return job_from_text(POSTING, shipped_lexicon, SkillMatcher(shipped_lexicon))


def entries(job, key):
    out = []
    for e in job.get(key, []):
        out.append(e.get("skill") or tuple(e.get("any_of", ())) or ("role", *e.get("role", ())))
    return out


def test_required_and_preferred_from_sections_and_cues(derived):
    required, preferred = entries(derived, "required"), entries(derived, "preferred")
    assert {"python", "statistics", "aws", "docker", ("pytorch", "tensorflow")} <= set(required)
    assert "tableau" in preferred  # "is a plus" overrides the Requirements section
    assert "spacy" in preferred and "spacy" not in required
    # Skills of the company's own description are not asked of the candidate.
    assert not {"kubernetes", "go"} & (set(required) | set(preferred))


def test_title_years_and_role(derived, shipped_lexicon):
    assert derived["title"] == "Senior Machine Learning Engineer"
    assert derived["min_years"]["years"] == 4
    assert ("role", "machine learning engineer") in entries(derived, "required")
    job = job_from_dict(derived, shipped_lexicon)  # a valid job definition
    assert job.title == "Senior Machine Learning Engineer"


def test_cli_from_text_and_screen_with_a_posting(tmp_path):
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING)
    result = CliRunner().invoke(app, ["job", "from-text", str(posting)])
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert data["title"] == "Senior Machine Learning Engineer"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cv.txt").write_text(
        "EXPERIENCE\nML Engineer, Contoso, 2018 - Present\n"
        "- Trained PyTorch models in Python and deployed them on AWS with Docker.\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["screen", str(folder), "--job", str(posting), "--out", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((out / "job.yaml").read_text()) == data  # saved for review
    assert (out / "shortlist.json").is_file()


def test_a_posting_without_sections_still_gives_requirements(shipped_lexicon):
    from pipeline.skills.matcher import SkillMatcher

    job = job_from_text(
        "Data Analyst\nWe want someone with SQL and Excel.\n",
        shipped_lexicon,
        SkillMatcher(shipped_lexicon),
    )
    assert {"sql"} <= set(entries(job, "required"))


def test_unreadable_posting_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["job", "from-text", str(tmp_path / "none.txt")])
    assert result.exit_code == 2
    assert ROOT.is_dir()
