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
    """A loaded model with its thresholds; predicts in batches."""

    pipeline: Any
    thresholds: dict[str, float]
    alphas: dict[str, float]
    version: str
    meta: dict[str, Any]

    _fast: Any = None  # (W, b, A, B) when the model is linear and calibrated with sigmoids

    def __post_init__(self) -> None:
        self._fast = _linear_parts(self.pipeline)

    def predict_proba(self, texts: list[str]):
        """Probabilities, one row per text, one column per competency (COMPETENCY_IDS order).

        For the shipped kind of model (linear, sigmoid-calibrated, one estimator per
        competency) this is one sparse product instead of ten estimator calls; the
        result is the same as `pipeline.predict_proba` (tested)."""
        import numpy as np

        if not texts:
            return np.zeros((0, len(COMPETENCY_IDS)))
        if self._fast is None:
            return self.pipeline.predict_proba(texts)
        weights, bias, a, b = self._fast
        features = self.pipeline.named_steps["features"].transform(texts)
        decision = np.asarray(features @ weights) + bias
        return 1.0 / (1.0 + np.exp(a * decision + b))

    def combine(self, proba, matcher_flags) -> list[list[bool]]:
        """The documented rule with this model's tuned parameters (see `apply_rule`)."""
        return apply_rule(proba, matcher_flags, self.thresholds, self.alphas)


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


@cache
def default_model() -> CompetencyModel | None:
    """The shipped model, loaded once per process (None when no model is shipped)."""
    folder = default_model_dir()
    return None if folder is None else load_model(folder)


def load_model(folder: str | os.PathLike[str]) -> CompetencyModel:
    """Load a model folder after checking the artifact's sha256 against meta.json."""
    from skops.io import get_untrusted_types, loads

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
    untrusted = [t for t in get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
    if untrusted:
        raise ModelError(
            f"{folder / ARTIFACT}: contains types not on the trusted list: {untrusted}"
        )
    pipeline = loads(data, trusted=TRUSTED_TYPES)
    if list(meta.get("labels", [])) != list(COMPETENCY_IDS):
        raise ModelError(f"{folder}: label set differs from the guide's competencies")
    return CompetencyModel(
        pipeline, dict(meta["thresholds"]), dict(meta["matcher_alphas"]), str(meta["version"]), meta
    )
