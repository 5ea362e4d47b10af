"""Document → Profile: skill mentions with evidence, competencies, years of experience."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .experience import date_ranges, total_years
from .lexicon import Lexicon
from .matcher import SkillMatcher
from .records import CompetencyEvidence, Document, Profile, SkillHit, SkillMention
from .segment import analyse, mask_contacts

COMPETENCY_FULL_AT = 3  # distinct skills at which a competency's strength reaches 1.0


def build_profile(
    document: Document,
    matcher: SkillMatcher,
    lexicon: Lexicon,
    parser_version: str,
    as_of: date | None = None,
    model=None,
) -> Profile:
    """Skills (matcher) and competencies (matcher, plus the classifier when `model` is given)."""
    # Contact details are blanked (same length, so offsets hold) before matching and
    # before any evidence is cut, so they never count and never show up as evidence.
    layout = analyse(document)
    layout = replace(layout, text=mask_contacts(layout.text))
    text = layout.text
    mentions: dict[str, list[SkillMention]] = {}
    for m in matcher.find(text):
        mentions.setdefault(m.skill_id, []).append(
            SkillMention(
                skill_id=m.skill_id,
                surface=layout.text[m.start : m.end],
                start=m.start,
                end=m.end,
                section=layout.section_at(m.start),
                evidence=layout.evidence_at(m.start, m.end),
            )
        )
    hits = [
        SkillHit(sid, lexicon.skills[sid].name, tuple(found))
        for sid, found in sorted(mentions.items())
    ]
    implied: dict[str, list[str]] = {}
    for sid in mentions:
        for parent in lexicon.ancestors(sid):
            if parent not in mentions:
                implied.setdefault(parent, []).append(sid)
    hits.extend(
        SkillHit(pid, lexicon.skills[pid].name, (), tuple(sorted(children)))
        for pid, children in sorted(implied.items())
    )
    hits.sort(key=lambda h: h.skill_id)
    return Profile(
        candidate_id=document.sha256[:16],
        sha256=document.sha256,
        source=document.source,
        kind=document.kind,
        engine=document.engine,
        skills=tuple(hits),
        competencies=_competencies(mentions, lexicon, layout, model),
        years_experience=_years(layout, as_of or date.today()),
        sections=layout.sections,
        lexicon_version=lexicon.version,
        parser_version=parser_version,
        model_version=model.version if model is not None else "none",
    )


def _competencies(
    mentions: dict[str, list[SkillMention]], lexicon: Lexicon, layout, model
) -> tuple[CompetencyEvidence, ...]:
    """Per competency: the matcher's skills, and with a model the sentence-level rule in
    pipeline/classify.py (probability = the best sentence's, evidence = the best sentences)."""
    scored = _classify_units(mentions, lexicon, layout, model) if model is not None else None
    out = []
    for j, (cid, comp) in enumerate(lexicon.competencies.items()):
        skills = sorted(
            (sid for sid in mentions if cid in lexicon.skills[sid].competencies),
            key=lambda sid: (-len(mentions[sid]), sid),
        )
        evidence: list[str] = []
        probability = None
        present = bool(skills)
        if scored is not None:
            units, proba, present_rows = scored
            ranked = sorted(range(len(units)), key=lambda i: (-proba[i][j], i))
            probability = round(float(proba[ranked[0]][j]), 3) if units else 0.0
            present = any(row[j] for row in present_rows)
            evidence = [units[i] for i in ranked if present_rows[i][j]][:3]
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


def _classify_units(mentions, lexicon: Lexicon, layout, model):
    """Probabilities for every sentence/bullet in one batch, and the combined rule per unit."""
    units = []
    spans = []
    for a, b in zip(layout.unit_starts, layout.unit_ends, strict=True):
        text = " ".join(layout.text[a:b].split())
        if len(text) >= 3 and any(ch.isalpha() for ch in text):
            units.append(text)
            spans.append((a, b))
    flags = [[False] * len(lexicon.competencies) for _ in units]
    index = {cid: j for j, cid in enumerate(lexicon.competencies)}
    starts = [a for a, _ in spans]
    from bisect import bisect_right

    for sid, found in mentions.items():
        for m in found:
            i = bisect_right(starts, m.start) - 1
            if 0 <= i < len(spans) and m.start < spans[i][1]:
                for cid in lexicon.skills[sid].competencies:
                    flags[i][index[cid]] = True
    proba = model.predict_proba(units)
    return units, proba, model.combine(proba, flags)


def _years(layout, as_of: date) -> float | None:
    has_experience = "experience" in layout.line_sections
    chosen = []
    for start, section in zip(layout.line_starts, layout.line_sections, strict=True):
        if (section == "experience") if has_experience else section not in ("education",):
            end = layout.text.find("\n", start)
            chosen.append(layout.text[start : end if end >= 0 else len(layout.text)])
    ranges = date_ranges("\n".join(chosen), as_of.year, as_of.month)
    return total_years(ranges) if ranges else None
