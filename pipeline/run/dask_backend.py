"""Scale-out: the same per-file work as the local workers, on a Dask distributed cluster.

Only imported with `--backend dask`; the single-machine path never imports Dask.
Every Dask worker must see the input files at the same path (a shared or
network file system) and have this package installed. Results and failures come
back to the supervisor, which writes them to the store and the reports exactly
as for local workers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .workers import Limits, WorkerConfig

log = logging.getLogger("pipeline")

# Per Dask worker thread: one isolated parsing process per (config, limits), kept for its
# tasks, so the per-file limits hold on the cluster as they do locally. Per thread, because a
# Dask worker runs several tasks at once and one child serves one file at a time.
_EXTRACTORS: dict[tuple[WorkerConfig, Limits, int], Any] = {}


def extract_on_worker(path: str, config: WorkerConfig, limits: Limits) -> Any:
    """Runs on a Dask worker: parse one file in an isolated process with memory, CPU and
    wall-clock limits (a file that hangs or allocates fails with its reason)."""
    from .workers import IsolatedExtractor

    key = (config, limits, threading.get_ident())
    extractor = _EXTRACTORS.get(key)
    if extractor is None:
        extractor = _EXTRACTORS[key] = IsolatedExtractor(config, limits)
    return extractor.extract(path)


class DaskPool:
    """`WorkerPool`'s interface (map over paths, yielding (index, outcome)) on a Dask cluster."""

    def __init__(self, scheduler: str, config: WorkerConfig, limits: Limits | None = None) -> None:
        self.scheduler = scheduler
        self.config = config
        self.limits = limits or Limits()

    def map(self, paths: Iterable[str], on_start: Callable[[int], None] | None = None):
        from distributed import Client, as_completed

        paths = list(map(str, paths))
        with Client(self.scheduler, timeout=30) as client:
            futures = {}
            for index, path in enumerate(paths):
                if on_start is not None:
                    on_start(index)
                future = client.submit(
                    extract_on_worker,
                    path,
                    self.config,
                    self.limits,
                    pure=False,
                    retries=0,
                    key=f"extract-{index}-{Path(path).name}",
                )
                futures[future] = index
            for future in as_completed(futures):
                index = futures[future]
                try:
                    outcome = future.result()  # done: the time limit is applied on the worker
                except Exception as exc:  # a worker died or the task failed on the cluster
                    from .workers import _failed

                    log.warning("dask task %d failed: %s", index, type(exc).__name__)
                    outcome = _failed(paths[index], "worker_crashed")
                yield index, outcome
