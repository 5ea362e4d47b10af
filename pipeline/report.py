"""Write shortlists (CSV + JSON) and per-file extraction records (JSON Lines)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from .errors import REASONS
from .records import FileOutcome
from .screener import Shortlist, is_shortlisted

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
        versions={"parser": p.parser_version, "lexicon": p.lexicon_version},
        years_experience=p.years_experience,
        sections=list(p.sections),
        competencies={
            c.competency_id: {
                "present": c.present,
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


def shortlist_record(shortlist: Shortlist) -> dict[str, Any]:
    entries = []
    for rank, outcome in enumerate(shortlist.ranked, 1):
        s = outcome.scored
        p = outcome.profile
        assert s is not None and p is not None
        entries.append(
            {
                "rank": rank,
                "file": outcome.source,
                "status": "scored",
                "candidate_id": s.candidate_id,
                "sha256": outcome.sha256,
                "score": s.score,
                "shortlisted": is_shortlisted(outcome, shortlist.ranked, shortlist.top),
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
                "competencies": {c.competency_id: c.strength for c in p.competencies},
                "skills": [h.skill_id for h in p.skills],
            }
        )
    failed = [
        {
            "file": o.source,
            "status": "failed",
            "sha256": o.sha256,
            "reason": o.reason,
            "message": REASONS.get(o.reason or "", ""),
        }
        for o in shortlist.failed
    ]
    job = shortlist.job
    return {
        "job": job.to_dict() if hasattr(job, "to_dict") else str(job),
        "versions": shortlist.versions,
        "top": shortlist.top,
        "counts": shortlist.counts,
        "candidates": entries,
        "failed": failed,
    }


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def shortlist_csv(shortlist: Shortlist) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, outcome in enumerate(shortlist.ranked, 1):
        s = outcome.scored
        assert s is not None

        def names(status: str, s=s) -> str:
            return "; ".join(r.requirement for r in s.requirements if r.status == status)

        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    rank,
                    outcome.source,
                    "scored",
                    f"{s.score:.1f}",
                    str(is_shortlisted(outcome, shortlist.ranked, shortlist.top)).lower(),
                    str(s.disqualified).lower(),
                    names("met"),
                    names("partial"),
                    names("missing"),
                    "",
                    s.candidate_id,
                    outcome.sha256,
                )
            ]
        )
    for outcome in shortlist.failed:
        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    "",
                    outcome.source,
                    "failed",
                    "",
                    "false",
                    "",
                    "",
                    "",
                    "",
                    outcome.reason,
                    "",
                    outcome.sha256 or "",
                )
            ]
        )
    return buffer.getvalue()


def write_shortlist(shortlist: Shortlist, out_dir: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write shortlist.csv and shortlist.json atomically; same input gives the same bytes."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "shortlist.json"
    csv_path = out / "shortlist.csv"
    _atomic_write(
        json_path, json.dumps(shortlist_record(shortlist), indent=2, ensure_ascii=False) + "\n"
    )
    _atomic_write(csv_path, shortlist_csv(shortlist))
    return csv_path, json_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
