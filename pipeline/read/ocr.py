"""OCR of scanned pages and image resumes with the Tesseract command-line tool.

PDF pages are rendered with pypdfium2 to 8-bit grey and handed to Tesseract as PGM bytes on
stdin; image files are sent as their own bytes, after their pixel size has been read from the
header (a decompression bomb never reaches Tesseract). Tesseract's TSV word boxes become
`Word` records in PDF points, top-left origin, so `layout.order_page` orders them like
text-layer words. No Pillow needed. OCRed text never goes into exceptions or logs.
"""

from __future__ import annotations

import functools
import math
import os
import shutil
import time
from collections.abc import Iterable
from statistics import median

from ..errors import ParseError
from ..records import Word
from .images import image_info
from .sandbox import run

# Render resolution of scanned PDF pages, from benchmarks/ocr_dpi.py (fictional resumes, scans
# simulated with skew, paper tone and noise; Tesseract 5.3.0 on one core; strict word recall):
#   render DPI                              150     200     300     400
#   8-12 pt, two-column incl., 200-DPI scan 0.990   0.990   0.987   0.954
#   same pages, 300-DPI scan                0.992   0.997   0.994   0.997
#   same pages, 150-DPI scan                0.987   0.989   0.970   0.959
#   6-7 pt fine print, 200-DPI scan         0.919   0.974   0.975   0.967
#   6-7 pt fine print, 300-DPI scan         0.935   0.989   0.991   0.995
#   seconds per page (median of 3)          2.15    2.54    3.20    4.34   (300-DPI scans)
# 200 DPI is on the plateau for 8-12 pt text at every scan resolution; 300 costs ~25 % more
# time for nothing there, and rendering above the scan's own resolution hurts (150-DPI scans:
# 0.970 at 300). 150 loses 5-6 points on fine print. So Tesseract's "at least 300 DPI" does
# not hold for the render resolution: what counts is the x-height in the source (its FAQ's
# ~10 px minimum; 8 pt at 200 DPI is ~11 px). Real scans are dirtier than these.
OCR_DPI = 200
MAX_PIXELS = 60_000_000  # per OCR call: a letter page at 300 DPI is 8.4 Mpx
PAGE_TIMEOUT = 30.0  # seconds of wall clock for one Tesseract run (one page or one image)
TOTAL_TIMEOUT = 50.0  # all OCR of one file; below the worker's 60 s so it fails cleanly
# Tesseract word confidence (0-100). At 200 DPI, >= 40 kept recall within 0.1 point of no
# filter on 8-12 pt text (1 point less on 6-7 pt) and dropped ~30 % of the spurious words.
MIN_CONFIDENCE = 40.0
PSM = "3"  # fully automatic page segmentation, no orientation detection: finds the columns

