"""Competency classifier: scikit-learn on sentences and bullets, combined with the matcher.

The model is a plain scikit-learn Pipeline (TF-IDF word and character n-grams,
one-vs-rest logistic regression, sigmoid-calibrated) trained on the labelled
sentences in `models/training/`. It is saved with skops (an explicit list of
trusted types, no pickle) next to a `meta.json` that records its sha256; the
sha256 is checked before loading, so a tampered artifact is refused.

The combination rule, per sentence and competency c (t_c and alpha_c tuned
on the dev split and stored in meta.json):

    present(c) = p(c) >= t_c  or  (the matcher found a skill for c  and  p(c) >= alpha_c * t_c)

(alpha_c = 0 lets a lexicon skill alone decide; alpha_c = 1 ignores the matcher.)

A resume's probability for c is the highest over its sentences; its evidence
is the 1-3 sentences with the highest p(c) among those where c is present.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from .lexicon import COMPETENCY_IDS

MODEL_NAME = "competency"
ARTIFACT = "model.skops"
# Types a competency model may contain; anything else in an artifact is refused.
TRUSTED_TYPES = [
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass._ConstantPredictor",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.frozen._frozen.FrozenEstimator",
    "builtins.getattr",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.str_",
    "scipy.sparse._csr.csr_matrix",
    "re.Pattern",
    "builtins.str",
    "collections.defaultdict",
]


class ModelError(PipelineError):
    """A model artifact is missing, tampered with, or of an unexpected kind."""


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    split: str
    text: str
    labels: tuple[int, ...]  # one 0/1 per COMPETENCY_IDS


def read_labelled(path: str | os.PathLike[str]) -> list[Labelled]:
    """Read a labelled CSV (id, split, text, then one 0/1 column per competency)."""
    path = Path(path)
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "split", "text", *COMPETENCY_IDS} - set(reader.fieldnames or ())
        if missing:
            raise ModelError(f"{path}:1: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            try:
                labels = tuple(int(row[c]) for c in COMPETENCY_IDS)
            except ValueError:
                raise ModelError(f"{path}:{reader.line_num}: labels must be 0 or 1") from None
            if any(v not in (0, 1) for v in labels):
                raise ModelError(f"{path}:{reader.line_num}: labels must be 0 or 1")
            if row["split"] not in ("train", "dev", "test"):
                raise ModelError(f"{path}:{reader.line_num}: split must be train, dev or test")
            rows.append(Labelled(row["id"], row["split"], row["text"], labels))
    return rows


def data_hash(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_pipeline(kind: str = "word_char_lr", seed: int = 0):
    """The candidate models compared on the dev split (see MODEL_CARD.md). Features: TF-IDF
    over hashed word 1-2 grams, plus hashed character 2-5 grams within words."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    def hashed_tfidf(**ngrams) -> Pipeline:
        # Hashed n-grams: no vocabulary to store (skops writes a large dict node by node,
        # which made a TfidfVectorizer artifact 40 MB and slow to load); 2^17 buckets each.
        hashing = HashingVectorizer(
            n_features=2**17, alternate_sign=False, norm=None, lowercase=True, **ngrams
        )
        return Pipeline([("hash", hashing), ("tfidf", TfidfTransformer(sublinear_tf=True))])

    word = hashed_tfidf(ngram_range=(1, 2))
    char = hashed_tfidf(analyzer="char_wb", ngram_range=(2, 5))
    if kind == "word_lr":
        features = FeatureUnion([("word", word)])
        base = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, random_state=seed)
    elif kind == "word_char_lr":
        features = FeatureUnion([("word", word), ("char", char)])
        base = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, random_state=seed)
    elif kind == "word_char_svm":
        features = FeatureUnion([("word", word), ("char", char)])
        base = LinearSVC(C=0.5, class_weight="balanced", random_state=seed)
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    # ensemble=False: one classifier per competency, calibrated on 3-fold out-of-fold
    # predictions (a third of the size and load time of keeping all three fold models).
    calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)
    return Pipeline([("features", features), ("classify", OneVsRestClassifier(calibrated))])


