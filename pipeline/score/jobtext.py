"""A job definition derived from a job posting written as text.

Hiring teams paste postings, not YAML. The posting is read line by line: headings such as
"Requirements" or "Nice to have" set whether what follows is required or preferred, and a
line's own cue ("must", "required" / "nice to have", "bonus", "a plus") overrides its
section. Skills come from the lexicon matcher, years from "3+ years", the role from the title
line. The result is a plain job dictionary (what a YAML job file holds) for a person to
review: `python -m pipeline job from-text posting.txt > job.yaml`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..errors import JobDefinitionError
from ..skills.lexicon import Lexicon

REQUIRED_HEADINGS = frozenset(
    {
        "requirements", "required", "required skills", "must have", "must-haves", "must haves",
        "qualifications", "minimum qualifications", "basic qualifications", "what you need",
        "what you bring", "what we are looking for", "what we're looking for", "you have",
        "skills", "key skills", "essential", "essential skills", "your profile",
    }
)  # fmt: skip
PREFERRED_HEADINGS = frozenset(
    {
        "nice to have", "nice-to-have", "nice to haves", "preferred", "preferred qualifications",
        "preferred skills", "bonus", "bonus points", "pluses", "desirable", "good to have",
        "desired skills", "extra credit",
    }
)  # fmt: skip
# Sections that describe the company or the offer: skills named there are not asked for.
OTHER_HEADINGS = frozenset(
    {
        "about us", "about the company", "who we are", "benefits", "what we offer", "perks",
        "why join us", "how to apply", "our team", "the team", "responsibilities",
        "what you will do", "what you'll do", "the role", "about the role",
    }
)  # fmt: skip
ALL_HEADINGS = REQUIRED_HEADINGS | PREFERRED_HEADINGS | OTHER_HEADINGS
PREFERRED_CUE = re.compile(
    r"(?i)\b(?:nice[- ]to[- ]have|bonus|preferred|preferably|a plus|is a plus|desirable|"
    r"ideally|good to have|would be great)\b"
)
REQUIRED_CUE = re.compile(r"(?i)\b(?:must|required|requires?|essential|mandatory|need to)\b")
YEARS = re.compile(r"(?i)\b(\d{1,2})\s*\+?\s*(?:-|to)?\s*(?:\d{1,2}\s*)?\+?\s*(?:years?|yrs?)\b")
TITLE_LABEL = re.compile(r"(?i)^\s*(?:job title|title|position|role)\s*[:\-–]\s*(.+?)\s*$")
REQUIRED_WEIGHT = 2.0
PREFERRED_WEIGHT = 1.0


def job_from_text(text: str, lexicon: Lexicon, matcher) -> dict[str, Any]:
    """The job dictionary a posting asks for (see the module docstring for the rules)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    title = _title(lines)
    section: str | None = None  # before any heading: the intro; skills there are preferred
    level_of: dict[str | tuple[str, ...], str] = {}
    order: list[str | tuple[str, ...]] = []
    years: int | None = None
    for line in lines:
        if not line:
            continue
        heading = re.sub(r"[^a-z' -]", "", line.lower()).strip(" -")
        if len(line.split()) <= 6 and heading in ALL_HEADINGS:
            section = (
                "required"
                if heading in REQUIRED_HEADINGS
                else "preferred"
                if heading in PREFERRED_HEADINGS
                else "other"
            )
            continue
        level = _level(line, section)
        found = YEARS.search(line)
        if found and level != "other" and re.search(r"(?i)experience|years? (?:of|in|with)", line):
            value = int(found.group(1))
            years = max(years or 0, value) if 0 < value <= 30 else years
        if level == "other":
            continue
        for item in _alternatives(line, matcher.find(line)):
            if item not in level_of:
                order.append(item)
                level_of[item] = level
            elif level == "required":
                level_of[item] = "required"
    job: dict[str, Any] = {"title": title or "Untitled role"}
    if years:
        job["min_years"] = {"years": years, "weight": 1}
    if "required" not in level_of.values():  # a posting without a requirements section
        level_of = dict.fromkeys(level_of, "required")
    required: list[Any] = []
    role = _role(title)
    if role:
        required.append({"role": [role], "weight": REQUIRED_WEIGHT})
    required += [_entry(item, REQUIRED_WEIGHT) for item in order if level_of[item] == "required"]
    preferred = [_entry(item, PREFERRED_WEIGHT) for item in order if level_of[item] == "preferred"]
    job["required"] = required
    if preferred:
        job["preferred"] = preferred
    return job


def _alternatives(line: str, matches) -> list[str | tuple[str, ...]]:
    """Skill ids of a line; skills joined by "or" or "/" ("PyTorch or TensorFlow") become one
    any-of group."""
    out: list[str | tuple[str, ...]] = []
    group: list[str] = []
    previous = None
    for m in sorted(matches, key=lambda m: m.start):
        joined = previous is not None and re.fullmatch(
            r"\s*(?:,\s*)?(?:or|/)\s*", line[previous.end : m.start]
        )
        if group and not joined:
            out.append(group[0] if len(group) == 1 else tuple(dict.fromkeys(group)))
            group = []
        group.append(m.skill_id)
        previous = m
    if group:
        out.append(group[0] if len(group) == 1 else tuple(dict.fromkeys(group)))
    return out


def _entry(item: str | tuple[str, ...], weight: float) -> dict[str, Any]:
    if isinstance(item, tuple):
        return {"any_of": list(item), "weight": weight}
    return {"skill": item, "weight": weight}


_SENIORITY = re.compile(r"(?i)\b(?:senior|junior|sr|jr|lead|staff|principal|head of|intern)\b\.?")


def _role(title: str | None) -> str | None:
    """The title as a role requirement, without seniority words (a senior role's title is
    matched by the same title without "Senior")."""
    if not title:
        return None
    role = " ".join(_SENIORITY.sub(" ", title).split()).lower()
    return role or None


def _title(lines: list[str]) -> str | None:
    for line in lines[:15]:
        m = TITLE_LABEL.match(line)
        if m:
            return m.group(1)
    first = next((line for line in lines if line), None)
    if first and len(first.split()) <= 8 and not first.endswith("."):
        return re.sub(r"\s*[(\[].*$", "", first).strip() or None
    return None


def _level(line: str, section: str | None) -> str:
    if PREFERRED_CUE.search(line):
        return "preferred"
    if REQUIRED_CUE.search(line):
        return "required"
    if section is None:
        return "preferred"
    return section


def to_yaml(job: dict[str, Any], source: str) -> str:
    """The job as YAML, with a header that says where it came from and to review it."""
    import yaml

    header = (
        f"# Derived from {source} by `python -m pipeline job from-text`.\n"
        "# Review it: required vs preferred, weights and the role titles are guesses from the\n"
        "# posting's wording.\n"
    )
    return header + yaml.safe_dump(job, sort_keys=False, allow_unicode=True)


def load_posting(path: str | os.PathLike[str], lexicon: Lexicon | None = None):
    """(JobDefinition, its YAML for review) from a posting file; JobDefinitionError names the
    file when it cannot be read or the derived job is not valid."""
    from ..skills.lexicon import default_lexicon
    from ..skills.matcher import SkillMatcher
    from .job import job_from_dict

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise JobDefinitionError(f"{path}: cannot read the job posting ({exc.strerror})") from None
    lexicon = lexicon or default_lexicon()
    data = job_from_text(text, lexicon, SkillMatcher(lexicon))
    return job_from_dict(data, lexicon, source=str(path)), to_yaml(data, path.name)
