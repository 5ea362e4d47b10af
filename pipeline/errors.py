"""Typed errors with short, stable reason codes; messages never carry resume text."""

from __future__ import annotations

# Every reason a file can fail with. The code is what reports and tests rely on;
# the text is what a person reads.
REASONS: dict[str, str] = {
    "empty_file": "the file is empty",
    "not_a_regular_file": "not a regular file (directory, link, device or pipe)",
    "unreadable": "the file could not be read",
    "too_large": "the file is larger than the size limit",
    "not_a_resume_format": "content is not PDF, DOCX, DOC, RTF, ODT, HTML, an image or plain text",
    "encrypted_pdf": "the PDF is password-protected",
    "corrupt_pdf": "the PDF is damaged and could not be opened",
    "no_text_layer": "no text layer (scanned or image-only) and OCR found no readable text",
    "no_text_layer_ocr_unavailable": "no text layer (scanned or image-only) and Tesseract OCR "
    "is not installed",
    "corrupt_document": "the DOC, RTF, ODT or HTML file is damaged and could not be read",
    "converter_unavailable": "legacy .doc needs antiword or LibreOffice, and neither is installed",
    "corrupt_docx": "the DOCX archive or its XML is damaged",
    "unsafe_archive": "the DOCX looks like a zip bomb or carries an XML DOCTYPE; not opened",
    "no_text": "the document contains (almost) no text",
    "internal_error": "an unexpected error occurred while processing this file",
    "poison_file": "processing this file crashed the run twice; it is not retried",
    "timeout": "parsing took longer than the time limit; the worker was stopped",
    "cpu_limit": "parsing used more CPU time than its limit",
    "memory_limit": "parsing needed more memory than its limit",
    "worker_crashed": "the parsing worker crashed on this file",
    "worker_killed": "the parsing worker was killed (out of memory or by a signal)",
    "changed_during_run": "the file changed while it was being read; it is read again next run",
}


class PipelineError(Exception):
    """Base class for every error this package raises on purpose."""


class ParseError(PipelineError):
    """A file could not be turned into a Document; `reason` is a code from REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown reason code {reason!r}")
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail or REASONS[reason]}")


class LexiconError(PipelineError):
    """The skill lexicon is invalid; the message names the file and line."""


class JobDefinitionError(PipelineError):
    """The job definition is invalid; the message names the problem and suggests fixes."""