@dataclass
class CompetencyModel:
    """A loaded model: the sentence classifier and, from version 2, the document decision
    (`doc`); version 1 models carry the sentence rule's thresholds instead."""

    source: Any  # the scikit-learn Pipeline, or a function that loads it when first needed
    thresholds: dict[str, float]
    alphas: dict[str, float]
    version: str
    meta: dict[str, Any]
    doc: DocDecision | None = None
    _exact: Any = None  # fastpath.FastLinear for uncalibrated hashed word+char models

    _fast: Any = None  # (W, b, A, B) when the model is linear and calibrated with sigmoids

    def __post_init__(self) -> None:
        if self._exact is None:  # not loaded from the model's linear.npz
            from .fastpath import fast_linear

            self._fast = _linear_parts(self.pipeline)
            if self._fast is None:
                self._exact = fast_linear(self.pipeline)

    @property
    def pipeline(self) -> Any:
        """The scikit-learn Pipeline (loaded on first use when the fast path came first)."""
        if not hasattr(self.source, "named_steps"):
            self.source = self.source()
        return self.source

    def predict_proba(self, texts: list[str]):
        """Probabilities, one row per text, one column per competency (COMPETENCY_IDS order).

        For the shipped kind of model (linear, sigmoid-calibrated, one estimator per
        competency) this is one sparse product instead of ten estimator calls; the
        result is the same as `pipeline.predict_proba` (tested)."""
        import numpy as np

        if not texts:
            return np.zeros((0, len(COMPETENCY_IDS)))
        if self.doc is not None:  # document models learned on neutral text (text/redact.py)
            texts = _neutral(texts)
        if self._exact is not None:
            return self._exact.predict_proba(texts)
        if self._fast is None:
            return self.pipeline.predict_proba(texts)
        weights, bias, a, b = self._fast
        features = self.pipeline.named_steps["features"].transform(texts)
        decision = np.asarray(features @ weights) + bias
        return 1.0 / (1.0 + np.exp(a * decision + b))

    def combine(self, proba, matcher_flags) -> list[list[bool]]:
        """The documented rule with this model's tuned parameters (see `apply_rule`)."""
        return apply_rule(proba, matcher_flags, self.thresholds, self.alphas)


def _neutral(texts: list[str]) -> list[str]:
    """`neutralise` of each text, in one pass over the texts joined by newlines: its patterns
    stop at a newline (not a word character), and units hold none (whitespace-collapsed)."""
    from ..text.redact import neutralise

    if any("\n" in t for t in texts):
        return [neutralise(t) for t in texts]
    out = neutralise("\n".join(texts)).split("\n")
    return out if len(out) == len(texts) else [neutralise(t) for t in texts]


def apply_rule(
    proba, matcher_flags, thresholds: dict[str, float], alphas: dict[str, float] | None = None
) -> list[list[bool]]:
    """Per text and competency: p >= t_c, or (matcher found c and p >= alpha_c * t_c).
    Without `alphas` the matcher is ignored (the classifier alone)."""
    return [
        [
            p >= thresholds[c] or (alphas is not None and flag and p >= alphas[c] * thresholds[c])
            for c, p, flag in zip(COMPETENCY_IDS, row, flags, strict=True)
        ]
        for row, flags in zip(proba, matcher_flags, strict=True)
    ]


def _linear_parts(pipeline):
    """Weights, biases and sigmoid parameters of a OneVsRest of CalibratedClassifierCV
    (ensemble=False) over linear models, or None for any other structure."""
    import numpy as np

    try:
        estimators = pipeline.named_steps["classify"].estimators_
        columns, bias, a, b = [], [], [], []
        for est in estimators:
            (calibrated,) = est.calibrated_classifiers_
            (sigmoid,) = calibrated.calibrators
            linear = calibrated.estimator
            columns.append(np.asarray(linear.coef_, dtype=float).ravel())
            bias.append(float(np.ravel(linear.intercept_)[0]))
            a.append(float(sigmoid.a_))
            b.append(float(sigmoid.b_))
    except (AttributeError, KeyError, ValueError, TypeError):
        return None
    return np.column_stack(columns), np.array(bias), np.array(a), np.array(b)


