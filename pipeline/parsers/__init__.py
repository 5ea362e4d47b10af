"""Turn a file into a `Document`: sniff the format, read it, put text in reading order."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..errors import ParseError
from ..records import Document, Line
from ..sniff import DOCX, PDF, decode_text, sniff_bytes
from ..textnorm import normalize_line

PARSER_VERSION = "1"
PDF_ENGINES = ("pdfium", "pdfplumber")
DOCX_ENGINES = ("lxml", "python-docx")
MAX_BYTES = 25 * 1024 * 1024
MIN_LETTERS = 40  # below this a document has no usable text


def parse(
    path: str | os.PathLike[str], pdf_engine: str = "pdfium", docx_engine: str = "lxml"
) -> Document:
    """Read one resume file. Raises ParseError with a reason code; never returns empty text."""
    path = Path(path)
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}, not {pdf_engine!r}")
    if docx_engine not in DOCX_ENGINES:
        raise ValueError(f"docx_engine must be one of {DOCX_ENGINES}, not {docx_engine!r}")
    data = _read_regular_file(path)
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_bytes(data[:8192], path)
    if kind == PDF:
        lines, pages, engine = _parse_pdf(path, pdf_engine)
    elif kind == DOCX:
        from .docx import read_lines

        lines, pages, engine = read_lines(path, docx_engine), 1, docx_engine
    else:
        lines, pages, engine = _text_lines(decode_text(data)), 1, "text"
    lines = _normalise(lines)
    letters = _count_letters(lines, MIN_LETTERS)
    if letters < MIN_LETTERS:
        if kind == PDF:
            raise ParseError("no_text_layer", f"{letters} letters on {pages} page(s)")
        raise ParseError("no_text", f"{letters} letters")
    return Document(
        source=path.name,
        sha256=digest,
        kind=kind,
        engine=engine,
        lines=tuple(lines),
        page_count=pages,
    )


def _count_letters(lines: list[Line], enough: int) -> int:
    """Letters in the document, counting only as far as `enough`."""
    count = 0
    for line in lines:
        count += sum(ch.isalpha() for ch in line.text)
        if count >= enough:
            break
    return count


def _read_regular_file(path: Path) -> bytes:
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise ParseError("not_a_regular_file")
    if info.st_size == 0:
        raise ParseError("empty_file")
    if info.st_size > MAX_BYTES:
        raise ParseError("too_large", f"{info.st_size} bytes > {MAX_BYTES}")
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as handle:
            # Re-check what was opened: the entry may have been swapped since lstat().
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ParseError("not_a_regular_file")
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    if not data:
        raise ParseError("empty_file")
    if len(data) > MAX_BYTES:
        raise ParseError("too_large")
    return data


def _parse_pdf(path: Path, engine: str) -> tuple[list[Line], int, str]:
    from .layout import order_page

    if engine == "pdfium":
        from .pdf_pdfium import read_words
    else:
        from .pdf_plumber import read_words
    pages, _sizes = read_words(path)
    lines: list[Line] = []
    for words in pages:
        lines.extend(order_page(words))
    return lines, len(pages), engine


def _text_lines(text: str) -> list[Line]:
    return [Line(text=line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _normalise(lines: list[Line]) -> list[Line]:
    out = []
    for line in lines:
        for piece in line.text.split("\n"):
            text = normalize_line(piece)
            if text:
                out.append(Line(text=text, page=line.page, size=line.size, bold=line.bold))
    return out
