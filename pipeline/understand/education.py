"""Education entries from a resume's lines: degree as written, level, field, institution and
end year."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import EducationEntry
from ..text.patterns import YEAR, is_bullet, word_set
from .contacts import is_region, place_span
from .dates import MONTH
from .jobs import PART_SPLIT, norm_token
from .segment import heading_section

_KINDS = (
    r"(?:science|arts|engineering|business\s+administration|philosophy|fine\s+arts|laws"
    r"|education|technology|commerce|public\s+health|research|computer\s+applications"
    r"|applied\s+science|medicine|music|architecture|social\s+work|public\s+administration"
    r"|nursing|pharmacy|dental\s+surgery|letters|divinity)"
)
_B = r"(?<![\w.])"  # start of an abbreviation
_E = r"(?![\w])"  # end of an abbreviation
_DEGREE_FORMS = rf"""
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
    """
# Every form starts a word (\b or _B before a word character): the look-behind in front turns
# the positions inside words away at once, instead of trying each form there (resume lines
# are searched 1.8-2.8x faster; the matches are the same, tested).
_DEGREE = re.compile(rf"(?<!\w)(?:{_DEGREE_FORMS})", re.X)
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
INSTITUTION_WORDS = word_set(
    """
    university universität universitat université universidad universidade università
    universiteit uniwersytet college institute institut instituto istituto school academy
    polytechnic politecnico polytechnique hochschule conservatory conservatoire seminary
    """
)
_LEADING_PREP = re.compile(r"^(?:from|at|in)\s+", re.I)
_ONGOING = re.compile(r"(?i)\b(?:present|current(?:ly)?|ongoing|now)\b")
_FIELD_TRIM = re.compile(
    r"(?i)\s+(?:\(?hons?\)?|honou?rs|with\s+.*|first\s+class.*|summa.*|magna.*|cum\s+laude.*)$"
)
_NOT_FIELDS = word_set("degree hons honours honors graduated expected candidate")


def _degree_at(line: str, strict: bool) -> tuple[str, str, int, int] | None:
    """(degree text, level, start, end) of the first degree in the line, or None.

    `strict` (no education section) accepts only unambiguous forms at the start of a part:
    no bare MS/MA/BS/BA/BE, diplomas or certificates, and no lowercase word after them
    ("PhD students").
    """
    if strict and not any(_DEGREE.match(line, at) for at in _part_starts(line)):
        # No degree begins where strict mode would take one; blanking a place (below) only
        # takes such beginnings away (a place starts after a comma and ends at one).
        return None
    return _first_degree(line, strict)


def _first_degree(line: str, strict: bool) -> tuple[str, str, int, int] | None:
    """`_degree_at` without its quick refusal: the line's places blanked, then each match of
    the pattern judged in turn."""
    masked = line
    place = place_span(line)
    if place:  # "Boston, MA" is a place, not a degree
        _, start, end = place
        masked = line[:start] + " " * (end - start) + line[end:]
    for m in _DEGREE.finditer(masked):
        group = m.lastgroup
        assert group is not None  # every alternative of _DEGREE is a named group
        text = m.group().strip()
        after = masked[m.end() :]
        if group == "long":
            word = re.match(r"(?i)(bachelor|master|doctor|associate)", text)
            assert word is not None  # the "long" group starts with one of these words
            base = word.group(1).lower()
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


_PART_BREAK = re.compile(r"[,|;:(–—-]\s*")


def _part_starts(line: str) -> list[int]:
    """Where a degree is at the start of a part, as strict mode asks: the line's first
    non-blank character and the first one after each of ,|;:(–—- (what is between is blank,
    so a form, which starts with a letter, can only begin there)."""
    return [len(line) - len(line.lstrip())] + [m.end() for m in _PART_BREAK.finditer(line)]


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
    if any(norm_token(w) in INSTITUTION_WORDS for w in words) or is_region(field):
        return None, end, None
    if _MONTH_RE.fullmatch(words[0]) or len(words) > 8:
        return None, end, None
    return field, m.start("field") + len(field), m.group("prep")


_MONTH_RE = re.compile(MONTH, re.I)


def _institution_in(text: str) -> str | None:
    for part in PART_SPLIT.split(text):
        part = _LEADING_PREP.sub("", part.strip(" :-"))
        if part and any(norm_token(w) in INSTITUTION_WORDS for w in part.split()):
            # "Example University 2014", "Example College (2010 - 2014)": the years are the
            # entry's dates, not part of the name.
            return _TRAILING_YEARS.sub("", part).strip() or None
    return None


_TRAILING_YEARS = re.compile(r"[\s,(]+(?:\(?\s*(?:19|20)\d\d\b[^A-Za-z]*)+$")


def _end_year(text: str) -> tuple[int | None, bool]:
    """(latest year, found something): ongoing ranges give (None, True)."""
    years = [int(y) for y in YEAR.findall(text)]
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
        if heading_section(lines[i]) is not None or (strict and is_bullet(lines[i])):
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
                if free(j) and not is_bullet(lines[j]):
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
            if is_bullet(lines[j]) or (j == i + 2 and not free(i + 1) and i + 1 != inst_line):
                continue
            year, seen = _end_year(lines[j])
        out.append(EducationEntry(text, level, field, institution, year, i))
    return out