def version_key(text: str) -> tuple:
    """Sort key of a version folder name: "10.0.0" after "9.0.0"; a name that is not
    dotted numbers sorts before every numbered one."""
    parts = text.split(".")
    if all(part.isdigit() for part in parts):
        return (1, tuple(int(part) for part in parts))
    return (0, (text,))


def default_model_dir() -> Path | None:
    """`$PIPELINE_MODEL` (a version folder, or "none" to run without), else the newest shipped."""
    env = os.environ.get("PIPELINE_MODEL")
    if env:
        return None if env.lower() == "none" else Path(env)
    here = Path(__file__).resolve().parent.parent  # the package folder
    for root in (here / "_data" / "models", here.parent / "models"):
        folder = root / MODEL_NAME
        if folder.is_dir():
            versions = [p for p in folder.iterdir() if (p / "meta.json").is_file()]
            if versions:
                return max(versions, key=lambda p: version_key(p.name))
    return None


def default_model() -> CompetencyModel | None:
    """The shipped model, loaded once per process (None when no model is shipped)."""
    folder = default_model_dir()
    return None if folder is None else cached_model(str(folder))


@cache
def cached_model(folder: str) -> CompetencyModel:
    """`load_model`, once per folder and process (a model is read-only once loaded)."""
    return load_model(folder)


