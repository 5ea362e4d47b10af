"""Read a file: sniff its format from the bytes, take its text in reading order (PDF, DOCX, DOC,
RTF, ODT, HTML, images through OCR, plain text) and hand over a `Document`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ..errors import ParseError
from ..records import Document, Line
from ..text.normalize import normalize_line
from .sniff import DOC, DOCX, HTML, IMAGE, ODT, PDF, RTF, decode_text, sniff_format
from .source import Source, read_source

PARSER_VERSION = "4"  # bump when parsing output changes: stored profiles key on it
PDF_ENGINES = ("pdfium", "pdfplumber")
DOCX_ENGINES = ("lxml", "python-docx")
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
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}, not {pdf_engine!r}")
    if docx_engine not in DOCX_ENGINES:
        raise ValueError(f"docx_engine must be one of {DOCX_ENGINES}, not {docx_engine!r}")
    return parse_source(read_source(path), pdf_engine, docx_engine, ocr)


def parse_source(
    source: Source, pdf_engine: str = "pdfium", docx_engine: str = "lxml", ocr: bool = True
) -> Document:
    """Read a resume's bytes (see `parse`)."""
    data = source.data
    kind = sniff_format(data)
    result = _read(kind, data, pdf_engine, docx_engine, ocr)
    lines = _normalise(result.lines)
    letters = _count_letters(lines, MIN_LETTERS)
    if letters < MIN_LETTERS:
        if result.ocr_missing:
            raise ParseError("no_text_layer_ocr_unavailable", f"{result.ocr_missing} page(s)")
        if kind in (PDF, IMAGE):
            raise ParseError("no_text_layer", f"{letters} letters on {result.pages} page(s)")
        raise ParseError("no_text", f"{letters} letters")
    return Document(
        source=source.name,
        sha256=source.sha256,
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


def _read(kind: str, data: bytes, pdf_engine: str, docx_engine: str, ocr: bool) -> _Read:
    if kind == PDF:
        return _parse_pdf(data, pdf_engine, ocr)
    if kind == DOCX:
        from .docx import read_lines

        lines, hidden = read_lines(data, docx_engine)
        return _Read(lines, docx_engine, hidden_dropped=hidden)
    if kind == IMAGE:
        from . import ocr as ocr_module

        if not ocr or not ocr_module.available():
            return _Read([], "tesseract", ocr_missing=1)
        from .layout import order_page

        words = ocr_module.ocr_image(data)  # pages of a TIFF stacked top to bottom
        pages = max((w.page for w in words), default=0) + 1
        return _Read(order_page(words), "tesseract", pages=pages, ocr_pages=pages)
    if kind == DOC:
        from .doc import read_doc

        return _Read(read_doc(data), "doc")
    if kind == RTF:
        from .rtf import read_rtf

        lines, hidden = read_rtf(data)
        return _Read(lines, "rtf", hidden_dropped=hidden)
    if kind == ODT:
        from .odt import read_odt

        lines, hidden = read_odt(data)
        return _Read(lines, "odt", hidden_dropped=hidden)
    if kind == HTML:
        from .html import read_html

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


# A page with fewer letters than this in its text layer is treated as scanned and OCRed.
OCR_PAGE_MIN_LETTERS = 20


def _parse_pdf(data: bytes, engine: str, ocr: bool) -> _Read:
    from .layout import order_page

    if engine == "pdfium":
        from .pdf_pdfium import read_words
    else:
        from .pdf_plumber import read_words
    pages, hidden = read_words(data)
    needs_ocr = [i for i, words in enumerate(pages) if not _has_letters(words)]
    result = _Read([], engine, pages=len(pages), hidden_dropped=hidden)
    if needs_ocr:
        from . import ocr as ocr_module

        if ocr and ocr_module.available():
            for index, words in ocr_module.ocr_pdf_pages(data, needs_ocr).items():
                pages[index] = words
            result.ocr_pages = len(needs_ocr)
            result.engine = f"{engine}+tesseract"
        else:
            result.ocr_missing = len(needs_ocr)
    for words in pages:
        result.lines.extend(order_page(words))
    return result


def _has_letters(words, enough: int = OCR_PAGE_MIN_LETTERS) -> bool:
    """Whether a page's words hold at least `enough` letters (counted only that far)."""
    count = 0
    for word in words:
        count += sum(map(str.isalpha, word.text))
        if count >= enough:
            return True
    return False


def _text_lines(text: str) -> list[Line]:
    return [Line(text=line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _normalise(lines: list[Line]) -> list[Line]:
    """Each line's text normalised, a line per piece between newlines, empty ones dropped.
    A line that normalising leaves as it was is kept as it is (Line is frozen), not copied:
    most lines are, and dataclasses.replace costs more than the normalising."""
    out = []
    for line in lines:
        for piece in line.text.split("\n"):
            text = normalize_line(piece)
            if text:
                out.append(line if text == line.text else replace(line, text=text))
    return out
