"""Orchestration: files → profiles → scores → a ranked, explained shortlist."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import ParseError
from ..records import Document, FileOutcome, Profile, ScoredCandidate

if TYPE_CHECKING:
    from ..score.job import JobDefinition
    from ..skills.classify import CompetencyModel
    from ..skills.lexicon import Lexicon
    from .runreport import Duplicate, SameApplicant

log = logging.getLogger("pipeline")


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}


def display_name(path: Path) -> str:
    """A file name safe to print, log and write to CSV/JSON: valid UTF-8, with undecodable
    bytes and control characters (terminal escapes, newlines) shown as \\xNN."""
    raw = os.fsencode(path.name)
    return raw.decode("utf-8", errors="backslashreplace").translate(_CONTROL)


def list_inputs(directory: str | os.PathLike[str]) -> list[Path]:
    """Every entry of a folder (not recursive), in a stable order; nothing is skipped."""
    directory = Path(directory)
    with os.scandir(directory) as entries:
        return sorted((Path(e.path) for e in entries), key=lambda p: os.fsencode(p.name))


@dataclass(frozen=True)
class Shortlist:
    """Ranked scored candidates, the failed files, the duplicates, and what produced them.
    Each input entry is in exactly one of `ranked` (under its first file), `failed`,
    `duplicates` (same bytes as an earlier file) and `same_applicant` (an earlier file of a
    person whose latest file is ranked; see understand/applicants.py)."""

    job: JobDefinition
    ranked: tuple[FileOutcome, ...]
    failed: tuple[FileOutcome, ...]
    top: int
    versions: dict[str, str]
    duplicates: tuple[Duplicate, ...] = ()
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sha256 -> its file names
    blind: bool = False  # outputs hide names, contacts and gender cues (see text/redact.py)
    lexicon: Lexicon | None = None  # for the interview plans of the shortlist entries
    same_applicant: tuple[SameApplicant, ...] = ()

    def shortlisted(self) -> list[FileOutcome]:
        return [o for o in self.ranked if is_shortlisted(o, self.ranked, self.top)]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "entries": len(self.ranked) + len(self.failed),
            "scored": len(self.ranked),
            "failed": len(self.failed),
            "shortlisted": len(self.shortlisted()),
            **({"same_applicant": len(self.same_applicant)} if self.same_applicant else {}),
        }


def is_shortlisted(outcome: FileOutcome, ranked: tuple[FileOutcome, ...], top: int) -> bool:
    """Shortlisted: among the first `top` candidates with every must-have and some credit."""
    eligible = [
        o
        for o in ranked
        if o.scored is not None and not o.scored.disqualified and o.scored.score > 0
    ][:top]
    return any(o is outcome for o in eligible)


class Screener:
    """Screen resumes against a job.

    >>> screener = Screener(load_job("examples/jobs/ml-engineer.yaml"))
    >>> shortlist = screener.screen(list_inputs("examples/resumes"))

    The lexicon and the spaCy matcher load on first use, once per Screener;
    pass `lexicon=` to use another one (tests pass small ones).
    """

    def __init__(
        self,
        job: JobDefinition | None = None,
        *,
        lexicon: Lexicon | None = None,
        pdf_engine: str = "pdfium",
        docx_engine: str = "lxml",
        top: int = 10,
        as_of: date | None = None,
        model: CompetencyModel | Literal["default"] | None = "default",
        ocr: bool = True,
        blind: bool = False,
    ) -> None:
        self.job = job
        self.ocr = ocr
        # Blind review: outputs name files by candidate id and take names, contacts, ages and
        # gender cues out of the evidence they show. Scores are the same either way.
        self.blind = blind
        self._lexicon = lexicon
        self.pdf_engine = pdf_engine
        self.docx_engine = docx_engine
        self.top = top
        self.as_of = as_of
        self._matcher = None
        self._model = model  # "default": the shipped model if any; None: matcher only
        self.model_dir: Path | None = None
        if model == "default":
            # Which model is decided now, once: a model folder added while this Screener
            # lives (or before its workers start) changes nothing about this run.
            from ..skills.classify import default_model_dir

            self.model_dir = default_model_dir()
            if self.model_dir is None:
                self._model = None

    @property
    def lexicon(self):
        if self._lexicon is None:
            from ..skills.lexicon import default_lexicon

            self._lexicon = default_lexicon()
        return self._lexicon

    @property
    def matcher(self):
        if self._matcher is None:
            from ..skills.matcher import SkillMatcher

            self._matcher = SkillMatcher(self.lexicon)
        return self._matcher

    @property
    def model(self):
        """The competency classifier (loaded on first use, once per process), or None."""
        if self._model == "default":
            from ..skills.classify import cached_model

            assert self.model_dir is not None
            self._model = cached_model(str(self.model_dir))
        return self._model

    @property
    def model_version(self) -> str:
        """The model's version, read from its meta.json when it has not been loaded here
        (a supervisor whose workers do the parsing need not load the model at all)."""
        if self._model == "default":
            import json

            assert self.model_dir is not None
            meta = (self.model_dir / "meta.json").read_text(encoding="utf-8")
            return str(json.loads(meta)["version"])
        return self.model.version if self.model is not None else "none"

    @property
    def versions(self) -> dict[str, str]:
        from ..read import PARSER_VERSION
        from ..version import __version__

        return {
            "package": __version__,
            "parser": PARSER_VERSION,
            "lexicon": self.lexicon.version,
            "model": self.model_version,
            "pdf_engine": self.pdf_engine,
            "docx_engine": self.docx_engine,
        }

    def profile_of(self, document: Document) -> Profile:
        """The profile `extract` builds from a parsed document (skills, competencies, ...)."""
        from ..read import PARSER_VERSION
        from ..skills.profile import build_profile

        return build_profile(
            document, self.matcher, self.lexicon, PARSER_VERSION, as_of=self.as_of, model=self.model
        )

    def extract(self, path: str | os.PathLike[str]) -> FileOutcome:
        """Parse one file and build its profile; failures come back as outcomes, never raised."""
        from ..read import parse_source
        from ..read.source import read_source

        path = Path(path)
        name = display_name(path)
        sha256 = None
        try:
            source = read_source(path)  # the bytes read once: hashed and parsed
            sha256 = source.sha256
            document = parse_source(
                source, pdf_engine=self.pdf_engine, docx_engine=self.docx_engine, ocr=self.ocr
            )
        except ParseError as exc:
            log.info("failed %s: %s", name, exc.reason)
            return FileOutcome(name, sha256, "failed", reason=exc.reason, detail=exc.detail)
        except Exception as exc:  # a parser bug must not stop the batch; no message (may hold text)
            log.warning("failed %s: internal_error (%s)", name, type(exc).__name__)
            return FileOutcome(
                name, sha256, "failed", reason="internal_error", detail=type(exc).__name__
            )
        try:
            profile = self.profile_of(document)
        except Exception as exc:
            log.warning("failed %s: internal_error (%s)", name, type(exc).__name__)
            return FileOutcome(
                name, document.sha256, "failed", reason="internal_error", detail=type(exc).__name__
            )
        profile = _renamed(profile, name)
        return FileOutcome(name, document.sha256, "scored", profile=profile)

    def score(self, outcome: FileOutcome, job: JobDefinition | None = None) -> FileOutcome:
        """The outcome scored against `job` (default: this Screener's job); an outcome without
        a profile, or with no job at all, is returned as it is."""
        from ..score.rank import score_profile

        job = job or self.job
        if outcome.profile is None or job is None:
            return outcome
        scored = score_profile(outcome.profile, job, self.lexicon)
        return FileOutcome(
            outcome.source, outcome.sha256, outcome.status, outcome.profile, scored=scored
        )

    def screen(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        progress: Callable[[FileOutcome], None] | None = None,
    ) -> Shortlist:
        """Extract and score every entry of a folder, or every path of an iterable; each ends
        ranked, failed, as the duplicate of an earlier file with the same bytes, or as the same
        applicant as a later file of the same person (the later one is ranked)."""
        if self.job is None:
            raise ValueError("Screener.screen needs a job definition")
        return self.screen_jobs(paths, {"job": self.job}, progress)["job"]

    def screen_jobs(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        jobs: dict[str, JobDefinition],
        progress: Callable[[FileOutcome], None] | None = None,
    ) -> dict[str, Shortlist]:
        """`screen` for several jobs, each file parsed once: {name: Shortlist} in the order of
        `jobs` (`write_matrix` writes the candidates x jobs scores of the result)."""
        from ..score.rank import rank_key
        from .runreport import Duplicate

        if not jobs:
            raise ValueError("Screener.screen_jobs needs at least one job definition")
        if isinstance(paths, str | bytes | os.PathLike):
            if not Path(os.fsdecode(paths)).is_dir():
                raise TypeError(
                    "Screener.screen takes a folder or an iterable of paths, not one file "
                    "(use Screener.extract for a single file, or pass [path])"
                )
            paths = list_inputs(os.fsdecode(paths))
        parsed: list[FileOutcome] = []
        failed: list[FileOutcome] = []
        duplicates: list[Duplicate] = []
        files: dict[str, list[str]] = {}
        mtimes: dict[int, int] = {}  # id(outcome) -> modification time, for the latest file
        for path in paths:
            outcome = self.extract(path)
            if self.job is not None:
                outcome = self.score(outcome)  # progress sees a scored outcome, as before
            mtimes[id(outcome)] = _mtime_ns(path)
            if outcome.sha256 is not None and outcome.sha256 in files:
                files[outcome.sha256].append(outcome.source)
                duplicates.append(
                    Duplicate(outcome.source, files[outcome.sha256][0], outcome.sha256)
                )
            elif outcome.status == "scored":
                parsed.append(outcome)
            else:
                failed.append(outcome)
            if outcome.sha256 is not None:
                files.setdefault(outcome.sha256, [outcome.source])
            if progress is not None:
                progress(outcome)

        def rank(o: FileOutcome) -> tuple:
            assert o.scored is not None
            return rank_key(o.scored.disqualified, o.scored.score, o.scored.candidate_id, o.source)

        kept, same = same_applicants(parsed, lambda o: mtimes[id(o)])
        failed.sort(key=lambda o: o.source)
        shortlists = {}
        for name, job in jobs.items():
            reuse = job is self.job  # screen(): scored as they were extracted
            scored = [o if reuse and o.scored else self.score(o, job) for o in kept]
            shortlists[name] = Shortlist(
                job,
                tuple(sorted(scored, key=rank)),
                tuple(failed),
                self.top,
                self.versions,
                tuple(duplicates),
                {sha: tuple(names) for sha, names in files.items()},
                self.blind,
                self.lexicon,
                tuple(same),
            )
        return shortlists


def same_applicants(
    outcomes: list[FileOutcome], mtime_ns: Callable[[FileOutcome], int]
) -> tuple[list[FileOutcome], list[SameApplicant]]:
    """Group scored outcomes of one person (understand/applicants.py): the latest file of each
    group (modification time, then name) stays; each other is returned as a SameApplicant."""
    from ..understand.applicants import Applicant, group_applicants
    from .runreport import SameApplicant

    applicants = []
    for index, o in enumerate(outcomes):
        assert o.profile is not None
        c = o.profile.contacts
        order = (mtime_ns(o), os.fsencode(o.source))
        applicants.append(Applicant(index, c.emails, c.phones, o.profile.text_signature, order))
    by_key: dict[Hashable, FileOutcome] = dict(enumerate(outcomes))
    dropped: set[Hashable] = set()
    same: list[SameApplicant] = []
    for group in group_applicants(applicants):
        latest = by_key[group.latest]
        for key, link in group.others:
            o = by_key[key]
            dropped.add(key)
            via = by_key[link.via] if link.via is not None else None
            assert o.sha256 is not None
            same.append(
                SameApplicant(
                    o.source,
                    latest.source,
                    o.sha256,
                    link.basis,
                    link.similarity,
                    via.source if via else None,
                    latest.sha256,
                    via.sha256 if via else None,
                )
            )
    kept = [o for i, o in enumerate(outcomes) if i not in dropped]
    return kept, sorted(same, key=lambda s: s.file)


def _mtime_ns(path: str | os.PathLike[str]) -> int:
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return 0


def _renamed(profile, name: str):
    return replace(profile, source=name)


__all__ = ["ScoredCandidate", "Screener", "Shortlist", "display_name", "list_inputs"]
