"""Learned requirement weights against the hand-set ones, for the ML-engineer job, cross-validated.

Question: do weights learned from the development set's fit labels (0-3) order candidates better
than the weights written by hand in examples/jobs/ml-engineer.yaml? Only out-of-fold scores are
measured; nothing here changes the product's ranker or job file.

Data: the profiles of benchmarks/screening_quality.py (`--cache`), whose competencies come from
the cross-validated decision (each document's from a decision fit without its fold), and the
508 fit labels. The texts are read only for the BM25 / TF-IDF baselines and feature.

Features per resume (every one label-free):
- the 16 per-requirement credits 0..1 of `score_profile` (14 requirements, the neighbour role,
  and the years requirement), i.e. exactly what the hand-weighted score averages;
- for the "+ BM25" models, BM25 over the job's terms (as in screening_quality.py) divided by its
  maximum over the 508 texts (a label-free scale; the IDF is that of the 508 texts).

Models (a score is a non-negative weighted sum of features; sorting as the product does,
ties broken by candidate id):
- learned weights: pairwise logistic regression without intercept on the difference vectors
  of every pair of training resumes with different fit (better minus worse), weights bounded
  at >= 0 (L-BFGS-B), mean log-loss + lambda/2 |w|^2. Variant "gain-weighted": each pair's loss
  is weighted by |2^fit_a - 2^fit_b| (pairs involving the few fit 2/3 resumes count more, which
  is what NDCG rewards). Both variants were fixed before the first run. Added after the first
  run showed the learned weights losing at the top (so it is exploratory, not a pre-registered
  comparison): "top pairs only", the pairs whose better resume has fit 2 or 3.
- hand score + a learned multiple of BM25: the same fit on two features (the hand score / 100,
  BM25 / max): one learned mixing ratio.
- lambda is chosen inside the training folds only (nested): for each outer fold, each lambda in
  LAMBDAS is scored by leave-one-fold-out over the 4 training folds, the criterion being the
  mean Kendall tau-b of the inner held-out folds (fixed a priori; NDCG@10 of an inner fold of ~80
  resumes with 0-6 of fit 3 is too noisy to choose by). The chosen lambda is refit on the 4 folds.

Folds: the development set's own 5 folds by person (Entry.fold, from devset.fold_of(group)), the
ones learn.py cross-validates the competency decision with. The out-of-fold scores of all 508
(each from the model that did not see its fold; every fold's weights are scaled to sum to the
hand weights' total, so each is a weighted mean of credits on the product's 0-100 scale and the
five folds' scores are comparable) give NDCG@10, NDCG@20 (gain 2^fit - 1) and Kendall tau-b,
beside the hand weights and BM25 in the same run. Also printed: the same figures inside each
fold (where the scale question does not arise), the weights of every fold and of an all-data
fit (for reading only: it is not evaluated), and a paired bootstrap over persons (1,000
resamples) of learned minus hand on the out-of-fold ranking.

Caveat kept in view: the competency decisions of a training resume were fit on data that
included the test fold's competency labels (not its fit labels): a second-order leak of the
stacked setup, the same as in screening_quality.py's other rows.

Run: python benchmarks/learned_ranking.py [--cache /tmp/sq_cache.pkl]   (a few seconds with
the cache; without one it builds the profiles as screening_quality.py does, several minutes)
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

AS_OF = date(2026, 12, 1)
FOLDS = 5
LAMBDAS = (1e-4, 1e-3, 1e-2, 1e-1)
BOOTSTRAP = 1000
SEED = 0


def kendall_b(scores: np.ndarray, fits: np.ndarray, ids: list[str]) -> float:
    """Tau-b of the total order (score high first, ties by id) against fit, as the benchmark."""
    from scipy.stats import kendalltau

    order = sorted(range(len(scores)), key=lambda i: (-scores[i], ids[i]))
    position = np.empty(len(order))
    position[order] = np.arange(len(order))
    return float(kendalltau(-position, fits).statistic)


def ndcg_at(scores: np.ndarray, fits: np.ndarray, ids: list[str], k: int) -> float:
    from screening_quality import ndcg

    order = sorted(range(len(scores)), key=lambda i: (-scores[i], ids[i]))
    return ndcg(order, list(fits), k)


def figures(scores, fits, ids) -> tuple[float, float, float]:
    return (ndcg_at(scores, fits, ids, 10), ndcg_at(scores, fits, ids, 20),
            kendall_b(scores, fits, ids))  # fmt: skip


def pairs_of(fits: np.ndarray, gain_weighted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(better, worse, pair weight) over every pair with different fit; with gain_weighted ==
    "top", only the pairs whose better resume has fit 2 or 3 (weight 1)."""
    a, b = np.nonzero(fits[:, None] > fits[None, :])
    if gain_weighted == "top":
        keep = fits[a] >= 2
        a, b = a[keep], b[keep]
        weight = np.ones(len(a))
    elif gain_weighted:
        weight = (2.0 ** fits[a] - 2.0 ** fits[b]).astype(float)
    else:
        weight = np.ones(len(a))
    return a, b, weight / weight.mean()


