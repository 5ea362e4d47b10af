"""Contact details from a resume's lines: e-mails, phones, profile links, websites, location.

Pure functions over the lines of one resume and the section of each line (as produced by
`segment.analyse`). E-mails, links and phones use the same regexes as `segment.mask_contacts`,
so anything reported here is also what gets blanked before skill matching; phones then pass
stricter checks here (digit count, date shapes, a recognisable phone layout).

Location is only looked for in the header (the first lines, before any heading), in lines
after a "Contact" heading, and in labelled lines ("Location: …", "Address: …", "Based in …").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import native
from ..records import Contacts
from ..text.patterns import (
    ALL_YEARS,
    DATE_LIKE,
    EMAIL,
    PHONE,
    URL,
    YEAR_RANGE,
    blank,
    may_hold_url,
    word_set,
)
from .segment import heading_section

__all__ = [
    "Contacts",
    "extract_contacts",
    "find_place",
    "identity_lines",
    "is_city_like",
    "is_region",
    "place_span",
]

HEADER_LINES = 10  # location is looked for in this many leading lines (plus contact lines)
NAME_SEARCH_LINES = 40  # a name matching the e-mail is looked for this far
IDENTITY_MAX_WORDS = 16  # longer header lines are prose, not contact lines
PLACE_LINE_MAX_WORDS = 8  # "12 Python Street, Leeds, UK"; longer lines only mention a place

# --- places -------------------------------------------------------------------------------


_US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
    "PR": "Puerto Rico",
}  # fmt: skip
_REGION_CODES = frozenset(_US_STATES) | {
    # Canadian provinces and Australian states
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    "NSW", "VIC", "QLD", "TAS", "ACT",
    # countries written as codes
    "UK", "U.K.", "USA", "U.S.A.", "US", "U.S.", "UAE", "U.A.E.",
}  # fmt: skip
_COUNTRIES = [
    *word_set(
        "Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan "
        "Bahamas Bahrain Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Botswana "
        "Brazil Brunei Bulgaria Burundi Cambodia Cameroon Canada Chad Chile China Colombia Comoros "
        "Congo Croatia Cuba Cyprus Czechia Denmark Djibouti Dominica Ecuador Egypt Eritrea Estonia "
        "Eswatini Ethiopia Fiji Finland France Gabon Gambia Georgia Germany Ghana Greece Grenada "
        "Guatemala Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland "
        "Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kiribati Kosovo Kuwait Kyrgyzstan Laos "
        "Latvia Lebanon Lesotho Liberia Libya Liechtenstein Lithuania Luxembourg Madagascar Malawi "
        "Malaysia Maldives Mali Malta Mauritania Mauritius Mexico Moldova Monaco Mongolia "
        "Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal Netherlands Nicaragua Niger "
        "Nigeria Norway Oman Pakistan Palau Palestine Panama Paraguay Peru Philippines Poland "
        "Portugal Qatar Romania Russia Rwanda Samoa Senegal Serbia Seychelles Singapore Slovakia "
        "Slovenia Somalia Spain Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania "
        "Thailand Togo Tonga Tunisia Turkey Türkiye Turkmenistan Tuvalu Uganda Ukraine Uruguay "
        "Uzbekistan Vanuatu Venezuela Vietnam Yemen Zambia Zimbabwe Deutschland España Italia "
        "Brasil México Österreich Schweiz Suisse England Scotland Wales"
    ),
    "Bosnia and Herzegovina", "Burkina Faso", "Cabo Verde", "Cape Verde",
    "Central African Republic",
    "Costa Rica", "Czech Republic", "Dominican Republic", "East Timor", "El Salvador",
    "Equatorial Guinea", "Hong Kong", "Ivory Coast", "New Zealand", "North Korea",
    "North Macedonia", "Northern Ireland", "Papua New Guinea", "Saudi Arabia", "Sierra Leone",
    "Solomon Islands", "South Africa", "South Korea", "South Sudan", "Sri Lanka",
    "The Netherlands", "Trinidad and Tobago", "United Arab Emirates", "United Kingdom",
    "United States", "United States of America", "Great Britain", "Korea", "Vatican City",
]  # fmt: skip
_REGION_NAMES = frozenset(n.lower() for n in (*_COUNTRIES, *_US_STATES.values())) | {
    "ontario", "quebec", "british columbia", "alberta", "new south wales", "victoria",
    "queensland", "bavaria", "bayern", "catalonia", "catalunya", "maharashtra", "karnataka",
    "tamil nadu", "kerala", "telangana", "gujarat", "punjab", "delhi", "scotland", "wales",
}  # fmt: skip
_CITY_CONNECTORS = word_set(
    "am an im der de del della di da do dos das du la le les los las upon on sur y e of the"
)
_POSTCODE = re.compile(  # "10115 Berlin", "Austin, TX 78701", "London SW1A 1AA"
    r"^\s*\d{3,6}(?:-\d{3,4})?\s+"
    r"|\s+(?:\d{3,6}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)\s*$"
)
_NOT_CITY_WORDS = word_set(
    "inc ltd llc gmbh corp corporation company group labs lab university college institute "
    "school street st road rd avenue ave lane suite floor apt engineer scientist analyst "
    "manager developer intern consultant remote hybrid"
)


def is_region(text: str) -> bool:
    """True for a state/province code ("TX", "ON"), a country ("Portugal") or a state name."""
    t = text.strip().rstrip(",")
    return t in _REGION_CODES or t.lower() in _REGION_NAMES


def is_city_like(text: str) -> bool:
    """One to four capitalised words (connectors like "de", "am" allowed), no digits."""
    words = text.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() or ch in "@/:|()" for ch in text):
        return False
    if words[0][:1].islower() or not words[0][:1].isalpha():
        return False
    for w in words:
        bare = w.strip(".'’-")
        if not bare:
            return False
        if bare.lower() in _NOT_CITY_WORDS:
            return False
        if bare[0].islower() and bare.lower() not in _CITY_CONNECTORS:
            return False
    return True


def _strip_postcode(part: str) -> str:
    return _POSTCODE.sub(" ", part).strip()


def find_place(text: str) -> str | None:
    """The first "City, ST" / "City, Country" / "City, Region, Country" in comma-separated text.

    Postal codes are dropped ("Austin, TX 78701" gives "Austin, TX"). The tail must be a known
    state/province code, country or state name, and the city one to four capitalised words.
    """
    found = place_span(text)
    return found[0] if found else None


def place_span(text: str) -> tuple[str, int, int] | None:
    """Like `find_place`, with the character offsets of the place (postal codes included)."""
    if "," not in text:
        return None
    raw = text.split(",")
    offsets = []
    pos = 0
    for piece in raw:
        offsets.append(pos)
        pos += len(piece) + 1
    parts = [_strip_postcode(p) for p in raw]
    for i in range(1, len(parts)):
        if not is_region(parts[i]) or not is_city_like(parts[i - 1]):
            continue
        first, last = i - 1, i
        if parts[first] not in _REGION_CODES and is_region(parts[first]):
            if i >= 2 and is_city_like(parts[i - 2]):
                first = i - 2  # "Pune, Maharashtra, India" found at "Maharashtra, India"
        elif i + 1 < len(parts) and is_region(parts[i + 1]):
            last = i + 1  # "Pune, Maharashtra, India", "Austin, TX, USA"
        start = offsets[first] + len(raw[first]) - len(raw[first].lstrip())
        end = offsets[last] + len(raw[last].rstrip())
        return ", ".join(parts[first : last + 1]), start, end
    return None


# --- contacts ------------------------------------------------------------------------------

_LABEL = re.compile(  # "Location: …", "Address – …" (nouns need a colon or dash), "Based in …"
    r"(?i)(?<![\w-])(?:(?:location|address|residence|city)\s*[:\-–]"
    r"|(?:based|located|residing|living|lives)\s+in\b)\s*(?P<value>[^|·•;\t]+)"
)
_SEGMENT_SPLIT = re.compile(r"\s*(?:[|·•;\t]|\s[-–—]\s|[–—]|\s{3,})\s*")
# What every separator above holds: one of these characters, or three blanks in a row.
_SEPARATOR_CHAR = re.compile(r"[|·•;\t–—-]")
_THREE_BLANKS = re.compile(r"\s{3}")


def _segments(text: str, maxsplit: int = 0) -> list[str]:
    """`_SEGMENT_SPLIT.split(text, maxsplit)`; a text without a separator's characters (most
    lines) is its own only segment, found by two quick scans instead of the pattern, which
    tries its alternatives at every position."""
    if _SEPARATOR_CHAR.search(text) is None and _THREE_BLANKS.search(text) is None:
        return [text]
    return _SEGMENT_SPLIT.split(text, maxsplit=maxsplit)


_LEADING_SYMBOLS = re.compile(r"^[^\w(]+")
_PHONE_LABEL = re.compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|mob|cell|ph|whatsapp|contact)\b|[☎📞📱✆]"
)
_NANP = re.compile(r"\d{3}[\s.-]\d{3}[\s.-]\d{4}")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_CONTACT_HEADINGS = frozenset(
    {
        "contact",
        "contacts",
        "contact information",
        "contact info",
        "contact details",
        "personal details",
        "personal information",
        "personal info",
    }
)
_NON_LETTERS = re.compile(r"[^a-z ]")
_NINE_DIGITS = re.compile(r"(?:\d\D{0,3}){9}")  # compiled: _objects.digits_close(text, 9, 3)
_LINK_TRAIL = ".,;:!?)]}>'\"’”"
_BARE_DOMAIN = re.compile(
    r"(?<![@\w./-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|io|dev|me|net|org|ai|co|app|site|xyz|page"
    r"|tech|info|blog|design|studio|online|website|co\.uk|de|pt|fr|es|nl|eu|uk|ca|ch|se)"
    r"(?:/[^\s|,;]*)?(?![\w@-])"
)


def extract_contacts(lines: Sequence[str], sections: Sequence[str]) -> Contacts:
    """E-mails, phones and links anywhere (deduplicated, in order); location from the header."""
    contactish = _contact_lines(lines, sections)
    emails: dict[str, str] = {}
    phones: dict[str, None] = {}
    links: dict[str, None] = {}
    made = native.objects()
    for i, line in enumerate(lines):
        if not line or line.isspace():
            continue
        rest = line
        if "@" in line:
            for m in EMAIL.finditer(line):
                emails.setdefault(m.group().lower(), m.group())
            rest = EMAIL.sub(blank, line)
        if "." in rest:
            found = (
                [_clean_link(m.group()) for m in URL.finditer(rest)] if may_hold_url(rest) else []
            )
            if found:
                links.update((link, None) for link in found if link and link not in links)
                rest = URL.sub(blank, rest)
            if i in contactish:
                for m in _BARE_DOMAIN.finditer(rest):
                    links.setdefault(_clean_link(m.group()), None)
        if made.digits_close(rest, 9, 3) if made is not None else _NINE_DIGITS.search(rest):
            for m in PHONE.finditer(rest):
                for phone in _phones_in(m, rest, labelled=i in contactish):
                    phones.setdefault(phone, None)
    linkedin, github, websites = _sort_links(list(links))
    at = _name_line(lines, sections, tuple(emails.values()))
    name = name_in_line(lines[at]) if at is not None else None
    return Contacts(
        emails=tuple(emails.values()),
        phones=tuple(phones),
        linkedin=linkedin,
        github=github,
        websites=tuple(websites),
        location=_location(lines, sorted(contactish)),
        name=name,
    )


_NAME_WORD = re.compile(r"[A-Z][A-Za-z'’.-]*\.?")
# Words that make a first line a headline ("Machine Learning Engineer"), not a name.
_HEADLINE_WORDS = word_set(
    "engineer scientist developer analyst manager consultant architect designer specialist "
    "administrator director lead intern assistant officer technician teacher nurse "
    "resume résumé cv curriculum vitae profile summary learning data machine software "
    "representative engineering supervisor coordinator associate accountant technology "
    "services service customer operations sales marketing management clerk agent"
)


def identity_lines(lines: Sequence[str], sections: Sequence[str]) -> set[int]:
    """Lines that say who the candidate is rather than what they can do: the name line (the
    first non-empty line when it is shaped like a name) and header or contact lines holding an
    e-mail, a phone, a link or a place. Skills are never read from them, so "Julia Ruby Go" or
    "Python Street, Java City" cannot earn credit, and the score cannot depend on them."""
    out: set[int] = set()
    emails = [m.group() for line in lines[:HEADER_LINES] for m in EMAIL.finditer(line)]
    at = _name_line(lines, sections, emails)
    if at is not None:
        out.add(at)
    for i in _contact_lines(lines, sections):
        line = lines[i]
        words = len(line.split())
        if words > IDENTITY_MAX_WORDS:
            continue  # a summary or a skills paragraph that happens to hold a link or a city
        phone = _NINE_DIGITS.search(line) and any(
            _phones_in(m, line, labelled=True) for m in PHONE.finditer(line)
        )
        contact = bool(EMAIL.search(line) or URL.search(line) or phone)
        place = words <= PLACE_LINE_MAX_WORDS and any(
            find_place(part) for part in _segments(line) if part.strip()
        )
        if contact or place:
            out.add(i)
    return out


def _name_line(lines: Sequence[str], sections: Sequence[str], emails: Sequence[str]) -> int | None:
    """The line holding the candidate's name: the first non-empty line when it is shaped like
    a name, else a name-shaped line (or first segment of a line: "Julia Ruby | julia@...")
    among the first lines whose first or last word is part of an e-mail address (two-column
    layouts often put the name in the middle of the text)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    if _is_name_line(lines, sections, first):
        return first
    locals_ = [e.split("@", 1)[0].lower() for e in emails]
    if not locals_:
        return None  # nothing for a name further down to match
    for i in range(first, min(len(lines), first + NAME_SEARCH_LINES)):
        words = _name_words(_segments(lines[i].strip(), maxsplit=1)[0])
        if not words:
            continue
        ends = {words[0].lower().strip("."), words[-1].lower().strip(".")}
        if any(len(w) >= 3 and w in local for w in ends for local in locals_):
            return i
    return None


