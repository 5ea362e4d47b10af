"""The compiled loops (pipeline/_native.c) give exactly what their Python twins give.

- PDFium loops: the same words, boxes, sizes and hidden-word counts, page by page, on the
  generated golden corpus (tests/golden/corpus.py: one and two columns, several pages, white,
  light, invisible, stroked and tiny text, a rotated label), and the same arrays call by call.
- Word model: the same spans as words.py's numpy model on thousands of random pages (lines
  of glyphs with kerning, missing spaces, letter-spaced headings, rotated runs, line-end
  hyphens, ties, and NaN or infinite boxes), also with other thresholds.

Without the compiled library (no C compiler at install time) these are skipped, or fail when
PIPELINE_REQUIRE_TOOLS=1 (CI, where the build compiles it).
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import missing

from pipeline import native
from pipeline.read import pdf_pdfium, words

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

import corpus


@pytest.fixture(scope="module")
def loops():
    library = native.library()
    if library is None:
        missing(
            "pipeline/_native.so",
            "the compiled loops are not loaded (pipeline/_native.so not built, or PIPELINE_NO_C=1)",
        )
    return library


@pytest.fixture(scope="module")
def corpus_pdfs(tmp_path_factory) -> list[bytes]:
    directory = tmp_path_factory.mktemp("corpus")
    return [p.read_bytes() for p in corpus.write_corpus(directory) if p.suffix == ".pdf"]


def _read_all(monkeypatch, library, pdfs: list[bytes]):
    monkeypatch.setattr(native, "library", lambda: library)
    return [pdf_pdfium.read_words(data) for data in pdfs]


def test_compiled_loops_read_the_same_words_as_python(monkeypatch, loops, corpus_pdfs):
    compiled = _read_all(monkeypatch, loops, corpus_pdfs)
    plain = _read_all(monkeypatch, None, corpus_pdfs)
    assert compiled == plain
    # The corpus exercises what the loops feed: hidden words are found and dropped, and
    # words carry real boxes (a loop that wrote nothing would leave zeros).
    assert sum(hidden for _, hidden in plain) > 0
    words = [word for pages, _ in plain for page in pages for word in page]
    assert len(words) > 1000
    assert all(word.x1 > word.x0 and word.bottom > word.top for word in words)


def test_compiled_loops_fill_the_arrays_the_python_loops_fill(loops, corpus_pdfs):
    """The loops themselves, on one page: every character's box, every word's colour and mode."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(corpus_pdfs[0])
    page = document[0]
    textpage = page.get_textpage()
    try:
        handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        count = pdfium.raw.FPDFText_CountChars(textpage.raw)
        indices = np.arange(count, dtype=np.int64)
        boxes = np.zeros((count, 4), dtype=np.float32)
        get_box = pdf_pdfium._plain(
            "FPDFText_GetLooseCharBox", None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
        )
        loops.char_boxes(
            native.address(get_box), handle, indices.ctypes.data, count, boxes.ctypes.data
        )
        rect = pdfium.raw.FS_RECTF()
        for i in range(count):
            pdfium.raw.FPDFText_GetLooseCharBox(textpage.raw, i, rect)
            assert boxes[i].tolist() == [
                np.float32(v) for v in (rect.left, rect.top, rect.right, rect.bottom)
            ]
        rgba = np.zeros((count, 4), dtype=np.uint32)
        filled = np.zeros(count, dtype=np.uint8)
        modes = np.zeros(count, dtype=np.int64)
        functions = [native.address(f) for f in pdf_pdfium._fast_functions()]
        outputs = (rgba.ctypes.data, filled.ctypes.data, modes.ctypes.data)
        loops.text_looks(*functions, handle, indices.ctypes.data, count, *outputs)
        channels = [ctypes.c_uint() for _ in range(4)]
        for i in range(count):
            ok = pdfium.raw.FPDFText_GetFillColor(textpage.raw, i, *map(ctypes.byref, channels))
            assert bool(filled[i]) == bool(ok)
            if ok:
                assert rgba[i].tolist() == [c.value for c in channels]
            text_object = pdfium.raw.FPDFText_GetTextObject(textpage.raw, i)
            assert modes[i] == pdfium.raw.FPDFTextObj_GetTextRenderMode(text_object)
    finally:
        textpage.close()
        page.close()
        document.close()


