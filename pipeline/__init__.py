"""Resume screening: parse PDF/DOCX/TXT resumes, find skills, score against a job, explain.

Importing this package is cheap: spaCy, scikit-learn and the PDF engines load
only when a resume is actually processed.

    from pipeline import Screener, load_job, list_inputs
    screener = Screener(load_job("examples/jobs/ml-engineer.yaml"))
    shortlist = screener.screen(list_inputs("examples/resumes"))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .version import __version__

_EXPORTS = {
    "Screener": "run.screener",
    "Screening": "run.nightly",
    "run_nightly": "run.nightly",
    "forget": "run.nightly",
    "RunReport": "run.runreport",
    "Shortlist": "run.screener",
    "list_inputs": "run.screener",
    "parse": "read",
    "PDF_ENGINES": "read",
    "load_job": "score.job",
    "job_from_dict": "score.job",
    "JobDefinition": "score.job",
    "load_lexicon": "skills.lexicon",
    "default_lexicon": "skills.lexicon",
    "Lexicon": "skills.lexicon",
    "SkillMatcher": "skills.matcher",
    "build_profile": "skills.profile",
    "score_profile": "score.rank",
    "rank": "score.rank",
    "write_shortlist": "run.report",
    "write_matrix": "run.report",
    "outcome_record": "run.report",
    "Document": "records",
    "Profile": "records",
    "SkillHit": "records",
    "SkillMention": "records",
    "ScoredCandidate": "records",
    "RequirementResult": "records",
    "FileOutcome": "records",
    "ParseError": "errors",
    "JobDefinitionError": "errors",
    "LexiconError": "errors",
    "PipelineError": "errors",
    "REASONS": "errors",
}

__all__ = [
    "PDF_ENGINES",
    "REASONS",
    "Document",
    "FileOutcome",
    "JobDefinition",
    "JobDefinitionError",
    "Lexicon",
    "LexiconError",
    "ParseError",
    "PipelineError",
    "Profile",
    "RequirementResult",
    "RunReport",
    "ScoredCandidate",
    "Screener",
    "Screening",
    "Shortlist",
    "SkillHit",
    "SkillMatcher",
    "SkillMention",
    "__version__",
    "build_profile",
    "default_lexicon",
    "forget",
    "job_from_dict",
    "list_inputs",
    "load_job",
    "load_lexicon",
    "outcome_record",
    "parse",
    "rank",
    "run_nightly",
    "score_profile",
    "write_matrix",
    "write_shortlist",
]

if TYPE_CHECKING:  # pragma: no cover
    from .errors import REASONS, JobDefinitionError, LexiconError, ParseError, PipelineError
    from .read import PDF_ENGINES, parse
    from .records import (
        Document,
        FileOutcome,
        Profile,
        RequirementResult,
        ScoredCandidate,
        SkillHit,
        SkillMention,
    )
    from .run.nightly import Screening, forget, run_nightly
    from .run.report import outcome_record, write_matrix, write_shortlist
    from .run.runreport import RunReport
    from .run.screener import Screener, Shortlist, list_inputs
    from .score.job import JobDefinition, job_from_dict, load_job
    from .score.rank import rank, score_profile
    from .skills.lexicon import Lexicon, default_lexicon, load_lexicon
    from .skills.matcher import SkillMatcher
    from .skills.profile import build_profile


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