def name_in_line(line: str) -> str:
    """The name part of a name line: its first segment before "|" and the like, without a
    credential after a comma ("Anna Lee, MD")."""
    return _segments(line.strip(), maxsplit=1)[0].split(",", 1)[0].strip()


def _name_words(text: str) -> list[str]:
    words = text.replace(",", " ").split()
    if (
        1 <= len(words) <= 5
        and all(_NAME_WORD.fullmatch(w) for w in words)
        and not any(w.lower() in _HEADLINE_WORDS for w in words)
        and not (len(words) > 3 and text.isupper())  # "LEAN SIX SIGMA BLACK BELT" is a title
    ):
        return words
    return []


def _is_name_line(lines: Sequence[str], sections: Sequence[str], i: int) -> bool:
    """Is line i shaped like a name: in the header, 1-5 capitalised words, none of them a word
    of a headline ("Data Scientist")?"""
    return sections[i] == "header" and bool(_name_words(lines[i]))


def _contact_lines(lines: Sequence[str], sections: Sequence[str]) -> set[int]:
    """Header lines (first HEADER_LINES, section "header") plus lines under a contact heading."""
    out = {i for i in range(min(HEADER_LINES, len(lines))) if sections[i] == "header"}
    in_contact = False
    for i, line in enumerate(lines):
        if len(line) < 40 and _NON_LETTERS.sub("", line.lower()).strip() in _CONTACT_HEADINGS:
            in_contact = True
            continue
        if in_contact and heading_section(line) is not None:
            in_contact = False
        if in_contact:
            out.add(i)
    return out