def test_a_library_of_another_version_or_none_falls_back_to_python(monkeypatch):
    native.library.cache_clear()
    try:
        monkeypatch.setenv("PIPELINE_NO_C", "1")
        assert native.library() is None
        native.library.cache_clear()
        monkeypatch.delenv("PIPELINE_NO_C")
        monkeypatch.setattr(native, "VERSION", -1)
        assert native.library() is None
    finally:
        native.library.cache_clear()


def _random_page(rng: np.random.Generator) -> words.Chars:
    """Lines of glyphs as PDF producers place them, with the oddities the model meets."""
    codes, x0, x1, top, bottom, rotated = [], [], [], [], [], []
    alphabet = [ord(c) for c in "aeinorstlTPX-.,()"] + [0x20, 0x20, 0x20]
    y = 0.0
    for _ in range(int(rng.integers(1, 8))):
        size = float(rng.choice([8.0, 9.5, 10.0, 10.125, 12.0, 14.0]))
        y += size * float(rng.uniform(1.0, 1.6))
        x = float(rng.uniform(0, 50))
        tracking = float(rng.choice([0.0, 0.0, 0.3])) * size  # letter-spaced headings
        turn = rng.random() < 0.1  # a vertical run down the margin
        for _ in range(int(rng.integers(0, 60))):
            code = int(rng.choice(alphabet))
            width = size * float(rng.choice([0.25, 0.5, 0.55, 0.6]))
            gap = size * float(rng.choice([0.0, 0.0, 0.01, -0.02, 0.02, 0.05, 0.2, 0.4]))
            if turn:
                codes.append(code)
                x0.append(x)
                x1.append(x + size)
                top.append(y)
                bottom.append(y + width)
                rotated.append(True)
                y += width + gap
                continue
            codes.append(code)
            x0.append(x)
            x1.append(x + width)
            top.append(y - size + float(rng.choice([0.0, 0.0, 0.01])))
            bottom.append(y)
            rotated.append(False)
            x += width + gap + tracking
        codes.append(int(rng.choice([0x0A, 0x0D, 0x02, 0xFFFE, 0x20])))
        x0.append(x)
        x1.append(x)
        top.append(y - size)
        bottom.append(y)
        rotated.append(False)
    columns = [np.array(c, dtype=np.float64) for c in (x0, x1, top, bottom)]
    broken = float(rng.choice([0.0, 0.01, 0.3]))  # boxes PDFium computed from broken matrices
    for column in columns:
        odd = rng.random(len(column)) < broken
        column[odd] = rng.choice([np.nan, np.inf, -np.inf, 1e308, 0.0], size=int(odd.sum()))
    code_array = np.array(codes, dtype=np.uint32)
    blank, line_end = words.blank_mask(code_array)
    return words.Chars(code_array, *columns, blank, line_end, np.array(rotated, dtype=bool))


@pytest.mark.parametrize(
    "thresholds",
    [
        {},
        {"SPLIT_EM": 0.05, "BASE_QUANTILE": 0.5, "MIN_SAMPLES": 2},
        {"JOIN_EM": 0.1, "BASE_CAP_EM": 0.0, "SAME_LINE_EM": 0.2, "BASE_QUANTILE": 1.0},
    ],
)
def test_compiled_word_model_gives_the_numpy_spans(monkeypatch, loops, thresholds):
    for name, value in thresholds.items():
        monkeypatch.setattr(words, name, value)
    rng = np.random.default_rng(20261206)
    for _ in range(500):
        chars = _random_page(rng)
        with np.errstate(invalid="ignore", over="ignore"):  # NaN and infinite boxes
            expected = words._spans(chars)
        got = words._native_spans(loops, chars)
        assert got is not None
        assert got.dtype == expected.dtype and got.tolist() == expected.tolist()


