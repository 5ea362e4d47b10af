"""The objects made in C (pipeline/_objects.c) equal those their Python twins make.

- make_words: a page's Word records from columns, against pdf_pdfium._make_words, on random
  pages (texts in several scripts and beyond the BMP, blanks inside words, PDFium's line-end
  hyphen marks, dropped words, numbers at their extremes), and on the golden corpus PDFs.
- rows and chunks: the layout's rows and chunks of random pages (ties of centres and x0,
  overlapping boxes, signed zeros, infinities, letter-spaced headings), against layout._rows
  and layout._chunks; words with NaN or non-float boxes are left to Python (None).

Without the module (no C compiler or Python headers at install time) these are skipped, or
fail when PIPELINE_REQUIRE_TOOLS=1 (CI, where the build compiles it).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import missing

from pipeline import native
from pipeline.read import layout, pdf_pdfium
from pipeline.records import Word

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

import corpus


@pytest.fixture(scope="module")
def made():
    module = native.objects()
    if module is None:
        missing("pipeline._objects", "pipeline._objects is not built (or PIPELINE_NO_C=1)")
    return module


_PIECES = ["a", "Z", "é", "ß", "ı", "Ж", "中", "𝒳", "😀", "-", "1", "\u00a0", " ", "\x02", "\ufffe"]


def _random_page(rng, n_words: int):
    """A text of words (with blanks, line-end marks and characters of every width) and its
    columns, as _page_words hands them over."""
    texts = []
    for _ in range(n_words):
        length = int(rng.integers(1, 7))
        texts.append("".join(rng.choice(_PIECES, length)))
    text = " ".join(texts)
    starts, at = [], 0
    for t in texts:
        starts.append(at)
        at += len(t) + 1
    starts = np.array(starts, dtype=np.int64)
    ends = starts + np.array([len(t) for t in texts], dtype=np.int64)
    codes = [ord(c) for c in text]
    blank = np.array([c in (0x20, 0xA0) for c in codes], dtype=bool)
    line_end = np.array([c in (0x02, 0xFFFE) for c in codes], dtype=bool)
    extremes = [0.0, -0.0, 1e-310, 1e308, -1e308, np.inf, -np.inf, np.nan, 0.1, 2.0 / 3.0]
    floats = [
        np.where(
            rng.random(n_words) < 0.1,
            rng.choice(extremes, n_words),
            rng.normal(300, 200, n_words),
        )
        for _ in range(5)
    ]
    flags = [rng.random(n_words) < 0.3 for _ in range(2)]
    columns = (starts, ends, *floats, *flags)
    kept = np.flatnonzero(rng.random(n_words) < 0.85)
    return text, columns, kept, blank, line_end


def test_make_words_equals_python(made):
    rng = np.random.default_rng(7)
    for trial in range(400):
        n = int(rng.integers(1, 60)) if trial else 1
        text, columns, kept, blank, line_end = _random_page(rng, n)
        page = int(rng.integers(0, 5))
        want = pdf_pdfium._make_words(text, page, kept, columns, blank, line_end)
        got = made.make_words(Word, text, page, kept, *columns, blank, line_end)
        # Equal field by field, types too (NaN compared as NaN).
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert type(g) is Word
            assert [type(v) for v in g] == [type(v) for v in w]
            assert repr(g) == repr(w)


def test_make_words_records_are_immutable_values_outside_the_collector(made):
    text, columns, kept, blank, line_end = _random_page(np.random.default_rng(3), 20)
    got = made.make_words(Word, text, 2, kept, *columns, blank, line_end)
    assert got and all(not gc.is_tracked(w) for w in got)
    word = got[0]
    assert word._replace(text="x").text == "x" and word.page == 2
    assert repr(Word(*word)) == repr(word)


def test_make_words_refuses_what_it_cannot_read(made):
    text, columns, kept, blank, line_end = _random_page(np.random.default_rng(5), 10)
    with pytest.raises(TypeError):  # floats where positions go
        floats = columns[0].astype(float)
        made.make_words(Word, text, 0, kept, floats, *columns[1:], blank, line_end)
    with pytest.raises(ValueError):  # a column of the wrong length
        made.make_words(Word, text, 0, kept, *columns[:-1], columns[-1][:-1], blank, line_end)
    with pytest.raises(IndexError):  # a word beyond the text
        made.make_words(Word, text, 0, np.array([10**6]), *columns, blank, line_end)
    bad = columns[1].copy()
    bad[0] = len(text) + 5
    with pytest.raises(IndexError):
        first = np.array([0])
        made.make_words(Word, text, 0, first, columns[0], bad, *columns[2:], blank, line_end)
    with pytest.raises(TypeError):  # not a tuple class
        made.make_words(list, text, 0, kept, *columns, blank, line_end)


def test_corpus_pdfs_read_the_same_words_with_and_without_the_module(made, monkeypatch, tmp_path):
    pdfs = [p.read_bytes() for p in corpus.write_corpus(tmp_path) if p.suffix == ".pdf"]
    with_module = [pdf_pdfium.read_words(data) for data in pdfs]
    monkeypatch.setattr(native, "objects", lambda: None)
    without = [pdf_pdfium.read_words(data) for data in pdfs]
    assert with_module == without
    assert sum(len(page) for pages, _ in with_module for page in pages) > 100
    orders = [[layout.order_page(page) for page in pages] for pages, _ in without]
    monkeypatch.undo()
    assert orders == [[layout.order_page(page) for page in pages] for pages, _ in without]


def _random_words(rng, n: int) -> list[Word]:
    """Words on a page with a few columns, lines at a pitch with jitter, ties of centre and
    x0, some letter-spaced capitals, odd sizes."""
    words = []
    for i in range(n):
        line = int(rng.integers(0, max(1, n // 4)))
        size = float(rng.choice([0.0, 3.0, 4.0, 9.5, 10.0, 10.0, 10.0, 12.0, 18.0]))
        # Offsets that put a centre exactly on a row's band edge (size 10: 4.0 for a box one
        # size tall, 3.2 for a flat one) or just beyond it.
        jitter = [0.0, 0.0, 0.5, -0.25, 3.0, 6.5, 4.0, -4.0, 3.2, -3.2, 3.2 + 1e-9, 4.0 + 1e-9]
        top = 50.0 + line * 13.0 + float(rng.choice(jitter))
        height = float(rng.choice([size, size * 1.2, 0.0, 2.0]))
        x0 = float(rng.choice([40.0, 40.0, 300.0])) + float(rng.integers(0, 40)) * 6.0
        width = float(rng.choice([0.0, 4.0, 6.0, 30.0, 80.0]))
        text = str(rng.choice(["A", "B", "R", "EXPERIENCE", "x", "Python", "&", "SQL", "I"]))
        words.append(Word(text, x0, top, x0 + width, top + height, size, 0, bool(i % 3 == 0)))
    if n and rng.random() < 0.2:
        k = int(rng.integers(0, n))
        value = float(rng.choice([np.inf, -np.inf, -0.0, 1e300]))
        field = "top" if rng.random() < 0.5 else "x0"
        words[k] = words[k]._replace(**{field: value})
    return words


def _python_rows(words):
    return [layout._chunks(row) for row in layout._rows(words)]


def test_rows_and_chunks_equal_python(made):
    rng = np.random.default_rng(11)
    for trial in range(1500):
        words = _random_words(rng, int(rng.integers(1, 80)))
        want = _python_rows(words)
        rows = made.rows(words, layout.ROW_BAND)
        assert rows is not None
        assert [[w for c in cs for w in c] for cs in want] == [
            layout._join_spaced_letters(row) for row in rows
        ], trial
        assert layout._chunked_rows(words) == want, trial


def test_rows_leave_nan_and_other_numbers_to_python(made):
    words = _random_words(np.random.default_rng(2), 10)
    nan = words[:3] + [words[3]._replace(bottom=float("nan"))] + words[4:]
    assert made.rows(nan, layout.ROW_BAND) is None
    as_int = words[:1] + [words[1]._replace(x0=40)] + words[2:]
    assert made.rows(as_int, layout.ROW_BAND) is None
    assert layout._chunked_rows(nan) == _python_rows(nan)
    assert layout._chunked_rows(as_int) == _python_rows(as_int)
    row = [words[0], words[1]._replace(size=10)]  # an int size: chunks leave it to Python
    assert made.chunks([row], layout.CHUNK_GAP_EM, layout.CHUNK_MIN_SIZE) is None
    assert made.rows([], layout.ROW_BAND) == []


def test_chunk_tokens_equal_python(made, tiny_matcher):
    """The matcher's tokens by chunk, compiled and in Python, from an empty and from a warm
    cache, on texts full of spaCy's multi-token special cases across spaces."""
    import random

    bits = ["a", " ", "  ", "\xa0", "e.g.", "(", ")", "don't", "U.S.", ":)", "-", "Python,SQL",
            "'s", ".", ":-)", "(:", "a.m.", "Inc.", "8-)", ":p", "p", "Dr.", "It", "'", "<3",
            "\u3000", "\u2003", "Vue.js/React", "\n", "\t", " \n", "\n ", "𝒳", "中文"]  # fmt: skip
    rng = random.Random(4)
    matcher = tiny_matcher
    for trial in range(4000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 16)))
        if trial % 3 == 0:
            matcher._chunks.clear()
        want = matcher._chunk_tokens(text)
        if trial % 2 == 0:
            matcher._chunks.clear()
        got = made.chunk_tokens(text, matcher._chunks, matcher._specials, matcher._tokens)
        assert got == want, repr(text)
        assert [type(s) for s in got[1]] == [bool] * len(got[1])


