"""The spaCy matcher: tokenizer fixes, wrapped lines, ambiguous names, evidence and sections."""

from __future__ import annotations

import pytest

from pipeline.skills.matcher import SkillMatcher, flatten, to_original


def ids(matcher: SkillMatcher, text: str) -> list[str]:
    return [m.skill_id for m in matcher.find(text)]


def test_slash_joined_skills_split(tiny_matcher):
    assert ids(tiny_matcher, "Frontend: Vue.js/React, Python") == ["vue", "react", "python"]
    assert ids(tiny_matcher, "PyTorch|Pandas;AWS(SageMaker)") == [
        "pytorch",
        "pandas",
        "aws",
        "aws_sagemaker",
    ]


def test_aliases_case_insensitive(tiny_matcher):
    assert ids(tiny_matcher, "used SKLEARN and Scikit Learn daily") == [
        "scikit_learn",
        "scikit_learn",
    ]


def test_skill_wrapped_across_lines(tiny_matcher):
    assert ids(tiny_matcher, "Experience with scikit\nlearn and AWS\nSageMaker") == [
        "scikit_learn",
        "aws_sagemaker",
    ]
    assert ids(tiny_matcher, "Libraries: scikit-\nlearn") == ["scikit_learn"]


def test_offsets_point_into_original_text(tiny_matcher):
    text = "Skills:\n\n   Python,   AWS\nSageMaker"
    for m in tiny_matcher.find(text):
        assert " ".join(text[m.start : m.end].split()) == " ".join(m.surface.split())
    found = {m.skill_id: text[m.start : m.end] for m in tiny_matcher.find(text)}
    assert found == {"python": "Python", "aws_sagemaker": "AWS\nSageMaker"}


def test_flatten_map_round_trip():
    text = "a  b\n\nc-\nd   e"
    flat, fa, oa = flatten(text)
    assert flat == "a  b  c-d   e"
    for i, ch in enumerate(flat):
        if ch != " ":
            assert text[to_original(i, fa, oa)] == ch
    assert flatten("no\nhyphen")[0] == "no hyphen"


@pytest.mark.parametrize(
    "text",
    [
        "Led R&D for the kitchen",
        "Ran the R & D lab with Python scripts",
        "Wrote the Go to market plan in Python",
        "Visited Java island with the team",
        "Julia Ruby\nRegistered nurse",
        "go-getter who likes to go fast",
        "Plan R: Python and go",
    ],
)
def test_ambiguous_names_rejected_outside_skill_context(tiny_matcher, text):
    found = ids(tiny_matcher, text)
    assert "r" not in found and "go" not in found and "java" not in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Languages: Python, R, Go", {"python", "r", "go"}),
        ("Proficient in R and Python", {"r", "python"}),
        ("Skills\nR\nJava\nPython", {"r", "java", "python"}),
        ("Built services in Go (Golang) on AWS", {"go", "aws"}),
        ("R programming for statistical analysis", {"r", "statistics"}),
    ],
)
def test_ambiguous_names_accepted_in_skill_context(tiny_matcher, text, expected):
    assert set(ids(tiny_matcher, text)) == expected


def test_longest_match_wins(tiny_matcher):
    # "AWS SageMaker" is one alias of SageMaker, not AWS + SageMaker.
    assert ids(tiny_matcher, "Deployed on AWS SageMaker.") == ["aws_sagemaker"]


def test_spacy_component(tiny_lexicon, tmp_path):
    import spacy

    import pipeline.skills.matcher  # noqa: F401  registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("skill_matcher", config={"lexicon_path": tiny_lexicon.path})
    nlp.initialize()
    doc = nlp("We use PyTorch and pandas, plus AWS.")
    assert [(s.text, s.label_) for s in doc.spans["skills"]] == [
        ("PyTorch", "pytorch"),
        ("pandas", "pandas"),
        ("AWS", "aws"),
    ]
    nlp.to_disk(tmp_path / "nlp")
    again = spacy.load(tmp_path / "nlp")
    doc = again("Python and sklearn")
    assert [s.label_ for s in doc.spans["skills"]] == ["python", "scikit_learn"]
