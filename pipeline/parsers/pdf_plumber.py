"""PDF → word boxes with pdfplumber (the user's named library; slower, selectable)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ParseError
from ..records import Word

# pdfminer writes glyphs it cannot map to Unicode as "(cid:N)"; 127 is the bullet that
# Helvetica-style fonts use in WinAnsi (PDFium maps it to "•").
_CID = re.compile(r"\(cid:(\d+)\)")


def _uncid(text: str) -> str:
    if "(cid:" not in text:
        return text
    return _CID.sub(lambda m: "•" if m.group(1) == "127" else "", text)


def read_words(path: Path) -> tuple[list[list[Word]], list[tuple[float, float]]]:
    import pdfplumber
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
    sizes: list[tuple[float, float]] = []
    try:
        for number, page in enumerate(pdf.pages):
            # Not extra_attrs: it splits a word where the font changes ("Ph.D." bold + ",").
            raw_words = page.extract_words(
                keep_blank_chars=False, use_text_flow=False, return_chars=True
            )
            words = []
            for w in raw_words:
                text = _uncid(w["text"])
                if not text:
                    continue
                first = w["chars"][0]
                words.append(
                    Word(
                        text,
                        float(w["x0"]),
                        float(w["top"]),
                        float(w["x1"]),
                        float(w["bottom"]),
                        float(first.get("size", 0.0)),
                        number,
                        "bold" in str(first.get("fontname", "")).lower(),
                    )
                )
            pages.append(words)
            sizes.append((float(page.width), float(page.height)))
            page.close()
    except ParseError:
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise ParseError("encrypted_pdf") from None
        raise ParseError("corrupt_pdf", type(exc).__name__) from None
    finally:
        pdf.close()
    return pages, sizes


def _is_password_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    wrapped = [exc, *[a for a in exc.args if isinstance(a, BaseException)]]
    return any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in wrapped)
