"""DOCX → lines: headers, body (paragraphs, tables, text boxes) and footers in document order."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from ..errors import ParseError
from ..records import Line
from .sniff import MAX_ENTRY_BYTES, archive_errors, parse_xml, read_xml_part
from .visibility import MAX_INVISIBLE_DIFF

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _T, _TAB, _BR, _CR, _R = (f"{_W}{n}" for n in ("p", "t", "tab", "br", "cr", "r"))
_RPR, _VANISH, _B, _SZ, _VAL = (f"{_W}{n}" for n in ("rPr", "vanish", "b", "sz", "val"))
_COLOR, _SPEC_VANISH, _SHD, _FILL = (f"{_W}{n}" for n in ("color", "specVanish", "shd", "fill"))
_PPR, _TCPR = f"{_W}pPr", f"{_W}tcPr"
_PSTYLE, _OUTLINE, _STYLE, _NAME, _BASED_ON = (
    f"{_W}{n}" for n in ("pStyle", "outlineLvl", "style", "name", "basedOn")
)
_STYLE_ID, _TYPE = f"{_W}styleId", f"{_W}type"
_NO_OUTLINE = 9  # outline level 9 is body text
_MIN_VISIBLE_HALF_POINTS = 8  # runs below 4 pt are not read (w:sz is in half-points)


def _own_runs_xpath():
    from lxml import etree

    # Runs directly in the paragraph or in the inline wrappers Word uses around them.
    wrappers = ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "sdt/w:sdtContent")
    paths = ["./w:r"] + [f"./w:{w}/w:r" for w in wrappers]
    return etree.XPath(" | ".join(paths), namespaces={"w": _W[1:-1]})


class _LazyXPath:
    def __init__(self, factory) -> None:
        self._factory = factory
        self._xpath = None

    def __call__(self, element):
        if self._xpath is None:
            self._xpath = self._factory()
        return self._xpath(element)


_OWN_RUNS = _LazyXPath(_own_runs_xpath)


DOCX_ENGINES = ("lxml", "python-docx")
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def read_lines(data: bytes, engine: str = "lxml") -> tuple[list[Line], int]:
    """Lines of headers, then the body, then footers; and the number of hidden words dropped
    (runs marked hidden, white, or under 4 pt).

    ``lxml`` reads only document.xml and the header/footer parts straight from the
    ZIP (about 2x faster: python-docx also parses styles, settings, numbering and
    theme, and loads every image). ``python-docx`` opens the whole package; both
    walk the same XML, so they give the same lines.
    """
    if engine == "python-docx":
        headers, body, footers, styles_root = _parts_python_docx(data)
        styles = _paragraph_styles(styles_root)
    else:
        headers, body, footers, styles = _parts_zip(data)
    lines: list[Line] = []
    hidden = [0]
    for root in (*headers, body, *footers):
        lines.extend(_paragraph_lines(root, hidden, styles))
    return lines, hidden[0]


class _Style:
    """What a paragraph style says, after following its basedOn chain."""

    __slots__ = ("bold", "heading", "size")

    def __init__(self, heading: bool = False, bold: bool = False, size: float = 0.0) -> None:
        self.heading, self.bold, self.size = heading, bold, size


def _paragraph_styles(root) -> dict[str, _Style]:
    """Paragraph styles by id: a heading when the style (or one it is based on) has an outline
    level 0-8 or is one of Word's built-in "heading N" styles (names are stored in English
    whatever the user's language); its bold and font size for runs that do not set their own."""
    if root is None:
        return {}
    raw: dict[str, tuple[str | None, int | None, bool | None, float | None, str]] = {}
    for style in root.iter(_STYLE):
        if style.get(_TYPE) != "paragraph" or not style.get(_STYLE_ID):
            continue
        name_el, based = style.find(_NAME), style.find(_BASED_ON)
        ppr, rpr = style.find(_PPR), style.find(_RPR)
        outline_el = ppr.find(_OUTLINE) if ppr is not None else None
        level = outline_el.get(_VAL) if outline_el is not None else None
        bold = rpr.find(_B) if rpr is not None else None
        sz = rpr.find(_SZ) if rpr is not None else None
        size = sz.get(_VAL) if sz is not None else None
        raw[style.get(_STYLE_ID)] = (
            based.get(_VAL) if based is not None else None,
            int(level) if level and level.isdigit() else None,
            _on(bold) if bold is not None else None,
            int(size) / 2 if size and size.isdigit() else None,
            (name_el.get(_VAL) or "").lower() if name_el is not None else "",
        )
    out: dict[str, _Style] = {}
    for sid in raw:
        outline: int | None = None
        bold_value: bool | None = None
        size_value: float | None = None
        heading_name = False
        current: str | None = sid
        seen: set[str] = set()
        while current in raw and current not in seen:  # a cycle of basedOn ends the walk
            seen.add(current)
            parent, own_level, own_bold, own_size, name = raw[current]
            outline = own_level if outline is None else outline
            bold_value = own_bold if bold_value is None else bold_value
            size_value = own_size if size_value is None else size_value
            heading_name = heading_name or _is_heading_name(name)
            current = parent
        heading = (outline is not None and outline < _NO_OUTLINE) or (
            outline is None and heading_name
        )
        out[sid] = _Style(heading, bool(bold_value), size_value or 0.0)
    return out


