"""Reading order from word boxes: rows, then columns found from gaps in the x-projection.

Both PDF engines fill the same `Word` records, so the order is computed once here
and does not depend on the order text was written into the PDF content stream.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate, compress, pairwise
from operator import attrgetter
from statistics import median

from .. import native
from ..records import Line, Word
from ..text.patterns import MENTIONS_DATE

MIN_GUTTER = 9.0  # points; narrower gaps are word spacing or tab stops
CHUNK_GAP_EM = 1.2  # a horizontal gap wider than this many font sizes splits a row
CHUNK_MIN_SIZE = 4.0  # font sizes below this count as this in the split rule
ROW_BAND = 0.8  # a row takes words whose centre is within this share of half its first's height
MAX_CROSSING = 0.12  # share of rows allowed to cross a gutter (full-width headings)
MIN_ROWS_EACH_SIDE = 3
MAX_DEPTH = 3  # regions within regions searched for their own gutter
# Vertical distances are measured top to top (the line pitch), in font sizes, so that both
# engines agree: PDFium's boxes include the font's ascent and descent, pdfplumber's are one
# font size tall, so gaps between boxes differ while the pitch does not.
BLOCK_PITCH = 1.6  # a pitch above this starts a new paragraph or cell (about half a line)
TAIL_PITCH = 2.0  # rows after a pitch this wide are read after both columns
WIDE_ROW = 0.8  # a run of text this wide (share of the text's width) spans the columns
_CAPITALS = re.compile(r"[A-Z&]+")


def order_page(words: Sequence[Word]) -> list[Line]:
    """Return the page's text lines in reading order. Rotated words (a label running down the
    margin) are kept out of the rows and read after them, one line per label."""
    if any(map(_ROTATED, words)):
        upright = [w for w in words if not w.rotated]
        rotated = [w for w in words if w.rotated]
    else:  # most pages: no word runs vertically
        upright, rotated = list(words), []
    lines = _order_rows(_chunked_rows(upright), MAX_DEPTH) if upright else []
    return lines + _rotated_lines(rotated)


def _chunked_rows(words: list[Word]) -> list[list[list[Word]]]:
    """The page's rows (`_rows`), each split into chunks (`_chunks`): in C when
    pipeline/_objects.c is built and every box is a float, else in Python."""
    made = native.objects()
    rows = made.rows(words, ROW_BAND) if made is not None else None
    if rows is None:
        return [_chunks(row) for row in _rows(words)]
    for k in made.spaced_rows(rows):  # the rows _join_spaced_letters may change
        rows[k] = _join_spaced_letters(rows[k])
    chunked = made.chunks(rows, CHUNK_GAP_EM, CHUNK_MIN_SIZE)
    return chunked if chunked is not None else [_chunks(row) for row in rows]


def _rotated_lines(words: list[Word]) -> list[Line]:
    """Rotated words in the order they were drawn, one line per vertical strip (words whose
    boxes overlap horizontally)."""
    strips: list[list[Word]] = []
    for word in words:
        for strip in strips:
            last = strip[-1]
            if word.x0 < last.x1 and last.x0 < word.x1:
                strip.append(word)
                break
        else:
            strips.append([word])
    return [_line(strip) for strip in strips]


def _order_rows(chunked: list[list[list[Word]]], depth: int) -> list[Line]:
    """Find the page's (or region's) gutter; rows that cross it split the rest into bands read
    column by column. A run of crossing rows is a region of its own and is searched again
    for a gutter of its own (a header with a name beside contact details above a body with
    a sidebar: the two split at different places)."""
    if not chunked:
        return []
    # A single row has no gutter and is a region of its own: most calls on a one-column page
    # (each wide row is its own region) end here.
    gutter = _gutter(chunked) if depth > 0 and len(chunked) > 1 else None
    if gutter is None:
        made = native.objects()
        if depth > 0 and len(chunked) > 1:
            regions = made.split_at_wide_rows(chunked, WIDE_ROW) if made is not None else None
            if regions is None or regions is NotImplemented:  # (C leaves NaN boxes to Python)
                regions = _split_at_wide_rows(chunked)
            if len(regions) > 1:
                return [line for region in regions for line in _order_rows(region, depth - 1)]
        if made is not None:  # the same lines, made in C
            return made.make_lines(Line, chunked, _line)
        return [_line([w for chunk in row for w in chunk]) for row in chunked]
    g0, g1 = gutter
    lines: list[Line] = []
    band: list[tuple[list[Word], list[Word]]] = []  # rows between crossing rows, split
    crossing: list[list[list[Word]]] = []
    for row in chunked:
        if any(chunk[0].x0 < g0 and chunk[-1].x1 > g1 for chunk in row):
            lines.extend(_read_band(band))
            band = []
            crossing.append(row)
            continue
        if crossing:
            lines.extend(_order_rows(crossing, depth - 1))
            crossing = []
        left_words = [w for chunk in row if chunk[-1].x1 <= g1 for w in chunk]
        right_words = [w for chunk in row if chunk[-1].x1 > g1 for w in chunk]
        band.append((left_words, right_words))
    lines.extend(_read_band(band))
    lines.extend(_order_rows(crossing, depth - 1))
    return lines


def _split_at_wide_rows(chunked: list[list[list[Word]]]) -> list[list[list[list[Word]]]]:
    """Split rows into regions at rows holding one wide run of text (a summary paragraph
    above a sidebar and a main column); each wide row is a region of its own."""
    x_min = min(chunk[0].x0 for row in chunked for chunk in row)
    x_max = max(chunk[-1].x1 for row in chunked for chunk in row)
    wide = WIDE_ROW * (x_max - x_min)
    regions: list[list[list[list[Word]]]] = []
    current: list[list[list[Word]]] = []
    for row in chunked:
        if any(chunk[-1].x1 - chunk[0].x0 >= wide for chunk in row):
            if current:
                regions.append(current)
                current = []
            regions.append([row])
        else:
            current.append(row)
    if current:
        regions.append(current)
    return regions


def _read_band(band: list[tuple[list[Word], list[Word]]]) -> list[Line]:
    """Two columns: the left one, then the right one. But when the left side is a column of
    row labels (the dates of a date | description table), each right-hand paragraph or cell
    is read with the labels beside it, labels first."""
    tail = _tail_start(band)
    if tail is not None:  # text below the end of the other column, after a gap
        return _read_band(band[:tail]) + [_line(left or right) for left, right in band[tail:]]
    blocks = _right_blocks(band)
    if not _label_column(band, blocks):
        left_lines = [_line(left) for left, _ in band if left]
        return left_lines + [_line(right) for _, right in band if right]
    out: list[Line] = []
    group_left: list[Line] = []
    group_right: list[Line] = []
    current = None
    for (left, right), block in zip(band, blocks, strict=True):
        if block != current or block is None:
            out.extend(group_left + group_right)
            group_left, group_right = [], []
            current = block
        if left:
            group_left.append(_line(left))
        if right:
            group_right.append(_line(right))
    return out + group_left + group_right


def _tail_start(band: list[tuple[list[Word], list[Word]]]) -> int | None:
    """Where the rows below the end of the shorter column begin, when they begin after a
    vertical gap (a heading under a two-column header), or None. Those rows are read after
    both columns, not as the end of the longer one."""
    last_left = max((i for i, (left, _) in enumerate(band) if left), default=-1)
    last_right = max((i for i, (_, right) in enumerate(band) if right), default=-1)
    end = min(last_left, last_right)
    if end < 0 or end == len(band) - 1 or last_left == last_right:
        return None
    above = [w for w in band[end][0] + band[end][1]]
    below = band[end + 1][0] or band[end + 1][1]
    pitch = min(w.top for w in below) - min(w.top for w in above)
    return end + 1 if pitch >= TAIL_PITCH * max(w.size for w in below) else None


def _right_blocks(band: list[tuple[list[Word], list[Word]]]) -> list[int | None]:
    """For each row, the number of the right-hand paragraph or cell it belongs to (None for
    rows without right text). A block ends at a row without right text or at a vertical gap
    wider than about half a line."""
    blocks: list[int | None] = []
    number = -1
    previous: list[Word] | None = None
    for _, right in band:
        if not right:
            blocks.append(None)
            previous = None
            continue
        if previous is None:
            number += 1
        else:
            pitch = min(w.top for w in right) - min(w.top for w in previous)
            if pitch > BLOCK_PITCH * max(max(w.size for w in right), 4.0):
                number += 1
        blocks.append(number)
        previous = right
    return blocks


def _label_column(band: list[tuple[list[Word], list[Word]]], blocks: list[int | None]) -> bool:
    """Is the left side a column of row labels? Its lines are short, and several right-hand
    blocks have labels beside them, aligned with the block's first or last row."""
    left_rows = [i for i, (left, _) in enumerate(band) if left]
    if len(left_rows) < 2 or len(left_rows) >= sum(bool(right) for _, right in band):
        return False
    if sum(len(band[i][0]) <= 6 for i in left_rows) < 0.8 * len(left_rows):
        return False
    rows_of: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block is not None:
            rows_of.setdefault(block, []).append(i)
    labelled = 0
    aligned = 0
    beside = 0  # label lines beside blocks of several rows
    tall_rows = 0  # rows of those blocks
    for rows in rows_of.values():
        with_left = [i for i in rows if band[i][0]]
        if not with_left:
            continue
        labelled += 1
        contiguous = with_left == list(range(with_left[0], with_left[-1] + 1))
        aligned += contiguous and (with_left[0] == rows[0] or with_left[-1] == rows[-1])
        if len(rows) > 1:
            beside += len(with_left)
            tall_rows += len(rows)
    # Labels sit at the top (or bottom) of their block and leave most of its rows empty (a
    # date beside a title and its bullets); a sidebar's lines run on beside most rows, or
    # on rows of their own (only headings stand alone in a label column).
    alone = sum(1 for i in left_rows if blocks[i] is None)
    return (
        labelled >= 2
        and aligned >= 0.8 * labelled
        and beside <= 0.6 * tall_rows
        and alone <= max(3, 0.35 * len(left_rows))
    )


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """Group words whose vertical centres fall inside one another's box into rows."""
    # By centre, then x0; the word's index keeps equal keys in their input order, as a
    # stable sort by key would, and means two words are never compared.
    ordered = sorted(((w.top + w.bottom) / 2, w.x0, i, w) for i, w in enumerate(words))
    rows: list[list[Word]] = []
    row: list[Word] | None = None
    band_top = band_bottom = 0.0
    for centre, _, _, word in ordered:
        if row is not None and band_top <= centre <= band_bottom:
            row.append(word)
            continue
        row = [word]
        rows.append(row)
        # At least a share of the font size: OCR boxes are tight, and a bullet's or an
        # x-height word's box would leave words with descenders out of the row.
        half = max((word.bottom - word.top) / 2, 0.4 * word.size, 0.5)
        band_top, band_bottom = centre - half * ROW_BAND, centre + half * ROW_BAND
    for row in rows:
        row.sort(key=_X0)
    return [_join_spaced_letters(row) for row in rows]


