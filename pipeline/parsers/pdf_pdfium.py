"""PDF → word boxes with pypdfium2 (the default engine: fast, per-character geometry)."""

from __future__ import annotations

import ctypes
from pathlib import Path

from ..errors import ParseError
from ..records import Word

_SPACE = frozenset((0x20, 0x09, 0xA0, 0x00, 0x2002, 0x2003, 0x2009))
_NEWLINE = frozenset((0x0A, 0x0D))
_LINE_END_HYPHEN = frozenset((0x02, 0xFFFE))  # PDFium's codes for a hyphen that ends a line


def read_words(path: Path) -> tuple[list[list[Word]], list[tuple[float, float]]]:
    """Return the words of each page and each page's (width, height)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", "PDFium could not open the document") from None
    pages: list[list[Word]] = []
    sizes: list[tuple[float, float]] = []
    _BOLD_BY_FONT.clear()  # font handles are only unique while their document is open
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    pages.append(_page_words(raw, textpage, index, height))
                    sizes.append((width, height))
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        document.close()
    return pages, sizes


def _page_words(raw, textpage, page: int, height: float) -> list[Word]:
    count = raw.FPDFText_CountChars(textpage)
    codes = _char_codes(raw, textpage, count)
    boxes = _BoxReader(raw, textpage, height)
    words: list[Word] = []
    style: tuple[float, bool] | None = None  # font size and boldness, sampled once per line
    start = -1
    for i in range(count + 1):
        code = codes[i] if i < count else 0x0A
        hyphen = code in _LINE_END_HYPHEN
        if hyphen:
            codes[i] = 0x2D  # keep the hyphen; the word goes on on the next line
            if start < 0:
                start = i
        if hyphen or code in _SPACE or code in _NEWLINE or code < 0x20:
            if start >= 0:
                last = i if hyphen else i - 1
                if style is None:
                    style = _style(raw, textpage, start)
                words.append(boxes.word(codes, start, last, page, style))
                start = -1
            if hyphen or code in _NEWLINE:
                style = None
        elif start < 0:
            start = i
    return words


class _BoxReader:
    """Boxes of a word's first and last characters, flipped to a top-left origin."""

    def __init__(self, raw, textpage, height: float) -> None:
        self.raw = raw
        self.textpage = textpage
        self.height = height
        self.box = tuple(ctypes.c_double() for _ in range(4))

    def word(self, codes, first: int, last: int, page: int, style) -> Word:
        left, right, bottom, top = self.box
        get = self.raw.FPDFText_GetCharBox
        get(self.textpage, first, left, right, bottom, top)
        x0, y_top, y_bottom = left.value, top.value, bottom.value
        if last != first:
            get(self.textpage, last, left, right, bottom, top)
            y_top = max(y_top, top.value)
            y_bottom = min(y_bottom, bottom.value)
        text = "".join(map(chr, codes[first : last + 1]))
        size, bold = style
        return Word(text, x0, self.height - y_top, max(right.value, x0), self.height - y_bottom,
                    size, page, bold)


def _char_codes(raw, textpage, count: int) -> list[int]:
    """One UTF-16 code per char index, in one call; per-char calls when they don't line up."""
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer)
    if written - 1 == count:
        codes = list(buffer[:count])
        if not any(0xD800 <= c <= 0xDFFF for c in codes):
            return codes
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


_BOLD_BY_FONT: dict[int, bool] = {}  # font handle -> bold, for the open document


def _style(raw, textpage, index: int) -> tuple[float, bool]:
    """Font size and boldness of one character (fonts' boldness cached by font handle)."""
    size = raw.FPDFText_GetFontSize(textpage, index)
    text_object = raw.FPDFText_GetTextObject(textpage, index)
    if not text_object:
        return size, False
    font = raw.FPDFTextObj_GetFont(text_object)
    key = ctypes.cast(font, ctypes.c_void_p).value
    if not key:
        return size, False
    bold = _BOLD_BY_FONT.get(key)
    if bold is None:
        weight = raw.FPDFFont_GetWeight(font)
        if weight > 0:
            bold = weight >= 600
        else:  # no declared weight: the base-14 fonts say it in their name ("Helvetica-Bold")
            buffer = ctypes.create_string_buffer(256)
            n = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
            name = buffer.raw[: max(n - 1, 0)].decode("latin-1").lower()
            bold = any(k in name for k in ("bold", "black", "heavy", "semibold"))
        _BOLD_BY_FONT[key] = bold
    return size, bold