def test_chunk_tokens_python_twin_equals_spacy(tiny_matcher, monkeypatch):
    """With the module switched off, the matcher's Doc is still spaCy's (the twin is what the
    compiled function is checked against above)."""
    from test_fastpath import _blank_pipeline

    monkeypatch.setattr(native, "objects", lambda: None)
    nlp = _blank_pipeline()
    for text in ["(: a :) b", "Dr. It's :-) e.g. x", "  lead\xa0and\n\ttabs  ", "8-) :p (:(:"]:
        ours = tiny_matcher._make_doc(text)
        assert [(t.text, t.whitespace_) for t in ours] == [
            (t.text, t.whitespace_) for t in nlp.make_doc(text)
        ]


def test_chunk_tokens_refuse_a_cache_of_other_things(made, tiny_matcher):
    specials, tokens_of = tiny_matcher._specials, tiny_matcher._tokens
    for entry in [("a",), (("a",), (False,)), (("a",), (False,), ()), (("a",), (False,), 5)]:
        with pytest.raises(TypeError):
            made.chunk_tokens("a b", {"a": entry}, specials, tokens_of)
    with pytest.raises(TypeError):
        made.chunk_tokens("a b", {}, ["a"], tiny_matcher._tokens)
    with pytest.raises(ZeroDivisionError):  # an error of tokens_of comes through
        made.chunk_tokens("a b", {}, tiny_matcher._specials, lambda chunk: 1 / 0)


