"""Write shortlists (CSV + JSON) and per-file extraction records (JSON Lines)."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import REASONS
from ..records import FileOutcome
from ..score.rank import rank_key
from .screener import Shortlist

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
        contacts=p.contacts,
        years_experience=p.years_experience,
        timeline=list(p.timeline),
        education=list(p.education),
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
                    }
                    for m in hit.mentions
                ],
            }
            for hit in p.skills
        ],
    )
    return record


def candidate_entry(outcome: FileOutcome) -> dict[str, Any]:
    """The shortlist fields of one scored candidate (no rank, file names or flags)."""
    s = outcome.scored
    p = outcome.profile
    assert s is not None and p is not None
    return {
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
                "evidence": list(r.evidence),
            }
            for r in s.requirements
        ],
        "competencies": {
            c.competency_id: {
                "present": c.present,
                "probability": c.probability,
                "strength": c.strength,
                "evidence": list(c.evidence[:2]),
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


_NO_FLAGS = '"flags": {"hidden_text_dropped": 0, "keyword_stuffing": [], "ocr": false}'


def flag_text_of_entry(entry_json_text: str) -> str:
    """flag_text() of a stored entry, without decoding the JSON when nothing is flagged."""
    if _NO_FLAGS in entry_json_text or '"flags"' not in entry_json_text:
        return ""
    return flag_text(json.loads(entry_json_text)["flags"])


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
    (serialised once, when scored, so a store of 10,000 is not re-encoded every night)."""

    files: tuple[str, ...]
    candidate_id: str
    sha256: str
    score: float
    disqualified: bool
    met: str
    partial: str
    missing: str
    flags: str
    entry_json: str

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
            entry_json=entry_json(entry),
        )

    def sort_key(self) -> tuple:
        return rank_key(self.disqualified, self.score, self.candidate_id, self.files[0])


def entry_json(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class RenderedShortlist:
    json_text: str
    csv_text: str
    counts: dict[str, int]
    ranks: dict[str, tuple[int, bool, float]]  # candidate id -> (rank, shortlisted, score)
    shortlisted: tuple[tuple[int, CandidateRow], ...]  # (rank, row) of the shortlisted


def render_shortlist(
    job: dict[str, Any],
    versions: dict[str, str],
    top: int,
    candidates: list[CandidateRow],
    failed: list[dict[str, Any]],
    duplicates: list[dict[str, Any]] = (),
) -> RenderedShortlist:
    """shortlist.json and shortlist.csv, with one place for every input file name.

    `failed` rows have file, sha256, reason; `duplicates` rows have file,
    duplicate_of, sha256 (the same bytes under another name). The JSON holds one
    candidate per line, so it stays readable and fast to write for large stores.
    """
    ranked = sorted(candidates, key=CandidateRow.sort_key)
    failed_rows = [
        {
            "file": f["file"],
            "status": "failed",
            "sha256": f.get("sha256"),
            "reason": f["reason"],
            "message": REASONS.get(f["reason"], ""),
        }
        for f in sorted(failed, key=lambda f: f["file"])
    ]
    duplicate_rows = [
        {
            "file": d["file"],
            "status": "duplicate",
            "duplicate_of": d["duplicate_of"],
            "sha256": d.get("sha256"),
        }
        for d in sorted(duplicates, key=lambda d: d["file"])
    ]
    lines: list[str] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def row(**values: Any) -> None:
        values.setdefault("shortlisted", "false")
        writer.writerow([_safe_cell(values.get(column, "")) for column in CSV_COLUMNS])

    shortlisted = 0
    ranks: dict[str, tuple[int, bool, float]] = {}
    chosen_rows: list[tuple[int, CandidateRow]] = []
    for rank, c in enumerate(ranked, 1):
        chosen = not c.disqualified and shortlisted < top
        shortlisted += chosen
        ranks[c.candidate_id] = (rank, chosen, c.score)
        if chosen:
            chosen_rows.append((rank, c))
        head = json.dumps(
            {
                "rank": rank,
                "file": c.files[0],
                "files": list(c.files),
                "status": "scored",
                "shortlisted": chosen,
            },
            ensure_ascii=False,
        )
        lines.append(head[:-1] + ", " + c.entry_json[1:])
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
    for f in failed_rows:
        row(file=f["file"], status="failed", reason=f["reason"], sha256=f["sha256"] or "")
    for d in duplicate_rows:
        row(
            file=d["file"],
            status="duplicate",
            reason=f"duplicate_of:{d['duplicate_of']}",
            sha256=d["sha256"] or "",
        )
    counts = {
        "candidates": len(ranked),
        "failed": len(failed_rows),
        "duplicates": len(duplicate_rows),
        "shortlisted": shortlisted,
        "disqualified": sum(c.disqualified for c in ranked),
    }

    def block(items: list[str]) -> str:
        return "[\n" + ",\n".join("    " + item for item in items) + "\n  ]" if items else "[]"

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    json_text = (
        "{\n"
        f'  "job": {dumps(job)},\n'
        f'  "versions": {dumps(versions)},\n'
        f'  "top": {top},\n'
        f'  "counts": {dumps(counts)},\n'
        f'  "candidates": {block(lines)},\n'
        f'  "failed": {block([dumps(f) for f in failed_rows])},\n'
        f'  "duplicates": {block([dumps(d) for d in duplicate_rows])}\n'
        "}\n"
    )
    return RenderedShortlist(json_text, buffer.getvalue(), counts, ranks, tuple(chosen_rows))


def shortlist_record(shortlist: Shortlist) -> RenderedShortlist:
    """Render an in-memory Shortlist (library use, no store)."""
    job = shortlist.job
    candidates = [
        CandidateRow.from_entry(candidate_entry(o), (o.source,)) for o in shortlist.ranked
    ]
    failed = [{"file": o.source, "sha256": o.sha256, "reason": o.reason} for o in shortlist.failed]
    job_dict = job.to_dict() if hasattr(job, "to_dict") else {"title": str(job)}
    return render_shortlist(job_dict, shortlist.versions, shortlist.top, candidates, failed)


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
    _atomic_write(json_path, rendered.json_text)
    _atomic_write(csv_path, rendered.csv_text)
    return csv_path, json_path


def make_private_dir(path: Path) -> None:
    """Create an output folder readable by its owner only (it holds applicants' data)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def _atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so readers never see half a file; mode 0600."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
