"""The output files, each written by one function from records: shortlist.csv/.json, the run
report, and the `extract --json` record of a file."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import REASONS
from ..records import FileOutcome, candidate_id
from ..score.rank import rank_key
from .runreport import Duplicate, RunReport, SameApplicant
from .screener import Shortlist

if TYPE_CHECKING:
    from ..skills.lexicon import Lexicon

CSV_COLUMNS = (
    "rank",
    "file",
    "status",
    "score",
    "shortlisted",
    "disqualified",
    "met",
    "partial",
    "missing",
    "flags",
    "reason",
    "candidate_id",
    "sha256",
)


def outcome_record(outcome: FileOutcome) -> dict[str, Any]:
    """The `extract --json` record of one file."""
    record: dict[str, Any] = {
        "file": outcome.source,
        "sha256": outcome.sha256,
        "status": outcome.status,
    }
    if outcome.status != "scored" or outcome.profile is None:
        record["reason"] = outcome.reason
        record["message"] = REASONS.get(outcome.reason or "", "")
        return record
    p = outcome.profile
    record.update(
        candidate_id=p.candidate_id,
        kind=p.kind,
        engine=p.engine,
        versions={
            "parser": p.parser_version,
            "lexicon": p.lexicon_version,
            "model": p.model_version,
        },
        ocr=p.ocr,
        ocr_pages=p.ocr_pages,
        hidden_text_dropped=p.hidden_text_dropped,
        keyword_stuffing=list(p.keyword_stuffing),
        contacts=p.contacts.to_dict(),
        years_experience=p.years_experience,
        timeline=[job.to_dict() for job in p.timeline],
        education=[entry.to_dict() for entry in p.education],
        sections=list(p.sections),
        competencies={
            c.competency_id: {
                "present": c.present,
                "probability": c.probability,
                "strength": c.strength,
                "skills": list(c.skills),
                "evidence": list(c.evidence),
            }
            for c in p.competencies
        },
        skills=[
            {
                "id": hit.skill_id,
                "name": hit.name,
                "count": hit.count,
                "months": hit.months,
                "last_used": hit.last_used,
                "sections": sorted({m.section for m in hit.mentions}),
                "implied_by": list(hit.implied_by),
                "mentions": [
                    {
                        "text": m.surface,
                        "start": m.start,
                        "end": m.end,
                        "section": m.section,
                        "evidence": m.evidence,
                        **({"hedge": m.hedge} if m.hedge else {}),
                    }
                    for m in hit.mentions
                ],
            }
            for hit in p.skills
        ],
        # Wishes and negations ("would like to learn Go"): shown, never counted as skills.
        not_counted=[
            {
                "id": m.skill_id,
                "text": m.surface,
                "hedge": m.hedge,
                "start": m.start,
                "end": m.end,
                "section": m.section,
                "evidence": m.evidence,
            }
            for m in p.hedged
        ],
    )
    return record


def candidate_entry(
    outcome: FileOutcome, blind: bool = False, lexicon: Lexicon | None = None
) -> dict[str, Any]:
    """The shortlist fields of one scored candidate (no rank, file names or flags). With
    `blind`, the evidence sentences lose what identifies the candidate (text/redact.py); with
    a `lexicon`, the entry carries an interview plan for the candidate's weakest requirements
    (score/interview.py)."""
    s = outcome.scored
    p = outcome.profile
    assert s is not None and p is not None
    show = _blinder(p) if blind else (lambda text: text)
    entry = {
        "candidate_id": s.candidate_id,
        "sha256": outcome.sha256,
        "score": s.score,
        "disqualified": s.disqualified,
        "missing_must_haves": list(s.missing_must_haves),
        "years_experience": p.years_experience,
        "requirements": [
            {
                "requirement": r.requirement,
                "kind": r.kind,
                "targets": list(r.targets),
                "weight": r.weight,
                "must_have": r.must_have,
                "status": r.status,
                "matched": list(r.matched),
                "evidence": [show(e) for e in r.evidence],
            }
            for r in s.requirements
        ],
        "competencies": {
            c.competency_id: {
                "present": c.present,
                "probability": c.probability,
                "strength": c.strength,
                "evidence": [show(e) for e in c.evidence[:2]],
            }
            for c in p.competencies
        },
        "skills": [h.skill_id for h in p.skills],
        # For a person to look at; none of these changes the score.
        "flags": {
            "hidden_text_dropped": p.hidden_text_dropped,
            "keyword_stuffing": list(p.keyword_stuffing),
            "ocr": p.ocr,
        },
    }
    if lexicon is not None:
        from ..score.interview import plan_interview

        entry["interview"] = plan_interview(s, lexicon).to_dict()
    return entry


def _blinder(profile) -> Callable[[str], str]:
    from ..text.redact import identity_of, redact

    c = profile.contacts
    surfaces = [m.surface for hit in profile.skills for m in hit.mentions]
    identity = identity_of(c.name, c.emails, c.location, surfaces)
    return lambda text: redact(text, identity)


def flag_text(flags: dict[str, Any]) -> str:
    """The flags of a shortlist entry as one CSV cell, e.g. "hidden_text_dropped:12; ocr"."""
    parts = []
    if flags.get("hidden_text_dropped"):
        parts.append(f"hidden_text_dropped:{flags['hidden_text_dropped']}")
    if flags.get("keyword_stuffing"):
        parts.append("keyword_stuffing:" + ",".join(flags["keyword_stuffing"]))
    if flags.get("ocr"):
        parts.append("ocr")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A scored candidate ready for the shortlist: sort keys, CSV fields and its JSON entry
    (serialised once, when scored, so a store of 10,000 is not re-scored every night). A row
    read from the store leaves its entry there (`entry_json` None) until it is written, so a
    shortlist of 100,000 is never held in memory at once."""

    files: tuple[str, ...]
    candidate_id: str
    sha256: str
    score: float
    disqualified: bool
    met: str
    partial: str
    missing: str
    flags: str
    entry_json: str | None  # `candidate_entry()` as JSON with sorted keys (as stored)

    @classmethod
    def from_entry(cls, entry: dict[str, Any], files: tuple[str, ...]) -> CandidateRow:
        by_status = {
            status: "; ".join(
                r["requirement"] for r in entry["requirements"] if r["status"] == status
            )
            for status in ("met", "partial", "missing")
        }
        return cls(
            files=files,
            candidate_id=entry["candidate_id"],
            sha256=entry["sha256"],
            score=entry["score"],
            disqualified=entry["disqualified"],
            met=by_status["met"],
            partial=by_status["partial"],
            missing=by_status["missing"],
            flags=flag_text(entry.get("flags", {})),
            entry_json=json.dumps(entry, sort_keys=True, ensure_ascii=False),
        )

    @classmethod
    def stored(
        cls,
        files: tuple[str, ...],
        sha256: str,
        score: float,
        disqualified: bool,
        met: str,
        partial: str,
        missing: str,
        flags_json: str | None,
    ) -> CandidateRow:
        """A row from the store's columns; its entry is read when the shortlist is written."""
        flags = json.loads(flags_json) if flags_json else {}
        return cls(
            files, candidate_id(sha256), sha256, score, disqualified, met, partial, missing,
            flag_text(flags), None,
        )  # fmt: skip

    def sort_key(self) -> tuple:
        return rank_key(self.disqualified, self.score, self.candidate_id, self.files[0])

    def shortlistable(self) -> bool:
        """Only a candidate with some credit and every must-have can be shortlisted."""
        return not self.disqualified and self.score > 0


