"""Readers for legacy Word .doc (through antiword or LibreOffice), RTF, ODT and HTML.

RTF, ODT and HTML are read here, without converters, so that hidden text (Word's hidden
attribute, white or tiny runs, ``display:none``) can be dropped and counted the way the DOCX
and PDF readers do. A .doc is handed to antiword, or to LibreOffice when antiword is missing or
fails; neither reports hidden text, so .doc files count none.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

from ..errors import ParseError
from ..records import Line
from .sniff import read_xml_part
from .visibility import MIN_VISIBLE_PT, RGB, WHITE, same_colour

# ----------------------------------------------------------------------------- shared


class _LineBuilder:
    """Collects visible runs into lines, and hidden runs into a count of dropped words."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._runs: list[tuple[str, bool, float]] = []
        self._dropped: list[str] = []

    def add(self, text: str, bold: bool = False, size: float = 0.0) -> None:
        if "\n" in text:
            for i, part in enumerate(text.split("\n")):
                if i:
                    self.newline()
                self.add(part, bold, size)
            return
        if text:
            self._runs.append((text, bold, size))
            self._end_dropped_word()

    def drop(self, text: str) -> None:
        self._dropped.append(text)

    def newline(self) -> None:
        self._end_dropped_word()
        if not self._runs:
            return
        text = "".join(run[0] for run in self._runs)
        inked = [run for run in self._runs if run[0].strip()]
        if inked:
            bold = all(run[1] for run in inked)
            size = max(run[2] for run in inked)
            self.lines.append(Line(text=text, size=size, bold=bold))
        self._runs.clear()

    def result(self) -> tuple[list[Line], int]:
        self.newline()
        return self.lines, len("".join(self._dropped).split())

    def _end_dropped_word(self) -> None:
        if self._dropped and self._dropped[-1] != " ":
            self._dropped.append(" ")


def _hidden_colour(color: RGB | None, back: RGB | None) -> bool:
    """Text in (almost) the colour of what is under it; an unknown backdrop counts as visible."""
    return color is not None and back is not None and same_colour(color, back)


# ------------------------------------------------------------------------------- .doc

DOC_CONVERTER_ENV = "PIPELINE_DOC_CONVERTER"  # "antiword", "soffice" or "none"; unset: both
ANTIWORD_TIMEOUT = 30  # seconds
# LibreOffice needs 1-3 s to start; below the workers' 60 s limit so this reports "timeout".
SOFFICE_TIMEOUT = 45  # seconds


def read_doc(path: Path) -> list[Line]:
    """Lines of a Word 97-2003 file: antiword first, LibreOffice when antiword is missing or
    fails. Tool output is never put into errors or logs: it is resume text."""
    choice = os.environ.get(DOC_CONVERTER_ENV, "").strip().lower() or "auto"
    if choice not in ("auto", "antiword", "soffice", "none"):
        raise ValueError(f"{DOC_CONVERTER_ENV} must be antiword, soffice or none, not {choice!r}")
    antiword = shutil.which("antiword") if choice in ("auto", "antiword") else None
    soffice = None
    if choice in ("auto", "soffice"):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not antiword and not soffice:
        raise ParseError("converter_unavailable", f"{DOC_CONVERTER_ENV}={choice}")
    # The converters read the file opened here, as /dev/fd/N: no copy of the resume on disk,
    # no name that could be swapped for a link, no extension to mislead LibreOffice.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ParseError("not_a_regular_file")
        source = f"/dev/fd/{fd}"
        if antiword:
            args = [antiword, "-w", "0", "-m", "UTF-8.txt", source]
            code, out, _ = _run(args, ANTIWORD_TIMEOUT, fd)
            text = out.decode("utf-8", errors="replace") if code == 0 else ""
            if text.strip():
                return _antiword_lines(text)
            if not soffice:
                if code == 0:
                    return []
                raise ParseError("corrupt_document", f"antiword exit status {code}")
        return _soffice_lines(soffice, source, fd)
    finally:
        os.close(fd)


