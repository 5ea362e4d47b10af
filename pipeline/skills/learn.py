"""Learn the competency model from real resumes, and measure it honestly.

- The sentence classifier learns from the sentences the team wrote (models/training/
  sentences.csv) and from sentences and bullets of real resumes (models/training/
  real_units.csv + real_labels.csv; their text is read from the shared data folder).
- The document decision (pipeline/skills/classify.py, `DocDecision`) learns from the
  development set's document labels (models/devset/labels.csv), on features made with sentence
  classifiers that never saw the document's own fold (out-of-fold), so its inputs look like
  those of an unseen resume.
- `cross_validate` reports every figure on folds the model was not fit on: for fold k, the
  sentence classifier is fit without fold k's sentences and the decision without fold k's
  documents.

    python -m pipeline train --real --out models/competency/2.0.0 --version 2.0.0
"""

from __future__ import annotations

import csv
import hashlib
import json
import platform
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..text.redact import neutralise
from .classify import (
    ARTIFACT,
    DOC_FEATURES,
    TRUSTED_TYPES,
    DocDecision,
    ModelError,
    doc_features,
    explicit_evidence,
)
from .devset import (
    DEVSET_DIR,
    FOLDS,
    UNITS_CSV,
    Entry,
    Texts,
    document_units,
    read_entries,
    shared_data,
)
from .lexicon import COMPETENCY_IDS, Lexicon

WRITTEN = Path(__file__).resolve().parents[2] / "models" / "training" / "sentences.csv"
REAL_LABELS = UNITS_CSV.with_name("real_labels.csv")
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 19))
CHAR_NGRAMS = True  # character 2-5 grams beside word 1-2 grams (unit-level CV: +0.05 macro-F1)
DECISION_C = 1.0  # regularisation of the document models
HASH_FEATURES = 2**16  # per part; 2**18 gave a 10 MB artifact and the same CV macro-F1


@dataclass
class DevDoc:
    """A development-set resume, ready for the competency model (no text kept beyond units)."""

    entry: Entry
    labels: Any  # (C,) 0/1
    fit: int
    units: list[str]
    explicit: Any  # (C, 3), see classify.explicit_evidence


def read_doc_labels(path: Path | None = None) -> dict[str, tuple[list[int], int]]:
    """id -> (competency labels in COMPETENCY_IDS order, fit 0-3)."""
    with open(path or DEVSET_DIR / "labels.csv", encoding="utf-8", newline="") as handle:
        return {
            r["id"]: ([int(r[c]) for c in COMPETENCY_IDS], int(r["fit"]))
            for r in csv.DictReader(handle)
        }


def load_dev_docs(data: Path, matcher, lexicon: Lexicon, as_of=None) -> list[DevDoc]:
    """Every development-set resume's evidence (parsed from the shared data folder)."""
    import numpy as np

    from .profile import read_evidence

    labels = read_doc_labels()
    texts = Texts(data)
    docs = []
    for entry in read_entries():
        found = read_evidence(texts.document(entry), matcher, as_of)
        comps, fit = labels[entry.id]
        docs.append(
            DevDoc(
                entry,
                np.array(comps),
                fit,
                [unit for _, _, unit in found.units],
                explicit_evidence(found.mentions, lexicon),
            )
        )
    return docs


def load_written() -> tuple[list[str], list[list[int]]]:
    from .classify import read_labelled

    rows = read_labelled(WRITTEN)
    return [r.text for r in rows], [list(r.labels) for r in rows]


def load_real_units(data: Path) -> list[tuple[str, int, list[int]]]:
    """(text, fold of its document or -1, labels) of every labelled real unit; the text is
    read again from the shared data folder and checked against the unit's hash."""
    from .devset import read_units, unit_digest

    with open(REAL_LABELS, encoding="utf-8", newline="") as handle:
        labels = {r["id"]: [int(r[c]) for c in COMPETENCY_IDS] for r in csv.DictReader(handle)}
    texts = Texts(data)
    by_doc: dict[str, list] = {}
    for unit in read_units():
        by_doc.setdefault(unit.path, []).append(unit)
    out = []
    for path, units in sorted(by_doc.items()):
        entry = Entry(units[0].doc, path.split("/")[0], path, "", units[0].sha256, "", -1)
        if path.startswith("kaggle-resumes/"):
            entry = Entry(units[0].doc, "kaggle-resumes", path, "", units[0].sha256, "", -1)
        document = texts.document(entry, check=False)
        found = {(a, b): text for a, b, text in document_units(document)}
        by_digest = {unit_digest(text): text for text in found.values()}
        for unit in units:
            text = found.get((unit.start, unit.end))
            if text is None or unit_digest(text) != unit.digest:
                text = by_digest.get(unit.digest)  # the parser moved it: find it by its hash
            if text is None:
                continue  # the parser changed this text: the unit is left out
            out.append((text, unit.fold, labels[unit.id]))
    return out


