"""Counterfactual fairness gate: rewrite each resume's identity cues, rescore, compare.

A screening score should say what a candidate can do, never who they are. This gate takes
every resume in a folder, parses it once, and writes variants of it that differ only in cues
the score must not read:

- the name (the first line when it is shaped like a name, or a name-shaped line whose words
  appear in an e-mail address), swapped for names commonly read as belonging to other
  genders and ethnicities, wherever the full name appears and inside e-mail addresses;
- gendered words, both ways: pronouns, titles (Mr / Ms / Mrs), "women's" / "men's",
  "sorority" / "fraternity", "chairwoman" / "chairman", "sister" / "brother" and the like;
- graduation years (the years on lines of the education section), 20 years later and 20
  years earlier, a stand-in for the candidate's age; work dates are left as they are;
- the address: a place in the header or contact lines ("Denver, CO") and a street address
  are replaced by other places, and e-mails and phones by neutral ones.

Every variant is scored through the same path `Screener.extract` and `Screener.score` take
(`build_profile`, then `score_profile` with the screener's lexicon, matcher, model and date),
and compared with the original: the shortlist's score, whether the candidate is
disqualified, each requirement's status and credit, each competency's `present` flag, and
the candidate's rank within the folder (the others keep their original scores). Any
difference is a change, and a change fails the gate.

What it does not cover: cues it cannot find (a name that is neither on the first line nor
in an e-mail, a place written as prose, "born 1980", photos, nationality, languages spoken,
clubs and schools that hint at a group without a gendered word), a first name or surname
used alone in the body, and biases that do not move the score of this folder's resumes
(a rewrite can only show a dependence on the cues it changes). It reads parsed text only,
so a layout difference between formats is out of its reach. Passing the gate is evidence,
not proof, of fairness; pair it with `audit impact` on real outcomes.

The report names files and the values substituted in (the new name, the new place); it
holds no other resume text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from ..records import Document, FileOutcome, ScoredCandidate
from ..score.job import JobDefinition
from ..score.rank import rank_key
from ..text.patterns import EMAIL, PHONE, YEAR, YEAR_RANGE
from ..understand.contacts import extract_contacts, identity_lines, place_span
from ..understand.segment import analyse

if TYPE_CHECKING:
    from ..run.screener import Screener

__all__ = [
    "GRADUATION_SHIFTS",
    "NAMES",
    "PLACES",
    "Change",
    "CounterfactualReport",
    "FileResult",
    "Skipped",
    "find_name",
    "run_counterfactual",
    "variants",
]

# Names commonly associated with different genders and ethnicities (after the audit studies of
# resume callbacks: Emily/Greg vs Lakisha/Jamal, and their successors).
NAMES: tuple[tuple[str, str], ...] = (
    ("Emily", "Walsh"),
    ("Greg", "Baker"),
    ("Lakisha", "Washington"),
    ("Jamal", "Jackson"),
    ("Mohammed", "Al-Sayed"),
    ("Aisha", "Okafor"),
    ("Wei", "Zhang"),
    ("José", "Hernández"),
    ("Priya", "Raghunathan"),
    ("Dmitri", "Volkov"),
)
PLACES: tuple[str, ...] = (
    "Austin, TX",
    "Leeds, UK",
    "Lagos, Nigeria",
    "Mumbai, India",
    "Detroit, MI",
)
NEUTRAL_CONTACTS: tuple[tuple[str, str], ...] = (
    ("candidate@example.org", "(555) 010-0199"),
    ("applicant.one@mail.example", "+44 20 7946 0000"),
)
GRADUATION_SHIFTS: tuple[int, ...] = (20, -20)
NEUTRAL_STREET = "1 Main Street"

# male form -> female form; matched whole-word, case-insensitively, case kept.
_GENDERED: dict[str, str] = {
    "he": "she",
    "him": "her",
    "his": "her",
    "himself": "herself",
    "man": "woman",
    "men": "women",
    "male": "female",
    "boy": "girl",
    "boys": "girls",
    "fraternity": "sorority",
    "fraternities": "sororities",
    "chairman": "chairwoman",
    "chairmen": "chairwomen",
    "brother": "sister",
    "brothers": "sisters",
    "brotherhood": "sisterhood",
    "spokesman": "spokeswoman",
    "sportsman": "sportswoman",
    "husband": "wife",
    "father": "mother",
    "son": "daughter",
}
_TO_FEMALE = _GENDERED
_TO_MALE = {female: male for male, female in _GENDERED.items()} | {"her": "his", "hers": "his"}
# Titles match in this case only: "MS" is a degree or Microsoft, not a title.
_TITLES_TO_FEMALE = {"Mr": "Ms"}
_TITLES_TO_MALE = {"Ms": "Mr", "Mrs": "Mr"}


def _word_regex(words: Sequence[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w-])", flags)


_TO_FEMALE_RE = _word_regex(list(_TO_FEMALE))
_TO_MALE_RE = _word_regex(list(_TO_MALE))
_TITLES_TO_FEMALE_RE = _word_regex(list(_TITLES_TO_FEMALE), 0)
_TITLES_TO_MALE_RE = _word_regex(list(_TITLES_TO_MALE), 0)

# Separators between the pieces of a header line ("Name | e-mail | phone | City, ST").
_PIECE = re.compile(r"[^|·•;\t–—]+")
# A link to a profile ("github.com/dana-example", "https://dana.example.dev/about").
_LINK = re.compile(r"(?<![\w@.-])(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}/[^\s|,;·•]+", re.IGNORECASE)
_LABELLED_PLACE = re.compile(r"(?i)^\s*(?:address|location|residence|home)\s*[:\-–]")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w'’.-]*\s+){1,4}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Court|Ct|Place|Pl"
    r"|Close|Crescent|Terrace|Square)\b\.?"
)


# --- finding and replacing -------------------------------------------------------------------


def _cased(like: str, word: str) -> str:
    """`word` in the case of `like`: "HE" -> "SHE", "He" -> "She", "he" -> "she"."""
    if len(like) > 1 and like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()


def _name_keys(name: str) -> list[str]:
    """The lower-case forms of a name's first and last word an e-mail may hold."""
    words = name.split()
    keys = []
    for word in dict.fromkeys((words[0], words[-1])):
        bare = _ascii(word).strip(".")
        keys += [bare, re.sub(r"['’-]", "", bare)]
    return [k for k in dict.fromkeys(keys) if len(k) >= 3]


