"""Would a reader see this text? One rule for both PDF engines (and DOCX/RTF/ODT/HTML runs).

Text is hidden when it is drawn in PDF text render mode 3 or 7 (invisible), when its fill
colour is (almost) the colour of what lies under it (white on a white page, black on a black
box), when it is smaller than MIN_VISIBLE_PT, or when it lies wholly off the page. Hidden words
are dropped and counted, so a keyword-stuffed resume neither gains from them nor goes unnoticed.

Not handled: text clipped away by a clipping path, text covered by an opaque shape drawn after
it, colour against a photograph (text over an image always counts as visible), and fill
transparency: PDFium reports a fill alpha of 0 for text painted with a gradient, which is
visible, so alpha is not used. Shapes more than half transparent are not backgrounds.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_VISIBLE_PT = 4.0
# Colours whose channels all differ by at most this much (0-255) from the background are
# treated as invisible: #F8F8F8 on white is, #D0D0D0 (light grey captions) is not.
MAX_INVISIBLE_DIFF = 24
INVISIBLE_MODES = frozenset({3, 7})
WHITE = (255, 255, 255)

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Backdrop:
    """A filled shape or an image on the page, in top-left coordinates (PDF points)."""

    x0: float
    top: float
    x1: float
    bottom: float
    color: RGB | None  # None for images: colour unknown, any text over it counts as visible
    image: bool = False


def is_light(color: RGB) -> bool:
    return min(color) >= 255 - MAX_INVISIBLE_DIFF


def same_colour(a: RGB, b: RGB) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= MAX_INVISIBLE_DIFF


def backdrops_at(x: float, y: float, backdrops: list[Backdrop]) -> list[Backdrop]:
    """Every backdrop under a point."""
    return [b for b in backdrops if b.x0 <= x <= b.x1 and b.top <= y <= b.bottom]


def hidden_reason(
    color: RGB | None,
    size: float,
    render_mode: int,
    box: tuple[float, float, float, float],
    page_size: tuple[float, float],
    backdrops: list[Backdrop] | None,
) -> str | None:
    """Why a word is hidden ("invisible_mode", "tiny", "off_page", "background"), or None.

    `backdrops` may be None when the word's colour is not close to white and the caller has
    not collected shapes; then only a white page is assumed under it.
    """
    x0, top, x1, bottom = box
    width, height = page_size
    if render_mode in INVISIBLE_MODES:
        return "invisible_mode"
    if x1 <= 0 or x0 >= width or bottom <= 0 or top >= height:
        return "off_page"
    if 0 < size < MIN_VISIBLE_PT:
        return "tiny"
    if color is None:
        return None
    under = backdrops_at((x0 + x1) / 2, (top + bottom) / 2, backdrops or [])
    if not under:
        return "background" if same_colour(color, WHITE) else None
    # Hidden only when the text matches everything under it: drawing order is not known to
    # both engines, and dropping text a reader can see is worse than missing a trick.
    if any(b.color is None or not same_colour(color, b.color) for b in under):
        return None
    return "background"


class PageLooks:
    """The per-page half of the rule, shared by both PDF engines: which shapes to look at for
    which word. An engine subclass reads the word's colour, size and render mode and lists the
    page's shapes in `_load_backdrops`, which runs only when some word needs them."""

    def __init__(self, size: tuple[float, float]) -> None:
        self.size = size
        self._backdrops: list[Backdrop] | None = None

    def backdrops(self) -> list[Backdrop]:
        if self._backdrops is None:
            self._backdrops = self._load_backdrops()
        return self._backdrops

    def scanned(self) -> bool:
        """A page-sized image: invisible text on it is the text layer an OCR program added."""
        width, height = self.size
        return any(
            b.image and (b.x1 - b.x0) * (b.bottom - b.top) >= 0.5 * width * height
            for b in self.backdrops()
        )

    def word_hidden(
        self, color: RGB | None, size: float, render_mode: int, box, stroked: bool = False
    ) -> bool:
        backdrops = None  # dark text: only a white page is assumed under it
        if render_mode in INVISIBLE_MODES:
            if self.scanned():
                return False
        elif stroked or (color is not None and is_light(color)):
            backdrops = self.backdrops()
        return hidden_reason(color, size, render_mode, box, self.size, backdrops) is not None

    def _load_backdrops(self) -> list[Backdrop]:
        raise NotImplementedError


def to_rgb(components) -> RGB | None:
    """Grey (1), RGB (3) or CMYK (4) components in 0..1 → RGB 0..255; None when unknown."""
    if components is None:
        return None
    if isinstance(components, int | float):
        components = (components,)
    try:
        values = [float(c) for c in components]
    except (TypeError, ValueError):
        return None  # pattern colour spaces name a pattern, not a colour
    if len(values) == 1:
        grey = round(255 * values[0])
        rgb = (grey, grey, grey)
    elif len(values) == 3:
        r, g, b = values
        rgb = (round(255 * r), round(255 * g), round(255 * b))
    elif len(values) == 4:
        c, m, y, k = values
        rgb = (
            round(255 * (1 - c) * (1 - k)),
            round(255 * (1 - m) * (1 - k)),
            round(255 * (1 - y) * (1 - k)),
        )
    else:
        return None
    red, green, blue = (min(255, max(0, v)) for v in rgb)
    return red, green, blue
