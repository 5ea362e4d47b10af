"""The document-level decision (pipeline/skills/learn.py, classify.DocDecision) on synthetic
features: it learns a separable rule, never vetoes explicit evidence, survives meta.json, and
cross-validation predicts each document with a decision fit without its fold."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from pipeline.skills import learn
from pipeline.skills.classify import DOC_FEATURES, DocDecision
from pipeline.skills.lexicon import COMPETENCY_IDS

C, F = len(COMPETENCY_IDS), len(DOC_FEATURES)


def synthetic(n: int = 200, seed: int = 1):
    """Documents whose label is 1 exactly when their top sentence probability is high."""
    rng = np.random.default_rng(seed)
    features = rng.uniform(0, 0.4, size=(n, C, F))
    labels = rng.integers(0, 2, size=(n, C))
    features[:, :, 0] += 0.5 * labels  # max_p carries the label
    explicit = np.zeros((n, C, 3))
    return features, explicit, labels


def test_decision_learns_a_separable_rule_and_round_trips():
    features, explicit, labels = synthetic()
    decision = learn.fit_decision(features, explicit, labels)
    present = np.stack([decision.decide(features[i], explicit[i])[0] for i in range(len(labels))])
    assert (present == labels.astype(bool)).mean() > 0.95
    again = DocDecision.from_meta(json.loads(json.dumps(decision.to_meta())))
    for i in range(5):
        # meta.json keeps 6 decimals
        assert np.allclose(
            again.probabilities(features[i]), decision.probabilities(features[i]), atol=1e-4
        )


def test_explicit_evidence_is_never_vetoed():
    features, explicit, labels = synthetic()
    decision = learn.fit_decision(features, explicit, labels)
    quiet = np.zeros((C, F))  # no sentence supports anything
    listed = np.zeros((C, 3))
    listed[0, 0] = 1  # one skill of the first competency in a skills list or experience
    present, probability = decision.decide(quiet, listed)
    assert present[0] and probability[0] < decision.thresholds[0]
    assert not present[1:].any()


def test_cross_validation_fits_without_the_held_out_fold(monkeypatch):
    features, explicit, labels = synthetic(100)
    docs = [
        SimpleNamespace(labels=labels[i], explicit=explicit[i], entry=SimpleNamespace(fold=i % 5))
        for i in range(100)
    ]
    seen: list[int] = []
    real_fit = learn.fit_decision

    def spy(train_features, *args, **kwargs):
        seen.append(len(train_features))
        return real_fit(train_features, *args, **kwargs)

    monkeypatch.setattr(learn, "fit_decision", spy)
    predicted = learn.cross_validate(docs, features)
    assert seen == [80] * learn.FOLDS  # each decision saw the other four folds only
    assert predicted.shape == labels.shape and (predicted == labels).mean() > 0.9


def test_prf_table_counts():
    labels = np.zeros((4, C), dtype=int)
    predicted = np.zeros((4, C), dtype=int)
    labels[:2, 0] = 1
    predicted[1:3, 0] = 1  # one true positive, one false positive, one false negative
    row = learn.prf_table(labels, predicted)[COMPETENCY_IDS[0]]
    assert row["precision"] == pytest.approx(0.5) and row["recall"] == pytest.approx(0.5)
    assert row["support"] == 2
