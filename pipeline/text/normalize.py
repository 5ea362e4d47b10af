"""Unicode clean-up applied to every extracted line before matching."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and other format characters that split words invisibly
# ("Py\u200bthon"), plus soft hyphen and BOM.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0xFEFF],
    None,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MOJIBAKE = re.compile(r"[ÂÃâ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as cp1252 ("â€“" -> "–"), when it round-trips."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return _cp1252_bytes(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _cp1252_bytes(text: str) -> bytes:
    """The bytes a cp1252 decoder turned into `text`. Bytes cp1252 leaves undefined (0x81,
    0x8D, 0x8F, 0x90, 0x9D) and C1 controls come back through Latin-1: "â\x80¢" is a
    bullet's UTF-8 read by a decoder that kept 0x80 as a control character."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode("cp1252")
            except UnicodeEncodeError:
                if ord(ch) > 0xFF:
                    raise
                out.append(ord(ch))
        return bytes(out)


def normalize_line(text: str) -> str:
    """NFKC (ligatures, full-width forms), drop invisible characters, collapse spaces."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()  # most lines: nothing to replace, no run of spaces to collapse
    if not text.isascii():
        text = fix_mojibake(text)
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