def die_with_parent(args: list[str]) -> list[str]:
    """Prefix a command with util-linux `setpriv --pdeathsig KILL` when it is installed, so a
    converter or Tesseract dies with the worker that started it (a worker killed for a
    timeout must not leave it running)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *args] if setpriv else args


def _run(args: list[str], timeout: float, fd: int) -> tuple[int, bytes, bytes]:
    """Run a converter that reads `fd`, in its own process group: the whole group is killed on
    timeout, and (with util-linux setpriv) the converter is killed if this process dies."""
    tool = Path(args[0]).name
    args = die_with_parent(args)
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(fd,),
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ParseError("timeout", f"{tool} ran over {timeout} s") from None
    except BaseException:
        _kill_group(proc)
        raise
    return proc.returncode, out, err


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _antiword_lines(text: str) -> list[Line]:
    """antiword's text, with table rows ("|cell |cell |") split into one line per cell."""
    lines = []
    for raw in text.splitlines():
        row = raw.strip()
        if len(row) > 1 and row.startswith("|") and row.endswith("|"):
            lines.extend(Line(text=cell.strip()) for cell in row[1:-1].split("|") if cell.strip())
        elif row:
            lines.append(Line(text=row))
    return lines


def _soffice_lines(soffice: str, source: str, fd: int) -> list[Line]:
    """LibreOffice's plain text (`--cat`, to stdout) with a private, throw-away profile: parallel
    runs do not collide, and no user's settings or macros are involved."""
    with tempfile.TemporaryDirectory(prefix="pipeline-soffice-") as profile:
        args = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--cat",
            source,
        ]
        code, out, err = _run(args, SOFFICE_TIMEOUT, fd)
    # A file LibreOffice cannot load still exits 0, with an error on stderr. Only this fixed
    # message is looked for; stderr is never shown.
    if code != 0 or b"source file could not be loaded" in err:
        raise ParseError("corrupt_document", f"LibreOffice could not read it (exit {code})")
    text = out.decode("utf-8-sig", errors="replace")
    return [Line(text=line) for line in text.splitlines() if line.strip()]


# -------------------------------------------------------------------------------- RTF

_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter
    rb"|\\'([0-9a-fA-F]{2})"  # \'hh
    rb"|\\(.)"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"  # raw line breaks mean nothing in RTF
    rb"|([^\\{}\r\n]+)",  # text
    re.S,
)
_RTF_MAX_DEPTH = 512  # deeper groups share their parent's state instead of pushing one

