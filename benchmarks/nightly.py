"""Nightly run over a folder of 100,000 entries (issue 16): supervisor time and memory.

Prints figures; it is not a test. A folder of 100,000 small text resumes is written and the
store is seeded directly, as a finished nightly run leaves it (file names, hash cache, profiles
and scores copied from 20 really parsed resumes, the folder's state, a run whose outputs were
written), so seeding parses 20 files, not 100,000; its time is printed and not counted. Then,
`--repeats` times, from that same seeded store:
1. a nightly run over the folder with `--new` new resumes (100,100 entries);
2. a rerun with nothing new.
Each run is `Screening(job, out, workers=...).run(folder)`, as `screen` does, in a fresh
process (so neither the seeding nor an earlier run counts in its memory), and reports:
- run: from opening the `Screening` (lock, store) to closing it;
- parsing: the time the run spent on the new files (worker start and model load included,
  then each file parsed, scored and stored), and beyond it: hashing/stat of every entry, the
  store's reads and writes, the shortlist of every candidate, the report and the outputs;
- startup: the process's imports, the job and the lexicon, once per process, not in `run`;
- the supervisor's peak RSS (VmHWM of its own address space; ru_maxrss is not used because
  Linux carries a parent's high-water mark into a child across fork and exec), and the
  parsing worker's.
Medians over the repeats, with plain baselines over the same folder (warm page cache): scandir
+ lstat of every entry, and sha256 of every file. The model is pinned (PIPELINE_MODEL) at start.
Run: python benchmarks/nightly.py [--applicants 100000] [--new 100] [--repeats 3] [--workers 1]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
SEEDED = "2026-01-01T00:00:00+00:00"
STORE = "screening.sqlite3"

SKILLS = [
    "Python",
    "PyTorch",
    "scikit-learn",
    "Pandas",
    "AWS SageMaker",
    "Docker",
    "Tableau",
    "statistics",
    "BERT",
    "SQL",
    "R",
    "TensorFlow",
    "Kubernetes",
    "Spark",
    "Azure",
]


def resume(i: int) -> str:
    picked = ", ".join(SKILLS[(i * 7 + j) % len(SKILLS)] for j in range(2 + i % 9))
    return (
        f"Applicant {i}\nSUMMARY\nEngineer {i} who builds data products for client {i % 97}.\n"
        f"EXPERIENCE\nData Engineer, Company {i % 301}, 20{10 + i % 12} - Present\n"
        f"• Built pipelines with {picked}.\n• Worked with team {i % 13} on reporting.\n"
        f"SKILLS\n{picked}\n"
    )


def seed(folder: Path, store_path: Path, count: int) -> None:
    """Write `count` resumes and put them in the store as a finished run leaves them: names,
    hash cache, profiles, scores, the folder's state, and a run whose outputs were written
    (so the next run reports only its own applicants as new). One transaction for all rows."""
    from pipeline import Screener, load_job
    from pipeline.read import PARSER_VERSION
    from pipeline.records import candidate_id
    from pipeline.run.report import CandidateRow, candidate_entry
    from pipeline.run.runreport import RunCounts, RunReport
    from pipeline.run.store import Store, Versions

    job = load_job(JOB)
    screener = Screener(job)
    templates = []
    for k in range(20):  # real profiles to copy: parsing 100,000 files would take hours
        path = folder / f"template-{k}.txt"
        path.write_text(resume(10_000_000 + k))
        outcome = screener.score(screener.extract(path))
        assert outcome.status == "scored", outcome.reason
        templates.append((outcome.profile.to_dict(), candidate_entry(outcome)))
        path.unlink()
    versions = Versions(PARSER_VERSION, screener.lexicon.version, screener.model_version)
    store = Store(store_path)
    run_id = store.start_run(SEEDED, job.sha256, job.to_dict(), str(store_path.parent), 10)
    rows = []
    with store.transaction() as db:
        for i in range(count):
            name = f"applicant-{i:06d}.txt"
            path = folder / name
            data = resume(i).encode()
            path.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            info = os.lstat(path)
            profile, entry = templates[i % len(templates)]
            ids = {"sha256": sha, "candidate_id": candidate_id(sha)}
            store.add_name(db, sha, name, SEEDED, run_id)
            store.remember_file(
                db, os.path.abspath(path), info.st_size, info.st_mtime_ns, info.st_ino, sha
            )
            store.mark_in_flight(db, sha, versions, SEEDED)
            # Each seeded applicant stands for a different person: a text signature of its own
            # (random, as distinct texts' are), never the template's (copies would be grouped).
            signature = {"text_signature": distinct_signature(i)}
            profile_json = json.dumps(profile | ids | signature | {"source": name}, sort_keys=True)
            store.save_profile(db, sha, versions, "scored", None, profile_json, SEEDED)
            contacts = profile["contacts"]
            store.save_identity(
                db, sha, versions.parser, contacts["emails"], contacts["phones"],
                signature["text_signature"],
            )  # fmt: skip
            row = CandidateRow.from_entry(entry | ids, (name,))
            store.save_score(db, sha, versions, job.sha256, row)
            rows.append((name, sha, None))
        store.save_folder(db, rows, SEEDED, run_id)
    report = RunReport(
        run=run_id,
        started=SEEDED,
        input_dir=os.path.abspath(folder),
        job_title=job.title,
        job_sha256=job.sha256,
        versions=dict(zip(("parser", "lexicon", "model"), versions.key(), strict=True)),
        counts=RunCounts(entries=count, new=count, candidates=count, candidates_in_store=count),
    )
    store.finish_run(run_id, SEEDED, report.to_dict())
    store.outputs_written(run_id)
    store.close()


def distinct_signature(i: int) -> list[int]:
    """A MinHash-like signature of 128 values under 2^31, different for every i."""
    digest = hashlib.shake_128(f"applicant-{i}".encode()).digest(128 * 4)
    return [int.from_bytes(digest[k : k + 4], "little") % ((1 << 31) - 1) for k in range(0, 512, 4)]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: of this address space only)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_once(folder: str, out: str, workers: int) -> dict:
    """One nightly run in this (fresh) process, as `screen` does it; returns its figures."""
    began = time.perf_counter()
    from pipeline import Screening, load_job

    screening = Screening(load_job(JOB), out, workers=workers)
    _ = screening.screener.lexicon  # once per process, like the imports
    startup = time.perf_counter() - began
    rss_startup = peak_rss_mb()
    began = time.perf_counter()
    with screening:
        report = screening.run(folder)
    run = time.perf_counter() - began
    runner = screening.runner
    assert runner is not None
    pool = runner.pool
    return {
        "startup": startup,
        "run": run,
        "parse": runner.parse_seconds,
        "parsed": runner.parsed,
        "rss_startup_mb": rss_startup,
        "rss_peak_mb": peak_rss_mb(),
        "worker_rss_mb": getattr(pool, "peak_worker_rss_mb", None),
        "report": report.to_dict(),
    }


def measure(folder: Path, out: Path, workers: int) -> dict:
    """`run_once` in a fresh interpreter; adds the process's wall time as cron would see it."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--run-once", str(folder), str(out), str(workers)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    from pipeline import RunReport

    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process"] = time.perf_counter() - began
    figures["report"] = RunReport.from_dict(figures["report"])
    return figures