def test_compiled_word_model_on_pages_without_words(loops):
    for text in ["", " ", "  \n ", "\x02"]:
        codes = words.codes_of(text)
        blank, line_end = words.blank_mask(codes)
        zeros = np.zeros(len(codes))
        chars = words.Chars(codes, zeros, zeros, zeros, zeros, blank, line_end, blank & False)
        assert words.spans(chars).tolist() == words._spans(chars).tolist()
        assert words.spans(chars).shape[1] == 2


def test_compiled_tfidf_product_equals_scipys(loops):
    """The classifier's decision values, part by part, equal scipy's product bit for bit: units
    of every length (empty, one word, a word repeated 700 times), seen and unseen words."""
    import random

    from pipeline.skills.classify import default_model
    from pipeline.skills.fastpath import FastLinear
    from pipeline.text.redact import neutralise

    model = default_model()
    assert model is not None and model._exact is not None
    fast = model._exact
    rng = random.Random(7)
    vocabulary = [
        "data",
        "model",
        "python",
        "deployed",
        "the",
        "of",
        "and",
        "pipelines",
        "trained",
        "served",
    ]
    for round_ in range(6):
        texts = [
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 40))) for _ in range(50)
        ]
        texts += ["", "x", " ".join(["data"] * 700), f"unseenword{round_} Kubernetes SageMaker"]
        texts = [neutralise(t) for t in texts]
        pieces = [part.transform(texts) for part in fast.parts]
        # The model's 10 competencies (a loop of its own in C), and 7 of them.
        for linear in (fast, FastLinear(fast.parts, fast.weights[:, :7], fast.bias[:7])):
            expected = linear._scipy_product(pieces, len(texts))
            got = linear._native_product(loops, texts)
            assert got is not None
            assert np.array_equal(got, expected)
            assert np.abs(expected).sum() > 0  # the comparison is not between zeros