def sentence_pipeline(seed: int = 0):
    """The sentence classifier: TF-IDF over hashed word 1-2 grams and character 2-5 grams
    (CHAR_NGRAMS), one logistic regression per competency (class-balanced). HASH_FEATURES
    buckets per part keep the artifact small (its coefficients are dense)."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    def hashed(**ngrams) -> Pipeline:
        hashing = HashingVectorizer(
            n_features=HASH_FEATURES, alternate_sign=False, norm=None, lowercase=True, **ngrams
        )
        return Pipeline([("hash", hashing), ("tfidf", TfidfTransformer(sublinear_tf=True))])

    parts = [("word", hashed(ngram_range=(1, 2)))]
    if CHAR_NGRAMS:
        parts.append(("char", hashed(analyzer="char_wb", ngram_range=(2, 5))))
    classifier = LogisticRegression(
        C=4.0, class_weight="balanced", max_iter=3000, random_state=seed
    )
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            ("classify", OneVsRestClassifier(classifier)),
        ]
    )


def _compact(pipe):
    """Keep the classifiers' coefficients as float32: half the artifact, probabilities equal
    to about 1e-7 (numpy computes with the float64 features)."""
    import numpy as np

    for estimator in pipe.named_steps["classify"].estimators_:
        estimator.coef_ = estimator.coef_.astype(np.float32)
    return pipe


def fit_sentences(written, real, exclude_fold: int | None = None, seed: int = 0):
    texts, labels = list(written[0]), list(written[1])
    for text, fold, y in real:
        if exclude_fold is None or fold != exclude_fold:
            texts.append(text)
            labels.append(y)
    return sentence_pipeline(seed).fit([neutralise(t) for t in texts], labels)


def _predict(pipe, texts):
    import numpy as np

    if not texts:
        return np.zeros((0, len(COMPETENCY_IDS)))
    return pipe.predict_proba([neutralise(t) for t in texts])


def oof_features(docs: list[DevDoc], written, real, seed: int = 0, probabilities=None) -> Any:
    """(documents, C, F) features, each document's from a sentence classifier fit without its
    fold. With a `probabilities` list, each document's unit probabilities are appended to it."""
    import numpy as np

    features = np.zeros((len(docs), len(COMPETENCY_IDS), len(DOC_FEATURES)))
    per_doc: dict[int, Any] = {}
    for fold in range(FOLDS):
        pipe = fit_sentences(written, real, exclude_fold=fold, seed=seed)
        for i, doc in enumerate(docs):
            if doc.entry.fold == fold:
                per_doc[i] = _predict(pipe, doc.units)
                features[i] = doc_features(per_doc[i], doc.explicit)
    if probabilities is not None:
        probabilities.extend(per_doc[i] for i in range(len(docs)))
    return features


