"""PDF → word boxes with pypdfium2 (the default engine: fast, per-character geometry)."""

from __future__ import annotations

import ctypes
import functools
import math
import re
from collections import deque
from itertools import repeat

import numpy as np

from .. import native
from ..errors import ParseError
from ..records import Word
from . import words
from .visibility import MAX_INVISIBLE_DIFF, MIN_VISIBLE_PT, RGB, Backdrop, PageLooks

_SURROGATE = re.compile("[\ud800-\udfff]")


def read_words(data: bytes) -> tuple[list[list[Word]], int]:
    """Return the visible words of each page, and how many hidden words were dropped."""
    import pypdfium2.raw as raw

    # The document, its pages and text pages by PDFium's own calls (as pypdfium2's
    # PdfDocument, get_page and get_textpage make them, without their Python objects: a few
    # per cent of reading a resume). A document PDFium cannot open, or without pages, is
    # refused as PdfDocument refuses it.
    document = raw.FPDF_LoadMemDocument64(data, len(data), None)
    count = raw.FPDF_GetPageCount(document)
    if count < 1:
        error = raw.FPDF_GetLastError()
        if document:
            raw.FPDF_CloseDocument(document)
        if error == raw.FPDF_ERR_PASSWORD:
            raise ParseError("encrypted_pdf")
        raise ParseError("corrupt_pdf", "PDFium could not open the document")
    pages: list[list[Word]] = []
    hidden = 0
    _BOLD_BY_FONT.clear()  # font handles are only unique while their document is open
    try:
        for index in range(count):
            page = raw.FPDF_LoadPage(document, index)
            if not page:
                raise ParseError("corrupt_pdf", f"page {index + 1} could not be loaded")
            try:
                width, height = raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page)
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:  # as get_textpage fails (an internal error, not expected)
                    import pypdfium2 as pdfium

                    raise pdfium.PdfiumError("Failed to load text page.")
                try:
                    words, dropped = _page_words(raw, page, textpage, index, (width, height))
                    pages.append(words)
                    hidden += dropped
                finally:
                    raw.FPDFText_ClosePage(textpage)
            finally:
                raw.FPDF_ClosePage(page)
    finally:
        raw.FPDF_CloseDocument(document)
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
    starts = word_spans[:, 0]
    ends = word_spans[:, 1]
    last = ends - 1
    x0 = chars.x0[starts]
    x1 = np.maximum(chars.x1[last], x0)
    top = np.minimum(chars.top[starts], chars.top[last])
    bottom = np.maximum(chars.bottom[starts], chars.bottom[last])
    # Font size and boldness are sampled once per line: a line break between two words, or
    # a word on a new baseline.
    breaks = np.cumsum((chars.codes == 0x0A) | (chars.codes == 0x0D))
    new_line = np.empty(len(starts), dtype=bool)
    new_line[0] = True
    np.greater(breaks[starts[1:]], breaks[last[:-1]], out=new_line[1:])
    address = ctypes.cast(textpage, ctypes.c_void_p).value
    styles = _styles(raw, address, starts[new_line])
    line_of = np.cumsum(new_line) - 1
    sizes = np.array([size for size, _ in styles])[line_of]
    bolds = np.array([bold for _, bold in styles], dtype=bool)[line_of]
    off_page = (x1 <= 0) | (x0 >= width) | (bottom <= 0) | (top >= height)
    looks = _Looks(raw, page_handle, textpage, size)
    hidden = off_page | looks.hidden_words(starts, sizes, (x0, top, x1, bottom), ~off_page)
    kept = np.flatnonzero(~hidden)
    columns = (starts, ends, x0, top, x1, bottom, sizes, bolds, chars.rotated[starts])
    made = native.objects()
    if made is not None:  # the same records, made in C (pipeline/_objects.c)
        words_out = made.make_words(
            Word,
            text,
            page,
            kept.astype(np.int64, copy=False),
            *(np.ascontiguousarray(c, dtype=np.int64) for c in columns[:2]),
            *(np.ascontiguousarray(c, dtype=np.float64) for c in columns[2:7]),
            *(np.ascontiguousarray(c, dtype=bool) for c in columns[7:]),
            *(np.ascontiguousarray(c, dtype=bool) for c in (chars.blank, chars.line_end)),
        )
    else:
        words_out = _make_words(text, page, kept, columns, chars.blank, chars.line_end)
    return words_out, len(starts) - len(kept)


