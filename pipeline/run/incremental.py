"""One incremental run of a folder against a job, recorded in a store: parse only what is new,
re-score when the job changes, and rebuild the shortlist of the folder as it is now.

Semantics (README, "Nightly runs"):
- each entry of the folder appears once in the outputs: ranked, failed or a duplicate;
- a file whose content changed under the same name supersedes its earlier version ("updated"),
  and a file gone from the folder leaves the shortlist ("removed"); the store keeps both
  applicants until `forget` or retention;
- among byte-identical files the one seen first (earliest run, then name order) stays the
  primary, and each other copy is listed once as its duplicate;
- files of one person (a shared e-mail or phone, or near-identical text: understand/
  applicants.py) are one candidate: the latest (modification time, then name) is ranked, each
  other is listed once as "same applicant as" it;
- a failure is reported as new (and makes the exit code 1) only the first time it is seen.

Safe to kill at any moment: each finished file is one transaction, a file left in flight by a
dead run is retried once on the next run and then marked `poison_file`, and the outputs are
rebuilt from the store. A stop request (SIGTERM) finishes the file in hand, gives the others
back, and raises `Interrupted`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import ParseError
from ..read import PARSER_VERSION
from ..read.source import check_entry
from ..records import FileOutcome, candidate_id, profile_from_dict
from ..score.rank import score_profile
from .report import (
    Aliases,
    CandidateRow,
    FailedRow,
    RenderedShortlist,
    candidate_entry,
    render_shortlist,
    score_key,
    write_run_report,
    write_shortlist,
)
from .runreport import (
    Duplicate,
    Failure,
    NewCandidate,
    Removed,
    RunCounts,
    RunReport,
    SameApplicant,
    Updated,
)
from .screener import Screener, display_name, list_inputs
from .store import Store, Versions

log = logging.getLogger("pipeline")

STORE_NAME = "screening.sqlite3"


class Interrupted(Exception):
    """The run was asked to stop (SIGTERM); what was finished is committed."""


class OutputError(Exception):
    """The shortlist or the report could not be written; the store is intact."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"cannot write {path}: {error.strerror or type(error).__name__}")
        self.path = path


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def retention_cutoff(days: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return (now - timedelta(days=days)).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the folder as this run saw it."""

    path: Path
    name: str
    sha256: str | None  # None when refused before reading
    reason: str | None = None  # why it was refused
    # (path, size, mtime_ns, inode) for the hash cache
    cache_key: tuple[str, int, int, int] | None = None
    from_cache: bool = False


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
        baseline: tuple[dict[str, tuple[str | None, str | None]], int] | None = None,
    ) -> None:
        if screener.job is None:
            raise ValueError("an incremental run needs a Screener with a job")
        self.screener = screener
        self.job = screener.job
        self.store = store
        self.out_dir = Path(out_dir)
        self.retry_failed = retry_failed
        self.clock = clock
        self.pool = pool  # a workers.WorkerPool (or DaskPool), or None to parse in this process
        self.versions = Versions(PARSER_VERSION, screener.lexicon.version, screener.model_version)
        self.parsed = 0  # files handed to the parser in this run (tests and benchmarks read it)
        self.parse_seconds = 0.0  # time spent parsing and profiling those files
        self.rendered: RenderedShortlist | None = None
        self._stop = threading.Event()
        # Blind runs keep their own shortlist entries (evidence redacted) beside the others.
        self.score_key = score_key(self.job.sha256, screener.blind)
        self.aliases = Aliases()  # file names as blind outputs show them
        self.same_applicant: list[SameApplicant] = []  # the last shortlist's, real names
        # Several jobs in one run (nightly.Screening.run_jobs): every job's report compares
        # the folder with the state before the first job's run (folder state, last run written).
        self.baseline = baseline

    def stop(self) -> None:
        """Ask the run to stop after the file in hand (safe from a signal handler)."""
        self._stop.set()

    # ------------------------------------------------------------------ main

    def run(
        self,
        input_dir: str | os.PathLike[str],
        progress: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> RunReport:
        """Screen the folder; write shortlist.csv/.json and run_report.json/.txt. Raises
        `Interrupted` on a stop request and `OutputError` when the outputs cannot be written
        (the run is then recorded, and its applicants stay new for the next report)."""
        store = self.store
        started = self.clock()
        run_id = store.start_run(
            started, self.job.sha256, self.job.to_dict(), str(self.out_dir), self.screener.top
        )
        poisoned = self._retire_poison(started)
        previous = store.folder_state() if self.baseline is None else self.baseline[0]
        paths = list_inputs(input_dir)
        if on_total:
            on_total(len(paths))
        entries = [self._entry(path) for path in paths]
        first_seen = self._first_seen(entries, started)
        primary = _primaries(entries, first_seen)
        counts: dict[str, int] = {"unchanged": 0, "retried": 0}
        todo: list[Entry] = []
        for entry in entries:
            if entry.sha256 is None:
                if progress:
                    progress(entry.name)
                continue
            if primary[entry.sha256] != entry.name or not self._needs_parsing(entry, counts):
                self._record_seen(entry, started, run_id)
                if progress:
                    progress(entry.name)
                continue
            todo.append(entry)
        new: list[Entry] = []
        parse_failed: dict[str, str] = {}
        for entry, outcome in self._process_all(todo, started, run_id):
            if outcome.status == "scored":
                new.append(entry)
            else:  # changed_during_run included: shown as failed now, read again next run
                parse_failed[entry.sha256] = outcome.reason or "internal_error"
            if progress:
                progress(entry.name)
        rescored = self._rescore({e.sha256 for e in entries if e.sha256})
        present = entries
        failures = self._failures(present, previous, parse_failed)
        with store.transaction() as db:
            store.save_folder(db, [_folder_row(e, failures) for e in present], started, run_id)
        rendered = self._shortlist(present, primary, failures)
        self.rendered = rendered
        report = self._report(
            run_id, started, input_dir, entries, present, previous, primary, failures, rendered,
            new=len(new), rescored=rescored, poisoned=poisoned, **counts,
        )  # fmt: skip
        store.finish_run(run_id, self.clock(), report.to_dict())  # the store keeps the names
        if self.screener.blind:
            report = report.with_names(self._shown)
        self._write_outputs(rendered, report)
        store.outputs_written(run_id)
        return report

    # ------------------------------------------------------------ per entry

    def _entry(self, path: Path) -> Entry:
        """Check an entry and hash its bytes; the hash is cached by (path, size, mtime, inode)
        like git's index, so an unchanged file is not read again."""
        name = display_name(path)
        try:
            info = check_entry(path)
        except ParseError as exc:
            log.info("rejected entry: %s", exc.reason)
            return Entry(path, name, None, exc.reason)
        # The path as valid UTF-8 text (undecodable bytes as \\xNN) so SQLite can store it.
        where = os.fsencode(os.path.abspath(path)).decode("utf-8", errors="backslashreplace")
        key = (where, info.st_size, info.st_mtime_ns, info.st_ino)
        cached = self.store.cached_hash(*key)
        if cached:
            return Entry(path, name, cached, cache_key=key, from_cache=True)
        digest = hashlib.sha256()
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return Entry(path, name, None, "unreadable")
        return Entry(path, name, digest.hexdigest(), cache_key=key)

    def _first_seen(self, entries: list[Entry], now: str) -> dict[tuple[str, str], tuple]:
        """(sha256, name) -> a key ordering when that name was first seen with those bytes:
        names an earlier run saw come before names new in this one (timestamps are only to
        the second, so two runs in one second would tie)."""
        out: dict[tuple[str, str], tuple] = {}
        for sha in {e.sha256 for e in entries if e.sha256}:
            for name, when in self.store.name_first_seen(sha).items():
                out[(sha, name)] = (0, when)
        for e in entries:
            if e.sha256:
                out.setdefault((e.sha256, e.name), (1, now))
        return out

    def _needs_parsing(self, entry: Entry, counts: dict[str, int]) -> bool:
        assert entry.sha256 is not None
        state = self.store.profile_state(entry.sha256, self.versions)
        todo = (
            state is None
            or state[0] == "in_flight"
            or (state[0] == "failed" and self.retry_failed and state[1] != "poison_file")
        )
        if todo:
            counts["retried"] += state is not None
        else:
            counts["unchanged"] += 1
        return todo

    def _record_seen(self, entry: Entry, now: str, run_id: int) -> None:
        """Remember a name and the hash of an entry that is not parsed (write only what is new)."""
        assert entry.sha256 is not None
        known = self.store.name_first_seen(entry.sha256)
        if entry.name in known and entry.from_cache:
            return
        with self.store.transaction() as db:
            self.store.add_name(db, entry.sha256, entry.name, now, run_id)
            if entry.cache_key:
                self.store.remember_file(db, *entry.cache_key, entry.sha256)

    def _process_all(self, todo: list[Entry], now: str, run_id: int) -> Iterator:
        """Parse new files, in isolated workers when the run has a pool, else in this process.
        Each file is marked in flight (committed) before it starts and saved when it ends; on a
        stop request the files not finished are given back and `Interrupted` is raised."""
        store = self.store
        started: set[int] = set()

        def start(index: int) -> None:
            self._started(todo[index], now, run_id)
            started.add(index)

        outcomes = self._in_process(todo, start) if self.pool is None else self.pool.map(
            [str(e.path) for e in todo], on_start=start
        )  # fmt: skip
        finished: set[int] = set()
        began = time.perf_counter()
        try:
            for index, raw in outcomes:
                entry = todo[index]
                finished.add(index)
                self.parsed += 1
                outcome = self._saved(entry, raw, now)
                yield entry, outcome
                if self._stop.is_set():
                    break
        finally:
            if hasattr(outcomes, "close"):
                outcomes.close()  # stops the workers
            self.parse_seconds += time.perf_counter() - began
        if self._stop.is_set():
            with store.transaction() as db:
                for index in sorted(started - finished):
                    sha = todo[index].sha256
                    assert sha is not None
                    store.abandon(db, sha, self.versions)
            raise Interrupted(f"stopped after {len(finished)} of {len(todo)} new files")

    def _started(self, entry: Entry, now: str, run_id: int) -> None:
        assert entry.sha256 is not None
        with self.store.transaction() as db:
            self.store.add_name(db, entry.sha256, entry.name, now, run_id)
            self.store.mark_in_flight(db, entry.sha256, self.versions, now)

    def _in_process(self, todo: list[Entry], start: Callable[[int], None]):
        for index, entry in enumerate(todo):
            if self._stop.is_set():
                return
            start(index)
            yield index, self.screener.extract(entry.path)

    def _saved(self, entry: Entry, raw: FileOutcome, now: str) -> FileOutcome:
        """Score and store one parsed file. The profile is kept under the hash of the bytes
        that were parsed: when they are not the bytes hashed when the folder was listed, the
        file changed meanwhile and is left for the next run."""
        store = self.store
        sha = entry.sha256
        assert sha is not None
        if raw.sha256 is not None and raw.sha256 != sha:
            with store.transaction() as db:
                store.abandon(db, sha, self.versions)
            log.info("applicant %s: changed while it was read", sha[:12])
            return FileOutcome(entry.name, sha, "failed", reason="changed_during_run")
        outcome = self.screener.score(_named(raw, entry.name, sha))
        with store.transaction() as db:
            if outcome.status == "scored" and outcome.profile is not None:
                profile_json = json.dumps(outcome.profile.to_dict(), sort_keys=True)
                store.save_profile(db, sha, self.versions, "scored", None, profile_json, now)
                c = outcome.profile.contacts
                store.save_identity(
                    db, sha, self.versions.parser, c.emails, c.phones,
                    outcome.profile.text_signature,
                )  # fmt: skip
                self._save_score(db, sha, outcome)
            else:
                store.save_profile(db, sha, self.versions, "failed", outcome.reason, None, now)
            if entry.cache_key:
                store.remember_file(db, *entry.cache_key, sha)
        log.info(
            "applicant %s: %s%s",
            sha[:12],
            outcome.status,
            f" ({outcome.reason})" if outcome.reason else "",
        )
        return outcome

    def _save_score(self, db, sha: str, outcome: FileOutcome) -> None:
        entry = candidate_entry(outcome, self.screener.blind, self.screener.lexicon)
        row = CandidateRow.from_entry(entry, ())
        self.store.save_score(db, sha, self.versions, self.score_key, row)

    def _retire_poison(self, now: str) -> list[str]:
        """Files that were in flight twice (two crashed runs) fail for good as poison_file."""
        shas = self.store.poisoned(self.versions)
        for sha in shas:
            with self.store.transaction() as db:
                self.store.save_profile(db, sha, self.versions, "failed", "poison_file", None, now)
            log.warning("applicant %s: poison_file", sha[:12])
        return shas

    def _rescore(self, present: set[str]) -> int:
        """Score stored profiles of the folder's files that have no score for this job (the
        job changed): no parsing."""
        rows = [r for r in self.store.unscored(self.versions, self.score_key) if r[0] in present]
        for start in range(0, len(rows), 500):
            with self.store.transaction() as db:
                for sha, profile_json in rows[start : start + 500]:
                    profile = profile_from_dict(json.loads(profile_json))
                    scored = score_profile(profile, self.job, self.screener.lexicon)
                    outcome = FileOutcome(profile.source, sha, "scored", profile, scored=scored)
                    self._save_score(db, sha, outcome)
        return len(rows)

    # -------------------------------------------------------------- outputs

    def _failures(
        self,
        present: list[Entry],
        previous: dict[str, tuple[str | None, str | None]],
        parse_failed: dict[str, str],
    ) -> dict[str, Failure]:
        """name -> Failure for every failed entry of the folder; known when an earlier run
        already reported this entry with the same content and reason."""
        stored = {sha: reason for sha, reason, _name in self.store.failed_rows(self.versions)}
        out: dict[str, Failure] = {}
        for e in present:
            reason = e.reason if e.sha256 is None else parse_failed.get(e.sha256)
            if reason is None and e.sha256 is not None:
                reason = stored.get(e.sha256)
            if reason is None:
                continue
            before = previous.get(e.name)
            first_time = not (before and before == (e.sha256, reason)) or (
                e.sha256 is not None and e.sha256 in parse_failed
            )
            if reason in ("poison_file", "changed_during_run"):
                # poison: the two runs it killed have already alerted; changed: read next run
                first_time = False
            out[e.name] = Failure(e.name, e.sha256, reason, first_time)
        return out

    def _shortlist(
        self, present: list[Entry], primary: dict[str, str], failures: dict[str, Failure]
    ) -> RenderedShortlist:
        files: dict[str, list[str]] = {}
        for e in present:
            if e.sha256 and e.name not in failures:
                files.setdefault(e.sha256, []).append(e.name)
        scored = self.store.scored_shas(self.versions, self.score_key)
        same = self._same_applicants(present, primary, set(files) & scored)
        self.same_applicant = sorted(same.values(), key=lambda s: s.file)
        candidates = []
        for (
            sha,
            score,
            disqualified,
            met,
            partial,
            missing,
            flags,
        ) in self.store.shortlist_rows(self.versions, self.score_key):
            if sha not in files or sha in same:
                continue
            names = [primary[sha]] + sorted(n for n in files[sha] if n != primary[sha])
            if self.screener.blind:
                names = [self.aliases.of(n, sha) for n in names]
            candidates.append(
                CandidateRow.stored(
                    tuple(names), sha, score, bool(disqualified), met, partial, missing, flags
                )
            )
        shown = self._shown
        failed = [FailedRow(shown(f.file, f.sha256), f.sha256, f.reason) for f in failures.values()]
        duplicates = [
            Duplicate(shown(e.name, e.sha256), shown(primary[e.sha256], e.sha256), e.sha256)
            for e in present
            if e.sha256 and e.name not in failures and primary[e.sha256] != e.name
        ]
        same_rows = [s.with_names(shown) for s in self.same_applicant]
        store, versions, job_sha = self.store, self.versions, self.score_key
        return render_shortlist(
            self.job.to_dict(), self.screener.versions, self.screener.top, candidates, failed,
            duplicates, lambda row: store.score_entry(row.sha256, versions, job_sha), same_rows,
        )  # fmt: skip

    def _same_applicants(
        self, present: list[Entry], primary: dict[str, str], shas: set[str]
    ) -> dict[str, SameApplicant]:
        """sha256 -> SameApplicant for each scored applicant of the folder that has a later
        file of the same person (real file names; the outputs alias them in a blind run)."""
        from ..understand.applicants import Applicant, group_applicants

        mtime: dict[str, int] = {}
        for e in present:
            if e.sha256 in shas and e.cache_key:
                mtime[e.sha256] = max(mtime.get(e.sha256, 0), e.cache_key[2])
        if shas - mtime.keys():  # outputs rewritten after an erasure: the hash cache's times
            mtime.update(self.store.cached_mtimes(shas - mtime.keys()))
        rows, signatures = self.store.identities(self.versions, shas)
        applicants = [
            Applicant(
                sha,
                tuple(emails),
                tuple(phones),
                order=(mtime.get(sha, 0), os.fsencode(primary[sha])),
            )
            for sha, emails, phones in rows
        ]
        out: dict[str, SameApplicant] = {}
        for group in group_applicants(applicants, signatures=signatures):
            latest = primary[str(group.latest)]
            for sha, link in group.others:
                via_sha = str(link.via) if link.via is not None else None
                out[str(sha)] = SameApplicant(
                    primary[str(sha)], latest, str(sha), link.basis, link.similarity,
                    primary[via_sha] if via_sha else None, str(group.latest), via_sha,
                )  # fmt: skip
        return out

    def _shown(self, name: str, sha256: str | None) -> str:
        """A file name as the outputs show it (its alias in a blind run)."""
        return self.aliases.of(name, sha256) if self.screener.blind else name

    def _report(
        self,
        run_id: int,
        started: str,
        input_dir,
        entries: list[Entry],
        present: list[Entry],
        previous: dict[str, tuple[str | None, str | None]],
        primary: dict[str, str],
        failures: dict[str, Failure],
        rendered: RenderedShortlist,
        **counted: int | list[str],
    ) -> RunReport:
        names = {e.name: e for e in present}
        updated = tuple(
            Updated(name, new_sha, sha)
            for name, (sha, _reason) in sorted(previous.items())
            if name in names and sha and (new_sha := names[name].sha256) and new_sha != sha
        )
        removed = tuple(
            Removed(name, sha) for name, (sha, _reason) in sorted(previous.items())
            if name not in names
        )  # fmt: skip
        since = self.store.last_written_run() if self.baseline is None else self.baseline[1]
        first_runs = self.store.first_runs()
        new_rows = []
        for sha, name in sorted(primary.items()):
            ranked = rendered.ranks.get(candidate_id(sha))
            if ranked is not None and first_runs.get(sha, 0) > since:
                rank, chosen, score = ranked
                new_rows.append(NewCandidate(candidate_id(sha), sha, name, rank, score, chosen))
        new_rows.sort(key=lambda r: r.rank)
        failed = tuple(sorted(failures.values(), key=lambda f: f.file))
        poisoned = counted.pop("poisoned")
        assert isinstance(poisoned, list)
        previous_run = self.store.last_run()
        # Real names: the store keeps them, and a blind run's outputs alias them once, later
        # (rendered.duplicates are already aliased in a blind run).
        duplicates = tuple(
            sorted(
                (
                    Duplicate(e.name, primary[e.sha256], e.sha256)
                    for e in present
                    if e.sha256 and e.name not in failures and primary[e.sha256] != e.name
                ),
                key=lambda d: d.file,
            )
        )
        counts = RunCounts(
            entries=len(entries),
            updated=len(updated),
            removed=len(removed),
            duplicates=len(duplicates),
            same_applicant=len(self.same_applicant),
            failed=sum(f.first_time for f in failed),
            known_failures=sum(not f.first_time for f in failed),
            poison=len(poisoned),
            candidates=rendered.counts["candidates"],
            candidates_in_store=self.store.count_scored(self.versions, self.score_key),
            shortlisted=rendered.counts["shortlisted"],
            **{k: v for k, v in counted.items() if isinstance(v, int)},
        )
        return RunReport(
            run=run_id,
            started=started,
            input_dir=os.fsdecode(os.path.abspath(input_dir)),
            job_title=self.job.title,
            job_sha256=self.job.sha256,
            versions={"parser": self.versions.parser, "lexicon": self.versions.lexicon,
                      "model": self.versions.model},
            counts=counts,
            previous_run=None if previous_run is None
            else {"run": previous_run["id"], "finished": previous_run["finished"]},
            new_since_last_run=tuple(new_rows),
            updated=updated,
            removed=removed,
            duplicates=duplicates,
            same_applicant=tuple(self.same_applicant),
            failed=failed,
            poison=tuple(poisoned),
            ran_by=_ran_by(),
            blind=self.screener.blind,
        )  # fmt: skip

    def _write_outputs(self, rendered: RenderedShortlist, report: RunReport) -> None:
        try:
            write_shortlist(rendered, self.out_dir)
            write_run_report(report, self.out_dir)
        except OSError as exc:
            raise OutputError(self.out_dir, exc) from None


def _ran_by() -> dict[str, str]:
    """Who and what ran this run, for the decision log (no resume data)."""
    import getpass
    import socket
    import sys

    from ..version import __version__

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return {
        "user": user,
        "host": socket.gethostname(),
        "command": " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]]),
        "package": __version__,
    }


def _primaries(entries: list[Entry], first_seen: dict[tuple[str, str], tuple]) -> dict[str, str]:
    """sha256 -> the name that stays primary among byte-identical files: seen first, then the
    first in the folder's order."""
    order = {e.name: i for i, e in enumerate(entries)}
    out: dict[str, str] = {}
    for e in entries:
        if e.sha256 is None:
            continue
        best = out.get(e.sha256)
        key = (first_seen[(e.sha256, e.name)], order[e.name])
        if best is None or key < (first_seen[(e.sha256, best)], order[best]):
            out[e.sha256] = e.name
    return out


def _folder_row(entry: Entry, failures: dict[str, Failure]) -> tuple[str, str | None, str | None]:
    failure = failures.get(entry.name)
    return (entry.name, entry.sha256, failure.reason if failure else None)


def _named(outcome: FileOutcome, name: str, sha: str) -> FileOutcome:
    """Outcomes from workers carry the name and hash the store already knows."""
    profile = outcome.profile
    if profile is not None and profile.source != name:
        profile = replace(profile, source=name)
    return replace(outcome, source=name, sha256=outcome.sha256 or sha, profile=profile)


def regenerate_outputs(store: Store, screener_factory: Callable[[dict], Screener]) -> Path | None:
    """Rewrite the last run's shortlist and report from the store (after an erasure). When that
    run was one job of several (its folder's parent holds matrix.csv), the other jobs' folders
    of that parent and the matrix are rewritten too."""
    from .report import write_matrix

    last = store.last_run()
    if last is None:
        return None
    out_dir = Path(last["out_dir"])
    batch = store.last_runs_under(str(out_dir.parent))
    if not (out_dir.parent / "matrix.csv").is_file() or len(batch) < 2:
        _regenerate(store, screener_factory, last)
        return out_dir
    rendered = {Path(run["out_dir"]).name: _regenerate(store, screener_factory, run)
                for run in batch}  # fmt: skip
    write_matrix(rendered, out_dir.parent)
    return out_dir.parent


def _regenerate(store: Store, screener_factory: Callable[[dict], Screener], last: dict):
    out_dir = Path(last["out_dir"])
    runner = IncrementalRun(screener_factory(last), store, out_dir)
    state = store.folder_state()
    entries = [
        Entry(Path(name), name, sha, None if sha else reason)
        for name, (sha, reason) in state.items()
    ]
    entries.sort(key=lambda e: os.fsencode(e.name))
    primary = _primaries(entries, runner._first_seen(entries, last["started"]))
    failures = runner._failures(entries, state, {})
    failures = {k: replace(v, first_time=False) for k, v in failures.items()}
    rendered = runner._shortlist(entries, primary, failures)
    write_shortlist(rendered, out_dir)
    if last["report"] is not None:
        report = RunReport.from_dict(last["report"])
        write_run_report(report.with_names(runner._shown) if report.blind else report, out_dir)
    return rendered
