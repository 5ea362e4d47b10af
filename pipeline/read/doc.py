"""Legacy Word 97-2003 (.doc) through antiword, or LibreOffice when antiword is missing or fails.

Neither converter reports hidden text, so .doc files count none dropped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import ParseError
from ..records import Line
from .sandbox import bytes_as_fd, bytes_as_file, run

DOC_CONVERTER_ENV = "PIPELINE_DOC_CONVERTER"  # "antiword", "soffice" or "none"; unset: both
ANTIWORD_TIMEOUT = 30  # seconds
# LibreOffice needs 1-3 s to start; below the workers' 60 s limit so this reports "timeout".
SOFFICE_TIMEOUT = 45  # seconds


def read_doc(data: bytes) -> list[Line]:
    """Lines of a Word 97-2003 file: antiword first, LibreOffice when antiword is missing or
    fails. Tool output is never put into errors or logs: it is resume text."""
    choice = os.environ.get(DOC_CONVERTER_ENV, "").strip().lower() or "auto"
    if choice not in ("auto", "antiword", "soffice", "none"):
        raise ValueError(f"{DOC_CONVERTER_ENV} must be antiword, soffice or none, not {choice!r}")
    antiword = shutil.which("antiword") if choice in ("auto", "antiword") else None
    soffice = None
    if choice in ("auto", "soffice"):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not antiword and not soffice:
        raise ParseError("converter_unavailable", f"{DOC_CONVERTER_ENV}={choice}")
    # The converters read the bytes that were hashed, from memory.
    if antiword:
        with bytes_as_fd(data) as fd:
            args = [antiword, "-w", "0", "-m", "UTF-8.txt", f"/dev/fd/{fd}"]
            code, out, _ = run(args, ANTIWORD_TIMEOUT, fd)
        text = out.decode("utf-8", errors="replace") if code == 0 else ""
        if text.strip():
            return _antiword_lines(text)
        if not soffice:
            if code == 0:
                return []
            raise ParseError("corrupt_document", f"antiword exit status {code}")
    assert soffice is not None
    with bytes_as_file(data) as path:
        return _soffice_lines(soffice, str(path))


def _antiword_lines(text: str) -> list[Line]:
    """antiword's text, with table rows ("|cell |cell |") split into one line per cell."""
    lines: list[Line] = []
    for raw in text.splitlines():
        row = raw.strip()
        if len(row) > 1 and row.startswith("|") and row.endswith("|"):
            lines.extend(Line(text=cell.strip()) for cell in row[1:-1].split("|") if cell.strip())
        elif row:
            lines.append(Line(text=row))
    return lines


def _soffice_lines(soffice: str, source: str) -> list[Line]:
    """LibreOffice's plain text (`--cat`, to stdout) with a private, throw-away profile: parallel
    runs do not collide, and no user's settings or macros are involved."""
    with tempfile.TemporaryDirectory(prefix="pipeline-soffice-") as profile:
        args = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--cat",
            source,
        ]
        code, out, err = run(args, SOFFICE_TIMEOUT)
    # A file LibreOffice cannot load still exits 0, with an error on stderr. Only this fixed
    # message is looked for; stderr is never shown.
    if code != 0 or b"source file could not be loaded" in err:
        raise ParseError("corrupt_document", f"LibreOffice could not read it (exit {code})")
    text = out.decode("utf-8-sig", errors="replace")
    return [Line(text=line) for line in text.splitlines() if line.strip()]