def _make_words(
    text: str, page: int, kept: np.ndarray, columns: tuple, blank: np.ndarray, line_end
) -> list[Word]:
    """The records of the words numbered in `kept`; `columns` holds each word's start and
    end in `text`, x0, top, x1, bottom, font size, bold and rotated flags; `blank` and
    `line_end` mark characters of `text`. The Python twin of _objects.c's make_words."""
    starts, ends = columns[0], columns[1]
    first, stop = starts[kept].tolist(), ends[kept].tolist()
    texts = [text[a:b] for a, b in zip(first, stop, strict=True)]
    # Rare fixes, by index: blanks inside a word (a space that takes no room, inside a
    # kerned word) are dropped; a hyphen that ends a line is kept as "-" (the word goes on
    # on the next line).
    blanks = np.zeros(len(blank) + 1, dtype=np.int64)
    np.cumsum(blank, out=blanks[1:])
    inner_blank = (blanks[ends] - blanks[starts] > 0) & (ends - starts > 1)
    for k in np.flatnonzero(inner_blank[kept]).tolist():
        marks = blank[first[k] : stop[k]].tolist()
        texts[k] = "".join(c for c, b in zip(texts[k], marks, strict=True) if not b)
    for k in np.flatnonzero(line_end[ends[kept] - 1]).tolist():
        texts[k] = texts[k][:-1] + "-"
    x0s, tops, x1s, bottoms, font_sizes, bold_flags, rotated = (
        column[kept].tolist() for column in columns[2:]
    )
    pages = repeat(page, len(texts))
    fields = zip(
        texts, x0s, tops, x1s, bottoms, font_sizes, pages, bold_flags, rotated, strict=True
    )
    return list(map(tuple.__new__, repeat(Word), fields))  # Word(*f) for each, in C


@functools.cache
def _plain(name: str, restype, *argtypes):
    """A private copy of PDFium function `name` declared with plain pointer and number
    arguments (handles and addresses as Python ints). pypdfium2's declarations take typed
    pointers and return pointer objects, which costs more per call than the work of most of
    these functions: fine once per page, not in loops over a page's characters or words."""
    import pypdfium2_raw.bindings as bindings

    function = bindings._libs["pdfium"][name]  # a copy: pypdfium2's own stays as it is
    function.argtypes = argtypes
    function.restype = restype
    return function


@functools.cache
def _fast_functions() -> tuple:
    """FPDFText_GetFillColor, FPDFText_GetTextObject and FPDFTextObj_GetTextRenderMode with
    plain pointer arguments, for loops over every word of a page."""
    pointer, number = ctypes.c_void_p, ctypes.c_int
    return (
        _plain("FPDFText_GetFillColor", number, pointer, number, *[pointer] * 4),
        _plain("FPDFText_GetTextObject", pointer, pointer, number),
        _plain("FPDFTextObj_GetTextRenderMode", number, pointer),
    )


