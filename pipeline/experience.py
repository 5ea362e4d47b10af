"""Years of experience from date ranges in the experience part of a resume."""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


def _point(p: str) -> str:
    """A month-year point: "Jan 2020", "01/2020" or "2020"; groups named with prefix p."""
    return rf"(?:(?P<{p}m>{_MONTH})\s*|(?P<{p}n>\d{{1,2}})\s*/\s*)?(?P<{p}y>(?:19|20)\d\d)"


_RANGE = re.compile(
    _point("a")
    + r"\s*(?:-|–|—|to|until|till)\s*(?:"
    + _point("b")
    + r"|(?P<now>present|current|now|today|ongoing))",
    re.I,
)


def date_ranges(text: str, this_year: int, this_month: int = 12) -> list[tuple[int, int]]:
    """(start, end) as month numbers (year*12 + month-1) for each range found."""
    out = []
    for m in _RANGE.finditer(text):
        start = _month_index(m.group("am"), m.group("an"), m.group("ay"), first=True)
        if m.group("now"):
            end = this_year * 12 + this_month - 1
        else:
            end = _month_index(m.group("bm"), m.group("bn"), m.group("by"), first=False)
        if start is None or end is None or end < start or end - start > 50 * 12:
            continue
        out.append((start, end))
    return out


def total_years(ranges: list[tuple[int, int]]) -> float:
    """Length of the union of month ranges, in years (overlapping jobs count once)."""
    if not ranges:
        return 0.0
    months = 0
    cur_start, cur_end = sorted(ranges)[0]
    for start, end in sorted(ranges)[1:]:
        if start <= cur_end + 1:
            cur_end = max(cur_end, end)
        else:
            months += cur_end - cur_start + 1
            cur_start, cur_end = start, end
    months += cur_end - cur_start + 1
    return round(months / 12, 1)


def _month_index(month: str | None, number: str | None, year: str, first: bool) -> int | None:
    y = int(year)
    if month:
        m = _MONTHS.get(month.lower()[:3])
    elif number:
        m = int(number)
        if not 1 <= m <= 12:
            return None
    else:
        m = 1 if first else 12
    if m is None:
        return None
    return y * 12 + m - 1
