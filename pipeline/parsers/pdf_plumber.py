"""PDF → word boxes with pdfplumber (the user's named library; slower, selectable)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ParseError
from ..records import Word
from .visibility import INVISIBLE_MODES, Backdrop, hidden_reason, is_light, to_rgb

# pdfminer writes glyphs it cannot map to Unicode as "(cid:N)"; 127 is the bullet that
# Helvetica-style fonts use in WinAnsi (PDFium maps it to "•").
_CID = re.compile(r"\(cid:(\d+)\)")


def _uncid(text: str) -> str:
    if "(cid:" not in text:
        return text
    return _CID.sub(lambda m: "•" if m.group(1) == "127" else "", text)


def read_words(path: Path) -> tuple[list[list[Word]], int]:
    """Return the visible words of each page, and how many hidden words were dropped."""
    import pdfplumber

    _record_render_modes()
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ParseError("encrypted_pdf") from None
    except PDFSyntaxError:
        raise ParseError("corrupt_pdf", "pdfminer could not parse the document") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        if _is_password_error(exc):
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", type(exc).__name__) from None
    pages: list[list[Word]] = []
    hidden = 0
    try:
        for number, page in enumerate(pdf.pages):
            # Not extra_attrs: it splits a word where the font changes ("Ph.D." bold + ",").
            raw_words = page.extract_words(
                keep_blank_chars=False, use_text_flow=False, return_chars=True
            )
            looks = _PageLooks(page)
            words = []
            for w in raw_words:
                text = _uncid(w["text"])
                if not text:
                    continue
                first = w["chars"][0]
                word = Word(
                    text,
                    float(w["x0"]),
                    float(w["top"]),
                    float(w["x1"]),
                    float(w["bottom"]),
                    float(first.get("size", 0.0)),
                    number,
                    "bold" in str(first.get("fontname", "")).lower(),
                )
                if looks.hidden(word, first):
                    hidden += 1
                else:
                    words.append(word)
            pages.append(words)
            page.close()
    except ParseError:
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", type(exc).__name__) from None
    finally:
        pdf.close()
    return pages, hidden


class _PageLooks:
    """The same visibility rule as the PDFium engine, from pdfplumber's char and shape dicts."""

    def __init__(self, page) -> None:
        self.page = page
        self.size = (float(page.width), float(page.height))
        self.modes = _char_render_modes(page)
        self.backdrops: list[Backdrop] | None = None
        self.scanned = False

    def hidden(self, word: Word, char: dict) -> bool:
        mode = self.modes.get(id(char), 0)
        key = "stroking_color" if mode in (1, 5) else "non_stroking_color"
        color = to_rgb(char.get(key))
        backdrops = None
        if mode in INVISIBLE_MODES:
            self._backdrops()
            if self.scanned:
                return False
        elif color is not None and is_light(color):
            backdrops = self._backdrops()
        box = (word.x0, word.top, word.x1, word.bottom)
        size = float(char.get("size", 0.0))
        return hidden_reason(color, size, mode, box, self.size, backdrops) is not None

    def _backdrops(self) -> list[Backdrop]:
        if self.backdrops is not None:
            return self.backdrops
        width, height = self.size
        shapes = []
        for obj in self.page.rects + self.page.curves:
            if obj.get("fill"):
                # A pattern or gradient fill has no single colour: None, like an image.
                shapes.append((obj, to_rgb(obj.get("non_stroking_color"))))
        if _draws_shadings(self.page):
            # pdfplumber does not report gradients (the `sh` operator) or where they are;
            # assume one may be under any light text on such a page.
            shapes.append(({"x0": 0, "top": 0, "x1": width, "bottom": height}, None))
        for image in self.page.images:
            shapes.append((image, None))
            area = (image["x1"] - image["x0"]) * (image["bottom"] - image["top"])
            self.scanned = self.scanned or area >= 0.5 * width * height
        self.backdrops = [
            Backdrop(float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), c)
            for o, c in shapes
        ]
        return self.backdrops


def _draws_shadings(page) -> bool:
    try:
        resources = page.page_obj.resources or {}
        from pdfminer.pdftypes import resolve1

        return bool(resolve1(resources.get("Shading")))
    except Exception:  # damaged resources: assume the worst, keep the text
        return True


_MODES_RECORDED = False


def _record_render_modes() -> None:
    """Make pdfplumber's layout device note each char's text render mode (pdfminer keeps it in
    the text state only). Done once per process; it adds one attribute to each LTChar."""
    global _MODES_RECORDED
    if _MODES_RECORDED:
        return
    import pdfplumber.page as plumber_page

    base = plumber_page.PDFPageAggregatorWithMarkedContent

    class _WithRenderMode(base):  # type: ignore[misc, valid-type]
        _render_mode = 0

        def render_string(self, textstate, *args, **kwargs):  # type: ignore[no-untyped-def]
            self._render_mode = getattr(textstate, "render", 0) or 0
            return super().render_string(textstate, *args, **kwargs)

        def render_char(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            adv = super().render_char(*args, **kwargs)
            if self.cur_item._objs:
                self.cur_item._objs[-1].render_mode = self._render_mode
            return adv

    plumber_page.PDFPageAggregatorWithMarkedContent = _WithRenderMode
    _MODES_RECORDED = True


def _char_render_modes(page) -> dict[int, int]:
    """id(char dict) → render mode. pdfplumber lists chars in layout traversal order, so the
    LTChar objects met in the same walk line up with `page.chars` one to one."""
    from pdfminer.layout import LTChar, LTContainer

    ltchars = []
    stack = [iter(page.layout._objs)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj._objs))
        elif isinstance(obj, LTChar):
            ltchars.append(obj)
    chars = page.chars
    if len(chars) != len(ltchars):
        return {}
    return {
        id(c): getattr(lt, "render_mode", 0)
        for c, lt in zip(chars, ltchars, strict=True)
        if getattr(lt, "render_mode", 0)
    }


def _is_password_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    wrapped = [exc, *[a for a in exc.args if isinstance(a, BaseException)]]
    return any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in wrapped)