def fit_pairwise(x: np.ndarray, fits: np.ndarray, lam: float, gain_weighted: bool) -> np.ndarray:
    """Non-negative weights of a pairwise logistic model (no intercept), L2 penalty lam."""
    from scipy.optimize import minimize
    from scipy.special import expit

    better, worse, weight = pairs_of(fits, gain_weighted)
    diff = x[better] - x[worse]

    def loss(w):
        margin = diff @ w
        value = np.mean(weight * np.logaddexp(0.0, -margin)) + 0.5 * lam * w @ w
        grad = -(diff.T @ (weight * expit(-margin))) / len(margin) + lam * w
        return value, grad

    start = np.full(x.shape[1], 0.1)
    result = minimize(loss, start, jac=True, method="L-BFGS-B",
                      bounds=[(0.0, None)] * x.shape[1])  # fmt: skip
    return result.x


def choose_lambda(x, fits, folds, ids, gain_weighted: bool) -> float:
    """The lambda with the best mean inner held-out tau-b (leave one training fold out)."""
    best, chosen = -2.0, LAMBDAS[0]
    for lam in LAMBDAS:
        taus = []
        for inner in np.unique(folds):
            train, test = folds != inner, folds == inner
            w = fit_pairwise(x[train], fits[train], lam, gain_weighted)
            held = [ids[i] for i in np.nonzero(test)[0]]
            taus.append(kendall_b(x[test] @ w, fits[test], held))
        if np.mean(taus) > best + 1e-12:
            best, chosen = float(np.mean(taus)), lam
    return chosen


def cross_validated(x, fits, folds, ids, gain_weighted: bool, total: float):
    """Out-of-fold scores (each fold's weights scaled to sum to `total`), per-fold weights and
    lambdas."""
    scores = np.zeros(len(fits))
    weights, lambdas = [], []
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        train_ids = [ids[i] for i in np.nonzero(train)[0]]
        lam = choose_lambda(x[train], fits[train], folds[train], train_ids, gain_weighted)
        w = fit_pairwise(x[train], fits[train], lam, gain_weighted)
        w = w * total / w.sum() if w.sum() > 0 else w
        scores[test] = x[test] @ w
        weights.append(w)
        lambdas.append(lam)
    return scores, np.array(weights), lambdas


def bootstrap_difference(a, b, fits, groups, ids, rng) -> dict[str, tuple[float, float, float]]:
    """Paired bootstrap over persons of figures(a) - figures(b): (2.5 %, 97.5 %, share > 0).
    A resampled person's resumes get fresh ids so that duplicates do not tie."""
    people = sorted(set(groups))
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    diffs = []
    for _ in range(BOOTSTRAP):
        picked = rng.choice(len(people), size=len(people), replace=True)
        idx = [i for p in picked for i in members[people[p]]]
        new_ids = [f"{ids[i]}#{n}" for n, i in enumerate(idx)]
        fa = figures(a[idx], fits[idx], new_ids)
        fb = figures(b[idx], fits[idx], new_ids)
        diffs.append(np.subtract(fa, fb))
    diffs = np.array(diffs)
    names = ("NDCG@10", "NDCG@20", "tau-b")
    return {
        n: (float(np.percentile(diffs[:, j], 2.5)), float(np.percentile(diffs[:, j], 97.5)),
            float(np.mean(diffs[:, j] > 0)))
        for j, n in enumerate(names)
    }  # fmt: skip


