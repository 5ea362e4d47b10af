"""Score a profile against a job: a pure, deterministic function that also says why.

Each requirement earns a credit from 0 to 1 from the depth of its evidence, and the score is
the weighted mean of the credits times 100 (weights from the job file). Every point is
traceable: a requirement's result names the skills or titles it rests on and the sentence that
shows them.

Credit (the constants below are the documented defaults):
- a skill: by where it is shown, SECTION_CREDIT (work or projects 0.7, a skills list 0.5,
  elsewhere 0.4); +0.15 when it is named in two or more places; +0.15 when the job timeline
  gives it at least RECENT_MONTHS of use ending within RECENT_YEARS of the date screened;
  halved when every mention is weak ("familiar with the basics of"); at most 1.
- a competency: 0 when absent; when present, 0.5 plus 0.5 x depth, depth = how much of
  DEPTH_AT pieces of evidence there are (distinct skills shown in work, projects or a skills
  list, plus sentences the classifier is confident about, p >= 0.5, when there is a model).
- any of several skills or competencies: the best of them.
- a role (job titles): 1.0 when the most recent job's title matches one of the role's titles,
  0.7 when an earlier one does, 0.4 when only the resume's headline does; 0 otherwise.
- years of experience: 1.0 at the minimum, partly (years / minimum) below it.

Only skills, competencies, job titles and years are read: the profile holds no name, contact
details, photo or address, and contact details are blanked before matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..records import CompetencyEvidence, Profile, RequirementResult, ScoredCandidate, SkillHit
from ..skills.lexicon import Lexicon
from .job import JobDefinition, Requirement

SECTION_CREDIT = {"experience": 0.7, "projects": 0.7, "skills": 0.5}
OTHER_SECTION_CREDIT = 0.4
SPREAD_BONUS = 0.15  # named in two or more places
USE_BONUS = 0.15  # used in a job recently
RECENT_MONTHS = 12
RECENT_YEARS = 3
WEAK_FACTOR = 0.5
DEPTH_AT = 4  # pieces of evidence at which a competency's depth is full
ROLE_CREDIT = {"current": 1.0, "earlier": 0.7, "headline": 0.4}
MET_AT = 0.75  # a credit at or above this is "met"; above 0, "partial"
MAX_EVIDENCE = 2
_WORD = re.compile(r"[a-z0-9+#]+")


def min_years_label(years: float) -> str:
    """The requirement name of a job's min_years, e.g. "at least 2 years of experience"."""
    return f"at least {years:g} years of experience"


def score_profile(
    profile: Profile, job: JobDefinition, lexicon: Lexicon, as_of: date | None = None
) -> ScoredCandidate:
    """Judge each requirement (met / partial / missing, with the supporting text) and score 0–100.

    `as_of` is the date recency is judged from (default: the latest end of the profile's jobs,
    so the same profile always gets the same score)."""
    year = as_of.year if as_of else _latest_year(profile)
    mentioned = {hit.skill_id: hit for hit in profile.skills if hit.mentions}
    competencies = {c.competency_id: c for c in profile.competencies}
    results = [
        _judge(req, profile, mentioned, competencies, lexicon, year) for req in job.requirements
    ]
    if job.min_years is not None:
        years = profile.years_experience
        need = job.min_years.years
        credit = 1.0 if need <= 0 else min(1.0, (years or 0.0) / need)
        found = "no dated experience found" if years is None else f"{years:g} years found"
        results.append(
            RequirementResult(
                requirement=min_years_label(need),
                kind="min_years",
                targets=(),
                weight=job.min_years.weight,
                must_have=job.min_years.must,
                status=_status(credit),
                credit=round(credit, 3),
                matched=(),
                evidence=(found,),
            )
        )
    total = sum(r.weight for r in results)
    score = 100.0 * sum(r.weight * r.credit for r in results) / total if total else 0.0
    missing_must = tuple(r.requirement for r in results if r.must_have and r.status == "missing")
    return ScoredCandidate(
        candidate_id=profile.candidate_id,
        source=profile.source,
        score=round(score, 1),
        disqualified=bool(missing_must),
        missing_must_haves=missing_must,
        requirements=tuple(results),
    )


def _status(credit: float) -> str:
    return "met" if credit >= MET_AT else "partial" if credit > 0 else "missing"


