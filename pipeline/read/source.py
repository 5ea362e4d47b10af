"""Open a resume file once, safely: the one place that checks an entry, reads its bytes and
hashes them. Every reader then works on those bytes, so what is hashed is what is parsed."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParseError

MAX_BYTES = 25 * 1024 * 1024  # larger files fail with too_large


@dataclass(frozen=True, slots=True)
class Source:
    """A resume's bytes as read once, and their sha256."""

    name: str
    data: bytes
    sha256: str


def check_entry(path: Path) -> os.stat_result:
    """The entry's lstat, when it is a regular file of acceptable size; else ParseError
    (unreadable, not_a_regular_file, empty_file, too_large). Never follows a link."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise ParseError("not_a_regular_file")
    if info.st_size == 0:
        raise ParseError("empty_file")
    if info.st_size > MAX_BYTES:
        raise ParseError("too_large", f"{info.st_size} bytes > {MAX_BYTES}")
    return info


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read a regular file (no links, no devices or pipes, at most MAX_BYTES) once."""
    path = Path(path)
    check_entry(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            # Re-check what was opened: the entry may have been swapped since lstat().
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ParseError("not_a_regular_file")
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ParseError("unreadable", type(exc).__name__) from None
    if not data:
        raise ParseError("empty_file")
    if len(data) > MAX_BYTES:
        raise ParseError("too_large")
    return Source(path.name, data, hashlib.sha256(data).hexdigest())