def _char_geometry(raw, textpage, text: str, height: float) -> words.Chars:
    """Every character's loose box (font ascent to descent, advance width), flipped to a
    top-left origin; characters whose box runs vertically are checked for rotation."""
    count = len(text)
    codes = words.codes_of(text)
    blank, line_end = words.blank_mask(codes)
    # Boxes of the characters that make words (the word model never reads a blank's box),
    # written by PDFium straight into the array. The success flag is not read: a box PDFium
    # cannot give stays zero.
    boxes = np.zeros((count, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    ink = np.flatnonzero(~blank)
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    get = _plain("FPDFText_GetLooseCharBox", None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    loops = native.library()
    if loops is not None:  # one call for the page; the loop runs in C
        ink = np.ascontiguousarray(ink, dtype=np.int64)
        loops.char_boxes(native.address(get), handle, ink.ctypes.data, len(ink), boxes.ctypes.data)
    else:  # one ctypes call per character, made from C by map()
        addresses = ink * 16 + boxes.ctypes.data
        deque(map(get, repeat(handle, len(ink)), ink.tolist(), addresses.tolist()), maxlen=0)
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

    def hidden_words(self, starts: np.ndarray, sizes: np.ndarray, box, todo: np.ndarray):
        """Which words (given by their first character) are hidden by the rule of
        visibility.py. The fill colour and render mode of each word in `todo` are read in one
        tight loop of plain PDFium calls; only words whose looks could hide them (an invisible
        or stroked mode, a light colour) are then judged one by one. Dark text in a painted
        mode is hidden only when tiny."""
        count = len(starts)
        rgba = np.zeros((count, 4), dtype=np.uint32)
        modes = np.zeros(count, dtype=np.int64)
        filled = np.zeros(count, dtype=bool)
        get_fill, get_object, get_mode = _fast_functions()
        handle = ctypes.cast(self.textpage, ctypes.c_void_p).value
        asked = np.flatnonzero(todo)
        # A word without a text object is not `filled` (never judged); PDFium answers -1
        # (unknown) for its mode, which like 0 is no mode that hides text.
        loops = native.library()
        if loops is not None:  # one call for the page; the loops run in C
            n = len(asked)
            chars = np.ascontiguousarray(starts[asked], dtype=np.int64)
            asked_rgba = np.zeros((n, 4), dtype=np.uint32)
            asked_filled = np.zeros(n, dtype=np.uint8)
            asked_modes = np.zeros(n, dtype=np.int64)
            functions = (
                native.address(get_fill),
                native.address(get_object),
                native.address(get_mode),
            )
            outputs = (asked_rgba.ctypes.data, asked_filled.ctypes.data, asked_modes.ctypes.data)
            loops.text_looks(*functions, handle, chars.ctypes.data, n, *outputs)
            rgba[asked] = asked_rgba
            filled[asked] = asked_filled.astype(bool)
            modes[asked] = asked_modes
        else:  # one ctypes call per word and function, made from C by map()
            starts_asked = starts[asked].tolist()
            handles = repeat(handle, len(starts_asked))
            red_at = asked * 16 + rgba.ctypes.data  # each word's R, G, B, A: 4 bytes apart
            at = [(red_at + 4 * c).tolist() for c in range(4)]
            fills = map(get_fill, handles, starts_asked, *at)
            filled[asked] = np.fromiter(fills, bool, len(starts_asked))
            objects = list(map(get_object, repeat(handle, len(starts_asked)), starts_asked))
            modes[asked] = np.fromiter(map(get_mode, objects), np.int64, len(objects))
        light = rgba[:, :3].min(axis=1) >= 255 - MAX_INVISIBLE_DIFF  # visibility.is_light
        # Modes 1, 3, 5 and 7 (stroked or invisible); PDFium reports -1 when it cannot tell.
        odd_mode = ((modes & 1) == 1) & (modes > 0) & (modes < 8)
        special = filled & (light | odd_mode)
        hidden = filled & ~special & (sizes > 0) & (sizes < MIN_VISIBLE_PT)
        judged = np.flatnonzero(special).tolist()
        if not judged:
            return hidden
        indices = starts.tolist()
        x0, top, x1, bottom = (column.tolist() for column in box)
        for k in judged:
            color: RGB = (int(rgba[k, 0]), int(rgba[k, 1]), int(rgba[k, 2]))
            mode = int(modes[k])
            stroked = mode in (1, 5)
            if stroked:
                obj = self.raw.FPDFText_GetTextObject(self.textpage, indices[k])
                if obj and self.raw.FPDFPageObj_GetStrokeColor(obj, *self.refs):
                    r, g, b, _ = self.channels
                    color = (r.value, g.value, b.value)  # stroked text shows its stroke colour
            word_box = (x0[k], top[k], x1[k], bottom[k])
            hidden[k] = self.word_hidden(color, float(sizes[k]), mode, word_box, stroked)
        return hidden

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
    # The UTF-16 text and a NUL, written by PDFium into a numpy buffer (a ctypes array of
    # this size costs more to make than the call).
    pointer, number = ctypes.c_void_p, ctypes.c_int
    get_text = _plain("FPDFText_GetText", number, pointer, number, number, pointer)
    buffer = np.empty(count + 1, dtype=np.uint16)
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    written = get_text(handle, 0, count, buffer.ctypes.data)
    if written - 1 == count:
        chars = str(buffer[:count].data, "utf-16-le", "surrogatepass")
        if len(chars) == count and not _SURROGATE.search(chars):
            return chars
    # Rare: text and char list disagree (excluded chars, astral code points); go char by char.
    return "".join(_chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))


def _chr(code: int) -> str:
    return chr(code) if code < 0xD800 or 0xDFFF < code <= 0x10FFFF else "\ufffd"


_BOLD_BY_FONT: dict[int, bool] = {}  # font handle -> bold, for the open document


@functools.cache
def _style_functions() -> tuple:
    """FPDFText_GetFontSize, FPDFText_GetMatrix, FPDFText_GetTextObject and
    FPDFTextObj_GetFont with plain arguments (see _plain), for _styles."""
    pointer, number = ctypes.c_void_p, ctypes.c_int
    return (
        _plain("FPDFText_GetFontSize", ctypes.c_double, pointer, number),
        _plain("FPDFText_GetMatrix", number, pointer, number, pointer),
        _plain("FPDFText_GetTextObject", pointer, pointer, number),
        _plain("FPDFTextObj_GetFont", pointer, pointer),
    )


def _styles(raw, textpage: int | None, chars: np.ndarray) -> list[tuple[float, bool]]:
    """Font size on the page (the font's size times the scale of its text and page matrices,
    as pdfplumber reports it) and boldness (fonts' boldness cached by font handle) of each
    character in `chars`. `textpage` is the text page's address. PDFium's four calls per
    character are made by the compiled loop (char_styles), or from Python without it."""
    n = len(chars)
    chars = np.ascontiguousarray(chars, dtype=np.int64)
    sizes = np.zeros(n)
    has_matrix = np.zeros(n, dtype=np.uint8)
    matrices = np.zeros((n, 4), dtype=np.float32)  # a, b, c, d
    fonts = np.zeros(n, dtype=np.uint64)  # the font's address, 0 without one
    functions = _style_functions()
    loops = native.library()
    if loops is not None:
        outputs = (a.ctypes.data for a in (sizes, has_matrix, matrices, fonts))
        addresses = [native.address(f) for f in functions]
        loops.char_styles(*addresses, textpage, chars.ctypes.data, n, *outputs)
    else:
        font_size, get_matrix, get_text_object, get_font = functions
        matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
        for k, i in enumerate(chars.tolist()):
            sizes[k] = font_size(textpage, i)
            if get_matrix(textpage, i, ctypes.addressof(matrix)):
                has_matrix[k] = 1
                matrices[k] = matrix[:4]
            text_object = get_text_object(textpage, i)
            fonts[k] = (get_font(text_object) or 0) if text_object else 0
    out = []
    for size, matrix_given, (a, b, c, d), key in zip(
        sizes.tolist(), has_matrix.tolist(), matrices.tolist(), fonts.tolist(), strict=True
    ):
        if matrix_given:
            size *= math.sqrt(abs(a * d - b * c))
        out.append((round(size, 3), _font_bold(raw, key) if key else False))
    return out


def _font_bold(raw, key: int) -> bool:
    """Whether the font at address `key` is bold (cached for the open document)."""
    bold = _BOLD_BY_FONT.get(key)
    if bold is None:
        font = ctypes.cast(key, raw.FPDF_FONT)
        weight = raw.FPDFFont_GetWeight(font)
        if weight > 0:
            bold = weight >= 600
        else:  # no declared weight: the base-14 fonts say it in their name ("Helvetica-Bold")
            buffer = ctypes.create_string_buffer(256)
            n = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
            name = buffer.raw[: max(n - 1, 0)].decode("latin-1").lower()
            bold = any(k in name for k in ("bold", "black", "heavy", "semibold"))
        _BOLD_BY_FONT[key] = bold
    return bold
