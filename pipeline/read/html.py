"""HTML with lxml (no entities, no network): block elements and table cells end lines, and
hidden text (hidden, aria-hidden, display:none, visibility:hidden, opacity:0, tiny, or the
colour of its background) is dropped and counted."""

from __future__ import annotations

import functools
import re

from ..errors import ParseError
from ..records import Line
from .markup import LENGTH, LineBuilder, Opened, collapse_spaces, hidden_colour, length_pt, walk
from .sniff import decode_text
from .visibility import MIN_VISIBLE_PT, RGB, WHITE

_DROP = frozenset(
    """script style noscript template head svg math iframe object embed canvas select title
    meta link""".split()  # noqa: SIM905
)
_BLOCKS = frozenset(
    """p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption
    section article header footer nav aside main blockquote pre address figure figcaption
    form fieldset legend hr br details summary center body""".split()  # noqa: SIM905
)
_ATTRS = ("class", "style", "hidden", "aria-hidden")
_BOLD = frozenset("b strong h1 h2 h3 h4 h5 h6 th".split())  # noqa: SIM905
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

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(data))
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
    base = {
        "bold": False,
        "pre": False,
        "color": None,
        "back": WHITE,
        "tiny": False,
        "hidden": False,
    }

    def open_element(item, ctx: dict, out: LineBuilder) -> Opened:
        tag = item.tag.lower() if isinstance(item.tag, str) else ""
        if not tag or tag in _DROP:
            return None
        return _context(item, tag, ctx, rules), tag in _BLOCKS

    out = LineBuilder()
    walk([root], base, out, open_element, _text)
    return out.result()


def _decode(data: bytes) -> str:
    """BOMs first, then the charset a <meta> declares, then UTF-8, then cp1252."""
    m = _META_CHARSET.search(data[:4096])
    return decode_text(data, declared=m.group(1).decode("ascii") if m else None)


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


def _context(element, tag: str, ctx: dict, rules: dict) -> dict:
    """The context of an element's content: bold, pre, colour, backdrop, tiny and hidden."""
    attrib = element.attrib
    if tag not in _BOLD and tag != "pre" and not any(name in attrib for name in _ATTRS):
        return ctx
    style: dict[str, str] = {}
    for name in (element.get("class") or "").split():
        style.update(rules.get(name, {}))
    style.update(_css_declarations(element.get("style") or ""))
    inner = dict(ctx)
    if tag in _BOLD:
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
    m = LENGTH.fullmatch(value)
    if not m:
        return False
    number, unit = float(m.group(1)), m.group(2).lower()
    if unit in ("em", "rem"):
        return number * 12 < MIN_VISIBLE_PT
    if unit == "%":
        return number * 0.12 < MIN_VISIBLE_PT
    points = length_pt(value)
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


def _text(text: str, ctx: dict, out: LineBuilder) -> None:
    if not ctx["pre"]:
        text = collapse_spaces(text)
    color = ctx["color"]
    hidden = (
        ctx["hidden"] or ctx["tiny"] or color == _INVISIBLE or hidden_colour(color, ctx["back"])
    )
    out.emit(text, hidden, ctx["bold"])
