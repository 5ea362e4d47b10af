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
import stat
import struct
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from ..errors import ParseError
from ..records import Word
from .formats import die_with_parent

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
ASSUMED_IMAGE_DPI = 300  # an image whose header gives no resolution
MAX_PIXELS = 60_000_000  # per OCR call: a letter page at 300 DPI is 8.4 Mpx
PAGE_TIMEOUT = 30.0  # seconds of wall clock for one Tesseract run (one page or one image)
TOTAL_TIMEOUT = 50.0  # all OCR of one file; below the worker's 60 s so it fails cleanly
# Tesseract word confidence (0-100). At 200 DPI, >= 40 kept recall within 0.1 point of no
# filter on 8-12 pt text (1 point less on 6-7 pt) and dropped ~30 % of the spurious words.
MIN_CONFIDENCE = 40.0
PSM = "3"  # fully automatic page segmentation, no orientation detection: finds the columns
MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_TIFF_PAGES = 16

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
    path: Path, indexes: list[int], dpi: float | None = None
) -> dict[int, list[Word]]:
    """OCR the given pages (0-based) of a PDF; returns their words by page index."""
    import pypdfium2 as pdfium

    dpi = float(dpi or OCR_DPI)
    deadline = time.monotonic() + TOTAL_TIMEOUT
    try:
        document = pdfium.PdfDocument(str(path))
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


