"""Isolated parsing workers: one process per core, each with memory, CPU and time limits.

The supervisor (the main process) hands files to each worker over a pipe (one
being parsed, one waiting behind it) and waits on all of them. A worker that
runs past its wall-clock timeout, dies (a crash, a CPU or memory limit, the
kernel's OOM killer) or hangs is killed and replaced; its file fails with a
reason, the file waiting behind it is parsed later, and the batch goes on.
Unlike `concurrent.futures.ProcessPoolExecutor`, one dead worker does not fail
the other files. Workers load the lexicon, matcher and model once, die with the
supervisor (PR_SET_PDEATHSIG), and may not open sockets.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

log = logging.getLogger("pipeline")

DEFAULT_MEMORY_MB = 1024
DEFAULT_CPU_SECONDS = 30
DEFAULT_TIMEOUT = 60.0
IN_FLIGHT = 2  # files handed to a worker at a time (see WorkerPool.map)


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB  # address space of a worker (RLIMIT_AS)
    cpu_seconds: int = DEFAULT_CPU_SECONDS  # CPU time per file (RLIMIT_CPU, raised per file)
    timeout: float = DEFAULT_TIMEOUT  # wall-clock seconds per file, enforced by the supervisor


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build its own Screener (picklable)."""

    lexicon_dir: str | None
    model_dir: str | None  # None: no model; "default": the shipped one
    pdf_engine: str
    docx_engine: str
    as_of: str | None
    ocr: bool = True  # OCR pages without a text layer (when Tesseract is installed)
    # "module:callable" that builds the worker's Screener from this config instead (a custom
    # extraction step; the isolation tests use it to plant faults).
    screener_factory: str | None = None


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _no_network() -> None:
    """Refuse socket creation and connections inside the worker (audit hook, stays for life)."""

    def hook(event: str, args: tuple) -> None:
        if event in ("socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo"):
            raise PermissionError("network access is disabled in parsing workers")

    sys.addaudithook(hook)