@dataclass(frozen=True, slots=True)
class FailedRow:
    file: str
    sha256: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "message": REASONS.get(self.reason, ""),
            "reason": self.reason,
            "sha256": self.sha256,
            "status": "failed",
        }


@dataclass(frozen=True, slots=True)
class RenderedShortlist:
    """A shortlist ranked and ready to write: what goes in each file, not the files' text."""

    job: dict[str, Any]
    versions: dict[str, str]
    top: int
    ranked: tuple[tuple[int, bool, CandidateRow], ...]  # (rank, shortlisted, row)
    failed: tuple[FailedRow, ...]
    duplicates: tuple[Duplicate, ...]
    counts: dict[str, int]
    ranks: dict[str, tuple[int, bool, float]]  # candidate id -> (rank, shortlisted, score)
    shortlisted: tuple[tuple[int, CandidateRow], ...]  # (rank, row) of the shortlisted
    # The stored entry of a row whose entry_json is None (the store, one row at a time).
    load_entry: Callable[[CandidateRow], str] | None = None
    # Earlier files of a ranked person (issue 12); shown only when there are some.
    same_applicant: tuple[SameApplicant, ...] = ()

    def entry_json(self, row: CandidateRow) -> str:
        if row.entry_json is not None:
            return row.entry_json
        if self.load_entry is None:
            raise ValueError(f"no entry for candidate {row.candidate_id}")
        return self.load_entry(row)


