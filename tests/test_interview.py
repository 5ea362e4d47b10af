"""The interview kit: the guide's questions and red flags, picked for each candidate's weakest
requirements."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import JobDefinitionError
from pipeline.records import RequirementResult, ScoredCandidate
from pipeline.score.interview import MAX_QUESTIONS, MIN_QUESTIONS, load_kit, plan_interview


def requirement(label, kind, targets, status, credit, weight=2.0):
    return RequirementResult(label, kind, tuple(targets), weight, False, status, credit, (), ())


def scored(*requirements) -> ScoredCandidate:
    return ScoredCandidate("a" * 16, "cv.txt", 50.0, False, (), tuple(requirements))


def test_shipped_kit_matches_the_lexicon(shipped_lexicon):
    kit = load_kit(lexicon=shipped_lexicon)
    assert len(kit.questions) == 10 and len(kit.red_flags) == 3


def test_a_kit_naming_an_unknown_competency_is_refused(tmp_path, shipped_lexicon):
    path = tmp_path / "kit.yaml"
    path.write_text("version: '1'\nquestions:\n  - text: Why?\n    probes: [cooking]\n")
    with pytest.raises(JobDefinitionError, match="cooking"):
        load_kit(path, shipped_lexicon)


def test_missing_requirements_get_questions_first(shipped_lexicon):
    plan = plan_interview(
        scored(
            requirement("Python", "skill", ["python"], "met", 1.0),
            requirement("Cloud Model Deployment", "competency", ["cloud_deployment"], "missing", 0),
            requirement("Statistics", "competency", ["statistics"], "partial", 0.4),
        ),
        shipped_lexicon,
    )
    assert plan.questions[0] == (
        "What is your experience with deploying models in production?",
        "Cloud Model Deployment (missing)",
    )
    assert plan.questions[1][1] == "Statistics (partial)"
    assert MIN_QUESTIONS <= len(plan.questions) <= MAX_QUESTIONS
    assert len({q for q, _ in plan.questions}) == len(plan.questions)  # no question twice
    assert any("fundamental concepts" in f for f in plan.red_flags)  # statistics is weak


def test_a_strong_candidate_still_gets_a_plan(shipped_lexicon):
    plan = plan_interview(
        scored(requirement("ML", "competency", ["ml_frameworks"], "met", 1.0)), shipped_lexicon
    )
    assert len(plan.questions) >= MIN_QUESTIONS and plan.red_flags


def test_shortlist_entries_carry_the_plan(tmp_path):
    from conftest import ROOT
    from typer.testing import CliRunner

    from pipeline.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cv.txt").write_text(
        "EXPERIENCE\nData Analyst, Fabrikam, 2019 - Present\n"
        "- Built Tableau dashboards from SQL queries for the sales team.\n"
    )
    out = tmp_path / "out"
    job = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
    result = CliRunner().invoke(
        app, ["screen", str(folder), "--job", str(job), "--out", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    entry = json.loads((out / "shortlist.json").read_text())["candidates"][0]
    questions = entry["interview"]["questions"]
    assert MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS
    assert all(q["probes"].endswith("(missing)") for q in questions)
