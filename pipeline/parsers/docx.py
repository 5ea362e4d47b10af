"""DOCX → lines: headers, body (paragraphs, tables, text boxes) and footers in document order."""

from __future__ import annotations

from pathlib import Path

from ..errors import ParseError
from ..records import Line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _T, _TAB, _BR, _CR, _R = (f"{_W}{n}" for n in ("p", "t", "tab", "br", "cr", "r"))
_TEXT_TAGS = (_T, _TAB, _BR, _CR)


def read_lines(path: Path) -> list[Line]:
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
    lines: list[Line] = []
    for part in sorted(headers, key=lambda p: str(p.partname)):
        lines.extend(_paragraph_lines(part.element))
    lines.extend(_paragraph_lines(document.element.body))
    for part in sorted(footers, key=lambda p: str(p.partname)):
        lines.extend(_paragraph_lines(part.element))
    return lines


def _paragraph_lines(root) -> list[Line]:
    out: list[Line] = []
    seen: set[str] = set()
    for p in root.iter(_P):
        if _inside_fallback(p):
            continue  # the same text box exists once more as mc:Choice
        text, bold, size = _paragraph_text(p)
        if not text.strip():
            continue
        # Headers of several sections often repeat the same contact line.
        if root.tag != f"{_W}body":
            if text in seen:
                continue
            seen.add(text)
        out.append(Line(text=text, page=0, size=size, bold=bold))
    return out


def _paragraph_text(p) -> tuple[str, bool, float]:
    parts: list[str] = []
    bold_runs = 0
    runs = 0
    size = 0.0
    for el in p.iter(_R):
        if _owner_paragraph(el) is not p or _hidden(el):
            continue
        run_text = []
        for child in el:  # direct children only: a text box's runs belong to its own paragraphs
            if child.tag not in _TEXT_TAGS:
                continue
            if child.tag == _T:
                run_text.append(child.text or "")
            elif child.tag == _TAB:
                run_text.append("\t")
            else:
                run_text.append("\n")
        joined = "".join(run_text)
        if not joined.strip():
            parts.append(joined)
            continue
        runs += 1
        props = el.find(f"{_W}rPr")
        if props is not None:
            b = props.find(f"{_W}b")
            if b is not None and b.get(f"{_W}val", "true") not in ("0", "false"):
                bold_runs += 1
            sz = props.find(f"{_W}sz")
            if sz is not None and (sz.get(f"{_W}val") or "").isdigit():
                size = max(size, int(sz.get(f"{_W}val")) / 2)
        parts.append(joined)
    return "".join(parts), runs > 0 and bold_runs == runs, size


def _owner_paragraph(el):
    node = el.getparent()
    while node is not None and node.tag != _P:
        node = node.getparent()
    return node


def _hidden(run) -> bool:
    props = run.find(f"{_W}rPr")
    if props is None:
        return False
    vanish = props.find(f"{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val", "true") not in ("0", "false")


def _inside_fallback(el) -> bool:
    node = el.getparent()
    while node is not None:
        if node.tag == _MC_FALLBACK:
            return True
        node = node.getparent()
    return False
