"""The output files, each written by one function from records: shortlist.csv/.json, the run
report, and the `extract --json` record of a file."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import REASONS
from ..records import FileOutcome, candidate_id
from ..score.rank import min_years_label, rank_key
from .runreport import Duplicate, RunReport, SameApplicant
from .screener import Shortlist

if TYPE_CHECKING:
    from ..skills.lexicon import Lexicon

# shortlist.csv, for a spreadsheet: who, how much, where the points come from (one column per
# requirement, added after "shortlisted"), the best evidence. The long lists are in the JSON.
CSV_HEAD = ("rank", "name", "email", "years_experience", "score", "status", "shortlisted")
CSV_TAIL = (
    "top_evidence",
    "flags",
    "file",
    "reason",
    "disqualified",
    "candidate_id",
    "sha256",
)
TOP_EVIDENCE_CHARS = 200
# The shape of a shortlist entry (candidate_entry). Stored entries are kept per job under
# score_key(); a new shape gets a new key, so a store re-scores its profiles (no re-parsing)
# instead of writing entries without the new fields. 2: points, key_skills, contact.
ENTRY_FORMAT = 2


def score_key(job_sha256: str, blind: bool) -> str:
    """The key a candidate's stored score and entry are kept under, for a job."""
    return job_sha256 + (":blind" if blind else "") + f":e{ENTRY_FORMAT}"


def score_keys_ever(job_sha256: str, blind: bool) -> tuple[str, ...]:
    """The keys a run may have used for a job: the current one and those of earlier formats
    (format 1 had no suffix), newest first."""
    base = job_sha256 + (":blind" if blind else "")
    return (*(f"{base}:e{n}" for n in range(ENTRY_FORMAT, 1, -1)), base)


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
    total = sum(r.weight for r in s.requirements) or 1.0
    entry: dict[str, Any] = {
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
                "credit": r.credit,
                # The requirement's share of the 0-100 score: weight x credit / total weight.
                "points": round(100 * r.weight * r.credit / total, 1),
                "max_points": round(100 * r.weight / total, 1),
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
        "key_skills": _key_skills(p, s),
        # For a person to look at; none of these changes the score.
        "flags": {
            "hidden_text_dropped": p.hidden_text_dropped,
            "keyword_stuffing": list(p.keyword_stuffing),
            "ocr": p.ocr,
        },
    }
    if not blind:  # for contacting the candidate; a blind entry has none
        entry["contact"] = {
            "name": p.contacts.name,
            "email": p.contacts.emails[0] if p.contacts.emails else None,
            "phone": p.contacts.phones[0] if p.contacts.phones else None,
        }
    if lexicon is not None:
        from ..score.interview import plan_interview

        entry["interview"] = plan_interview(s, lexicon).to_dict()
    return entry


def _key_skills(profile, scored) -> list[dict[str, Any]]:
    """The skills the requirements rest on, with months of use and the year last used (from
    the job timeline; None when no dated job mentions the skill)."""
    named = {name for r in scored.requirements if r.kind != "role" for name in r.matched}
    hits = [h for h in profile.skills if h.name in named and h.mentions]
    hits.sort(key=lambda h: (-(h.months or 0), h.name.lower()))
    return [{"skill": h.name, "months": h.months, "last_used": h.last_used} for h in hits]


def _blinder(profile) -> Callable[[str], str]:
    from ..text.redact import identity_of, redact

    c = profile.contacts
    surfaces = [m.surface for hit in profile.skills for m in hit.mentions]
    identity = identity_of(c.name, c.emails, c.location, surfaces)
    return lambda text: redact(text, identity)


