"""PDF → word boxes with pypdfium2 (the default engine: fast, per-character geometry)."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

from ..errors import ParseError
from ..records import Word
from .visibility import Backdrop, PageLooks

# A word: a run of non-space characters; PDFium writes a hyphen that ends a line as
# \x02 or \ufffe, which ends the word too (its other half is on the next line).
_LINE_END_HYPHEN = "\x02\ufffe"
_WORD = re.compile(r"[^\s\x00-\x1f\ufffe\u2000-\u200b]+[\x02\ufffe]?|[\x02\ufffe]")
_LINE_BREAK = re.compile(r"[\r\n\x02\ufffe]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_words(path: Path) -> tuple[list[list[Word]], int]:
    """Return the visible words of each page, and how many hidden words were dropped."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", "PDFium could not open the document") from None
    pages: list[list[Word]] = []
    hidden = 0
    _BOLD_BY_FONT.clear()  # font handles are only unique while their document is open
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    words, dropped = _page_words(
                        raw, page.raw, textpage.raw, index, (width, height)
                    )
                    pages.append(words)
                    hidden += dropped
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        document.close()
    return pages, hidden


def _page_words(raw, page_handle, textpage, page: int, size) -> tuple[list[Word], int]:
    count = raw.FPDFText_CountChars(textpage)
    chars = _page_chars(raw, textpage, count)
    boxes = _BoxReader(raw, textpage, size[1])
    looks = _Looks(raw, page_handle, textpage, size)
    width, height = size
    words: list[Word] = []
    dropped = 0
    style: tuple[float, bool] | None = None  # font size and boldness, sampled once per line
    previous_end = 0
    for m in _WORD.finditer(chars):
        start, end = m.span()
        if style is None or _LINE_BREAK.search(chars, previous_end, start):
            style = _style(raw, textpage, start)
        text = m.group()
        if text[-1] in _LINE_END_HYPHEN:
            text = text[:-1] + "-"  # keep the hyphen; the word goes on on the next line
        word = boxes.word(text, start, end - 1, page, style)
        off_page = word.x1 <= 0 or word.x0 >= width or word.bottom <= 0 or word.top >= height
        if off_page or looks.hidden(word, start):
            dropped += 1
        else:
            words.append(word)
        previous_end = end
    return words, dropped


class _Looks(PageLooks):
    """The visibility rule (pipeline/parsers/visibility.py) with PDFium's colours and shapes."""

    def __init__(self, raw, page_handle, textpage, size: tuple[float, float]) -> None:
        super().__init__(size)
        self.raw = raw
        self.page = page_handle
        self.textpage = textpage
        self.channels = [ctypes.c_uint() for _ in range(4)]
        self.refs = [ctypes.byref(c) for c in self.channels]

    def hidden(self, word: Word, index: int) -> bool:
        """Three PDFium calls for an ordinary word (fill colour, render mode, size); shapes
        under the word are looked at only for light or stroked text."""
        raw = self.raw
        r, g, b, _ = self.channels
        if not raw.FPDFText_GetFillColor(self.textpage, index, *self.refs):
            return False
        color = (r.value, g.value, b.value)
        obj = raw.FPDFText_GetTextObject(self.textpage, index)
        mode = raw.FPDFTextObj_GetTextRenderMode(obj) if obj else 0
        size = raw.FPDFText_GetFontSize(self.textpage, index)
        stroked = mode in (1, 5)
        if stroked and obj and raw.FPDFPageObj_GetStrokeColor(obj, *self.refs):
            color = (r.value, g.value, b.value)  # stroked text shows its stroke colour
        box = (word.x0, word.top, word.x1, word.bottom)
        return self.word_hidden(color, size, mode, box, stroked)

    def _load_backdrops(self) -> list[Backdrop]:
        raw = self.raw
        height = self.size[1]
        out: list[Backdrop] = []
        bounds = [ctypes.c_float() for _ in range(4)]
        bounds_refs = [ctypes.byref(c) for c in bounds]
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        for i in range(raw.FPDFPage_CountObjects(self.page)):
            obj = raw.FPDFPage_GetObject(self.page, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind not in (
                raw.FPDF_PAGEOBJ_PATH,
                raw.FPDF_PAGEOBJ_IMAGE,
                raw.FPDF_PAGEOBJ_FORM,
                raw.FPDF_PAGEOBJ_SHADING,  # a gradient: no single colour (None)
            ):
                continue
            if not raw.FPDFPageObj_GetBounds(obj, *bounds_refs):
                continue
            left, bottom, right, top = (c.value for c in bounds)
            color = None
            if kind == raw.FPDF_PAGEOBJ_PATH:
                ok = raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
                if not ok or fill_mode.value == 0:
                    continue
                if raw.FPDFPageObj_GetFillColor(obj, *self.refs):
                    if self.channels[3].value < 128:
                        continue  # a translucent overlay, not a background
                    color = tuple(c.value for c in self.channels[:3])
                # else a pattern or gradient fill: no single colour (None, like an image)
            image = kind == raw.FPDF_PAGEOBJ_IMAGE
            out.append(Backdrop(left, height - top, right, height - bottom, color, image))
        return out


class _BoxReader:
    """Loose boxes (font ascent to descent, so every glyph on a line gets the same height) of a
    word's first and last characters, flipped to a top-left origin. Tight glyph boxes put
    "on" and "them" at different heights and split one visual line into two rows."""

    def __init__(self, raw, textpage, height: float) -> None:
        self.raw = raw
        self.textpage = textpage
        self.height = height
        self.rect = raw.FS_RECTF()
        self.ref = ctypes.byref(self.rect)

    def word(self, text: str, first: int, last: int, page: int, style) -> Word:
        rect = self.rect
        get = self.raw.FPDFText_GetLooseCharBox
        get(self.textpage, first, self.ref)
        x0, y_top, y_bottom = rect.left, rect.top, rect.bottom
        if last != first:
            get(self.textpage, last, self.ref)
            y_top = max(y_top, rect.top)
            y_bottom = min(y_bottom, rect.bottom)
        size, bold = style
        return Word(
            text,
            x0,
            self.height - y_top,
            max(rect.right, x0),
            self.height - y_bottom,
            size,
            page,
            bold,
        )


def _page_chars(raw, textpage, count: int) -> str:
    """The page's characters as one string whose index i is PDFium's char index i."""
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer)
    if written - 1 == count:
        chars = bytes(buffer)[: 2 * count].decode("utf-16-le", errors="surrogatepass")
        if len(chars) == count and not _SURROGATE.search(chars):
            return chars
    # Rare: text and char list disagree (excluded chars, astral code points); go char by char.
    return "".join(_chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))


def _chr(code: int) -> str:
    return chr(code) if code < 0xD800 or 0xDFFF < code <= 0x10FFFF else "\ufffd"


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