def _random_page_rows(rng) -> list[list[list[Word]]]:
    """Chunked rows of a page: one or two columns (a sidebar, a date field at the right edge),
    rows crossing the gutter, a short column reaching into it, odd offsets and anomalies."""
    n = int(rng.integers(1, 40))
    left_edge = float(rng.choice([0.0, 36.0, 72.5, -4.5, 300.0]))
    gutter_at = left_edge + float(rng.integers(60, 300))
    width = float(rng.choice([8.0, 9.0, 12.0, 30.0, 60.0]))
    rows = []
    for r in range(n):
        top = 40.0 + r * 12.0
        chunks = []
        kind = rng.random()
        if kind < 0.15:  # a row across the page
            x = left_edge + float(rng.integers(0, 5))
            chunks.append([Word("wide", x, top, gutter_at + width + 200.0, top + 10, 10.0, 0)])
        else:
            if rng.random() < 0.8:
                x = left_edge + float(rng.integers(0, 20))
                x_end = gutter_at - float(rng.integers(0, 30)) * float(rng.random() < 0.5)
                chunks.append([Word("left", x, top, x + 10, top + 10, 10.0, 0),
                               Word("more", x + 12, top, x_end, top + 10, 10.0, 0)])  # fmt: skip
            if rng.random() < 0.8:
                if rng.random() < 0.3:  # right-aligned dates
                    end = gutter_at + width + 150.0
                    start = end - float(rng.choice([60.0, 60.0, 75.0]))
                    first = Word("2019", start, top, start + 30, top + 10, 10.0, 0)
                    chunks.append([first, Word("2021", start + 35, top, end, top + 10, 10.0, 0)])
                else:
                    x = gutter_at + width + float(rng.integers(-3, 3))
                    x_end = x + float(rng.integers(20, 200))
                    chunks.append([Word("right", x, top, x_end, top + 10, 10.0, 0)])
        if not chunks:
            chunks.append([Word("x", left_edge, top, left_edge + 5, top + 10, 10.0, 0)])
        if rng.random() < 0.05:  # a chunk ending before it starts
            w = chunks[0][0]
            chunks[0] = [w._replace(x1=w.x0 - float(rng.integers(1, 50)))]
        if rng.random() < 0.02:
            w = chunks[-1][-1]
            chunks[-1][-1] = w._replace(x1=float(rng.choice([np.inf, np.nan])))
        rows.append(chunks)
    return rows