# Groups whose text is never shown: tables, metadata, pictures, field codes, shape properties,
# list numbers Word keeps for old readers, and the duplicate drawing behind a shape.
_RTF_SKIP = frozenset(
    """stylesheet info pict object objdata themedata colorschememapping datastore
    latentstyles listtable listoverridetable revtbl rsidtbl generator xmlnstbl filetbl
    fldinst datafield sp nonshppict shprslt listtext pntext pntxta pntxtb bkmkstart
    bkmkend template userprops mmathPr pgdsctbl protusertbl xe tc tcn background docvar
    wgrffmtfilter ftnsep ftnsepc aftnsep aftnsepc annotation atnid atnauthor atndate
    atnref atrfstart atrfend nonesttables header_placeholder fchars lchars password
    passwordhash blipuid picprop""".split()  # noqa: SIM905
)
_RTF_BREAKS = frozenset("par line row cell nestcell nestrow sect page column".split())  # noqa: SIM905
_RTF_CHARS = {
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
_RTF_SYMBOLS = {"~": "\xa0", "_": "-", "-": "", "\\": "\\", "{": "{", "}": "}"}
# \fcharsetN of a font → the code page its 8-bit text is in (0 and unknown: \ansicpg).
_RTF_CHARSETS = {
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
_RTF_STARRED_TEXT = frozenset(["shpinst"])


class _RtfState:
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

    def copy(self) -> _RtfState:
        other = _RtfState.__new__(_RtfState)
        for name in _RtfState.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    def plain(self) -> None:
        self.bold, self.half_points, self.hidden, self.color, self.back = False, 24, False, 0, 0


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_rtf(data: bytes) -> tuple[list[Line], int]:
    """Lines of an RTF document and the number of hidden words dropped.

    An iterative tokenizer: control words, groups, \\'hh and \\uN escapes, tables (one line per
    cell), skipped destinations. Runs that are hidden (\\v), tiny (< 4 pt) or in the colour of
    their highlight (white on white by default) are dropped and their words counted.
    """
    start = len(data) - len(data.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if not data.startswith(b"{\\rtf", start):
        raise ParseError("corrupt_document", "no RTF header")
    out = _LineBuilder()
    colors: list[RGB | None] = []
    rgb = [-1, -1, -1]
    fonts: dict[int, str] = {}
    font_number = 0
    doc_codec = "cp1252"
    default_font: int | None = None
    stack: list[_RtfState] = []
    state = _RtfState()
    overflow = 0  # groups opened beyond _RTF_MAX_DEPTH
    pending = bytearray()  # 8-bit text waiting to be decoded as one piece (DBCS pairs)
    skip = 0  # fallback characters still to skip after \uN
    high_surrogate = 0
    size = len(data)
    match = _RTF_TOKEN.match

    def hidden() -> bool:
        if state.hidden or state.half_points < 2 * MIN_VISIBLE_PT:
            return True
        fg = colors[state.color] if 0 < state.color < len(colors) else None
        back = WHITE
        if state.back:  # an "auto" entry is white; an index past the table, unknown
            back = (colors[state.back] or WHITE) if state.back < len(colors) else None
        return _hidden_colour(fg, back)

    def emit(text: str) -> None:
        if hidden():
            out.drop(text)
        else:
            out.add(text, state.bold, state.half_points / 2)

    def flush() -> None:
        if pending:
            codec = doc_codec
            font = state.font if state.font is not None else default_font
            if font is not None:
                codec = fonts.get(font, doc_codec)
            emit(pending.decode(codec, errors="replace"))
            pending.clear()

    pos = start
    while pos < size:
        m = match(data, pos)
        if m is None:
            break  # a lone backslash at the very end
        pos = m.end()
        if m.lastindex is None:
            continue  # raw line breaks
        word, param, hexbyte, symbol, brace, text = m.groups()
        if state.dest == _STARRED:  # the token after \*: skip the group unless it is known
            keep = word is not None and word.decode("ascii") in _RTF_STARRED_TEXT
            state.dest = _BODY if keep else _SKIP
        if brace is not None:
            flush()
            skip = 0
            if brace == b"{":
                if len(stack) < _RTF_MAX_DEPTH:
                    stack.append(state)
                    state = state.copy()
                else:
                    overflow += 1
            elif overflow:
                overflow -= 1
            elif len(stack) > 1:
                state = stack.pop()
            else:
                stack.clear()
                break  # the document group is closed; anything after it is ignored
            continue
        if state.dest == _SKIP:
            if word == b"bin" and param:
                pos += max(int(param), 0)
            continue
        if hexbyte is not None:
            if skip:
                skip -= 1
            elif state.dest == _BODY:
                pending.append(int(hexbyte, 16))
            continue
        if text is not None:
            if skip:
                cut = min(skip, len(text))
                text, skip = text[cut:], skip - cut
            if state.dest == _BODY:
                pending += text
            elif state.dest == _COLORTBL:
                for _ in range(text.count(b";")):
                    colors.append(tuple(rgb) if min(rgb) >= 0 else None)  # type: ignore[arg-type]
                    rgb = [-1, -1, -1]
            continue
        flush()
        if symbol is not None:
            if skip:
                skip -= 1
            elif symbol == b"*":
                state.dest = _STARRED if state.dest == _BODY else _SKIP
            elif symbol in (b"\n", b"\r"):
                out.newline()
            elif state.dest == _BODY and symbol.decode("latin-1") in _RTF_SYMBOLS:
                emit(_RTF_SYMBOLS[symbol.decode("latin-1")])
            continue
        name = word.decode("ascii")
        value = int(param) if param is not None else None
        if name == "bin":
            pos += max(value or 0, 0)
            continue
        if skip and name != "u":
            skip -= 1
            continue
        if state.dest == _FONTTBL:
            if name == "f" and value is not None:
                font_number = value
            elif name == "fcharset" and value in _RTF_CHARSETS:
                fonts[font_number] = _RTF_CHARSETS[value]
            elif name == "cpg" and value and _codec(f"cp{value}"):
                fonts[font_number] = _codec(f"cp{value}")
            continue
        if state.dest == _COLORTBL:
            if name in ("red", "green", "blue") and value is not None:
                rgb[("red", "green", "blue").index(name)] = max(0, min(255, value))
            continue
        if name in _RTF_SKIP:
            state.dest = _SKIP
        elif name == "fonttbl":
            state.dest = _FONTTBL
        elif name == "colortbl":
            state.dest = _COLORTBL
        elif name in _RTF_BREAKS:
            out.newline()
        elif name in _RTF_CHARS:
            emit(_RTF_CHARS[name])
        elif name == "u" and value is not None:
            code = value + 65536 if value < 0 else value
            skip = state.uc
            if 0xD800 <= code < 0xDC00:
                high_surrogate = code
            elif 0xDC00 <= code < 0xE000:
                if high_surrogate:
                    emit(chr(0x10000 + ((high_surrogate - 0xD800) << 10) + code - 0xDC00))
                high_surrogate = 0
            else:
                emit(chr(code))
        elif name == "uc":
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
            default_font = value
        elif name == "ansicpg" and value:
            doc_codec = "utf-8" if value == 65001 else _codec(f"cp{value}") or doc_codec
        elif name in ("mac", "pc", "pca"):
            doc_codec = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850"}[name]
    flush()
    if stack or overflow:
        raise ParseError("corrupt_document", f"RTF ends with {len(stack) + overflow} open group(s)")
    return out.result()


# -------------------------------------------------------------------------------- ODT

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _TABLE = f"{{{_ODF}office:1.0}}", f"{{{_ODF}text:1.0}}", f"{{{_ODF}table:1.0}}"
_STYLE, _FO = f"{{{_ODF}style:1.0}}", f"{{{_ODF}xsl-fo-compatible:1.0}}"
_SVG = f"{{{_ODF}svg-compatible:1.0}}"
_ODT_SKIP = frozenset(
    [f"{_OFFICE}{n}" for n in ("annotation", "annotation-end", "forms", "event-listeners")]
    + [f"{_SVG}{n}" for n in ("title", "desc")]
    + [
        f"{_TEXT}{n}"
        for n in (
            "tracked-changes",  # holds deleted text
            "note-citation",
            "sequence-decls",
            "variable-decls",
            "user-field-decls",
            "dde-connection-decls",
            "table-of-content-source",
            "alphabetical-index-source",
            "illustration-index-source",
            "table-index-source",
            "object-index-source",
            "user-index-source",
            "bibliography-source",
        )
    ]
)
_ODT_BLOCKS = frozenset([f"{_TEXT}p", f"{_TEXT}h"])
# The style family each element's style-name refers to.
_ODT_FAMILY = {
    f"{_TEXT}p": "paragraph",
    f"{_TEXT}h": "paragraph",
    f"{_TEXT}span": "text",
    f"{_TEXT}a": "text",
    f"{_TABLE}table-cell": "table-cell",
}


def read_odt(path: Path) -> tuple[list[Line], int]:
    """Lines of an OpenDocument text (page headers, body, page footers) and the number of hidden
    words dropped (hidden text/paragraphs/sections, white, display:none or tiny runs)."""
    import zipfile
    import zlib

    from lxml import etree

    def load(archive: zipfile.ZipFile, name: str):
        return read_xml_part(archive, name, "corrupt_document")

    try:
        with zipfile.ZipFile(path) as archive:
            content = load(archive, "content.xml")
            names = set(archive.namelist())
            styles = load(archive, "styles.xml") if "styles.xml" in names else None
    except ParseError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        etree.XMLSyntaxError,
    ) as exc:
        raise ParseError("corrupt_document", type(exc).__name__) from None
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ParseError("corrupt_document", "content.xml has no office:text body")
    shared: dict[tuple[str, str], dict] = {}  # named styles, from styles.xml
    defaults: dict[str, dict] = {}  # default style of each family
    page_styles, pages = shared, []
    if styles is not None:
        _odt_collect_styles(styles.find(f"{_OFFICE}styles"), shared, defaults)
        page_styles = dict(shared)
        _odt_collect_styles(styles.find(f"{_OFFICE}automatic-styles"), page_styles, defaults)
        pages = styles.findall(f"{_OFFICE}master-styles/{_STYLE}master-page")
    content_styles = dict(shared)
    _odt_collect_styles(content.find(f"{_OFFICE}automatic-styles"), content_styles, defaults)
    out = _LineBuilder()
    _odt_walk(body, content_styles, defaults, out)
    lines, hidden = out.result()
    head, head_hidden = _odt_page_parts(pages, "header", page_styles, defaults)
    foot, foot_hidden = _odt_page_parts(pages, "footer", page_styles, defaults)
    return head + lines + foot, head_hidden + hidden + foot_hidden


def _odt_page_parts(pages, kind: str, styles: dict, defaults: dict) -> tuple[list[Line], int]:
    """Page headers or footers, each distinct line once (master pages repeat them)."""
    part = _LineBuilder()
    for page in pages:
        for tag in (kind, f"{kind}-left", f"{kind}-first"):
            for element in page.findall(f"{_STYLE}{tag}"):
                _odt_walk(element, styles, defaults, part)
    lines, hidden = part.result()
    seen: set[str] = set()
    unique = []
    for line in lines:
        if line.text not in seen:
            seen.add(line.text)
            unique.append(line)
    return unique, hidden


def _odt_collect_styles(container, styles: dict, defaults: dict) -> None:
    """Text-relevant properties of each style in `container`, keyed (family, name)."""
    if container is None:
        return
    for element in container:
        if element.tag not in (f"{_STYLE}style", f"{_STYLE}default-style"):
            continue
        props: dict = {}
        for child in element:
            if not child.tag.endswith("-properties"):
                continue
            if child.get(f"{_STYLE}use-window-font-color") == "true":
                props["color"] = None
            elif (color := _hex_colour(child.get(f"{_FO}color"))) is not None:
                props["color"] = color
            background = child.get(f"{_FO}background-color")
            if background and background != "transparent":
                props["back"] = _hex_colour(background)
            if (size := _length_pt(child.get(f"{_FO}font-size"))) is not None:
                props["size"] = size
            weight = child.get(f"{_FO}font-weight")
            if weight:
                props["bold"] = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
            if child.get(f"{_TEXT}display") == "none":
                props["display_none"] = True
        family = element.get(f"{_STYLE}family", "")
        if element.tag == f"{_STYLE}default-style":
            defaults[family] = props
        else:
            props["parent"] = element.get(f"{_STYLE}parent-style-name")
            styles[(family, element.get(f"{_STYLE}name", ""))] = props


def _odt_resolve(family: str, name: str | None, styles: dict, defaults: dict) -> dict:
    """A style's properties merged over its ancestors' and the family default."""
    chain = []
    for _ in range(32):  # a style cycle must not loop
        props = styles.get((family, name)) if name else None
        if props is None:
            break
        chain.append(props)
        name = props.get("parent")
    merged = dict(defaults.get(family, {}))
    for props in reversed(chain):
        merged.update(props)
    merged.pop("parent", None)
    return merged


def _odt_walk(root, styles: dict, defaults: dict, out: _LineBuilder) -> None:
    """Walk an ODF text container without recursion, adding its text to `out`."""
    cache: dict[tuple[str, str | None], dict] = {}
    base = {"color": None, "back": WHITE, "size": 0.0, "bold": False, "hidden": False}
    base.update({k: v for k, v in defaults.get("paragraph", {}).items() if k in ("size", "color")})
    # Items: (element, context) to open, or (string, context) for text, or (None, None) to end
    # a line.
    stack: list[tuple] = [(child, base) for child in reversed(root)]
    while stack:
        item, ctx = stack.pop()
        if item is None:
            out.newline()
            continue
        if isinstance(item, str):
            _odt_text(item, ctx, out)
            continue
        tag = item.tag
        if not isinstance(tag, str) or tag in _ODT_SKIP:
            if item.tail:
                stack.append((item.tail, ctx))
            continue
        if item.tail:
            stack.append((item.tail, ctx))
        family = _ODT_FAMILY.get(tag)
        inner = ctx
        name = item.get(f"{_TEXT}style-name") or item.get(f"{_TABLE}style-name")
        if family and name:
            key = (family, name)
            if key not in cache:
                cache[key] = _odt_resolve(family, name, styles, defaults)
            props = cache[key]
            inner = dict(ctx)
            for prop in ("color", "back", "size", "bold"):
                if prop in props:
                    inner[prop] = props[prop]
            if props.get("display_none"):
                inner["hidden"] = True
        if tag == f"{_TEXT}h":
            inner = {**inner, "bold": True}
        if tag == f"{_TEXT}hidden-text":
            out.drop(" " + (item.get(f"{_TEXT}string-value") or "") + " ")
            inner = {**inner, "hidden": True}
        elif (tag == f"{_TEXT}section" and item.get(f"{_TEXT}display") == "none") or (
            tag in _ODT_BLOCKS and _odt_hidden_paragraph(item)
        ):
            inner = {**inner, "hidden": True}
        elif tag == f"{_TEXT}s":
            count = item.get(f"{_TEXT}c", "1")
            _odt_text(" " * min(int(count) if count.isdigit() else 1, 100), ctx, out, raw=True)
        elif tag == f"{_TEXT}tab":
            _odt_text("\t", ctx, out, raw=True)
        elif tag == f"{_TEXT}line-break":
            out.newline()
        block = tag in _ODT_BLOCKS or tag == f"{_TABLE}table-cell"
        if block:
            out.newline()
            stack.append((None, None))
        for child in reversed(item):
            stack.append((child, inner))
        if item.text:
            stack.append((item.text, inner))


def _odt_hidden_paragraph(paragraph) -> bool:
    for field in paragraph.iter(f"{_TEXT}hidden-paragraph"):
        if field.get(f"{_TEXT}is-hidden", "true") == "false":
            continue
        node = field.getparent()
        while node is not None and node.tag not in _ODT_BLOCKS:
            node = node.getparent()
        if node is paragraph:
            return True
    return False


_ODF_SPACE = re.compile(r"[ \t\r\n]+")


def _odt_text(text: str, ctx: dict, out: _LineBuilder, raw: bool = False) -> None:
    if not raw:
        text = _ODF_SPACE.sub(" ", text)  # ODF collapses white space; text:s/text:tab keep it
    size = ctx["size"] or 0.0
    if (
        ctx["hidden"]
        or (size and size < MIN_VISIBLE_PT)
        or _hidden_colour(ctx["color"], ctx["back"])
    ):
        out.drop(text)
    else:
        out.add(text, ctx["bold"], size)


def _hex_colour(value: str | None) -> RGB | None:
    if value and len(value) == 7 and value.startswith("#"):
        try:
            return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
        except ValueError:
            return None
    return None


_UNIT_PT = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0}
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*([a-z%]*)\s*", re.I)


def _length_pt(value: str | None) -> float | None:
    """An absolute length in points ("11pt", "0.5cm", "0"), or None (relative or unknown)."""
    m = _LENGTH.fullmatch(value or "")
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2).lower()
    if not unit:
        return number if number == 0 else None
    return number * _UNIT_PT[unit] if unit in _UNIT_PT else None