def load_model(folder: str | os.PathLike[str], fast: bool = True) -> CompetencyModel:
    """Load a model folder after checking the artifact's sha256 against meta.json. With
    `fast`, a linear.npz named in meta.json (skills/fastpath.py, its sha256 checked too)
    serves predictions, and the artifact itself is deserialised only if something asks for
    the scikit-learn pipeline."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        data = (folder / ARTIFACT).read_bytes()
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder}: cannot read the model ({type(exc).__name__})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != meta.get("artifact_sha256"):
        raise ModelError(
            f"{folder / ARTIFACT}: sha256 {digest[:12]}… does not match meta.json "
            f"({str(meta.get('artifact_sha256'))[:12]}…); refusing to load a modified artifact"
        )
    if list(meta.get("labels", [])) != list(COMPETENCY_IDS):
        raise ModelError(f"{folder}: label set differs from the guide's competencies")
    doc = DocDecision.from_meta(meta["document"]) if "document" in meta else None
    exact = None
    if fast:
        from .fastpath import load_linear

        exact = load_linear(folder, meta)
    source: Any = (lambda: _deserialise(folder, data)) if exact else _deserialise(folder, data)
    return CompetencyModel(
        source,
        dict(meta.get("thresholds", {})),
        dict(meta.get("matcher_alphas", {})),
        str(meta["version"]),
        meta,
        doc,
        exact,
    )


def _deserialise(folder: Path, data: bytes) -> Any:
    """The artifact's scikit-learn pipeline, after checking it holds only trusted types."""
    from skops.io import get_untrusted_types, loads

    untrusted = [t for t in get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
    if untrusted:
        raise ModelError(
            f"{folder / ARTIFACT}: contains types not on the trusted list: {untrusted}"
        )
    return loads(data, trusted=TRUSTED_TYPES)


# --------------------------------------------------------------- the document-level decision
#
# A competency is present in a resume when the lexicon found one of its skills, not hedged, in
# the skills list, the work experience or the projects (explicit evidence is never vetoed),
# or when a logistic model over the document's evidence says so with probability >= t_c.
# The model's features, per competency: the three best sentence probabilities and their mean,
# how many units pass 0.5 and 0.8, how many distinct skills the lexicon found in those
# sections and elsewhere, whether all of them are weak ("basics of"), and the length of the
# resume. It is fit on the development set's document labels (cross-validated; see
# pipeline/skills/train.py and benchmarks/screening_quality.py).

STRONG_SECTIONS = frozenset({"skills", "experience", "projects"})
# A skills-list entry is not evidence of an act: for these, only work and projects count.
ACT_COMPETENCIES = frozenset({"problem_solving", "communication_teamwork"})
ACT_SECTIONS = frozenset({"experience", "projects"})
# Skills named by a common word ("prepared reports and statistics"): strong only in a list.
COMMON_WORD_SKILLS = frozenset({"statistics"})
DOC_FEATURES = (
    "max_p",
    "second_p",
    "third_p",
    "top3_mean",
    "units_p50",
    "units_p80",
    "skills_strong",
    "skills_other",
    "weak_only",
    "units",
)
MIN_UNIT_WORDS = 3  # shorter units (headings, dates, company lines) are not classified


def classifiable(text: str, heading: bool) -> bool:
    """A unit worth asking the classifier about: a few words, not a heading."""
    return not heading and len(text.split()) >= MIN_UNIT_WORDS


def explicit_evidence(mentions, lexicon) -> Any:
    """(competency x 3) array: distinct skills found in STRONG_SECTIONS (not weak), distinct
    skills found elsewhere or only weakly, and 1 when every one of them is weak."""
    import numpy as np

    out = np.zeros((len(COMPETENCY_IDS), 3))
    index = {c: j for j, c in enumerate(COMPETENCY_IDS)}
    for sid, found in mentions.items():
        sections = {m.section for m in found if m.hedge is None}
        listed = "skills" in sections
        for c in lexicon.skills[sid].competencies:
            if c in ACT_COMPETENCIES:
                strong = bool(sections & ACT_SECTIONS)
            elif sid in COMMON_WORD_SKILLS:
                strong = listed
            else:
                strong = bool(sections & STRONG_SECTIONS)
            out[index[c], 0 if strong else 1] += 1
    out[:, 2] = (out[:, 0] == 0) & (out[:, 1] > 0)
    return out


def doc_features(proba, explicit) -> Any:
    """(competency x len(DOC_FEATURES)) features of one document."""
    import numpy as np

    units = proba.shape[0]
    top = -np.sort(-proba, axis=0)[:3] if units else np.zeros((0, proba.shape[1]))
    padded = np.zeros((3, len(COMPETENCY_IDS)))
    padded[: top.shape[0]] = top
    return np.column_stack(
        [
            padded[0],
            padded[1],
            padded[2],
            padded.mean(axis=0),
            np.log1p((proba >= 0.5).sum(axis=0)) if units else np.zeros(len(COMPETENCY_IDS)),
            np.log1p((proba >= 0.8).sum(axis=0)) if units else np.zeros(len(COMPETENCY_IDS)),
            np.log1p(explicit[:, 0]),
            np.log1p(explicit[:, 1]),
            explicit[:, 2],
            np.full(len(COMPETENCY_IDS), np.log1p(units)),
        ]
    )


@dataclass(frozen=True)
class DocDecision:
    """Per competency: a standardised logistic model over DOC_FEATURES and its threshold."""

    means: Any  # (C, F)
    scales: Any  # (C, F)
    coefs: Any  # (C, F)
    intercepts: Any  # (C,)
    thresholds: Any  # (C,)

    def probabilities(self, features) -> Any:
        import numpy as np

        z = (features - self.means) / self.scales
        return 1.0 / (1.0 + np.exp(-((z * self.coefs).sum(axis=1) + self.intercepts)))

    def decide(self, features, explicit) -> tuple[Any, Any]:
        """(present, probability) per competency."""
        probability = self.probabilities(features)
        return (explicit[:, 0] > 0) | (probability >= self.thresholds), probability

    def to_meta(self) -> dict[str, Any]:
        def rows(a) -> list:
            return [[round(float(x), 6) for x in row] for row in a]

        return {
            "features": list(DOC_FEATURES),
            "strong_sections": sorted(STRONG_SECTIONS),
            "means": rows(self.means),
            "scales": rows(self.scales),
            "coefs": rows(self.coefs),
            "intercepts": [round(float(x), 6) for x in self.intercepts],
            "thresholds": [round(float(x), 4) for x in self.thresholds],
        }

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> DocDecision:
        import numpy as np

        if list(meta["features"]) != list(DOC_FEATURES):
            raise ModelError("the model's document features are not this version's")
        return cls(
            np.array(meta["means"]),
            np.array(meta["scales"]),
            np.array(meta["coefs"]),
            np.array(meta["intercepts"]),
            np.array(meta["thresholds"]),
        )
