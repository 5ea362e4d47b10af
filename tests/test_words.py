"""Word boundaries from geometry (pipeline/read/words.py), on PDFs that reproduce real
producers' habits: glyphs placed one by one with no usable space, tight kerning, justified
text, letter-spaced headings, a label rotated down the margin."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.read import PDF_ENGINES, parse, words

BODY = "Project leadership, strong technical skills, analytical skills and customer service"


def _canvas(path):
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=(612, 792), invariant=1)


def _hinted_line(c, x, y, text, size=11.0, shrink=0.06, space=None):
    """Draw `text` the way wkhtmltopdf/Qt does: one Td move and one Tj per glyph, moves
    rounded and a little shorter than the glyphs' widths, each space its own glyph that
    PDFium leaves out of its text (the gap it leaves is too narrow for PDFium to put a
    space back)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    t = c.beginText(x, y)
    t.setFont("Times-Roman", size)
    for ch in text:
        advance = stringWidth(ch, "Times-Roman", size)
        if ch == " ":
            advance = space if space is not None else advance
        t.textOut(ch)
        t.moveCursor(round(advance - shrink * size * (ch != " "), 1), 0)
    c.drawText(t)


def _pdfium_raw_text(path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_glyphs_placed_one_by_one_keep_their_word_gaps(tmp_path, engine):
    path = tmp_path / "hinted.pdf"
    c = _canvas(path)
    for i in range(12):
        _hinted_line(c, 60, 720 - 16 * i, BODY)
    c.save()
    lines = parse(path, pdf_engine=engine, ocr=False).text.splitlines()
    assert lines == [BODY] * 12


def test_the_hinted_fixture_reproduces_the_glued_words():
    """Guard for the fixture above: PDFium's own text glues these words, as on the real
    files, so the test above exercises the geometric split and not PDFium's spaces."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hinted.pdf"
        c = _canvas(path)
        _hinted_line(c, 60, 720, BODY, space=1.2)
        c.save()
        raw = _pdfium_raw_text(path)
    assert "technicalskills" in raw.replace("\r\n", " ")


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_words_drawn_one_by_one_without_space_glyphs(tmp_path, engine):
    """reportlab drawString per word, a narrow gap (0.2 em) and no space character."""
    path = tmp_path / "per-word.pdf"
    c = _canvas(path)
    c.setFont("Helvetica", 10)
    for i in range(10):
        x = 60.0
        for word in BODY.split():
            c.drawString(x, 720 - 14 * i, word)
            x += c.stringWidth(word, "Helvetica", 10) + 2.0
    c.save()
    assert parse(path, pdf_engine=engine, ocr=False).text.splitlines() == [BODY] * 10


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_tight_kerning_does_not_split_words(tmp_path, engine):
    """Kerned pairs (TJ adjustments that pull glyphs together) stay inside their word, even
    when a glyph is seen mostly in kerned pairs ("TX") and once unkerned ("PyTorch")."""
    path = tmp_path / "kerned.pdf"
    c = _canvas(path)
    for i in range(8):
        c._code.append(
            f"BT /F1 10 Tf 60 {700 - 14 * i} Td "
            "[(Aus) 10 (tin, ) (T) 120 (X) ( ) (and) ( ) (W) 80 (a) 60 (V) 90 (e) ( ) "
            "(PyT) (orch) ( ) (T) 110 (o) 40 (w) (er)] TJ ET"
        )
    c.setFont("Helvetica", 10)  # registers /F1 as Helvetica
    c.drawString(60, 760, "Kerning check")
    c.save()
    lines = parse(path, pdf_engine=engine, ocr=False).text.splitlines()
    assert lines[0] == "Kerning check"
    assert lines[1:] == ["Austin, TX and WaVe PyTorch Tower"] * 8


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_space_that_takes_no_room_is_not_a_word_gap(tmp_path, engine):
    """A space glyph inside a word's run of kerning, moved back by its own width: the word
    reads whole."""
    path = tmp_path / "zero-space.pdf"
    c = _canvas(path)
    c.setFont("Helvetica", 10)
    c.drawString(60, 760, "Summary of skills")
    for i in range(6):
        c._code.append(
            f"BT /F1 10 Tf 60 {700 - 14 * i} Td [(Pro) ( ) 278 (ject) ( ) (leadership)] TJ ET"
        )
    c.save()
    lines = parse(path, pdf_engine=engine, ocr=False).text.splitlines()
    assert lines[1:] == ["Project leadership"] * 6


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_justified_text_with_wide_gaps(tmp_path, engine):
    """Justified lines: word spacing (Tw) widens each space; words stay whole, lines stay
    one line."""
    path = tmp_path / "justified.pdf"
    c = _canvas(path)
    words_ = BODY.split()
    for i in range(8):
        t = c.beginText(60, 720 - 14 * i)
        t.setFont("Helvetica", 10)
        t.setWordSpace(4.0 + i)  # up to 11 pt between words
        t.textOut(" ".join(words_))
        c.drawText(t)
    c.save()
    assert parse(path, pdf_engine=engine, ocr=False).text.splitlines() == [BODY] * 8


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_letter_spaced_heading_drawn_glyph_by_glyph(tmp_path, engine):
    """CSS letter-spacing in a Qt-style PDF: every glyph moved by its width plus 0.15 em,
    and the space between words left out of the text."""
    path = tmp_path / "tracked.pdf"
    c = _canvas(path)
    _hinted_line(c, 60, 740, "PROFESSIONAL SUMMARY", size=12, shrink=-0.15)
    for i in range(6):
        _hinted_line(c, 60, 710 - 16 * i, BODY)
    c.save()
    lines = parse(path, pdf_engine=engine, ocr=False).text.splitlines()
    assert lines[0] == "PROFESSIONAL SUMMARY"
    assert lines[1:] == [BODY] * 6


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_rotated_margin_label_is_read_as_its_own_block(tmp_path, engine):
    path = tmp_path / "rotated.pdf"
    c = _canvas(path)
    c.setFont("Helvetica", 10)
    body = [f"Line {i} of the profile with Python and SQL" for i in range(20)]
    for i, line in enumerate(body):
        c.drawString(72, 740 - 14 * i, line)
    c.saveState()
    c.translate(40, 745)
    c.rotate(-90)  # reads top to bottom down the left margin, beside the body lines
    c.setFont("Helvetica-Bold", 16)
    c.drawString(0, 0, "CURRICULUM VITAE")
    c.restoreState()
    c.saveState()
    c.translate(580, 500)
    c.rotate(90)  # bottom to top in the right margin
    c.setFont("Helvetica", 9)
    c.drawString(0, 0, "Updated 2024")
    c.restoreState()
    c.save()
    lines = parse(path, pdf_engine=engine, ocr=False).text.splitlines()
    assert lines[:20] == body
    assert lines[20:] == ["CURRICULUM VITAE", "Updated 2024"]


# The word model on its own, with characters laid out in code.


def _chars(text: str, gaps: list[float], size: float = 10.0, y: float = 100.0) -> words.Chars:
    """One line of characters of width 0.5 em; gaps[i] (in ems) follows character i."""
    codes = words.codes_of(text)
    blank, line_end = words.blank_mask(codes)
    x0, x1 = [], []
    x = 0.0
    for i, _ in enumerate(text):
        x0.append(x)
        x1.append(x + 0.5 * size)
        x = x1[-1] + (gaps[i] if i < len(gaps) else 0.0) * size
    n = len(text)
    return words.Chars(
        codes,
        np.array(x0),
        np.array(x1),
        np.full(n, y - size),
        np.full(n, y),
        blank,
        line_end,
        np.zeros(n, dtype=bool),
    )


def _texts(text: str, chars: words.Chars) -> list[str]:
    return [
        "".join(c for c, b in zip(text[s:e], chars.blank[s:e], strict=True) if not b)
        for s, e in words.spans(chars).tolist()
    ]


def test_a_gap_wider_than_usual_splits_a_word():
    text = "abcabcabcabc"
    gaps = [0.0] * len(text)
    gaps[5] = 0.2  # after the second "c"
    assert _texts(text, _chars(text, gaps)) == ["abcabc", "abcabc"]


def test_a_glyph_usually_followed_by_a_tighter_gap_is_judged_by_its_own_gaps():
    """Hinted positions: after "l" the next glyph starts 0.15 em early, so a 0 em gap after
    "l" is a word gap of 0.15 em, while 0 em after other glyphs is inside a word."""
    text = "lalalalalalalala"
    gaps = [-0.15 if ch == "l" else 0.0 for ch in text]
    gaps[8] = 0.0  # the fifth "l": a space's worth wider than its usual gap
    assert _texts(text, _chars(text, gaps)) == ["lalalalal", "alalala"]


def test_letter_spacing_of_a_line_is_not_a_word_gap():
    text = "HEADINGWORDS"
    gaps = [0.2] * len(text)
    gaps[6] = 0.55  # between HEADING and WORDS
    assert _texts(text, _chars(text, gaps)) == ["HEADING", "WORDS"]


def test_spaces_and_line_breaks_always_split():
    text = "ab cd\r\nef"
    assert _texts(text, _chars(text, [0.0] * len(text))) == ["ab", "cd", "ef"]


def test_empty_page_has_no_words():
    empty = _chars("", [])
    assert words.spans(empty).shape == (0, 2)


def test_blank_mask_table_matches_the_ranges_for_every_code_point():
    codes = np.arange(0x110000, dtype=np.uint32)
    blank, line_end = words.blank_mask(codes)
    expected_end = np.isin(codes, words._LINE_END)
    expected_blank = np.isin(codes, words._BLANK_CODES)
    for lo, hi in words._BLANK_RANGES:
        expected_blank |= (codes >= lo) & (codes <= hi)
    expected_blank &= ~expected_end
    assert np.array_equal(blank, expected_blank)
    assert np.array_equal(line_end, expected_end)


@pytest.mark.parametrize("groups_up_to", [40, 2**15 + 10])  # radix sort, and the fallback
def test_group_order_sorts_like_lexsort(groups_up_to):
    rng = np.random.default_rng(0)
    groups = rng.integers(0, groups_up_to, 3000)
    values = np.round(rng.normal(size=3000), 1)  # many equal values
    order = words._group_order(groups, values)
    expected = np.lexsort((values, groups))
    assert np.array_equal(groups[order], groups[expected])
    assert np.array_equal(values[order], values[expected])


def test_dense_ids_match_np_unique():
    keys = np.random.default_rng(1).integers(0, 50, 500) * 4096
    count, ids = words._dense_ids(keys)
    unique, inverse = np.unique(keys, return_inverse=True)
    assert count == len(unique)
    assert np.array_equal(ids, inverse)


def test_pdfium_words_are_word_records_of_plain_values(tmp_path):
    """The reader makes its words straight from columns of numbers: each must still be a
    `Word` equal to one made field by field, with Python floats, ints and bools (not numpy
    scalars) and the rotated flag last."""
    from pipeline.read.pdf_pdfium import read_words
    from pipeline.records import Word

    path = tmp_path / "words.pdf"
    c = _canvas(path)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 740, "Ada Example")
    c.setFont("Helvetica", 10)
    c.drawString(72, 720, "Python and SQL since 2019")
    c.saveState()
    c.translate(40, 700)
    c.rotate(-90)
    c.drawString(0, 0, "Margin")
    c.restoreState()
    c.save()
    pages, hidden = read_words(path.read_bytes())
    found = pages[0]
    assert hidden == 0 and [w.text for w in found[:2]] == ["Ada", "Example"]
    for word in found:
        assert type(word) is Word and word == Word(*word) and len(word) == 9
        assert [type(v) for v in word] == [str, float, float, float, float, float, int, bool, bool]
    assert found[0].bold and not found[2].bold
    assert [w.rotated for w in found if w.text == "Margin"] == [True]