# ------------------------------------------------------------------------------- HTML

_HTML_DROP = frozenset(
    """script style noscript template head svg math iframe object embed canvas select title
    meta link""".split()  # noqa: SIM905
)
_HTML_BLOCKS = frozenset(
    """p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption
    section article header footer nav aside main blockquote pre address figure figcaption
    form fieldset legend hr br details summary center body""".split()  # noqa: SIM905
)
_HTML_ATTRS = ("class", "style", "hidden", "aria-hidden")
_HTML_BOLD = frozenset("b strong h1 h2 h3 h4 h5 h6 th".split())  # noqa: SIM905
_NAMED_COLOURS: dict[str, RGB] = {
    "white": WHITE,
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "ghostwhite": (248, 248, 255),
    "whitesmoke": (245, 245, 245),
    "floralwhite": (255, 250, 240),
    "mintcream": (245, 255, 250),
    "azure": (240, 255, 255),
    "aliceblue": (240, 248, 255),
    "seashell": (255, 245, 238),
    "black": (0, 0, 0),
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CLASS_SELECTOR = re.compile(r"[a-zA-Z0-9]*\.([\w-]+)")
_RGB_FUNCTION = re.compile(r"rgba?\(\s*([^)]*)\)")
_INVISIBLE = (-1, -1, -1)  # colour marker for "transparent"


def read_html(data: bytes) -> tuple[list[Line], int]:
    """Lines of an HTML page and the number of hidden words dropped.

    Scripts, styles and the head are ignored. Block elements and table cells end lines;
    headings and text wholly inside b/strong are bold. Elements with `hidden`,
    `aria-hidden="true"`, `display:none`, `visibility:hidden` or `opacity:0`, and text that is
    tiny (< 4 pt) or in the colour of its background (white on white) are dropped and counted.
    """
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode_html(data))
    # huge_tree lifts libxml2's nesting limit from 256 to 2048; deeper input is cut short, and
    # refused below rather than read in part.
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=True
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError:
        return [], 0  # "Document is empty"
    except (ValueError, etree.LxmlError) as exc:
        raise ParseError("corrupt_document", type(exc).__name__) from None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ParseError("corrupt_document", "HTML nested too deeply to read in full")
    rules = _css_class_rules(root)
    out = _LineBuilder()
    base = {
        "bold": False,
        "pre": False,
        "color": None,
        "back": WHITE,
        "tiny": False,
        "hidden": False,
    }
    stack: list[tuple] = [(root, base)]
    while stack:
        item, ctx = stack.pop()
        if item is None:
            out.newline()
            continue
        if isinstance(item, str):
            _html_text(item, ctx, out)
            continue
        if item.tail:
            stack.append((item.tail, ctx))
        tag = item.tag.lower() if isinstance(item.tag, str) else ""
        if not tag or tag in _HTML_DROP:
            continue
        inner = _html_context(item, tag, ctx, rules)
        if tag in _HTML_BLOCKS:
            out.newline()
            stack.append((None, None))
        for child in reversed(item):
            stack.append((child, inner))
        if item.text:
            stack.append((item.text, inner))
    return out.result()


