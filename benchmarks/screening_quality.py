"""Screening quality on the labelled real-resume development set, with baselines in the same run.

Data: models/devset/ (508 real resumes: every kaggle-resumes text, every livecareer IT and
engineering PDF plus 3 of each other category, every layouts file), labelled twice at
document level with the hiring guide (10 competencies, fit 0-3), disagreements reconciled;
the texts are read from ../shared/data. Prints, in one run:

1. document-level precision / recall / F1 per competency and macro-F1: ours cross-validated
   (5 folds by person: for each fold the sentence classifier and the document decision are fit
   without it), the lexicon matcher alone, and the previous release's rule (model 1.0.0, a
   competency is present when one sentence passes its threshold);
2. the ML-engineer ranking (examples/jobs/ml-engineer.yaml) against fit: NDCG@10, NDCG@20
   (gain 2^fit - 1) and Kendall tau-b of the order against fit, for ours (competencies from
   the cross-validated decision), TF-IDF cosine to the guide's skill list, BM25 over the job's
   terms, the matcher alone (our ranker without the classifier), and the previous release's
   ranker and model;
3. precision at 10 of a data-scientist job (examples/jobs/data-scientist.yaml) on the 166
   kaggle-resumes texts: share of the top 10 in the "Data Science" category.

Run: python benchmarks/screening_quality.py   (about 5 minutes; needs ../shared/data)
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 12, 1)
GUIDE = ROOT.parent / "shared" / "seed" / "hiring-guide.txt"
# The previous release's job file and ranker (release 0.1.0), for the baseline row.
PREVIOUS_JOB = {
    "title": "Machine Learning Engineer",
    "min_years": {"years": 2, "weight": 1},
    "required": [
        {"skill": "python", "weight": 3, "must": True},
        {"competency": "ml_frameworks", "weight": 3},
        {"competency": "statistics", "weight": 2},
        {"competency": "data_preprocessing", "weight": 2},
        {"competency": "cloud_deployment", "weight": 2},
        {"competency": "deep_learning", "weight": 2},
    ],
    "preferred": [
        {"any_of": ["pytorch", "tensorflow"], "weight": 1},
        {"any_of": ["aws", "azure"], "weight": 1},
        {"skill": "r", "weight": 0.5},
        {"competency": "nlp", "weight": 1},
        {"competency": "data_visualization", "weight": 1},
        {"competency": "problem_solving", "weight": 1},
        {"competency": "communication_teamwork", "weight": 1},
    ],
}
_WORDS = re.compile(r"[a-z0-9+#]+")


def previous_score(profile, job, lexicon) -> tuple[bool, float]:
    """Release 0.1.0's ranker: all-or-nothing credit (a competency met by two skills or the
    classifier, half by one skill), must-haves disqualify."""
    mentioned = {h.skill_id for h in profile.skills if h.mentions}
    comps = {c.competency_id: c for c in profile.competencies}
    total = got = 0.0
    disqualified = False
    for req in job.requirements:
        best = 0.0
        for target in req.targets:
            if req.kind == "competency" or (
                req.kind == "any_of" and target in lexicon.competencies
            ):
                comp = comps.get(target)
                skills = comp.skills if comp else ()
                credit = 1.0 if len(skills) >= 2 else 0.5 if skills else 0.0
                if comp is not None and comp.probability is not None and comp.present:
                    credit = 1.0
            else:
                credit = 1.0 if lexicon.descendants(target) & mentioned else 0.0
            best = max(best, credit)
        total += req.weight
        got += req.weight * best
        disqualified |= req.must and best == 0
    if job.min_years:
        years = profile.years_experience
        need = job.min_years.years
        credit = 1.0 if years and years >= need else 0.5 if years and years >= need / 2 else 0.0
        total += job.min_years.weight
        got += job.min_years.weight * credit
    return disqualified, 100 * got / total


def ndcg(order: list[int], fits: list[int], k: int) -> float:
    gains = [2 ** fits[i] - 1 for i in order[:k]]
    ideal = sorted((2**f - 1 for f in fits), reverse=True)[:k]
    dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
    best = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / best if best else 0.0


def ranking_row(name: str, keys: list[tuple], fits: list[int]) -> str:
    """keys: a sort key per document, best first when sorted ascending."""
    from scipy.stats import kendalltau

    order = sorted(range(len(keys)), key=lambda i: keys[i])
    position = {i: r for r, i in enumerate(order)}
    tau = kendalltau([-position[i] for i in range(len(keys))], fits).statistic
    return (
        f"| {name} | {ndcg(order, fits, 10):.3f} | {ndcg(order, fits, 20):.3f} | {tau:.3f} | "
        f"{[fits[i] for i in order[:10]]} |"
    )


def tfidf_scores(texts: list[str], query: str) -> list[float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    matrix = vec.fit_transform([*texts, query])
    return list(cosine_similarity(matrix[:-1], matrix[-1]).ravel())


def bm25_scores(texts: list[str], terms: list[str], k1: float = 1.5, b: float = 0.75) -> list:
    docs = [_WORDS.findall(t.lower()) for t in texts]
    avg = sum(map(len, docs)) / len(docs)
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    query = [w for t in terms for w in _WORDS.findall(t.lower())]
    out = []
    for d in docs:
        tf = Counter(d)
        score = 0.0
        for w in set(query):
            if tf[w]:
                idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
                score += idf * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * len(d) / avg))
        out.append(score)
    return out


def guide_skill_list(data: Path) -> str:
    """The guide's "Key Skills to Look For" list: the TF-IDF baseline's query."""
    guide = data.parent / "seed" / "hiring-guide.txt"
    if not guide.is_file():
        guide = GUIDE
    if not guide.is_file():
        sys.exit(f"the hiring guide is absent ({guide}): the TF-IDF baseline needs it")
    text = guide.read_text(encoding="utf-8")
    start = text.index("Key Skills to Look For")
    return "\n".join(line[2:] for line in text[start:].splitlines()[:20] if line.startswith("- "))


def main() -> None:
    import argparse
    import time

    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, help="also write the profiles here (pickle), to try job files"
    )
    args = parser.parse_args()
    started = time.perf_counter()

    from pipeline.read import PARSER_VERSION
    from pipeline.records import CompetencyEvidence
    from pipeline.score.job import job_from_dict, load_job
    from pipeline.score.rank import rank_key, score_profile
    from pipeline.skills import learn
    from pipeline.skills.classify import load_model
    from pipeline.skills.devset import Texts, read_entries, shared_data
    from pipeline.skills.lexicon import COMPETENCY_IDS, default_lexicon
    from pipeline.skills.matcher import SkillMatcher
    from pipeline.skills.profile import _unit_flags, build_profile, read_evidence

    data = shared_data()
    if data is None:
        sys.exit("../shared/data is absent: the development set's texts are not available")
    lexicon = default_lexicon()
    matcher = SkillMatcher(lexicon)
    texts = Texts(data)
    labels = learn.read_doc_labels()
    entries = read_entries()
    previous_model = load_model(ROOT / "models" / "competency" / "1.0.0")
    docs, profiles, previous_present, previous_profiles, full_texts = [], [], [], [], []
    for entry in entries:
        document = texts.document(entry)
        found = read_evidence(document, matcher, AS_OF)
        comps, fit = labels[entry.id]
        docs.append(
            learn.DevDoc(
                entry,
                np.array(comps),
                fit,
                [u for _, _, u in found.units],
                learn.explicit_evidence(found.mentions, lexicon),
            )
        )
        profiles.append(build_profile(document, matcher, lexicon, PARSER_VERSION, AS_OF, None))
        proba = previous_model.predict_proba([u for _, _, u in found.units])
        rows = previous_model.combine(proba, _unit_flags(found, lexicon))
        previous_present.append([any(r[j] for r in rows) for j in range(len(COMPETENCY_IDS))])
        previous_profiles.append(
            build_profile(document, matcher, lexicon, PARSER_VERSION, AS_OF, previous_model)
        )
        full_texts.append(document.text)
    gold = np.stack([d.labels for d in docs])
    fits = [d.fit for d in docs]
    written = learn.load_written()
    real = learn.load_real_units(data)
    unit_proba: list = []
    features = learn.oof_features(docs, written, real, probabilities=unit_proba)
    decision_p = np.zeros(gold.shape)
    ours = learn.cross_validate(docs, features, probabilities=decision_p)
    explicit = np.stack([d.explicit for d in docs])
    tables = {
        "ours, cross-validated": learn.prf_table(gold, ours),
        "lexicon matcher alone": learn.prf_table(
            gold, (explicit[:, :, 0] + explicit[:, :, 1] > 0).astype(int)
        ),
        "previous release (model 1.0.0 rule)": learn.prf_table(
            gold, np.array(previous_present, dtype=int)
        ),
    }
    print(f"development set: {len(docs)} resumes, fit {dict(sorted(Counter(fits).items()))}")
    print(f"sentence data: {len(written[0])} written, {len(real)} real units\n")
    print("## Competencies (document level)\n")
    print("| competency | support | " + " | ".join(f"{n} P / R / F1" for n in tables) + " |")
    print("| --- | ---: |" + " ---: |" * len(tables))
    for c in (*COMPETENCY_IDS, "macro"):
        cells = [
            f"{t[c]['precision']:.3f} / {t[c]['recall']:.3f} / **{t[c]['f1']:.3f}**"
            for t in tables.values()
        ]
        support = tables["ours, cross-validated"][c].get("support", "")
        print(f"| {c} | {support} | " + " | ".join(cells) + " |")

    # Ranking: our profiles with the cross-validated competency decisions.
    job = load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml", lexicon)
    honest = []
    for i, profile in enumerate(profiles):
        comps = []
        for j, comp in enumerate(profile.competencies):
            pairs = zip(docs[i].units, unit_proba[i][:, j], strict=True)
            confident = [u for u, p in pairs if p >= 0.5][:3]
            comps.append(
                CompetencyEvidence(
                    comp.competency_id,
                    comp.name,
                    bool(ours[i, j]),
                    comp.strength,
                    comp.skills,
                    tuple(confident) if ours[i, j] else (),
                    round(float(decision_p[i, j]), 3),
                )
            )
        honest.append(replace(profile, competencies=tuple(comps)))
    if args.cache:
        import pickle

        with open(args.cache, "wb") as handle:
            pickle.dump((honest, profiles, fits, full_texts, entries), handle)

    def keys_for(scored) -> list[tuple]:
        return [rank_key(s.disqualified, s.score, s.candidate_id, s.source) for s in scored]

    ours_scored = [score_profile(p, job, lexicon, AS_OF) for p in honest]
    matcher_scored = [score_profile(p, job, lexicon, AS_OF) for p in profiles]
    previous_job = job_from_dict(PREVIOUS_JOB, lexicon)
    previous = [previous_score(p, previous_job, lexicon) for p in previous_profiles]
    query = guide_skill_list(data)
    tfidf = tfidf_scores(full_texts, query)
    terms = [r.label for r in job.requirements]
    for r in job.requirements:
        for t in r.targets:
            terms.append(lexicon.label(t) if t in lexicon.skills or t in lexicon.competencies
                         else t)  # fmt: skip
    bm25 = bm25_scores(full_texts, terms)
    print("\n## ML-engineer ranking against fit (0-3)\n")
    print("| ranking | NDCG@10 | NDCG@20 | Kendall tau-b | fit of the top 10 |")
    print("| --- | ---: | ---: | ---: | --- |")
    print(ranking_row("**ours** (graded ranker, cross-validated competencies)",
                      keys_for(ours_scored), fits))  # fmt: skip
    print(ranking_row("TF-IDF cosine to the guide's skill list",
                      [(-s, i) for i, s in enumerate(tfidf)], fits))  # fmt: skip
    print(ranking_row("BM25 over the job's terms", [(-s, i) for i, s in enumerate(bm25)], fits))
    print(ranking_row("matcher alone (our ranker, no classifier)", keys_for(matcher_scored), fits))
    print(ranking_row("previous release (ranker and model 1.0.0)",
                      [(d, -s, i) for i, (d, s) in enumerate(previous)], fits))  # fmt: skip
    # The best any ranking can do: the labels' own order. A ranking orders every candidate
    # (no ties), and the fit labels tie whole groups, so its Kendall tau-b against fit is at
    # most sqrt(1 - tied label pairs / all pairs), below 1.
    print(ranking_row("ceiling: the labels' own order (ties by id)",
                      [(-f, entries[i].id) for i, f in enumerate(fits)], fits))  # fmt: skip
    pairs = len(fits) * (len(fits) - 1) / 2
    tied = sum(n * (n - 1) / 2 for n in Counter(fits).values())
    print(
        f"\n(tau-b ceiling for a total order = sqrt(1 - {tied:.0f} / {pairs:.0f}) = "
        f"{math.sqrt(1 - tied / pairs):.3f})"
    )

    # Precision at 10 of a data-scientist job on kaggle-resumes.
    ds_job = load_job(ROOT / "examples" / "jobs" / "data-scientist.yaml", lexicon)
    kaggle = [i for i, e in enumerate(entries) if e.source == "kaggle-resumes"]
    ds = [score_profile(honest[i], ds_job, lexicon, AS_OF) for i in kaggle]
    order = sorted(range(len(kaggle)), key=lambda k: keys_for(ds)[k])
    relevant = [entries[kaggle[k]].category == "Data Science" for k in range(len(kaggle))]
    ds_tfidf = tfidf_scores([full_texts[i] for i in kaggle], query)
    tf_order = sorted(range(len(kaggle)), key=lambda k: -ds_tfidf[k])
    print("\n## Data-scientist job on kaggle-resumes (166 texts, 10 in Data Science)\n")
    print(f"precision at 10: ours {sum(relevant[k] for k in order[:10]) / 10:.1f}; "
          f"TF-IDF cosine to the guide's skill list "
          f"{sum(relevant[k] for k in tf_order[:10]) / 10:.1f}")  # fmt: skip

    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
