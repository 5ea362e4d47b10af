"""RTF, read by our own iterative tokenizer (no converter), so hidden text (\\v), tiny runs and
white-on-white runs are dropped and counted the way the other readers do."""

from __future__ import annotations

import re

from ..errors import ParseError
from ..records import Line
from .markup import LineBuilder, hidden_colour
from .sniff import codec_name
from .visibility import MIN_VISIBLE_PT, RGB, WHITE

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter
    rb"|\\'([0-9a-fA-F]{2})"  # \'hh
    rb"|\\(.)"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"  # raw line breaks mean nothing in RTF
    rb"|([^\\{}\r\n]+)",  # text
    re.S,
)
_MAX_DEPTH = 512  # deeper groups share their parent's state instead of pushing one

# Groups whose text is never shown: tables, metadata, pictures, field codes, shape properties,
# list numbers Word keeps for old readers, and the duplicate drawing behind a shape.
_SKIP_GROUPS = frozenset(
    """stylesheet info pict object objdata themedata colorschememapping datastore
    latentstyles listtable listoverridetable revtbl rsidtbl generator xmlnstbl filetbl
    fldinst datafield sp nonshppict shprslt listtext pntext pntxta pntxtb bkmkstart
    bkmkend template userprops mmathPr pgdsctbl protusertbl xe tc tcn background docvar
    wgrffmtfilter ftnsep ftnsepc aftnsep aftnsepc annotation atnid atnauthor atndate
    atnref atrfstart atrfend nonesttables header_placeholder fchars lchars password
    passwordhash blipuid picprop""".split()  # noqa: SIM905
)
_BREAKS = frozenset("par line row cell nestcell nestrow sect page column".split())  # noqa: SIM905
_CHARS = {
    "tab": "\t",
    "emdash": "—",
    "endash": "–",
    "emspace": " ",
    "enspace": " ",
    "qmspace": " ",
    "bullet": "•",
    "lquote": "‘",
    "rquote": "’",
    "ldblquote": "“",
    "rdblquote": "”",
}
_SYMBOLS = {"~": "\xa0", "_": "-", "-": "", "\\": "\\", "{": "{", "}": "}"}
# \fcharsetN of a font → the code page its 8-bit text is in (0 and unknown: \ansicpg).
_CHARSETS = {
    77: "mac_roman",
    128: "cp932",
    129: "cp949",
    134: "gbk",
    136: "big5",
    161: "cp1253",
    162: "cp1254",
    163: "cp1258",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
    255: "cp437",
}
_BODY, _SKIP, _FONTTBL, _COLORTBL, _STARRED = range(5)
# Optional (\*) destinations that do hold visible text: a shape's text box is in \shptxt.
_STARRED_TEXT = frozenset(["shpinst"])


class _State:
    """Character formatting and destination of one RTF group."""

    __slots__ = ("back", "bold", "color", "dest", "font", "half_points", "hidden", "uc")

    def __init__(self) -> None:
        self.dest = _BODY
        self.bold = False
        self.half_points = 24
        self.hidden = False
        self.color = 0
        self.back = 0
        self.uc = 1
        self.font: int | None = None

    def copy(self) -> _State:
        other = _State.__new__(_State)
        for name in _State.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    def plain(self) -> None:
        self.bold, self.half_points, self.hidden, self.color, self.back = False, 24, False, 0, 0


