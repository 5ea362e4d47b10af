"""OCR of scanned PDF pages and image resumes (Tesseract), with fixtures built in code.

A "scan" is a reportlab text page rasterised with pypdfium2 at 200 DPI grey, with a grey paper
tone and mild noise, embedded as the only content of a PDF page (or saved as PNG/TIFF).
Tests that run Tesseract skip when it is missing, unless PIPELINE_REQUIRE_TOOLS=1 (CI).
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import missing

from pipeline.errors import ParseError
from pipeline.read import PDF_ENGINES, images, ocr, parse
from pipeline.read.sandbox import die_with_parent

pytestmark = pytest.mark.slow


SCAN_DPI = 200

PAGE_ONE = [
    ("Alex Sample", "Helvetica-Bold", 16),
    ("Senior Machine Learning Engineer", "Helvetica", 12),
    ("EXPERIENCE", "Helvetica-Bold", 12),
    ("Senior Machine Learning Engineer, Northwind Analytics, 2020-2024", "Helvetica", 10),
    ("- Built churn models in Python with scikit-learn and Pandas.", "Times-Roman", 10),
    ("- Deployed PyTorch services on AWS and cut inference latency by a third.", "Times-Roman", 10),
    ("Data Scientist, Blue Heron Labs, 2017-2020", "Helvetica", 10),
    ("- Forecasted weekly demand with gradient boosting and clear dashboards.", "Times-Roman", 9),
    ("- Mentored two junior analysts in statistics and reproducible notebooks.", "Times-Roman", 9),
]  # fmt: skip
PAGE_TWO = [
    ("EDUCATION", "Helvetica-Bold", 12),
    ("M.Sc. Computer Science, University of Elsewhere, 2017", "Helvetica", 10),
    ("SKILLS", "Helvetica-Bold", 12),
    ("Python, scikit-learn, PyTorch, SQL, Docker, Kubernetes", "Helvetica", 10),
    ("Certified Kubernetes Administrator, 2022", "Times-Roman", 10),
]  # fmt: skip
SIDEBAR = [
    "SKILLS",
    "Python",
    "scikit-learn",
    "Docker",
    "Kubernetes",
    "LANGUAGES",
    "German",
    "Spanish",
]
MAIN = [
    "EXPERIENCE",
    "Data Scientist, Blue Heron Labs",
    "Trained demand forecasting models",
    "for forty retail stores each week.",
    "Research Assistant, City University",
    "Analysed survey data with R and SQL",
    "and wrote the statistics appendix.",
    "Platform Engineer, Contoso Retail",
]


# ------------------------------------------------------------------ fixtures and builders


@pytest.fixture(autouse=True)
def _fresh_lookup():
    """Each test looks Tesseract up again (tests change PIPELINE_TESSERACT)."""
    ocr.tesseract_binary.cache_clear()
    yield
    ocr.tesseract_binary.cache_clear()


@pytest.fixture
def tesseract() -> None:
    if not ocr.available():
        missing("Tesseract", "Tesseract is not installed")


def _text_page(canvas, lines, x: float = 60, y: float = 740, step: float = 20) -> None:
    for text, font, size in lines:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        y -= step


def _text_pdf(path: Path, pages) -> Path:
    """`pages` is a list of callables drawing on a reportlab canvas."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for draw in pages:
        draw(c)
        c.showPage()
    c.save()
    return path


def _two_columns(c) -> None:
    c.setFont("Helvetica", 10)
    for i, text in enumerate(SIDEBAR):
        c.drawString(40, 740 - 16 * i, text)
    for i, text in enumerate(MAIN):
        c.drawString(230, 740 - 16 * i, text)


