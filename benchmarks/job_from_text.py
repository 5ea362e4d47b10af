"""Skill recall of `job from-text` on SkillSpan's job-posting sentences, with a baseline.

SkillSpan (../shared/data/skillspan, MIT; Zhang et al. 2022) marks skill spans (soft and
hard skills) and knowledge spans (tools, languages, topics) in job-posting sentences. For each
sentence (tokens joined by spaces) this counts a gold span as found when a skill the lexicon
matcher finds there (the matcher `job from-text` uses) overlaps it; and the share of our
matches that overlap some gold span. Baseline in the same run: a plain dictionary lookup of
the lexicon's names and aliases over 1-4 token n-grams, lower case, no tokenizer or context
rules. The lexicon covers the hiring guide's technical skills, not every skill a posting names,
so recall of "skill" spans (mostly soft-skill phrases) is expected to be low.

    python benchmarks/job_from_text.py [--split dev|train]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def spans(tags: list[str]) -> list[tuple[int, int]]:
    """(first, last+1) token spans of BIO tags."""
    out, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("B") or tag == "O":
            if start is not None:
                out.append((start, i))
                start = None
            if tag.startswith("B"):
                start = i
        elif tag.startswith("I") and start is None:
            start = i
    return out


def lookup_table(lexicon) -> dict[str, str]:
    table = {}
    for sid, skill in lexicon.skills.items():
        for alias in (skill.name, *(a.text for a in skill.aliases)):
            if alias:
                table.setdefault(alias.lower(), sid)
    return table


def main() -> None:
    from pipeline.skills.devset import shared_data
    from pipeline.skills.lexicon import default_lexicon
    from pipeline.skills.matcher import SkillMatcher

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    args = parser.parse_args()
    data = shared_data()
    if data is None or not (data / "skillspan" / f"{args.split}.json").is_file():
        sys.exit("../shared/data/skillspan is absent: nothing to measure")
    started = time.perf_counter()
    lexicon = default_lexicon()
    matcher = SkillMatcher(lexicon)
    table = lookup_table(lexicon)
    gold = defaultdict(int)
    found = defaultdict(lambda: defaultdict(int))
    matches = defaultdict(int)
    on_gold = defaultdict(int)
    sentences = 0
    path = data / "skillspan" / f"{args.split}.json"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        tokens = row["tokens"]
        sentences += 1
        starts, pos = [], 0
        for t in tokens:
            starts.append(pos)
            pos += len(t) + 1
        text = " ".join(tokens)

        def token_of(char: int, starts: list[int] = starts) -> int:
            return max(i for i, s in enumerate(starts) if s <= char)

        ours = [
            (token_of(m.start), token_of(max(m.start, m.end - 1)) + 1) for m in matcher.find(text)
        ]
        lower = [t.lower() for t in tokens]
        base = [
            (i, i + n)
            for n in (1, 2, 3, 4)
            for i in range(len(tokens) - n + 1)
            if " ".join(lower[i : i + n]) in table
        ]
        all_gold = []
        for kind in ("skill", "knowledge"):
            for a, b in spans(row[f"tags_{kind}"]):
                key = (row["source"], kind)
                gold[key] += 1
                all_gold.append((a, b))
                for name, predicted in (("ours", ours), ("lookup", base)):
                    if any(s < b and a < e for s, e in predicted):
                        found[name][key] += 1
        for name, predicted in (("ours", ours), ("lookup", base)):
            matches[name] += len(predicted)
            on_gold[name] += sum(any(s < b and a < e for a, b in all_gold) for s, e in predicted)
    print(
        f"SkillSpan {args.split}: {sentences} sentences; gold spans found by an overlapping match"
    )
    print(f"{'source':<8} {'span kind':<10} {'gold':>6} {'ours':>8} {'lookup':>8}")
    for key in sorted(gold):
        n = gold[key]
        print(
            f"{key[0]:<8} {key[1]:<10} {n:>6} {found['ours'][key] / n:>8.1%} "
            f"{found['lookup'][key] / n:>8.1%}"
        )
    for kind in ("skill", "knowledge"):
        n = sum(v for k, v in gold.items() if k[1] == kind)
        ours = sum(v for k, v in found["ours"].items() if k[1] == kind)
        base = sum(v for k, v in found["lookup"].items() if k[1] == kind)
        print(f"{'all':<8} {kind:<10} {n:>6} {ours / n:>8.1%} {base / n:>8.1%}")
    for name in ("ours", "lookup"):
        share = on_gold[name] / matches[name] if matches[name] else 0.0
        print(f"{name}: {matches[name]} matches, {share:.1%} of them on a gold span")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
