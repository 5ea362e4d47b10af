"""Blind review: take out of a text what says who a candidate is, with a placeholder that says
what was removed ("[name]", "[e-mail]", "[pronoun]" ...).

Removed: the candidate's name (each of its words, wherever it stands), e-mails, phone
numbers, links, their place, dates of birth and stated ages, graduation years, personal
pronouns, gendered titles and words ("Mrs", "chairwoman", "women's", "sorority"). Words that
are skills found in the resume are never removed, so a candidate called "Julia Ruby" who
writes Ruby keeps the skill in the evidence. Pure functions; used by the shortlist writers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import native
from .patterns import EMAIL, PHONE, URL, YEAR_RANGE

_PRONOUN_WORDS = ("he", "she", "him", "her", "his", "hers", "himself", "herself")
_TITLE_WORDS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Sir", "Madam")
_POSSESSIVE_WORDS = ("women", "woman", "men", "man", "girls?", "boys?", "ladies", "gentlemen")
_GENDERED_WORDS = ("sorority", "sororities", "fraternity", "fraternities", "chairwoman",
                   "chairman", "sisterhood", "brotherhood", "businesswoman", "businessman",
                   "spokeswoman", "spokesman")  # fmt: skip
PRONOUNS = re.compile(rf"(?<![\w'])(?:{'|'.join(_PRONOUN_WORDS)})(?![\w'])", re.IGNORECASE)
TITLES = re.compile(rf"(?<![\w'])(?:{'|'.join(_TITLE_WORDS)})\b\.?")
GENDERED = re.compile(
    rf"(?<![\w'])(?:{'|'.join(_POSSESSIVE_WORDS)})['’]s(?![\w'])|"
    rf"(?<![\w'])(?:{'|'.join(_GENDERED_WORDS)})(?![\w'])",
    re.IGNORECASE,
)
BIRTH = re.compile(
    r"(?i)\b(?:date of birth|d\.?o\.?b\.?|born(?: on| in)?)\s*[:\-]?\s*"
    r"(?:\d{1,2}[./\- ]\w{1,9}[./\- ]\d{2,4}|\w{3,9}\.? \d{1,2},? \d{4}|\d{4})"
)
AGE = re.compile(r"(?i)\b(?:age[:\s]+\d{2}|\d{2}\s*(?:years old|yrs old|y/o))\b")
YEAR = re.compile(r"(?<!\d)(?:19[4-9]\d|20[0-4]\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class Identity:
    """What identifies one candidate, as found in their resume."""

    names: tuple[str, ...] = ()  # words of the name (and of the e-mail's local part)
    places: tuple[str, ...] = ()
    keep: frozenset[str] = frozenset()  # skills as written in the resume (lower case)


def identity_of(
    name: str | None,
    emails: Iterable[str] = (),
    location: str | None = None,
    skills: Iterable[str] = (),
) -> Identity:
    """The candidate's identity from their profile's contacts and the skills it found."""
    keep = frozenset(s.lower() for s in skills)
    # A word of a skill as written ("Six" of "Six Sigma") is never taken for a name.
    skill_words = {w for surface in keep for w in re.findall(r"\w+", surface)}
    words: set[str] = set()
    for part in (name or "").replace(",", " ").split():
        part = part.strip(".")
        if len(part) >= 2 and part.lower() not in skill_words:
            words.add(part)
    for email in emails:
        local = email.split("@", 1)[0]
        for part in re.split(r"[._\-+0-9]+", local):
            if len(part) >= 4 and part.isalpha() and part.lower() not in skill_words:
                words.add(part)
    places = tuple(p.strip() for p in re.split(r",", location or "") if len(p.strip()) >= 3)
    unique = {w.lower(): w for w in sorted(words)}  # one of each, case aside
    return Identity(tuple(sorted(unique.values(), key=len, reverse=True)), places, keep)


def redact(text: str, identity: Identity, education: bool = False) -> str:
    """`text` with the candidate's identity replaced by placeholders. Years are removed only
    from education text (`education=True`), where they date a graduation, not a job."""
    text = EMAIL.sub("[e-mail]", text)
    text = URL.sub("[link]", text)
    text = PHONE.sub(_phone, text)
    text = BIRTH.sub("[date of birth]", text)
    text = AGE.sub("[age]", text)
    for word in identity.names:
        text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", "[name]", text, flags=re.IGNORECASE)
    for place in identity.places:
        if place.lower() not in identity.keep:
            text = re.sub(rf"(?<![\w]){re.escape(place)}(?![\w])", "[place]", text)
    text = TITLES.sub(lambda m: _title(m, text, identity.keep), text)
    text = GENDERED.sub("[gendered word]", text)
    text = PRONOUNS.sub("[pronoun]", text)
    if education:
        text = YEAR.sub("[year]", text)
    return text


# "Ms Office", "MS Excel": Microsoft, not a title.
_PRODUCT_AFTER = re.compile(
    r"\s*(?:office|excel|word|visio|project|access|sql|outlook|powerpoint|teams|dynamics)\b",
    re.IGNORECASE,
)


def _title(m: re.Match[str], text: str, keep: frozenset[str]) -> str:
    rest = text[m.end() :]
    if _PRODUCT_AFTER.match(rest):
        return m.group()
    following = re.match(r"\s*(\w+)", rest)
    if following and f"{m.group().rstrip('.')} {following.group(1)}".lower() in keep:
        return m.group()
    return "[title]"


_NEUTRAL_PRONOUN = {"he": "they", "she": "they", "him": "them", "her": "their", "his": "their",
                    "hers": "theirs", "himself": "themself", "herself": "themself"}  # fmt: skip


def neutralise(text: str) -> str:
    """`text` with pronouns, gendered titles and gendered words made neutral ("she" ->
    "they", "women's" -> "group"). What the competency classifier reads, in training and at
    run time, so its probabilities cannot move with a candidate's gender cues."""
    if _ODD_CASE.search(text):  # characters that fold to a Latin letter: run the patterns
        text = PRONOUNS.sub(_neutral_pronoun, text)
        return GENDERED.sub("group", _drop_titles(text) if _has_title(text) else text)
    # The patterns only match whole words, so a text whose words include none of theirs is
    # left as it is without running them (most units: the patterns are slow to scan).
    made = native.objects()
    if made is None:
        words = set(_WORD.findall(text.lower()))
        if not words.isdisjoint(_PRONOUN_SET):
            text = PRONOUNS.sub(_neutral_pronoun, text)
        if _has_title(text):
            text = _drop_titles(text)
        if not words.isdisjoint(_GENDERED_SET):
            text = GENDERED.sub("group", text)
        return text
    # Compiled: where the words of the patterns start. Each match of a pattern starts where
    # one of its words does (after a character that is not a word character), and is the
    # match found there; so the patterns are tried only at those places.
    found = made.word_starts(text, _WORD_KINDS, _LONGEST)
    if not found:
        return text if not _has_title(text) else _drop_titles(text)
    before = text
    pronouns = [at for at, kind in found if kind is _PRONOUN]
    if pronouns:
        text = _sub_at(PRONOUNS, _neutral_pronoun, text, pronouns)
    if _has_title(text):
        text = _drop_titles(text)
    if text is not before:  # the words have moved: where do they start now?
        found = made.word_starts(text, _WORD_KINDS, _LONGEST)
    gendered = [at for at, kind in found if kind is _GENDERED]
    return _sub_at(GENDERED, _group, text, gendered) if gendered else text


