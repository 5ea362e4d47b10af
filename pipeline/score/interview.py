"""An interview plan per candidate from the hiring guide's questions and red flags.

The kit (`skill_lexicon/interview_kit.yaml`) maps each of the guide's interview questions and
red flags to the competencies it probes. A candidate's plan takes their requirements from the
weakest up (missing, then partial, then met with the least credit; heavier requirements
first among equals), and picks 3-5 questions that probe them, each with the requirement it
is for, and the red flags to watch for on those competencies. A pure function of the scored
candidate, the kit and the lexicon.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import JobDefinitionError
from ..records import RequirementResult, ScoredCandidate
from ..skills.lexicon import Lexicon, default_lexicon_dir

KIT_FILE = "interview_kit.yaml"
MIN_QUESTIONS = 3
MAX_QUESTIONS = 5
# Probes that are not competencies: the role requirement and years of experience.
PSEUDO_PROBES = frozenset({"role", "years"})
_ORDER = {"missing": 0, "partial": 1, "met": 2}


@dataclass(frozen=True, slots=True)
class KitItem:
    text: str
    probes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Kit:
    version: str
    questions: tuple[KitItem, ...]
    red_flags: tuple[KitItem, ...]


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    questions: tuple[tuple[str, str], ...]  # (question, the requirement it probes and why)
    red_flags: tuple[str, ...]
    kit_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": [{"question": q, "probes": why} for q, why in self.questions],
            "red_flags": list(self.red_flags),
            "kit_version": self.kit_version,
        }


def load_kit(path: str | os.PathLike[str] | None = None, lexicon: Lexicon | None = None) -> Kit:
    """Read and check the kit; every probe must be a competency of the lexicon (or role,
    years). Errors name the file."""
    import yaml

    path = Path(path) if path is not None else _kit_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise JobDefinitionError(f"{path}: cannot read the interview kit ({exc})") from None
    if not isinstance(data, dict) or not data.get("questions"):
        raise JobDefinitionError(f"{path}: expected a mapping with questions")
    known = set(lexicon.competencies) if lexicon is not None else None

    def items(key: str, field: str) -> tuple[KitItem, ...]:
        out = []
        for i, entry in enumerate(data.get(key) or []):
            probes = frozenset(str(p) for p in entry.get(field) or [])
            if not entry.get("text") or not probes:
                raise JobDefinitionError(f"{path}: {key}[{i + 1}] needs text and {field}")
            if known is not None:
                unknown = sorted(probes - known - PSEUDO_PROBES)
                if unknown:
                    raise JobDefinitionError(
                        f"{path}: {key}[{i + 1}] names unknown competencies {', '.join(unknown)}"
                    )
            out.append(KitItem(str(entry["text"]), probes))
        return tuple(out)

    return Kit(str(data.get("version", "0")), items("questions", "probes"),
               items("red_flags", "check_for"))  # fmt: skip


@cache
def default_kit() -> Kit:
    return load_kit()


def _kit_path() -> Path:
    """Beside the lexicon in use, else the shipped one (a custom lexicon may have no kit)."""
    beside = default_lexicon_dir() / KIT_FILE
    if beside.is_file():
        return beside
    here = Path(__file__).resolve().parent.parent  # the package folder
    for folder in (here / "_data" / "skill_lexicon", here.parent / "skill_lexicon"):
        if (folder / KIT_FILE).is_file():
            return folder / KIT_FILE
    return beside


def plan_interview(
    scored: ScoredCandidate, lexicon: Lexicon, kit: Kit | None = None
) -> InterviewPlan:
    """The questions that probe the candidate's weakest requirements, and the red flags."""
    kit = kit or default_kit()
    weakest = sorted(
        scored.requirements, key=lambda r: (_ORDER.get(r.status, 2), r.credit, -r.weight)
    )
    chosen: list[tuple[str, str]] = []
    flagged: list[str] = []
    probed: set[str] = set()
    for req in weakest:
        probes = _probes(req, lexicon)
        if req.status != "met":
            probed |= probes
        if len(chosen) >= MAX_QUESTIONS:
            continue
        asked = {q for q, _ in chosen}
        # The unasked question that probes most of what this requirement is about.
        best = max(
            (item for item in kit.questions if item.text not in asked),
            key=lambda item: len(item.probes & probes),
            default=None,
        )
        if best is not None and best.probes & probes:
            chosen.append((best.text, f"{req.requirement} ({req.status})"))
    for item in kit.questions:  # fewer weak spots than questions: general ones complete it
        if len(chosen) >= MIN_QUESTIONS:
            break
        if item.text not in {q for q, _ in chosen}:
            chosen.append((item.text, "general"))
    for item in kit.red_flags:
        if item.probes & probed:
            flagged.append(item.text)
    return InterviewPlan(tuple(chosen), tuple(flagged or [kit.red_flags[0].text]), kit.version)


def _probes(req: RequirementResult, lexicon: Lexicon) -> set[str]:
    """The competencies (or pseudo-probes) a requirement is about."""
    if req.kind == "competency":
        return set(req.targets)
    if req.kind == "role":
        return {"role", "ml_frameworks"}
    if req.kind == "min_years":
        return {"years"}
    out: set[str] = set()
    for target in req.targets:  # skills and any_of
        skill = lexicon.skills.get(target)
        if skill is not None:
            out |= set(skill.competencies)
    return out