_X0 = attrgetter("x0")
_ROTATED = attrgetter("rotated")


def _join_spaced_letters(row: list[Word]) -> list[Word]:
    """Undo letter-spacing ("P R O F E S S I O N A L  S U M M A R Y"): in a run of short
    capital pieces, most of them single letters, pieces closer than about one and a half
    letter gaps belong to one word."""
    if [len(w.text) for w in row].count(1) < 2:
        return row  # a run needs 4 pieces, half of them single letters: none here
    out: list[Word] = []
    i = 0
    while i < len(row):
        j = i
        while j < len(row) and len(row[j].text) <= 6 and _CAPITALS.fullmatch(row[j].text):
            j += 1
        run = row[i:j]
        if len(run) >= 4 and sum(len(w.text) == 1 for w in run) * 2 >= len(run):
            gaps = [b.x0 - a.x1 for a, b in pairwise(run)]
            letter_gap = max(min(gaps), 0.0)
            limit = 1.6 * letter_gap + 0.05 * max(w.size for w in run)
            piece = [run[0]]
            for gap, word in zip(gaps, run[1:], strict=True):
                if gap <= limit:
                    piece.append(word)
                else:
                    out.append(_joined(piece))
                    piece = [word]
            out.append(_joined(piece))
            i = j
        elif run:
            out.extend(run)
            i = j
        else:
            out.append(row[i])
            i += 1
    return out


