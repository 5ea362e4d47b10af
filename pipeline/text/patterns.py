"""Shapes of text every stage looks for: bullets, contact details, years and date ranges, and
the small helpers around them (one home for each, so a change reaches every user)."""

from __future__ import annotations

import re

# Characters that open a bullet point (PDF readers and resume templates use all of these).
BULLET_CHARS = "•·▪■◦●○*►➢✓"
BULLET = re.compile(r"^\s*(?:[•·▪■◦●○\-–—*►➢✓]|\d{1,2}[.)])\s+")  # a bullet, then a space

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com)/\S*",
    re.I,
)
PHONE = re.compile(r"(?<!\w)(?:\+?\d[\d\s().-]{7,}\d)(?!\w)")
# Every URL match holds one of these once lower-cased (none of their letters has a special
# case fold under re.I), so a text without any of them holds no URL.
URL_MARKS = ("://", "www.", ".com/")


def may_hold_url(text: str) -> bool:
    """False when URL cannot match `text` (see URL_MARKS): checked before searching for it."""
    lower = text.lower()
    return any(mark in lower for mark in URL_MARKS)


YEAR = re.compile(r"(?<![\d])(?:19|20)\d\d(?!\d)")
# "2019 - 2021", "01/2019 – 03.2021": a year range that a phone number pattern would also match.
YEAR_RANGE = re.compile(
    r"(?:\d{1,2}\s*[/.-]\s*)?(?:19|20)\d\d(?:\s*[/.-]\s*\d{1,2})?\s*[-–—.]+\s*"
    r"(?:\d{1,2}\s*[/.-]\s*)?(?:19|20)\d\d(?:\s*[/.-]\s*\d{1,2})?"
)
_DATE_POINT = r"(?:(?:19|20)\d\d(?:\s*[./-]\s*\d{1,2})?|\d{1,2}\s*[./-]\s*(?:19|20)\d\d)"
DATE_LIKE = re.compile(rf"{_DATE_POINT}(?:\s*[-–—]+\s*{_DATE_POINT})?")  # "2020.01 - 2021.03"
ALL_YEARS = re.compile(r"(?:(?:19|20)\d\d[\s./-]*)+")  # "2019 2020 2021"
# Anything that says when: a year, an apostrophe year, or an open end ("present").
MENTIONS_DATE = re.compile(r"\b(?:19|20)\d\d\b|'\d\d\b|\b(?:present|current|now)\b", re.I)


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a string, for keyword tables written as one string."""
    return frozenset(text.split())


def blank(m: re.Match[str]) -> str:
    """A match replaced by as many spaces (offsets into the text stay valid)."""
    return " " * len(m.group())


def is_bullet(line: str) -> bool:
    """A bullet point: a bullet character (with or without a space after it) or "1." first."""
    return BULLET.match(line) is not None or line.lstrip()[:1] in BULLET_CHARS
