"""Explain a stored decision: a candidate's score and its reasons, reproduced from the store.

The store is the decision log: each run keeps its job definition, versions and who ran it;
each applicant's profile is kept per (parser, lexicon, model) version and each score per job.
`explain` finds the run that last ranked the candidate, scores the stored profile against the
stored job again, and says whether the result is the one that was recorded. No resume text
is read: only the profile (skills, evidence sentences, timeline) the run kept.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records import candidate_id, profile_from_dict
from .report import score_keys_ever
from .store import Store, Versions


@dataclass(frozen=True, slots=True)
class Explanation:
    candidate_id: str
    sha256: str
    files: tuple[str, ...]
    run: dict[str, Any]  # id, started, finished, ran_by
    versions: dict[str, str]
    job_title: str
    job_sha256: str
    stored: dict[str, Any]  # the shortlist entry recorded when the candidate was scored
    reproduced: bool | None  # None: the installed lexicon differs, so it could not be tried
    differences: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "sha256": self.sha256,
            "files": list(self.files),
            "run": self.run,
            "versions": self.versions,
            "job": {"title": self.job_title, "sha256": self.job_sha256},
            "score": self.stored["score"],
            "disqualified": self.stored["disqualified"],
            "requirements": self.stored["requirements"],
            "reproduced": self.reproduced,
            "differences": list(self.differences),
        }

    def text(self) -> str:
        s = self.stored
        by = self.run.get("ran_by") or {}
        lines = [
            f"Candidate {self.candidate_id} ({', '.join(self.files) or 'no file name kept'})",
            f"  run {self.run['id']} started {self.run['started']}"
            + (f" by {by.get('user')} on {by.get('host')}" if by else ""),
            f"  job {self.job_title!r} ({self.job_sha256[:12]}); versions "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.versions.items())),
            f"  score {s['score']:.1f}" + (" (disqualified)" if s["disqualified"] else ""),
        ]
        for r in s["requirements"]:
            what = f"    {r['status']:<8} {r['requirement']} (weight {r['weight']:g})"
            if r.get("matched"):
                what += ": " + ", ".join(r["matched"])
            lines.append(what)
            lines.extend(f"             \u201c{e}\u201d" for e in r.get("evidence", []))
        if self.reproduced is None:
            lines.append("  not re-scored: " + "; ".join(self.differences))
        elif self.reproduced:
            lines.append("  re-scored from the stored profile and job: identical")
        else:
            lines.append("  re-scored from the stored profile and job: DIFFERENT")
            lines.extend(f"    {d}" for d in self.differences)
        return "\n".join(lines) + "\n"


def explain(
    store_path: str | os.PathLike[str], candidate: str, run: int | None = None
) -> Explanation:
    """The recorded decision on `candidate` (a candidate id or sha256 prefix) in the last
    finished run that ranked it (or run `run`), re-scored to show it is reproducible.

    Raises FileNotFoundError (no store), LookupError (no such candidate, or no run ranked
    it) and ValueError (an ambiguous prefix)."""
    path = Path(store_path)
    if not path.is_file():
        raise FileNotFoundError(f"no store at {path}")
    store = Store(path)
    try:
        found = store.match_ids(candidate.strip())
        if not found:
            raise LookupError(f"no applicant matches id {candidate}")
        if len(found) > 1:
            raise ValueError(f"id {candidate} matches {len(found)} applicants: give more digits")
        sha = found[0]
        chosen = _decision(store, sha, run)
        if chosen is None:
            raise LookupError(f"no finished run ranked {candidate_id(sha)}")
        run_row, versions, entry_json, profile_json = chosen
        names = tuple(
            r[0]
            for r in store.db.execute(
                "SELECT name FROM file_names WHERE sha256=? ORDER BY first_seen, name", (sha,)
            )
        )
    finally:
        store.close()
    stored = json.loads(entry_json)
    job_data = json.loads(run_row["job"])
    report = json.loads(run_row["report"] or "{}")
    run_info = {
        "id": run_row["id"],
        "started": run_row["started"],
        "finished": run_row["finished"],
        "ran_by": report.get("ran_by", {}),
    }
    version_map = {
        "parser": versions.parser,
        "lexicon": versions.lexicon,
        "model": versions.model,
    }
    reproduced, differences = _rescore(
        profile_json, job_data, versions, stored, recorded_blind(run_row)
    )
    return Explanation(
        candidate_id(sha), sha, names, run_info, version_map, job_data.get("title", ""),
        run_row["job_sha256"], stored, reproduced, tuple(differences),
    )  # fmt: skip


def _decision(store: Store, sha: str, run: int | None):
    """(run row, versions, stored entry, stored profile) of the newest matching decision."""
    where = "WHERE finished IS NOT NULL" + (" AND id=?" if run is not None else "")
    runs = store.db.execute(
        f"SELECT id, started, finished, job_sha256, job, report FROM runs {where} ORDER BY id DESC",
        (run,) if run is not None else (),
    ).fetchall()
    keys = ("id", "started", "finished", "job_sha256", "job", "report")
    for values in runs:
        row = dict(zip(keys, values, strict=True))
        recorded = (json.loads(row["report"] or "{}")).get("versions", {})
        # The entry under the current format's key, else one an older version wrote.
        wanted_keys = score_keys_ever(row["job_sha256"], recorded_blind(row))
        scores = store.db.execute(
            "SELECT s.parser_version, s.lexicon_version, s.model_version, s.entry, p.profile, "
            "s.job_sha256 FROM scores s JOIN profiles p ON p.sha256=s.sha256 AND "
            "p.parser_version=s.parser_version AND p.lexicon_version=s.lexicon_version AND "
            "p.model_version=s.model_version WHERE s.sha256=? AND s.job_sha256 IN "
            f"({', '.join('?' * len(wanted_keys))}) AND p.status='scored'",
            (sha, *wanted_keys),
        ).fetchall()
        scores.sort(key=lambda r: wanted_keys.index(r[5]))
        for parser, lexicon, model, entry, profile, _key in scores:
            wanted = (recorded.get("parser"), recorded.get("lexicon"), recorded.get("model"))
            if recorded and wanted != (parser, lexicon, model):
                continue
            return row, Versions(parser, lexicon, model), entry, profile
    return None


def recorded_blind(run_row: dict[str, Any]) -> bool:
    """Was the run blind (its shortlist entries are kept under the job's blind key)?"""
    return bool(json.loads(run_row["report"] or "{}").get("blind"))


def _rescore(
    profile_json: str,
    job_data: dict[str, Any],
    versions: Versions,
    stored: dict[str, Any],
    blind: bool = False,
) -> tuple[bool | None, list[str]]:
    """Score the stored profile against the stored job with the installed lexicon (a blind
    run's evidence was redacted, so only scores and statuses are compared then)."""
    from ..score.job import job_from_stored
    from ..score.rank import score_profile
    from ..skills.lexicon import default_lexicon

    lexicon = default_lexicon()
    if lexicon.version != versions.lexicon:
        return None, [
            f"the decision used lexicon {versions.lexicon}; lexicon {lexicon.version} is "
            "installed (install the release that made it to re-score)"
        ]
    scored = score_profile(
        profile_from_dict(json.loads(profile_json)), job_from_stored(job_data), lexicon
    )
    differences = []
    if round(scored.score, 1) != round(stored["score"], 1):
        differences.append(f"score {stored['score']} recorded, {scored.score} now")
    if scored.disqualified != stored["disqualified"]:
        differences.append("disqualification differs")
    now = {r.requirement: r for r in scored.requirements}
    for r in stored["requirements"]:
        again = now.get(r["requirement"])
        if again is None:
            differences.append(f"{r['requirement']}: not in the job any more")
        elif again.status != r["status"] or (not blind and list(again.evidence) != r["evidence"]):
            differences.append(f"{r['requirement']}: {r['status']} recorded, {again.status} now")
    return not differences, differences
