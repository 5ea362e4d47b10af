"""PDF → word boxes with pdfplumber (the user's named library; slower, selectable)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ParseError
from ..records import Word


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
            raw_words = page.extract_words(
                keep_blank_chars=False, use_text_flow=False, extra_attrs=["size", "fontname"]
            )
            pages.append(
                [
                    Word(
                        w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]),
                        float(w["bottom"]), float(w["size"]), number,
                        "bold" in str(w.get("fontname", "")).lower(),
                    )
                    for w in raw_words
                ]
            )
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
