"""Load and validate the versioned skill lexicon in `skill_lexicon/`."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import LexiconError

COMPETENCY_IDS = (
    "programming",
    "ml_frameworks",
    "statistics",
    "data_preprocessing",
    "cloud_deployment",
    "deep_learning",
    "nlp",
    "data_visualization",
    "problem_solving",
    "communication_teamwork",
)
_ID = re.compile(r"^[a-z0-9_]+$")
_SKILL_COLUMNS = ("id", "name", "aliases", "competencies", "parents", "category")


@dataclass(frozen=True, slots=True)
class Competency:
    id: str
    name: str
    description: str


ANY_CASE, EXACT_CASE, IN_CONTEXT = "any_case", "exact_case", "in_context"


@dataclass(frozen=True, slots=True)
class Alias:
    """One spelling of a skill and how it may match.

    ``any_case``: case-insensitive (plain in skills.csv); ``exact_case``: written
    ``=Alias``, matches only with this capitalisation ("=Python" leaves the pet
    python alone); ``in_context``: written ``~Alias``, exact case *and* the
    context rules in context_rules.yaml ("~Go", "~R", "~Spark").
    """

    text: str
    mode: str = ANY_CASE

    @property
    def ambiguous(self) -> bool:
        return self.mode == IN_CONTEXT


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    aliases: tuple[Alias, ...]
    competencies: tuple[str, ...]
    parents: tuple[str, ...]
    category: str
    line: int


@dataclass(frozen=True, slots=True)
class ContextRules:
    before: frozenset[str]
    after: frozenset[str]
    cues: frozenset[str]
    followers: dict[str, frozenset[str]]
    # Skills whose ambiguous alias also needs a skill of one of these categories near it ("C"
    # is a language beside "Java, Python", not in a keyword list of "C, call center, closing").
    need_sibling: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Skills and competencies by id, with the family (parent) relation resolved."""

    name: str
    version: str
    competencies: dict[str, Competency]
    skills: dict[str, Skill]
    rules: ContextRules
    path: str
    ancestry: dict[str, tuple[str, ...]] = field(default_factory=dict)
    family: dict[str, frozenset[str]] = field(default_factory=dict)

    def ancestors(self, skill_id: str) -> tuple[str, ...]:
        """Families a skill belongs to, nearest first (SageMaker -> AWS)."""
        return self.ancestry.get(skill_id, ())

    def descendants(self, skill_id: str) -> frozenset[str]:
        """The skill itself and every skill that has it as an ancestor (AWS -> SageMaker, S3…)."""
        return self.family.get(skill_id, frozenset((skill_id,)))

    def label(self, some_id: str) -> str:
        if some_id in self.skills:
            return self.skills[some_id].name
        if some_id in self.competencies:
            return self.competencies[some_id].name
        return some_id


def default_lexicon_dir() -> Path:
    """`$PIPELINE_LEXICON`, else the copy shipped in the wheel, else the repo's folder."""
    env = os.environ.get("PIPELINE_LEXICON")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent  # the package folder
    for candidate in (here / "_data" / "skill_lexicon", here.parent / "skill_lexicon"):
        if (candidate / "lexicon.yaml").is_file():
            return candidate
    raise LexiconError(f"no skill lexicon found next to {here}; set PIPELINE_LEXICON")


@cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return load_lexicon(default_lexicon_dir())


def load_lexicon(directory: str | os.PathLike[str]) -> Lexicon:
    """Read and validate a lexicon folder; errors name the file and line."""
    import yaml

    directory = Path(directory)
    manifest_path = directory / "lexicon.yaml"
    manifest = _load_yaml(manifest_path, yaml)
    if not isinstance(manifest, dict) or "version" not in manifest:
        raise LexiconError(f"{manifest_path}: needs a mapping with 'version'")
    competencies = _load_competencies(directory / manifest.get("competencies", "competencies.csv"))
    skills_path = directory / manifest.get("skills", "skills.csv")
    skills = _load_skills(skills_path, competencies)
    rules_path = directory / manifest.get("context_rules", "context_rules.yaml")
    rules = _load_rules(rules_path, skills, yaml)
    return Lexicon(
        name=str(manifest.get("name", directory.name)),
        version=str(manifest["version"]),
        competencies=competencies,
        skills=skills,
        rules=rules,
        path=str(directory),
        ancestry=(ancestry := _ancestry(skills)),
        family=_families(ancestry),
    )


