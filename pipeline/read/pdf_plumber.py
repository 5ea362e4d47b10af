"""PDF → word boxes with pdfplumber (the user's named library; slower, selectable)."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np

from ..errors import ParseError
from ..records import Word
from . import words as words_model
from .visibility import Backdrop, PageLooks, to_rgb

# pdfminer writes glyphs it cannot map to Unicode as "(cid:N)"; 127 is the bullet that
# Helvetica-style fonts use in WinAnsi (PDFium maps it to "•").
_CID = re.compile(r"\(cid:(\d+)\)")


def _uncid(text: str) -> str:
    if "(cid:" not in text:
        return text
    return _CID.sub(lambda m: "•" if m.group(1) == "127" else "", text)


def read_words(data: bytes) -> tuple[list[list[Word]], int]:
    """Return the visible words of each page, and how many hidden words were dropped."""
    import pdfplumber

    _record_render_modes()
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
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
            looks = _PageLooks(page)
            words = []
            for word, first in _page_words(page.chars, number):
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
        with contextlib.suppress(Exception):  # closing walks the pages again; damage is known
            pdf.close()
    return pages, hidden


def _page_words(chars: list[dict], number: int):
    """(Word, its first char dict) for each word of a page: pdfplumber's chars through the
    shared word model (pipeline/read/words.py), in the order they were drawn."""
    if not chars:
        return
    texts = [_uncid(c["text"]) for c in chars]
    # One code per char: a "(cid:N)" that maps to nothing counts as blank, longer ones by
    # their first character.
    codes = np.array([ord(t[0]) if t else 0x20 for t in texts], dtype=np.uint32)
    blank, _ = words_model.blank_mask(codes)
    geometry = np.array(
        [(c["x0"], c["x1"], c["top"], c["bottom"]) for c in chars], dtype=np.float64
    )
    x0, x1, top, bottom = geometry.T
    rotated = np.array([not c.get("upright", True) for c in chars], dtype=bool)
    line_end = np.zeros(len(chars), bool)
    model = words_model.Chars(
        codes, x0, x1, top, bottom, blank=blank, line_end=line_end, rotated=rotated
    )
    for start, end in words_model.spans(model).tolist():
        text = "".join(texts[i] for i in range(start, end) if not blank[i])
        if not text:
            continue
        members = chars[start:end]
        first = members[0]
        word = Word(
            text,
            float(min(c["x0"] for c in members)),
            float(min(c["top"] for c in members)),
            float(max(c["x1"] for c in members)),
            float(max(c["bottom"] for c in members)),
            float(first.get("size", 0.0)),
            number,
            "bold" in str(first.get("fontname", "")).lower(),
            bool(rotated[start]),
        )
        yield word, first


class _PageLooks(PageLooks):
    """The visibility rule (pipeline/read/visibility.py) with pdfplumber's char and shape
    dicts."""

    def __init__(self, page) -> None:
        super().__init__((float(page.width), float(page.height)))
        self.page = page
        self.modes = _char_render_modes(page)

    def hidden(self, word: Word, char: dict) -> bool:
        mode = self.modes.get(id(char), 0)
        stroked = mode in (1, 5)
        color = to_rgb(char.get("stroking_color" if stroked else "non_stroking_color"))
        box = (word.x0, word.top, word.x1, word.bottom)
        return self.word_hidden(color, float(char.get("size", 0.0)), mode, box, stroked)

    def _load_backdrops(self) -> list[Backdrop]:
        width, height = self.size
        out = []
        for obj in self.page.rects + self.page.curves:
            if obj.get("fill"):
                # A pattern or gradient fill has no single colour: None, like an image.
                out.append(_backdrop(obj, to_rgb(obj.get("non_stroking_color"))))
        if _draws_shadings(self.page):
            # pdfplumber does not report gradients (the `sh` operator) or where they are;
            # assume one may be under any light text on such a page.
            out.append(Backdrop(0.0, 0.0, width, height, None))
        out.extend(_backdrop(image, None, image=True) for image in self.page.images)
        return out


def _backdrop(obj: dict, color, image: bool = False) -> Backdrop:
    box = (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))
    return Backdrop(*box, color, image)


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

        def render_string(self, textstate, *args, **kwargs):
            self._render_mode = getattr(textstate, "render", 0) or 0
            return super().render_string(textstate, *args, **kwargs)

        def render_char(self, *args, **kwargs):
            adv = super().render_char(*args, **kwargs)
            if self.cur_item._objs:
                self.cur_item._objs[-1].render_mode = self._render_mode
            return adv

    plumber_page.PDFPageAggregatorWithMarkedContent = _WithRenderMode  # type: ignore[misc]
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
