"""Job definitions: YAML → `JobDefinition`, skills and competencies checked against the lexicon."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import JobDefinitionError
from ..skills.lexicon import Lexicon

DEFAULT_WEIGHT = {"required": 2.0, "preferred": 1.0}
_UNKNOWN = "\0unknown"  # stands for an id already reported as unknown
_ENTRY_KEYS = {"skill", "competency", "any_of", "role", "weight", "must", "label"}
_TOP_KEYS = {"title", "description", "required", "preferred", "must_have", "min_years"}


@dataclass(frozen=True, slots=True)
class Requirement:
    kind: str  # "skill", "competency", "any_of" or "role" (job titles, lower case)
    targets: tuple[str, ...]
    weight: float
    must: bool
    label: str
    group: str  # "required" or "preferred"


@dataclass(frozen=True, slots=True)
class MinYears:
    years: float
    weight: float
    must: bool


@dataclass(frozen=True, slots=True)
class JobDefinition:
    title: str
    requirements: tuple[Requirement, ...]
    min_years: MinYears | None
    sha256: str  # of the normalised definition, so formatting changes don't count

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "sha256": self.sha256,
            "min_years": None
            if self.min_years is None
            else {
                "years": self.min_years.years,
                "weight": self.min_years.weight,
                "must": self.min_years.must,
            },
            "requirements": [
                {
                    "label": r.label,
                    "kind": r.kind,
                    "targets": list(r.targets),
                    "weight": r.weight,
                    "must": r.must,
                    "group": r.group,
                }
                for r in self.requirements
            ],
        }


def load_job(path: str | os.PathLike[str], lexicon: Lexicon | None = None) -> JobDefinition:
    """Read a job YAML file and validate it against the lexicon."""
    import yaml

    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise JobDefinitionError(
            f"{path}: cannot read job definition ({type(exc).__name__})"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise JobDefinitionError(f"{path}:{where} invalid YAML") from None
    if lexicon is None:
        from ..skills.lexicon import default_lexicon

        lexicon = default_lexicon()
    return job_from_dict(data, lexicon, source=str(path))


def job_from_dict(data: Any, lexicon: Lexicon, source: str = "<job>") -> JobDefinition:
    if not isinstance(data, dict):
        raise JobDefinitionError(
            f"{source}: a job definition is a mapping with 'title' and 'required'"
        )
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise JobDefinitionError(
            f"{source}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            f"allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise JobDefinitionError(f"{source}: 'title' must be a non-empty string")
    resolver = _Resolver(lexicon, source)
    requirements: list[Requirement] = []
    for group in ("required", "preferred"):
        entries = data.get(group) or []
        if not isinstance(entries, list):
            raise JobDefinitionError(f"{source}: '{group}' must be a list")
        for i, entry in enumerate(entries, 1):
            requirements.append(resolver.entry(entry, group, f"{group}[{i}]"))
    must_have = data.get("must_have") or []
    if not isinstance(must_have, list):
        raise JobDefinitionError(f"{source}: 'must_have' must be a list")
    for i, entry in enumerate(must_have, 1):
        req = resolver.entry(entry, "required", f"must_have[{i}]")
        same = [
            j for j, r in enumerate(requirements) if r.targets == req.targets and r.kind == req.kind
        ]
        if same:
            old = requirements[same[0]]
            requirements[same[0]] = Requirement(
                old.kind, old.targets, old.weight, True, old.label, old.group
            )
        else:
            requirements.append(
                Requirement(req.kind, req.targets, req.weight, True, req.label, req.group)
            )
    if resolver.errors:  # every unknown skill and competency at once
        raise JobDefinitionError("\n".join(resolver.errors))
    if not requirements:
        raise JobDefinitionError(
            f"{source}: list at least one skill or competency under 'required'"
        )
    min_years = _min_years(data.get("min_years"), source)
    total = sum(r.weight for r in requirements) + (min_years.weight if min_years else 0.0)
    if total <= 0:
        raise JobDefinitionError(
            f"{source}: every weight is 0, so every candidate would score the same; "
            "give at least one requirement a weight above 0"
        )
    normalised = {
        "title": title.strip(),
        "requirements": [
            [r.kind, list(r.targets), r.weight, r.must, r.label, r.group] for r in requirements
        ],
        "min_years": None
        if min_years is None
        else [min_years.years, min_years.weight, min_years.must],
    }
    digest = hashlib.sha256(json.dumps(normalised, sort_keys=True).encode()).hexdigest()
    return JobDefinition(title.strip(), tuple(requirements), min_years, digest)


def _min_years(value: Any, source: str) -> MinYears | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise JobDefinitionError(f"{source}: 'min_years' must be a number")
    if isinstance(value, int | float):
        return MinYears(float(value), 1.0, False)
    if isinstance(value, dict) and isinstance(value.get("years"), int | float):
        weight = value.get("weight", 1.0)
        if not isinstance(weight, int | float) or weight < 0:
            raise JobDefinitionError(f"{source}: min_years.weight must be a number >= 0")
        return MinYears(float(value["years"]), float(weight), bool(value.get("must", False)))
    raise JobDefinitionError(f"{source}: 'min_years' must be a number or {{years: N, weight: W}}")


class _Resolver:
    def __init__(self, lexicon: Lexicon, source: str) -> None:
        self.lexicon = lexicon
        self.source = source
        self.errors: list[str] = []  # unknown skills and competencies, reported together
        self.by_alias: dict[str, str] = {}
        for skill in lexicon.skills.values():
            for alias in skill.aliases:
                self.by_alias.setdefault(alias.text.lower(), skill.id)
        for comp in lexicon.competencies.values():
            self.by_alias.setdefault(comp.name.lower(), comp.id)

    def entry(self, entry: Any, group: str, where: str) -> Requirement:
        weight = DEFAULT_WEIGHT[group]
        must = False
        label = None
        if isinstance(entry, str):
            kind, targets = self._resolve_any(entry, where)
        elif isinstance(entry, dict):
            unknown = set(entry) - _ENTRY_KEYS
            if unknown:
                raise JobDefinitionError(
                    f"{self.source}: {where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}"
                )
            kinds = [k for k in ("skill", "competency", "any_of", "role") if k in entry]
            if len(kinds) != 1:
                raise JobDefinitionError(
                    f"{self.source}: {where}: give exactly one of 'skill', 'competency', "
                    "'any_of', 'role'"
                )
            kind = kinds[0]
            if kind == "skill":
                targets = (self._skill(entry["skill"], where),)
            elif kind == "competency":
                targets = (self._competency(entry["competency"], where),)
            elif kind == "role":
                titles = entry["role"]
                if isinstance(titles, str):
                    titles = [titles]
                if not isinstance(titles, list) or not all(
                    isinstance(t, str) and t.strip() for t in titles
                ):
                    raise JobDefinitionError(
                        f"{self.source}: {where}: 'role' must be a job title or a list of them"
                    )
                targets = tuple(dict.fromkeys(" ".join(t.lower().split()) for t in titles))
            else:
                values = entry["any_of"]
                if not isinstance(values, list) or not values:
                    raise JobDefinitionError(
                        f"{self.source}: {where}: 'any_of' must be a non-empty list"
                    )
                targets = tuple(self._resolve_any(v, where)[1][0] for v in values)
            if "weight" in entry:
                weight = entry["weight"]
                if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
                    raise JobDefinitionError(
                        f"{self.source}: {where}: 'weight' must be a number >= 0"
                    )
                weight = float(weight)
            must = bool(entry.get("must", False))
            label = entry.get("label")
        else:
            raise JobDefinitionError(f"{self.source}: {where}: expected an id or a mapping")
        if _UNKNOWN in targets:
            label = label or "?"
        if label is None and kind == "role":
            label = f"Role: {titles[0]}" if len(titles) == 1 else f"Role: {titles[0]} or similar"
        if label is None:
            if kind == "competency":
                label = self.lexicon.competencies[targets[0]].name
            else:
                label = " or ".join(self.lexicon.label(t) for t in targets)
        return Requirement(kind, targets, float(weight), must, str(label), group)

    def _resolve_any(self, value: Any, where: str) -> tuple[str, tuple[str, ...]]:
        if not isinstance(value, str):
            raise JobDefinitionError(f"{self.source}: {where}: expected a skill or competency id")
        if value in self.lexicon.competencies:
            return "competency", (value,)
        return "skill", (self._skill(value, where),)

    def _skill(self, value: Any, where: str) -> str:
        if isinstance(value, str):
            if value in self.lexicon.skills:
                return value
            found = self.by_alias.get(value.lower())
            if found in self.lexicon.skills:
                return found
        self.errors.append(f"{self.source}: {where}: unknown skill {value!r}{self._suggest(value)}")
        return _UNKNOWN

    def _competency(self, value: Any, where: str) -> str:
        if isinstance(value, str):
            if value in self.lexicon.competencies:
                return value
            found = self.by_alias.get(value.lower())
            if found in self.lexicon.competencies:
                return found
        self.errors.append(
            f"{self.source}: {where}: unknown competency {value!r}; "
            f"competencies are {', '.join(self.lexicon.competencies)}"
        )
        return _UNKNOWN

    def _suggest(self, value: Any) -> str:
        if not isinstance(value, str):
            return ""
        pool = list(self.lexicon.skills) + list(self.lexicon.competencies)
        close = difflib.get_close_matches(
            value.lower().replace(" ", "_").replace("-", "_"), pool, n=3, cutoff=0.6
        )
        alias_close = difflib.get_close_matches(
            value.lower(), list(self.by_alias), n=3, cutoff=0.75
        )
        close += [self.by_alias[a] for a in alias_close]
        close = list(dict.fromkeys(close))[:3]
        return (
            f"; did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else "; no similar skill id"
        )


def job_from_stored(data: dict[str, Any]) -> JobDefinition:
    """Rebuild a JobDefinition from `JobDefinition.to_dict()` (as kept in the store's run log)."""
    requirements = tuple(
        Requirement(
            r["kind"],
            tuple(r["targets"]),
            float(r["weight"]),
            bool(r["must"]),
            r["label"],
            r["group"],
        )
        for r in data["requirements"]
    )
    years = data.get("min_years")
    min_years = (
        None
        if years is None
        else MinYears(float(years["years"]), float(years["weight"]), bool(years["must"]))
    )
    return JobDefinition(data["title"], requirements, min_years, data["sha256"])
