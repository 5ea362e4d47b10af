"""Agreement between the two independent labelling passes of the development set.

Reads models/devset/labels_pass_1.csv and labels_pass_2.csv (ids and labels only) and prints,
per competency, F1 of one pass against the other (symmetric) and Cohen's kappa; for the 0-3
fit, exact agreement, Cohen's kappa and quadratic-weighted kappa; and how many cells the
reconciliation changed (models/devset/reconciled.csv). Needs no shared data.

    python benchmarks/label_agreement.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.skills.lexicon import COMPETENCY_IDS  # noqa: E402

DEVSET = ROOT / "models" / "devset"


def read(path: Path) -> dict[str, dict[str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]: {k: int(v) for k, v in row.items() if k != "id"}
            for row in csv.DictReader(handle)
        }


def main() -> None:
    first = read(DEVSET / "labels_pass_1.csv")
    second = read(DEVSET / "labels_pass_2.csv")
    final = read(DEVSET / "labels.csv")
    ids = sorted(set(first) & set(second))
    print(f"documents labelled in both passes: {len(ids)} (final labels: {len(final)})")
    print(f"{'label':<24} {'pos 1':>6} {'pos 2':>6} {'F1':>6} {'kappa':>6}")
    for name in COMPETENCY_IDS:
        a = [first[i][name] for i in ids]
        b = [second[i][name] for i in ids]
        print(
            f"{name:<24} {sum(a):>6} {sum(b):>6} {f1_score(a, b):>6.3f} "
            f"{cohen_kappa_score(a, b):>6.3f}"
        )
    a = [first[i]["fit"] for i in ids]
    b = [second[i]["fit"] for i in ids]
    exact = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
    print(
        f"fit 0-3: exact {exact:.3f}, kappa {cohen_kappa_score(a, b):.3f}, "
        f"quadratic kappa {cohen_kappa_score(a, b, weights='quadratic'):.3f}"
    )
    distribution = {k: sum(final[i]["fit"] == k for i in final) for k in range(4)}
    print(f"final fit distribution: {distribution}")
    with (DEVSET / "reconciled.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = len(ids) * (len(COMPETENCY_IDS) + 1)
    print(f"cells where the passes disagreed and a reconciler decided: {len(rows)} of {cells}")


if __name__ == "__main__":
    main()
