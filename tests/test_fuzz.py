"""Every input that once crashed a reader (found by benchmarks/fuzz.py, kept in
tests/fuzz_regressions/<reader>/) is refused with a reason code, and a short mutation run of
each reader finds nothing new (the long runs are benchmarks/fuzz.py's, not CI's)."""

from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import fuzz  # noqa: E402

from pipeline.errors import ParseError  # noqa: E402

KEPT = sorted((ROOT / "tests" / "fuzz_regressions").glob("*/*"))
REGRESSIONS = [p for p in KEPT if not p.name.startswith("timeout-")]
SLOW = [p for p in KEPT if p.name.startswith("timeout-")]  # stopped by the worker time limit
READERS = [name for name in fuzz.readers() if name != "doc"]  # doc: antiword's own code


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_kept_crash_is_refused_cleanly(path):
    fuzz.harness(path.parent.name)(path.read_bytes())  # ParseError is caught by the harness


@pytest.mark.slow
@pytest.mark.parametrize("path", SLOW, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_kept_slow_input_is_stopped_by_the_worker_time_limit(path, tmp_path, tiny_lexicon):
    """Inputs that made a reader run past the fuzzer's limit: in a batch, the isolated worker
    stops them at --timeout and the file fails with "timeout" (or is refused sooner)."""
    from pipeline.run.workers import Limits, WorkerConfig, WorkerPool

    engine = "pdfplumber" if path.parent.name == "pdf_plumber" else "pdfium"
    target = tmp_path / "slow-input"
    target.write_bytes(path.read_bytes())
    config = WorkerConfig(tiny_lexicon.path, None, engine, "lxml", None, ocr=False)
    ((_, outcome),) = list(WorkerPool(config, 1, Limits(timeout=5, cpu_seconds=5)).map([target]))
    assert outcome.status == "failed" and outcome.reason is not None


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(4)
        at = rng.randrange(len(out) + 1)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif kind == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif kind == 2 and out:
            del out[at : at + rng.randint(1, 16)]
        else:
            start = rng.randrange(len(out) + 1)
            out[at:at] = out[start : start + rng.randint(1, 32)]
    return bytes(out)


@pytest.mark.slow
@pytest.mark.parametrize("name", READERS)
def test_a_short_mutation_run_finds_no_crash(name):
    """300 seeded mutations of a valid file per reader: each is read or refused with a
    reason, never an unexpected exception."""
    function, seed = fuzz.readers()[name]
    data = seed()
    rng = random.Random(name)
    for _ in range(300):
        with contextlib.suppress(ParseError):
            function(_mutate(data, rng))
