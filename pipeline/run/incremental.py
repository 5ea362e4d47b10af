"""Incremental screening over a store: parse only what is new, re-score when the job changes.

Safe to kill at any moment: each finished file is one transaction, a file left
in flight is retried once on the next run and then marked `poison_file`, and
the shortlist is rebuilt from the store, so a rerun after a crash ends where an
uninterrupted run would have.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..read import MAX_BYTES, PARSER_VERSION
from ..records import FileOutcome, profile_from_dict
from .report import (
    CandidateRow,
    RenderedShortlist,
    candidate_entry,
    flag_text_of_entry,
    render_shortlist,
    write_shortlist,
)
from .screener import Screener, display_name, list_inputs
from .store import Store, Versions

log = logging.getLogger("pipeline")

EX_TEMPFAIL = 75
STORE_NAME = "screening.sqlite3"


class StoreLocked(Exception):
    """Another run holds the store's lock."""


class RunLock:
    """An exclusive kernel lock (flock) on a file next to the store; released on exit or death."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".lock")
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLocked(str(self.path)) from None
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class IncrementalRun:
    """One screening run of a folder against a job, recorded in a store."""

    def __init__(
        self,
        screener: Screener,
        store: Store,
        out_dir: str | os.PathLike[str],
        *,
        retry_failed: bool = False,
        clock: Callable[[], str] = utc_now,
        pool=None,
    ) -> None:
        self.screener = screener
        self.store = store
        self.out_dir = Path(out_dir)
        self.retry_failed = retry_failed
        self.clock = clock
        self.pool = pool  # a workers.WorkerPool, or None to parse in this process
        self.versions = Versions(PARSER_VERSION, screener.lexicon.version, screener.model_version)
        self.parsed = 0  # files handed to the parser in this run (tests and benchmarks read it)
        self.parse_seconds = 0.0  # time spent parsing and profiling those files

    # ------------------------------------------------------------------ main

    def run(
        self,
        input_dir: str | os.PathLike[str],
        progress: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        job = self.screener.job
        store = self.store
        started = self.clock()
        run_id = store.start_run(
            started, job.sha256, job.to_dict(), str(self.out_dir), self.screener.top
        )
        poisoned = self._retire_poison(started)
        paths = list_inputs(input_dir)
        if on_total:
            on_total(len(paths))
        seen: dict[str, str] = {}  # sha256 -> first file name in this run
        new: list[dict[str, Any]] = []
        duplicates: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        unchanged = retried = 0
        todo_files: list[tuple[Path, str, str, tuple]] = []
        for path in paths:
            name = display_name(path)
            sha, reason, info, from_cache = self._hash(path)
            if sha is None:
                rejected.append({"file": name, "sha256": None, "reason": reason})
                log.info("rejected entry: %s", reason)
                if progress:
                    progress(name)
                continue
            if sha in seen:
                duplicates.append({"file": name, "duplicate_of": seen[sha], "sha256": sha})
                with store.transaction() as db:
                    store.add_name(db, sha, name, started, run_id)
                if progress:
                    progress(name)
                continue
            seen[sha] = name
            state = store.profile_state(sha, self.versions)
            todo = (
                state is None
                or state[0] == "in_flight"
                or (state[0] == "failed" and self.retry_failed and state[1] != "poison_file")
            )
            if not todo:
                unchanged += 1
                known = store.names(sha)
                if name not in known or not from_cache:  # write only what is new
                    with store.transaction() as db:
                        store.add_name(db, sha, name, started, run_id)
                        store.remember_file(db, *info, sha)
                if known and name not in known:
                    duplicates.append({"file": name, "duplicate_of": known[0], "sha256": sha})
                if progress:
                    progress(name)
                continue
            retried += state is not None
            todo_files.append((path, name, sha, info))
        for (_path, name, sha, _info), outcome in self._process_all(todo_files, started, run_id):
            if outcome.status == "scored":
                new.append({"sha256": sha, "candidate_id": sha[:16], "file": name})
            else:
                failed.append(
                    {
                        "file": name,
                        "sha256": sha,
                        "reason": outcome.reason,
                        "candidate_id": sha[:16],
                    }
                )
            if progress:
                progress(name)
        rescored = self._rescore()
        document = self._shortlist(rejected)
        self.rendered = document
        write_shortlist(document, self.out_dir)
        report = self._report(
            run_id,
            started,
            input_dir,
            document,
            new,
            duplicates,
            failed,
            rejected,
            unchanged,
            retried,
            rescored,
            poisoned,
            len(paths),
        )
        store.finish_run(run_id, self.clock(), report)
        write_report(report, self.out_dir)
        return report

    # ------------------------------------------------------------- per file

    def _hash(self, path: Path) -> tuple[str | None, str | None, tuple, bool]:
        """sha256 of a regular file's bytes, cached by (path, size, mtime, inode) like git's index;
        returns (sha256 or None, reason when None, cache key, whether it came from the cache)."""
        try:
            info = os.lstat(path)
        except OSError:
            return None, "unreadable", (), False
        if not stat.S_ISREG(info.st_mode):
            return None, "not_a_regular_file", (), False
        if info.st_size == 0:
            return None, "empty_file", (), False
        if info.st_size > MAX_BYTES:
            return None, "too_large", (), False
        # The path as valid UTF-8 text (undecodable bytes as \\xNN) so SQLite can store it.
        where = os.fsencode(os.path.abspath(path)).decode("utf-8", errors="backslashreplace")
        key = (where, info.st_size, info.st_mtime_ns, info.st_ino)
        cached = self.store.cached_hash(*key)
        if cached:
            return cached, None, key, True
        digest = hashlib.sha256()
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return None, "unreadable", (), False
        return digest.hexdigest(), None, key, False

    def _process_all(self, todo, now: str, run_id: int):
        """Parse new files, in isolated workers when the run has a pool, else in this process.
        Each file is marked in flight (committed) before it starts and saved when it ends."""
        store = self.store

        def start(index: int) -> None:
            _path, name, sha, _info = todo[index]
            with store.transaction() as db:
                store.add_name(db, sha, name, now, run_id)
                store.mark_in_flight(db, sha, self.versions, now)
            _test_hook(name)

        if self.pool is None:
            outcomes = self._in_process(todo, start)
        else:
            outcomes = self.pool.map([str(t[0]) for t in todo], on_start=start)
        began = time.perf_counter()
        for index, raw in outcomes:
            _path, name, sha, info = todo[index]
            self.parsed += 1
            outcome = self.screener.score(_named(raw, name, sha))
            with store.transaction() as db:
                if outcome.status == "scored" and outcome.profile is not None:
                    profile_json = json.dumps(outcome.profile.to_dict(), sort_keys=True)
                    store.save_profile(db, sha, self.versions, "scored", None, profile_json, now)
                    self._save_score(db, sha, outcome)
                else:
                    store.save_profile(db, sha, self.versions, "failed", outcome.reason, None, now)
                store.remember_file(db, *info, sha)
            log.info(
                "applicant %s: %s%s",
                sha[:12],
                outcome.status,
                f" ({outcome.reason})" if outcome.reason else "",
            )
            yield todo[index], outcome
        self.parse_seconds += time.perf_counter() - began

    def _in_process(self, todo, start):
        for index, (path, _name, _sha, _info) in enumerate(todo):
            start(index)
            yield index, self.screener.extract(path)

    def _save_score(self, db, sha: str, outcome: FileOutcome) -> None:
        entry = candidate_entry(outcome)
        entry["sha256"] = sha
        entry["candidate_id"] = sha[:16]
        row = CandidateRow.from_entry(entry, ())
        self.store.save_score(db, sha, self.versions, self.screener.job.sha256, row)

    def _retire_poison(self, now: str) -> list[str]:
        """Files that were in flight twice (two crashed runs) fail for good as poison_file."""
        rows = self.store.db.execute(
            "SELECT sha256 FROM profiles WHERE status='in_flight' AND attempts>=2 "
            "AND parser_version=? AND lexicon_version=? AND model_version=?",
            self.versions.key(),
        ).fetchall()
        for (sha,) in rows:
            with self.store.transaction() as db:
                self.store.save_profile(db, sha, self.versions, "failed", "poison_file", None, now)
            log.warning("applicant %s: poison_file", sha[:12])
        return [sha for (sha,) in rows]

    def _rescore(self) -> int:
        """Score stored profiles that have no score for this job (the job changed): no parsing."""
        rows = self.store.unscored(self.versions, self.screener.job.sha256)
        from ..score.rank import score_profile

        for start in range(0, len(rows), 500):
            with self.store.transaction() as db:
                for sha, profile_json in rows[start : start + 500]:
                    profile = profile_from_dict(json.loads(profile_json))
                    scored = score_profile(profile, self.screener.job, self.screener.lexicon)
                    outcome = FileOutcome(profile.source, sha, "scored", profile, scored=scored)
                    self._save_score(db, sha, outcome)
        return len(rows)

    # -------------------------------------------------------------- outputs

    def _shortlist(self, rejected: list[dict[str, Any]]) -> RenderedShortlist:
        candidates = []
        duplicates = []
        rows = self.store.shortlist_rows(self.versions, self.screener.job.sha256)
        for sha, score, disqualified, met, partial, missing, entry, names in rows:
            files = tuple(names.split("\0")) if names else (sha[:16],)
            candidates.append(
                CandidateRow(
                    files,
                    sha[:16],
                    sha,
                    score,
                    bool(disqualified),
                    met,
                    partial,
                    missing,
                    flag_text_of_entry(entry),
                    entry,
                )
            )
            duplicates.extend(
                {"file": f, "duplicate_of": files[0], "sha256": sha} for f in files[1:]
            )
        failed = [
            {"file": name, "sha256": sha, "reason": reason}
            for sha, reason, name in self.store.failed_rows(self.versions)
        ]
        versions = self.screener.versions
        return render_shortlist(
            self.screener.job.to_dict(),
            versions,
            self.screener.top,
            candidates,
            failed + rejected,
            duplicates,
        )

    def _report(
        self,
        run_id,
        started,
        input_dir,
        document,
        new,
        duplicates,
        failed,
        rejected,
        unchanged,
        retried,
        rescored,
        poisoned,
        entries,
    ) -> dict[str, Any]:
        new_rows = []
        for item in new:
            ranked = document.ranks.get(item["candidate_id"])
            if ranked is not None:
                rank, chosen, score = ranked
                new_rows.append(
                    {
                        "candidate_id": item["candidate_id"],
                        "sha256": item["sha256"],
                        "file": item["file"],
                        "rank": rank,
                        "score": score,
                        "shortlisted": chosen,
                    }
                )
        new_rows.sort(key=lambda r: r["rank"])
        previous = self.store.last_run()
        return {
            "run": run_id,
            "started": started,
            "previous_run": None
            if previous is None
            else {"run": previous["id"], "finished": previous["finished"]},
            "input_dir": os.fsdecode(os.path.abspath(input_dir)),
            "job": {"title": self.screener.job.title, "sha256": self.screener.job.sha256},
            "versions": asdict(self.versions),
            "counts": {
                "entries": entries,
                "new": len(new),
                "unchanged": unchanged,
                "duplicates": len(duplicates),
                "failed": len(failed) + len(rejected),
                "retried": retried,
                "rescored": rescored,
                "poison": len(poisoned),
                "candidates_in_store": document.counts["candidates"],
                "shortlisted": document.counts["shortlisted"],
            },
            "new_since_last_run": new_rows,
            "duplicates": duplicates,
            "failed": sorted(failed + rejected, key=lambda f: f["file"]),
            "poison": [{"sha256": sha, "candidate_id": sha[:16]} for sha in poisoned],
        }


def write_report(report: dict[str, Any], out_dir: Path) -> None:
    """run_report.json for programs, run_report.txt for people."""
    from .report import _atomic_write

    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _atomic_write(
        out_dir / "run_report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    _atomic_write(out_dir / "run_report.txt", format_report(report))


def format_report(report: dict[str, Any], since_last_run_only: bool = False) -> str:
    c = report["counts"]
    lines = []
    if not since_last_run_only:
        lines += [
            f"Run {report['run']} started {report['started']} for job "
            f"{report['job']['title']!r} ({report['job']['sha256'][:12]})",
            f"  entries {c['entries']}: new {c['new']}, unchanged {c['unchanged']}, duplicates "
            f"{c['duplicates']}, failed {c['failed']}, re-scored {c['rescored']}, retried "
            f"{c['retried']}, poison {c['poison']}",
            f"  candidates in store {c['candidates_in_store']}, shortlisted {c['shortlisted']}",
        ]
        for f in report["failed"]:
            lines.append(f"  failed  {f['file']}: {f['reason']}")
        for d in report["duplicates"]:
            lines.append(f"  duplicate  {d['file']} = {d['duplicate_of']}")
    lines.append(f"New since last run ({len(report['new_since_last_run'])}):")
    for r in report["new_since_last_run"]:
        flag = "shortlisted" if r["shortlisted"] else ""
        lines.append(f"  #{r['rank']:<4} {r['score']:5.1f}  {r['file']}  {flag}".rstrip())
    return "\n".join(lines) + "\n"


def retention_cutoff(days: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return (now - timedelta(days=days)).replace(microsecond=0).isoformat()


def regenerate_outputs(store: Store, screener_factory: Callable[[dict], Screener]) -> Path | None:
    """Rewrite the last run's shortlist and report from the store (after an erasure)."""
    last = store.last_run()
    if last is None:
        return None
    out_dir = Path(last["out_dir"])
    screener = screener_factory(last)
    runner = IncrementalRun(screener, store, out_dir)
    document = runner._shortlist([])
    write_shortlist(document, out_dir)
    if last["report"] is not None:
        write_report(last["report"], out_dir)
    return out_dir


def _named(outcome: FileOutcome, name: str, sha: str) -> FileOutcome:
    """Outcomes from workers carry the name and hash the store already knows."""
    from dataclasses import replace

    profile = outcome.profile
    if profile is not None and profile.source != name:
        profile = replace(profile, source=name)
    return replace(outcome, source=name, sha256=outcome.sha256 or sha, profile=profile)


def _test_hook(name: str) -> None:
    """Fault injection for the crash tests: slow down or kill the run at a given file."""
    delay = os.environ.get("PIPELINE_TEST_DELAY")
    if delay:
        time.sleep(float(delay))
    crash_on = os.environ.get("PIPELINE_TEST_CRASH_ON")
    if crash_on and crash_on == name:
        os.kill(os.getpid(), 9)
