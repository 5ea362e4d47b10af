"""Merge the hand-written parts into sentences.csv with a fixed train/dev/test split.

The split comes from a hash of each row's id (70/15/15), so it never changes when
rows are added. Run from the repo root: python models/training/build_dataset.py
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("programming", "ml_frameworks", "statistics", "data_preprocessing", "cloud_deployment",
          "deep_learning", "nlp", "data_visualization", "problem_solving", "communication_teamwork")


def split_of(row_id: str) -> str:
    bucket = int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def main() -> int:
    rows = []
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    for part in sorted((HERE / "parts").glob("*.csv")):
        with open(part, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = " ".join(row["text"].lower().split())
                if row["id"] in seen_ids:
                    print(f"{part.name}: duplicate id {row['id']}", file=sys.stderr)
                    return 1
                if key in seen_texts:
                    continue  # the same sentence written twice: keep the first
                seen_ids.add(row["id"])
                seen_texts.add(key)
                rows.append({"id": row["id"], "split": split_of(row["id"]), "text": row["text"],
                             **{c: int(row[c]) for c in LABELS}})
    with open(HERE / "sentences.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "split", "text", *LABELS],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = {s: sum(r["split"] == s for r in rows) for s in ("train", "dev", "test")}
    positives = {c: sum(r[c] for r in rows) for c in LABELS}
    negatives = sum(all(r[c] == 0 for c in LABELS) for r in rows)
    print(f"{len(rows)} rows {counts}; negatives {negatives}; positives {positives}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