def _set_memory_limit(limits: Limits) -> None:
    import resource

    if limits.memory_mb:
        size = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _cpu_cap(limits: Limits) -> None:
    """Allow this file `cpu_seconds` more CPU time; past it the kernel sends SIGXCPU/SIGKILL."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = spent + limits.cpu_seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    # Only the soft limit moves (SIGXCPU ends the worker); a hard limit cannot be raised again.
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def screener_from_config(config: WorkerConfig):
    """The Screener a worker (local or Dask) parses with; built once per process."""
    from datetime import date

    from .screener import Screener

    if config.screener_factory:
        import importlib

        module, _, name = config.screener_factory.partition(":")
        return getattr(importlib.import_module(module), name)(config)
    lexicon = None
    if config.lexicon_dir:
        from ..skills.lexicon import load_lexicon

        lexicon = load_lexicon(config.lexicon_dir)
    model: Any = "default"
    if config.model_dir is None:
        model = None
    elif config.model_dir != "default":
        from ..skills.classify import load_model

        model = load_model(config.model_dir)
    return Screener(
        lexicon=lexicon,
        pdf_engine=config.pdf_engine,
        docx_engine=config.docx_engine,
        as_of=date.fromisoformat(config.as_of) if config.as_of else None,
        model=model,
        ocr=config.ocr,
    )


def _import_spacy_without_cli() -> None:
    """Import spaCy with a placeholder for its command line (`spacy.cli`), which a worker never
    runs: spaCy's package imports its CLI (download, project, training commands) only to
    export `spacy.info`, a fifth of a second of a worker's start. Should a spaCy release
    need more of `spacy.cli` than that, the placeholder is dropped and spaCy imported whole.
    Only worker processes do this; the supervisor and library users get spaCy as it is."""
    import types

    if "spacy" in sys.modules:
        return
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")

    def unavailable(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("spaCy's command line is not loaded in parsing workers")

    info.info = unavailable  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": cli, "spacy.cli.info": info})
    try:
        import spacy
    except Exception:
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy  # noqa: F401


def _worker_main(conn: Connection, config: WorkerConfig, limits: Limits) -> None:
    _die_with_parent()
    # The supervisor decides when to stop (a SIGTERM to the whole group, as systemd sends,
    # lets it finish the file in hand); the worker dies with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    _import_spacy_without_cli()
    screener = screener_from_config(config)
    _ = screener.matcher, screener.model  # load once, before any untrusted file
    _set_memory_limit(limits)
    _no_network()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, path = task
        _cpu_cap(limits)
        try:
            outcome = screener.extract(path)
        except MemoryError:
            outcome = _failed(path, "memory_limit")
        except PermissionError:
            outcome = _failed(path, "internal_error")
        conn.send(("done", (task_id, outcome)))


def _failed(path: str, reason: str):
    from ..records import FileOutcome
    from .screener import display_name

    return FileOutcome(display_name(Path(path)), None, "failed", reason=reason)


class _Worker:
    def __init__(self, ctx, config: WorkerConfig, limits: Limits) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, config, limits), daemon=True)
        self.process.start()
        child.close()
        # Files sent and not yet done, in the order the worker takes them: the first is being
        # parsed (since `started`), the others wait in the pipe.
        self.tasks: deque[tuple[int, str]] = deque()
        self.started = 0.0
        self.ready = False

    def peak_rss_mb(self) -> float:
        """The worker's peak resident memory so far (Linux: VmHWM), 0 when unknown."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
        return 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Runs `Screener.extract` on files in isolated workers; yields (task id, FileOutcome)."""

    def __init__(
        self, config: WorkerConfig, workers: int | None = None, limits: Limits | None = None
    ) -> None:
        self.config = config
        self.size = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or Limits()
        # spawn: each worker is a fresh interpreter and a direct child of the supervisor, so
        # PR_SET_PDEATHSIG fires when the supervisor dies (a forkserver would outlive it).
        self.ctx = mp.get_context("spawn")
        self.replaced = 0
        self.peak_worker_rss_mb = 0.0  # the largest worker's peak RSS, across map() calls

    def map(self, paths: Iterable[str], on_start: Callable[[int], None] | None = None):
        """Process every path; yields (index, outcome) in completion order. `on_start(index)` is
        called just before a file is handed to a worker.

        Each worker holds up to IN_FLIGHT files: the next one waits in its pipe, so it starts
        at once when the current one is done, instead of after the outcome has reached this
        process and the caller has handled it (saved it, say). When a worker dies or runs out
        of time, the file it was parsing fails with the reason; the files waiting behind it
        go back to the front of the queue."""
        todo = deque(enumerate(map(str, paths)))
        if not todo:
            return  # nothing to parse: no worker is started (a rerun with nothing new)
        count = min(self.size, len(todo))
        workers = [_Worker(self.ctx, self.config, self.limits) for _ in range(count)]
        try:
            while todo or any(w.tasks for w in workers):
                for depth in range(1, IN_FLIGHT + 1):  # an idle worker first, then the queues
                    for w in workers:
                        if w.ready and todo and len(w.tasks) < depth:
                            task = todo.popleft()
                            if not w.tasks:
                                w.started = time.monotonic()
                            w.tasks.append(task)
                            if on_start is not None:
                                on_start(task[0])
                            with suppress(BrokenPipeError, OSError):  # a dead worker: see below
                                w.conn.send(task)
                timeout = self._next_deadline(workers)
                ready = wait(
                    [w.conn for w in workers] + [w.process.sentinel for w in workers],
                    timeout=timeout,
                )
                for i, w in enumerate(list(workers)):
                    kind = None
                    if w.conn in ready:
                        try:
                            kind, payload = w.conn.recv()
                        except (EOFError, OSError):
                            kind, payload = "dead", None
                        if kind == "ready":
                            w.ready = True
                            continue
                        if kind == "done":
                            task_id, outcome = payload
                            w.tasks.popleft()
                            w.started = time.monotonic()  # the next one, if any, has begun
                            yield task_id, outcome
                            continue
                    expired = w.tasks and time.monotonic() - w.started > self.limits.timeout
                    dead = not w.process.is_alive() or (w.conn in ready and kind == "dead")
                    if expired or dead:
                        reason = "timeout" if expired else _death_reason(w.process.exitcode)
                        tasks = list(w.tasks)
                        self.peak_worker_rss_mb = max(self.peak_worker_rss_mb, w.peak_rss_mb())
                        w.kill()
                        workers[i] = _Worker(self.ctx, self.config, self.limits)
                        self.replaced += 1
                        if tasks:
                            todo.extendleft(reversed(tasks[1:]))  # not begun: parsed later
                            log.warning("worker for task %d stopped: %s", tasks[0][0], reason)
                            yield tasks[0][0], _failed(tasks[0][1], reason)
                        elif not w.ready:
                            raise RuntimeError("a parsing worker could not start")
        finally:
            # Every worker is idle or its files are given up: nothing of theirs is left to
            # save, so they are killed rather than waited for (a worker's interpreter takes a
            # tenth of a second or more to tear down spaCy and its model).
            for w in workers:
                self.peak_worker_rss_mb = max(self.peak_worker_rss_mb, w.peak_rss_mb())
                w.kill()

    def _next_deadline(self, workers) -> float:
        now = time.monotonic()
        waits = [self.limits.timeout - (now - w.started) for w in workers if w.tasks]
        return max(0.05, min(waits)) if waits else 1.0


class _ChildProcess:
    """The bits of multiprocessing.Process a worker is watched through, for a subprocess."""

    def __init__(self, popen: subprocess.Popen) -> None:
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            self.popen.kill()

    def join(self, timeout: float | None = None) -> None:
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)


class _ChildWorker(_Worker):
    """A worker started as a plain subprocess (not by multiprocessing), talking over a socket
    pair: it can be started from a daemonic process, such as a Dask worker."""

    def __init__(self, config: WorkerConfig, limits: Limits) -> None:
        import socket
        from multiprocessing.connection import Connection

        parent, child = socket.socketpair()
        code = (
            "import sys; from pipeline.run.workers import _child_main; "
            "_child_main(int(sys.argv[1]))"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        popen = subprocess.Popen(
            [sys.executable, "-c", code, str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.conn.send((config, limits))
        self.process = _ChildProcess(popen)
        self.task = None
        self.started = 0.0
        self.ready = False


def _child_main(fd: int) -> None:
    """Entry point of a `_ChildWorker`: read the config, then serve like a pool's worker."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    config, limits = conn.recv()
    _worker_main(conn, config, limits)


