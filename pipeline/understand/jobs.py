"""Job entries from a resume's lines: the date range of a job line, and the title and
organisation around it (pure functions over the lines and the section of each line, see
`segment.analyse`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from ..records import JobEntry
from ..text.patterns import is_bullet, word_set
from .contacts import is_city_like, is_region
from .dates import DateRange, find_date_ranges, month_text
from .segment import heading_section

# Words that make a part of a heading line a job title (first or last word, after seniority).
TITLE_WORDS = word_set(
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
_SENIORITY = word_set(
    "senior sr sr. junior jr jr. chief deputy acting interim graduate lead principal staff "
    "associate assistant executive vice"
)
# Words that make a part an organisation (any word, unless a title word ends the part).
ORG_WORDS = word_set(
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
_SKIP_PARTS = word_set(
    "remote hybrid on-site onsite full-time part-time fulltime parttime contract permanent "
    "temporary present current internship freelance-contract wfh"
) | {"full time", "part time", "on site", "work from home", "fixed term", "fixed-term contract"}
_PREPOSITIONS = word_set(
    "from in since during between until till to of by on at for and or the a an over after "
    "before circa around about approximately approx"
)
_ABBREVIATIONS = word_set("inc. ltd. co. corp. llc. s.a. b.v. plc. gmbh. jr. sr. st.")
PART_SPLIT = re.compile(
    r"[^\S\n]*(?:[,|·•■▪◆♦●◦►▸∙⋅;()\[\]\t]|[—–]|[^\S\n]-[^\S\n]|[^\S\n]{2,}"
    r"|[^\S\n]+(?:at|@)[^\S\n]+)"
    r"[^\S\n]*"
)
_LEFT_DELIM = re.compile(r"(?:[,|·•■▪◆♦●◦►▸∙⋅(\[:;/—–\-]|\t|[^\S\n]{2})[^\S\n]*$")
_RIGHT_DELIM = re.compile(r"^[^\S\n]*(?:[,|·•■▪◆♦●◦►▸∙⋅)\]:;/—–\-]|\t|[^\S\n]{2})")
_TWO_DIGITS = re.compile(r"\d\d")
MAX_HEADING_WORDS = 14  # words besides the date on a job line
MAX_CONTEXT_WORDS = 10  # words on a title/organisation line next to the job line


def norm_token(word: str) -> str:
    """A word as the keyword tables hold it: lower case, no surrounding punctuation or dots."""
    return word.lower().strip(".,;:()[]'’\"").replace(".", "")


def _is_title(part: str) -> bool:
    tokens = [norm_token(w) for w in part.split()]
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
    tokens = [norm_token(w) for w in part.split()]
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
    while caps and norm_token(words[caps - 1]) not in TITLE_WORDS:
        caps -= 1
    if caps == 0:
        return [part]
    return [" ".join(words[:caps]), " ".join(words[caps:])]


@lru_cache(maxsize=2048)
def _parts(text: str) -> tuple[tuple[str, str], ...]:
    """Split a heading line into (part, kind); "City, ST" pairs are marked as places."""
    raw = [p.strip(" :-") for p in PART_SPLIT.split(text)]
    raw = [piece for p in raw if p for piece in _caps_then_name(p)]
    kinds = [_kind(p) for p in raw]
    for i in range(1, len(raw)):
        if is_region(raw[i]) and is_city_like(raw[i - 1]) and kinds[i - 1] == "other":
            kinds[i - 1] = kinds[i] = "place"
    return tuple(zip(raw, kinds, strict=True))


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
    if not _TWO_DIGITS.search(line) or is_bullet(line) or heading_section(line) is not None:
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
    if not stripped or is_bullet(line) or heading_section(line) is not None:
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
        for k, (i, r, title_text, org_text, top) in enumerate(found):
            stop = found[k + 1][4] - 1 if k + 1 < len(found) else last
            while stop > i and not lines[stop].strip():
                stop -= 1
            out.append(
                JobEntry(
                    title=title_text,
                    organisation=org_text,
                    start=month_text(r.start),
                    end=None if r.current else month_text(r.end),
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