def _latest_year(profile: Profile) -> int:
    ends = [int((job.end or job.start)[:4]) for job in profile.timeline if job.current is False]
    ends += [int(job.start[:4]) + job.months // 12 for job in profile.timeline if job.current]
    return max(ends, default=0)


def skill_credit(hit: SkillHit, year: int) -> float:
    """The credit of one skill from the depth of its evidence (see the module's docstring)."""
    if not hit.mentions:
        return 0.0
    credit = max(SECTION_CREDIT.get(m.section, OTHER_SECTION_CREDIT) for m in hit.mentions)
    if len({m.evidence for m in hit.mentions}) >= 2:
        credit += SPREAD_BONUS
    recent = hit.last_used is not None and year and hit.last_used >= year - RECENT_YEARS
    if (hit.months or 0) >= RECENT_MONTHS and recent:
        credit += USE_BONUS
    if all(m.hedge == "weak" for m in hit.mentions):
        credit *= WEAK_FACTOR
    return min(1.0, credit)


def competency_credit(comp: CompetencyEvidence | None) -> float:
    if comp is None or not comp.present:
        return 0.0
    confident = len(comp.evidence) if comp.probability is not None else 0
    depth = min(1.0, (len(comp.skills) + confident) / DEPTH_AT)
    return 0.5 + 0.5 * depth


def role_credit(profile: Profile, titles: tuple[str, ...]) -> tuple[float, str | None]:
    """Credit of a role requirement and the title that earned it."""
    wanted = [set(_WORD.findall(t)) for t in titles]

    def matches(title: str | None) -> bool:
        words = set(_WORD.findall((title or "").lower()))
        return any(w and w <= words for w in wanted)

    for i, job in enumerate(profile.timeline):  # most recent first
        if matches(job.title):
            return ROLE_CREDIT["current" if i == 0 else "earlier"], job.title
    headline = next((m.evidence for hit in profile.skills for m in hit.mentions
                     if m.section == "header"), None)  # fmt: skip
    if headline and matches(headline):
        return ROLE_CREDIT["headline"], headline
    return 0.0, None


def _judge(
    req: Requirement, profile: Profile, mentioned, competencies, lexicon: Lexicon, year: int
) -> RequirementResult:
    matched: list[str] = []
    evidence: list[str] = []
    best = 0.0
    if req.kind == "role":
        best, title = role_credit(profile, req.targets)
        if title:
            matched.append(title)
            evidence.append(f"job title: {title}")
    for target in req.targets if req.kind != "role" else ():
        # Competency and skill ids may coincide ("nlp"): a skill requirement means the skill.
        as_competency = req.kind == "competency" or (
            req.kind == "any_of" and target in lexicon.competencies
        )
        if as_competency:
            comp = competencies.get(target)
            credit = competency_credit(comp)
            if credit and comp is not None:
                matched.extend(lexicon.skills[s].name for s in comp.skills)
                evidence.extend(comp.evidence)
        else:
            found = sorted(s for s in lexicon.descendants(target) if s in mentioned)
            credits = {sid: skill_credit(mentioned[sid], year) for sid in found}
            credit = max(credits.values(), default=0.0)
            for sid in sorted(found, key=lambda s: (-credits[s], s)):
                matched.append(lexicon.skills[sid].name)
                evidence.append(_best_mention(mentioned[sid]))
        best = max(best, credit)
    return RequirementResult(
        requirement=req.label,
        kind=req.kind,
        targets=req.targets,
        weight=req.weight,
        must_have=req.must,
        status=_status(best),
        credit=round(best, 3),
        matched=tuple(dict.fromkeys(matched)),
        evidence=tuple(dict.fromkeys(evidence))[:MAX_EVIDENCE],
    )


def _best_mention(hit: SkillHit) -> str:
    """The sentence that shows a skill best: work or projects first, then a skills list."""
    ordered = sorted(
        hit.mentions, key=lambda m: -SECTION_CREDIT.get(m.section, OTHER_SECTION_CREDIT)
    )
    return ordered[0].evidence


def rank_key(disqualified: bool, score: float, candidate_id: str, name: str) -> tuple:
    """The one ranking order: qualified first, then by score (high first); ties break on the
    content id, then the file name."""
    return (disqualified, -score, candidate_id, name)


def rank(scored: Iterable[ScoredCandidate]) -> list[ScoredCandidate]:
    return sorted(scored, key=lambda s: rank_key(s.disqualified, s.score, s.candidate_id, s.source))