def ocr_image(path: Path) -> list[Word]:
    """OCR a PNG, JPEG or TIFF resume. Pages of a multi-page TIFF are stacked top to bottom
    (one after another in reading order) and keep their page numbers."""
    data = _read_image(path)
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
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        # run() kills Tesseract when the timeout expires.
        done = subprocess.run(
            die_with_parent(args),
            input=image,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ParseError("timeout", f"OCR of one page took over {timeout:.0f} s") from None
    except OSError as exc:
        raise ParseError("no_text_layer_ocr_unavailable", type(exc).__name__) from None
    # stderr is not passed on: keep messages free of anything read from the file.
    if done.returncode < 0:  # a signal: out of memory (RLIMIT_AS), CPU limit, killed
        raise ParseError("internal_error", f"Tesseract ended by signal {-done.returncode}")
    if done.returncode != 0:
        if image_file:
            raise ParseError("corrupt_document", "Tesseract could not read the image")
        raise ParseError("internal_error", f"Tesseract exited with {done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


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


# ---------------------------------------------------------------- image headers


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What an image file's header says: pixels (all pages), resolution, page heights."""

    pixels: int
    dpi: float  # from the header when plausible, else ASSUMED_IMAGE_DPI
    page_heights: tuple[int, ...]


def _info(pixels: int, dpi: float | None, page_heights: list[int]) -> ImageInfo:
    plausible = dpi is not None and 50 <= dpi <= 2400
    return ImageInfo(pixels, float(dpi if plausible else ASSUMED_IMAGE_DPI), tuple(page_heights))


def _read_image(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ParseError("not_a_regular_file")
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ParseError("too_large", f"over {MAX_IMAGE_BYTES} bytes")
    return data


def image_info(data: bytes) -> ImageInfo:
    """Read pixel size (all pages of a TIFF) and DPI of a PNG, JPEG or TIFF from its header."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png_info(data)
        if data.startswith(b"\xff\xd8\xff"):
            return _jpeg_info(data)
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_info(data)
    except (struct.error, IndexError, ValueError, ZeroDivisionError):
        pass
    raise ParseError("corrupt_document", "unreadable image header")


def _png_info(data: bytes) -> ImageInfo:
    length, kind = struct.unpack_from(">I4s", data, 8)
    if kind != b"IHDR" or length != 13:
        raise ValueError("IHDR must come first")
    width, height = struct.unpack_from(">II", data, 16)
    if not width or not height:
        raise ValueError("empty image")
    dpi = None
    pos = 8
    while pos + 8 <= len(data):  # look for pHYs before the image data
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind in (b"IDAT", b"IEND"):
            break
        if kind == b"pHYs" and length == 9:
            ppu_x, _ppu_y, unit = struct.unpack_from(">IIB", data, pos + 8)
            if unit == 1:  # pixels per metre
                dpi = ppu_x * 0.0254
        pos += 12 + length
    return _info(width * height, dpi, [height])


# SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_info(data: bytes) -> ImageInfo:
    pos = 2
    dpi = None
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length field
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before it
            break
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            raise ValueError("bad segment length")
        body = data[pos + 4 : pos + 2 + length]
        if marker in _SOF:
            _precision, height, width = struct.unpack_from(">BHH", body)
            if not width or not height:
                raise ValueError("empty or DNL-sized frame")
            return _info(width * height, dpi, [height])
        if marker == 0xE0 and body.startswith(b"JFIF\x00") and dpi is None:
            unit, density = body[7], struct.unpack_from(">H", body, 8)[0]
            dpi = density if unit == 1 else density * 2.54 if unit == 2 else None
        elif marker == 0xE1 and body.startswith(b"Exif\x00\x00") and dpi is None:
            try:
                dpi = _tiff_ifds(body[6:], first_only=True)[0][2]
            except (struct.error, IndexError, ValueError, ZeroDivisionError):
                dpi = None  # a damaged EXIF block does not make the picture unreadable
        pos += 2 + length
    raise ValueError("no frame header")


def _tiff_info(data: bytes) -> ImageInfo:
    pages = _tiff_ifds(data, first_only=False)
    pixels = sum(width * height for width, height, _dpi in pages)
    if any(not width or not height for width, height, _dpi in pages):
        raise ValueError("empty page")
    return _info(pixels, pages[0][2], [height for _w, height, _dpi in pages])


def _tiff_ifds(data: bytes, first_only: bool) -> list[tuple[int, int, float | None]]:
    """(width, height, dpi) of each image file directory of a TIFF structure."""
    order = {b"II": "<", b"MM": ">"}[data[:2]]
    (magic, offset) = struct.unpack_from(order + "HI", data, 2)
    if magic != 42:
        raise ValueError("not a TIFF")
    pages: list[tuple[int, int, float | None]] = []
    seen: set[int] = set()
    while offset:
        if offset in seen:
            raise ValueError("IFD loop")
        if len(pages) >= MAX_TIFF_PAGES:
            raise ParseError("too_large", f"over {MAX_TIFF_PAGES} TIFF pages")
        seen.add(offset)
        (count,) = struct.unpack_from(order + "H", data, offset)
        tags: dict[int, tuple[int, int, int]] = {}
        for i in range(count):
            tag, kind, n, value = struct.unpack_from(order + "HHII", data, offset + 2 + 12 * i)
            tags[tag] = (kind, n, value)
        (offset,) = struct.unpack_from(order + "I", data, offset + 2 + 12 * count)
        width = _tiff_int(data, order, tags.get(256))
        height = _tiff_int(data, order, tags.get(257))
        dpi = None
        if 282 in tags and tags[282][0] == 5:  # XResolution, RATIONAL
            num, den = struct.unpack_from(order + "II", data, tags[282][2])
            unit = _tiff_int(data, order, tags.get(296)) or 2  # 1 none, 2 inch, 3 cm
            dpi = num / den if unit == 2 else num / den * 2.54 if unit == 3 else None
        pages.append((width, height, dpi))
        if first_only:
            break
    if not pages:
        raise ValueError("no image directory")
    return pages


def _tiff_int(data: bytes, order: str, entry: tuple[int, int, int] | None) -> int:
    """A SHORT or LONG tag value stored in the entry itself."""
    if entry is None:
        return 0
    kind, _n, value = entry
    if kind == 3:  # SHORT: left-justified in the 4-byte value field
        raw = struct.pack(order + "I", value)
        return struct.unpack_from(order + "H", raw)[0]
    if kind == 4:  # LONG
        return value
    raise ValueError("unexpected tag type")