_STYLES_SEEN: dict[bytes, dict[str, _Style]] = {}  # see _styles_of


def _styles_of(data: bytes, archive, name: str) -> dict[str, _Style]:
    """`_paragraph_styles` of a styles.xml, remembered for the last few distinct ones: files
    made from one template share it, and Word's is 350 KB of XML to parse. Known by the bytes
    the archive stores (compressed: several times fewer) with the member's method, sizes and
    CRC: the same stored bytes under the same header inflate to the same XML, so a part seen
    before is neither inflated nor hashed again. The member is opened either way, so zipfile
    checks its local header (name, encryption) as for any read."""
    info = archive.getinfo(name)
    if info.file_size > MAX_ENTRY_BYTES:
        raise ParseError("corrupt_docx", f"{name} inflates to {info.file_size} bytes")
    with archive.open(info) as member:
        start = getattr(member, "_orig_compress_start", None)  # zipfile's own, when seekable
        if isinstance(start, int) and 0 <= start <= len(data) - info.compress_size:
            head = f"{info.compress_type}:{info.compress_size}:{info.file_size}:{info.CRC}:"
            key = hashlib.sha256(head.encode() + data[start : start + info.compress_size])
        else:  # not where zipfile says: the XML itself is the key
            key = None
        styles = _STYLES_SEEN.get(key.digest()) if key is not None else None
        if styles is not None:
            return styles
        xml = member.read()
    if key is None:
        key = hashlib.sha256(b"xml:" + xml)
        styles = _STYLES_SEEN.get(key.digest())
        if styles is not None:
            return styles
    styles = _paragraph_styles(parse_xml(xml))
    if len(_STYLES_SEEN) >= 16:
        del _STYLES_SEEN[next(iter(_STYLES_SEEN))]
    _STYLES_SEEN[key.digest()] = styles
    return styles


def _is_heading_name(name: str) -> bool:
    parts = name.split()
    return len(parts) == 2 and parts[0] == "heading" and parts[1].isdigit()