def _phones_in(m: re.Match[str], line: str, labelled: bool) -> list[str]:
    """Normalised phones inside one `text.patterns.PHONE` match (split at wide gaps)."""
    out = []
    base = m.start()
    for piece in re.finditer(r"[^\t]+?(?=\s{2,}|\t|$)", m.group()):
        cand = piece.group().strip()
        if not cand:
            continue
        start = base + piece.start() + (len(piece.group()) - len(piece.group().lstrip()))
        phone = _normalise_phone(
            cand, line[max(0, start - 1) : start], labelled or _PHONE_LABEL.search(line) is not None
        )
        if phone:
            out.append(phone)
    return out


def _normalise_phone(cand: str, before: str, labelled: bool) -> str | None:
    """ "+44 20 7946 0958" gives "+442079460958"; None for dates, years and other numbers."""
    plus = cand.startswith("+")
    # "+49 (0)30 …": the (0) is not dialled from abroad
    cand_digits = _TRUNK_ZERO.sub("", cand) if plus else cand
    digits = "".join(ch for ch in cand_digits if ch.isdigit())
    if not 9 <= len(digits) <= 15:
        return None
    if YEAR_RANGE.fullmatch(cand) or DATE_LIKE.fullmatch(cand) or ALL_YEARS.fullmatch(cand):
        return None
    shaped = (
        plus
        or before == "("
        or "(" in cand
        or cand.startswith("0")
        or _NANP.fullmatch(cand) is not None
    )
    if not shaped and not labelled:
        return None
    return ("+" if plus else "") + digits


