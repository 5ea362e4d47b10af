"""MODEL_CARD.md for a trained competency model, written from its meta.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .train import metrics_table


def write_card(folder: str | Path, meta: dict[str, Any]) -> Path:
    folder = Path(folder)
    test = meta["metrics"]["test"]
    comparison = meta["metrics"].get("dev_comparison") or {}
    lines = [
        f"# Competency classifier {meta['version']}",
        "",
        "Infers the hiring guide's ten competencies (programming, ML frameworks,",
        "statistics, data preprocessing, cloud deployment, deep learning, NLP, data",
        "visualization, problem solving, communication and teamwork) from resume",
        "sentences and bullets, with the sentences as evidence.",
        "",
        "## Intended use",
        "",
        "Supporting evidence for a human screener: which sentences of a resume show",
        "each competency, and how confident the model is. It feeds competency",
        "requirements of the ranker together with the skill matcher. It is not meant",
        "to decide on a candidate alone, and not for roles or languages other than",
        "English-language technical resumes without re-evaluation.",
        "",
        "## Model",
        "",
        f"- Pipeline `{meta['kind']}`: TF-IDF features (word 1-2 grams"
        + (" and character 2-5 grams" if "char" in meta["kind"] else "")
        + "), one-vs-rest "
        + ("logistic regression" if meta["kind"].endswith("lr") else "linear SVM")
        + ", sigmoid calibration (3-fold), one classifier per competency.",
        f"- Combination with the matcher: {meta['combination_rule']}; t_c and alpha_c "
        "were tuned on the dev split (alpha_c = 0: a lexicon skill alone decides; 1: the "
        "matcher is ignored):",
        "",
        "| competency | t_c | alpha_c |",
        "| --- | ---: | ---: |",
        *[
            f"| {c} | {t:.2f} | {meta['matcher_alphas'][c]:.2f} |"
            for c, t in meta["thresholds"].items()
        ],
        "",
        f"- scikit-learn {meta['sklearn_version']}, package {meta['package_version']}, "
        f"lexicon {meta['lexicon_version']}, seed {meta['seed']}.",
        f"- Artifact `{meta['artifact']}` (skops, loaded only with the trusted type list in "
        f"meta.json), sha256 `{meta['artifact_sha256']}`, checked before every load.",
        "",
        "## Data",
        "",
        f"`{meta['training_data']}` (sha256 `{meta['training_data_sha256'][:16]}…`): "
        f"{sum(meta['rows'].values())} resume-style sentences written for this project and "
        "labelled by hand following `models/training/GUIDELINES.md`; fixed split "
        f"train {meta['rows']['train']} / dev {meta['rows']['dev']} / test {meta['rows']['test']}. "
        "It includes other professions' sentences and near-misses (R&D, sales pipeline, "
        "electrical transformer, troop deployment…). No third-party resume text.",
        "",
        "## Metrics on the test split",
        "",
        "Sentence level, per competency, the matcher alone (a sentence shows c when a lexicon",
        "skill for c is in it) against the combined rule:",
        "",
        metrics_table(test),
        "",
        f"Classifier alone (its own dev-tuned thresholds): macro-F1 "
        f"{test['classifier_only']['macro']['f1']:.3f}.",
        "",
    ]
    if comparison:
        lines += [
            "## Alternatives compared on the dev split",
            "",
            "| pipeline | dev macro-F1, classifier alone | dev macro-F1, combined | fit time |",
            "| --- | ---: | ---: | ---: |",
            *[
                f"| {kind} | {r['dev_macro_f1_classifier']:.3f} | "
                f"{r['dev_macro_f1_combined']:.3f} | "
                f"{r['fit_seconds']} s |"
                for kind, r in comparison.items()
            ],
            "",
            f"Kept: `{meta['kind']}`, the best combined dev macro-F1.",
            "",
        ]
    lines += [
        "## Known limits",
        "",
        "- Trained on about two thousand sentences written by the team: vocabulary outside",
        "  them (rare tools, other domains) relies on character n-grams and the matcher.",
        "- Sentence level: a competency shown only across several sentences is missed.",
        "- English only. Calibration was fitted on the training folds, so probabilities on",
        "  real resumes (longer, noisier) are less reliable than on the test split.",
        "- The test split comes from the same writers as the training data, so these",
        "  figures are optimistic for real resumes.",
        "",
        "## Fairness notes",
        "",
        "- Input is the resume text with e-mails, links and phone numbers blanked; the",
        "  profile carries no name, photo, address, age or gender field, and the ranker",
        "  reads only skills, competencies and years of experience.",
        "- Names can still appear in sentences; the training data contains none, so the",
        "  model has no name features to learn, but wording styles (non-native English)",
        "  were deliberately included so they are not read as weaker evidence. This has",
        "  not been measured on real applicant groups; do that before relying on scores.",
        "",
    ]
    path = folder / "MODEL_CARD.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_document_card(folder: str | Path, meta: dict[str, Any]) -> Path:
    """The card of a document-level model (`learn.learn`): data, decision rule, CV figures."""
    folder = Path(folder)
    cv = meta["metrics"]["document_cv"]
    only = meta["metrics"]["document_matcher_only"]
    data = meta["training_data"]
    lines = [
        f"# Competency model {meta['version']} (document level)",
        "",
        "Decides, for each of the hiring guide's ten competencies, whether a resume shows it,",
        "with the sentences and skills that support the decision.",
        "",
        "## Intended use and limits",
        "",
        "Supporting evidence for a human screener of English-language resumes for technical",
        "roles. Not a decision on a candidate. Labels are judgements of the guide's",
        "competencies on real resumes by automated annotators following",
        "`models/training/GUIDELINES.md` (see `models/devset/README.md` for who labelled what",
        "and the agreement between passes); they are not hiring outcomes. The development set",
        "is 508 resumes from three public sources and leans to non-ML professions: a",
        "competency with few positives (NLP, deep learning) has wide uncertainty.",
        "",
        "## Model",
        "",
        "- Sentence model: TF-IDF word 1-2 grams and character 2-5 grams, one logistic",
        "  regression per competency, trained on written sentences and real resume units",
        f"  ({data['written_sentences']['rows']} written, {data['real_units']['rows']} real).",
        "- Document decision: per competency, a logistic regression over document features",
        "  (top sentence probabilities, number of supporting units, the matcher's skills for",
        "  the competency and the sections they sit in), with a threshold chosen by inner",
        f"  cross-validation. Rule: {meta['decision_rule']}.",
        f"- Fit on {data['documents']['rows']} labelled documents; "
        f"seed {meta['seed']}; scikit-learn {meta['sklearn_version']};",
        f"  lexicon {meta['lexicon_version']}.",
        "",
        f"## Cross-validated document-level figures ({meta['metrics']['folds']} folds by person)",
        "",
        "| competency | support | P | R | F1 | matcher only F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in cv.items():
        if name == "macro":
            continue
        lines.append(
            f"| {name} | {row['support']} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['f1']:.3f} | {only[name]['f1']:.3f} |"
        )
    lines.append(
        f"| **macro** | | {cv['macro']['precision']:.3f} | {cv['macro']['recall']:.3f} | "
        f"**{cv['macro']['f1']:.3f}** | {only['macro']['f1']:.3f} |"
    )
    lines += [
        "",
        "Every figure comes from folds the model did not see (the sentence model is refit",
        "without the held-out fold's resumes, the decision is fit on out-of-fold features).",
        "",
    ]
    path = folder / "card.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
