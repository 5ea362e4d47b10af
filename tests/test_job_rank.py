"""Job definitions are validated against the lexicon; the ranker is pure and explains itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pipeline.errors import JobDefinitionError
from pipeline.records import Document, Line
from pipeline.score.job import job_from_dict, load_job
from pipeline.score.rank import rank, score_profile
from pipeline.skills.profile import build_profile

JOB = {
    "title": "ML Engineer",
    "min_years": {"years": 3, "weight": 1},
    "required": [
        {"skill": "python", "weight": 3, "must": True},
        {"competency": "ml_frameworks", "weight": 2},
        {"any_of": ["aws", "gcp_like_missing"]},
    ],
}


def doc(lines: list[str], sha: str = "a" * 64, source: str = "cv.txt") -> Document:
    return Document(source, sha, "text", "text", tuple(Line(t) for t in lines))


def profile_of(lines, tiny_matcher, tiny_lexicon, **kw):
    return build_profile(doc(lines, **kw), tiny_matcher, tiny_lexicon, "1", as_of=date(2026, 11, 1))


def test_unknown_skill_names_it_and_suggests(tiny_lexicon):
    with pytest.raises(JobDefinitionError) as info:
        job_from_dict(JOB, tiny_lexicon)
    message = str(info.value)
    assert "gcp_like_missing" in message and "required[3]" in message
    with pytest.raises(JobDefinitionError, match="did you mean 'pytorch'"):
        job_from_dict({"title": "x", "required": ["pytorc"]}, tiny_lexicon)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        {"required": ["python"]},
        {"title": "x"},
        {"title": "x", "required": [{"skill": "python", "weight": -1}]},
        {"title": "x", "required": [{"skill": "python", "competency": "nlp"}]},
        {"title": "x", "required": ["python"], "salary": 1},
        {"title": "x", "required": [{"competency": "cooking"}]},
        {"title": "x", "required": ["python"], "min_years": "lots"},
    ],
)
def test_invalid_job_definitions(tiny_lexicon, bad):
    with pytest.raises(JobDefinitionError):
        job_from_dict(bad, tiny_lexicon)


def test_aliases_accepted_in_job(tiny_lexicon):
    job = job_from_dict({"title": "x", "required": ["sklearn", "Amazon SageMaker"]}, tiny_lexicon)
    assert [r.targets for r in job.requirements] == [("scikit_learn",), ("aws_sagemaker",)]


def test_invalid_yaml_file(tmp_path, tiny_lexicon):
    path = tmp_path / "job.yaml"
    path.write_text("title: [unclosed\n")
    with pytest.raises(JobDefinitionError, match="invalid YAML"):
        load_job(path, tiny_lexicon)


def good_job(tiny_lexicon):
    return job_from_dict(
        {
            "title": "ML Engineer",
            "min_years": {"years": 3, "weight": 1},
            "required": [
                {"skill": "python", "weight": 3, "must": True},
                {"competency": "ml_frameworks", "weight": 2},
                {"skill": "aws"},
            ],
            "preferred": ["nlp"],
        },
        tiny_lexicon,
    )


RESUME = [
    "Jane Example",
    "jane@example.com | +1 555 0100 | github.com/pytorch-fan",
    "EXPERIENCE",
    "ML Engineer, Contoso, Jan 2020 - Present",
    "• Trained PyTorch and scikit-learn models on Pandas data.",
    "• Deployed them with SageMaker.",
    "Analyst, Fabrikam, 2017 - 2019",
    "EDUCATION",
    "MSc, 2015 - 2017",
]


def test_score_explains_each_requirement(tiny_matcher, tiny_lexicon):
    profile = profile_of(RESUME + ["Python"], tiny_matcher, tiny_lexicon)
    result = score_profile(profile, good_job(tiny_lexicon), tiny_lexicon)
    by_label = {r.requirement: r for r in result.requirements}
    # A bare "Python" under the education heading is a mention without depth: partial credit.
    assert by_label["Python"].status == "partial" and 0 < by_label["Python"].credit < 0.75
    assert by_label["ML frameworks"].status == "met"
    assert set(by_label["ML frameworks"].matched) == {"PyTorch", "scikit-learn", "Amazon SageMaker"}
    # SageMaker is in the AWS family, so it meets an AWS requirement, with its evidence.
    assert by_label["Amazon Web Services"].status == "met"
    assert by_label["Amazon Web Services"].evidence == ("• Deployed them with SageMaker.",)
    assert by_label["NLP"].status == "missing"
    # Jan 2020 - Nov 2026 and 2017 - 2019; education dates are not experience.
    assert profile.years_experience == pytest.approx(9.9, abs=0.1)
    assert by_label["at least 3 years of experience"].status == "met"
    assert 0 < result.score < 100 and not result.disqualified


def test_python_used_in_current_job_is_met(tiny_matcher, tiny_lexicon):
    lines = RESUME[:5] + ["• Wrote the Python training jobs."] + RESUME[5:] + ["SKILLS", "Python"]
    result = score_profile(
        profile_of(lines, tiny_matcher, tiny_lexicon), good_job(tiny_lexicon), tiny_lexicon
    )
    python = next(r for r in result.requirements if r.requirement == "Python")
    # In the current job's bullets and in the skills list: full credit, both places cited.
    assert python.status == "met" and python.credit == 1.0
    assert "• Wrote the Python training jobs." in python.evidence


def test_contact_details_never_match(tiny_matcher, tiny_lexicon):
    profile = profile_of(RESUME, tiny_matcher, tiny_lexicon)
    # "pytorch" in the GitHub link is not evidence; the bullet is.
    assert all("github" not in m.evidence for h in profile.skills for m in h.mentions)


def test_missing_must_have_disqualifies(tiny_matcher, tiny_lexicon):
    profile = profile_of(RESUME, tiny_matcher, tiny_lexicon)  # no Python anywhere
    result = score_profile(profile, good_job(tiny_lexicon), tiny_lexicon)
    assert result.disqualified and result.missing_must_haves == ("Python",)


def test_score_ignores_name_and_contacts(tiny_matcher, tiny_lexicon):
    job = good_job(tiny_lexicon)
    base = score_profile(
        profile_of(RESUME + ["Python"], tiny_matcher, tiny_lexicon), job, tiny_lexicon
    )
    other = [
        "Julia Ruby Go",
        "julia.ruby@example.org | +44 20 7946 0958 | Python Street, Java City",
    ]
    changed = score_profile(
        profile_of(other + RESUME[2:] + ["Python"], tiny_matcher, tiny_lexicon), job, tiny_lexicon
    )
    assert changed.score == base.score
    assert [r.status for r in changed.requirements] == [r.status for r in base.requirements]


def test_ranking_is_deterministic_and_ties_break_on_id(tiny_matcher, tiny_lexicon):
    job = good_job(tiny_lexicon)
    profiles = [
        profile_of(RESUME + ["Python"], tiny_matcher, tiny_lexicon, sha=c * 64, source=f"{c}.txt")
        for c in "dcba"
    ]
    scored = [score_profile(p, job, tiny_lexicon) for p in profiles]
    order = [s.candidate_id[0] for s in rank(scored)]
    assert order == ["a", "b", "c", "d"]
    assert rank(list(reversed(scored))) == rank(scored)
    disq = replace(scored[0], disqualified=True, score=100.0)
    assert rank([disq, *scored[1:]])[-1] is disq