def render_shortlist(
    job: dict[str, Any],
    versions: dict[str, str],
    top: int,
    candidates: list[CandidateRow],
    failed: list[FailedRow],
    duplicates: list[Duplicate] | tuple[Duplicate, ...] = (),
    load_entry: Callable[[CandidateRow], str] | None = None,
    same_applicant: list[SameApplicant] | tuple[SameApplicant, ...] = (),
) -> RenderedShortlist:
    """Rank the candidates and decide the shortlist; `write_shortlist` writes the files."""
    ranked = sorted(candidates, key=CandidateRow.sort_key)
    shortlisted = 0
    ranks: dict[str, tuple[int, bool, float]] = {}
    rows: list[tuple[int, bool, CandidateRow]] = []
    for rank, c in enumerate(ranked, 1):
        chosen = c.shortlistable() and shortlisted < top
        shortlisted += chosen
        ranks[c.candidate_id] = (rank, chosen, c.score)
        rows.append((rank, chosen, c))
    failed_rows = tuple(sorted(failed, key=lambda f: f.file))
    duplicate_rows = tuple(sorted(duplicates, key=lambda d: d.file))
    counts = {
        "candidates": len(ranked),
        "failed": len(failed_rows),
        "duplicates": len(duplicate_rows),
        "shortlisted": shortlisted,
        "disqualified": sum(c.disqualified for c in ranked),
    }
    same_rows = tuple(sorted(same_applicant, key=lambda s: s.file))
    if same_rows:
        counts["same_applicant"] = len(same_rows)
    return RenderedShortlist(
        job=job,
        versions=versions,
        top=top,
        ranked=tuple(rows),
        failed=failed_rows,
        duplicates=duplicate_rows,
        counts=counts,
        ranks=ranks,
        shortlisted=tuple((rank, c) for rank, chosen, c in rows if chosen),
        load_entry=load_entry,
        same_applicant=same_rows,
    )


