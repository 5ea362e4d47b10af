"""Document → Profile: skill mentions with evidence, competencies, years of experience."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ..records import (
    CompetencyEvidence,
    Document,
    JobEntry,
    Profile,
    SkillHit,
    SkillMention,
    candidate_id,
)
from ..understand.applicants import text_signature
from ..understand.contacts import extract_contacts, identity_lines
from ..understand.dates import month_ranges, total_months
from ..understand.education import education_entries
from ..understand.jobs import job_entries
from ..understand.segment import analyse, heading_section, mask_contacts
from . import context
from .classify import classifiable, doc_features, explicit_evidence
from .lexicon import Lexicon
from .matcher import SkillMatcher

COMPETENCY_FULL_AT = 3  # distinct skills at which a competency's strength reaches 1.0

# Keyword stuffing: the same skill repeated far beyond what resumes do, without new content.
# Over 497 livecareer resumes (every 4th file) the most repeated skill of a resume had a
# median of 3 mentions, a 99.5th percentile of 14.6 and a maximum of 20, and no line named
# one skill more than 4 times. Long real CVs (../shared/data/layouts) name their main skill
# up to 182 times, but in different sentences (70-100% of the mentions' sentences distinct).
# Flagged: a line where one skill is named STUFFING_PER_LINE times and makes up at least
# STUFFING_LINE_SHARE of the line's words ("Python Python Python ..."), or a skill named at
# least STUFFING_MIN_MENTIONS times, in at least STUFFING_MIN_SHARE of all words, in mostly
# repeated sentences (distinct sentences below STUFFING_MAX_DISTINCT of its mentions).
# None of the 497 livecareer resumes is flagged; one of the 85 layouts CVs is (the same
# sentence 60 times).
STUFFING_PER_LINE = 5
STUFFING_LINE_SHARE = 0.4
STUFFING_MIN_MENTIONS = 15
STUFFING_MIN_SHARE = 0.025
STUFFING_MAX_DISTINCT = 0.5


@dataclass(frozen=True)
class Evidence:
    """What a resume offers the competency judgement, before any model: its layout, job
    entries, the skills found (not hedged) and the hedged ones, and the units (sentences and
    bullets) the classifier may read."""

    layout: Any
    lines: list[str]
    jobs: list[JobEntry]
    mentions: dict[str, list[SkillMention]]
    hedged: list[SkillMention]
    units: list[tuple[int, int, str]]  # (start, end, whitespace-collapsed text)


def read_evidence(document: Document, matcher: SkillMatcher, as_of: date | None = None) -> Evidence:
    """Sections, job entries and skill mentions of a document (used by `build_profile` and by
    training, so both see the same evidence)."""
    # Contact details are blanked (same length, so offsets hold) before matching and
    # before any evidence is cut, so they never count and never show up as evidence.
    # Lines that identify the candidate (name, contact and address lines of the header) are
    # blanked whole.
    layout = analyse(document)
    lines = [line.text for line in document.lines]
    text = mask_contacts(layout.text)
    for i in identity_lines(lines, layout.line_sections):
        start = layout.line_starts[i]
        end = start + len(lines[i])
        text = text[:start] + " " * (end - start) + text[end:]
    layout = replace(layout, text=text)
    jobs = job_entries(lines, layout.line_sections, as_of or date.today())
    organisations = _organisation_spans(jobs, layout)
    mentions: dict[str, list[SkillMention]] = {}
    hedged: list[SkillMention] = []
    cues = context.cue_text(text)
    units_seen: dict[int, str] = {}
    for m in matcher.find(text):
        if context.in_a_name(text, m.start, m.end, organisations) or context.audience(
            text, m.start, m.end, m.skill_id
        ):
            continue  # "Bluefin Logistics Labs", "presented to leadership": not a skill
        mention = SkillMention(
            skill_id=m.skill_id,
            surface=layout.text[m.start : m.end],
            start=m.start,
            end=m.end,
            section=layout.section_at(m.start),
            evidence=layout.evidence_at(m.start, m.end, seen=units_seen),
            hedge=context.hedge(text, layout.unit_start_at(m.start), m.start, cues),
        )
        if mention.hedge in ("aspirational", "negated"):
            hedged.append(mention)
        else:
            mentions.setdefault(m.skill_id, []).append(mention)
    units = []
    for a, b in zip(layout.unit_starts, layout.unit_ends, strict=True):
        unit = " ".join(text[a:b].split())
        if classifiable(unit, heading_section(unit) is not None):
            units.append((a, b, unit))
    return Evidence(layout, lines, jobs, mentions, hedged, units)


def build_profile(
    document: Document,
    matcher: SkillMatcher,
    lexicon: Lexicon,
    parser_version: str,
    as_of: date | None = None,
    model=None,
) -> Profile:
    """Skills (matcher) and competencies (matcher, plus the classifier when `model` is given)."""
    as_of = as_of or date.today()
    found = read_evidence(document, matcher, as_of)
    layout, lines, jobs, mentions = found.layout, found.lines, found.jobs, found.mentions
    usage = _SkillUsage(jobs, layout)
    hits = [
        SkillHit(sid, lexicon.skills[sid].name, tuple(hit), (), *usage.of(hit))
        for sid, hit in sorted(mentions.items())
    ]
    implied: dict[str, list[str]] = {}
    for sid in mentions:
        for parent in lexicon.ancestors(sid):
            if parent not in mentions:
                implied.setdefault(parent, []).append(sid)
    hits.extend(
        SkillHit(
            pid,
            lexicon.skills[pid].name,
            (),
            tuple(sorted(children)),
            *usage.of([m for child in children for m in mentions[child]]),
        )
        for pid, children in sorted(implied.items())
    )
    hits.sort(key=lambda h: h.skill_id)
    return Profile(
        candidate_id=candidate_id(document.sha256),
        sha256=document.sha256,
        source=document.source,
        kind=document.kind,
        engine=document.engine,
        skills=tuple(hits),
        competencies=_competencies(found, lexicon, model),
        years_experience=_years(layout, jobs, as_of),
        sections=layout.sections,
        lexicon_version=lexicon.version,
        parser_version=parser_version,
        model_version=model.version if model is not None else "none",
        contacts=extract_contacts(lines, layout.line_sections),
        timeline=tuple(sorted(jobs, key=lambda j: (j.end or "9999-99", j.start), reverse=True)),
        education=tuple(education_entries(lines, layout.line_sections)),
        ocr=document.ocr,
        ocr_pages=document.ocr_pages,
        hidden_text_dropped=document.hidden_dropped,
        keyword_stuffing=_stuffed(mentions, layout),
        hedged=tuple(found.hedged),
        text_signature=text_signature(line.text for line in document.lines),
    )


def _organisation_spans(jobs: list[JobEntry], layout) -> list[tuple[int, int]]:
    """Where the job timeline's organisation names stand in the text (on or next to the job's
    first line), so words inside them are not read as skills."""
    text = layout.text
    spans = []
    for job in jobs:
        if not job.organisation or len(job.organisation) < 3:
            continue
        first = max(job.first_line - 2, 0)
        last = min(job.first_line + 2, len(layout.line_starts) - 1)
        start = layout.line_starts[first]
        end = layout.line_starts[last + 1] if last + 1 < len(layout.line_starts) else len(text)
        at = text.find(job.organisation, start, end)
        if at >= 0:
            spans.append((at, at + len(job.organisation)))
    return spans


class _SkillUsage:
    """Months of use and last year used of a skill, from the job entries that mention it."""

    def __init__(self, jobs: list[JobEntry], layout) -> None:
        self.layout = layout
        self.jobs = jobs

    def of(self, found: list[SkillMention]) -> tuple[int | None, int | None]:
        ranges = []
        for mention in found:
            line = bisect_right(self.layout.line_starts, mention.start) - 1
            for job in self.jobs:
                if job.first_line <= line <= job.last_line:
                    ranges.append(job.span)
        if not ranges:
            return None, None
        return total_months(ranges), max(end for _, end in ranges) // 12


def _stuffed(mentions: dict[str, list[SkillMention]], layout) -> tuple[str, ...]:
    words = max(len(layout.text.split()), 1)
    flagged = []
    for sid, found in sorted(mentions.items()):
        per_line: dict[int, int] = {}
        for m in found:
            line = bisect_right(layout.line_starts, m.start) - 1
            per_line[line] = per_line.get(line, 0) + 1
        line, most = max(per_line.items(), key=lambda item: item[1])
        if most >= STUFFING_PER_LINE:
            start = layout.line_starts[line]
            end = layout.text.find("\n", start)
            line_words = len(layout.text[start : end if end >= 0 else None].split())
            if most >= STUFFING_LINE_SHARE * line_words:
                flagged.append(sid)
                continue
        count = len(found)
        if count >= STUFFING_MIN_MENTIONS and count / words >= STUFFING_MIN_SHARE:
            distinct = len({m.evidence for m in found})
            if distinct < STUFFING_MAX_DISTINCT * count:
                flagged.append(sid)
    return tuple(flagged)


def _competencies(found: Evidence, lexicon: Lexicon, model) -> tuple[CompetencyEvidence, ...]:
    """Per competency: the lexicon's skills and, with a model, its decision and probability.

    A model with a document-level decision (version 2 and later) judges each competency from
    the document's evidence (pipeline/skills/classify.py, `DocDecision`); an older model uses
    the sentence rule it was released with. Evidence: the units with the highest probability
    for the competency (when the model finds it), then the skills' own sentences."""
    mentions = found.mentions
    texts = [unit for _, _, unit in found.units]
    proba = model.predict_proba(texts) if model is not None else None
    decided = None
    if model is not None and model.doc is not None:
        explicit = explicit_evidence(mentions, lexicon)
        decided = model.doc.decide(doc_features(proba, explicit), explicit)
    elif model is not None:
        flags = _unit_flags(found, lexicon)
        present_rows = model.combine(proba, flags)
    out = []
    for j, (cid, comp) in enumerate(lexicon.competencies.items()):
        skills = sorted(
            (sid for sid in mentions if cid in lexicon.skills[sid].competencies),
            key=lambda sid: (-len(mentions[sid]), sid),
        )
        evidence: list[str] = []
        probability = None
        present = bool(skills)
        if proba is not None:
            if decided is not None:
                present = bool(decided[0][j])
                probability = round(float(decided[1][j]), 3)
                if present:
                    evidence = [texts[i] for i in _most_likely(proba[:, j], 0.5, 3)]
            else:
                ranked = sorted(range(len(texts)), key=lambda i: (-proba[i][j], i))
                probability = round(float(proba[ranked[0]][j]), 3) if texts else 0.0
                present = any(row[j] for row in present_rows)
                evidence = [texts[i] for i in ranked if present_rows[i][j]][:3]
        for sid in skills:
            if len(evidence) >= 3:
                break
            snippet = mentions[sid][0].evidence
            if snippet not in evidence:
                evidence.append(snippet)
        out.append(
            CompetencyEvidence(
                competency_id=cid,
                name=comp.name,
                present=present,
                strength=round(min(1.0, len(skills) / COMPETENCY_FULL_AT), 3),
                skills=tuple(skills),
                evidence=tuple(evidence),
                probability=probability,
            )
        )
    return tuple(out)