def fit_decision(features, explicit, labels, seed: int = 0) -> DocDecision:
    """A logistic model per competency over standardised features; its threshold is the one
    with the best F1 of the whole decision (explicit evidence or model) on out-of-fold
    predictions of the model itself (an inner 5-fold split)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    _, c, f = features.shape
    means = features.mean(axis=0)
    scales = features.std(axis=0)
    scales[scales < 1e-6] = 1.0
    coefs = np.zeros((c, f))
    intercepts = np.zeros(c)
    thresholds = np.full(c, 0.5)
    for j in range(c):
        x = (features[:, j, :] - means[j]) / scales[j]
        y = labels[:, j]
        strong = explicit[:, j, 0] > 0
        if y.min() == y.max():
            intercepts[j] = 10.0 if y[0] else -10.0
            continue
        model = LogisticRegression(C=DECISION_C, max_iter=2000, random_state=seed)
        splits = min(5, int(min(y.sum(), len(y) - y.sum())))
        if splits >= 2:
            inner = StratifiedKFold(splits, shuffle=True, random_state=seed)
            oof = cross_val_predict(model, x, y, cv=inner, method="predict_proba")[:, 1]
            best = (-1.0, 0.5)
            for t in THRESHOLD_GRID:
                pred = strong | (oof >= t)
                tp = int((pred & (y == 1)).sum())
                score = 2 * tp / (pred.sum() + y.sum()) if tp else 0.0
                if score > best[0] + 1e-9:
                    best = (score, t)
            thresholds[j] = best[1]
        model.fit(x, y)
        coefs[j] = model.coef_[0]
        intercepts[j] = model.intercept_[0]
    return DocDecision(means, scales, coefs, intercepts, thresholds)


def cross_validate(docs: list[DevDoc], features, seed: int = 0, probabilities=None) -> Any:
    """(documents, C) 0/1 decisions, each document's from a decision fit without its fold
    (with a `probabilities` array of (documents, C), the decision's probabilities too)."""
    import numpy as np

    explicit = np.stack([d.explicit for d in docs])
    labels = np.stack([d.labels for d in docs])
    folds = np.array([d.entry.fold for d in docs])
    predicted = np.zeros(labels.shape, dtype=int)
    for fold in range(FOLDS):
        train = folds != fold
        decision = fit_decision(features[train], explicit[train], labels[train], seed)
        for i in np.flatnonzero(~train):
            present, probability = decision.decide(features[i], explicit[i])
            predicted[i] = present
            if probabilities is not None:
                probabilities[i] = probability
    return predicted


def prf_table(labels, predicted) -> dict[str, Any]:
    """Per competency and macro precision, recall, F1 (document level)."""
    table: dict[str, Any] = {}
    for j, c in enumerate(COMPETENCY_IDS):
        y, p = labels[:, j], predicted[:, j]
        tp = int(((y == 1) & (p == 1)).sum())
        fp = int(((y == 0) & (p == 1)).sum())
        fn = int(((y == 1) & (p == 0)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[c] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    table["macro"] = {
        k: sum(table[c][k] for c in COMPETENCY_IDS) / len(COMPETENCY_IDS)
        for k in ("precision", "recall", "f1")
    }
    return table


def learn(out_dir: Path, lexicon: Lexicon, data: Path, version: str, seed: int = 0) -> dict:
    """Fit and write the model (artifact, meta.json with the decision and CV metrics)."""
    import numpy as np
    import sklearn
    from skops.io import dumps

    from ..version import __version__
    from .matcher import SkillMatcher
    from .train import write_meta

    matcher = SkillMatcher(lexicon)
    docs = load_dev_docs(data, matcher, lexicon)
    written = load_written()
    real = load_real_units(data)
    if not real:
        raise ModelError("no real units could be read from the shared data folder")
    features = oof_features(docs, written, real, seed)
    labels = np.stack([d.labels for d in docs])
    explicit = np.stack([d.explicit for d in docs])
    cv = prf_table(labels, cross_validate(docs, features, seed))
    matcher_only = prf_table(labels, (explicit[:, :, 0] + explicit[:, :, 1] > 0).astype(int))
    decision = fit_decision(features, explicit, labels, seed)
    pipe = _compact(fit_sentences(written, real, seed=seed))
    out_dir.mkdir(parents=True, exist_ok=True)
    blob = dumps(pipe, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    (out_dir / ARTIFACT).write_bytes(blob)

    def rounded(table: dict) -> dict:
        return {
            k: {m: round(v, 3) if isinstance(v, float) else v for m, v in row.items()}
            for k, row in table.items()
        }

    meta = {
        "name": "competency",
        "version": version,
        "kind": "word_lr+document",
        "labels": list(COMPETENCY_IDS),
        "document": decision.to_meta(),
        "decision_rule": (
            "present if the lexicon found one of the competency's skills (not hedged) in the "
            "skills list, experience or projects, or the document model's p >= t_c"
        ),
        "package_version": __version__,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "lexicon_version": lexicon.version,
        "training_data": {
            "written_sentences": {"file": "models/training/sentences.csv", "rows": len(written[0])},
            "real_units": {"file": "models/training/real_units.csv", "rows": len(real)},
            "documents": {"file": "models/devset/labels.csv", "rows": len(docs)},
            "sha256": _hash_files(WRITTEN, REAL_LABELS, DEVSET_DIR / "labels.csv"),
        },
        "seed": seed,
        "trusted_types": TRUSTED_TYPES,
        "metrics": {
            "document_cv": rounded(cv),
            "document_matcher_only": rounded(matcher_only),
            "folds": FOLDS,
        },
        "artifact": ARTIFACT,
        "artifact_sha256": hashlib.sha256(blob).hexdigest(),
    }
    write_meta(out_dir, meta)
    from .fastpath import write_linear

    write_linear(out_dir)  # linear.npz: predictions without skops/scikit-learn at run time
    return json.loads((out_dir / "meta.json").read_text(encoding="utf-8"))


def _hash_files(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.skills.learn`: fit the document model on the labelled real resumes."""
    import argparse

    from .lexicon import default_lexicon
    from .modelcard import write_document_card

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, default=shared_data(), help="the shared data folder")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--version", required=True, help="model version to record")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.data is None or not args.data.is_dir():
        parser.error(f"{args.data} not found: training reads resume text from the shared data")
    meta = learn(args.out, default_lexicon(), args.data, args.version, args.seed)
    write_document_card(args.out, meta)
    cv = meta["metrics"]["document_cv"]["macro"]["f1"]
    only = meta["metrics"]["document_matcher_only"]["macro"]["f1"]
    print(f"wrote {args.out}: document macro-F1 {cv:.3f} cross-validated, matcher only {only:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
