"""The competency classifier: training, the artifact's integrity check, the combined rule."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.records import Document, Line
from pipeline.skills.classify import ModelError, default_model_dir, load_model, read_labelled
from pipeline.skills.lexicon import COMPETENCY_IDS
from pipeline.skills.profile import build_profile
from pipeline.skills.train import train

runner = CliRunner()

# A tiny labelled set: enough for a model to learn in a second.
TEMPLATES = {
    "programming": [
        "Wrote {x} services in Python",
        "Refactored the {x} codebase in Java",
        "Implemented {x} scripts in Go",
    ],
    "statistics": [
        "Ran hypothesis tests on {x} data",
        "Designed A/B experiments for {x}",
        "Fitted regression models to {x} outcomes",
    ],
    "communication_teamwork": [
        "Presented {x} results to executives",
        "Mentored {x} interns",
        "Collaborated with the {x} team on planning",
    ],
}
NEGATIVE = [
    "Served {x} customers at the counter",
    "Drove {x} deliveries across the county",
    "Baked {x} pastries every morning",
]
TOPICS = ["sales", "churn", "billing", "search", "fraud", "pricing", "stock", "travel"]


def tiny_csv(path):
    rows = []
    n = 0
    for comp, templates in [*TEMPLATES.items(), (None, NEGATIVE)]:
        for template in templates:
            for topic in TOPICS:
                n += 1
                labels = {c: int(c == comp) for c in COMPETENCY_IDS}
                split = ("train", "train", "train", "dev", "test")[n % 5]
                rows.append(
                    {"id": f"t{n:03d}", "split": split, "text": template.format(x=topic), **labels}
                )
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "split", "text", *COMPETENCY_IDS])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, tiny_lexicon):
    folder = tmp_path_factory.mktemp("model")
    data = tiny_csv(folder / "data.csv")
    meta = train(data, folder / "m", tiny_lexicon, kind="word_lr", version="0.0.1")
    return folder / "m", meta, data


@pytest.mark.slow
def test_training_writes_artifact_and_meta(tiny_model):
    folder, _, _ = tiny_model
    assert (folder / "model.skops").is_file()
    saved = json.loads((folder / "meta.json").read_text())
    assert saved["labels"] == list(COMPETENCY_IDS)
    for key in (
        "sklearn_version",
        "lexicon_version",
        "package_version",
        "training_data_sha256",
        "artifact_sha256",
        "thresholds",
        "matcher_alphas",
        "metrics",
    ):
        assert key in saved
    model = load_model(folder)
    proba = model.predict_proba(["Presented churn results to executives", "Baked bread daily"])
    j = COMPETENCY_IDS.index("communication_teamwork")
    assert proba[0][j] > 0.5 > proba[1][j]


def test_tampered_artifact_is_refused(tiny_model, tmp_path):
    folder, _, _ = tiny_model
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    blob = bytearray((copy / "model.skops").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (copy / "model.skops").write_bytes(bytes(blob))
    with pytest.raises(ModelError, match=r"does not match meta\.json"):
        load_model(copy)


def test_untrusted_type_is_refused(tiny_model, tmp_path, monkeypatch):
    import pipeline.skills.classify as classify

    folder, _, _ = tiny_model
    monkeypatch.setattr(classify, "TRUSTED_TYPES", ["builtins.str"])
    with pytest.raises(ModelError, match="not on the trusted list"):
        classify.load_model(folder)


def test_combined_rule(tiny_model):
    folder, _, _ = tiny_model
    model = load_model(folder)
    model.thresholds = dict.fromkeys(COMPETENCY_IDS, 0.6)
    model.alphas = dict.fromkeys(COMPETENCY_IDS, 0.5)
    row = [0.4] * len(COMPETENCY_IDS)
    assert model.combine([row], [[False] * 10]) == [[False] * 10]  # 0.4 < 0.6
    assert model.combine([row], [[True] * 10]) == [[True] * 10]  # matcher + 0.4 >= 0.3


def test_profile_carries_probabilities_and_evidence(tiny_model, tiny_matcher, tiny_lexicon):
    model = load_model(tiny_model[0])
    lines = [
        "EXPERIENCE",
        "• Presented pricing results to executives every quarter.",
        "• Baked pastries.",
    ]
    doc = Document("cv.txt", "b" * 64, "text", "text", tuple(Line(t) for t in lines))
    profile = build_profile(
        doc, tiny_matcher, tiny_lexicon, "1", as_of=date(2026, 1, 1), model=model
    )
    comp = {c.competency_id: c for c in profile.competencies}["communication_teamwork"]
    assert comp.present and comp.probability > 0.5
    assert comp.evidence[0] == "• Presented pricing results to executives every quarter."
    assert profile.model_version == "0.0.1"


@pytest.mark.slow
def test_cli_train_and_evaluate(tmp_path):
    data = tiny_csv(tmp_path / "data.csv")
    result = runner.invoke(
        app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--kind", "word_lr"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "MODEL_CARD.md").is_file()
    result = runner.invoke(
        app, ["evaluate", "--model", str(tmp_path / "m"), "--data", str(data), "--json"]
    )
    assert result.exit_code == 0
    metrics = json.loads(result.stdout)
    assert set(metrics) == {"rows", "matcher_only", "combined"}
    assert (
        runner.invoke(
            app, ["train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x")]
        ).exit_code
        == 2
    )


SHIPPED = default_model_dir()
# The sentence-level release model, kept as the benchmarks' baseline.
FIRST = ROOT / "models" / "competency" / "1.0.0"


def test_default_model_is_the_document_model():
    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert meta["kind"] == "word_lr+document" and meta["version"] == "2.0.0"
    cv = meta["metrics"]["document_cv"]
    # Cross-validated on the labelled real resumes, and above the matcher alone.
    assert cv["macro"]["f1"] > meta["metrics"]["document_matcher_only"]["macro"]["f1"]
    card = (SHIPPED / "card.md").read_text()
    assert "cross-validated" in card.lower() and f"{cv['macro']['f1']:.3f}" in card
    model = load_model(SHIPPED)
    assert model.version == "2.0.0" and model.doc is not None


def test_first_model_card_and_baseline():
    meta = json.loads((FIRST / "meta.json").read_text())
    test = meta["metrics"]["test"]
    assert test["combined"]["macro"]["f1"] > test["matcher_only"]["macro"]["f1"]
    card = (FIRST / "MODEL_CARD.md").read_text()
    assert "matcher F1" in card and "combined F1" in card
    rows = read_labelled(ROOT / meta["training_data"])
    assert len(rows) >= 2000
    assert load_model(FIRST).version == meta["version"]


@pytest.mark.slow
def test_retraining_reproduces_first_model_metrics(tmp_path, shipped_lexicon):
    meta = json.loads((FIRST / "meta.json").read_text())
    again = train(
        ROOT / meta["training_data"],
        tmp_path / "m",
        shipped_lexicon,
        kind=meta["kind"],
        version=meta["version"],
        seed=meta["seed"],
    )
    for system in ("matcher_only", "combined"):
        shipped = meta["metrics"]["test"][system]["macro"]["f1"]
        assert again["metrics"]["test"][system]["macro"]["f1"] == pytest.approx(shipped, abs=0.02)