def baselines(folder: Path) -> tuple[float, float]:
    """Seconds to scandir + lstat every entry, and to read and sha256 every file."""
    began = time.perf_counter()
    with os.scandir(folder) as entries:
        for entry in entries:
            os.lstat(entry.path)
    listed = time.perf_counter() - began
    began = time.perf_counter()
    with os.scandir(folder) as entries:
        for entry in entries:
            with open(entry.path, "rb") as handle:
                hashlib.sha256(handle.read()).hexdigest()
    return listed, time.perf_counter() - began


def check(figures: dict, entries: int, new: int) -> str:
    """What differs from the expected counts ('' when all is as expected)."""
    report = figures["report"]
    c = report.counts
    found = {
        "entries": (c.entries, entries),
        "new": (c.new, new),
        "unchanged": (c.unchanged, entries - new),
        "candidates": (c.candidates, entries),
        "failed": (c.failed, 0),
        "new since last run": (len(report.new_since_last_run), new),
        "parsed": (figures["parsed"], new),
    }
    return "; ".join(f"{k}={v} (expected {e})" for k, (v, e) in found.items() if v != e)


def main() -> None:
    if sys.argv[1:2] == ["--run-once"]:
        folder, out, workers = sys.argv[2:5]
        print(json.dumps(run_once(folder, out, int(workers))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=1, help="parsing workers (0: parse in the supervisor)"
    )
    args = parser.parse_args()
    from pipeline.skills.classify import default_model_dir

    # Pin the model for the seeding and every run: a newer model folder appearing meanwhile
    # would change the model version and make a run parse the whole folder again.
    model = default_model_dir()
    os.environ["PIPELINE_MODEL"] = str(model) if model else "none"

    tmp = Path(tempfile.mkdtemp(prefix="nightly-"))
    try:
        folder, seeded_store = tmp / "inbox", tmp / "seeded" / STORE
        folder.mkdir()
        began = time.perf_counter()
        seed(folder, seeded_store, args.applicants)
        seeded = time.perf_counter() - began
        entries = args.applicants + args.new
        print(
            f"seeded {args.applicants} applicants in {seeded:.1f} s (not counted): store "
            f"{seeded_store.stat().st_size / 1e6:.0f} MB; {args.new} new files per nightly run, "
            f"{entries} entries; workers={args.workers}; model {os.environ['PIPELINE_MODEL']}"
        )
        runs: list[tuple[dict, dict]] = []
        listed, hashed = [], []
        for attempt in range(args.repeats):
            for path in folder.glob("new-*.txt"):
                path.unlink()
            for i in range(args.new):
                text = resume(args.applicants + 1000 + i)
                (folder / f"new-{i:04d}.txt").write_text(text)
            out = tmp / "out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(mode=0o700)
            shutil.copyfile(seeded_store, out / STORE)
            night = measure(folder, out, args.workers)
            rerun = measure(folder, out, args.workers)
            size = sum(p.stat().st_size for p in out.glob(STORE + "*")) / 1e6
            shortlist = (out / "shortlist.json").stat().st_size / 1e6
            base = baselines(folder)
            listed.append(base[0])
            hashed.append(base[1])
            runs.append((night, rerun))
            for label, figures, new in (("nightly", night, args.new), ("rerun", rerun, 0)):
                worker = figures["worker_rss_mb"]
                problems = check(figures, entries, new)
                print(
                    f"repeat {attempt + 1} {label:7s}: run {figures['run']:6.2f} s = parsing "
                    f"{figures['parsed']} files {figures['parse']:5.2f} s + beyond "
                    f"{figures['run'] - figures['parse']:6.2f} s; startup "
                    f"{figures['startup']:.2f} s; process {figures['process']:6.2f} s; "
                    f"supervisor peak RSS {figures['rss_peak_mb']:6.0f} MB "
                    f"({figures['rss_startup_mb']:.0f} MB after startup)"
                    + (f"; worker peak RSS {worker:.0f} MB" if worker else "")
                    + (f"; UNEXPECTED: {problems}" if problems else "")
                )
            print(
                f"repeat {attempt + 1} store {size:.0f} MB, shortlist.json {shortlist:.0f} MB; "
                f"baselines: scandir+lstat {base[0]:.2f} s, sha256 of every file {base[1]:.2f} s"
            )

        def median(which: int, key) -> float:
            return statistics.median(key(pair[which]) for pair in runs)

        scan, sha = statistics.median(listed), statistics.median(hashed)
        print(f"\nmedians over {args.repeats} repeats, {entries} entries:")
        print(f"  baseline  scandir + lstat of every entry  {scan:7.2f} s")
        print(f"  baseline  sha256 of every file            {sha:7.2f} s")
        for which, label in ((0, f"nightly, {args.new} new"), (1, "rerun, nothing new")):
            run = median(which, lambda f: f["run"])
            beyond = median(which, lambda f: f["run"] - f["parse"])
            print(
                f"  {label:20s} run {run:7.2f} s, parsing {median(which, lambda f: f['parse']):.2f}"
                f" s, beyond parsing {beyond:.2f} s (= {beyond / scan:.0f}x scandir+lstat, "
                f"{beyond / sha:.1f}x sha256 of every file); process "
                f"{median(which, lambda f: f['process']):.2f} s; supervisor peak RSS "
                f"{median(which, lambda f: f['rss_peak_mb']):.0f} MB"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