def _per_unit(flat, lengths) -> list[list[int]]:
    ends = np.cumsum(lengths).tolist()
    flat = np.asarray(flat).tolist()
    return [sorted(flat[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def test_compiled_ngram_columns_equal_the_python_ones(loops):
    """Word and character n-grams cut and hashed in C: per unit, the same columns as the
    cached Python path, over letters of many scripts, digits, underscores, every kind of
    whitespace str.split() knows, combining marks and "İ" (two code points once lowercased)."""
    import random

    from pipeline.skills.classify import default_model

    fast = default_model()._exact
    pieces = list("abcxyz019_-.,;:/()é ßñøŁİıΣσςжЖ\u0301") + [
        " ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x85", "\xa0", "\u1680",
        "\u2000", "\u2028", "\u202f", "\u205f", "\u3000", "\u200b", "\u180e",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(40):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(30)]
        texts += ["", "a", "ab", "Data pipelines in PyTorch_2 and scikit-learn."]
        for part in fast.parts:
            native_flat, native_lengths = part.native_columns(loops, texts)
            flat, lengths = part.columns(texts)
            assert list(native_lengths) == list(lengths)
            assert _per_unit(native_flat, native_lengths) == _per_unit(flat, lengths)


def test_compiled_ngram_columns_leave_other_scripts_to_python(loops):
    from pipeline.skills.classify import default_model

    fast = default_model()._exact
    for text in ["機械学習 engineer", "model 🚀 deployed", "bad \ud800 surrogate"]:
        for part in fast.parts:
            assert part.native_columns(loops, ["fine text", text]) is None


def test_murmurhash_of_the_compiled_columns_is_mmh3s(loops):
    """Single n-grams of 1 to 9 UTF-8 bytes (every tail length of the hash) hash as mmh3 does."""
    from pipeline.skills.fastpath import buckets

    fast_part = (
        __import__("pipeline.skills.classify", fromlist=["x"]).default_model()._exact.parts[0]
    )
    for token in ["ab", "abc", "abcd", "abcde", "héllo", "naïveté", "жжжжж", "a_b_c_d_e"]:
        flat, lengths = fast_part.native_columns(loops, [token])
        assert list(lengths) == [1]
        assert flat.tolist() == buckets([token], fast_part.n_features).tolist()


def test_compiled_minhash_signature_equals_python(monkeypatch, loops):
    """text_signature's blake2b-8 hashes and MinHash minima in C equal the Python ones, for
    shingles of every length around BLAKE2b's 128-byte blocks and in several scripts."""
    import random

    from pipeline.understand import applicants

    rng = random.Random(5)
    alphabet = list("abcdefghijklmnopqrstuvwxyzéßжΣ0123456789_")
    documents = []
    for _ in range(30):
        words = [
            "".join(rng.choice(alphabet) for _ in range(rng.choice([1, 3, 8, 30, 60, 140])))
            for _ in range(rng.randint(5, 200))
        ]
        documents.append([" ".join(words[i : i + 12]) for i in range(0, len(words), 12)])
    compiled = [applicants.text_signature(lines) for lines in documents]
    monkeypatch.setattr(native, "library", lambda: None)
    plain = [applicants.text_signature(lines) for lines in documents]
    assert compiled == plain
    assert sum(1 for signature in plain if signature) >= 20  # most are long enough to sign


def test_compiled_shingles_give_the_python_signature(monkeypatch, loops):
    """`shingle_minhash` (words, shingles, distinct count, hashes and minima from the text in
    C) gives text_signature's Python result: texts of words in many scripts with digits,
    underscores, apostrophes, combining marks, Unicode spaces and punctuation between them,
    repeated passages (fewer distinct shingles than shingles, around MIN_SHINGLES), and
    characters the table does not cover (CJK, emoji, a lone surrogate: the Python path)."""
    import random

    from pipeline.understand import applicants

    rng = random.Random(8)
    letters = list("abcxyzéßжΣ0189_") + ["e\u0301", "İ", "ǅ", "Ⅻ", "²", "٣"]
    between = [" ", "  ", ", ", ".", "\u00a0", "\u2003", "-", "'", "\n", "/", "\u200b", "·"]
    rare = ["漢字", "🙂", "\ud800"]
    texts = []
    for i in range(400):
        vocabulary = [
            "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
            for _ in range(rng.choice([3, 8, 30, 200]))
        ]
        words = [rng.choice(vocabulary) for _ in range(rng.choice([4, 5, 6, 30, 44, 45, 60, 300]))]
        if i % 20 == 0:
            words.insert(rng.randrange(len(words) + 1), rng.choice(rare))
        text = "".join(w + rng.choice(between) for w in words)
        texts.append([text[: len(text) // 2], text[len(text) // 2 :]])
    compiled = [applicants.text_signature(lines) for lines in texts]
    monkeypatch.setattr(native, "library", lambda: None)
    plain = [applicants.text_signature(lines) for lines in texts]
    assert compiled == plain
    signed = sum(1 for signature in plain if signature)
    assert 100 <= signed <= 350  # both sides of MIN_SHINGLES are reached
    near = [
        len(applicants.shingles(lines))
        for lines in texts
        if abs(len(applicants.shingles(lines)) - applicants.MIN_SHINGLES) <= 3
    ]
    assert len(near) >= 5


def test_compiled_expit_equals_python(loops):
    """The classifier's last step, 1 / (1 + exp(-(sums + bias))), as fastpath._expit gives it,
    at the extremes (exp overflowing, infinities, NaN) and over a million ordinary values."""
    from pipeline.skills.fastpath import _expit

    rng = np.random.default_rng(3)
    edges = [0.0, -0.0, 1e-300, -709.78, -709.79, -745.2, 709.8, 800.0, -800.0, np.inf, -np.inf]
    sums = np.concatenate([np.array(edges + [np.nan]), rng.normal(0, 8, 1_000_000 - 12)])
    sums = sums.reshape(-1, 10)
    bias = rng.normal(0, 2, 10)
    out = np.empty_like(sums)
    loops.expit(sums.ctypes.data, bias.ctypes.data, sums.shape[0], 10, out.ctypes.data)
    expected = _expit(sums + bias)
    assert np.array_equal(out, expected, equal_nan=True)
    assert np.isnan(out).sum() == 1 and (out == 0.0).any() and (out == 1.0).any()
