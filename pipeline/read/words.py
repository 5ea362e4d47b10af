"""Characters → words from geometry: one word model for both PDF engines.

PDF engines split words where a space character sits in their character stream. Many real
PDFs carry no usable space: the wkhtmltopdf/Qt files of the livecareer family place every glyph
with its own move and PDFium drops their space glyphs, so "technical skills" comes out as
"technicalskills". Here a word ends at a space character *or* where the gap before the next
character is wider than that character pair's usual gap inside words:

    gap = (next.x0 - prev.x1) / em          (em: the height of the loose box = the font size)
    split when gap > base(prev) + SPLIT_EM

`base(prev)` is the gap that usually follows the same glyph at the same size on this page (a
low quantile of its gaps), because producers that hint glyph positions move each glyph by its
own rounded advance: after "l" the next letter may start 0.1 em before the end of the "l"'s
advance width, after "-" 0.02 em after it. A glyph seen too rarely to have a base of its own
takes the page's typical gap. The reverse also happens: a space character that takes no room
(a generated space inside a kerned word) is not a word boundary.

Characters that run vertically (rotated text, a "CURRICULUM VITAE" label down the margin) are
kept out of the horizontal reading order: they form words of their own, flagged `rotated`, that
the layout reads as a block after the page.

SPLIT_EM, BASE_QUANTILE, BASE_CAP_EM, JOIN_EM and MIN_SAMPLES were measured on real PDFs of
five producers (wkhtmltopdf/Qt 4 and Qt 5, Word 2007, LuaTeX, ilovepdf) against pdftotext's
words, tuned on half of the files and checked on the other half: benchmarks/word_gaps.py
prints the error rates for a range of values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import native

SPLIT_EM = 0.13  # a gap this much wider than the pair's usual gap ends a word
JOIN_EM = 0.03  # a space whose gap is at most this much wider than usual is no boundary
BASE_QUANTILE = 0.9  # the usual gap after a glyph: this quantile of its gaps on the page
MIN_SAMPLES = 4  # a glyph seen fewer times takes the page's typical gap as its base
BASE_CAP_EM = 0.03  # a glyph's base is at most the page's typical gap + this
SAME_LINE_EM = 0.35  # baselines closer than this many ems are on one line


@dataclass(frozen=True, slots=True)
class Chars:
    """One page's characters in stream order, as parallel arrays (top-left origin, points).

    `blank` marks characters that separate words (spaces, line breaks, controls);
    `line_end` marks a hyphen that ends a line (the word goes on on the next line);
    `rotated` marks characters that do not run left to right.
    """

    codes: np.ndarray  # uint32 code points (the key of a glyph, with its size)
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    blank: np.ndarray
    line_end: np.ndarray
    rotated: np.ndarray


_BLANK_RANGES = ((0x00, 0x20), (0x7F, 0xA0), (0x2000, 0x200B), (0x2028, 0x2029))
_BLANK_CODES = (0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF)
_LINE_END = (0x02, 0xFFFE)  # PDFium's mark for a hyphen at the end of a line


def codes_of(text: str) -> np.ndarray:
    """Code points of a string as an array (one entry per character)."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4")


def _code_kinds() -> np.ndarray:
    """A table from code point to 0 (ink), _BLANK or _HYPHEN_END, for the code points below
    0x10000; the last entry stands for all code points above (ink: no blank lies there)."""
    table = np.zeros(0x10001, dtype=np.uint8)
    for lo, hi in _BLANK_RANGES:
        table[lo : hi + 1] = _BLANK
    table[list(_BLANK_CODES)] = _BLANK
    table[list(_LINE_END)] = _HYPHEN_END
    return table


_BLANK, _HYPHEN_END = 1, 2
_KINDS = _code_kinds()


