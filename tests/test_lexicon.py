"""The shipped lexicon is complete and valid; broken lexicons fail with file and line."""

from __future__ import annotations

import pytest
from conftest import TINY_COMPETENCIES, TINY_SKILLS, write_lexicon

from pipeline.errors import LexiconError
from pipeline.skills.lexicon import COMPETENCY_IDS, load_lexicon
from pipeline.skills.matcher import SkillMatcher


def test_shipped_lexicon_covers_the_guide(shipped_lexicon):
    assert tuple(shipped_lexicon.competencies) == COMPETENCY_IDS
    assert len(shipped_lexicon.skills) >= 400
    for cid in COMPETENCY_IDS:
        assert sum(cid in s.competencies for s in shipped_lexicon.skills.values()) >= 10, cid
    assert shipped_lexicon.version
    # the families the issue names
    for child in ("aws_ec2", "aws_s3", "aws_sagemaker"):
        assert "aws" in shipped_lexicon.ancestors(child)
    assert {"aws_sagemaker", "aws_s3"} <= shipped_lexicon.descendants("aws")


@pytest.fixture(scope="module")
def shipped_matcher(shipped_lexicon):
    return SkillMatcher(shipped_lexicon)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Models in sklearn and scikit learn", "scikit_learn"),
        ("Hosted on Amazon Web Services", "aws"),
        ("Reports in PowerBI", "power_bi"),
        ("Trained on SageMaker", "aws_sagemaker"),
        ("Skills: Python, R, SQL", "r"),
        ("Services written in Go and Python", "go"),
        ("Pipelines on Spark, Kafka and Airflow", "apache_spark"),
        ("Excel, Tableau and SQL", "microsoft_excel"),
        ("Frontend: Vue.js/React", "react"),
    ],
)
def test_shipped_aliases_match(shipped_matcher, text, skill):
    assert skill in {m.skill_id for m in shipped_matcher.find(text)}


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Led R&D for new recipes", "r"),
        ("Wrote the Go to market plan", "go"),
        ("Toured Java island with friends", "java"),
        ("I excel at customer care", "microsoft_excel"),
        ("Tidying up can spark joy", "apache_spark"),
        ("Used wire brushes. Rust removal on trailers", "rust"),
        ("Our pet ball python is called Monty", "python"),
        ("We saw giant pandas and red pandas", "pandas"),
        ("Designed a dessert tableau for weddings", "tableau"),
        ("Julia Ruby\nRegistered Nurse", "julia"),
        ("Julia Ruby\nRegistered Nurse", "ruby"),
    ],
)
def test_shipped_ambiguous_names_need_context(shipped_matcher, text, skill):
    assert skill not in {m.skill_id for m in shipped_matcher.find(text)}


def _broken(tmp_path, skills=TINY_SKILLS, competencies=TINY_COMPETENCIES):
    return write_lexicon(tmp_path / "lex", skills=skills, competencies=competencies)


def test_unknown_competency_names_file_and_line(tmp_path):
    skills = TINY_SKILLS + "cooking,Cooking,,kitchen_magic,,other\n"
    with pytest.raises(LexiconError, match=r"skills\.csv:16: unknown competency 'kitchen_magic'"):
        load_lexicon(_broken(tmp_path, skills=skills))


def test_alias_of_two_skills_is_an_error(tmp_path):
    skills = TINY_SKILLS + "torch7,Torch7,Torch,deep_learning,,dl_framework\n"
    with pytest.raises(
        LexiconError, match=r"skills\.csv:16: alias 'Torch' .* belongs to 'pytorch'"
    ):
        load_lexicon(_broken(tmp_path, skills=skills))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("python,Python 2,,programming,,language", "duplicate skill id 'python'"),
        ("Bad-Id,Bad,,programming,,language", "must match"),
        ("x1,X1,,programming,no_such_parent,language", "parent 'no_such_parent'"),
        ("x2,X2,Q,programming,,language", "short alias 'Q'"),
        ("x3,X3,,programming", "expected 6 columns"),
    ],
)
def test_invalid_rows(tmp_path, row, message):
    with pytest.raises(LexiconError, match=r"skills\.csv:16: .*" + message):
        load_lexicon(_broken(tmp_path, skills=TINY_SKILLS + row + "\n"))


def test_cycle_and_missing_competency(tmp_path):
    skills = TINY_SKILLS + "a1,A1,,programming,b1,other\nb1,B1,,programming,a1,other\n"
    with pytest.raises(LexiconError, match="own ancestor"):
        load_lexicon(_broken(tmp_path / "c", skills=skills))
    competencies = "\n".join(TINY_COMPETENCIES.splitlines()[:-1]) + "\n"
    with pytest.raises(LexiconError, match="missing competencies communication_teamwork"):
        load_lexicon(_broken(tmp_path / "m", competencies=competencies))


def test_bad_manifest(tmp_path):
    directory = _broken(tmp_path)
    (directory / "lexicon.yaml").write_text("name: [broken\n")
    with pytest.raises(LexiconError, match=r"lexicon\.yaml:\d+: invalid YAML"):
        load_lexicon(directory)
