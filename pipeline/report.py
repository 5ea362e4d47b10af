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
        "competencies": {c.competency_id: c.strength for c in p.competencies},
        "skills": [h.skill_id for h in p.skills],
    }


def rank_key(entry: dict[str, Any]) -> tuple:
    """Qualified first, then by score; ties break on the content id, then the file name."""
    return (entry["disqualified"], -entry["score"], entry["candidate_id"], entry["files"][0])


def render_shortlist(
    job: dict[str, Any],
    versions: dict[str, str],
    top: int,
    candidates: list[dict[str, Any]],
    failed: list[dict[str, Any]],
    duplicates: list[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The shortlist document, one place for every input file name.

    `candidates` are candidate entries plus "files" (their sorted file names);
    `failed` rows have file, sha256, reason; `duplicates` rows have file,
    duplicate_of, sha256 (the same bytes under another name).
    """
    ranked = sorted(candidates, key=rank_key)
    shortlisted = 0
    entries = []
    for rank, entry in enumerate(ranked, 1):
        chosen = not entry["disqualified"] and shortlisted < top
        shortlisted += chosen
        rest = {k: v for k, v in entry.items() if k != "files"}
        entries.append(
            {
                "rank": rank,
                "file": entry["files"][0],
                "files": entry["files"],
                "status": "scored",
                "shortlisted": chosen,
                **rest,
            }
        )
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
    return {
        "job": job,
        "versions": versions,
        "top": top,
        "counts": {
            "candidates": len(entries),
            "failed": len(failed_rows),
            "duplicates": len(duplicate_rows),
            "shortlisted": shortlisted,
        },
        "candidates": entries,
        "failed": failed_rows,
        "duplicates": duplicate_rows,
    }


def shortlist_record(shortlist: Shortlist) -> dict[str, Any]:
    """Render an in-memory Shortlist (library use, no store)."""
    job = shortlist.job
    candidates = [{"files": [o.source], **candidate_entry(o)} for o in shortlist.ranked]
    failed = [{"file": o.source, "sha256": o.sha256, "reason": o.reason} for o in shortlist.failed]
    job_dict = job.to_dict() if hasattr(job, "to_dict") else {"title": str(job)}
    return render_shortlist(job_dict, shortlist.versions, shortlist.top, candidates, failed)


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def shortlist_csv(document: dict[str, Any]) -> str:
    """One row per input file name: candidates (each of their names), failed, duplicates."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def row(*values: Any) -> None:
        writer.writerow([_safe_cell(v) for v in values])

    for e in document["candidates"]:
        by_status = {
            status: "; ".join(r["requirement"] for r in e["requirements"] if r["status"] == status)
            for status in ("met", "partial", "missing")
        }
        row(
            e["rank"],
            e["file"],
            "scored",
            f"{e['score']:.1f}",
            str(e["shortlisted"]).lower(),
            str(e["disqualified"]).lower(),
            by_status["met"],
            by_status["partial"],
            by_status["missing"],
            "",
            e["candidate_id"],
            e["sha256"],
        )
    for f in document["failed"]:
        row(
            "", f["file"], "failed", "", "false", "", "", "", "", f["reason"], "", f["sha256"] or ""
        )
    for d in document["duplicates"]:
        row(
            "",
            d["file"],
            "duplicate",
            "",
            "false",
            "",
            "",
            "",
            "",
            f"duplicate_of:{d['duplicate_of']}",
            "",
            d["sha256"] or "",
        )
    return buffer.getvalue()


def write_shortlist(
    shortlist: Shortlist | dict[str, Any], out_dir: str | os.PathLike[str]
) -> tuple[Path, Path]:
    """Write shortlist.csv and shortlist.json atomically; the same input gives the same bytes."""
    document = shortlist if isinstance(shortlist, dict) else shortlist_record(shortlist)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "shortlist.json"
    csv_path = out / "shortlist.csv"
    _atomic_write(json_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    _atomic_write(csv_path, shortlist_csv(document))
    return csv_path, json_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