def _most_likely(column, at_least: float, count: int) -> list[int]:
    """Indices of the `count` highest values of `column` that are at least `at_least`, highest
    first, ties in index order."""
    import numpy as np

    above = np.flatnonzero(column >= at_least)
    return above[np.lexsort((above, -column[above]))][:count].tolist()


def _unit_flags(found: Evidence, lexicon: Lexicon) -> list[list[bool]]:
    """Per unit and competency: did the lexicon find a skill for it in that unit?"""
    flags = [[False] * len(lexicon.competencies) for _ in found.units]
    index = {cid: j for j, cid in enumerate(lexicon.competencies)}
    starts = [a for a, _, _ in found.units]
    for sid, hits in found.mentions.items():
        for m in hits:
            i = bisect_right(starts, m.start) - 1
            if 0 <= i < len(found.units) and m.start < found.units[i][1]:
                for cid in lexicon.skills[sid].competencies:
                    flags[i][index[cid]] = True
    return flags


def _years(layout, jobs: list[JobEntry], as_of: date) -> float | None:
    """Years of experience: the union of the job entries' date ranges (overlaps count once);
    without entries, the union of every date range in the experience part."""
    if jobs:
        return round(total_months(jobs) / 12, 1)
    has_experience = "experience" in layout.line_sections
    chosen = []
    for start, section in zip(layout.line_starts, layout.line_sections, strict=True):
        if (section == "experience") if has_experience else section not in ("education",):
            end = layout.text.find("\n", start)
            chosen.append(layout.text[start : end if end >= 0 else len(layout.text)])
    ranges = month_ranges("\n".join(chosen), as_of)
    return round(total_months(ranges) / 12, 1) if ranges else None
