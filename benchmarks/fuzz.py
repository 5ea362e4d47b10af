"""Coverage-guided fuzzing of every reader with atheris (libFuzzer), one reader per process.

Each reader gets arbitrary bytes (mutated from small valid seed files written here). A reader
may refuse input with ParseError (a reason code: that is the contract); anything else, a hang
past the per-input time limit, or a crash of the process is a bug. Every such input is kept
in tests/fuzz_regressions/<reader>/ so tests/test_fuzz.py replays it on every test run.

    python benchmarks/fuzz.py --minutes 30               # every reader, one after another
    python benchmarks/fuzz.py --reader rtf --minutes 30  # one reader
    python benchmarks/fuzz.py --list

Needs `pip install atheris`. Prints per reader: inputs tried, executions per second, new
crashes kept. Not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = ROOT / "tests" / "fuzz_regressions"
sys.path.insert(0, str(ROOT))

TEXT = (
    "Jordan Example\nSUMMARY\nData scientist with Python, PyTorch and SQL.\n"
    "EXPERIENCE\nML Engineer, Example Corp, Jan 2020 - Present\n- Built models on AWS.\n"
)


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    y = 760
    for line in TEXT.splitlines():
        c.drawString(60, y, line)
        y -= 14
    c.save()
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt() -> bytes:
    body = "".join(f"<text:p>{line}</text:p>" for line in TEXT.splitlines())
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    return out.getvalue()


def _rtf() -> bytes:
    lines = "\\par ".join(TEXT.splitlines())
    return ("{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}"
            f"\\f0\\fs22 {lines}\\par}}").encode()  # fmt: skip


def _html() -> bytes:
    body = "".join(f"<p>{line}</p>" for line in TEXT.splitlines())
    return f"<html><body style='color:#000'>{body}<div hidden>x</div></body></html>".encode()


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + TEXT.encode()


def readers():
    """name -> (function taking bytes, seed bytes)."""
    from pipeline.read import docx, html, images, odt, pdf_pdfium, pdf_plumber, rtf, sniff

    def parse_text(data: bytes):
        from pipeline.read import parse_source
        from pipeline.read.source import Source

        return parse_source(Source("fuzz", data, ""), ocr=False)

    def doc(data: bytes):
        from pipeline.read.doc import read_doc

        return read_doc(data)

    return {
        "pdf_pdfium": (pdf_pdfium.read_words, _pdf),
        "pdf_plumber": (pdf_plumber.read_words, _pdf),
        "docx_lxml": (lambda d: docx.read_lines(d, "lxml"), _docx),
        "docx_python_docx": (lambda d: docx.read_lines(d, "python-docx"), _docx),
        "odt": (odt.read_odt, _odt),
        "rtf": (rtf.read_rtf, _rtf),
        "html": (html.read_html, _html),
        "sniff_and_text": (lambda d: (sniff.sniff_format(d), parse_text(d)), lambda: TEXT.encode()),
        "image_header": (images.image_info, _png),
        "doc": (doc, _doc),
    }


def harness(name: str):
    from pipeline.errors import ParseError

    function = readers()[name][0]

    def one(data: bytes) -> None:
        with contextlib.suppress(ParseError):  # refusing bad input with a reason code: fine
            function(data)

    return one


def run_one(name: str, seconds: float, timeout: int) -> None:
    """The atheris child for one reader (libFuzzer writes crash-* files in the cwd)."""
    import atheris

    with atheris.instrument_imports(include=["pipeline"]):
        seed = readers()[name][1]()  # imports every reader module, instrumented
        one = harness(name)

    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    (corpus / "seed").write_bytes(seed)
    for old in (REGRESSIONS / name).glob("*"):
        (corpus / old.name).write_bytes(old.read_bytes())
    args = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={int(seconds)}",
        f"-timeout={timeout}",
        "-rss_limit_mb=2048",
        "-max_len=65536",
        "-print_final_stats=1",
    ]
    atheris.Setup(args, one)
    atheris.Fuzz()


def fuzz(name: str, seconds: float, timeout: int) -> dict:
    """Run one reader's fuzzer in a child until its time is up, restarting after each crash."""
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-out-"))
    deadline = time.monotonic() + seconds
    runs = crashes = 0
    kept: list[str] = []
    while (left := deadline - time.monotonic()) > 5:
        done = subprocess.run(
            [sys.executable, __file__, "--child", name, "--seconds", str(int(left)),
             "--timeout", str(timeout)],
            cwd=work, capture_output=True, text=True,
        )  # fmt: skip
        found = re.findall(r"stat::number_of_executed_units:\s+(\d+)", done.stderr)
        runs += int(found[-1]) if found else 0
        new = [p for p in work.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
        for path in new:
            data = path.read_bytes()
            folder = REGRESSIONS / name
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{path.name.split('-')[0]}-{hashlib.sha256(data).hexdigest()[:16]}"
            if not target.exists():
                target.write_bytes(data)
                kept.append(target.name)
            crashes += 1
            path.unlink()
        if not new:
            break  # the time was used up without a crash
    return {"reader": name, "inputs": runs, "seconds": seconds, "crashes": crashes, "kept": kept}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", action="append", help="reader name (repeatable); default all")
    parser.add_argument("--minutes", type=float, default=1.0, help="per reader")
    parser.add_argument("--timeout", type=int, default=10, help="seconds per input")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.seconds, args.timeout)
        return
    names = list(readers())
    if args.list:
        print("\n".join(names))
        return
    os.environ.setdefault("PIPELINE_TESSERACT", "none")  # OCR is Tesseract's, not ours
    for name in args.reader or names:
        result = fuzz(name, args.minutes * 60, args.timeout)
        rate = result["inputs"] / max(result["seconds"], 1)
        print(
            f"{name:18s} {result['inputs']:>10,} inputs in {result['seconds'] / 60:.0f} min "
            f"({rate:,.0f}/s); crashes {result['crashes']}; kept {result['kept'] or 'none'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