def flag_list(flags: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, words for a person) of each flag a shortlist entry raises, e.g.
    ("hidden_text_dropped:12", "hidden text dropped: 12 words")."""
    out = []
    if dropped := flags.get("hidden_text_dropped"):
        out.append((f"hidden_text_dropped:{dropped}", f"hidden text dropped: {dropped} words"))
    if stuffed := flags.get("keyword_stuffing"):
        out.append(
            ("keyword_stuffing:" + ",".join(stuffed), "keyword stuffing: " + ", ".join(stuffed))
        )
    if flags.get("ocr"):
        out.append(("ocr", "read by OCR"))
    return out


def flag_text(flags: dict[str, Any]) -> str:
    """The flags of a shortlist entry as one CSV cell, e.g. "hidden_text_dropped:12; ocr"."""
    return "; ".join(code for code, _ in flag_list(flags))


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

    def other_files(self) -> dict[str, list[SameApplicant]]:
        """A ranked file -> the same person's other files (same_applicant), in file order."""
        out: dict[str, list[SameApplicant]] = {}
        for same in self.same_applicant:
            out.setdefault(same.same_applicant_as, []).append(same)
        return out

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


def requirement_columns(job: dict[str, Any]) -> list[tuple[str, str]]:
    """(requirement label, CSV column) of each requirement of a job's dict, in job order; the
    column says the most points it can give, e.g. "Python or R (max 8.6)"."""
    labels = [(r["label"], float(r["weight"])) for r in job.get("requirements", ())]
    min_years = job.get("min_years")
    if min_years:
        labels.append((min_years_label(min_years["years"]), float(min_years["weight"])))
    total = sum(w for _, w in labels) or 1.0
    return [(label, f"{label} (max {100 * w / total:.1f})") for label, w in labels]


class _CsvWriter:
    """shortlist.csv: one row per entry of the folder."""

    def __init__(self, rendered: RenderedShortlist, handle: IO[str]) -> None:
        self.requirements = requirement_columns(rendered.job)
        self.columns = (*CSV_HEAD, *(c for _, c in self.requirements), *CSV_TAIL)
        self.writer = csv.writer(handle, lineterminator="\n")
        self.writer.writerow(self.columns)

    def row(self, **values: Any) -> None:
        values.setdefault("shortlisted", "false")
        self.writer.writerow([_safe_cell(values.get(column, "")) for column in self.columns])

    def candidate(self, rank: int, chosen: bool, c: CandidateRow, entry: dict[str, Any]) -> None:
        contact = entry.get("contact") or {}
        years = entry.get("years_experience")
        points = {r["requirement"]: r["points"] for r in entry["requirements"] if "points" in r}
        self.row(
            rank=rank,
            name=contact.get("name") or "",
            email=contact.get("email") or "",
            years_experience="" if years is None else f"{years:g}",
            score=f"{c.score:.1f}",
            status="scored",
            shortlisted=str(chosen).lower(),
            top_evidence=top_evidence(entry),
            flags=c.flags,
            file=c.files[0],
            disqualified=str(c.disqualified).lower(),
            candidate_id=c.candidate_id,
            sha256=c.sha256,
            **{
                column: f"{points[label]:.1f}"
                for label, column in self.requirements
                if label in points
            },
        )

    def rest(self, rendered: RenderedShortlist) -> None:
        for f in rendered.failed:
            self.row(file=f.file, status="failed", reason=f.reason, sha256=f.sha256 or "")
        for d in rendered.duplicates:
            self.row(
                file=d.file,
                status="duplicate",
                reason=f"duplicate_of:{d.duplicate_of}",
                sha256=d.sha256 or "",
            )
        for same in rendered.same_applicant:
            self.row(
                file=same.file, status="same_applicant", reason=same.reason(), sha256=same.sha256
            )


