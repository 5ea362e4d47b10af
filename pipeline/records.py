"""Small frozen records handed from stage to stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

CANDIDATE_ID_LENGTH = 16  # hex digits of the sha256 shown as a candidate's id


def candidate_id(sha256: str) -> str:
    """The id a candidate is shown under everywhere: the first hex digits of its file's sha256."""
    return sha256[:CANDIDATE_ID_LENGTH]


class Word(NamedTuple):
    """One word on a page, in PDF points, top-left origin (y grows downwards).

    A named tuple rather than a dataclass like the other records: a page holds hundreds of
    words and readers make them from columns of numbers, which a tuple takes in one C call
    (`tuple.__new__(Word, fields)`) where a frozen dataclass sets its fields one by one."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int
    bold: bool = False
    rotated: bool = False  # runs vertically (a label down the margin): read as its own block


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text in reading order."""

    text: str
    page: int = 0
    size: float = 0.0
    bold: bool = False
    heading: bool = False  # marked as a heading by the document itself (DOCX outline level)


@dataclass(frozen=True, slots=True)
class Document:
    """Text of one file in reading order, plus where it came from."""

    source: str
    sha256: str
    kind: str  # "pdf", "docx" or "text"
    engine: str
    lines: tuple[Line, ...]
    page_count: int = 1
    ocr_pages: int = 0  # pages whose text came from OCR
    hidden_dropped: int = 0  # words dropped because a reader would not see them

    @property
    def ocr(self) -> bool:
        return self.ocr_pages > 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class SkillMention:
    """One place where a skill was found, with the text around it as evidence."""

    skill_id: str
    surface: str
    start: int
    end: int
    section: str
    evidence: str
    # "aspirational" or "negated" (kept in Profile.hedged, not counted as a skill), "weak"
    # ("familiar with the basics of": counted, with less credit), or None.
    hedge: str | None = None


@dataclass(frozen=True, slots=True)
class SkillHit:
    """A skill the candidate shows, with its mentions (or the child skills implying it)."""

    skill_id: str
    name: str
    mentions: tuple[SkillMention, ...]
    implied_by: tuple[str, ...] = ()
    months: int | None = None  # union of the job entries mentioning it; None when in none
    last_used: int | None = None  # year the last such entry ended ("Present": this year)

    @property
    def count(self) -> int:
        return len(self.mentions)


@dataclass(frozen=True, slots=True)
class Contacts:
    """Contact details found in one resume (links without scheme and "www.")."""

    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin: str | None = None
    github: str | None = None
    websites: tuple[str, ...] = ()
    location: str | None = None
    name: str | None = None  # the name line of the header, for contacting and for --blind

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "linkedin": self.linkedin,
            "github": self.github,
            "websites": list(self.websites),
            "location": self.location,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contacts:
        return cls(
            tuple(data.get("emails", ())),
            tuple(data.get("phones", ())),
            data.get("linkedin"),
            data.get("github"),
            tuple(data.get("websites", ())),
            data.get("location"),
            data.get("name"),
        )


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
        year, month = self.start.split("-")
        start = int(year) * 12 + int(month) - 1
        return start, start + self.months - 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


@dataclass(frozen=True, slots=True)
class CompetencyEvidence:
    """How strongly a profile shows one of the guide's competencies, and why."""

    competency_id: str
    name: str
    present: bool
    strength: float  # 0..1, from the matcher: distinct skills / 3
    skills: tuple[str, ...]
    evidence: tuple[str, ...]
    probability: float | None = None  # the classifier's, when a model is used


@dataclass(frozen=True, slots=True)
class Profile:
    """What the screening knows about one resume.

    `contacts` is kept for reaching the candidate and for spotting duplicates; nothing in
    ranking reads it (contact details are blanked from the text before matching).
    `hidden_text_dropped` and `keyword_stuffing` are flags for a person to look at; they do
    not change the score either (the hidden words are already gone from the text).
    """

    candidate_id: str
    sha256: str
    source: str
    kind: str
    engine: str
    skills: tuple[SkillHit, ...]
    competencies: tuple[CompetencyEvidence, ...]
    years_experience: float | None
    sections: tuple[str, ...]
    lexicon_version: str
    parser_version: str
    model_version: str = "none"
    contacts: Contacts = field(default_factory=Contacts)
    timeline: tuple[JobEntry, ...] = ()  # job entries, most recent first
    education: tuple[EducationEntry, ...] = ()
    ocr: bool = False
    ocr_pages: int = 0
    hidden_text_dropped: int = 0
    keyword_stuffing: tuple[str, ...] = ()  # skills repeated far beyond what resumes do
    hedged: tuple[SkillMention, ...] = ()  # wishes and negations: shown, never counted
    # MinHash of the text's word shingles (understand/applicants.py): finds the same applicant
    # in an edited resume; () for a short text or a profile stored before it existed.
    text_signature: tuple[int, ...] = ()

    def skill_ids(self) -> frozenset[str]:
        return frozenset(hit.skill_id for hit in self.skills)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One requirement of the job, judged against one profile."""

    requirement: str  # human-readable label, e.g. "skill: Python"
    kind: str  # "skill", "competency", "any_of", "min_years"
    targets: tuple[str, ...]
    weight: float
    must_have: bool
    status: str  # "met", "partial", "missing"
    credit: float  # 0..1
    matched: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    candidate_id: str
    source: str
    score: float
    disqualified: bool
    missing_must_haves: tuple[str, ...]
    requirements: tuple[RequirementResult, ...]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """Exactly one state per input entry: scored (profile set) or failed (reason set)."""

    source: str
    sha256: str | None
    status: str  # "scored" or "failed"
    profile: Profile | None = None
    reason: str | None = None
    detail: str = ""
    scored: ScoredCandidate | None = None


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """Rebuild a Profile from `Profile.to_dict()` (as stored in the SQLite store)."""
    skills = tuple(
        SkillHit(
            skill_id=h["skill_id"],
            name=h["name"],
            mentions=tuple(SkillMention(**m) for m in h["mentions"]),
            implied_by=tuple(h["implied_by"]),
            months=h.get("months"),
            last_used=h.get("last_used"),
        )
        for h in data["skills"]
    )
    competencies = tuple(
        CompetencyEvidence(
            competency_id=c["competency_id"],
            name=c["name"],
            present=c["present"],
            strength=c["strength"],
            skills=tuple(c["skills"]),
            evidence=tuple(c["evidence"]),
            probability=c.get("probability"),
        )
        for c in data["competencies"]
    )
    tuples = ("sections", "keyword_stuffing", "text_signature")
    typed = ("skills", "competencies", "contacts", "timeline", "education", "hedged", *tuples)
    fields = {k: v for k, v in data.items() if k not in typed}
    fields.update({k: tuple(data[k]) for k in tuples if k in data})
    return Profile(
        skills=skills,
        competencies=competencies,
        contacts=Contacts.from_dict(data.get("contacts") or {}),
        timeline=tuple(JobEntry(**j) for j in data.get("timeline", ())),
        education=tuple(EducationEntry(**e) for e in data.get("education", ())),
        hedged=tuple(SkillMention(**m) for m in data.get("hedged", ())),
        **fields,
    )
