"""The library entry point for screening a folder again and again over a store (nightly runs).

    from pipeline import Screening, load_job

    with Screening(load_job("job.yaml"), out="out/") as screening:
        report = screening.run("applicants/")        # a RunReport
        print(report.counts.new, report.counts.failed)

`Screening` holds the store's lock, the store and the worker pool for as long as it is open;
the `screen` command only wraps it. `run_nightly()` does the same in one call.

Several jobs over one folder, each file parsed once:

    with Screening(jobs["ml"], out="out/") as screening:
        reports = screening.run_jobs("applicants/", jobs)   # {slug: RunReport}
    # out/<slug>/shortlist.csv/json and run_report per job, out/matrix.csv

The first job's run parses what is new; the others find the profiles in the store (keyed by
parser, lexicon and model versions) and only score them (scores are keyed by the job's hash).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .incremental import STORE_NAME, IncrementalRun, OutputError, regenerate_outputs
from .lock import RunLock
from .runreport import RunReport
from .screener import Screener
from .store import Store
from .workers import Limits, WorkerConfig, WorkerPool

if TYPE_CHECKING:
    from ..score.job import JobDefinition


@dataclass(frozen=True, slots=True)
class Erasure:
    """What `Screening.forget` erased (or, with dry_run, would erase): full sha256s."""

    erased: tuple[str, ...]
    dry_run: bool
    outputs_rewritten: Path | None = None


class Screening:
    """A folder screened against a job over a store, one run at a time.

    Entering takes the store's lock (`StoreLocked` when another run holds it) and checks
    that the output folder can be written (`OutputError`, before anything is parsed).
    """

    def __init__(
        self,
        job: JobDefinition,
        out: str | os.PathLike[str],
        *,
        store: str | os.PathLike[str] | None = None,
        top: int = 10,
        workers: int | None = None,
        limits: Limits | None = None,
        backend: Literal["local", "dask"] = "local",
        scheduler: str | None = None,
        pdf_engine: str = "pdfium",
        docx_engine: str = "lxml",
        ocr: bool = True,
        as_of: date | None = None,
        retry_failed: bool = False,
        blind: bool = False,
    ) -> None:
        if backend not in ("local", "dask"):
            raise ValueError("backend must be 'local' or 'dask'")
        if backend == "dask" and not scheduler:
            raise ValueError("the dask backend needs a scheduler address")
        self.job = job
        self.out = Path(out)
        self.store_path = Path(store) if store is not None else self.out / STORE_NAME
        self.top = top
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.limits = limits or Limits()
        self.backend = backend
        self.scheduler = scheduler
        self.retry_failed = retry_failed
        self.screener = Screener(
            job,
            pdf_engine=pdf_engine,
            docx_engine=docx_engine,
            top=top,
            ocr=ocr,
            as_of=as_of,
            blind=blind,
        )
        self.config = WorkerConfig(
            lexicon_dir=None,
            # The supervisor's choice of model, so workers cannot pick a newer one.
            model_dir=str(self.screener.model_dir) if self.screener.model_dir else None,
            pdf_engine=pdf_engine,
            docx_engine=docx_engine,
            as_of=as_of.isoformat() if as_of else None,
            ocr=ocr,
        )
        self._lock: RunLock | None = None
        self.store: Store | None = None
        self.runner: IncrementalRun | None = None

    def __enter__(self) -> Screening:
        check_writable(self.out)
        check_writable(self.store_path.parent)
        lock = RunLock(self.store_path).__enter__()
        try:
            self.store = Store(self.store_path)
        except BaseException:
            lock.__exit__(None, None, None)
            raise
        self._lock = lock
        return self

    def __exit__(self, *exc: object) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None

    def _pool(self):
        if self.backend == "dask":
            from .dask_backend import DaskPool

            return DaskPool(self.scheduler or "", self.config, self.limits)
        return WorkerPool(self.config, self.workers, self.limits) if self.workers > 0 else None

    def run_jobs(
        self,
        folder: str | os.PathLike[str],
        jobs: dict[str, JobDefinition],
        progress: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> dict[str, RunReport]:
        """One run per job over the same folder and store: OUT/<slug>/ gets that job's
        shortlist and run report, OUT/matrix.csv the candidates x jobs scores. Files are parsed
        by the first job's run only. `self.runners` holds each job's IncrementalRun."""
        from .report import write_matrix

        if self.store is None:
            raise RuntimeError("use Screening as a context manager: with Screening(...) as s:")
        baseline = (self.store.folder_state(), self.store.last_written_run())
        reports: dict[str, RunReport] = {}
        self.runners: dict[str, IncrementalRun] = {}
        for i, (slug, job) in enumerate(jobs.items()):
            screener = replace_job(self.screener, job)
            runner = IncrementalRun(
                screener, self.store, self.out / slug, retry_failed=self.retry_failed,
                pool=self._pool(), baseline=baseline,
            )  # fmt: skip
            reports[slug] = self._run(runner, folder, progress if i == 0 else None,
                                      on_total if i == 0 else None)  # fmt: skip
            self.runners[slug] = runner
        rendered = {slug: r.rendered for slug, r in self.runners.items() if r.rendered}
        try:
            write_matrix(rendered, self.out)
        except OSError as exc:
            raise OutputError(self.out, exc) from None
        return reports

    def run(
        self,
        folder: str | os.PathLike[str],
        progress: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> RunReport:
        """One run over the folder (see pipeline/run/incremental.py for what it does). A
        SIGTERM received meanwhile stops it after the file in hand (`Interrupted`)."""
        if self.store is None:
            raise RuntimeError("use Screening as a context manager: with Screening(...) as s:")
        self.runner = runner = IncrementalRun(
            self.screener, self.store, self.out, retry_failed=self.retry_failed, pool=self._pool()
        )
        return self._run(runner, folder, progress, on_total)

    def _run(self, runner: IncrementalRun, folder, progress, on_total) -> RunReport:
        folder = Path(folder)
        if not folder.is_dir():
            raise NotADirectoryError(f"not a folder: {folder}")
        self.runner = runner
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, lambda *_: runner.stop()) if in_main else None
        try:
            return runner.run(folder, progress=progress, on_total=on_total)
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)


def forget(
    store_path: str | os.PathLike[str],
    ids: Iterable[str] = (),
    files: Iterable[str] = (),
    retention_days: int | None = None,
    dry_run: bool = False,
) -> Erasure:
    """Erase applicants from a store by candidate id or sha256 (a unique prefix), by a file
    name they were seen under, or first seen more than `retention_days` (>= 1) ago; then
    rewrite the last run's outputs without them.

    Raises FileNotFoundError when there is no store, StoreLocked when a run holds it,
    LookupError naming every id or file that matches nothing (nothing is erased then), and
    ValueError for an ambiguous prefix or a retention under one day.
    """
    from .incremental import retention_cutoff

    if retention_days is not None and retention_days < 1:
        raise ValueError("--retention-days must be at least 1")
    path = Path(store_path)
    if not path.is_file():
        raise FileNotFoundError(f"no store at {path}")
    with RunLock(path):
        store = Store(path)
        try:
            doomed: set[str] = set()
            unknown: list[str] = []
            for given in ids:
                found = store.match_ids(given.strip())
                if len(found) > 1:
                    raise ValueError(
                        f"id {given} matches {len(found)} applicants: give more digits"
                    )
                if not found:
                    unknown.append(f"id {given}")
                doomed.update(found)
            for name in files:
                found = store.sha_for_name(name)
                if not found:
                    unknown.append(f"file {name}")
                doomed.update(found)
            if retention_days is not None:
                doomed.update(store.applicants_older_than(retention_cutoff(retention_days)))
            if unknown:
                raise LookupError("no applicant matches " + ", ".join(unknown))
            if dry_run or not doomed:
                return Erasure(tuple(sorted(doomed)), dry_run)
            store.forget(doomed)
            out_dir = regenerate_outputs(store, _screener_for_run)
            return Erasure(tuple(sorted(doomed)), False, out_dir)
        finally:
            store.close()


def _screener_for_run(run: dict) -> Screener:
    from ..score.job import job_from_stored

    blind = bool((run.get("report") or {}).get("blind"))
    return Screener(job_from_stored(run["job"]), top=run["top"], blind=blind)


def replace_job(screener: Screener, job: JobDefinition) -> Screener:
    """A Screener like this one for another job (its lexicon, matcher and model are shared)."""
    import copy

    other = copy.copy(screener)
    other.job = job
    return other


def check_writable(folder: Path) -> None:
    """Create the output folder (owner only) and make sure a file can be written in it, so a
    run fails before parsing rather than after (OutputError names the path and the reason)."""
    probe = folder / ".pipeline-write-check"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(folder, exc) from None


def run_nightly(
    folder: str | os.PathLike[str], job: JobDefinition, out: str | os.PathLike[str], **options
) -> RunReport:
    """Screen `folder` against `job` once, over the store in `out` (or `store=`); the options
    are those of `Screening`."""
    with Screening(job, out, **options) as screening:
        return screening.run(folder)
