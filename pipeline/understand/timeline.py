"""Work and education timeline from a resume's lines: date ranges, job entries, degrees.

Pure functions over the lines of one resume and the section of each line (see
`segment.analyse`). Months are indexes ``year * 12 + month - 1``; a range
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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .contacts import is_city_like, is_region, place_span
from .segment import _BULLET, heading_section

__all__ = [
    "DateRange",
    "EducationEntry",
    "JobEntry",
    "education_entries",
    "find_date_ranges",
    "job_entries",
    "job_line_range",
    "month_ranges",
    "total_months",
]

MAX_MONTHS = 50 * 12


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- date ranges ---------------------------------------------------------------------------

_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
_MONTH = (
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
        rf"(?:(?:{_DAY}(?:st|nd|rd|th)?{_H}+)?(?P<{p}w>{_MONTH}){_H}*"
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
    for m in _DATE.finditer(text):
        r = _from_match(m, now, as_of.year)
        if r is not None and (singles or r.kind != "single"):
            out.append(r)
    return out


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
        if cur_end is not None:
            total += cur_end - cur_start + 1
        cur_start, cur_end = start, end
    if cur_end is not None:
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


def _index(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def _text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- job lines ---------------------------------------------------------------------------

# Words that make a part of a heading line a job title (first or last word, after seniority).
TITLE_WORDS = _words(
    """
    engineer developer programmer scientist analyst manager director intern lead leader
    consultant teacher nurse architect designer researcher administrator specialist
    coordinator officer assistant associate executive head president vp founder co-founder
    cofounder owner partner technician tester accountant auditor advisor adviser strategist
    planner editor writer journalist lecturer professor tutor instructor trainer fellow
    postdoc postdoctoral representative agent clerk cashier barista chef cook waiter waitress
    driver operator mechanic electrician pharmacist physician therapist surgeon dentist
    paramedic counselor counsellor librarian economist statistician mathematician physicist
    chemist biologist apprentice trainee volunteer recruiter supervisor cto ceo cfo coo cio
    secretary receptionist paralegal lawyer attorney solicitor inspector surveyor producer
    photographer artist copywriter marketer member contractor freelancer student candidate
    teller sre dba owner principal staff support
    """
)
# "Biostatistician", "Epidemiologist", "Photographer", "Pharmacist" (last word only)
_TITLE_SUFFIX = re.compile(r"(?:ician|ologist|ographer|\w{3}ist)$")
_SENIORITY = _words(
    "senior sr sr. junior jr jr. chief deputy acting interim graduate lead principal staff "
    "associate assistant executive vice"
)
# Words that make a part an organisation (any word, unless a title word ends the part).
ORG_WORDS = _words(
    """
    inc incorporated ltd limited llc llp plc gmbh ag sa sas sarl srl spa bv nv pty pvt co corp
    corporation company group labs lab laboratory laboratories analytics technologies
    technology tech solutions systems software consulting consultancy partners associates
    holdings ventures bank university universität université universidad universidade
    università college school institute institut instituto hospital clinic foundation agency
    ministry department council studio studios media health healthcare capital industries
    enterprises international kg ab oy asa ltda services networks motors pharma
    pharmaceuticals therapeutics biotech robotics games digital logistics insurance financial
    society association authority government nhs centre center academy polytechnic trust
    freelance self-employed
    """
)
_SKIP_PARTS = _words(
    "remote hybrid on-site onsite full-time part-time fulltime parttime contract permanent "
    "temporary present current internship freelance-contract wfh"
) | {"full time", "part time", "on site", "work from home", "fixed term", "fixed-term contract"}
_PREPOSITIONS = _words(
    "from in since during between until till to of by on at for and or the a an over after "
    "before circa around about approximately approx"
)
_ABBREVIATIONS = _words("inc. ltd. co. corp. llc. s.a. b.v. plc. gmbh. jr. sr. st.")
_PART_SPLIT = re.compile(
    r"[^\S\n]*(?:[,|·•■▪◆♦●◦►▸∙⋅;()\[\]\t]|[—–]|[^\S\n]-[^\S\n]|[^\S\n]{2,}"
    r"|[^\S\n]+(?:at|@)[^\S\n]+)"
    r"[^\S\n]*"
)
_LEFT_DELIM = re.compile(r"(?:[,|·•■▪◆♦●◦►▸∙⋅(\[:;/—–\-]|\t|[^\S\n]{2})[^\S\n]*$")
_RIGHT_DELIM = re.compile(r"^[^\S\n]*(?:[,|·•■▪◆♦●◦►▸∙⋅)\]:;/—–\-]|\t|[^\S\n]{2})")
_TWO_DIGITS = re.compile(r"\d\d")
MAX_HEADING_WORDS = 14  # words besides the date on a job line
MAX_CONTEXT_WORDS = 10  # words on a title/organisation line next to the job line


def _norm_token(word: str) -> str:
    return word.lower().strip(".,;:()[]'’\"").replace(".", "")


def _is_title(part: str) -> bool:
    tokens = [_norm_token(w) for w in part.split()]
    tokens = [t for t in tokens if t and not t.isdigit() and t not in {"i", "ii", "iii", "iv"}]
    if not tokens:
        return False
    core = tokens
    while len(core) > 1 and core[0] in _SENIORITY:
        core = core[1:]
    if tokens[-1] in TITLE_WORDS or _TITLE_SUFFIX.search(tokens[-1]):  # "Research Lab Manager"
        return True
    if core[0] in TITLE_WORDS and len(core) > 1 and core[1] in {"of", "for"}:
        return True  # "Head of Analytics", "Director of Engineering"
    if tokens[-1] in ORG_WORDS:  # "Student Loans Company"
        return False
    if core[0] in TITLE_WORDS:  # "Engineer II (Contract)"
        return True
    return any(t in TITLE_WORDS for t in tokens) and not any(t in ORG_WORDS for t in tokens)


def _is_org(part: str) -> bool:
    tokens = [_norm_token(w) for w in part.split()]
    return any(t in ORG_WORDS for t in tokens if t)


@lru_cache(maxsize=4096)
def _kind(part: str) -> str:
    """ "title", "org", "place", "skip" or "other" (a part with no clue)."""
    low = part.lower()
    if low in _SKIP_PARTS or not any(ch.isalpha() for ch in part):
        return "skip"
    if is_region(part) and part not in {"CO", "IN", "OR", "ME", "OK", "HI", "DE", "ID"}:
        return "place"
    if _is_title(part):
        return "title"
    if _is_org(part):
        return "org"
    return "other"


def _title_case(part: str) -> bool:
    """Organisation-looking: at most six words, the significant ones capitalised."""
    words = part.split()
    if not 1 <= len(words) <= 6 or "@" in part or "://" in part or "%" in part:
        return False
    for w in words:
        if w.lower() in {"of", "and", "&", "the", "de", "for", "und", "y", "et", "du", "la"}:
            continue
        if not (w[:1].isupper() or w[:1].isdigit()):
            return False
    return words[0][:1].isupper()


def _caps_then_name(part: str) -> list[str]:
    """ "PRINCIPAL DATA ARCHITECT Wells Fargo" -> the title in capitals, then the name: designed
    resumes often set the title in capitals with no separator before the employer."""
    words = part.split()
    caps = 0
    while caps < len(words) and (
        (len(words[caps]) > 1 and words[caps].isupper())
        or not any(c.isalpha() for c in words[caps])  # "/" or "&" between title words
    ):
        caps += 1
    rest = words[caps:]
    if not (rest and rest[0][:1].isupper() and any(c.islower() for c in rest[0])):
        return [part]
    # Split after the last title word of the capitals: "LEAD CVS Health" keeps CVS with Health.
    while caps and _norm_token(words[caps - 1]) not in TITLE_WORDS:
        caps -= 1
    if caps == 0:
        return [part]
    return [" ".join(words[:caps]), " ".join(words[caps:])]


@lru_cache(maxsize=2048)
def _parts(text: str) -> tuple[tuple[str, str], ...]:
    """Split a heading line into (part, kind); "City, ST" pairs are marked as places."""
    raw = [p.strip(" :-") for p in _PART_SPLIT.split(text)]
    raw = [piece for p in raw if p for piece in _caps_then_name(p)]
    kinds = [_kind(p) for p in raw]
    for i in range(1, len(raw)):
        if is_region(raw[i]) and is_city_like(raw[i - 1]) and kinds[i - 1] == "other":
            kinds[i - 1] = kinds[i] = "place"
    return tuple(zip(raw, kinds, strict=True))


def _is_bullet(line: str) -> bool:
    return _BULLET.match(line) is not None or line.lstrip()[:1] in "•·▪■◦●○*►➢✓"


def _sentence_like(text: str) -> bool:
    stripped = text.strip()
    if not stripped.endswith("."):
        return False
    last = stripped.split()[-1].lower()
    return last not in _ABBREVIATIONS


def _prose_like(text: str) -> bool:
    """Mostly lowercase words (prepositions aside): a description, not a heading."""
    words = [w for w in text.split() if w[:1].isalpha() and w.lower() not in _PREPOSITIONS]
    lower = sum(w[0].islower() for w in words)
    return lower >= 3 and lower * 2 >= len(words)


def _delimited(line: str, r: DateRange, strict: bool) -> bool:
    """The date stands apart from the words around it (separator, tab, two spaces or an edge).

    A full range may also touch a capitalised word ("Engineer Jan 2020 – Present") unless the
    word before it is a preposition ("from 2019 to 2021"); single dates never may.
    """
    left, right = line[: r.begin], line[r.stop :]
    left_ok = not left.strip() or _LEFT_DELIM.search(left) is not None
    right_ok = not right.strip() or _RIGHT_DELIM.match(right) is not None
    if not strict:
        if not left_ok:
            word = left.split()[-1]
            # "…, Portland, OR 2016 - 2019": a state code, not the word "or"
            left_ok = word[:1].isupper() and (word.isupper() or word.lower() not in _PREPOSITIONS)
        if not right_ok:
            word = right.split()[0]
            right_ok = word[:1].isupper()
    return left_ok and right_ok


def job_line_range(line: str, as_of: date, *, singles: bool = True) -> DateRange | None:
    """The date range that makes `line` a job heading, or None.

    A job line is not a bullet, not a sentence, has at most MAX_HEADING_WORDS other words, and
    its other words are not mostly lowercase, and its date stands apart (see `_delimited`;
    "since", "2018 – " and single dates strictly).
    """
    if not _TWO_DIGITS.search(line) or _is_bullet(line) or heading_section(line) is not None:
        return None
    for r in find_date_ranges(line, as_of, singles=singles):
        residual = line[: r.begin] + " " + line[r.stop :]
        if len(residual.split()) > MAX_HEADING_WORDS or _sentence_like(residual):
            continue
        if _prose_like(residual):
            continue
        strict = r.kind in ("single", "since", "open")
        if _delimited(line, r, strict):
            return r
    return None


# --- job entries ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JobEntry:
    """One job: title and organisation (None when unsure), dates, and the lines it spans."""

    title: str | None
    organisation: str | None
    start: str  # "YYYY-MM"
    end: str | None  # None when current
    current: bool
    months: int
    first_line: int
    last_line: int

    @property
    def span(self) -> tuple[int, int]:
        """First and last month as indexes (year*12 + month-1); a current job ends at as_of."""
        start = _index(self.start)
        return start, start + self.months - 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _blocks(sections: Sequence[str], wanted) -> list[tuple[int, int]]:
    """Runs [first, last] of consecutive lines whose section is wanted."""
    out = []
    start = None
    for i, section in enumerate(sections):
        if wanted(section):
            if start is None:
                start = i
        elif start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(sections) - 1))
    return out


def _context_ok(line: str) -> bool:
    """Could be a title or organisation line next to a job line."""
    stripped = line.strip()
    if not stripped or _is_bullet(line) or heading_section(line) is not None:
        return False
    words = stripped.split()
    if len(words) > MAX_CONTEXT_WORDS or _sentence_like(stripped) or stripped[0].islower():
        return False
    parts = _parts(stripped)
    # A list like "Python, SQL, Airflow" is not a heading.
    return not (len(parts) >= 3 and all(k == "other" for _, k in parts))


def job_entries(lines: Sequence[str], sections: Sequence[str], as_of: date) -> list[JobEntry]:
    """Jobs in the experience section (or, when there is none, any section but header,
    education and skills; single dates then don't count).

    Each job is anchored on a job line (see `job_line_range`). Its other words are split into
    parts at commas, "|", dashes, tabs, brackets, two spaces and " at "/" @ ". Title and
    organisation come from those parts, else from up to two heading-like lines right above it
    (short, not bullets or sentences, not claimed by the previous job), else from the line
    below it. A part is a title when its last word is in TITLE_WORDS or ends like one
    ("-ician", "-ologist", "-ist"), when it reads "Head/Director/… of …", or when its first word
    (after seniority words) is in TITLE_WORDS and its last word is not in ORG_WORDS; it is an
    organisation when it has a word from ORG_WORDS. "City, ST"/"City, Country" pairs and work
    modes ("Remote", "Full-time") are ignored. Without an organisation word, the capitalised
    part with no clue nearest to the title is taken as the organisation; without a title, only
    a lone such part is. A role line right under another role of an organisation block
    ("Org\nSenior Analyst, 2021 – Present\n…\nAnalyst, 2019 – 2021", no blank line between)
    inherits its organisation. A job runs from its first heading line to the line before the
    next job (or the end of its section run), trailing blank lines left out.
    """
    if "experience" in sections:
        blocks = _blocks(sections, lambda s: s == "experience")
        singles = True
    else:
        blocks = _blocks(sections, lambda s: s not in ("header", "education", "skills"))
        singles = False
    out: list[JobEntry] = []
    for first, last in blocks:
        anchors = []
        for i in range(first, last + 1):
            r = job_line_range(lines[i], as_of, singles=singles)
            if r is not None:
                anchors.append((i, r))
        anchor_lines = {i for i, _ in anchors}
        used: set[int] = set()
        found = []
        shared: tuple[int, str] | None = None  # (job line, organisation) of an org block
        for i, r in anchors:
            title, org, top = _heading(lines, i, r, first, last, anchor_lines, used)
            if org is not None:
                # an organisation line above a job line may head several roles
                shared = (i, org[1]) if org[0] < i and (title is None or title[0] == i) else None
            elif title is not None and title[0] == i and shared is not None:
                # "Org\nSenior Analyst, 2021 – Present\n• …\nAnalyst, 2019 – 2021": one org
                # block with several roles, as long as no blank line separates them.
                if all(lines[j].strip() for j in range(shared[0], i)):
                    org = (i, shared[1])
                    shared = (i, shared[1])
                else:
                    shared = None
            else:
                shared = None
            found.append((i, r, title[1] if title else None, org[1] if org else None, top))
        for k, (i, r, title, org, top) in enumerate(found):
            stop = found[k + 1][4] - 1 if k + 1 < len(found) else last
            while stop > i and not lines[stop].strip():
                stop -= 1
            out.append(
                JobEntry(
                    title=title,
                    organisation=org,
                    start=_text(r.start),
                    end=None if r.current else _text(r.end),
                    current=r.current,
                    months=r.months,
                    first_line=top,
                    last_line=stop,
                )
            )
    return out


def _heading(
    lines: Sequence[str],
    i: int,
    r: DateRange,
    first: int,
    last: int,
    anchor_lines: set[int],
    used: set[int],
) -> tuple[tuple[int, str] | None, tuple[int, str] | None, int]:
    """((line, title), (line, organisation), first heading line) for the job line i."""
    line = lines[i]
    candidates: list[tuple[int, tuple[tuple[str, str], ...]]] = [
        (i, _parts(line[: r.begin] + " | " + line[r.stop :]))
    ]
    for j in (i - 1, i - 2):
        if j < first or j in anchor_lines or j in used or not _context_ok(lines[j]):
            break
        candidates.append((j, _parts(lines[j])))
    below = i + 1
    if below <= last and below not in anchor_lines and _context_ok(lines[below]):
        below_parts = _parts(lines[below])
    else:
        below_parts = ()

    def first_of(kind: str, pool) -> tuple[int, str] | None:
        for j, parts in pool:
            for part, k in parts:
                if k == kind:
                    return j, part
        return None

    title = first_of("title", candidates)
    org = first_of("org", candidates)
    if title is None or org is None:
        extra = first_of("title" if title is None else "org", [(below, below_parts)])
        if extra is not None and title is None:
            title = extra
        elif extra is not None:
            org = extra
    if org is None:
        org = _unlabelled_org(candidates, below, below_parts, title)
    top = i
    for found in (title, org):
        if found is not None:
            used.add(found[0])
            top = min(top, found[0])
    # lines between the top heading line and the job line belong to the heading too
    used.update(range(top, i + 1))
    return title, org, top


def _unlabelled_org(candidates, below: int, below_parts, title) -> tuple[int, str] | None:
    """A capitalised part with no clue as the organisation (see `job_entries`)."""
    pool = [
        (j, part)
        for j, parts in candidates
        for part, kind in parts
        if kind == "other" and _title_case(part)
    ]
    if title is None:
        return pool[0] if len(pool) == 1 else None
    same = [c for c in pool if c[0] == title[0]]
    if same:
        return same[0]
    if pool:
        return min(pool, key=lambda c: abs(c[0] - title[0]))
    rest = [p for p, k in below_parts if k != "place"]
    if len(rest) == 1 and _kind(rest[0]) == "other" and _title_case(rest[0]):
        return below, rest[0]
    return None


# --- education -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EducationEntry:
    """One degree as written, its level, field, institution and end year (None when unsure)."""

    degree: str | None
    level: str | None  # doctorate/master/bachelor/associate/diploma/certificate/secondary
    field: str | None
    institution: str | None
    end_year: int | None
    line: int = -1  # index of the line with the degree

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_KINDS = (
    r"(?:science|arts|engineering|business\s+administration|philosophy|fine\s+arts|laws"
    r"|education|technology|commerce|public\s+health|research|computer\s+applications"
    r"|applied\s+science|medicine|music|architecture|social\s+work|public\s+administration"
    r"|nursing|pharmacy|dental\s+surgery|letters|divinity)"
)
_B = r"(?<![\w.])"  # start of an abbreviation
_E = r"(?![\w])"  # end of an abbreviation
_DEGREE = re.compile(
    rf"""
    (?P<secondary>(?i:\bhigh\s+school(?:\s+diploma)?\b|\bsecondary\s+school\b
        |\bhigher\s+secondary\b|\ba[-\s]levels?\b|\babitur\b|\binternational\s+baccalaureate\b
        |\bmatura\b|\bGCSEs?\b)|{_B}GED{_E})
    |(?P<long>(?i:\b(?:bachelor|master|doctor|associate)(?:['’]?s)?\b
        (?:\s+degree\b)?(?:\s+of\s+{_KINDS}\b)?))
    |(?P<doctorate>(?i:\bdoctorate\b)|{_B}(?:Ph\.?\s?D|PHD|D\.?Phil|Ed\.?D|Dr\.\s?rer\.\s?nat)
        \b\.?)
    |(?P<master>{_B}(?:M\.?Sc|M\.S|M\.A|MBA|M\.B\.A|M\.?Eng|M\.?Phil|M\.?Res|MPH|LL\.?M|MFA
        |MPA|MSW|M\.?Tech|MCA|M\.?Ed|MSE|MASc|MMath|Dipl\.?-Ing)\b\.?)
    |(?P<bachelor>{_B}(?:B\.?Sc|B\.S|B\.A|B\.?Eng|B\.?Tech|BBA|B\.B\.A|B\.?Com|LL\.?B|BFA|BCA
        |B\.E|B\.?Ed|BSE|BASc|MBBS|M\.B\.B\.S)\b\.?)
    |(?P<associate>{_B}(?:A\.A\.S|A\.A|A\.S|AAS)\b\.?)
    |(?P<bare>{_B}(?:MS|MA|BS|BA|BE){_E})
    |(?P<diploma>(?i:\b(?:postgraduate\s+|graduate\s+|higher\s+national\s+)?diplom[ae]?\b)
        |{_B}HND{_E})
    |(?P<certificate>(?i:\b(?:graduate\s+|postgraduate\s+)?certificate\b))
    """,
    re.X,
)
_BARE_LEVEL = {"MS": "master", "MA": "master", "BS": "bachelor", "BA": "bachelor", "BE": "bachelor"}
_LONG_LEVEL = {
    "bachelor": "bachelor",
    "master": "master",
    "doctor": "doctorate",
    "associate": "associate",
}
_MS_PRODUCTS = re.compile(
    r"\s*(?:Office|Excel|Word|Power\s?Point|Access|Outlook|Project|Teams|SQL|Visio|Dynamics"
    r"|Azure|Windows|SharePoint|Exchange|Paint|DOS|Edge|Publisher|OneNote|Visual|365|Fabric)\b",
)
_AFTER_DEGREE = re.compile(
    r"\s*(?:\([^)]{1,30}\))?\s*(?:[,:–—-]\s*)?(?:(?P<prep>in|of)\s+)?"
    r"(?P<field>[^\W\d_][^\d,|;()\[\]\t–—:]*?)"
    r"(?=\s*(?:$|[,|;()\[\]\t–—:]|\s-\s|\s{2,}|\d|\s(?:at|from|with|GPA|CGPA)\b))"
)
INSTITUTION_WORDS = _words(
    """
    university universität universitat université universidad universidade università
    universiteit uniwersytet college institute institut instituto istituto school academy
    polytechnic politecnico polytechnique hochschule conservatory conservatoire seminary
    """
)
_LEADING_PREP = re.compile(r"^(?:from|at|in)\s+", re.I)
_YEAR = re.compile(r"(?<![\d])(?:19|20)\d\d(?!\d)")
_ONGOING = re.compile(r"(?i)\b(?:present|current(?:ly)?|ongoing|now)\b")
_FIELD_TRIM = re.compile(
    r"(?i)\s+(?:\(?hons?\)?|honou?rs|with\s+.*|first\s+class.*|summa.*|magna.*|cum\s+laude.*)$"
)
_NOT_FIELDS = _words("degree hons honours honors graduated expected candidate")


def _degree_at(line: str, strict: bool) -> tuple[str, str, int, int] | None:
    """(degree text, level, start, end) of the first degree in the line, or None.

    `strict` (no education section) accepts only unambiguous forms at the start of a part:
    no bare MS/MA/BS/BA/BE, diplomas or certificates, and no lowercase word after them
    ("PhD students").
    """
    masked = line
    place = place_span(line)
    if place:  # "Boston, MA" is a place, not a degree
        _, start, end = place
        masked = line[:start] + " " * (end - start) + line[end:]
    for m in _DEGREE.finditer(masked):
        group = m.lastgroup
        text = m.group().strip()
        after = masked[m.end() :]
        if group == "long":
            base = re.match(r"(?i)(bachelor|master|doctor|associate)", text).group(1).lower()
            possessive = re.search(r"(?i)['’]?s\b", text[len(base) :]) is not None
            of_kind = " of " in text.lower() or text.lower().endswith("degree")
            follows = re.match(r"\s+(?:of|in|degree)\b", after) is not None
            if not (possessive or of_kind or follows):
                continue
            if base == "doctor" and not (of_kind or follows):
                continue
            level = _LONG_LEVEL[base]
        elif group == "bare":
            if strict or _MS_PRODUCTS.match(after):
                continue  # "MS Excel"
            if re.match(r"\s+[a-z]", after) and not re.match(r"\s+in\s", after):
                continue  # "BA is", but "MS in Statistics"
            if re.match(r"\s+\d{5}(?!\d)", after):
                continue  # "Boston MA 02115"
            level = _BARE_LEVEL[text]
        elif group in ("diploma", "certificate") and strict:
            continue
        else:
            level = group
        if strict:
            before = masked[: m.start()].rstrip()
            at_start = not before or before[-1] in ",|;:(–—-"
            if not at_start or re.match(r"\s+(?!in\b|of\b)[a-z]", after):
                continue
        return text, level, m.start(), m.start() + len(m.group().rstrip())
    return None


def _field(line: str, end: int) -> tuple[str | None, int, str | None]:
    """The field of study right after a degree, where it ends, and "in"/"of" before it."""
    m = _AFTER_DEGREE.match(line, end)
    if not m:
        return None, end, None
    field = _FIELD_TRIM.sub("", m.group("field").strip()).strip(" -.")
    if not field or field.lower() in _NOT_FIELDS:
        return None, end, None
    words = field.split()
    if not m.group("prep") and not words[0][:1].isupper():
        return None, end, None
    if any(_norm_token(w) in INSTITUTION_WORDS for w in words) or is_region(field):
        return None, end, None
    if _MONTH_RE.fullmatch(words[0]) or len(words) > 8:
        return None, end, None
    return field, m.start("field") + len(field), m.group("prep")


_MONTH_RE = re.compile(_MONTH, re.I)


def _institution_in(text: str) -> str | None:
    for part in _PART_SPLIT.split(text):
        part = _LEADING_PREP.sub("", part.strip(" :-"))
        if part and any(_norm_token(w) in INSTITUTION_WORDS for w in part.split()):
            # "Example University 2014", "Example College (2010 - 2014)": the years are the
            # entry's dates, not part of the name.
            return _TRAILING_YEARS.sub("", part).strip() or None
    return None


_TRAILING_YEARS = re.compile(r"[\s,(]+(?:\(?\s*(?:19|20)\d\d\b[^A-Za-z]*)+$")


def _end_year(text: str) -> tuple[int | None, bool]:
    """(latest year, found something): ongoing ranges give (None, True)."""
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        return None, False
    if _ONGOING.search(text):
        return None, True
    return max(years), True


def education_entries(lines: Sequence[str], sections: Sequence[str]) -> list[EducationEntry]:
    """Degrees in the education section, or (when there is none) unambiguous degrees anywhere.

    The institution is a part naming a university/college/school/… on the degree line, else on
    the line before or after it (the side the first degree of the section uses); the end year
    is the latest year on the degree line, else on the institution line or the next lines.
    """
    if "education" in sections:
        scope = [i for i, s in enumerate(sections) if s == "education"]
        strict = False
    else:
        scope = list(range(len(lines)))
        strict = True
    found = []
    for i in scope:
        if heading_section(lines[i]) is not None or (strict and _is_bullet(lines[i])):
            continue
        hit = _degree_at(lines[i], strict)
        if hit is not None:
            found.append((i, hit))
    degree_lines = {i for i, _ in found}
    in_scope = set(scope)
    claimed: set[int] = set()

    def free(j: int) -> bool:
        return (
            j in in_scope and j not in degree_lines and j not in claimed and bool(lines[j].strip())
        )

    prefer_before = (
        bool(found)
        and _institution_in(lines[found[0][0]]) is None
        and (free(found[0][0] - 1) and _institution_in(lines[found[0][0] - 1]) is not None)
    )
    out = []
    for i, (text, level, start, end) in found:
        line = lines[i]
        field, field_end, prep = _field(line, end)
        if prep == "of" and text.lower().rstrip("s'’") in _LONG_LEVEL:
            text = line[start:field_end]  # "Master of Statistics" as written
        rest = line[:start] + " | " + line[field_end:]
        institution = _institution_in(rest)
        inst_line = i
        if institution is None:
            order = (i - 1, i + 1) if prefer_before else (i + 1, i - 1)
            for j in order:
                if free(j) and not _is_bullet(lines[j]):
                    institution = _institution_in(lines[j])
                    if institution is not None:
                        inst_line = j
                        claimed.add(j)
                        break
        year, seen = _end_year(rest)
        if not seen and inst_line != i:
            year, seen = _end_year(lines[inst_line])
        for j in (i + 1, i + 2, i - 1):
            if seen:
                break
            if j not in in_scope or j in degree_lines or not lines[j].strip():
                continue
            if _is_bullet(lines[j]) or (j == i + 2 and not free(i + 1) and i + 1 != inst_line):
                continue
            year, seen = _end_year(lines[j])
        out.append(EducationEntry(text, level, field, institution, year, i))
    return out
