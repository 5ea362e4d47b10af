"""What the words around a skill mention say about it: a wish or a negation ("would like to
learn Python", "no experience with AWS"), weak exposure ("familiar with the basics of R"), a
company's name ("Bluefin Logistics Labs"), or a group of people ("presented to leadership").

Wishes and negations are kept (for a reviewer to see) but do not count as skills; weak
mentions count, marked weak; names and audiences are not skill mentions at all.
"""

from __future__ import annotations

import re

# Cues whose scope runs from the cue to the end of its clause.
_ASPIRATIONAL = re.compile(
    r"\b(?:would\s+(?:like|love)\s+to|want(?:s|ed)?\s+to|wish(?:es)?\s+to|hop(?:e|ing)\s+to"
    r"|eager\s+to|keen\s+to|aspir(?:e|es|ing)\s+to|plan(?:s|ning)?\s+to"
    r"|interested\s+in\s+(?:learning|gaining|developing|acquiring)"
    r"|willing\s+to\s+learn|looking\s+(?:forward\s+)?to\s+(?:learn|develop|gain|grow)"
    r"|(?:yet|going)\s+to\s+learn|learn(?:ing)?\s+more\s+about"
    r"|develop\s+(?:my\s+|new\s+)?skills\s+(?:with|in)|goal\s+is\s+to\s+learn)\b",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:no|not|never|without|lack(?:s|ing)?|limited|little|zero)\s+"
    r"(?:(?:prior|professional|hands-on|real|practical|formal|working|any)\s+)*"
    r"(?:experience|exposure|knowledge|familiarity)\b"
    r"|\b(?:do\s+not|don['’]?t|does\s+not|doesn['’]?t|have\s+not|haven['’]?t|did\s+not|"
    r"didn['’]?t|not)\s+(?:yet\s+)?(?:have|had|know|used?|worked|familiar)\b"
    r"|\bnot\s+(?:yet\s+)?(?:familiar|proficient|experienced)\b",
    re.I,
)
_WEAK = re.compile(
    r"\b(?:basics?\s+of|basic\s+(?:knowledge|understanding|familiarity|exposure)\s+(?:of|in|with)"
    r"|(?:some|limited|brief)\s+exposure\s+to|exposure\s+to|beginner(?:'s)?\s+(?:level|knowledge)?"
    r"|introductory|elementary)\b",
    re.I,
)
# A clause ends here: what follows is no longer in a cue's scope ("no Java, but Python").
_CLAUSE_END = re.compile(r"[.;!?]|\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b", re.I)
_SCOPE = 160  # characters before a mention in which a cue is looked for

# Words that end a company or institution name: "Bluefin Logistics Labs", "Data Systems Inc".
ORG_SUFFIXES = frozenset(
    (
        "labs", "lab", "inc", "inc.", "llc", "ltd", "ltd.", "corp", "corp.", "corporation",
        "company", "co", "co.", "group", "gmbh", "plc", "solutions", "systems", "technologies",
        "technology", "partners", "associates", "consulting", "holdings", "enterprises",
        "industries", "services", "ventures", "agency", "bank", "university", "college",
        "institute",
    )
)  # fmt: skip
# Soft skills that also name a group of people: "presented to senior leadership".
_AUDIENCE_SKILLS = frozenset({"leadership", "management", "stakeholder_management"})
_AUDIENCE_BEFORE = re.compile(
    r"\b(?:to|for|with|from|by|across|the|our|their|senior|executive|company|upper|"
    r"middle|top)\s+$",
    re.I,
)
_AUDIENCE_AFTER = re.compile(r"^\s+(?:team|teams|group|groups|meetings?|review|reviews)\b", re.I)


# The first word of every cue above, whole: a text without any of them holds no cue (most
# mentions have none before them, and this one search is cheaper than the three).
_CUE_WORDS = (
    r"would|wants?|wanted|wish(?:es)?|hop(?:e|ing)|eager|keen|aspir(?:e|es|ing)"
    r"|plan(?:s|ning)?|interested|willing|looking|yet|going|learn(?:ing)?|develop|goal"
    r"|no|not|never|without|lack(?:s|ing)?|limited|little|zero|do|don['’]?t|does|doesn['’]?t"
    r"|have|haven['’]?t|did|didn['’]?t|basics?|some|brief|exposure|beginner|introductory"
    r"|elementary"
)
_CUE_WORD = re.compile(rf"\b(?:{_CUE_WORDS})\b", re.I)