def _parts_python_docx(data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    except Exception as exc:  # lxml XMLSyntaxError, zipfile errors, …
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    headers: list[Any] = []  # python-docx parts
    footers: list[Any] = []
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("header", "footer") and not rel.is_external:
            (headers if kind == "header" else footers).append(rel.target_part)
    by_name = lambda p: str(p.partname)  # noqa: E731
    try:
        styles_root = document.styles.element
    except (KeyError, ValueError, AttributeError):
        styles_root = None
    return (
        [p.element for p in sorted(headers, key=by_name)],
        document.element.body,
        [p.element for p in sorted(footers, key=by_name)],
        styles_root,
    )


def _parts_zip(data: bytes):
    import zipfile

    def load(archive: zipfile.ZipFile, name: str):
        return read_xml_part(archive, name, "corrupt_docx")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document = load(archive, "word/document.xml")
            body = document.find(f"{_W}body")
            if body is None:
                raise ParseError("corrupt_docx", "document.xml has no body")
            headers: list[str] = []
            footers: list[str] = []
            names = set(archive.namelist())
            if "word/_rels/document.xml.rels" in names:
                rels = load(archive, "word/_rels/document.xml.rels")
                for rel in rels.iter(_REL):
                    kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
                    target = "word/" + (rel.get("Target") or "").lstrip("/").removeprefix("word/")
                    if (
                        kind in ("header", "footer")
                        and rel.get("TargetMode") != "External"
                        and target in names
                    ):
                        (headers if kind == "header" else footers).append(target)
            styles = {}
            if "word/styles.xml" in names:
                styles = _styles_of(data, archive, "word/styles.xml")
            return (
                [load(archive, n) for n in sorted(set(headers))],
                body,
                [load(archive, n) for n in sorted(set(footers))],
                styles,
            )
    except ParseError:
        raise
    except archive_errors() as exc:
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    except Exception as exc:  # zlib errors and other damage inside the archive
        raise ParseError("corrupt_docx", type(exc).__name__) from None


def _paragraph_lines(root, hidden: list[int], styles: dict[str, _Style]) -> list[Line]:
    out: list[Line] = []
    seen: set[str] = set()
    is_body = root.tag == f"{_W}body"
    for p in root.iter(_P):
        if _inside_fallback(p):
            continue  # the same text box exists once more as mc:Choice
        text, bold, size = _paragraph_text(p, hidden)
        if not text.strip():
            continue
        style, level = _paragraph_style(p, styles)
        heading = style.heading if level is None else level < _NO_OUTLINE
        bold = bold or (style.bold and not _bold_off(p))
        size = size or style.size
        # Headers of several sections often repeat the same contact line.
        if not is_body:
            if text in seen:
                continue
            seen.add(text)
        out.append(Line(text=text, page=0, size=size, bold=bold, heading=heading))
    return out


_PLAIN = _Style()


def _paragraph_style(p, styles: dict[str, _Style]) -> tuple[_Style, int | None]:
    """The paragraph's style, and its own outline level when it sets one."""
    ppr = p.find(_PPR)
    if ppr is None:
        return styles.get("Normal", _PLAIN), None
    ref = ppr.find(_PSTYLE)
    style = styles.get(ref.get(_VAL) if ref is not None else "Normal", _PLAIN)
    outline = ppr.find(_OUTLINE)
    value = outline.get(_VAL) if outline is not None else None
    return style, int(value) if value and value.isdigit() else None


def _bold_off(p) -> bool:
    """Does a run of the paragraph switch bold off explicitly?"""
    for run in _OWN_RUNS(p):
        props = run.find(_RPR)
        flag = props.find(_B) if props is not None else None
        if flag is not None and not _on(flag):
            return True
    return False


def _paragraph_text(p, hidden: list[int]) -> tuple[str, bool, float]:
    """Visible text of one paragraph's own runs (a text box's runs belong to its own paragraphs).
    Words of runs a reader would not see are counted in hidden[0]."""
    parts: list[str] = []
    bold_runs = 0
    runs = 0
    size = 0.0
    for run in _OWN_RUNS(p):
        props = run.find(_RPR)
        if props is not None and _invisible(props, run):
            hidden[0] += len("".join(t.text or "" for t in run.iter(_T)).split())
            continue
        run_text = []
        for child in run:
            tag = child.tag
            if tag == _T:
                run_text.append(child.text or "")
            elif tag == _TAB:
                run_text.append("\t")
            elif tag in (_BR, _CR):
                run_text.append("\n")
        joined = "".join(run_text)
        parts.append(joined)
        if not joined.strip():
            continue
        runs += 1
        if props is not None:
            bold_runs += _on(props.find(_B))
            sz = props.find(_SZ)
            if sz is not None and (sz.get(_VAL) or "").isdigit():
                size = max(size, int(sz.get(_VAL)) / 2)
    return "".join(parts), runs > 0 and bold_runs == runs, size


def _invisible(props, run) -> bool:
    """Hidden ("vanish"), white on a page or cell that is not shaded, or too small to read."""
    if _on(props.find(_VANISH)) or _on(props.find(_SPEC_VANISH)):
        return True
    color = props.find(_COLOR)
    if color is not None and _light(color.get(_VAL)) and not _on_shading(run):
        return True
    sz = props.find(_SZ)
    value = sz.get(_VAL) if sz is not None else None
    return bool(value and value.isdigit() and int(value) < _MIN_VISIBLE_HALF_POINTS)


def _light(value: str | None) -> bool:
    value = (value or "").lower()
    if len(value) != 6 or any(c not in "0123456789abcdef" for c in value):
        return False
    return min(int(value[i : i + 2], 16) for i in (0, 2, 4)) >= 255 - MAX_INVISIBLE_DIFF


def _on_shading(run) -> bool:
    """Is the run on a shaded (not light) run, paragraph or table cell background?"""
    node = run
    while node is not None:
        for props in (node.find(_RPR), node.find(_PPR), node.find(_TCPR)):
            shd = props.find(_SHD) if props is not None else None
            if shd is not None and (shd.get(_FILL) or "auto") != "auto":
                return not _light(shd.get(_FILL))
        node = node.getparent()
    return False


def _on(flag) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return flag is not None and flag.get(_VAL, "true") not in ("0", "false", "off")


def _inside_fallback(el) -> bool:
    node = el.getparent()
    while node is not None:
        if node.tag == _MC_FALLBACK:
            return True
        node = node.getparent()
    return False
