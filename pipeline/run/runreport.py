"""What one nightly run did, as typed records: written to run_report.json/.txt, kept in the store,
printed by `report`. No resume text: files are named by name and id only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from ..records import candidate_id


@dataclass(frozen=True, slots=True)
class NewCandidate:
    """An applicant first screened since the last run whose outputs were written."""

    candidate_id: str
    sha256: str
    file: str
    rank: int
    score: float
    shortlisted: bool


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A file with the same bytes as another one (`duplicate_of`, the one seen first)."""

    file: str
    duplicate_of: str
    sha256: str


@dataclass(frozen=True, slots=True)
class SameApplicant:
    """A file of a person who has a later file in the folder (`same_applicant_as`, the one
    ranked): linked by a shared `email` or `phone`, or by near-identical `text` (with the
    estimated Jaccard `similarity`), directly or through the file `via`. The contact itself is
    never written here."""

    file: str
    same_applicant_as: str
    sha256: str
    basis: str  # "email", "phone" or "text"
    similarity: float | None = None
    via: str | None = None
    same_applicant_as_sha256: str | None = None  # so erasing either file removes the line
    via_sha256: str | None = None

    def with_names(self, alias: Callable[[str, str | None], str]) -> SameApplicant:
        """The record with its file names replaced by `alias(name, sha256)` (blind outputs)."""
        return replace(
            self,
            file=alias(self.file, self.sha256),
            same_applicant_as=alias(self.same_applicant_as, self.same_applicant_as_sha256),
            via=alias(self.via, self.via_sha256) if self.via else None,
        )

    def reason(self) -> str:
        """One line for the CSV's reason cell and the text report."""
        basis = self.basis if self.similarity is None else f"{self.basis} {self.similarity:.2f}"
        via = f" via {self.via}" if self.via else ""
        return f"same_applicant_as:{self.same_applicant_as} ({basis}{via})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "file": self.file,
            "same_applicant_as": self.same_applicant_as,
            "same_applicant_as_sha256": self.same_applicant_as_sha256,
            "sha256": self.sha256,
            "similarity": self.similarity,
            "status": "same_applicant",
            "via": self.via,
            "via_sha256": self.via_sha256,
        }


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that ended failed. `first_time` is False for a failure already reported by an
    earlier run (it is counted, but does not fail the run again)."""

    file: str
    sha256: str | None  # None when the entry was refused before it was read
    reason: str
    first_time: bool = True

    @property
    def candidate_id(self) -> str | None:
        return candidate_id(self.sha256) if self.sha256 else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "sha256": self.sha256, "reason": self.reason}
        if self.sha256:
            out["candidate_id"] = self.candidate_id
        out["first_time"] = self.first_time
        return out


@dataclass(frozen=True, slots=True)
class Updated:
    """A file whose content changed under the same name: the new version supersedes the old."""

    file: str
    sha256: str
    previous_sha256: str


@dataclass(frozen=True, slots=True)
class Removed:
    """A file gone from the folder: its applicant leaves the shortlist (the store keeps it
    until `forget` or retention)."""

    file: str
    sha256: str | None


@dataclass(frozen=True, slots=True)
class RunCounts:
    entries: int = 0  # entries of the folder
    new: int = 0  # applicants parsed and scored for the first time
    unchanged: int = 0  # entries already in the store at these versions
    updated: int = 0
    removed: int = 0
    duplicates: int = 0
    same_applicant: int = 0  # earlier files of a person whose latest file is ranked
    failed: int = 0  # failures reported for the first time (these make the exit code 1)
    known_failures: int = 0  # failures already reported by an earlier run
    retried: int = 0
    rescored: int = 0
    poison: int = 0
    candidates: int = 0  # ranked in the shortlist (applicants of the folder as it is now)
    candidates_in_store: int = 0  # every scored applicant kept, including former files
    shortlisted: int = 0


@dataclass(frozen=True, slots=True)
class RunReport:
    run: int
    started: str
    input_dir: str
    job_title: str
    job_sha256: str
    versions: dict[str, str]
    counts: RunCounts
    previous_run: dict[str, Any] | None = None
    new_since_last_run: tuple[NewCandidate, ...] = ()
    updated: tuple[Updated, ...] = ()
    removed: tuple[Removed, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    same_applicant: tuple[SameApplicant, ...] = ()
    failed: tuple[Failure, ...] = ()  # first-time and known, sorted by file name
    poison: tuple[str, ...] = ()  # sha256 of files that crashed two runs
    outputs_written: bool = field(default=True, compare=False)
    # Who and what ran it (user, host, command, package version), for the decision log.
    ran_by: dict[str, str] = field(default_factory=dict, compare=False)
    blind: bool = False  # outputs name files by candidate id (the store keeps the names)

    @property
    def new_failures(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failed if f.first_time)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "started": self.started,
            "previous_run": self.previous_run,
            "input_dir": self.input_dir,
            "job": {"title": self.job_title, "sha256": self.job_sha256},
            "versions": dict(self.versions),
            "counts": asdict(self.counts),
            "new_since_last_run": [asdict(n) for n in self.new_since_last_run],
            "updated": [asdict(u) for u in self.updated],
            "removed": [asdict(r) for r in self.removed],
            "duplicates": [asdict(d) for d in self.duplicates],
            "same_applicant": [s.to_dict() for s in self.same_applicant],
            "failed": [f.to_dict() for f in self.failed],
            "poison": [{"sha256": sha, "candidate_id": candidate_id(sha)} for sha in self.poison],
            "ran_by": dict(self.ran_by),
            "blind": self.blind,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunReport:
        """Read a stored report (reports of older versions lack some keys: they default)."""
        known = {f.name for f in fields(RunCounts)}
        counts = RunCounts(**{k: v for k, v in data.get("counts", {}).items() if k in known})
        return cls(
            run=data["run"],
            started=data["started"],
            input_dir=data.get("input_dir", ""),
            job_title=data["job"]["title"],
            job_sha256=data["job"]["sha256"],
            versions=data.get("versions", {}),
            counts=counts,
            previous_run=data.get("previous_run"),
            new_since_last_run=tuple(NewCandidate(**n) for n in data.get("new_since_last_run", [])),
            updated=tuple(Updated(**u) for u in data.get("updated", [])),
            removed=tuple(Removed(**r) for r in data.get("removed", [])),
            duplicates=tuple(Duplicate(**d) for d in data.get("duplicates", [])),
            same_applicant=tuple(
                SameApplicant(**{k: v for k, v in s.items() if k != "status"})
                for s in data.get("same_applicant", [])
            ),
            failed=tuple(
                Failure(f["file"], f.get("sha256"), f["reason"], f.get("first_time", True))
                for f in data.get("failed", [])
            ),
            poison=tuple(p["sha256"] for p in data.get("poison", [])),
            ran_by=data.get("ran_by", {}),
            blind=bool(data.get("blind", False)),
        )

    def with_names(self, alias: Callable[[str, str | None], str]) -> RunReport:
        """The report with every file name replaced by `alias(name, sha256)` (blind outputs)."""
        return replace(
            self,
            new_since_last_run=tuple(
                replace(n, file=alias(n.file, n.sha256)) for n in self.new_since_last_run
            ),
            updated=tuple(replace(u, file=alias(u.file, u.sha256)) for u in self.updated),
            removed=tuple(replace(r, file=alias(r.file, r.sha256)) for r in self.removed),
            duplicates=tuple(
                replace(
                    d, file=alias(d.file, d.sha256), duplicate_of=alias(d.duplicate_of, d.sha256)
                )
                for d in self.duplicates
            ),
            same_applicant=tuple(s.with_names(alias) for s in self.same_applicant),
            failed=tuple(replace(f, file=alias(f.file, f.sha256)) for f in self.failed),
        )

    def summary_text(self) -> str:
        """What the run did, for people (no list of new candidates)."""
        c = self.counts
        lines = [
            f"Run {self.run} started {self.started} for job {self.job_title!r} "
            f"({self.job_sha256[:12]})",
            f"  entries {c.entries}: new {c.new}, unchanged {c.unchanged}, updated {c.updated}, "
            f"removed {c.removed}, duplicates {c.duplicates}, same applicant {c.same_applicant}, "
            f"failed {c.failed} "
            f"(+{c.known_failures} known), re-scored {c.rescored}, retried {c.retried}, "
            f"poison {c.poison}",
            f"  candidates {c.candidates} (in store {c.candidates_in_store}), "
            f"shortlisted {c.shortlisted}",
        ]
        for f in self.failed:
            known = "" if f.first_time else " (known)"
            lines.append(f"  failed  {f.file}: {f.reason}{known}")
        for u in self.updated:
            lines.append(f"  updated  {u.file}")
        for r in self.removed:
            lines.append(f"  removed  {r.file}")
        for d in self.duplicates:
            lines.append(f"  duplicate  {d.file} = {d.duplicate_of}")
        for s in self.same_applicant:
            lines.append(f"  same applicant  {s.file}: {s.reason()}")
        return "\n".join(lines) + "\n"

    def new_text(self) -> str:
        """The applicants new since the last run whose outputs were written, by rank."""
        lines = [f"New since last run ({len(self.new_since_last_run)}):"]
        for r in self.new_since_last_run:
            flag = "shortlisted" if r.shortlisted else ""
            lines.append(f"  #{r.rank:<4} {r.score:5.1f}  {r.file}  {flag}".rstrip())
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        return self.summary_text() + self.new_text()
