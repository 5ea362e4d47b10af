"""PDF → word boxes with pypdfium2 (the default engine: fast, per-character geometry)."""

from __future__ import annotations

import ctypes
from pathlib import Path

from ..errors import ParseError
from ..records import Word

_SPACE = frozenset((0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x00, 0x2002, 0x2003, 0x2009))
_LINE_END_HYPHEN = (0x02, 0xFFFE)  # PDFium's codes for a hyphen that ends a line


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
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    count = raw.FPDFText_CountChars(textpage)
                    codes = [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]
                    words: list[Word] = []
                    start = -1
                    for i in range(count + 1):
                        code = codes[i] if i < count else 0x20
                        if code in _LINE_END_HYPHEN:
                            # Keep the hyphen, then end the word: the next part is on the next line.
                            codes[i] = 0x2D
                            if start < 0:
                                start = i
                            words.append(
                                _word(raw, textpage, codes, start, i, index, height,
                                      left, right, bottom, top)
                            )
                            start = -1
                        elif code in _SPACE or code < 0x20:
                            if start >= 0:
                                words.append(
                                    _word(raw, textpage, codes, start, i - 1, index, height,
                                          left, right, bottom, top)
                                )
                                start = -1
                        elif start < 0:
                            start = i
                    pages.append(words)
                    sizes.append((width, height))
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        document.close()
    return pages, sizes


def _word(raw, textpage, codes, first, last, page, height, left, right, bottom, top) -> Word:
    text = "".join(map(_chr, codes[first : last + 1]))
    raw.FPDFText_GetCharBox(textpage, first, left, right, bottom, top)
    x0, y_top, y_bottom = left.value, top.value, bottom.value
    if last != first:
        raw.FPDFText_GetCharBox(textpage, last, left, right, bottom, top)
        y_top = max(y_top, top.value)
        y_bottom = min(y_bottom, bottom.value)
    x1 = right.value
    size = raw.FPDFText_GetFontSize(textpage, first)
    bold = _is_bold(raw, raw.FPDFText_GetTextObject(textpage, first))
    return Word(text, x0, height - y_top, max(x1, x0), height - y_bottom, size, page, bold)


_BOLD_CACHE: dict[int | None, bool] = {}


def _is_bold(raw, text_object) -> bool:
    """Bold from the font's weight, or its name ("Helvetica-Bold") when no weight is declared."""
    if not text_object:
        return False
    font = raw.FPDFTextObj_GetFont(text_object)
    key = ctypes.cast(font, ctypes.c_void_p).value
    if key in _BOLD_CACHE:
        return _BOLD_CACHE[key]
    bold = False
    if font:
        weight = raw.FPDFFont_GetWeight(font)
        if weight > 0:
            bold = weight >= 600
        else:
            buffer = ctypes.create_string_buffer(256)
            n = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
            name = buffer.raw[: max(n - 1, 0)].decode("latin-1").lower()
            bold = any(k in name for k in ("bold", "black", "heavy", "semibold"))
    if len(_BOLD_CACHE) > 4096:
        _BOLD_CACHE.clear()
    _BOLD_CACHE[key] = bold
    return bold


def _chr(code: int) -> str:
    try:
        return chr(code)
    except ValueError:
        return "\ufffd"
