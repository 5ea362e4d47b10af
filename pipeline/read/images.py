"""Image headers (PNG, JPEG, TIFF): pixel size of every page and resolution, read without
decoding the image, so a decompression bomb is refused before anything decodes it."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import ParseError

ASSUMED_IMAGE_DPI = 300  # an image whose header gives no resolution
MAX_TIFF_PAGES = 16


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What an image file's header says: pixels (all pages), resolution, page heights."""

    pixels: int
    dpi: float  # from the header when plausible, else ASSUMED_IMAGE_DPI
    page_heights: tuple[int, ...]


def _info(pixels: int, dpi: float | None, page_heights: list[int]) -> ImageInfo:
    if dpi is None or not 50 <= dpi <= 2400:
        dpi = ASSUMED_IMAGE_DPI
    return ImageInfo(pixels, float(dpi), tuple(page_heights))


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
