"""What the markup readers (RTF, ODT, HTML) share: lines built from styled runs with hidden
runs counted, an iterative walk over XML trees, and CSS/ODF colour and length values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..records import Line
from .visibility import RGB, same_colour

_SPACES = re.compile(r"[ \t\r\n\f]+")
_UNIT_PT = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0}
LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*([a-z%]*)\s*", re.I)


class LineBuilder:
    """Collects visible runs into lines, and hidden runs into a count of dropped words."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._runs: list[tuple[str, bool, float]] = []
        self._dropped: list[str] = []

    def emit(self, text: str, hidden: bool, bold: bool = False, size: float = 0.0) -> None:
        """A run of text: added to the current line, or counted as dropped when hidden."""
        if hidden:
            self.drop(text)
        else:
            self.add(text, bold, size)

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


def collapse_spaces(text: str) -> str:
    """Runs of white space as one space, as HTML and ODF render them."""
    return _SPACES.sub(" ", text)


# An element's handler returns the context of its content and whether it is a block (ends a
# line before and after), or None to skip its content.
Opened = tuple[dict[str, Any], bool] | None


def walk(
    items: Iterable[Any],
    ctx: dict[str, Any],
    out: LineBuilder,
    open_element: Callable[[Any, dict[str, Any], LineBuilder], Opened],
    text: Callable[[str, dict[str, Any], LineBuilder], None],
) -> None:
    """Walk lxml elements depth first without recursion (deep documents cannot overflow the
    stack): text and tails in document order, each element opened by `open_element`."""
    # Stack items: (element, context) to open, (string, context) for text, (None, None) for
    # the end of a block.
    stack: list[tuple[Any, Any]] = [(item, ctx) for item in reversed(list(items))]
    while stack:
        item, context = stack.pop()
        if item is None:
            out.newline()
            continue
        if isinstance(item, str):
            text(item, context, out)
            continue
        if item.tail:
            stack.append((item.tail, context))
        opened = open_element(item, context, out)
        if opened is None:
            continue
        inner, block = opened
        if block:
            out.newline()
            stack.append((None, None))
        for child in reversed(item):
            stack.append((child, inner))
        if item.text:
            stack.append((item.text, inner))


def hidden_colour(color: RGB | None, back: RGB | None) -> bool:
    """Text in (almost) the colour of what is under it; an unknown backdrop counts as visible."""
    return color is not None and back is not None and same_colour(color, back)


def hex_colour(value: str | None) -> RGB | None:
    """ "#RRGGBB" as RGB, else None."""
    if value and len(value) == 7 and value.startswith("#"):
        try:
            return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
        except ValueError:
            return None
    return None


def length_pt(value: str | None) -> float | None:
    """An absolute length in points ("11pt", "0.5cm", "0"), or None (relative or unknown)."""
    m = LENGTH.fullmatch(value or "")
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2).lower()
    if not unit:
        return number if number == 0 else None
    return number * _UNIT_PT[unit] if unit in _UNIT_PT else None
