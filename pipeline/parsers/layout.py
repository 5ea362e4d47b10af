"""Reading order from word boxes: rows, then columns found from gaps in the x-projection.

Both PDF engines fill the same `Word` records, so the order is computed once here
and does not depend on the order text was written into the PDF content stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, pairwise
from statistics import median

from ..records import Line, Word

MIN_GUTTER = 9.0  # points; narrower gaps are word spacing or tab stops
CHUNK_GAP_EM = 1.2  # a horizontal gap wider than this many font sizes splits a row
MAX_CROSSING = 0.12  # share of rows allowed to cross a gutter (full-width headings)
MIN_ROWS_EACH_SIDE = 3


def order_page(words: Sequence[Word]) -> list[Line]:
    """Return the page's text lines in reading order."""
    if not words:
        return []
    rows = _rows(words)
    chunked = [_chunks(row) for row in rows]
    gutter = _find_gutter(chunked)
    if gutter is None:
        return [_line([w for chunk in row for w in chunk]) for row in chunked]
    g0, g1 = gutter
    lines: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        lines.extend(left)
        lines.extend(right)
        left.clear()
        right.clear()

    for row in chunked:
        if any(chunk[0].x0 < g0 and chunk[-1].x1 > g1 for chunk in row):
            flush()
            lines.append(_line([w for chunk in row for w in chunk]))
            continue
        left_words = [w for chunk in row if chunk[-1].x1 <= g1 for w in chunk]
        right_words = [w for chunk in row if chunk[-1].x1 > g1 for w in chunk]
        if left_words:
            left.append(_line(left_words))
        if right_words:
            right.append(_line(right_words))
    flush()
    return lines


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """Group words whose vertical centres fall inside one another's box into rows."""
    ordered = sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0))
    rows: list[list[Word]] = []
    band_top = band_bottom = None
    for word in ordered:
        centre = (word.top + word.bottom) / 2
        if rows and band_top is not None and band_top <= centre <= band_bottom:
            rows[-1].append(word)
            continue
        rows.append([word])
        half = max((word.bottom - word.top) / 2, 0.5)
        band_top, band_bottom = centre - half * 0.8, centre + half * 0.8
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def _chunks(row: list[Word]) -> list[list[Word]]:
    """Split a row where the gap between two words is much wider than a space."""
    chunks = [[row[0]]]
    for prev, word in pairwise(row):
        size = max(prev.size, word.size, 4.0)
        if word.x0 - prev.x1 > CHUNK_GAP_EM * size:
            chunks.append([word])
        else:
            chunks[-1].append(word)
    return chunks


def _find_gutter(rows: list[list[list[Word]]]) -> tuple[float, float] | None:
    """The widest vertical strip that (almost) no text row crosses, with text on both sides."""
    if len(rows) < 2 * MIN_ROWS_EACH_SIDE:
        return None
    x_min = min(chunk[0].x0 for row in rows for chunk in row)
    x_max = max(chunk[-1].x1 for row in rows for chunk in row)
    span = x_max - x_min
    if span < 4 * MIN_GUTTER:
        return None
    origin = int(x_min)
    # cover[x] = how many rows have text at x (difference array over merged chunk spans)
    delta = [0] * (int(x_max) - origin + 3)
    for row in rows:
        spans = sorted((int(c[0].x0) - origin, int(c[-1].x1) - origin + 1) for c in row)
        cur_a, cur_b = spans[0]
        for a, b in spans[1:]:
            if a <= cur_b:
                cur_b = max(cur_b, b)
            else:
                delta[cur_a] += 1
                delta[cur_b] -= 1
                cur_a, cur_b = a, b
        delta[cur_a] += 1
        delta[cur_b] -= 1
    cover = list(accumulate(delta))
    limit = max(1, int(MAX_CROSSING * len(rows)))
    best: tuple[float, float] | None = None
    best_score = 0.0
    i = int(0.1 * span)
    end = int(0.9 * span)
    while i < end:
        if cover[i] > limit:
            i += 1
            continue
        j = i
        while j < len(cover) and cover[j] <= limit:
            j += 1
        width = j - i
        if width >= MIN_GUTTER:
            g0, g1 = origin + i, origin + j
            left_rows = sum(any(c[-1].x1 <= g0 + 1 for c in row) for row in rows)
            right_rows = sum(any(c[0].x0 >= g1 - 1 for c in row) for row in rows)
            score = width * min(left_rows, right_rows)
            enough = min(left_rows, right_rows) >= max(MIN_ROWS_EACH_SIDE, 0.15 * len(rows))
            if enough and score > best_score and not _aligned_field(rows, g1):
                best, best_score = (float(g0), float(g1)), score
        i = j + 1
    return best


def _aligned_field(rows: list[list[list[Word]]], g1: float) -> bool:
    """True when the text right of the gutter is a right-aligned field (dates), not a column."""
    starts = [c[0].x0 for row in rows for c in row if c[0].x0 >= g1 - 1]
    ends = [c[-1].x1 for row in rows for c in row if c[0].x0 >= g1 - 1]
    if len(starts) < 3:
        return False
    mid_start, right_edge = median(starts), max(ends)
    left_aligned = sum(abs(x - mid_start) <= 3 for x in starts) / len(starts)
    right_aligned = sum(right_edge - x <= 3 for x in ends) / len(ends)
    return right_aligned >= 0.7 and left_aligned < 0.5


def _line(words: list[Word]) -> Line:
    sizes = [w.size for w in words]
    return Line(
        text=" ".join(w.text for w in words),
        page=words[0].page,
        size=round(median(sizes), 2),
        bold=all(w.bold for w in words),
    )
