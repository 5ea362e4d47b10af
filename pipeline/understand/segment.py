"""Split a Document's text into sections and evidence units, and blank out contact details."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..records import Document, Line
from ..text.patterns import (
    BULLET,
    EMAIL,
    PHONE,
    URL,
    URL_MARKS,
    YEAR_RANGE,
    blank,
    may_hold_url,
)

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "profile",
        "about me",
        "objective",
        "career objective",
        "executive summary",
        "career summary",
        "overview",
        "professional profile",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "experience and projects",
        "company details",
        "employment details",
    ),
    "education": (
        "education",
        "academic background",
        "education and training",
        "qualifications",
        "academic qualifications",
        "education & training",
        "education details",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core skills",
        "key skills",
        "skills summary",
        "core competencies",
        "competencies",
        "technologies",
        "tools",
        "tech stack",
        "skills & tools",
        "skills and tools",
        "highlights",
        "expertise",
        "areas of expertise",
        "languages and tools",
        "technical proficiencies",
        "skill details",
        "skills details",
        "computer skills",
        "it skills",
        "software skills",
        "programming skills",
        "stack",
    ),
    "projects": (
        "projects",
        "selected projects",
        "personal projects",
        "key projects",
        "academic projects",
        "side projects",
        "project details",
    ),
    "certifications": (
        "certifications",
        "certificates",
        "licenses",
        "licenses and certifications",
        "certifications and training",
        "courses",
        "training",
    ),
    "publications": ("publications", "papers", "talks", "publications and talks"),
    "other": (
        "interests",
        "hobbies",
        "languages",
        "awards",
        "honors",
        "volunteering",
        "volunteer experience",
        "references",
        "additional information",
        "activities",
        "accomplishments",
        "achievements",
        "affiliations",
        "contact",
    ),
}
_HEADING_TO_SECTION = {h: s for s, heads in SECTION_HEADINGS.items() for h in heads}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True, slots=True)
class Layout:
    """Offsets of lines, their sections, and evidence units over one text."""

    text: str
    line_starts: tuple[int, ...]
    line_sections: tuple[str, ...]
    unit_starts: tuple[int, ...]
    unit_ends: tuple[int, ...]

    def section_at(self, pos: int) -> str:
        return self.line_sections[bisect_right(self.line_starts, pos) - 1]

    def unit_start_at(self, pos: int) -> int:
        """Where the sentence or bullet holding `pos` starts."""
        i = bisect_right(self.unit_starts, pos) - 1
        return self.unit_starts[i] if i >= 0 else 0

    def evidence_at(
        self, start: int, end: int, limit: int = 240, seen: dict[int, str] | None = None
    ) -> str:
        """The sentence or bullet around a mention, whitespace collapsed, at most ~limit chars.
        `seen`: a dict the caller keeps for one text, where each unit's collapsed text is kept
        for its other mentions."""
        i = bisect_right(self.unit_starts, start) - 1
        a, b = self.unit_starts[i], self.unit_ends[i]
        snippet = seen.get(a) if seen is not None else None
        if snippet is None:
            snippet = _collapse(self.text[a:b])
            if seen is not None:
                seen[a] = snippet
        if len(snippet) <= limit:
            return snippet
        # Keep a window around the mention.
        rel = len(" ".join(self.text[a:start].split()))
        lo = max(0, rel - limit // 2)
        return ("…" if lo else "") + snippet[lo : lo + limit].strip() + "…"

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for s in self.line_sections if s != "header"))


@lru_cache(maxsize=512)
def _collapse(text: str) -> str:
    return " ".join(text.split())


_NOT_KEY = re.compile(r"[^a-z& ]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def heading_section(line: str) -> str | None:
    """The section a heading line opens, or None when the line is not a heading."""
    words = line.split()
    if not words or len(words) > 5:
        return None
    key = _NOT_KEY.sub("", line.lower().replace("’", "'")).strip()
    key = _SPACES.sub(" ", key)
    return _HEADING_TO_SECTION.get(key)


# Words that name a section when they appear in a line styled as a heading (bold, larger than
# the body text, or in capitals) that the exact heading lexicon does not know, such as
# "Professional Experience & Leadership" or "EDUCATION AND CERTIFICATES".
_HEADING_KEYWORDS: dict[str, str] = {
    "experience": "experience",
    "employment": "experience",
    "career": "experience",
    "education": "education",
    "academic": "education",
    "skills": "skills",
    "competencies": "skills",
    "technologies": "skills",
    "projects": "projects",
    "certifications": "certifications",
    "certificates": "certifications",
    "publications": "publications",
    "summary": "summary",
    "profile": "summary",
    "objective": "summary",
    "interests": "other",
    "awards": "other",
    "languages": "other",
    "volunteering": "other",
}
_KEYWORD = re.compile(r"[a-z]+")
_SMALL_WORDS = frozenset({"&", "and", "of", "the", "/", "|", "-", "–"})


def styled_heading(line: Line, body_size: float) -> str | None:
    """The section a line opens judging by its style and keywords, or None."""
    text = line.text.strip()
    if not text or text[-1] in ".,;":
        return None
    content = 0  # words other than "and", "of", "&" ...: 1 to 4 (most lines stop early here)
    for word in text.split():
        if word.lower() not in _SMALL_WORDS:
            content += 1
            if content > 4:
                return None
    if not content or any(map(str.isdigit, text)):
        return None
    larger = body_size > 0 and line.size >= body_size + 1.5
    capitals = sum(c.isupper() for c in text) >= 0.8 * sum(c.isalpha() for c in text) > 3
    if not (line.heading or line.bold or larger or capitals):
        return None
    for word in _KEYWORD.findall(text.lower()):
        section = _HEADING_KEYWORDS.get(word)
        if section is not None:
            return section
    return None


_INLINE_LABEL = re.compile(r"\s*([A-Za-z][A-Za-z &/]{2,40}?)\s*(?::|•|\s[-–]\s)\s*\S")


def inline_section(line: str) -> str | None:
    """A line that starts with a skills heading as its label ("Technical Skills: Python, SQL",
    "KEY SKILLS • Excel") belongs to the skills section, whatever section it sits in; the
    lines after it stay where they were."""
    if ":" not in line and "•" not in line and "-" not in line and "–" not in line:
        return None  # no separator: a quick answer for most lines
    m = _INLINE_LABEL.match(line)
    if m is None:
        return None
    return "skills" if heading_section(m.group(1)) == "skills" else None


def body_font_size(lines: tuple[Line, ...] | list[Line]) -> float:
    """The font size carrying most characters (0 when the format has no sizes)."""
    weight: dict[float, int] = {}
    for line in lines:
        if line.size > 0:
            key = round(line.size * 2) / 2
            weight[key] = weight.get(key, 0) + len(line.text)
    return max(weight, key=lambda k: (weight[k], -k)) if weight else 0.0


def analyse(document: Document) -> Layout:
    lines = [line.text for line in document.lines]
    body_size = body_font_size(document.lines)
    starts: list[int] = []
    pos = 0
    for line_text in lines:
        starts.append(pos)
        pos += len(line_text) + 1
    text = "\n".join(lines)
    sections: list[str] = []
    current = "header"  # before the first heading: name, contact line, headline
    for line in document.lines:
        found = heading_section(line.text)
        if found is None:
            found = styled_heading(line, body_size)
        if found is not None:
            current = found
        sections.append(current if found is not None else inline_section(line.text) or current)
    unit_starts, unit_ends = _units(lines, starts)
    return Layout(text, tuple(starts), tuple(sections), tuple(unit_starts), tuple(unit_ends))


def _units(lines: list[str], starts: list[int]) -> tuple[list[int], list[int]]:
    """Bullets and sentences: a wrapped line continues its unit, a bullet starts a new one."""
    blocks: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        a, b = starts[i], starts[i] + len(line)
        if blocks and i > 0 and line[:1].islower():  # only such a line continues a unit
            prev = lines[i - 1].rstrip()
            continues = (
                prev[-1:] not in ".!?:;"
                and not BULLET.match(line)
                and heading_section(line) is None
                and heading_section(prev) is None
            )
            if continues:
                blocks[-1] = (blocks[-1][0], b)
                continue
        blocks.append((a, b))
    # Sentence ends found in the whole text once: a block's are those inside it. (One that
    # runs from a block into the next is not found in either block alone: its blanks reach
    # the block's end, where nothing follows them.)
    text = "\n".join(lines)
    cuts = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
    unit_starts: list[int] = []
    unit_ends: list[int] = []
    k = 0
    for a, b in blocks:
        cursor = a
        while k < len(cuts) and cuts[k][0] < a:
            k += 1
        while k < len(cuts) and cuts[k][1] <= b:
            unit_starts.append(cursor)
            unit_ends.append(cuts[k][0])
            cursor = cuts[k][1]
            k += 1
        unit_starts.append(cursor)
        unit_ends.append(b)
    return unit_starts, unit_ends


def _blank_phone(m: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in m.group())
    if digits < 9 or YEAR_RANGE.fullmatch(m.group().strip()):
        return m.group()  # "2017 - 2019", "01/2010 - 05/2012" are dates, not phones
    return blank(m)


def mask_contacts(text: str) -> str:
    """Replace e-mails, links and phone numbers with spaces (same length), so they never match."""
    text = _blank_links(text)
    # PHONE.sub(_blank_phone, text), searched only inside the runs of characters a phone
    # number is made of (digits, blanks, "().+-"), from a digit or "+" (where a number
    # starts) and at least as long as the shortest number: a match lies inside one such run,
    # and is found there as in the whole text (the search's look-behind sees the text before
    # the run; its end takes in the character after it, for the look-ahead).
    pieces: list[str] = []
    done = 0
    for run in _PHONE_RUN.finditer(text):
        for m in PHONE.finditer(text, run.start(), run.end() + 1):
            pieces += (text[done : m.start()], _blank_phone(m))
            done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


# Where PHONE can match: it matches only these characters, at least nine of them, and starts
# with a digit or "+".
_PHONE_RUN = re.compile(r"[+\d][\d\s().+-]{8,}")
# A whitespace-delimited word holding "@" or a link mark (tried only where a word starts).
_LINK_WORD = re.compile(rf"(?<!\S)(?=\S*?(?:@|{'|'.join(map(re.escape, URL_MARKS))}))\S+", re.I)


def _blank_links(text: str) -> str:
    """`URL.sub(blank, EMAIL.sub(blank, text))`, searched only inside the words that can hold
    a match. Neither pattern matches whitespace or looks past it, so each match lies inside
    one whitespace-delimited word and is found there as in the whole text; scanning the
    whole text costs a millisecond a resume (the e-mail pattern tries every word
    character as the start of an address)."""
    if "@" not in text and not may_hold_url(text):
        return text
    pieces = []
    last = 0
    for m in _LINK_WORD.finditer(text):
        word = m.group()
        changed = EMAIL.sub(blank, word) if "@" in word else word
        if may_hold_url(word):
            changed = URL.sub(blank, changed)
        if changed != word:
            pieces.append(text[last : m.start()])
            pieces.append(changed)
            last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)