def _random_chunk_rows(rng) -> list[list[list[Word]]]:
    """Rows of 1-3 chunks placed around a few column edges with small whole and half point
    offsets: chunk ends land on and beside the places a gutter's edges are tested at."""
    anchors = [0.0, 100.0, 140.0, 200.0, 260.0]
    rows = []
    for r in range(int(rng.integers(6, 40))):
        top = 40.0 + r * 12.0
        chunks = []
        for _ in range(int(rng.integers(1, 4))):
            x = float(rng.choice(anchors)) + float(rng.integers(-3, 4)) + 0.5 * (rng.random() < 0.2)
            end = x + float(rng.choice([5.0, 30.0, 38.0, 39.0, 40.0, 41.0, 60.0, 100.0, 150.0]))
            chunks.append([Word("w", x, top, end, top + 10, 10.0, 0)])
        rows.append(chunks)
    return rows


def test_find_gutter_equals_python(made):
    rng = np.random.default_rng(13)
    seen = {"found": 0, "none": 0, "python": 0}
    for trial in range(6000):
        rows = _random_page_rows(rng) if trial % 2 else _random_chunk_rows(rng)
        asked: list = []

        def aligned(rows_, g1, asked=asked):
            asked.append(g1)
            return layout._aligned_field(rows_, g1)

        try:
            want = layout._find_gutter(rows)
        except (IndexError, ValueError, OverflowError, MemoryError) as exc:
            want = type(exc)
        got = made.find_gutter(
            rows, layout.MIN_GUTTER, layout.MAX_CROSSING, layout.MIN_ROWS_EACH_SIDE, aligned
        )
        if got is NotImplemented:
            seen["python"] += 1
            continue
        assert got == want, trial
        assert all(type(g) is int for g in asked)
        seen["found" if got else "none"] += 1
    assert min(seen.values()) >= 50, seen


def test_find_gutter_passes_on_what_aligned_field_raises(made):
    rows = [
        [[Word("a", 0.0, t, 50.0, t + 10, 10.0, 0)], [Word("b", 200.0, t, 300.0, t + 10, 10.0, 0)]]
        for t in range(0, 200, 12)
    ]

    def broken(rows_, g1):
        raise RuntimeError("aligned_field failed")

    with pytest.raises(RuntimeError):
        made.find_gutter(rows, layout.MIN_GUTTER, layout.MAX_CROSSING, 3, broken)
    assert layout._gutter(rows) == layout._find_gutter(rows) is not None
    far = [[[w._replace(x1=2e6) for w in chunk] for chunk in row] for row in rows]
    assert made.find_gutter(far, 9.0, 0.12, 3, broken) is NotImplemented  # left to Python


def _rows_of(spans_per_row: list[list[tuple[float, float]]]) -> list[list[list[Word]]]:
    return [
        [[Word("w", a, 40.0 + 12 * r, b, 50.0 + 12 * r, 10.0, 0)] for a, b in spans]
        for r, spans in enumerate(spans_per_row)
    ]


@pytest.mark.parametrize(
    "spans_per_row",
    [
        # Two equally wide cores in one open strip (a short chunk in its middle): the first.
        [[(0.0, 149.0), (185.0, 300.0)]] * 12 + [[(0.0, 149.0), (165.0, 169.0), (185.0, 300.0)]],
        # The only open strip starts exactly where the search ends (0.9 of the width).
        [[(0.0, 179.0), (190.0, 200.0)]] * 10,
        # Two gutters scoring the same: the first found.
        [[(0.0, 99.0), (120.0, 199.0), (220.0, 300.0)]] * 10,
    ],
)
def test_find_gutter_edge_cases_equal_python(made, spans_per_row):
    rows = _rows_of(spans_per_row)
    got = made.find_gutter(
        rows,
        layout.MIN_GUTTER,
        layout.MAX_CROSSING,
        layout.MIN_ROWS_EACH_SIDE,
        layout._aligned_field,
    )
    assert got == layout._find_gutter(rows)