def blank_mask(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(blank, line_end) masks for an array of code points (one table look-up: a dozen
    comparisons over the page cost several times more)."""
    kinds = _KINDS.take(codes, mode="clip")  # code points above 0xFFFF: the last entry
    return kinds == _BLANK, kinds == _HYPHEN_END


def spans(chars: Chars) -> np.ndarray:
    """[start, end) char index spans of the page's words, in stream order, as an (n, 2) array.
    A word never mixes rotated and upright characters. The compiled twin (`word_spans` in
    _native.c) runs when it is built; `_spans` is the model in numpy."""
    library = native.library()
    if library is not None and len(chars.codes):
        found = _native_spans(library, chars)
        if found is not None:
            return found
    return _spans(chars)


def _native_spans(library, chars: Chars) -> np.ndarray | None:
    """spans() by the compiled model, or None when it could not say (out of memory, a
    threshold out of range, columns of unequal length: the numpy model then decides)."""
    n = len(chars.codes)
    columns = (chars.x0, chars.x1, chars.top, chars.bottom, chars.blank, chars.line_end)
    if any(len(column) != n for column in (*columns, chars.rotated)):
        return None
    if not (0.0 <= BASE_QUANTILE <= 1.0 and MIN_SAMPLES >= 1):  # numpy's indexing decides
        return None
    arrays = [np.ascontiguousarray(chars.codes, dtype=np.uint32)]
    arrays += [
        np.ascontiguousarray(column, dtype=np.float64)
        for column in (chars.x0, chars.x1, chars.top, chars.bottom)
    ]
    arrays += [
        np.ascontiguousarray(flags, dtype=np.bool_)
        for flags in (chars.blank, chars.line_end, chars.rotated)
    ]
    params = np.array(
        [SPLIT_EM, JOIN_EM, BASE_QUANTILE, MIN_SAMPLES, BASE_CAP_EM, SAME_LINE_EM], dtype=np.float64
    )
    out = np.empty((n, 2), dtype=np.int64)
    count = library.word_spans(
        n, *(a.ctypes.data for a in arrays), params.ctypes.data, out.ctypes.data
    )
    return out[:count].copy() if count >= 0 else None


def _spans(chars: Chars) -> np.ndarray:
    """The word model in numpy (see spans)."""
    n = len(chars.codes)
    if n == 0:
        return np.zeros((0, 2), dtype=np.int64)
    ink = ~chars.blank
    boundary = np.ones(n + 1, dtype=bool)  # boundary[i]: no word runs from i-1 into i
    base = np.zeros(0)
    if n > 1:
        both, same_line, gap, base = _pairs(chars, ink)
        excess = gap - base
        tracking = _tracking(chars, both & same_line, excess)
        split = ~both | chars.line_end[:-1]
        split |= both & ~chars.rotated[:-1] & (~same_line | (excess > tracking + SPLIT_EM))
        if chars.rotated.any():  # most pages have no rotated text
            split |= both & chars.rotated[:-1] & ~_same_strip(chars)
        boundary[1:n] = split
    starts = np.flatnonzero(ink & boundary[:n])
    ends = np.flatnonzero(ink & boundary[1:]) + 1
    word_spans = np.stack([starts, ends], axis=1)
    return _join_tight_spaces(chars, word_spans, base)


def _tracking(chars: Chars, inside: np.ndarray, excess: np.ndarray) -> np.ndarray:
    """For each pair, the letter-spacing of its line: the median excess gap of the line's
    pairs when positive (CSS letter-spacing, "P R O F I L E" headings drawn letter by letter),
    else 0. A line is a run of the stream between line breaks and jumps to another line."""
    both_ink = ~chars.blank[:-1] & ~chars.blank[1:]
    following = chars.codes[1:]
    newline = (following == 0x0A) | (following == 0x0D) | (both_ink & ~inside)
    line = np.cumsum(newline)
    if not inside.any():
        return np.zeros(len(excess))
    lines_in = line[inside]
    values = excess[inside]
    order = _group_order(lines_in, values)
    ls, vs = lines_in[order], values[order]
    first = np.flatnonzero(np.r_[True, ls[1:] != ls[:-1]])
    counts = np.diff(np.r_[first, len(ls)])
    medians = vs[first + (counts - 1) // 2]
    tracking = np.zeros(int(line.max()) + 1)
    tracking[ls[first]] = np.where(counts >= 3, np.maximum(medians, 0.0), 0.0)
    return tracking[line]


def _same_strip(chars: Chars) -> np.ndarray:
    """For each pair (i-1, i) of rotated characters: does i continue i-1's vertical run (the
    boxes overlap across and lie less than half a font size apart along the run)?"""
    x0, x1, top, bottom = chars.x0, chars.x1, chars.top, chars.bottom
    across = np.minimum(x1[1:], x1[:-1]) - np.maximum(x0[1:], x0[:-1])
    along = np.maximum(top[1:] - bottom[:-1], top[:-1] - bottom[1:])
    width = x1[:-1] - x0[:-1]
    return (across > 0.5 * width) & (along < 0.5 * width)


def _em(chars: Chars) -> np.ndarray:
    em = chars.bottom - chars.top
    return np.where(em > 0.5, em, 0.5)


def _pairs(chars: Chars, ink: np.ndarray):
    """For each pair (i-1, i): both ink (and the same orientation), on the same line, the gap
    in ems, and the usual gap after the glyph at i-1."""
    em = _em(chars)
    prev_em = em[:-1]
    both = ink[:-1] & ink[1:] & (chars.rotated[:-1] == chars.rotated[1:])
    dy = np.abs(chars.bottom[1:] - chars.bottom[:-1])
    forward = chars.x0[1:] >= chars.x0[:-1] - 0.3 * prev_em
    same_line = ~chars.rotated[:-1] & (dy < SAME_LINE_EM * prev_em) & forward
    gap = (chars.x0[1:] - chars.x1[:-1]) / prev_em
    # A glyph's key: its code point and its size in quarter points.
    size = np.minimum(np.round(prev_em * 4).astype(np.int64), 4095)
    keys = chars.codes[:-1].astype(np.int64) * 4096 + size
    base = _usual_gaps(keys, gap, both & same_line)
    return both, same_line, gap, base


def _usual_gaps(keys: np.ndarray, gaps: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """For each pair, the usual gap after its first glyph inside a word.

    Gaps wider than the page's typical gap + BASE_CAP_EM may be missing spaces and are left
    out; of the rest, the BASE_QUANTILE quantile is the glyph's usual gap (a high quantile:
    kerning only narrows gaps, so a glyph mostly seen in kerned pairs, "TX", would otherwise
    get a base below its unkerned pairs). Glyphs with fewer than MIN_SAMPLES such gaps take
    the page's typical gap."""
    if not inside.any():
        return np.zeros(len(keys))
    typical = float(np.median(gaps[inside]))
    glyphs, inverse = _dense_ids(keys)
    kept = inside & (gaps <= typical + BASE_CAP_EM)
    k_in = inverse[kept]
    g_in = gaps[kept]
    base = np.full(glyphs, typical)
    if len(k_in):
        order = _group_order(k_in, g_in)
        ks, gs = k_in[order], g_in[order]
        first = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        counts = np.diff(np.r_[first, len(ks)])
        picks = first + np.round(BASE_QUANTILE * (counts - 1)).astype(np.int64)
        enough = counts >= MIN_SAMPLES
        base[ks[first][enough]] = gs[picks][enough]
    return base[inverse]