def find_name(document: Document) -> str | None:
    """The candidate's name as the pipeline finds it (`understand.contacts`), so the gate
    rewrites the name the screener itself would recognise."""
    lines = [line.text for line in document.lines]
    return extract_contacts(lines, analyse(document).line_sections).name


def _with_lines(document: Document, texts: Sequence[str]) -> Document:
    lines = tuple(
        line if line.text == text else replace(line, text=text)
        for line, text in zip(document.lines, texts, strict=True)
    )
    return replace(document, lines=lines)


def _rename(texts: Sequence[str], name: str, first: str, last: str) -> list[str]:
    words = name.split()
    full = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE
    )
    new_full = f"{first} {last}"
    swaps = {key: _ascii(first) for key in _name_keys(words[0])}
    if len(words) > 1:
        swaps.update({key: _ascii(last) for key in _name_keys(words[-1])})
    keys = sorted(swaps, key=len, reverse=True)

    def in_email(m: re.Match[str]) -> str:
        local, _, domain = m.group().partition("@")
        for key in keys:
            local = local.replace(key, swaps[key]).replace(key.upper(), swaps[key])
        return f"{local.replace(' ', '')}@{domain}"

    def in_link(m: re.Match[str]) -> str:
        site, _, path = m.group().partition("/")
        for key in keys:
            path = path.replace(key, swaps[key].replace(" ", ""))
        return f"{site}/{path}"

    def in_text(m: re.Match[str]) -> str:
        found = m.group()
        if found.isupper():
            return new_full.upper()
        if found.islower():
            return new_full.lower()
        return new_full

    out = []
    for text in texts:
        text = _LINK.sub(in_link, EMAIL.sub(in_email, text))
        out.append(full.sub(in_text, text))
    return out


def _gendered(texts: Sequence[str], to: str) -> tuple[list[str], list[str]]:
    """Every gendered word swapped to the other gender; also the words put in."""
    words, regex = (_TO_FEMALE, _TO_FEMALE_RE) if to == "female" else (_TO_MALE, _TO_MALE_RE)
    titles, titles_re = (
        (_TITLES_TO_FEMALE, _TITLES_TO_FEMALE_RE)
        if to == "female"
        else (_TITLES_TO_MALE, _TITLES_TO_MALE_RE)
    )
    put: dict[str, None] = {}

    def swap(m: re.Match[str]) -> str:
        new = _cased(m.group(), words[m.group().lower()])
        put[new] = None
        return new

    def swap_title(m: re.Match[str]) -> str:
        put[titles[m.group()]] = None
        return titles[m.group()]

    out = [titles_re.sub(swap_title, regex.sub(swap, text)) for text in texts]
    return out, list(put)


def _shift_years(texts: Sequence[str], rows: set[int], delta: int) -> list[str]:
    return [
        YEAR.sub(lambda m: str(int(m.group()) + delta), text) if i in rows else text
        for i, text in enumerate(texts)
    ]


