"""The compiled PDFium loops (pipeline/read/_pdfium_loops.c) give exactly what the Python
loops give: the same words, boxes, sizes and hidden-word counts, page by page.

The PDFs are the generated golden corpus (tests/golden/corpus.py): one and two columns,
several pages, white, light, invisible, stroked and tiny text, a rotated label. Without the
compiled library (no C compiler at install time) the comparison is skipped, or fails when
PIPELINE_REQUIRE_TOOLS=1 (CI, where the build compiles it).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import pytest

from pipeline.read import pdf_pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

import corpus


@pytest.fixture(scope="module")
def loops():
    library = pdf_pdfium._c_loops()
    if library is None:
        if os.environ.get("PIPELINE_REQUIRE_TOOLS") == "1":
            pytest.fail("the C loops are not built, and PIPELINE_REQUIRE_TOOLS=1 requires them")
        pytest.skip("pipeline/read/_pdfium_loops.so is not built (no C compiler at install)")
    return library


@pytest.fixture(scope="module")
def corpus_pdfs(tmp_path_factory) -> list[bytes]:
    directory = tmp_path_factory.mktemp("corpus")
    return [p.read_bytes() for p in corpus.write_corpus(directory) if p.suffix == ".pdf"]


def _read_all(monkeypatch, library, pdfs: list[bytes]):
    monkeypatch.setattr(pdf_pdfium, "_c_loops", lambda: library)
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
    import numpy as np
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
            pdf_pdfium._address(get_box), handle, indices.ctypes.data, count, boxes.ctypes.data
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
        functions = [pdf_pdfium._address(f) for f in pdf_pdfium._fast_functions()]
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
    pdf_pdfium._c_loops.cache_clear()
    try:
        monkeypatch.setenv("PIPELINE_NO_C", "1")
        assert pdf_pdfium._c_loops() is None
        pdf_pdfium._c_loops.cache_clear()
        monkeypatch.delenv("PIPELINE_NO_C")
        monkeypatch.setattr(pdf_pdfium, "_LOOPS_VERSION", -1)
        assert pdf_pdfium._c_loops() is None
    finally:
        pdf_pdfium._c_loops.cache_clear()
