"""Date ranges in resume text, as month indexes.

Months are indexes ``year * 12 + month - 1``; a range
covers its start and end months, so "2019 – 2021" is Jan 2019 … Dec 2021 (36 months).

Date formats (case-insensitive): "Jan 2020", "January 2020", "Sept. 2020", "Jan-2020",
"Jan '20", "15 Jan 2020", "Jan 15, 2020", "01/2020", "1.2020", "15/01/2020" (day first),
"2020.01", "2020-01", "2020/01", "2020", "'22", quarters ("Q3 2020": Jul–Sep), seasons
("Summer 2019": spring=Mar, summer=Jun, fall/autumn=Sep, winter=Jan); ranges joined by
-, –, —, ~, →, "to", "until", "till", "through", "thru"; open ends "Present", "Current(ly)",
"Now", "Today", "Ongoing", "(to|till) date"; "2019-21" / "2019/20" (two-digit end year);
"Since 2018" and "2018 – " at the end of a line (ongoing); and, on a job line only, a single
"2021" (12 months), "May 2021" (1 month) or "Summer 2019" / "Q3 2019" (3 months).
Rejected: end before start, longer than 50 years, start after `as_of`. Ends after `as_of` are
clipped to `as_of`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from ..records import JobEntry

MAX_MONTHS = 50 * 12


_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn"
    r"|winter|q[1-4])\b\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_H = r"[^\S\n]"  # horizontal whitespace


def _point(p: str) -> str:
    """One date point ("Jan 2020", "15 Jan 2020", "Q3 2020", "01/2020", "15/01/2020", "2020.01",
    "2020", "'20"); groups: {p}w month/season/quarter word, {p}n month number before the year,
    {p}y four-digit year, {p}m month number after the year, {p}q two-digit year after '."""
    return (
        rf"(?:(?:{_DAY}(?:st|nd|rd|th)?{_H}+)?(?P<{p}w>{MONTH}){_H}*"
        rf"(?:{_DAY}(?:st|nd|rd|th)?{_H}*,?{_H}*)?[,\-]?{_H}*"
        rf"|(?:{_DAY}[/.\-])?(?P<{p}n>0?[1-9]|1[0-2])(?:{_H}?/{_H}?|[.\-]))?"
        rf"(?:(?P<{p}y>(?:19|20)\d\d)(?:[./\-](?P<{p}m>0?[1-9]|1[0-2])(?!\d))?"
        rf"|['’‘`](?P<{p}q>\d\d))"
    )


_SEP = rf"{_H}*(?:[-–—~→]+|\b(?:to|until|till|through|thru)\b){_H}*"
_NOW = rf"(?:(?:to|till|until){_H}+)?(?:present|current(?:ly)?|now|today|ongoing|date)\b"
_DATE = re.compile(
    rf"(?<![\w'’])(?:"
    rf"(?P<since>since){_H}+{_point('c')}(?!{_SEP})"
    rf"|{_point('a')}{_SEP}(?:{_point('b')}|(?P<now>{_NOW}))"
    rf"|(?P<sy>(?:19|20)\d\d){_H}?[-–/]{_H}?(?P<sq>\d\d)(?![\d%/]|\.\d)"
    rf"|{_point('o')}{_H}*[-–—]+{_H}*(?=$|\))"
    rf"|{_point('p')}"
    rf")(?![\w'’])",
    re.I | re.M,
)


@dataclass(frozen=True, slots=True)
class DateRange:
    """A span of months found in text; `begin`/`stop` are character offsets of the match.

    kind: "range" (two points, or a point and Present), "since", "open" ("2018 – "),
    "short" ("2019-21") or "single" (one point).
    """

    start: int
    end: int
    current: bool
    begin: int
    stop: int
    kind: str

    @property
    def months(self) -> int:
        return self.end - self.start + 1


def find_date_ranges(text: str, as_of: date, *, singles: bool = False) -> list[DateRange]:
    """Every date range in `text` (single points too when `singles`), in order."""
    now = as_of.year * 12 + as_of.month - 1
    out = []
    for m in _date_matches(text):
        r = _from_match(m, now, as_of.year)
        if r is not None and (singles or r.kind != "single"):
            out.append(r)
    return out


# Every date point holds a four-digit year or a quoted two-digit one ("'20"), and _DATE
# matches no line break (its spaces are _H): lines without one of these cannot hold a match.
_YEARISH = re.compile(r"(?:19|20)\d\d|['’‘`]\d\d")


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """_DATE.finditer(text), run only over the lines that hold a year: the same matches, at a
    fraction of the cost (the pattern tries many alternatives at every position). A line is
    searched between its own ends (pos, endpos): lookbehinds still see the text before it,
    and at endpos the lookaheads and $ see what they see before a line break."""
    pos = 0
    while (hit := _YEARISH.search(text, pos)) is not None:
        start = text.rfind("\n", 0, hit.start()) + 1
        stop = text.find("\n", hit.end())
        stop = len(text) if stop < 0 else stop
        yield from _DATE.finditer(text, start, stop)
        pos = stop + 1