def _write_csv(rendered: RenderedShortlist, handle: IO[str]) -> None:
    """shortlist.csv: one row per entry of the folder."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def row(**values: Any) -> None:
        values.setdefault("shortlisted", "false")
        writer.writerow([_safe_cell(values.get(column, "")) for column in CSV_COLUMNS])

    for rank, chosen, c in rendered.ranked:
        row(
            rank=rank,
            file=c.files[0],
            status="scored",
            score=f"{c.score:.1f}",
            shortlisted=str(chosen).lower(),
            disqualified=str(c.disqualified).lower(),
            met=c.met,
            partial=c.partial,
            missing=c.missing,
            flags=c.flags,
            candidate_id=c.candidate_id,
            sha256=c.sha256,
        )
    for f in rendered.failed:
        row(file=f.file, status="failed", reason=f.reason, sha256=f.sha256 or "")
    for d in rendered.duplicates:
        row(
            file=d.file,
            status="duplicate",
            reason=f"duplicate_of:{d.duplicate_of}",
            sha256=d.sha256 or "",
        )
    for same in rendered.same_applicant:
        row(file=same.file, status="same_applicant", reason=same.reason(), sha256=same.sha256)


def _write_json(rendered: RenderedShortlist, handle: IO[str]) -> None:
    """shortlist.json, pretty-printed two levels deep: one top-level key per line and one
    candidate, failure or duplicate per line (compact), so it stays readable and diffable for
    large stores. Written candidate by candidate."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    earlier: dict[str, list[str]] = {}  # a ranked file -> the person's earlier files
    for same in rendered.same_applicant:
        earlier.setdefault(same.same_applicant_as, []).append(same.file)

    def candidates() -> Iterator[dict[str, Any]]:
        for rank, chosen, c in rendered.ranked:
            head: dict[str, Any] = {
                "rank": rank,
                "file": c.files[0],
                "files": list(c.files),
                "status": "scored",
                "shortlisted": chosen,
            }
            if c.files[0] in earlier:
                head["same_applicant_files"] = earlier[c.files[0]]
            yield {**head, **json.loads(rendered.entry_json(c))}

    duplicates = [
        {"duplicate_of": d.duplicate_of, "file": d.file, "sha256": d.sha256, "status": "duplicate"}
        for d in rendered.duplicates
    ]
    parts: list[tuple[str, Any]] = [
        ("job", _sorted(rendered.job)),
        ("versions", _sorted(rendered.versions)),
        ("top", rendered.top),
        ("counts", _sorted(rendered.counts)),
        ("candidates", candidates() if rendered.ranked else []),
        ("failed", [f.to_dict() for f in rendered.failed]),
        ("duplicates", duplicates),
    ]
    if rendered.same_applicant:
        parts.append(("same_applicant", [s.to_dict() for s in rendered.same_applicant]))
    handle.write("{\n")
    for i, (key, value) in enumerate(parts):
        handle.write(f"  {dumps(key)}: ")
        if isinstance(value, list) and not value:
            handle.write("[]")
        elif isinstance(value, (list, Iterator)):
            handle.write("[\n")
            for j, item in enumerate(value):
                handle.write((",\n" if j else "") + "    " + dumps(item))
            handle.write("\n  ]")
        else:
            handle.write(dumps(value))
        handle.write(",\n" if i < len(parts) - 1 else "\n")
    handle.write("}\n")