def _decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _META_CHARSET.search(data[:4096])
    if m:
        codec = _codec(m.group(1).decode("ascii"))
        if codec and not codec.startswith("utf-16"):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _css_class_rules(root) -> dict[str, dict[str, str]]:
    """Declarations of top-level `.class` rules in <style> blocks (not inside @media)."""
    rules: dict[str, dict[str, str]] = {}
    for style in root.iter("style"):
        css = _CSS_COMMENT.sub("", style.text or "")
        depth, start, selector = 0, 0, ""
        for i, ch in enumerate(css):
            if ch == "{":
                if depth == 0:
                    selector = css[start:i]
                depth += 1
                start = i + 1
            elif ch == "}":
                depth = max(depth - 1, 0)
                if depth == 0:
                    if not selector.strip().startswith("@"):
                        declarations = _css_declarations(css[start:i])
                        for part in selector.split(","):
                            m = _CLASS_SELECTOR.fullmatch(part.strip())
                            if m:
                                rules.setdefault(m.group(1), {}).update(declarations)
                    start = i + 1
    return rules


@functools.lru_cache(maxsize=1024)
def _css_declarations(text: str) -> dict[str, str]:
    """`name: value` pairs of a style attribute or rule body (the cached dict is not to be
    changed)."""
    out = {}
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        if value.strip():
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _html_context(element, tag: str, ctx: dict, rules: dict) -> dict:
    """The context of an element's content: bold, pre, colour, backdrop, tiny and hidden."""
    attrib = element.attrib
    if tag not in _HTML_BOLD and tag != "pre" and not any(name in attrib for name in _HTML_ATTRS):
        return ctx
    style: dict[str, str] = {}
    for name in (element.get("class") or "").split():
        style.update(rules.get(name, {}))
    style.update(_css_declarations(element.get("style") or ""))
    inner = dict(ctx)
    if tag in _HTML_BOLD:
        inner["bold"] = True
    if tag == "pre":
        inner["pre"] = True
    if (
        element.get("hidden") is not None
        or (element.get("aria-hidden") or "").strip().lower() == "true"
        or style.get("display") == "none"
        or style.get("visibility") in ("hidden", "collapse")
        or style.get("opacity", "1").strip() in ("0", "0.0", "0%")
    ):
        inner["hidden"] = True
    if not style:
        return inner
    weight = style.get("font-weight")
    if weight:
        inner["bold"] = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    if "font-size" in style:
        inner["tiny"] = _css_tiny(style["font-size"])
    if "color" in style:
        inner["color"] = _css_colour(style["color"])
    background = style.get("background-color") or style.get("background")
    if background:
        if "url(" in background or "gradient" in background:
            inner["back"] = None  # an image: the colour under the text is unknown
        else:
            colour = _css_colour(background)
            if colour is not None and colour != _INVISIBLE:
                inner["back"] = colour
    return inner


