"""DOCX → lines: headers, body (paragraphs, tables, text boxes) and footers in document order."""

from __future__ import annotations

import io
from typing import Any

from ..errors import ParseError
from ..records import Line
from .sniff import read_xml_part
from .visibility import MAX_INVISIBLE_DIFF

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _T, _TAB, _BR, _CR, _R = (f"{_W}{n}" for n in ("p", "t", "tab", "br", "cr", "r"))
_RPR, _VANISH, _B, _SZ, _VAL = (f"{_W}{n}" for n in ("rPr", "vanish", "b", "sz", "val"))
_COLOR, _SPEC_VANISH, _SHD, _FILL = (f"{_W}{n}" for n in ("color", "specVanish", "shd", "fill"))
_PPR, _TCPR = f"{_W}pPr", f"{_W}tcPr"
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
        headers, body, footers = _parts_python_docx(data)
    else:
        headers, body, footers = _parts_zip(data)
    lines: list[Line] = []
    hidden = [0]
    for root in (*headers, body, *footers):
        lines.extend(_paragraph_lines(root, hidden))
    return lines, hidden[0]


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
    return (
        [p.element for p in sorted(headers, key=by_name)],
        document.element.body,
        [p.element for p in sorted(footers, key=by_name)],
    )


def _parts_zip(data: bytes):
    import zipfile

    from lxml import etree

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
            return (
                [load(archive, n) for n in sorted(set(headers))],
                body,
                [load(archive, n) for n in sorted(set(footers))],
            )
    except ParseError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        etree.XMLSyntaxError,
    ) as exc:
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    except Exception as exc:  # zlib errors and other damage inside the archive
        raise ParseError("corrupt_docx", type(exc).__name__) from None


def _paragraph_lines(root, hidden: list[int]) -> list[Line]:
    out: list[Line] = []
    seen: set[str] = set()
    is_body = root.tag == f"{_W}body"
    for p in root.iter(_P):
        if _inside_fallback(p):
            continue  # the same text box exists once more as mc:Choice
        text, bold, size = _paragraph_text(p, hidden)
        if not text.strip():
            continue
        # Headers of several sections often repeat the same contact line.
        if not is_body:
            if text in seen:
                continue
            seen.add(text)
        out.append(Line(text=text, page=0, size=size, bold=bold))
    return out


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