def _clean_link(raw: str) -> str:
    """Strip trailing punctuation, scheme, "www." and a trailing slash."""
    link = raw.strip().lstrip("(<[").rstrip(_LINK_TRAIL)
    link = re.sub(r"(?i)^https?://", "", link)
    link = re.sub(r"(?i)^www\.", "", link)
    link = link.rstrip("/")
    host, sep, path = link.partition("/")
    return host.lower() + sep + path


def _sort_links(links: list[str]) -> tuple[str | None, str | None, list[str]]:
    linkedin = github = None
    github_owner = None
    websites = []
    for link in links:
        host, _, path = link.partition("/")
        if host == "linkedin.com" or host.endswith(".linkedin.com"):
            if linkedin is None and path:
                linkedin = "linkedin.com/" + path
        elif host == "github.com":
            segments = [s for s in path.split("/") if s]
            if len(segments) == 1 and github is None:
                github = "github.com/" + segments[0]
            elif segments and github_owner is None:
                github_owner = "github.com/" + segments[0]
        elif "." in host:
            websites.append(link)
    return linkedin, github or github_owner, websites


def _location(lines: Sequence[str], candidates: list[int]) -> str | None:
    """A labelled location first ("Location: …", "Based in …"), then a "City, Region" segment."""
    cleaned = {}
    for i in candidates:
        text = EMAIL.sub(" ", lines[i])
        text = URL.sub(" ", text)
        cleaned[i] = PHONE.sub(" ", text)
    for i in candidates:
        m = _LABEL.search(cleaned[i])
        if m:
            value = m.group("value").strip().rstrip(".").strip()
            place = find_place(value)
            if place or value:
                return place or value[:80]
    name_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    for i in candidates:
        segments = _segments(cleaned[i].strip())
        if i == name_line:
            segments = segments[1:]  # "Anna Lee, MD" is a name and a credential, not Maryland
        for segment in segments:
            segment = _LEADING_SYMBOLS.sub("", segment).strip().rstrip(".")
            place = find_place(segment)
            if place:
                return place
    return None