def _css_tiny(value: str) -> bool:
    m = _LENGTH.fullmatch(value)
    if not m:
        return False
    number, unit = float(m.group(1)), m.group(2).lower()
    if unit in ("em", "rem"):
        return number * 12 < MIN_VISIBLE_PT
    if unit == "%":
        return number * 0.12 < MIN_VISIBLE_PT
    points = _length_pt(value)
    return points is not None and points < MIN_VISIBLE_PT


def _css_colour(value: str) -> RGB | None:
    """A CSS colour as RGB, _INVISIBLE for transparent, None when unknown."""
    value = value.strip()
    if value.startswith("#"):
        digits = value[1:].split()[0] if value[1:].strip() else ""
        if len(digits) in (3, 4):
            digits = "".join(ch * 2 for ch in digits)
        if len(digits) in (6, 8):
            try:
                if len(digits) == 8 and int(digits[6:], 16) < 13:
                    return _INVISIBLE
                return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
            except ValueError:
                return None
        return None
    m = _RGB_FUNCTION.search(value)
    if m:
        parts = [p for p in re.split(r"[\s,/]+", m.group(1)) if p]
        try:
            channels = [
                round(float(p[:-1]) * 2.55) if p.endswith("%") else round(float(p))
                for p in parts[:3]
            ]
            if len(parts) > 3:
                alpha = parts[3]
                alpha_value = float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)
                if alpha_value <= 0.05:
                    return _INVISIBLE
        except ValueError:
            return None
        if len(channels) == 3:
            return tuple(max(0, min(255, c)) for c in channels)  # type: ignore[return-value]
        return None
    for word in value.split():
        if word == "transparent":
            return _INVISIBLE
        if word in _NAMED_COLOURS:
            return _NAMED_COLOURS[word]
    return None


_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def _html_text(text: str, ctx: dict, out: _LineBuilder) -> None:
    if not ctx["pre"]:
        text = _HTML_SPACE.sub(" ", text)
    color = ctx["color"]
    if ctx["hidden"] or ctx["tiny"] or color == _INVISIBLE or _hidden_colour(color, ctx["back"]):
        out.drop(text)
    else:
        out.add(text, ctx["bold"])