def _sorted(value: Any) -> Any:
    """A JSON value with every object's keys in sorted order."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def shortlist_record(shortlist: Shortlist) -> RenderedShortlist:
    """Render an in-memory Shortlist (library use, no store)."""
    blind = shortlist.blind
    aliases = Aliases()

    def shown(name: str, sha: str | None) -> str:
        return aliases.of(name, sha) if blind else name

    candidates = [
        CandidateRow.from_entry(
            candidate_entry(o, blind, shortlist.lexicon),
            tuple(shown(n, o.sha256) for n in shortlist.files.get(o.sha256 or "") or (o.source,)),
        )
        for o in shortlist.ranked
    ]
    failed = [
        FailedRow(shown(o.source, o.sha256), o.sha256, o.reason or "internal_error")
        for o in shortlist.failed
    ]
    duplicates = tuple(
        replace(d, file=shown(d.file, d.sha256), duplicate_of=shown(d.duplicate_of, d.sha256))
        for d in shortlist.duplicates
    )
    same = [s.with_names(shown) for s in shortlist.same_applicant]
    return render_shortlist(
        shortlist.job.to_dict(), shortlist.versions, shortlist.top, candidates, failed,
        duplicates, same_applicant=same,
    )  # fmt: skip


class Aliases:
    """File names for blind outputs: `candidate-<id>.<ext>` (a second file of the same
    applicant gets `-2`), `entry-<n>` for an entry that was never read."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.per_candidate: dict[str, int] = {}

    def of(self, name: str, sha256: str | None) -> str:
        from ..text.redact import pseudonym

        if name not in self.names:
            if sha256:
                cid = candidate_id(sha256)
                n = self.per_candidate[cid] = self.per_candidate.get(cid, 0) + 1
                alias = pseudonym(cid if n == 1 else f"{cid}-{n}", name)
            else:
                alias = f"entry-{len(self.names) + 1}"
            self.names[name] = alias
        return self.names[name]


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_shortlist(
    shortlist: Shortlist | RenderedShortlist, out_dir: str | os.PathLike[str]
) -> tuple[Path, Path]:
    """Write shortlist.csv and shortlist.json atomically; the same input gives the same bytes."""
    rendered = (
        shortlist if isinstance(shortlist, RenderedShortlist) else shortlist_record(shortlist)
    )
    out = Path(out_dir)
    make_private_dir(out)
    json_path = out / "shortlist.json"
    csv_path = out / "shortlist.csv"
    atomic_write(json_path, lambda handle: _write_json(rendered, handle))
    atomic_write(csv_path, lambda handle: _write_csv(rendered, handle))
    return csv_path, json_path


def write_matrix(
    shortlists: dict[str, Shortlist] | dict[str, RenderedShortlist], out_dir: str | os.PathLike[str]
) -> Path:
    """matrix.csv: one row per ranked candidate (candidate id, file as the shortlists show it),
    one score column per job (empty when not scored for it), and best_job: the job with the
    highest score among those whose must-haves the candidate meets (empty when none)."""
    slugs = list(shortlists)
    rows: dict[str, dict[str, Any]] = {}
    for slug, given in shortlists.items():
        rendered = given if isinstance(given, RenderedShortlist) else shortlist_record(given)
        for _rank, _chosen, c in rendered.ranked:
            row = rows.setdefault(c.candidate_id, {"file": c.files[0], "scores": {}})
            row["scores"][slug] = (c.score, c.disqualified)

    def best(scores: dict[str, tuple[float, bool]]) -> str:
        eligible = [(score, slug) for slug, (score, out) in scores.items() if not out and score > 0]
        return max(eligible, key=lambda e: (e[0], -slugs.index(e[1])))[1] if eligible else ""

    def write(handle: IO[str]) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["candidate_id", "file", *slugs, "best_job"])
        ordered = sorted(rows.items(), key=lambda kv: (kv[1]["file"], kv[0]))
        for cid, row in ordered:
            cells = []
            for slug in slugs:
                if slug not in row["scores"]:
                    cells.append("")
                    continue
                score, _out = row["scores"][slug]
                cells.append(f"{score:.1f}")
            writer.writerow([cid, _safe_cell(row["file"]), *cells, best(row["scores"])])

    out = Path(out_dir)
    make_private_dir(out)
    path = out / "matrix.csv"
    atomic_write(path, write)
    return path


def write_run_report(report: RunReport, out_dir: str | os.PathLike[str]) -> None:
    """run_report.json for programs, run_report.txt for people."""
    out = Path(out_dir)
    make_private_dir(out)
    atomic_write(
        out / "run_report.json", json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    )
    atomic_write(out / "run_report.txt", report.text())


def make_private_dir(path: Path) -> None:
    """Create an output folder readable by its owner only (it holds applicants' data)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def atomic_write(path: Path, text: str | Callable[[IO[str]], None]) -> None:
    """Write via a temporary file and rename, so readers never see half a file; mode 0600.
    `text` is the text, or a function that writes it to the open file."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            if callable(text):
                text(handle)
            else:
                handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
