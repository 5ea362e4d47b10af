"""A 1,000-file batch with 5% hostile files: wall time, files/s, peak memory.

Prints figures; it is not a test. Good files are livecareer PDFs (copied to a
temporary folder, never into the repo) when ../shared/data is present, else
generated resumes; hostile files are generated here: truncated and encrypted
PDFs, PDFs whose /Length points at itself, deflate bombs, zip-bomb and XXE
DOCX, FIFOs, symlinks to /dev/zero, directories named .docx, a sparse 1 GiB
file, empty files and undecodable file names.
Run: python benchmarks/robustness.py [--files 1000] [--hostile 50] [--workers N]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def good_files(folder: Path, count: int) -> str:
    source = SHARED / "livecareer" / "pdf"
    if source.is_dir():
        pdfs = sorted(source.glob("*/*.pdf"))
        step = max(1, len(pdfs) // count)
        for i, pdf in enumerate(pdfs[::step][:count]):
            shutil.copyfile(pdf, folder / f"good-{i:04d}.pdf")
        return f"{count} livecareer PDFs"
    for i in range(count):
        (folder / f"good-{i:04d}.txt").write_text(
            f"SUMMARY\nData engineer {i}.\nSKILLS\nPython, SQL, Pandas, AWS, Docker, team {i}.\n"
        )
    return f"{count} generated text resumes (../shared/data absent)"


def _docx_bytes(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def hostile_files(folder: Path, count: int) -> None:
    body = (
        b"<w:document xmlns:w='x'><w:body><w:p><w:r><w:t>Python</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    makers = [
        lambda p: p.with_suffix(".pdf").write_bytes(
            b"%PDF-1.4\n1 0 obj << /Length 1 0 R >>\nstream\n"
        ),
        lambda p: p.with_suffix(".pdf").write_bytes(
            b"%PDF-1.4\n1 0 obj << /Length 9999999 /Filter /FlateDecode >>\nstream\n"
            + zlib.compress(b"\0" * (50 * 1024 * 1024))
            + b"\nendstream endobj\n%%EOF"
        ),
        lambda p: p.with_suffix(".docx").write_bytes(_docx_bytes(body + b" " * (80 << 20))),
        lambda p: p.with_suffix(".docx").write_bytes(
            _docx_bytes(
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
                + body
            )
        ),
        lambda p: os.mkfifo(p.with_suffix(".pdf")),
        lambda p: p.with_suffix(".pdf").symlink_to("/dev/zero"),
        lambda p: p.with_suffix(".docx").mkdir(),
        lambda p: p.with_suffix(".pdf").write_bytes(b""),
        lambda p: p.with_suffix(".pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096)),
        lambda p: Path(
            os.fsdecode(bytes(p.with_suffix(".txt")).replace(b"hostile", b"h\xffst\xfe"))
        ).write_text("SKILLS\nPython and SQL, with a file name that is not UTF-8.\n"),
    ]
    for i in range(count):
        makers[i % len(makers)](folder / f"hostile-{i:03d}")
    with open(folder / "sparse-huge.pdf", "wb") as handle:  # one more: 1 GiB, almost no disk
        handle.truncate(1 << 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--hostile", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from pipeline import Screener, load_job
    from pipeline.run.incremental import IncrementalRun
    from pipeline.run.lock import RunLock
    from pipeline.run.store import Store
    from pipeline.run.workers import Limits, WorkerConfig, WorkerPool

    tmp = Path(tempfile.mkdtemp(prefix="robustness-"))
    folder = tmp / "in"
    folder.mkdir()
    hostile_count = args.hostile - 1  # the sparse file is the last one
    label = good_files(folder, args.files - args.hostile)
    hostile_files(folder, hostile_count)
    entries = len(os.listdir(folder))
    job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml")
    limits = Limits(memory_mb=1024, cpu_seconds=30, timeout=30)
    pool = WorkerPool(WorkerConfig(None, "default", "pdfium", "lxml", None), args.workers, limits)
    began = time.perf_counter()
    with RunLock(tmp / "out" / "s.sqlite3"):
        store = Store(tmp / "out" / "s.sqlite3")
        runner = IncrementalRun(Screener(job), store, tmp / "out", pool=pool)
        report = runner.run(folder)
        store.close()
    wall = time.perf_counter() - began
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = pool.peak_worker_rss_mb
    counts = report.counts
    reasons: dict[str, int] = {}
    for f in report.failed:
        reasons[f.reason] = reasons.get(f.reason, 0) + 1
    good_failed = [f for f in report.failed if f.file.startswith("good-")]
    print(
        f"batch: {entries} entries ({label}, {args.hostile} hostile), {args.workers} workers, "
        f"limits {limits.memory_mb} MB / {limits.cpu_seconds} s CPU / {limits.timeout} s wall"
    )
    print(
        f"wall {wall:.1f} s, {entries / wall:.1f} files/s; "
        f"candidates {counts.candidates_in_store}, "
        f"failed {counts.failed}; good files failed: {len(good_failed)} "
        f"({sorted({f.reason for f in good_failed})})"
    )
    print(f"failure reasons: {dict(sorted(reasons.items()))}")
    print(
        f"peak RSS: supervisor {self_peak:.0f} MB (target < 256), largest worker "
        f"{child_peak:.0f} MB (cap {limits.memory_mb} MB address space); "
        f"workers replaced: {pool.replaced}"
    )
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
