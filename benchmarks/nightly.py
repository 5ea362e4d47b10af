"""Nightly run cost over a large store: 10,000 stored applicants plus 100 new files.

Prints figures; it is not a test. The store is seeded directly (10,000 files on
disk, hashed, with profiles and scores in the store, as a real run leaves them)
so the benchmark does not spend minutes parsing; then it measures
1. a nightly run over the folder with 100 new resumes: total time, and the time
   beyond parsing the 100 new files (hashing/stat of 10,100 entries, store
   writes, shortlist of 10,100 candidates, report);
2. a rerun with nothing new.
Run: python benchmarks/nightly.py [--applicants 10000] [--new 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    """Write `count` resumes and put them in the store as if a run had processed them."""
    import hashlib

    from pipeline import Screener, load_job
    from pipeline.read import PARSER_VERSION
    from pipeline.run.incremental import IncrementalRun
    from pipeline.run.store import Store, Versions

    job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml")
    screener = Screener(job)
    store = Store(store_path)
    versions = Versions(PARSER_VERSION, screener.lexicon.version, screener.model_version)
    run_id = store.start_run("2026-01-01T00:00:00+00:00", job.sha256, job.to_dict(), "seed", 10)
    templates = []
    for k in range(20):  # real profiles to copy: parsing 10,000 files would take minutes
        path = folder / f"template-{k}.txt"
        path.write_text(resume(10_000_000 + k))
        templates.append(screener.score(screener.extract(path)))
        path.unlink()
    runner = IncrementalRun(screener, store, folder)
    with store.transaction() as db:
        for i in range(count):
            path = folder / f"applicant-{i:05d}.txt"
            data = resume(i).encode()
            path.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            info = os.lstat(path)
            template = templates[i % len(templates)]
            profile = template.profile.to_dict() | {
                "sha256": sha,
                "candidate_id": sha[:16],
                "source": path.name,
            }
            store.add_name(db, sha, path.name, "2026-01-01T00:00:00+00:00", run_id)
            store.remember_file(
                db,
                os.fsdecode(os.path.abspath(path)),
                info.st_size,
                info.st_mtime_ns,
                info.st_ino,
                sha,
            )
            store.mark_in_flight(db, sha, versions, "2026-01-01T00:00:00+00:00")
            store.save_profile(
                db,
                sha,
                versions,
                "scored",
                None,
                json.dumps(profile, sort_keys=True),
                "2026-01-01T00:00:00+00:00",
            )
            outcome = type(template)(
                path.name, sha, "scored", template.profile, scored=template.scored
            )
            runner._save_score(db, sha, outcome)
    store.close()


def nightly(folder: Path, out: Path, store_path: Path) -> tuple[float, float, int, dict]:
    from pipeline import Screener, load_job
    from pipeline.run.incremental import IncrementalRun
    from pipeline.run.lock import RunLock
    from pipeline.run.store import Store

    began = time.perf_counter()
    with RunLock(store_path):
        store = Store(store_path)
        job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml")
        screener = Screener(job)
        _ = screener.matcher  # the model load is per process, not per night's work
        load = time.perf_counter() - began
        runner = IncrementalRun(screener, store, out)
        report = runner.run(folder)
        store.close()
    total = time.perf_counter() - began - load
    return total, runner.parse_seconds, runner.parsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    beyond, reruns, totals = [], [], []
    for attempt in range(args.repeats):
        tmp = Path(tempfile.mkdtemp(prefix="nightly-"))
        folder, out, store_path = tmp / "inbox", tmp / "out", tmp / "out" / "screening.sqlite3"
        folder.mkdir()
        t0 = time.perf_counter()
        seed(folder, store_path, args.applicants)
        seeded = time.perf_counter() - t0
        for i in range(args.new):
            (folder / f"new-{i:04d}.txt").write_text(resume(args.applicants + 1000 + i))
        total, parse_seconds, parsed, report = nightly(folder, out, store_path)
        rerun, _, reparsed, rerun_report = nightly(folder, out, store_path)
        size = store_path.stat().st_size
        beyond.append(total - parse_seconds)
        reruns.append(rerun)
        totals.append(total)
        print(
            f"run {attempt + 1}: seeded {args.applicants} applicants in {seeded:.1f} s; "
            f"nightly with {args.new} new: {total:.2f} s total, {parse_seconds:.2f} s parsing "
            f"{parsed} files, {total - parse_seconds:.2f} s beyond parsing; rerun with nothing "
            f"new: {rerun:.2f} s (parsed {reparsed}); store {size / 1e6:.1f} MB; "
            f"candidates in shortlist {report['counts']['candidates_in_store']}; "
            f"rerun new={rerun_report['counts']['new']}"
        )
        shutil.rmtree(tmp)
    print(
        f"median over {args.repeats} runs: nightly total {statistics.median(totals):.2f} s, "
        f"beyond parsing the {args.new} new files {statistics.median(beyond):.2f} s "
        f"(target < 5 s), rerun with nothing new {statistics.median(reruns):.2f} s "
        f"(target < 5 s); spaCy/lexicon load excluded (once per process)"
    )


if __name__ == "__main__":
    main()