def _prefixes(alternatives: str) -> tuple[str, ...]:
    """The letters every match of each top-level alternative of `alternatives` starts with
    (up to its first group, optional letter or apostrophe), without those that start with
    another: "wants?|hop(?:e|ing)|no|not" -> ("hop", "no", "want")."""
    words, depth, current = [], 0, ""
    for char in alternatives + "|":
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            words.append(current)
            current = ""
        else:
            current += char
    heads = set()
    for word in words:
        head = word[: len(word) - len(word.lstrip("abcdefghijklmnopqrstuvwxyz"))]
        if word[len(head) : len(head) + 1] == "?":
            head = head[:-1]  # "wants?": the s is optional
        assert head, word  # every cue starts with a letter
        heads.add(head)
    return tuple(sorted(h for h in heads if not any(h != o and h.startswith(o) for o in heads)))


# Every cue word begins with one of these: where none stands whole inside a mention's window,
# the window holds no cue, and most windows are turned away by this search in the lower-case
# text instead of the cue words' search.
_CUE_PREFIXES = _prefixes(_CUE_WORDS)
_CUE_PREFIX = re.compile("|".join(_CUE_PREFIXES))  # searched in lower-case text


def cue_text(text: str) -> str | None:
    """`text` lower-cased for `hedge` to skip windows without a cue word's prefix; None when
    lowercasing changes the text's length (offsets would not line up; `hedge` then searches
    every window). Dotless i and long s are folded too: re.IGNORECASE matches them to i and
    s, str.lower() keeps them."""
    low = text.lower().replace("ı", "i").replace("ſ", "s")  # translate() is slower
    return low if len(low) == len(text) else None


def hedge(text: str, unit_start: int, start: int, low: str | None = None) -> str | None:
    """ "aspirational", "negated" or "weak" when a cue before the mention (in its sentence or
    bullet, in the same clause) says so, else None. `low`: `cue_text(text)`, when the caller
    asks about many mentions of one text."""
    window_start = max(unit_start, start - _SCOPE)
    # A cue word in the window holds one of the prefixes, whole and in lower case.
    if low is not None and _CUE_PREFIX.search(low, window_start, start) is None:
        return None
    before = text[window_start:start]
    if _CUE_WORD.search(before) is None:
        return None
    return _cue_in(before)


def _cue_in(before: str) -> str | None:
    """The hedge of the text before a mention (see `hedge`)."""
    found = None
    for kind, pattern in (("aspirational", _ASPIRATIONAL), ("negated", _NEGATED)):
        for m in pattern.finditer(before):
            if _CLAUSE_END.search(before, m.end()) is None:
                found = kind
    if found:
        return found
    for m in _WEAK.finditer(before):
        if _CLAUSE_END.search(before, m.end()) is None:
            return "weak"
    return None


def in_a_name(text: str, start: int, end: int, organisations: list[tuple[int, int]]) -> bool:
    """Part of a company or institution name: inside an organisation found in the job
    timeline, or a capitalised word run ending in a company word ("Bluefin Logistics Labs")."""
    for a, b in organisations:  # (a loop: a generator per mention costs more than its test)
        if a <= start and end <= b:
            return True
    surface = text[start:end]
    if not surface[:1].isupper():
        return False
    after = text[end : end + 40].split()
    words: list[str] = []
    for word in after:
        if not word[:1].isupper() and word.lower() not in ("&", "and", "of"):
            break
        words.append(word.strip(",.;:()").lower())
        if words[-1] in ORG_SUFFIXES:
            return True
    return False


def audience(text: str, start: int, end: int, skill_id: str) -> bool:
    """A soft skill's name used for a group of people ("reported to leadership")."""
    if skill_id not in _AUDIENCE_SKILLS:
        return False
    return bool(_AUDIENCE_BEFORE.search(text[max(0, start - 30) : start])) or bool(
        _AUDIENCE_AFTER.match(text[end : end + 20])
    )