# Height of a text line as a share of the font size, by which ink it has (Helvetica/Times
# metrics: x-height ~0.53 em, ascenders/capitals ~0.2 em above it, descenders ~0.21 em).
_ASCENDING = frozenset("bdfhiklt([{|/\\!?'\"#%&@$ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DESCENDING = frozenset("gjpqyQ,;([{|/@$_")


@functools.cache
def tesseract_binary() -> str | None:
    """Path of the Tesseract executable, or None. `PIPELINE_TESSERACT` may name the binary
    or be `none` to act as if it were missing. Cached: call `tesseract_binary.cache_clear()`
    after changing the variable."""
    setting = os.environ.get("PIPELINE_TESSERACT", "").strip()
    if setting.lower() == "none":
        return None
    return shutil.which(setting or "tesseract")


def available() -> bool:
    """True when Tesseract can be run."""
    return tesseract_binary() is not None


def ocr_pdf_pages(
    data: bytes, indexes: list[int], dpi: float | None = None
) -> dict[int, list[Word]]:
    """OCR the given pages (0-based) of a PDF; returns their words by page index."""
    import pypdfium2 as pdfium

    dpi = float(dpi or OCR_DPI)
    deadline = time.monotonic() + TOTAL_TIMEOUT
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise ParseError("corrupt_pdf", "PDFium could not open the document") from None
    out: dict[int, list[Word]] = {}
    try:
        for index in indexes:
            try:
                image, scale = _render(document, index, dpi)
            except pdfium.PdfiumError:
                raise ParseError("corrupt_pdf", f"page {index + 1} could not be rendered") from None
            tsv = _tesseract(image, scale * 72.0, deadline, image_file=False)
            del image
            out[index] = list(_words(tsv, 1.0 / scale, lambda _n, i=index: i))
    finally:
        document.close()
    return out


def _render(document, index: int, dpi: float) -> tuple[bytes, float]:
    """One page as PGM bytes, and the scale (pixels per point) it was rendered at."""
    page = document[index]
    try:
        width, height = page.get_size()
        scale = dpi / 72.0
        if width * height * scale * scale > MAX_PIXELS:  # a huge page: render it coarser
            scale = math.sqrt(MAX_PIXELS / (width * height))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            return _pgm(bitmap), scale
        finally:
            bitmap.close()
    finally:
        page.close()


def ocr_image(data: bytes) -> list[Word]:
    """OCR a PNG, JPEG or TIFF resume. Pages of a multi-page TIFF are stacked top to bottom
    (one after another in reading order) and keep their page numbers."""
    info = image_info(data)
    if info.pixels > MAX_PIXELS:
        raise ParseError("too_large", f"{info.pixels} pixels > {MAX_PIXELS}")
    tsv = _tesseract(data, None, time.monotonic() + TOTAL_TIMEOUT, image_file=True)
    words = list(_words(tsv, 72.0 / info.dpi, lambda n: n - 1))
    if len(info.page_heights) > 1:
        words = _stack_pages(words, [h * 72.0 / info.dpi for h in info.page_heights])
    return words


# ---------------------------------------------------------------- running Tesseract


def _tesseract(image: bytes, dpi: float | None, deadline: float, image_file: bool) -> str:
    """Run Tesseract on image bytes (stdin) and return its TSV output."""
    binary = tesseract_binary()
    if binary is None:
        raise ParseError("no_text_layer_ocr_unavailable")
    args = [binary, "stdin", "stdout", "-l", "eng", "--psm", PSM]
    if dpi is not None:
        args += ["--dpi", str(round(dpi))]
    args.append("tsv")
    timeout = min(PAGE_TIMEOUT, deadline - time.monotonic())
    if timeout <= 0:
        raise ParseError("timeout", "OCR time budget used up")
    try:
        code, out, _ = run(args, timeout, stdin=image, env={"OMP_THREAD_LIMIT": "1"})
    except OSError as exc:
        raise ParseError("no_text_layer_ocr_unavailable", type(exc).__name__) from None
    # stderr is not passed on: keep messages free of anything read from the file.
    if code < 0:  # a signal: out of memory (RLIMIT_AS), CPU limit, killed
        raise ParseError("internal_error", f"Tesseract ended by signal {-code}")
    if code != 0:
        if image_file:
            raise ParseError("corrupt_document", "Tesseract could not read the image")
        raise ParseError("internal_error", f"Tesseract exited with {code}")
    return out.decode("utf-8", errors="replace")


def _pgm(bitmap) -> bytes:
    """Binary PGM (P5) bytes of an 8-bit grey pypdfium2 bitmap (row padding dropped)."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    if bitmap.n_channels != 1:
        raise ParseError("internal_error", "unexpected bitmap format")
    raw = memoryview(bitmap.buffer).cast("B")
    if stride == width:
        body = raw[: width * height].tobytes()
    else:
        body = b"".join(raw[r * stride : r * stride + width] for r in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + body


def _words(tsv: str, points_per_pixel: float, page_of) -> Iterable[Word]:
    """Word records from Tesseract TSV: level-5 rows with enough confidence and some text.

    `page_of(page_num)` maps Tesseract's 1-based page number to the `Word.page` value.
    """
    rows = []
    estimates: dict[tuple[str, ...], list[float]] = {}
    for raw in tsv.splitlines()[1:]:
        fields = raw.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        try:
            page = int(fields[1])
            left, top, width, height = (int(v) for v in fields[6:10])
            conf = float(fields[10])
        except ValueError:
            continue
        text = fields[11].strip()
        if not text:
            continue
        key = tuple(fields[1:5])  # page, block, paragraph, line
        # Word boxes, not the line box: a skewed line's box is taller than its letters.
        # Bullets and dashes say nothing about the size.
        if any(ch.isalnum() for ch in text):
            estimates.setdefault(key, []).append(_font_size(height, text))
        if conf >= MIN_CONFIDENCE:
            rows.append((key, page, text, left, top, width, height))
    k = points_per_pixel
    sizes = {key: median(values) * k for key, values in estimates.items()}
    for key, page, text, left, top, width, height in rows:
        size = sizes[key] if key in sizes else _font_size(height, "x") * k
        yield Word(
            text=text,
            x0=left * k,
            top=top * k,
            x1=(left + width) * k,
            bottom=(top + height) * k,
            size=round(size, 2),
            page=page_of(page),
            bold=False,
        )


def _font_size(height: float, text: str) -> float:
    """Estimate the font size (same unit as `height`) from the ink height of some text."""
    share = 0.53
    if any(ch in _ASCENDING for ch in text):
        share += 0.2
    if any(ch in _DESCENDING for ch in text):
        share += 0.21
    return height / share


def _stack_pages(words: list[Word], heights: list[float]) -> list[Word]:
    """Shift each page's words below the previous pages, so one ordering pass keeps pages apart."""
    offsets = [0.0]
    for height in heights[:-1]:
        offsets.append(offsets[-1] + height)
    out = []
    for w in words:
        dy = offsets[w.page] if 0 <= w.page < len(offsets) else offsets[-1]
        out.append(Word(w.text, w.x0, w.top + dy, w.x1, w.bottom + dy, w.size, w.page, w.bold))
    return out
