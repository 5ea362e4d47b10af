"""Train, compare and evaluate the competency classifier; write the artifact and its card."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
import zipfile
from pathlib import Path
from typing import Any

from .classify import (
    ARTIFACT,
    TRUSTED_TYPES,
    CompetencyModel,
    Labelled,
    apply_rule,
    build_pipeline,
    data_hash,
    read_labelled,
)
from .lexicon import COMPETENCY_IDS, Lexicon

CANDIDATES = ("word_lr", "word_char_lr", "word_char_svm")
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 19))  # 0.10 … 0.90


def matcher_flags(texts: list[str], lexicon: Lexicon, matcher=None) -> list[list[bool]]:
    """Per text and competency: did the lexicon matcher find a skill that evidences it?"""
    from .matcher import SkillMatcher

    matcher = matcher or SkillMatcher(lexicon)
    out = []
    for text in texts:
        found = {m.skill_id for m in matcher.find(text)}
        comps = {c for sid in found for c in lexicon.skills[sid].competencies}
        out.append([c in comps for c in COMPETENCY_IDS])
    return out


def prf(gold: list[list[int]], pred: list[list[bool]]) -> dict[str, Any]:
    """Per-competency precision, recall, F1 and support, plus the macro averages."""
    table: dict[str, Any] = {}
    for j, c in enumerate(COMPETENCY_IDS):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g[j] and p[j])
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g[j] and p[j])
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g[j] and not p[j])
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[c] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": tp + fn,
        }
    for key in ("precision", "recall", "f1"):
        table.setdefault("macro", {})[key] = round(
            sum(table[c][key] for c in COMPETENCY_IDS) / len(COMPETENCY_IDS), 3
        )
    return table


ALPHA_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def tune_thresholds(
    proba, flags, gold, use_matcher: bool
) -> tuple[dict[str, float], dict[str, float]]:
    """Per competency, (t_c, alpha_c) on the grids with the best dev F1 (ties: the higher t).
    Without the matcher alpha is irrelevant and returned as 1.0."""
    thresholds: dict[str, float] = {}
    alphas: dict[str, float] = {}
    for j, c in enumerate(COMPETENCY_IDS):
        best = (-1.0, 0.5, 1.0)
        for alpha in ALPHA_GRID if use_matcher else (1.0,):
            for t in THRESHOLD_GRID:
                pred = [
                    row[j] >= t or (use_matcher and fl[j] and row[j] >= alpha * t)
                    for row, fl in zip(proba, flags, strict=True)
                ]
                tp = sum(1 for g, p in zip(gold, pred, strict=True) if g[j] and p)
                fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g[j] and p)
                fn = sum(1 for g, p in zip(gold, pred, strict=True) if g[j] and not p)
                f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                if f1 > best[0] + 1e-9 or (abs(f1 - best[0]) <= 1e-9 and t >= best[1]):
                    best = (f1, t, alpha)
        thresholds[c], alphas[c] = best[1], best[2]
    return thresholds, alphas


def _split(rows: list[Labelled], name: str) -> tuple[list[str], list[list[int]]]:
    chosen = [r for r in rows if r.split == name]
    return [r.text for r in chosen], [list(r.labels) for r in chosen]


def compare(
    data: str | os.PathLike[str],
    lexicon: Lexicon,
    seed: int = 0,
    dev_flags: list[list[bool]] | None = None,
) -> dict[str, Any]:
    """Fit every candidate on train; report dev macro-F1 (classifier alone and combined)."""
    rows = read_labelled(data)
    train_x, train_y = _split(rows, "train")
    dev_x, dev_y = _split(rows, "dev")
    flags = dev_flags if dev_flags is not None else matcher_flags(dev_x, lexicon)
    results = {}
    for kind in CANDIDATES:
        began = time.perf_counter()
        pipe = build_pipeline(kind, seed).fit(train_x, train_y)
        proba = pipe.predict_proba(dev_x)
        alone, _ = tune_thresholds(proba, flags, dev_y, use_matcher=False)
        both, alphas = tune_thresholds(proba, flags, dev_y, use_matcher=True)
        results[kind] = {
            "dev_macro_f1_classifier": prf(dev_y, apply_rule(proba, flags, alone))["macro"]["f1"],
            "dev_macro_f1_combined": prf(dev_y, apply_rule(proba, flags, both, alphas))["macro"][
                "f1"
            ],
            "fit_seconds": round(time.perf_counter() - began, 1),
        }
    return results


def train(
    data: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    lexicon: Lexicon,
    kind: str | None = None,
    version: str = "1.0.0",
    seed: int = 0,
) -> dict[str, Any]:
    """Train on the train split, tune thresholds on dev, evaluate on test, write the artifact."""
    import sklearn
    from skops.io import dumps

    from ..version import __version__

    rows = read_labelled(data)
    train_x, train_y = _split(rows, "train")
    dev_x, dev_y = _split(rows, "dev")
    test_x, test_y = _split(rows, "test")
    # The matcher's flags depend only on the text: computed once, with one matcher.
    from .matcher import SkillMatcher

    matcher = SkillMatcher(lexicon)
    dev_flags = matcher_flags(dev_x, lexicon, matcher)
    test_flags = matcher_flags(test_x, lexicon, matcher)
    comparison = compare(data, lexicon, seed, dev_flags) if kind is None else {}
    if kind is None:
        kind = max(
            CANDIDATES, key=lambda k: (comparison[k]["dev_macro_f1_combined"], k == "word_char_lr")
        )
    pipe = build_pipeline(kind, seed).fit(train_x, train_y)
    dev_proba = pipe.predict_proba(dev_x)
    thresholds, alphas = tune_thresholds(dev_proba, dev_flags, dev_y, use_matcher=True)
    alone_thresholds, _ = tune_thresholds(dev_proba, dev_flags, dev_y, use_matcher=False)
    test_proba = pipe.predict_proba(test_x)
    metrics = {
        "test": {
            "matcher_only": prf(test_y, test_flags),
            "classifier_only": prf(test_y, apply_rule(test_proba, test_flags, alone_thresholds)),
            "combined": prf(test_y, apply_rule(test_proba, test_flags, thresholds, alphas)),
        },
        "dev_comparison": comparison,
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    blob = dumps(pipe, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    (out / ARTIFACT).write_bytes(blob)
    counts = {s: sum(r.split == s for r in rows) for s in ("train", "dev", "test")}
    meta = {
        "name": "competency",
        "version": version,
        "kind": kind,
        "labels": list(COMPETENCY_IDS),
        "thresholds": thresholds,
        "matcher_alphas": alphas,
        "combination_rule": (
            "present if p >= t_c, or the matcher found a skill for c and p >= alpha_c * t_c"
        ),
        "package_version": __version__,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "lexicon_version": lexicon.version,
        "training_data": str(Path(data).as_posix()),
        "training_data_sha256": data_hash(data),
        "rows": counts,
        "seed": seed,
        "trusted_types": TRUSTED_TYPES,
        "metrics": metrics,
        "artifact": ARTIFACT,
        "artifact_sha256": hashlib.sha256(blob).hexdigest(),
    }
    return write_meta(out, meta)


def evaluate(
    model: CompetencyModel, data: str | os.PathLike[str], lexicon: Lexicon, split: str | None = None
) -> dict[str, Any]:
    """Per-competency P/R/F1 of the matcher alone and of the combined rule on a labelled CSV."""
    rows = [r for r in read_labelled(data) if split is None or r.split == split]
    texts = [r.text for r in rows]
    gold = [list(r.labels) for r in rows]
    flags = matcher_flags(texts, lexicon)
    proba = model.predict_proba(texts)
    return {
        "rows": len(rows),
        "matcher_only": prf(gold, flags),
        "combined": prf(gold, model.combine(proba, flags)),
    }


def metrics_table(metrics: dict[str, Any]) -> str:
    """A Markdown table: per competency, matcher-only vs combined P/R/F1."""
    base, comb = metrics["matcher_only"], metrics["combined"]
    lines = [
        "| competency | support | matcher P | matcher R | matcher F1 "
        "| combined P | combined R | combined F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in (*COMPETENCY_IDS, "macro"):
        b, m = base[c], comb[c]
        support = b.get("support", "")
        lines.append(
            f"| {c} | {support} | {b['precision']:.3f} | {b['recall']:.3f} | {b['f1']:.3f} | "
            f"{m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** |"
        )
    return "\n".join(lines)


def write_meta(folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Write a model's meta.json (sorted keys, so a retrain with the same result is identical)."""
    (folder / "meta.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return meta