def _places(texts: Sequence[str], rows: set[int]) -> dict[int, list[tuple[int, int]]]:
    """Spans of places (and street addresses) on the given lines, per line."""
    found: dict[int, list[tuple[int, int]]] = {}
    for i in sorted(rows):
        text = texts[i]
        spans = [(m.start(), m.end()) for m in _STREET.finditer(text)]
        for piece in _PIECE.finditer(text):
            hit = place_span(piece.group())
            if hit is not None:
                spans.append((piece.start() + hit[1], piece.start() + hit[2]))
        if spans:
            found[i] = sorted(spans)
    return found


def _relocate(
    texts: Sequence[str], spans: dict[int, list[tuple[int, int]]], place: str
) -> list[str]:
    out = list(texts)
    for i, line_spans in spans.items():
        text = texts[i]
        for start, end in reversed(line_spans):
            street = _STREET.fullmatch(text, start, end) is not None
            text = text[:start] + (NEUTRAL_STREET if street else place) + text[end:]
        out[i] = text
    return out


def _recontact(texts: Sequence[str], rows: set[int], email: str, phone: str) -> list[str]:
    out = []
    for i, text in enumerate(texts):
        text = EMAIL.sub(email, text)
        if i in rows:
            for m in reversed(list(PHONE.finditer(text))):
                found = m.group()
                if sum(ch.isdigit() for ch in found) < 9 or YEAR_RANGE.fullmatch(found.strip()):
                    continue  # a date range, not a phone
                start = m.start() - 1 if text[: m.start()].endswith("(") else m.start()
                text = text[:start] + phone + text[m.end() :]
        out.append(text)
    return out


def variants(document: Document) -> list[tuple[str, str, Document]]:
    """(kind, description, rewritten document) for every rewrite that changes the text.

    Kinds: "name", "gender", "graduation year", "address", "contact". Descriptions hold only
    the values put in (a name, a place), never the resume's own text."""
    texts = [line.text for line in document.lines]
    layout = analyse(document)
    sections = layout.line_sections
    identity = identity_lines(texts, sections)
    header = {i for i, section in enumerate(sections) if section == "header"}
    labelled = {i for i, text in enumerate(texts) if _LABELLED_PLACE.match(text)}
    education = {i for i, section in enumerate(sections) if section == "education"}

    out: list[tuple[str, str, list[str]]] = []
    name = find_name(document)
    if name is not None:
        for first, last in NAMES:
            out.append(("name", f"name → {first} {last}", _rename(texts, name, first, last)))
    for to in ("female", "male"):
        swapped, put = _gendered(texts, to)
        shown = ", ".join(put[:6]) + (", …" if len(put) > 6 else "")
        out.append(("gender", f"gendered words → {to} ({shown})", swapped))
    for delta in GRADUATION_SHIFTS:
        out.append(
            (
                "graduation year",
                f"graduation years {delta:+d}",
                _shift_years(texts, education, delta),
            )
        )
    spans = _places(texts, identity | header | labelled)
    for place in PLACES:
        out.append(("address", f"address → {place}", _relocate(texts, spans, place)))
    for email, phone in NEUTRAL_CONTACTS:
        rewritten = _recontact(texts, identity | header, email, phone)
        out.append(("contact", f"e-mail and phone → {email}, {phone}", rewritten))

    seen: set[tuple[str, ...]] = {tuple(texts)}
    result = []
    for kind, description, new_texts in out:
        key = tuple(new_texts)
        if key in seen:
            continue  # nothing to rewrite, or the same rewrite twice
        seen.add(key)
        result.append((kind, description, _with_lines(document, new_texts)))
    return result


# --- scoring and comparing -------------------------------------------------------------------

