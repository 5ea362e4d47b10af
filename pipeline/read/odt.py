"""OpenDocument text (.odt) with lxml: page headers, body and page footers, with hidden text
(hidden text, paragraphs and sections, display:none, white or tiny runs) dropped and counted."""

from __future__ import annotations

import io

from ..errors import ParseError
from ..records import Line
from .markup import LineBuilder, Opened, collapse_spaces, hex_colour, hidden_colour, length_pt, walk
from .sniff import archive_errors, read_xml_part
from .visibility import MIN_VISIBLE_PT, WHITE

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _TABLE = f"{{{_ODF}office:1.0}}", f"{{{_ODF}text:1.0}}", f"{{{_ODF}table:1.0}}"
_STYLE, _FO = f"{{{_ODF}style:1.0}}", f"{{{_ODF}xsl-fo-compatible:1.0}}"
_SVG = f"{{{_ODF}svg-compatible:1.0}}"
_SKIP = frozenset(
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
_BLOCKS = frozenset([f"{_TEXT}p", f"{_TEXT}h"])
# The style family each element's style-name refers to.
_FAMILY = {
    f"{_TEXT}p": "paragraph",
    f"{_TEXT}h": "paragraph",
    f"{_TEXT}span": "text",
    f"{_TEXT}a": "text",
    f"{_TABLE}table-cell": "table-cell",
}


def read_odt(data: bytes) -> tuple[list[Line], int]:
    """Lines of an OpenDocument text (page headers, body, page footers) and the number of hidden
    words dropped (hidden text/paragraphs/sections, white, display:none or tiny runs)."""
    import zipfile

    def load(archive: zipfile.ZipFile, name: str):
        return read_xml_part(archive, name, "corrupt_document")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = load(archive, "content.xml")
            names = set(archive.namelist())
            styles = load(archive, "styles.xml") if "styles.xml" in names else None
    except ParseError:
        raise
    except archive_errors() as exc:
        raise ParseError("corrupt_document", type(exc).__name__) from None
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ParseError("corrupt_document", "content.xml has no office:text body")
    shared: dict[tuple[str, str], dict] = {}  # named styles, from styles.xml
    defaults: dict[str, dict] = {}  # default style of each family
    page_styles, pages = shared, []
    if styles is not None:
        _collect_styles(styles.find(f"{_OFFICE}styles"), shared, defaults)
        page_styles = dict(shared)
        _collect_styles(styles.find(f"{_OFFICE}automatic-styles"), page_styles, defaults)
        pages = styles.findall(f"{_OFFICE}master-styles/{_STYLE}master-page")
    content_styles = dict(shared)
    _collect_styles(content.find(f"{_OFFICE}automatic-styles"), content_styles, defaults)
    out = LineBuilder()
    _walk(body, content_styles, defaults, out)
    lines, hidden = out.result()
    head, head_hidden = _page_parts(pages, "header", page_styles, defaults)
    foot, foot_hidden = _page_parts(pages, "footer", page_styles, defaults)
    return head + lines + foot, head_hidden + hidden + foot_hidden


def _page_parts(pages, kind: str, styles: dict, defaults: dict) -> tuple[list[Line], int]:
    """Page headers or footers, each distinct line once (master pages repeat them)."""
    part = LineBuilder()
    for page in pages:
        for tag in (kind, f"{kind}-left", f"{kind}-first"):
            for element in page.findall(f"{_STYLE}{tag}"):
                _walk(element, styles, defaults, part)
    lines, hidden = part.result()
    seen: set[str] = set()
    unique = []
    for line in lines:
        if line.text not in seen:
            seen.add(line.text)
            unique.append(line)
    return unique, hidden


def _collect_styles(container, styles: dict, defaults: dict) -> None:
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
            elif (color := hex_colour(child.get(f"{_FO}color"))) is not None:
                props["color"] = color
            background = child.get(f"{_FO}background-color")
            if background and background != "transparent":
                props["back"] = hex_colour(background)
            if (size := length_pt(child.get(f"{_FO}font-size"))) is not None:
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


def _resolve(family: str, name: str | None, styles: dict, defaults: dict) -> dict:
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


def _walk(root, styles: dict, defaults: dict, out: LineBuilder) -> None:
    """Add the text of an ODF text container to `out`."""
    cache: dict[tuple[str, str | None], dict] = {}
    base = {"color": None, "back": WHITE, "size": 0.0, "bold": False, "hidden": False}
    base.update({k: v for k, v in defaults.get("paragraph", {}).items() if k in ("size", "color")})

    def open_element(item, ctx: dict, out: LineBuilder) -> Opened:
        tag = item.tag
        if not isinstance(tag, str) or tag in _SKIP:
            return None
        family = _FAMILY.get(tag)
        inner = ctx
        name = item.get(f"{_TEXT}style-name") or item.get(f"{_TABLE}style-name")
        if family and name:
            key = (family, name)
            if key not in cache:
                cache[key] = _resolve(family, name, styles, defaults)
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
            tag in _BLOCKS and _hidden_paragraph(item)
        ):
            inner = {**inner, "hidden": True}
        elif tag == f"{_TEXT}s":
            count = item.get(f"{_TEXT}c", "1")
            _text(" " * min(int(count) if count.isdigit() else 1, 100), ctx, out, raw=True)
        elif tag == f"{_TEXT}tab":
            _text("\t", ctx, out, raw=True)
        elif tag == f"{_TEXT}line-break":
            out.newline()
        return inner, tag in _BLOCKS or tag == f"{_TABLE}table-cell"

    walk(root, base, out, open_element, _text)


def _hidden_paragraph(paragraph) -> bool:
    for field in paragraph.iter(f"{_TEXT}hidden-paragraph"):
        if field.get(f"{_TEXT}is-hidden", "true") == "false":
            continue
        node = field.getparent()
        while node is not None and node.tag not in _BLOCKS:
            node = node.getparent()
        if node is paragraph:
            return True
    return False


def _text(text: str, ctx: dict, out: LineBuilder, raw: bool = False) -> None:
    if not raw:
        text = collapse_spaces(text)  # ODF collapses white space; text:s/text:tab keep it
    size = ctx["size"] or 0.0
    hidden = (
        ctx["hidden"]
        or bool(size and size < MIN_VISIBLE_PT)
        or hidden_colour(ctx["color"], ctx["back"])
    )
    out.emit(text, hidden, ctx["bold"], size)