def _dense_ids(keys: np.ndarray) -> tuple[int, np.ndarray]:
    """(number of distinct keys, each key's rank among them): np.unique's inverse, without
    its general-purpose overhead."""
    order = np.argsort(keys)
    ordered = keys[order]
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    ids = np.empty(len(keys), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return int(new.sum()), ids


def _group_order(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Indexes that order the pairs by group (small non-negative integers), then by value:
    np.lexsort((values, groups)) but for the order of equal values, which the callers cannot
    tell apart (they read values and groups only). Several times faster on a page: the values
    are sorted once (quicksort), then grouped by a stable sort of the group numbers, which
    numpy does by radix sort when they fit in 16 bits (lexsort merges the pairs key by key)."""
    by_value = np.argsort(values)
    grouped = groups[by_value]
    if len(grouped) and grouped.max() < 2**15:
        grouped = grouped.astype(np.int16)
    return by_value[np.argsort(grouped, kind="stable")]


def _join_tight_spaces(chars: Chars, word_spans: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Merge two words separated by one space when the space takes no room: the gap between
    the last character of one and the first of the next is within JOIN_EM of the usual gap
    after that glyph (a space generated inside a kerned word)."""
    if len(word_spans) < 2:
        return word_spans
    a = word_spans[:-1, 1] - 1  # last char of each word
    b = word_spans[1:, 0]  # first char of the next
    one_space = (b - a == 2) & (chars.codes[np.minimum(a + 1, len(chars.codes) - 1)] == 0x20)
    if not one_space.any():
        return word_spans
    em = _em(chars)[a]
    g = (chars.x0[b] - chars.x1[a]) / em
    level = np.abs(chars.bottom[b] - chars.bottom[a]) < SAME_LINE_EM * em
    upright = ~chars.rotated[a] & ~chars.rotated[b] & ~chars.line_end[a]
    join = one_space & level & upright & (g <= base[a] + JOIN_EM) & (g > -0.3)
    if not join.any():
        return word_spans
    keep_start = np.r_[True, ~join]
    keep_end = np.r_[~join, True]
    return np.stack([word_spans[keep_start, 0], word_spans[keep_end, 1]], axis=1)