def _scan_images(text_pdf: Path, seed: int = 1):
    """Grey PIL images of each page of a text PDF, as a 200 DPI scanner would give them."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    images = []
    document = pdfium.PdfDocument(str(text_pdf))
    try:
        for page in document:
            pixels = np.asarray(page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil())
            pixels = pixels.astype(np.float32) * 0.92 + 8 + rng.normal(0, 8, pixels.shape)
            images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L"))
    finally:
        document.close()
    return images


def _image_pdf(path: Path, images, text_pages=()) -> Path:
    """A PDF whose pages are images (and optionally text pages drawn first)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for draw in text_pages:
        draw(c)
        c.showPage()
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("ocr")
    resume = _text_pdf(
        tmp / "resume-text.pdf",
        [lambda c: _text_page(c, PAGE_ONE), lambda c: _text_page(c, PAGE_TWO)],
    )
    pages = _scan_images(resume)
    columns = _scan_images(_text_pdf(tmp / "columns-text.pdf", [_two_columns]))
    out = {
        "text": resume,
        "scan": _image_pdf(tmp / "scan.pdf", pages),
        "mixed": _image_pdf(
            tmp / "mixed.pdf", pages[1:], text_pages=[lambda c: _text_page(c, PAGE_ONE)]
        ),
        "columns": _image_pdf(tmp / "columns.pdf", columns),
        "blank": _image_pdf(tmp / "blank.pdf", _blank_pages()),
        "png": tmp / "resume.png",
        "tiff": tmp / "resume.tiff",
    }
    pages[0].save(out["png"], format="PNG", dpi=(SCAN_DPI, SCAN_DPI))
    # Copies: Pillow 13 keeps a PNG save's encoder settings on the image and the TIFF
    # writer then trips over them.
    first, *rest = (page.copy() for page in pages)
    first.save(out["tiff"], format="TIFF", save_all=True, append_images=rest, dpi=(200, 200))
    return out