# A scored version of a resume, with each competency's name and `present` flag by id.
_Result = tuple[ScoredCandidate, dict[str, tuple[str, bool]]]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between a variant's result and the original's."""

    file: str
    kind: str  # the variant's kind: name, gender, graduation year, address, contact
    variant: str  # what was put in, e.g. "name → Lakisha Washington"
    what: str  # "score", "rank", "disqualified", "requirement '…' status", "competency '…' present"
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "variant": self.variant,
            "what": self.what,
            "before": self.before,
            "after": self.after,
        }

    def text(self) -> str:
        return f"{self.variant}: {self.what} {self.before} → {self.after}"


@dataclass(frozen=True, slots=True)
class Skipped:
    file: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class FileResult:
    file: str
    variants: int
    changes: int

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "variants": self.variants, "changes": self.changes}


@dataclass(frozen=True, slots=True)
class CounterfactualReport:
    """What the gate found: every change (empty when the scores ignore every cue rewritten)."""

    job: str
    files: int  # files scored
    variants_scored: int
    changes: tuple[Change, ...]
    skipped: tuple[Skipped, ...]
    results: tuple[FileResult, ...]

    @property
    def passed(self) -> bool:
        return not self.changes

    def summary(self) -> str:
        line = (
            f"{len(self.changes)} changes in {self.variants_scored} variants of {self.files} files"
        )
        return line + (f"; {len(self.skipped)} skipped" if self.skipped else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "passed": self.passed,
            "files": self.files,
            "variants_scored": self.variants_scored,
            "changes": [c.to_dict() for c in self.changes],
            "skipped": [s.to_dict() for s in self.skipped],
            "results": [r.to_dict() for r in self.results],
            "summary": self.summary(),
        }

    def text(self) -> str:
        out = []
        for result in self.results:
            if not result.changes:
                out.append(f"{result.file}: no change across {result.variants} variants")
                continue
            out.append(f"{result.file}: {result.changes} changes across {result.variants} variants")
            out += [f"  {c.text()}" for c in self.changes if c.file == result.file]
        out += [f"{s.file}: skipped ({s.reason})" for s in self.skipped]
        out.append(self.summary())
        return "\n".join(out) + "\n"


def _score(screener: Screener, document: Document, name: str) -> _Result:
    """Score a document the way `Screener.extract` then `Screener.score` do; also each
    competency's `present` flag."""
    profile = replace(screener.profile_of(document), source=name)
    outcome = screener.score(FileOutcome(name, document.sha256, "scored", profile=profile))
    assert outcome.scored is not None
    present = {c.competency_id: (c.name, c.present) for c in profile.competencies}
    return outcome.scored, present


def _differences(before: _Result, after: _Result) -> list[tuple[str, str, str]]:
    (old, old_present), (new, new_present) = before, after
    out = []
    if old.score != new.score:
        out.append(("score", f"{old.score:g}", f"{new.score:g}"))
    if old.disqualified != new.disqualified:
        out.append(("disqualified", str(old.disqualified), str(new.disqualified)))
    for a, b in zip(old.requirements, new.requirements, strict=True):
        if a.status != b.status:
            out.append((f"requirement {a.requirement!r} status", a.status, b.status))
        if a.credit != b.credit:
            out.append((f"requirement {a.requirement!r} credit", f"{a.credit:g}", f"{b.credit:g}"))
    for cid in sorted(old_present.keys() | new_present.keys()):
        was = old_present.get(cid, (cid, False))
        now = new_present.get(cid, (cid, False))
        if was[1] != now[1]:
            out.append((f"competency {was[0]!r} present", str(was[1]), str(now[1])))
    return out


def _rank_of(file: str, scored: dict[str, ScoredCandidate]) -> int:
    order = sorted(
        scored,
        key=lambda f: rank_key(scored[f].disqualified, scored[f].score, scored[f].candidate_id, f),
    )
    return order.index(file) + 1


def run_counterfactual(
    folder: Path, job: JobDefinition, as_of: date | None = None
) -> CounterfactualReport:
    """Rewrite every resume in `folder` (see the module's docstring), score each version as
    `screen` would, and report every change of score, requirement, competency or rank."""
    from ..read import parse
    from ..run.screener import Screener, display_name, list_inputs

    screener = Screener(job, as_of=as_of)
    skipped: list[Skipped] = []
    originals: dict[str, _Result] = {}
    rewrites: dict[str, list[tuple[str, str, _Result]]] = {}
    seen: dict[str, str] = {}
    for path in list_inputs(folder):
        name = display_name(path)
        try:
            document = parse(path, screener.pdf_engine, screener.docx_engine, ocr=screener.ocr)
        except ParseError as exc:
            skipped.append(Skipped(name, exc.reason))
            continue
        except Exception as exc:  # as `screen` does: a reader's bug fails one file, not the run
            skipped.append(Skipped(name, f"internal_error ({type(exc).__name__})"))
            continue
        if document.sha256 in seen:
            skipped.append(Skipped(name, f"duplicate of {seen[document.sha256]}"))
            continue
        seen[document.sha256] = name
        originals[name] = _score(screener, document, name)
        rewrites[name] = [
            (kind, description, _score(screener, variant, name))
            for kind, description, variant in variants(document)
        ]

    base = {name: result[0] for name, result in originals.items()}
    changes: list[Change] = []
    results: list[FileResult] = []
    for name, scored_variants in rewrites.items():
        rank = _rank_of(name, base)
        found: list[Change] = []
        for kind, description, result in scored_variants:
            diffs = _differences(originals[name], result)
            new_rank = _rank_of(name, {**base, name: result[0]})
            if new_rank != rank:
                diffs.append(("rank", str(rank), str(new_rank)))
            found += [Change(name, kind, description, *diff) for diff in diffs]
        changes += found
        results.append(FileResult(name, len(scored_variants), len(found)))
    return CounterfactualReport(
        job=job.title,
        files=len(originals),
        variants_scored=sum(r.variants for r in results),
        changes=tuple(changes),
        skipped=tuple(skipped),
        results=tuple(results),
    )
