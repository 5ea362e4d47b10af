"""Fault injection for the crash and isolation tests; kept here, out of the library.

- As a program: `python tests/faults.py screen ...` runs the CLI with the supervisor made to
  sleep (FAULT_DELAY seconds) after each file is marked in flight, or to die by SIGKILL right
  after FAULT_CRASH_ON is marked in flight.
- As a worker screener: `WorkerConfig(screener_factory="faults:faulty_screener")` builds a
  Screener whose extract() misbehaves on the files named in FAULTS ("name:kind,..."; kinds:
  hang, spin, memory, crash, socket).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _misbehave(path: str, spec: str) -> None:
    for item in spec.split(","):
        name, _, kind = item.partition(":")
        if Path(path).name != name:
            continue
        if kind == "hang":
            time.sleep(3600)
        elif kind == "spin":
            while True:
                pass
        elif kind == "memory":
            hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]
            del hog
        elif kind == "crash":
            os._exit(3)
        elif kind == "socket":
            import socket

            socket.create_connection(("127.0.0.1", 9))


def faulty_screener(config):
    """A worker's Screener that misbehaves on the files named in $FAULTS."""
    from dataclasses import replace

    from pipeline.run.workers import screener_from_config

    screener = screener_from_config(replace(config, screener_factory=None))
    extract = screener.extract
    spec = os.environ.get("FAULTS", "")

    def faulty(path):
        _misbehave(str(path), spec)
        return extract(path)

    screener.extract = faulty
    return screener


def main() -> None:
    from pipeline.run import incremental

    crash_on = os.environ.get("FAULT_CRASH_ON")
    delay = float(os.environ.get("FAULT_DELAY", "0") or 0)
    started = incremental.IncrementalRun._started

    def faulty_started(self, entry, now, run_id):
        started(self, entry, now, run_id)
        if delay:
            time.sleep(delay)
        if crash_on and entry.name == crash_on:
            os.kill(os.getpid(), signal.SIGKILL)

    incremental.IncrementalRun._started = faulty_started
    from pipeline.cli import main as cli_main

    sys.argv = ["resume-screening", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