def read_rtf(data: bytes) -> tuple[list[Line], int]:
    """Lines of an RTF document and the number of hidden words dropped.

    An iterative tokenizer: control words, groups, \\'hh and \\uN escapes, tables (one line per
    cell), skipped destinations. Runs that are hidden (\\v), tiny (< 4 pt) or in the colour of
    their highlight (white on white by default) are dropped and their words counted.
    """
    start = len(data) - len(data.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if not data.startswith(b"{\\rtf", start):
        raise ParseError("corrupt_document", "no RTF header")
    return _Reader(data).read(start)


class _Reader:
    """The tokenizer's state over one document: the group stack, the font and colour tables,
    text waiting to be decoded, and the lines built so far."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.out = LineBuilder()
        self.colors: list[RGB | None] = []
        self.rgb = [-1, -1, -1]
        self.fonts: dict[int, str] = {}
        self.font_number = 0
        self.doc_codec = "cp1252"
        self.default_font: int | None = None
        self.stack: list[_State] = []
        self.state = _State()
        self.overflow = 0  # groups opened beyond _MAX_DEPTH
        self.pending = bytearray()  # 8-bit text waiting to be decoded as one piece (DBCS pairs)
        self.skip = 0  # fallback characters still to skip after \\uN
        self.high_surrogate = 0
        self.pos = 0

    def read(self, start: int) -> tuple[list[Line], int]:
        data, match, size = self.data, _TOKEN.match, len(self.data)
        self.pos = start
        while self.pos < size:
            m = match(data, self.pos)
            if m is None:
                break  # a lone backslash at the very end
            self.pos = m.end()
            if m.lastindex is None:
                continue  # raw line breaks
            if not self._token(*m.groups()):
                break
        self._flush()
        if self.stack or self.overflow:
            open_groups = len(self.stack) + self.overflow
            raise ParseError("corrupt_document", f"RTF ends with {open_groups} open group(s)")
        return self.out.result()

    def _token(self, word, param, hexbyte, symbol, brace, text) -> bool:
        """Handle one token; False when the document group has closed."""
        state = self.state
        if state.dest == _STARRED:  # the token after \\*: skip the group unless it is known
            keep = word is not None and word.decode("ascii") in _STARRED_TEXT
            state.dest = _BODY if keep else _SKIP
        if brace is not None:
            return self._brace(brace)
        if state.dest == _SKIP:
            if word == b"bin" and param:
                self.pos += max(int(param), 0)
            return True
        if hexbyte is not None:
            if self.skip:
                self.skip -= 1
            elif state.dest == _BODY:
                self.pending.append(int(hexbyte, 16))
            return True
        if text is not None:
            self._text(text)
            return True
        self._flush()
        if symbol is not None:
            self._symbol(symbol)
        else:
            self._word(word.decode("ascii"), int(param) if param is not None else None)
        return True

    def _brace(self, brace: bytes) -> bool:
        self._flush()
        self.skip = 0
        if brace == b"{":
            if len(self.stack) < _MAX_DEPTH:
                self.stack.append(self.state)
                self.state = self.state.copy()
            else:
                self.overflow += 1
        elif self.overflow:
            self.overflow -= 1
        elif len(self.stack) > 1:
            self.state = self.stack.pop()
        else:
            self.stack.clear()
            return False  # the document group is closed; anything after it is ignored
        return True

    def _text(self, text: bytes) -> None:
        if self.skip:
            cut = min(self.skip, len(text))
            text, self.skip = text[cut:], self.skip - cut
        if self.state.dest == _BODY:
            self.pending += text
        elif self.state.dest == _COLORTBL:
            for _ in range(text.count(b";")):
                rgb = self.rgb
                self.colors.append((rgb[0], rgb[1], rgb[2]) if min(rgb) >= 0 else None)
                self.rgb = [-1, -1, -1]

    def _symbol(self, symbol: bytes) -> None:
        if self.skip:
            self.skip -= 1
        elif symbol == b"*":
            self.state.dest = _STARRED if self.state.dest == _BODY else _SKIP
        elif symbol in (b"\n", b"\r"):
            self.out.newline()
        elif self.state.dest == _BODY and symbol.decode("latin-1") in _SYMBOLS:
            self._emit(_SYMBOLS[symbol.decode("latin-1")])

    def _word(self, name: str, value: int | None) -> None:
        state = self.state
        if name == "bin":
            self.pos += max(value or 0, 0)
        elif self.skip and name != "u":
            self.skip -= 1
        elif state.dest == _FONTTBL:
            self._font_table(name, value)
        elif state.dest == _COLORTBL:
            if name in ("red", "green", "blue") and value is not None:
                self.rgb[("red", "green", "blue").index(name)] = max(0, min(255, value))
        elif name in _SKIP_GROUPS:
            state.dest = _SKIP
        elif name == "fonttbl":
            state.dest = _FONTTBL
        elif name == "colortbl":
            state.dest = _COLORTBL
        elif name in _BREAKS:
            self.out.newline()
        elif name in _CHARS:
            self._emit(_CHARS[name])
        elif name == "u" and value is not None:
            self._unicode(value)
        else:
            self._format(name, value)

    def _font_table(self, name: str, value: int | None) -> None:
        if name == "f" and value is not None:
            self.font_number = value
        elif name == "fcharset" and value in _CHARSETS:
            self.fonts[self.font_number] = _CHARSETS[value]
        elif name == "cpg" and value and (codec := codec_name(f"cp{value}")):
            self.fonts[self.font_number] = codec

    def _unicode(self, value: int) -> None:
        code = value + 65536 if value < 0 else value
        if not 0 <= code <= 0x10FFFF:
            code = 0xFFFD  # \u takes a signed 16-bit number; anything else is damage
        self.skip = self.state.uc
        if 0xD800 <= code < 0xDC00:
            self.high_surrogate = code
        elif 0xDC00 <= code < 0xE000:
            if self.high_surrogate:
                self._emit(chr(0x10000 + ((self.high_surrogate - 0xD800) << 10) + code - 0xDC00))
            self.high_surrogate = 0
        else:
            self._emit(chr(code))

    def _format(self, name: str, value: int | None) -> None:
        """Character formatting and document settings."""
        state = self.state
        if name == "uc":
            state.uc = max(value or 0, 0)
        elif name == "b":
            state.bold = value != 0
        elif name == "fs":
            state.half_points = 24 if value is None else value
        elif name == "v":
            state.hidden = value != 0
        elif name == "cf":
            state.color = value or 0
        elif name in ("highlight", "cb", "chcbpat"):
            state.back = value or 0
        elif name == "plain":
            state.plain()
        elif name == "f":
            state.font = value
        elif name == "deff":
            self.default_font = value
        elif name == "ansicpg" and value:
            self.doc_codec = (
                "utf-8" if value == 65001 else codec_name(f"cp{value}") or self.doc_codec
            )
        elif name in ("mac", "pc", "pca"):
            self.doc_codec = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850"}[name]

    def _hidden(self) -> bool:
        state, colors = self.state, self.colors
        if state.hidden or state.half_points < 2 * MIN_VISIBLE_PT:
            return True
        fg = colors[state.color] if 0 < state.color < len(colors) else None
        back: RGB | None = WHITE
        if state.back:  # an "auto" entry is white; an index off the table, unknown
            back = (colors[state.back] or WHITE) if 0 < state.back < len(colors) else None
        return hidden_colour(fg, back)

    def _emit(self, text: str) -> None:
        self.out.emit(text, self._hidden(), self.state.bold, self.state.half_points / 2)

    def _flush(self) -> None:
        if self.pending:
            codec = self.doc_codec
            font = self.state.font if self.state.font is not None else self.default_font
            if font is not None:
                codec = self.fonts.get(font, self.doc_codec)
            self._emit(self.pending.decode(codec, errors="replace"))
            self.pending.clear()