def _blank_pages():
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(3)
    pixels = 240 + rng.normal(0, 6, (2200, 1700))
    return [Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")]


def _reason(path: Path, **kwargs) -> str:
    with pytest.raises(ParseError) as info:
        parse(path, **kwargs)
    return info.value.reason


def _png(width: int, height: int, extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IEND", b"")


# ------------------------------------------------------------------ through parse()


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_scanned_pdf_is_ocred(files, tesseract, engine):
    doc = parse(files["scan"], pdf_engine=engine)
    assert doc.ocr and doc.ocr_pages == 2 and doc.page_count == 2
    assert doc.engine == f"{engine}+tesseract"
    for word in ("Python", "scikit-learn", "PyTorch", "Kubernetes", "Northwind"):
        assert word in doc.text
    assert "Senior Machine Learning Engineer" in doc.text
    assert {line.page for line in doc.lines} == {0, 1}
    # Page one before page two, lines in the drawn order within a page.
    text = doc.text
    assert text.index("Alex Sample") < text.index("EXPERIENCE") < text.index("Blue Heron")
    assert text.index("Blue Heron") < text.index("EDUCATION") < text.index("Certified")


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_text_page_plus_scanned_page(files, tesseract, engine):
    doc = parse(files["mixed"], pdf_engine=engine)
    assert doc.ocr_pages == 1 and doc.page_count == 2
    assert doc.engine == f"{engine}+tesseract"
    first = [line.text for line in doc.lines if line.page == 0]
    second = " ".join(line.text for line in doc.lines if line.page == 1)
    assert PAGE_ONE[4][0] in first  # from the text layer, exactly
    assert "Certified Kubernetes Administrator" in second and "EDUCATION" in second


def test_two_column_scan_is_read_column_by_column(files, tesseract):
    lines = [line.text for line in parse(files["columns"]).lines]
    joined = "\n".join(lines)

    def where(fragment: str) -> int:
        found = [i for i, line in enumerate(lines) if fragment in line]
        assert found, f"{fragment!r} not found"
        return found[0]

    sidebar = [where(t) for t in ("Python", "Docker", "Kubernetes", "German", "Spanish")]
    main = [where(t) for t in ("Blue Heron", "forty retail", "City University", "Contoso")]
    assert max(sidebar) < min(main), joined
    assert sidebar == sorted(sidebar) and main == sorted(main)
    # No row mixes the two columns.
    assert not any("Python" in line and "Blue" in line for line in lines)


def test_png_resume(files, tesseract):
    doc = parse(files["png"])
    assert doc.kind == "image" and doc.engine == "tesseract"
    assert doc.ocr and doc.ocr_pages == 1
    for word in ("Python", "scikit-learn", "Engineer", "Senior Machine Learning Engineer"):
        assert word in doc.text


def test_multipage_tiff_keeps_pages_in_order(files, tesseract):
    words = ocr.ocr_image(files["tiff"].read_bytes())
    assert {w.page for w in words} == {0, 1}
    last_top_page_one = max(w.top for w in words if w.page == 0)
    assert min(w.top for w in words if w.page == 1) > last_top_page_one
    doc = parse(files["tiff"])
    assert doc.text.index("Alex Sample") < doc.text.index("EDUCATION") < doc.text.index("Certified")
    assert doc.page_count == doc.ocr_pages == 2


def test_blank_scanned_page_has_no_text_layer(files, tesseract):
    assert _reason(files["blank"]) == "no_text_layer"


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_without_tesseract_scans_fail_clearly(files, monkeypatch, engine):
    monkeypatch.setenv("PIPELINE_TESSERACT", "none")
    ocr.tesseract_binary.cache_clear()
    assert not ocr.available()
    assert _reason(files["scan"], pdf_engine=engine) == "no_text_layer_ocr_unavailable"
    assert _reason(files["png"]) == "no_text_layer_ocr_unavailable"
    # A text page is still read; only the scanned page is missing, so it has text enough.
    assert not parse(files["mixed"], pdf_engine=engine).ocr


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_ocr_switched_off(files, engine):
    assert _reason(files["scan"], pdf_engine=engine, ocr=False) == "no_text_layer_ocr_unavailable"
    assert _reason(files["png"], ocr=False) == "no_text_layer_ocr_unavailable"


def test_oversized_png_is_refused_before_tesseract(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(100_000, 100_000))

    def no_run(*args, **kwargs):
        raise AssertionError("Tesseract must not be started")

    monkeypatch.setattr(subprocess, "run", no_run)
    with pytest.raises(ParseError) as info:
        ocr.ocr_image(path.read_bytes())
    assert info.value.reason == "too_large" and "10000000000 pixels" in info.value.detail
    if ocr.available():
        assert _reason(path) == "too_large"


def test_unreadable_image_header(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 7)
    with pytest.raises(ParseError) as info:
        ocr.ocr_image(path.read_bytes())
    assert info.value.reason == "corrupt_document"


def test_image_tesseract_cannot_decode(tmp_path, tesseract):
    path = tmp_path / "no-pixels.png"
    path.write_bytes(_png(640, 480))  # a valid header, but no image data
    assert _reason(path) == "corrupt_document"


def test_ocr_timeout_kills_tesseract(files, tesseract, monkeypatch):
    monkeypatch.setattr(ocr, "PAGE_TIMEOUT", 0.05)
    assert _reason(files["scan"]) == "timeout"


def _assert_where_drawn(files, ocr_words) -> None:
    """OCR boxes land where the text layer of the same page puts its words (in points)."""
    from pipeline.read.pdf_pdfium import read_words

    text_words = read_words(files["text"].read_bytes())[0][0]
    assert all(w.page == 0 and not w.bold for w in ocr_words)
    for target in ("Northwind", "Pandas", "Alex"):
        drawn = next(w for w in text_words if w.text.startswith(target))
        read = next(w for w in ocr_words if w.text.startswith(target))
        assert abs(read.x0 - drawn.x0) < 3 and abs(read.x1 - drawn.x1) < 4
        assert abs((read.top + read.bottom) / 2 - (drawn.top + drawn.bottom) / 2) < 4
        assert abs(read.size - drawn.size) <= 0.2 * drawn.size


def test_ocr_words_are_in_pdf_points(files, tesseract):
    _assert_where_drawn(files, ocr.ocr_pdf_pages(files["scan"].read_bytes(), [0])[0])


def test_image_words_use_the_header_resolution(files, tesseract):
    assert images.image_info(files["png"].read_bytes()).dpi == pytest.approx(SCAN_DPI, abs=0.1)
    _assert_where_drawn(files, ocr.ocr_image(files["png"].read_bytes()))


# ------------------------------------------------------------------ units


def test_tesseract_lookup_follows_the_environment(tmp_path, monkeypatch):
    fake = tmp_path / "tess"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PIPELINE_TESSERACT", str(fake))
    ocr.tesseract_binary.cache_clear()
    assert ocr.available() and ocr.tesseract_binary() == str(fake)
    monkeypatch.setenv("PIPELINE_TESSERACT", str(tmp_path / "missing"))
    assert ocr.available(), "cached until cache_clear()"
    ocr.tesseract_binary.cache_clear()
    assert not ocr.available()
    monkeypatch.setenv("PIPELINE_TESSERACT", "None")
    ocr.tesseract_binary.cache_clear()
    assert not ocr.available()


FAKE_TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
    "\tconf\ttext\n"
    "4\t1\t1\t1\t1\t0\t300\t600\t490\t50\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t300\t600\t250\t50\t96.1\tPython\n"
    "5\t1\t1\t1\t1\t2\t600\t600\t90\t40\t12.0\t~~\n"
    "5\t1\t1\t1\t1\t3\t700\t600\t90\t40\t91.0\t \n"
)


@pytest.fixture
def fake_tesseract(tmp_path, monkeypatch) -> dict:
    """Tesseract replaced by a recorder answering FAKE_TSV; returns what it was called with."""
    fake = tmp_path / "tess"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PIPELINE_TESSERACT", str(fake))
    ocr.tesseract_binary.cache_clear()
    seen: dict = {"binary": str(fake)}

    def fake_run(args, timeout, fd=None, stdin=None, env=None):
        seen.update(args=die_with_parent(args), timeout=timeout, input=stdin, env=env)
        return 0, FAKE_TSV.encode(), b""

    monkeypatch.setattr(ocr, "run", fake_run)  # the sandboxed runner Tesseract goes through
    return seen


def _pgm_size(data: bytes) -> tuple[int, int]:
    width, height = (int(v) for v in data.split(b"\n")[1].split())
    assert len(data) == len(b"P5\n%d %d\n255\n" % (width, height)) + width * height
    return width, height


def test_tesseract_command_line(tmp_path, fake_tesseract):
    seen = fake_tesseract
    words = ocr.ocr_pdf_pages(files_text_pdf(tmp_path).read_bytes(), [0])[0]
    args = seen["args"]
    if args[0].endswith("setpriv"):  # Tesseract dies with the worker that started it
        assert args[1:4] == ["--pdeathsig", "KILL", "--"]
        args = args[4:]
    assert args[:3] == [seen["binary"], "stdin", "stdout"] and args[-1] == "tsv"
    assert args[args.index("-l") + 1] == "eng" and "--psm" in args
    assert args[args.index("--dpi") + 1] == str(ocr.OCR_DPI)
    assert seen["env"]["OMP_THREAD_LIMIT"] == "1" and not seen.get("shell")
    assert seen["timeout"] <= ocr.PAGE_TIMEOUT
    assert seen["input"].startswith(b"P5\n")  # a PGM made without Pillow
    assert _pgm_size(seen["input"]) == (round(8.5 * ocr.OCR_DPI), round(11 * ocr.OCR_DPI))
    # Only the confident, non-empty word survives, converted to points.
    assert [w.text for w in words] == ["Python"]
    k = 72 / ocr.OCR_DPI
    assert words[0].x0 == pytest.approx(300 * k) and words[0].bottom == pytest.approx(650 * k)
    assert words[0].size == pytest.approx(50 * k / 0.94, abs=0.01)  # ascender and descender


def test_huge_pdf_page_is_rendered_coarser(tmp_path, fake_tesseract, monkeypatch):
    monkeypatch.setattr(ocr, "MAX_PIXELS", 1_000_000)
    words = ocr.ocr_pdf_pages(files_text_pdf(tmp_path).read_bytes(), [0])[0]
    width, height = _pgm_size(fake_tesseract["input"])
    assert width * height <= 1_000_000 * 1.01 and width == pytest.approx(height * 8.5 / 11, 0.01)
    dpi = int(fake_tesseract["args"][fake_tesseract["args"].index("--dpi") + 1])
    assert dpi < ocr.OCR_DPI and words[0].x0 == pytest.approx(300 * 72 / dpi, rel=0.01)


def files_text_pdf(tmp_path: Path) -> Path:
    return _text_pdf(tmp_path / "one.pdf", [lambda c: _text_page(c, PAGE_ONE[:2])])


def _tiff(order: str, pages: list[tuple[int, int]], resolution: tuple[int, int] | None) -> bytes:
    """A TIFF header with one IFD per page (no pixel data: only the header is read)."""
    out = bytearray((b"II" if order == "<" else b"MM") + struct.pack(order + "HI", 42, 8))
    for n, (width, height) in enumerate(pages):
        count = 4 if resolution else 2
        after_entries = len(out) + 2 + 12 * count + 4
        entries = [  # a SHORT value is left-justified in its 4 bytes
            struct.pack(order + "HHIHH", 256, 3, 1, width, 0),
            struct.pack(order + "HHII", 257, 4, 1, height),
        ]
        if resolution:
            entries.append(struct.pack(order + "HHII", 282, 5, 1, after_entries))
            entries.append(struct.pack(order + "HHIHH", 296, 3, 1, 2, 0))
        end = after_entries + (8 if resolution else 0)
        next_ifd = 0 if n == len(pages) - 1 else end
        out += struct.pack(order + "H", count) + b"".join(entries)
        out += struct.pack(order + "I", next_ifd)
        if resolution:
            out += struct.pack(order + "II", *resolution)
    return bytes(out)


@pytest.mark.parametrize("order", ["<", ">"])
def test_tiff_header(order):
    info = images.image_info(_tiff(order, [(2550, 3300)], (400, 1)))
    assert info.pixels == 2550 * 3300 and info.dpi == 400 and info.page_heights == (3300,)
    info = images.image_info(_tiff(order, [(2000, 3000), (2000, 3000), (1000, 1000)], None))
    assert info.pixels == 13_000_000 and info.dpi == images.ASSUMED_IMAGE_DPI
    assert info.page_heights == (3000, 3000, 1000)
    info = images.image_info(_tiff(order, [(10_000, 4_000), (10_000, 4_000)], None))
    assert info.pixels > ocr.MAX_PIXELS  # pages add up
    with pytest.raises(ParseError) as error:
        images.image_info(_tiff(order, [(10, 10)] * (images.MAX_TIFF_PAGES + 1), None))
    assert error.value.reason == "too_large"


def test_tiff_directory_loop_is_corrupt():
    data = bytearray(_tiff("<", [(100, 100)], None))
    data[-4:] = struct.pack("<I", 8)  # next IFD points back at the first one
    with pytest.raises(ParseError) as info:
        images.image_info(bytes(data))
    assert info.value.reason == "corrupt_document"


def test_png_header_and_density():
    phys = struct.pack(">IIB", 11811, 11811, 1)  # 300 DPI in pixels per metre
    crc = struct.pack(">I", zlib.crc32(b"pHYs" + phys) & 0xFFFFFFFF)
    info = images.image_info(_png(1700, 2200, struct.pack(">I", 9) + b"pHYs" + phys + crc))
    assert info.pixels == 1700 * 2200 and info.dpi == pytest.approx(300, abs=0.1)
    assert images.image_info(_png(10, 10)).dpi == images.ASSUMED_IMAGE_DPI
    with pytest.raises(ParseError):
        images.image_info(_png(0, 10))


def _jpeg(width: int, height: int, jfif: tuple[int, int] | None = (1, 200)) -> bytes:
    out = b"\xff\xd8"
    if jfif:
        unit, density = jfif
        body = b"JFIF\x00\x01\x02" + struct.pack(">BHHBB", unit, density, density, 0, 0)
        out += b"\xff\xe0" + struct.pack(">H", len(body) + 2) + body
    out += b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" * 65  # a quantisation table
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return out + b"\xff\xc2" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xda\x00\x02"


def test_jpeg_header():
    info = images.image_info(_jpeg(1700, 2200))
    assert info.pixels == 1700 * 2200 and info.dpi == 200
    assert images.image_info(_jpeg(10, 10, (2, 100))).dpi == pytest.approx(254)
    assert images.image_info(_jpeg(10, 10, (0, 1))).dpi == images.ASSUMED_IMAGE_DPI
    assert images.image_info(_jpeg(65_535, 65_535)).pixels > ocr.MAX_PIXELS
    for broken in (b"\xff\xd8\xff", b"\xff\xd8\xff\xda\x00\x02", b"\xff\xd8\x00\x00"):
        with pytest.raises(ParseError) as info:
            images.image_info(broken)
        assert info.value.reason == "corrupt_document"


def test_errors_carry_no_ocr_text(files, tesseract, monkeypatch):
    monkeypatch.setattr(ocr, "PAGE_TIMEOUT", 0.05)
    with pytest.raises(ParseError) as info:
        parse(files["png"])
    assert not re.search(r"Python|Engineer|Sample", str(info.value))