def _joined(words: list[Word]) -> Word:
    if len(words) == 1:
        return words[0]
    first = words[0]
    return Word(
        "".join(w.text for w in words),
        first.x0,
        min(w.top for w in words),
        words[-1].x1,
        max(w.bottom for w in words),
        first.size,
        first.page,
        first.bold,
    )


def _chunks(row: list[Word]) -> list[list[Word]]:
    """Split a row where the gap between two words is much wider than a space."""
    chunks = [[row[0]]]
    for prev, word in pairwise(row):
        gap = word.x0 - prev.x1
        # The first test settles most pairs (a space is narrower than the least split gap)
        # without the max() of three; the second is the rule.
        if gap > CHUNK_GAP_EM * CHUNK_MIN_SIZE and gap > CHUNK_GAP_EM * max(
            prev.size, word.size, CHUNK_MIN_SIZE
        ):
            chunks.append([word])
        else:
            chunks[-1].append(word)
    return chunks


def _gutter(rows: list[list[list[Word]]]) -> tuple[float, float] | None:
    """`_find_gutter`, in C when pipeline/_objects.c is built and every box is a finite float."""
    made = native.objects()
    if made is not None:
        found = made.find_gutter(rows, MIN_GUTTER, MAX_CROSSING, MIN_ROWS_EACH_SIDE, _aligned_field)
        if found is not NotImplemented:
            return found
    return _find_gutter(rows)


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
        if len(row) == 1:  # one run of text (most rows): nothing to merge
            delta[int(row[0][0].x0) - origin] += 1
            delta[int(row[0][-1].x1) - origin + 1] -= 1
            continue
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
    # Where few enough rows have text: the only places a strip can start. Found in one pass
    # (most of a page is text), then visited by bisection.
    open_at = list(compress(range(len(cover)), map(limit.__ge__, cover)))
    i = int(0.1 * span)
    end = int(0.9 * span)
    while True:
        k = bisect_left(open_at, i)
        if k == len(open_at) or open_at[k] >= end:
            break
        i = open_at[k]
        j = i
        while j < len(cover) and cover[j] <= limit:
            j += 1
        # The strip may reach into a short column's text (few rows there); keep its core,
        # the part crossed by the fewest rows, when that is wide enough.
        least = min(cover[i:j])
        core = [k for k in range(i, j) if cover[k] == least]
        a, b = _longest_run(core)
        if b - a >= MIN_GUTTER:
            i, j = a, b
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