def test_make_lines_equal_python(made):
    from pipeline.records import Line

    rng = np.random.default_rng(17)
    sizes = [10.0, 10.0, 11.5, 9.25, 12.0, 0.0, -0.0, 1e-9, 7.125, 10.005, 10.015, np.inf]
    odd = [float("nan"), 10, True]  # left to _line
    texts = ["a", "Python", "é", "中文", "𝒳", "", "C++", "R&D"]
    for trial in range(3000):
        rows = []
        for _ in range(int(rng.integers(0, 8))):
            row = []
            for _ in range(int(rng.integers(1, 4))):
                chunk = []
                for _ in range(int(rng.integers(1, 5))):
                    size = float(rng.choice(sizes))
                    if rng.random() < 0.03:
                        size = odd[int(rng.integers(0, len(odd)))]
                    text = str(rng.choice(texts))
                    bold = bool(rng.random() < 0.7)
                    chunk.append(
                        Word(text, 1.0, 2.0, 3.0, 4.0, size, int(rng.integers(0, 3)), bold)
                    )
                row.append(chunk)
            rows.append(row)
        want = [layout._line([w for chunk in row for w in chunk]) for row in rows]
        got = made.make_lines(Line, rows, layout._line)
        assert repr(got) == repr(want), trial
        assert all(type(line) is Line for line in got)


def test_make_lines_refuses_other_rows_and_passes_errors_on(made):
    from pipeline.records import Line

    with pytest.raises(TypeError):
        made.make_lines(Line, [[("not", "a", "word")]], layout._line)
    with pytest.raises(IndexError):  # an empty row: _line raises, as it would
        made.make_lines(Line, [[]], layout._line)


def test_split_at_wide_rows_equals_python(made):
    rng = np.random.default_rng(19)
    compared = 0
    for trial in range(3000):
        rows = _random_page_rows(rng) if trial % 2 else _random_chunk_rows(rng)
        got = made.split_at_wide_rows(rows, layout.WIDE_ROW)
        if got is NotImplemented:
            continue
        assert got == layout._split_at_wide_rows(rows), trial
        compared += 1
    assert compared > 2500  # the rest hold a NaN box
    assert made.split_at_wide_rows([], layout.WIDE_ROW) is NotImplemented


def test_word_starts_equal_python(made):
    """Where the runs of word characters whose lower case is a key start, as re finds them
    (the characters folding to a Latin letter under re.I are not given to it)."""
    import random
    import re

    keys = {"her": 1, "he": 2, "women": 3, "x": 4, "é": 5, "ǆ": 6, "1": 7}
    pieces = ["her", "He", "HER", "women", "Women's", "x", "X", "é", "É", "ǅ", "Ǆ", "١", "1",
              "_", " ", "'", "-", "\n", "herx", "xher", "中", "𝒳", "ß", "Σ", "\u212a"]  # fmt: skip
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        want = [
            (m.start(), keys[m.group().lower()])
            for m in re.finditer(r"\w+", text)
            if m.group().lower() in keys
        ]
        assert made.word_starts(text, keys, 5) == want, repr(text)


def test_word_starts_refuses_what_it_cannot_check(made):
    assert made.word_starts("Her team, her", {"her": "p"}, 3) == [(0, "p"), (10, "p")]
    assert made.word_starts("Other team", {"her": "p"}, 3) == []
    with pytest.raises(TypeError):
        made.word_starts("her", {"her"}, 3)
    with pytest.raises(ValueError):
        made.word_starts("her", {"her": 1}, 0)
    with pytest.raises(ValueError):
        made.word_starts("her", {"hers": 1}, 3)
    with pytest.raises(ValueError):
        made.word_starts("her", {5: 1}, 3)


def test_spaced_rows_are_the_rows_the_join_can_change(made):
    rng = np.random.default_rng(23)
    for _ in range(500):
        rows = [list(row) for row in made.rows(_random_words(rng, 40), layout.ROW_BAND)]
        flagged = set(made.spaced_rows(rows))
        for k, row in enumerate(rows):
            if k not in flagged:
                assert layout._join_spaced_letters(row) is row
    odd = [[Word(None, 0.0, 0.0, 1.0, 1.0, 10.0, 0)], [Word("a", 0.0, 0.0, 1.0, 1.0, 10.0, 0)]]
    assert made.spaced_rows(odd) == [0]  # a text that is not a string: Python decides


def test_digits_close_equals_the_pattern(made):
    """`count` digits with at most `gap` other characters between each two, as re finds them
    (digits of other scripts count, as \\d counts them)."""
    import random
    import re

    pieces = ["1", "9", "0", "٣", "１", "²", "½", " ", "-", "(", ")", "+", ".", "/", "a", "\n",
              "  ", "   ", "    ", "x1", "𝟙"]  # fmt: skip
    rng = random.Random(12)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        count, gap = rng.choice([(9, 3), (9, 3), (3, 0), (1, 0), (4, 2)])
        want = re.search(rf"(?:\d\D{{0,{gap}}}){{{count}}}", text) is not None
        assert made.digits_close(text, count, gap) is want, (text, count, gap)
    with pytest.raises(ValueError):
        made.digits_close("123", 0, 3)