def load_cache(path: Path | None):
    if path and path.is_file():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    import subprocess
    import tempfile

    out = Path(tempfile.mkdtemp()) / "sq_cache.pkl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "screening_quality.py"),
                    "--cache", str(out)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    with open(out, "rb") as handle:
        return pickle.load(handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/sq_cache.pkl"),
                        help="profiles written by screening_quality.py --cache")  # fmt: skip
    args = parser.parse_args()

    from screening_quality import bm25_scores, guide_skill_list, tfidf_scores

    from pipeline.score.job import load_job
    from pipeline.score.rank import score_profile
    from pipeline.skills.devset import shared_data
    from pipeline.skills.lexicon import default_lexicon

    honest, _, fit_list, full_texts, entries = load_cache(args.cache)
    lexicon = default_lexicon()
    job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml", lexicon)
    scored = [score_profile(p, job, lexicon, AS_OF) for p in honest]
    if any(s.disqualified for s in scored):
        sys.exit("a must-have disqualifies someone: this script models only the weighted mean")
    names = [r.requirement for r in scored[0].requirements]
    credits = np.array([[r.credit for r in s.requirements] for s in scored])
    hand_w = np.array([r.weight for r in scored[0].requirements])
    total = float(hand_w.sum())
    # The product's own score, as ranked (rounded to 0.1, ties by candidate id then file name).
    hand = np.array([s.score for s in scored])
    ids = [f"{s.candidate_id}|{s.source}" for s in scored]
    fits = np.array(fit_list)
    folds = np.array([e.fold for e in entries])
    groups = [e.group for e in entries]

    terms = [r.label for r in job.requirements]
    for r in job.requirements:
        for t in r.targets:
            terms.append(lexicon.label(t) if t in lexicon.skills or t in lexicon.competencies
                         else t)  # fmt: skip
    bm25 = np.array(bm25_scores(full_texts, terms))
    bm25_unit = bm25 / bm25.max()
    data = shared_data()
    tfidf = np.array(tfidf_scores(full_texts, guide_skill_list(data))) if data else None

    with_bm25 = np.column_stack([credits, bm25_unit])
    mix = np.column_stack([hand / 100.0, bm25_unit])
    models = {
        "learned weights, 16 credits": (credits, False),
        "learned weights, 16 credits, gain-weighted pairs": (credits, True),
        "learned weights, 16 credits, top pairs only (better fit >= 2)": (credits, "top"),
        "learned weights, 16 credits + BM25": (with_bm25, False),
        "learned weights, 16 credits + BM25, gain-weighted pairs": (with_bm25, True),
        "hand score + learned share of BM25": (mix, False),
    }
    results = {}
    for label, (x, gain) in models.items():
        results[label] = cross_validated(x, fits, folds, ids, gain, total)

    by_fit = dict(sorted(Counter(fits.tolist()).items()))
    by_fold = dict(sorted(Counter(folds.tolist()).items()))
    print(f"development set: {len(fits)} resumes, fit {by_fit}; folds by person: {by_fold}")
    print(
        "fit-3 resumes per fold: "
        + ", ".join(f"{k}: {int(np.sum((folds == k) & (fits == 3)))}" for k in range(FOLDS))
    )
    print("\n## ML-engineer ranking against fit, out-of-fold (5 folds by person)\n")
    print(
        "| ranking | NDCG@10 | NDCG@20 | Kendall tau-b | per-fold NDCG@10 (mean ± sd) "
        "| per-fold tau-b (mean ± sd) | lambda per fold | fit of the top 10 |"
    )
    print("| --- | ---: | ---: | ---: | --- | --- | --- | --- |")
    rows = {"**hand weights** (the product's ranker)": (hand, None),
            "BM25 over the job's terms": (bm25, None)}  # fmt: skip
    if tfidf is not None:
        rows["TF-IDF cosine to the guide's skill list"] = (tfidf, None)
    for label, (scores, _, lambdas) in results.items():
        rows[label] = (scores, lambdas)
    per_fold = {}
    for label, (scores, lambdas) in rows.items():
        n10, n20, tau = figures(scores, fits, ids)
        inside = []
        for k in range(FOLDS):
            m = np.nonzero(folds == k)[0]
            inside.append(figures(scores[m], fits[m], [ids[i] for i in m]))
        inside = np.array(inside)
        per_fold[label] = inside
        lam = ", ".join(f"{v:g}" for v in lambdas) if lambdas else "-"
        top = sorted(range(len(scores)), key=lambda i: (-scores[i], ids[i]))[:10]
        print(f"| {label} | {n10:.3f} | {n20:.3f} | {tau:.3f} | "
              f"{inside[:, 0].mean():.3f} ± {inside[:, 0].std(ddof=1):.3f} | "
              f"{inside[:, 2].mean():.3f} ± {inside[:, 2].std(ddof=1):.3f} | {lam} | "
              f"{fits[top].tolist()} |")  # fmt: skip
    ceiling = math.sqrt(1 - sum(n * (n - 1) / 2 for n in Counter(fits.tolist()).values())
                        / (len(fits) * (len(fits) - 1) / 2))  # fmt: skip
    print(f"\n(tau-b ceiling of a total order: {ceiling:.3f})")

    print("\n## Per fold: NDCG@10 / tau-b inside each held-out fold\n")
    print("| ranking | " + " | ".join(f"fold {k}" for k in range(FOLDS)) + " |")
    print("| --- |" + " --- |" * FOLDS)
    for label, inside in per_fold.items():
        cells = " | ".join(f"{a:.3f} / {t:.3f}" for a, _, t in inside)
        print(f"| {label} | {cells} |")

    rng = np.random.default_rng(SEED)
    print(f"\n## Learned minus hand, paired bootstrap over persons ({BOOTSTRAP} resamples) "
          "of the out-of-fold ranking\n")  # fmt: skip
    print(
        "| model | NDCG@10 95 % interval (share > 0) | NDCG@20 | tau-b "
        "| folds better / worse than hand, NDCG@10; tau-b |"
    )
    print("| --- | --- | --- | --- | --- |")
    for label, (scores, _, _) in [*results.items(),
                                  ("BM25 over the job's terms", (bm25, None, None))]:  # fmt: skip
        boot = bootstrap_difference(scores, hand, fits, groups, ids, rng)
        cells = " | ".join(
            f"{lo:+.3f} .. {hi:+.3f} ({share:.2f})" for lo, hi, share in boot.values()
        )
        ours, theirs = per_fold[label], per_fold["**hand weights** (the product's ranker)"]
        wins = [f"{int(np.sum(ours[:, j] > theirs[:, j] + 1e-9))} / "
                f"{int(np.sum(ours[:, j] < theirs[:, j] - 1e-9))}" for j in (0, 2)]  # fmt: skip
        print(f"| {label} | {cells} | {wins[0]}; {wins[1]} |")

    print("\n## Weights (scaled to the hand weights' total; per fold = fit without that fold)\n")
    for label, (x, gain) in models.items():
        lam = choose_lambda(x, fits, folds, ids, gain)
        every = fit_pairwise(x, fits, lam, gain)
        every = every * total / every.sum()
        fold_w = results[label][1]
        feature_names = (["hand score", "BM25"] if x is mix
                         else names + (["BM25"] if x is with_bm25 else []))  # fmt: skip
        print(f"### {label} (all-data fit: lambda {lam:g})\n")
        print(
            "| feature | hand | all data | "
            + " | ".join(f"w/o fold {k}" for k in range(FOLDS))
            + " | per-fold min .. max |"
        )
        print("| --- | ---: | ---: |" + " ---: |" * FOLDS + " --- |")
        for j, name in enumerate(feature_names):
            hand_cell = (f"{hand_w[j]:g}" if x is not mix and j < len(hand_w)
                         else "1" if x is mix and j == 0 else "-")  # fmt: skip
            cells = " | ".join(f"{w:.2f}" for w in fold_w[:, j])
            print(
                f"| {name} | {hand_cell} | {every[j]:.2f} | {cells} | "
                f"{fold_w[:, j].min():.2f} .. {fold_w[:, j].max():.2f} |"
            )
        print()


if __name__ == "__main__":
    main()