def month_ranges(text: str, as_of: date) -> list[tuple[int, int]]:
    """(start, end) month indexes of every date range in `text`."""
    return [(r.start, r.end) for r in find_date_ranges(text, as_of)]


def total_months(items: Iterable[JobEntry | DateRange | tuple[int, int]]) -> int:
    """Months covered by the union of the items (overlapping jobs count once)."""
    spans = []
    for item in items:
        if isinstance(item, JobEntry):
            spans.append(item.span)
        elif isinstance(item, DateRange):
            spans.append((item.start, item.end))
        else:
            spans.append((item[0], item[1]))
    total = 0
    cur_start = cur_end = None
    for start, end in sorted(spans):
        if cur_end is not None and start <= cur_end + 1:
            cur_end = max(cur_end, end)
            continue
        if cur_start is not None and cur_end is not None:
            total += cur_end - cur_start + 1
        cur_start, cur_end = start, end
    if cur_start is not None and cur_end is not None:
        total += cur_end - cur_start + 1
    return total


def _year(m: re.Match[str], p: str, this_year: int) -> int | None:
    if m.group(f"{p}y"):
        return int(m.group(f"{p}y"))
    yy = int(m.group(f"{p}q"))
    return 2000 + yy if 2000 + yy <= this_year + 1 else 1900 + yy


def _month(m: re.Match[str], p: str, first: bool) -> tuple[int | None, bool]:
    """(month 1-12 or None when invalid, whether the month was given)."""
    word, before, after = m.group(f"{p}w"), m.group(f"{p}n"), m.group(f"{p}m")
    if sum(x is not None for x in (word, before, after)) > 1:
        return None, True
    if word:
        key = word.lower().rstrip(".")
        if key in _SEASONS:
            return _SEASONS[key], True
        if key[0] == "q":  # Q1 = Jan–Mar … Q4 = Oct–Dec
            return 3 * int(key[1]) - (2 if first else 0), True
        return _MONTH_NUMBERS[key[:3]], True
    if before or after:
        return int(before or after), True
    return (1 if first else 12), False


def _from_match(m: re.Match[str], now: int, this_year: int) -> DateRange | None:
    begin, stop = m.span()
    current = False
    start: int | None
    if m.group("sy"):
        y = int(m.group("sy"))
        end_year = y // 100 * 100 + int(m.group("sq"))
        if end_year < y:
            end_year += 100
        start, end, kind = y * 12, end_year * 12 + 11, "short"
        if end_year > this_year + 1 and 1 <= int(m.group("sq")) <= 12:
            start = end = y * 12 + int(m.group("sq")) - 1  # "2019-12": December 2019
            kind = "single"
    elif m.group("cy") or m.group("cq"):
        start = _start_index(m, "c", this_year)
        end, current, kind = now, True, "since"
    elif m.group("ay") or m.group("aq"):
        start = _start_index(m, "a", this_year)
        if m.group("now"):
            end, current = now, True
        else:
            year = _year(m, "b", this_year)
            month, _ = _month(m, "b", first=False)
            if year is None or month is None:
                return None
            end = year * 12 + month - 1
            winter = (m.group("bw") or "").lower().startswith("winter")
            if winter and start is not None and end < start:
                end = year * 12 + 11  # "Fall 2019 – Winter 2019": up to December
        kind = "range"
    elif m.group("oy") or m.group("oq"):
        start = _start_index(m, "o", this_year)
        end, current, kind = now, True, "open"
    else:
        year = _year(m, "p", this_year)
        month, given = _month(m, "p", first=True)
        if year is None or month is None:
            return None
        start = year * 12 + month - 1
        word = (m.group("pw") or "").lower().rstrip(".")
        span = 3 if word in _SEASONS or word[:1] == "q" else 1 if given else 12
        end, kind = start + span - 1, "single"
    if start is None or start > now or end < start or end - start >= MAX_MONTHS:
        return None
    return DateRange(start, min(end, now), current, begin, stop, kind)


def _start_index(m: re.Match[str], p: str, this_year: int) -> int | None:
    year = _year(m, p, this_year)
    month, _ = _month(m, p, first=True)
    if year is None or month is None:
        return None
    return year * 12 + month - 1


def month_index(text: str) -> int:
    """ "YYYY-MM" as a month index (year * 12 + month - 1)."""
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def month_text(index: int) -> str:
    """A month index as "YYYY-MM"."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