def _has_title(text: str) -> bool:
    return any(title in text for title in _TITLE_WORDS)


def _group(m: re.Match[str]) -> str:
    return "group"


def _sub_at(pattern: re.Pattern[str], replace, text: str, starts: list[int]) -> str:
    """`pattern.sub(replace, text)` for a pattern whose matches all start at one of `starts`
    (ascending): the pattern is tried at each of them, and a match ends before the next."""
    pieces: list[str] = []
    done = 0
    for at in starts:
        if at < done:
            continue
        m = pattern.match(text, at)
        if m:
            pieces.append(text[done:at])
            pieces.append(replace(m))
            done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


def _drop_titles(text: str) -> str:
    """`TITLES.sub("", text)`, tried only where a title can start ("M" before one of "rsixa",
    or "Sir"): each match starts at such a place, and is the match found there."""
    pieces: list[str] = []
    done = 0
    for start in _TITLE_START.finditer(text):
        at = start.start()
        if at < done:
            continue
        m = TITLES.match(text, at)
        if m:
            pieces.append(text[done:at])
            done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


def _neutral_pronoun(m: re.Match[str]) -> str:
    # Under re.IGNORECASE "ſhe" and "HİS" match too, but lower-case to other strings.
    word = m.group().lower().replace("\u017f", "s").replace("i\u0307", "i").replace("\u0131", "i")
    return _NEUTRAL_PRONOUN.get(word, "they")


_WORD = re.compile(r"\w+")
# Characters that match a Latin letter under re.IGNORECASE but do not lower-case to it.
_ODD_CASE = re.compile("[\u0130\u0131\u017f]")
_TITLE_START = re.compile(r"M[rsixa]|Sir")  # where each of _TITLE_WORDS starts
_PRONOUN_SET = frozenset(_PRONOUN_WORDS)
_GENDERED_SET = frozenset(
    form
    for word in (*_POSSESSIVE_WORDS, *_GENDERED_WORDS)
    for form in ((word[:-2], word[:-1]) if word.endswith("s?") else (word,))
)
_PRONOUN, _GENDERED = "pronoun", "gendered"
_WORD_KINDS = {**dict.fromkeys(_GENDERED_SET, _GENDERED), **dict.fromkeys(_PRONOUN_SET, _PRONOUN)}


_LONGEST = max(map(len, _PRONOUN_SET | _GENDERED_SET))


def _phone(m: re.Match[str]) -> str:
    found = m.group()
    if sum(ch.isdigit() for ch in found) < 9 or YEAR_RANGE.fullmatch(found.strip()):
        return found  # "2017 - 2019" is a date range, not a phone
    return "[phone]"


def pseudonym(candidate: str, file_name: str) -> str:
    """What a blind output calls a file: the candidate id and the file's extension."""
    suffix = file_name.rsplit(".", 1)[1].lower() if "." in file_name[1:] else "file"
    return f"candidate-{candidate}.{suffix[:8]}"