def _load_yaml(path: Path, yaml):
    try:
        with open(path, encoding="utf-8") as handle:
            # libyaml's loader when PyYAML has it: the same documents, several times faster.
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read ({type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise LexiconError(f"{path}{where}: invalid YAML") from None


def _rows(path: Path, columns: tuple[str, ...]):
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read ({type(exc).__name__})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise LexiconError(f"{path}:1: empty file") from None
        if tuple(h.strip() for h in header) != columns:
            raise LexiconError(f"{path}:1: header must be {','.join(columns)}")
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise LexiconError(
                    f"{path}:{start}: expected {len(columns)} columns, got {len(row)}"
                )
            yield start, dict(zip(columns, (cell.strip() for cell in row), strict=True))


def _claim(alias: Alias, sid: str, where: str, folded, exact, exact_folded) -> None:
    """Record that `alias` spells `sid`; an alias that could match two skills is an error."""
    key = alias.text.lower()
    if alias.mode == ANY_CASE:
        clashes = [folded.get(key), exact_folded.get(key)]
    else:
        clashes = [folded.get(key), exact.get(alias.text)]
    for other in clashes:
        if other is not None and other[0] != sid:
            raise LexiconError(
                f"{where}: alias {alias.text!r} of {sid!r} already belongs to "
                f"{other[0]!r} ({other[1]})"
            )
    if alias.mode == ANY_CASE:
        folded.setdefault(key, (sid, where))
    else:
        exact.setdefault(alias.text, (sid, where))
        exact_folded.setdefault(key, (sid, where))


def _parse_alias(raw: str) -> tuple[str, str]:
    if raw.startswith("~"):
        text = raw[1:].strip()
        # Acronyms and names with digits (BERT, PCA, T5) are unambiguous once the case matches.
        return text, EXACT_CASE if _acronym(text) else IN_CONTEXT
    if raw.startswith("="):
        return raw[1:].strip(), EXACT_CASE
    return raw, ANY_CASE


def _acronym(text: str) -> bool:
    return sum(ch.isupper() for ch in text) >= 2 or (
        any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text)
    )


def _default_mode(name: str) -> str:
    return ANY_CASE if len(name) > 2 else EXACT_CASE


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _load_competencies(path: Path) -> dict[str, Competency]:
    found: dict[str, Competency] = {}
    for line, row in _rows(path, ("id", "name", "description")):
        if row["id"] not in COMPETENCY_IDS:
            raise LexiconError(f"{path}:{line}: unknown competency id {row['id']!r}")
        if row["id"] in found:
            raise LexiconError(f"{path}:{line}: duplicate competency id {row['id']!r}")
        found[row["id"]] = Competency(row["id"], row["name"], row["description"])
    missing = [c for c in COMPETENCY_IDS if c not in found]
    if missing:
        raise LexiconError(f"{path}: missing competencies {', '.join(missing)}")
    return {c: found[c] for c in COMPETENCY_IDS}


def _load_skills(path: Path, competencies: dict[str, Competency]) -> dict[str, Skill]:
    skills: dict[str, Skill] = {}
    # Who owns each spelling: case-insensitive aliases by folded text; exact-case ones by text.
    folded: dict[str, tuple[str, str]] = {}
    exact: dict[str, tuple[str, str]] = {}
    exact_folded: dict[str, tuple[str, str]] = {}
    for line, row in _rows(path, _SKILL_COLUMNS):
        sid = row["id"]
        if not _ID.match(sid):
            raise LexiconError(f"{path}:{line}: skill id {sid!r} must match [a-z0-9_]+")
        if sid in skills:
            raise LexiconError(f"{path}:{line}: duplicate skill id {sid!r}")
        if not row["name"]:
            raise LexiconError(f"{path}:{line}: skill {sid!r} has no name")
        aliases: list[Alias] = []
        parsed = [_parse_alias(raw) for raw in _split(row["aliases"])]
        if any(not text for text, _ in parsed):
            raise LexiconError(f"{path}:{line}: empty alias for {sid!r}")
        if not any(text.lower() == row["name"].lower() for text, _ in parsed):
            aliases.append(Alias(row["name"], _default_mode(row["name"])))
        for text, mode in parsed:
            if len(text) <= 2 and mode == ANY_CASE:
                raise LexiconError(
                    f"{path}:{line}: short alias {text!r} of {sid!r} must be marked ~ or ="
                )
            aliases.append(Alias(text, mode))
        for alias in aliases:
            _claim(alias, sid, f"{path}:{line}", folded, exact, exact_folded)
        comps = tuple(_split(row["competencies"]))
        for comp in comps:
            if comp not in competencies:
                raise LexiconError(f"{path}:{line}: unknown competency {comp!r} for {sid!r}")
        skills[sid] = Skill(
            id=sid,
            name=row["name"],
            aliases=tuple(dict.fromkeys(aliases)),
            competencies=comps,
            parents=tuple(_split(row["parents"])),
            category=row["category"],
            line=line,
        )
    for skill in skills.values():
        for parent in skill.parents:
            if parent not in skills:
                raise LexiconError(
                    f"{path}:{skill.line}: parent {parent!r} of {skill.id!r} is not a skill"
                )
    for skill in skills.values():
        seen: set[str] = set()
        stack = list(skill.parents)
        while stack:
            current = stack.pop()
            if current == skill.id:
                raise LexiconError(f"{path}:{skill.line}: {skill.id!r} is its own ancestor")
            if current not in seen:
                seen.add(current)
                stack.extend(skills[current].parents)
    return skills


def _load_rules(path: Path, skills: dict[str, Skill], yaml) -> ContextRules:
    data = _load_yaml(path, yaml) or {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping")
    followers: dict[str, frozenset[str]] = {}
    for sid, follower_words in (data.get("followers") or {}).items():
        if sid not in skills:
            raise LexiconError(f"{path}: followers name unknown skill {sid!r}")
        followers[sid] = frozenset(str(w) for w in follower_words)

    def words(key: str, lower: bool = False) -> frozenset[str]:
        values = data.get(key) or []
        if not isinstance(values, list):
            raise LexiconError(f"{path}: {key!r} must be a list")
        return frozenset(str(v).lower() if lower else str(v) for v in values)

    # A list (a sibling of the skill's own category) or a mapping of skill to categories.
    given = data.get("need_sibling") or {}
    if isinstance(given, list):
        given = {sid: None for sid in given}
    if not isinstance(given, dict):
        raise LexiconError(f"{path}: 'need_sibling' must be a list or a mapping")
    unknown = sorted(str(sid) for sid in given if sid not in skills)
    if unknown:
        raise LexiconError(f"{path}: need_sibling names unknown skill(s) {', '.join(unknown)}")
    known = {skill.category for skill in skills.values()}
    sibling: dict[str, frozenset[str]] = {}
    for sid, categories in given.items():
        chosen = frozenset(categories or [skills[sid].category])
        if not chosen <= known:
            raise LexiconError(
                f"{path}: need_sibling of {sid!r} names unknown categories "
                f"{', '.join(sorted(chosen - known))}"
            )
        sibling[sid] = chosen
    return ContextRules(
        before=words("before"),
        after=words("after"),
        cues=words("cues", lower=True),
        followers=followers,
        need_sibling=sibling,
    )


def _families(ancestry: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = {sid: {sid} for sid in ancestry}
    for sid, ups in ancestry.items():
        for up in ups:
            members[up].add(sid)
    return {sid: frozenset(group) for sid, group in members.items()}


def _ancestry(skills: dict[str, Skill]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for sid, skill in skills.items():
        found: list[str] = []
        queue = list(skill.parents)
        while queue:
            current = queue.pop(0)
            if current not in found:
                found.append(current)
                queue.extend(skills[current].parents)
        out[sid] = tuple(found)
    return out
