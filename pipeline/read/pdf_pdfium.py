"""PDF → word boxes with pypdfium2 (the default engine: fast, per-character geometry)."""

from __future__ import annotations

import ctypes
import math
import re

import numpy as np

from ..errors import ParseError
from ..records import Word
from . import words
from .visibility import Backdrop, PageLooks

_SURROGATE = re.compile("[\ud800-\udfff]")


def read_words(data: bytes) -> tuple[list[list[Word]], int]:
    """Return the visible words of each page, and how many hidden words were dropped."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", "PDFium could not open the document") from None
    pages: list[list[Word]] = []
    hidden = 0
    _BOLD_BY_FONT.clear()  # font handles are only unique while their document is open
    try:
        for index in range(len(document)):
            try:
                page = document[index]
            except pdfium.PdfiumError:
                raise ParseError("corrupt_pdf", f"page {index + 1} could not be loaded") from None
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
    text = _page_chars(raw, textpage, count)
    if not text:
        return [], 0
    width, height = size
    chars = _char_geometry(raw, textpage, text, height)
    word_spans = words.spans(chars)
    if not len(word_spans):
        return [], 0
    looks = _Looks(raw, page_handle, textpage, size)
    starts = word_spans[:, 0]
    ends = word_spans[:, 1]
    last = ends - 1
    x0 = chars.x0[starts]
    x1 = np.maximum(chars.x1[last], x0)
    top = np.minimum(chars.top[starts], chars.top[last])
    bottom = np.maximum(chars.bottom[starts], chars.bottom[last])
    # Font size and boldness are sampled once per line: a line break between two words, or
    # a word on a new baseline.
    breaks = np.cumsum(np.isin(chars.codes, (0x0A, 0x0D)))
    new_line = np.r_[True, breaks[starts[1:]] > breaks[last[:-1]]]
    blank = chars.blank
    words_out: list[Word] = []
    dropped = 0
    style: tuple[float, bool] = (0.0, False)
    rotated = chars.rotated
    for k, (start, end) in enumerate(word_spans.tolist()):
        if new_line[k] or k == 0:
            style = _style(raw, textpage, start)
        piece = text[start:end]
        if end - start > 1 and blank[start:end].any():
            piece = "".join(c for c, b in zip(piece, blank[start:end], strict=True) if not b)
        if chars.line_end[end - 1]:
            piece = piece[:-1] + "-"  # keep the hyphen; the word goes on on the next line
        word = Word(
            piece,
            float(x0[k]),
            float(top[k]),
            float(x1[k]),
            float(bottom[k]),
            style[0],
            page,
            style[1],
            bool(rotated[start]),
        )
        off_page = word.x1 <= 0 or word.x0 >= width or word.bottom <= 0 or word.top >= height
        if off_page or looks.hidden(word, start):
            dropped += 1
        else:
            words_out.append(word)
    return words_out, dropped


_LOOSE_BOX = None  # FPDFText_GetLooseCharBox with plain pointer arguments (a fast loop)


def _loose_box_function(raw):
    global _LOOSE_BOX
    if _LOOSE_BOX is None:
        import pypdfium2_raw.bindings as bindings

        function = bindings._libs["pdfium"]["FPDFText_GetLooseCharBox"]  # a private copy
        function.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
        function.restype = ctypes.c_int
        _LOOSE_BOX = function
    return _LOOSE_BOX


def _char_geometry(raw, textpage, text: str, height: float) -> words.Chars:
    """Every character's loose box (font ascent to descent, advance width), flipped to a
    top-left origin; characters whose box runs vertically are checked for rotation."""
    count = len(text)
    boxes = np.zeros((count, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    get = _loose_box_function(raw)
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    address = boxes.ctypes.data
    for i in range(count):
        get(handle, i, address + 16 * i)
    codes = words.codes_of(text)
    blank, line_end = words.blank_mask(codes)
    left = boxes[:, 0].astype(np.float64)
    right = boxes[:, 2].astype(np.float64)
    top = height - boxes[:, 1].astype(np.float64)
    bottom = height - boxes[:, 3].astype(np.float64)
    rotated = np.zeros(count, dtype=bool)
    # A rotated glyph's loose box is its advance tall and its font size wide: wider than
    # tall, which upright glyphs almost never are. Only those are asked for their angle.
    for i in np.flatnonzero(~blank & ((right - left) > 1.05 * (bottom - top))).tolist():
        angle = raw.FPDFText_GetCharAngle(textpage, i)
        rotated[i] = 0.05 < angle % (2 * math.pi) < 2 * math.pi - 0.05
    return words.Chars(codes, left, right, top, bottom, blank, line_end, rotated)


class _Looks(PageLooks):
    """The visibility rule (pipeline/read/visibility.py) with PDFium's colours and shapes."""

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
        size = word.size
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
                    r, g, b, _ = self.channels
                    color = (r.value, g.value, b.value)
                # else a pattern or gradient fill: no single colour (None, like an image)
            image = kind == raw.FPDF_PAGEOBJ_IMAGE
            out.append(Backdrop(left, height - top, right, height - bottom, color, image))
        return out


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


_MATRIX = None


def _style(raw, textpage, index: int) -> tuple[float, bool]:
    """Font size on the page (the font's size times the scale of its text and page matrices,
    as pdfplumber reports it) and boldness of one character (fonts' boldness cached by font
    handle)."""
    global _MATRIX
    if _MATRIX is None:
        _MATRIX = raw.FS_MATRIX()
    size = raw.FPDFText_GetFontSize(textpage, index)
    if raw.FPDFText_GetMatrix(textpage, index, ctypes.byref(_MATRIX)):
        m = _MATRIX
        size *= math.sqrt(abs(m.a * m.d - m.b * m.c))
    size = round(size, 3)
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
