"""DOCX → lines: headers, body (paragraphs, tables, text boxes) and footers in document order."""

from __future__ import annotations

from pathlib import Path

from ..errors import ParseError
from ..records import Line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _T, _TAB, _BR, _CR, _R = (f"{_W}{n}" for n in ("p", "t", "tab", "br", "cr", "r"))
_RPR, _VANISH, _B, _SZ, _VAL = (f"{_W}{n}" for n in ("rPr", "vanish", "b", "sz", "val"))


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
_MAX_PART = 64 * 1024 * 1024  # inflated size of one XML part we are willing to parse


def read_lines(path: Path, engine: str = "lxml") -> list[Line]:
    """Lines of headers, then the body, then footers.

    ``lxml`` reads only document.xml and the header/footer parts straight from the
    ZIP (about 2x faster: python-docx also parses styles, settings, numbering and
    theme, and loads every image). ``python-docx`` opens the whole package; both
    walk the same XML, so they give the same lines.
    """
    if engine == "python-docx":
        headers, body, footers = _parts_python_docx(path)
    else:
        headers, body, footers = _parts_zip(path)
    lines: list[Line] = []
    for root in headers:
        lines.extend(_paragraph_lines(root))
    lines.extend(_paragraph_lines(body))
    for root in footers:
        lines.extend(_paragraph_lines(root))
    return lines


def _parts_python_docx(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    except Exception as exc:  # lxml XMLSyntaxError, zipfile errors, …
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    headers, footers = [], []
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


def _parts_zip(path: Path):
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )

    def load(archive: zipfile.ZipFile, name: str):
        info = archive.getinfo(name)
        if info.file_size > _MAX_PART:
            raise ParseError("corrupt_docx", f"{name} inflates to {info.file_size} bytes")
        return etree.fromstring(archive.read(name), parser)

    try:
        with zipfile.ZipFile(path) as archive:
            document = load(archive, "word/document.xml")
            body = document.find(f"{_W}body")
            if body is None:
                raise ParseError("corrupt_docx", "document.xml has no body")
            headers, footers = [], []
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


def _paragraph_lines(root) -> list[Line]:
    out: list[Line] = []
    seen: set[str] = set()
    is_body = root.tag == f"{_W}body"
    for p in root.iter(_P):
        if _inside_fallback(p):
            continue  # the same text box exists once more as mc:Choice
        text, bold, size = _paragraph_text(p)
        if not text.strip():
            continue
        # Headers of several sections often repeat the same contact line.
        if not is_body:
            if text in seen:
                continue
            seen.add(text)
        out.append(Line(text=text, page=0, size=size, bold=bold))
    return out


def _paragraph_text(p) -> tuple[str, bool, float]:
    """Visible text of one paragraph's own runs (a text box's runs belong to its own paragraphs)."""
    parts: list[str] = []
    bold_runs = 0
    runs = 0
    size = 0.0
    for run in _OWN_RUNS(p):
        props = run.find(_RPR)
        if props is not None and _on(props.find(_VANISH)):
            continue  # hidden text ("vanish") is not shown to a reader
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