class IsolatedExtractor:
    """One isolated worker process kept for many files: `extract(path)` runs in it under the
    same memory, CPU and wall-clock limits as a pool's workers, and a worker that hangs, dies
    or runs out of a limit is replaced, its file failing with the reason. Used on Dask
    workers, which otherwise would run the parser in their own process without limits."""

    def __init__(self, config: WorkerConfig, limits: Limits | None = None) -> None:
        self.config = config
        self.limits = limits or Limits()
        self.worker: _ChildWorker | None = None
        self.tasks = 0

    def extract(self, path: str):
        worker = self.worker
        if worker is None or not worker.process.is_alive():
            worker = self.worker = _ChildWorker(self.config, self.limits)
        if not worker.ready:
            kind, _ = worker.conn.recv()  # worker start-up is not counted against the file
            if kind != "ready":
                raise RuntimeError("a parsing worker could not start")
            worker.ready = True
        self.tasks += 1
        task = (self.tasks, str(path))
        try:
            worker.conn.send(task)
            if worker.conn.poll(self.limits.timeout):
                kind, payload = worker.conn.recv()
                if kind == "done":
                    return payload[1]
        except (EOFError, OSError):
            pass
        expired = worker.process.is_alive()
        reason = "timeout" if expired else _death_reason(worker.process.exitcode)
        worker.kill()
        self.worker = None
        log.warning("isolated worker stopped: %s", reason)
        return _failed(str(path), reason)

    def close(self) -> None:
        if self.worker is not None:
            with suppress(BrokenPipeError, OSError):
                self.worker.conn.send(None)
            self.worker.process.join(timeout=2)
            self.worker.kill()
            self.worker = None


def _death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        if -exitcode == signal.SIGXCPU:
            return "cpu_limit"
        if -exitcode == signal.SIGKILL:
            return "worker_killed"
    return "worker_crashed"
