"""Score a profile against a job: a pure, deterministic function that also says why."""

from __future__ import annotations

from collections.abc import Iterable

from ..records import Profile, RequirementResult, ScoredCandidate
from ..skills.lexicon import Lexicon
from .job import JobDefinition, Requirement

COMPETENCY_MET_AT = 2  # distinct skills that fully meet a competency requirement; 1 is partial
MAX_EVIDENCE = 2


def score_profile(profile: Profile, job: JobDefinition, lexicon: Lexicon) -> ScoredCandidate:
    """Judge each requirement (met / partial / missing, with the supporting text) and score 0–100.

    Only skills, competencies and years of experience are read: the profile
    holds no name, contact details, photo or address, and contact details are
    blanked before matching.
    """
    mentioned = {hit.skill_id: hit for hit in profile.skills if hit.mentions}
    competencies = {c.competency_id: c for c in profile.competencies}
    results = [_judge(req, mentioned, competencies, lexicon) for req in job.requirements]
    if job.min_years is not None:
        years = profile.years_experience
        need = job.min_years.years
        if years is not None and years >= need:
            status, credit = "met", 1.0
        elif years is not None and years >= need / 2:
            status, credit = "partial", 0.5
        else:
            status, credit = "missing", 0.0
        found = "no dated experience found" if years is None else f"{years:g} years found"
        results.append(
            RequirementResult(
                requirement=f"at least {need:g} years of experience",
                kind="min_years",
                targets=(),
                weight=job.min_years.weight,
                must_have=job.min_years.must,
                status=status,
                credit=credit,
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


def _judge(req: Requirement, mentioned, competencies, lexicon: Lexicon) -> RequirementResult:
    matched: list[str] = []
    evidence: list[str] = []
    best = 0.0
    for target in req.targets:
        # Competency and skill ids may coincide ("nlp"): a skill requirement means the skill.
        as_competency = req.kind == "competency" or (
            req.kind == "any_of" and target in lexicon.competencies
        )
        if as_competency:
            comp = competencies.get(target)
            skills = comp.skills if comp is not None else ()
            # Matcher: two distinct skills meet a competency, one partly meets it.
            credit = 1.0 if len(skills) >= COMPETENCY_MET_AT else 0.5 if skills else 0.0
            # Classifier (when used): the combined sentence rule found it (classify.py).
            if comp is not None and comp.probability is not None and comp.present:
                credit = 1.0
            if credit:
                matched.extend(lexicon.skills[s].name for s in skills)
                evidence.extend(comp.evidence)
        else:
            found = sorted(s for s in lexicon.descendants(target) if s in mentioned)
            credit = 1.0 if found else 0.0
            for sid in found:
                matched.append(lexicon.skills[sid].name)
                evidence.append(mentioned[sid].mentions[0].evidence)
        best = max(best, credit)
    status = "met" if best >= 1.0 else "partial" if best > 0 else "missing"
    return RequirementResult(
        requirement=req.label,
        kind=req.kind,
        targets=req.targets,
        weight=req.weight,
        must_have=req.must,
        status=status,
        credit=best,
        matched=tuple(dict.fromkeys(matched)),
        evidence=tuple(dict.fromkeys(evidence))[:MAX_EVIDENCE],
    )


def rank_key(disqualified: bool, score: float, candidate_id: str, name: str) -> tuple:
    """The one ranking order: qualified first, then by score (high first); ties break on the
    content id, then the file name."""
    return (disqualified, -score, candidate_id, name)


def rank(scored: Iterable[ScoredCandidate]) -> list[ScoredCandidate]:
    return sorted(scored, key=lambda s: rank_key(s.disqualified, s.score, s.candidate_id, s.source))