def _longest_run(indexes: list[int]) -> tuple[int, int]:
    """[start, end) of the longest run of consecutive integers in a sorted list."""
    best = (indexes[0], indexes[0] + 1)
    start = previous = indexes[0]
    for k in indexes[1:]:
        if k != previous + 1:
            start = k
        previous = k
        if k + 1 - start > best[1] - best[0]:
            best = (start, k + 1)
    return best


def _aligned_field(rows: list[list[list[Word]]], g1: float) -> bool:
    """True when the text right of the gutter is a right-aligned field (dates), not a column:
    right-aligned, and either ragged on the left or made of short chunks with a year in them
    (date ranges of equal width start at the same x too)."""
    chunks = [c for row in rows for c in row if c[0].x0 >= g1 - 1]
    if len(chunks) < 3:
        return False
    starts = [c[0].x0 for c in chunks]
    ends = [c[-1].x1 for c in chunks]
    mid_start, right_edge = median(starts), max(ends)
    left_aligned = sum(abs(x - mid_start) <= 3 for x in starts) / len(starts)
    right_aligned = sum(right_edge - x <= 3 for x in ends) / len(ends)
    if right_aligned < 0.7:
        return False
    dates = sum(
        len(c) <= 5 and bool(MENTIONS_DATE.search(" ".join(w.text for w in c))) for c in chunks
    )
    return left_aligned < 0.5 or dates >= 0.8 * len(chunks)


def _line(words: list[Word]) -> Line:
    sizes = [w.size for w in words]
    return Line(
        text=" ".join([w.text for w in words]),
        page=words[0].page,
        size=round(median(sizes), 2),
        bold=all(w.bold for w in words),
    )
