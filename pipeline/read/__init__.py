"""Turn a file into a `Document`: sniff the format, read it, put text in reading order."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParseError
from ..records import Document, Line
from ..text.normalize import normalize_line
from .sniff import DOC, DOCX, HTML, IMAGE, ODT, PDF, RTF, decode_text, sniff_bytes

PARSER_VERSION = "3"  # bump when parsing output changes: stored profiles key on it
PDF_ENGINES = ("pdfium", "pdfplumber")
DOCX_ENGINES = ("lxml", "python-docx")
MAX_BYTES = 25 * 1024 * 1024
MIN_LETTERS = 40  # below this a document has no usable text


def parse(
    path: str | os.PathLike[str],
    pdf_engine: str = "pdfium",
    docx_engine: str = "lxml",
    ocr: bool = True,
) -> Document:
    """Read one resume file. Raises ParseError with a reason code; never returns empty text.

    Pages without a text layer are OCRed with Tesseract when `ocr` is true and Tesseract is
    installed; otherwise such a file fails with `no_text_layer_ocr_unavailable`.
    """
    path = Path(path)
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}, not {pdf_engine!r}")
    if docx_engine not in DOCX_ENGINES:
        raise ValueError(f"docx_engine must be one of {DOCX_ENGINES}, not {docx_engine!r}")
    data = _read_regular_file(path)
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_bytes(data[:8192], path)
    result = _read(kind, path, data, pdf_engine, docx_engine, ocr)
    lines = _normalise(result.lines)
    letters = _count_letters(lines, MIN_LETTERS)
    if letters < MIN_LETTERS:
        if result.ocr_missing:
            raise ParseError("no_text_layer_ocr_unavailable", f"{result.ocr_missing} page(s)")
        if kind in (PDF, IMAGE):
            raise ParseError("no_text_layer", f"{letters} letters on {result.pages} page(s)")
        raise ParseError("no_text", f"{letters} letters")
    return Document(
        source=path.name,
        sha256=digest,
        kind=kind,
        engine=result.engine,
        lines=tuple(lines),
        page_count=result.pages,
        ocr_pages=result.ocr_pages,
        hidden_dropped=result.hidden_dropped,
    )


@dataclass
class _Read:
    """What one format reader produced, before normalisation."""

    lines: list[Line]
    engine: str
    pages: int = 1
    ocr_pages: int = 0  # pages whose text came from OCR
    ocr_missing: int = 0  # pages that needed OCR when Tesseract was not installed
    hidden_dropped: int = 0  # words a reader would not see (white, tiny, off-page, invisible)


def _read(kind: str, path: Path, data: bytes, pdf_engine: str, docx_engine: str, ocr: bool):
    if kind == PDF:
        return _parse_pdf(path, pdf_engine, ocr)
    if kind == DOCX:
        from .docx import read_lines

        lines, hidden = read_lines(path, docx_engine)
        return _Read(lines, docx_engine, hidden_dropped=hidden)
    if kind == IMAGE:
        from . import ocr as ocr_module

        if not ocr or not ocr_module.available():
            return _Read([], "tesseract", ocr_missing=1)
        from .layout import order_page

        words = ocr_module.ocr_image(path)  # pages of a TIFF stacked top to bottom
        pages = max((w.page for w in words), default=0) + 1
        return _Read(order_page(words), "tesseract", pages=pages, ocr_pages=pages)
    if kind == DOC:
        from .formats import read_doc

        return _Read(read_doc(path), "doc")
    if kind == RTF:
        from .formats import read_rtf

        lines, hidden = read_rtf(data)
        return _Read(lines, "rtf", hidden_dropped=hidden)
    if kind == ODT:
        from .formats import read_odt

        lines, hidden = read_odt(path)
        return _Read(lines, "odt", hidden_dropped=hidden)
    if kind == HTML:
        from .formats import read_html

        lines, hidden = read_html(data)
        return _Read(lines, "html", hidden_dropped=hidden)
    return _Read(_text_lines(decode_text(data)), "text")


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


# A page with fewer letters than this in its text layer is treated as scanned and OCRed.
OCR_PAGE_MIN_LETTERS = 20


def _parse_pdf(path: Path, engine: str, ocr: bool) -> _Read:
    from .layout import order_page

    if engine == "pdfium":
        from .pdf_pdfium import read_words
    else:
        from .pdf_plumber import read_words
    pages, hidden = read_words(path)
    needs_ocr = [
        i
        for i, words in enumerate(pages)
        if sum(ch.isalpha() for w in words for ch in w.text) < OCR_PAGE_MIN_LETTERS
    ]
    result = _Read([], engine, pages=len(pages), hidden_dropped=hidden)
    if needs_ocr:
        from . import ocr as ocr_module

        if ocr and ocr_module.available():
            for index, words in ocr_module.ocr_pdf_pages(path, needs_ocr).items():
                pages[index] = words
            result.ocr_pages = len(needs_ocr)
            result.engine = f"{engine}+tesseract"
        else:
            result.ocr_missing = len(needs_ocr)
    for words in pages:
        result.lines.extend(order_page(words))
    return result


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