def top_evidence(entry: dict[str, Any]) -> str:
    """The evidence sentence of the requirement that earned the most points (not the years
    line; the job title only when nothing else is shown), cut to TOP_EVIDENCE_CHARS."""
    shown = [r for r in entry["requirements"] if r["kind"] != "min_years" and r["evidence"]]
    # A sentence of the resume says more than "job title: ...", so the role comes last.
    shown = [r for r in shown if r["kind"] != "role"] or shown
    best = max(
        shown,
        key=lambda r: r.get("points", r["weight"] if r["status"] == "met" else 0),
        default=None,
    )
    if best is None:
        return ""
    text = " ".join(best["evidence"][0].split())
    return text if len(text) <= TOP_EVIDENCE_CHARS else text[: TOP_EVIDENCE_CHARS - 1] + "…"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _JsonWriter:
    """shortlist.json, pretty-printed two levels deep: one top-level key per line and one
    candidate, failure or duplicate per line (compact), so it stays readable and diffable for
    large stores. Written candidate by candidate."""

    def __init__(self, rendered: RenderedShortlist, handle: IO[str]) -> None:
        self.handle = handle
        self.first = True
        self.earlier = rendered.other_files()
        handle.write("{\n")
        for key, value in (
            ("job", _sorted(rendered.job)),
            ("versions", _sorted(rendered.versions)),
            ("top", rendered.top),
            ("counts", _sorted(rendered.counts)),
        ):
            handle.write(f"  {_dumps(key)}: {_dumps(value)},\n")
        handle.write('  "candidates": ' + ("[\n" if rendered.ranked else "[]"))

    def candidate(self, rank: int, chosen: bool, c: CandidateRow, entry: dict[str, Any]) -> None:
        head: dict[str, Any] = {
            "rank": rank,
            "file": c.files[0],
            "files": list(c.files),
            "status": "scored",
            "shortlisted": chosen,
        }
        if c.files[0] in self.earlier:
            head["same_applicant_files"] = [same.file for same in self.earlier[c.files[0]]]
        self.handle.write(("" if self.first else ",\n") + "    " + _dumps({**head, **entry}))
        self.first = False

    def rest(self, rendered: RenderedShortlist) -> None:
        if rendered.ranked:
            self.handle.write("\n  ]")
        duplicates = [
            {
                "duplicate_of": d.duplicate_of,
                "file": d.file,
                "sha256": d.sha256,
                "status": "duplicate",
            }
            for d in rendered.duplicates
        ]
        parts = [
            ("failed", [f.to_dict() for f in rendered.failed]),
            ("duplicates", duplicates),
        ]
        if rendered.same_applicant:  # earlier files of a ranked person (only when some)
            parts.append(("same_applicant", [s.to_dict() for s in rendered.same_applicant]))
        for key, items in parts:
            self.handle.write(f",\n  {_dumps(key)}: ")
            if items:
                self.handle.write("[\n" + ",\n".join("    " + _dumps(i) for i in items) + "\n  ]")
            else:
                self.handle.write("[]")
        self.handle.write("\n}\n")


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
    """Write shortlist.csv, shortlist.json and report.html atomically, reading each
    candidate's entry once; the same input gives the same bytes. Returns the CSV and JSON
    paths (the report is beside them)."""
    from .html_report import HtmlReport

    rendered = (
        shortlist if isinstance(shortlist, RenderedShortlist) else shortlist_record(shortlist)
    )
    out = Path(out_dir)
    make_private_dir(out)
    json_path = out / "shortlist.json"
    csv_path = out / "shortlist.csv"

    def write(json_handle: IO[str], csv_handle: IO[str], html_handle: IO[str]) -> None:
        writers = (_JsonWriter(rendered, json_handle), _CsvWriter(rendered, csv_handle))
        html = HtmlReport(rendered)
        for rank, chosen, c in rendered.ranked:
            entry = json.loads(rendered.entry_json(c))
            for w in writers:
                w.candidate(rank, chosen, c, entry)
            html.candidate(rank, chosen, c, entry)
        for w in writers:
            w.rest(rendered)
        html.write(html_handle)

    atomic_write_all((json_path, csv_path, out / "report.html"), write)
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


def atomic_write_all(paths: tuple[Path, ...], write: Callable[..., None]) -> None:
    """Write several files at once with `write(handle, ...)` (one open handle per path, in
    order), each via a temporary file renamed into place when all are written."""
    if not paths:
        write()
        return
    first, rest = paths[0], paths[1:]

    def inner(handle: IO[str]) -> None:
        atomic_write_all(rest, lambda *handles: write(handle, *handles))

    atomic_write(first, inner)


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
