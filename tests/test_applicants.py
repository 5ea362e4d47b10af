"""The same applicant twice (issue 12): grouping by e-mail, phone and near-identical text."""

from __future__ import annotations

from pipeline.understand.applicants import (
    MAX_SHARED,
    Applicant,
    Link,
    estimated_jaccard,
    group_applicants,
    normalise_email,
    normalise_phone,
    text_signature,
)

BULLETS = [
    "Designed and shipped a demand forecasting service used by forty regional warehouses",
    "Rewrote the nightly batch jobs as streaming pipelines and cut the delay to minutes",
    "Mentored three junior analysts through their first production deployments",
    "Introduced data contracts between the ordering and the billing teams",
    "Built dashboards that the operations board reviews every Monday morning",
    "Migrated four hundred reports from a legacy warehouse to a columnar store",
]


def read_csv(path) -> list[dict[str, str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fictional(name: str, bullets=BULLETS, extra: str = "", years: str = "2019 - Present") -> list:
    return [
        name,
        "EXPERIENCE",
        f"Senior Data Engineer, Quillfeather Logistics, {years}",
        *bullets,
        extra,
        "EDUCATION",
        "BSc Computer Science, University of Northmere, 2014",
    ]


def test_normalised_contacts():
    assert normalise_email(" Jo.Ann+jobs@Example.org ") == "jo.ann@example.org"
    assert normalise_email("j.o.ann@googlemail.com") == normalise_email("joann@gmail.com")
    assert normalise_email("not an email") is None
    assert normalise_phone("+44 7700 900123") == normalise_phone("07700 900123")
    assert normalise_phone("(555) 010-4477") == normalise_phone("+1 555.010.4477")
    assert normalise_phone("12-34") is None


def test_signature_is_stable_and_short_texts_have_none():
    lines = fictional("Orla Fenwick")
    assert text_signature(lines) == text_signature(list(lines))
    assert len(text_signature(lines)) == 128
    assert text_signature(["Orla Fenwick", "Python"]) == ()


def test_an_edited_resume_is_near_identical_and_another_person_is_not():
    first = text_signature(fictional("Orla Fenwick"))
    updated = text_signature(
        fictional("Orla Fenwick", extra="Led the move of the fleet telemetry to a lakehouse")
    )
    other = text_signature(
        fictional(
            "Piers Ambleside",
            bullets=[
                "Maintained the payroll interfaces of a regional hospital group",
                "Automated the month-end reconciliation with scheduled SQL jobs",
                "Trained the finance team to read the new cost dashboards",
            ],
        )
    )
    assert estimated_jaccard(first, updated) >= 0.7
    assert estimated_jaccard(first, other) < 0.3


def test_group_by_email_phone_and_text_latest_is_ranked():
    sig = text_signature(fictional("Orla Fenwick"))
    applicants = [
        Applicant("old.pdf", emails=("Orla.F@example.org",), order=(1, "old.pdf")),
        Applicant("new.docx", emails=("orla.f+cv@example.org",), order=(3, "new.docx")),
        Applicant("phone.txt", phones=("+44 7700 900123",), order=(2, "phone.txt")),
        Applicant("phone2.txt", phones=("07700 900123",), order=(2, "phone2.txt")),
        Applicant("text-a.pdf", signature=sig, order=(5, "a")),
        Applicant("text-b.pdf", signature=sig, order=(5, "b")),
        Applicant("alone.pdf", emails=("someone@example.org",), order=(9, "z")),
    ]
    groups = group_applicants(applicants)
    assert [(g.latest, g.others) for g in groups] == [
        ("new.docx", (("old.pdf", Link("email")),)),
        ("phone2.txt", (("phone.txt", Link("phone")),)),  # same time: the later name
        ("text-b.pdf", (("text-a.pdf", Link("text", 1.0)),)),
    ]


def test_a_chain_names_the_file_it_goes_through():
    sig = text_signature(fictional("Orla Fenwick"))
    applicants = [
        Applicant("a", emails=("orla@example.org",), order=(1,)),
        Applicant("b", emails=("orla@example.org",), signature=sig, order=(2,)),
        Applicant("c", signature=sig, order=(3,)),
    ]
    (group,) = group_applicants(applicants)
    assert group.latest == "c"
    assert group.others == (("b", Link("text", 1.0)), ("a", Link("email", via="b")))


def test_a_contact_shared_by_many_is_not_evidence():
    shared = [
        Applicant(i, emails=("jobs@agency.example",), order=(i,)) for i in range(MAX_SHARED + 1)
    ]
    assert group_applicants(shared) == []
    assert len(group_applicants(shared[:2])) == 1


# ------------------------------------------------------------------ in a screening run

CV = """\
{name}
{email} | {phone}
SKILLS
Python, PyTorch, Pandas
EXPERIENCE
Machine Learning Engineer, Brackenmoor Analytics, {years}
{bullets}
"""


OTHER_BULLETS = [
    "Maintained the payroll interfaces of a regional hospital group",
    "Automated the month-end reconciliation with scheduled SQL jobs",
    "Trained the finance team to read the new cost dashboards",
    "Moved the claims archive to object storage and halved its cost",
    "Wrote the runbook the on-call rota still follows today",
]


def cv(name, email, phone="", years="2020 - Present", extra="", bullets=BULLETS):
    text = "\n".join(f"• {b} with Python" for b in bullets) + (f"\n• {extra}" if extra else "")
    return CV.format(name=name, email=email, phone=phone, years=years, bullets=text)


def applicant_folder(tmp_path):
    """Orla twice (an e-mail in common; the later file has a new bullet), Piers twice (no
    contact in common, the same text in another format), and Wren once."""
    import os

    from conftest import docx_resume, text_file

    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    text_file(folder / "orla-2024.txt", cv("Orla Fenwick", "orla.fenwick@example.org"))
    text_file(
        folder / "orla-fenwick-cv.txt",
        cv("Orla Fenwick", "Orla.Fenwick@example.org", "+44 7700 900123", "2020 - 2026",
           "Led the move of the fleet telemetry to a lakehouse"),
    )  # fmt: skip
    piers = cv("Piers Ambleside", "piers@example.net", bullets=OTHER_BULLETS)
    text_file(folder / "piers.txt", piers)
    docx_resume(
        folder / "piers-new.docx",
        paragraphs=piers.replace("piers@example.net", "p.ambleside@example.com").splitlines(),
    )
    text_file(folder / "wren.txt", "Wren Hollis\nwren@example.org\nSKILLS\nPython and PyTorch\n")
    for i, name in enumerate(sorted(os.listdir(folder))):
        os.utime(folder / name, ns=(1_700_000_000_000_000_000 + i, 1_700_000_000_000_000_000 + i))
    os.utime(folder / "orla-2024.txt", ns=(1_600_000_000_000_000_000,) * 2)
    return folder


def test_screener_ranks_the_latest_file_of_each_person(tmp_path, tiny_lexicon):
    import json
    from datetime import date

    from pipeline import Screener, job_from_dict, write_shortlist

    job = job_from_dict({"title": "ML", "required": ["python", "pytorch"]}, tiny_lexicon)
    screener = Screener(job, lexicon=tiny_lexicon, as_of=date(2026, 1, 1), model=None)
    shortlist = screener.screen(applicant_folder(tmp_path))
    assert sorted(o.source for o in shortlist.ranked) == [
        "orla-fenwick-cv.txt", "piers.txt", "wren.txt"
    ]  # fmt: skip
    same = {s.file: (s.same_applicant_as, s.basis) for s in shortlist.same_applicant}
    assert same == {
        "orla-2024.txt": ("orla-fenwick-cv.txt", "email"),
        "piers-new.docx": ("piers.txt", "text"),  # piers.txt is later in the folder's order
    }
    assert shortlist.counts["entries"] == 3 and shortlist.counts["same_applicant"] == 2
    write_shortlist(shortlist, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "shortlist.json").read_text())
    assert {s["file"] for s in data["same_applicant"]} == set(same)
    orla = next(c for c in data["candidates"] if c["file"] == "orla-fenwick-cv.txt")
    assert orla["same_applicant_files"] == ["orla-2024.txt"]
    rows = {r["file"]: r for r in read_csv(tmp_path / "out" / "shortlist.csv")}
    assert rows["orla-2024.txt"]["status"] == "same_applicant"
    assert rows["orla-2024.txt"]["reason"] == "same_applicant_as:orla-fenwick-cv.txt (email)"

    blind = Screener(job, lexicon=tiny_lexicon, as_of=date(2026, 1, 1), model=None, blind=True)
    write_shortlist(blind.screen(applicant_folder(tmp_path / "b")), tmp_path / "blind")
    for name in ("shortlist.json", "shortlist.csv"):
        text = (tmp_path / "blind" / name).read_text().lower()
        for leak in ("orla", "fenwick", "piers", "example.org", "7700"):
            assert leak not in text, (name, leak)
    assert "same_applicant_as:candidate-" in (tmp_path / "blind" / "shortlist.csv").read_text()


def test_cli_screen_groups_the_same_applicant_and_follows_the_latest_file(tmp_path):
    import json
    import os

    from conftest import ROOT
    from typer.testing import CliRunner

    from pipeline.cli import app

    folder = applicant_folder(tmp_path)
    out = tmp_path / "out"
    args = ["screen", str(folder), "--job", str(ROOT / "examples/jobs/ml-engineer.yaml"),
            "--out", str(out), "-q", "--workers", "0", "--as-of", "2026-01-01"]  # fmt: skip
    assert CliRunner().invoke(app, args).exit_code == 0
    data = json.loads((out / "shortlist.json").read_text())
    ranked = sorted(c["file"] for c in data["candidates"])
    assert ranked == ["orla-fenwick-cv.txt", "piers.txt", "wren.txt"]
    same = {s["file"]: s for s in data["same_applicant"]}
    assert same["orla-2024.txt"]["same_applicant_as"] == "orla-fenwick-cv.txt"
    assert same["orla-2024.txt"]["basis"] == "email"
    assert same["piers-new.docx"]["basis"] == "text" and same["piers-new.docx"]["similarity"] >= 0.5
    report = json.loads((out / "run_report.json").read_text())
    assert report["counts"]["same_applicant"] == 2 and report["counts"]["candidates"] == 3
    assert {s["file"] for s in report["same_applicant"]} == set(same)
    assert "same applicant  orla-2024.txt" in (out / "run_report.txt").read_text()
    csv_rows = read_csv(out / "shortlist.csv")
    assert sorted(r["file"] for r in csv_rows) == sorted(os.listdir(folder))

    # The older file is touched (saved again): it is now the latest and is the one ranked.
    os.utime(folder / "orla-2024.txt", ns=(1_800_000_000_000_000_000,) * 2)
    assert CliRunner().invoke(app, args).exit_code == 0
    data = json.loads((out / "shortlist.json").read_text())
    assert "orla-2024.txt" in [c["file"] for c in data["candidates"]]
    assert {s["file"] for s in data["same_applicant"]} == {"orla-fenwick-cv.txt", "piers-new.docx"}

    blind = tmp_path / "blind"
    assert (
        CliRunner().invoke(app, [*args[:4], "--out", str(blind), *args[6:], "--blind"]).exit_code
        == 0
    )
    for name in ("shortlist.json", "shortlist.csv", "run_report.json", "run_report.txt"):
        text = (blind / name).read_text().lower()
        for leak in ("orla", "fenwick", "piers", "example.org", "7700"):
            assert leak not in text, (name, leak)
    assert json.loads((blind / "run_report.json").read_text())["counts"]["same_applicant"] == 2


def test_many_copies_of_one_text_are_grouped_in_linear_time():
    import time

    sig = text_signature(fictional("Orla Fenwick"))
    applicants = [Applicant(i, signature=sig, order=(i,)) for i in range(5000)]
    began = time.perf_counter()
    (group,) = group_applicants(applicants)
    assert time.perf_counter() - began < 5
    assert group.latest == 4999 and len(group.others) == 4999


def test_the_estimate_follows_the_exact_jaccard():
    import random

    from pipeline.understand.applicants import shingles

    rng = random.Random(3)
    vocabulary = [f"word{i}" for i in range(400)]
    base = [rng.choice(vocabulary) for _ in range(400)]
    for changed in (0, 20, 60, 120, 250):
        other = list(base)
        for i in rng.sample(range(len(other)), changed):
            other[i] = rng.choice(vocabulary)
        one, two = shingles(base), shingles(other)
        exact = len(one & two) / len(one | two)
        estimate = estimated_jaccard(text_signature(base), text_signature(other))
        assert abs(estimate - exact) < 0.12, (changed, exact, estimate)


def test_nightly_store_backfills_identities_and_forget_leaves_no_trace(tmp_path):
    import json
    import sqlite3

    from conftest import ROOT
    from typer.testing import CliRunner

    from pipeline.cli import app

    folder = applicant_folder(tmp_path)
    out = tmp_path / "out"
    store = out / "screening.sqlite3"
    args = ["screen", str(folder), "--job", str(ROOT / "examples/jobs/ml-engineer.yaml"),
            "--out", str(out), "-q", "--workers", "0", "--as-of", "2026-01-01"]  # fmt: skip
    assert CliRunner().invoke(app, args).exit_code == 0
    with sqlite3.connect(store) as db:  # as a store written before the identities table
        assert db.execute("SELECT count(*) FROM identities").fetchone()[0] == 5
        db.execute("DELETE FROM identities")
    assert CliRunner().invoke(app, args).exit_code == 0
    data = json.loads((out / "shortlist.json").read_text())
    assert {s["file"] for s in data["same_applicant"]} == {"orla-2024.txt", "piers-new.docx"}
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM identities").fetchone()[0] == 5

    forget = ["forget", "--store", str(store), "--file", "orla-fenwick-cv.txt"]
    assert CliRunner().invoke(app, forget).exit_code == 0
    raw = store.read_bytes() + b"".join(p.read_bytes() for p in out.iterdir() if p.is_file())
    assert b"orla-fenwick-cv.txt" not in raw and b"Orla.Fenwick" not in raw
    data = json.loads((out / "shortlist.json").read_text())
    assert "orla-2024.txt" in [c["file"] for c in data["candidates"]]  # alone now


def test_signature_modulo_by_folding_bits_equals_remainder():
    import numpy as np

    from pipeline.understand.applicants import _PRIME, _mod_prime

    edges = [0, 1, _PRIME - 1, _PRIME, _PRIME + 1, _PRIME + 2, 2 * _PRIME, 2**32, 2**33 - 1,
             2**62 + 2**31, 2**63 - 1, (_PRIME - 1) ** 2 + _PRIME - 1]  # fmt: skip
    rng = np.random.default_rng(1)
    for values in (np.array(edges, dtype=np.uint64), rng.integers(0, 2**63, 100_000, np.uint64)):
        assert np.array_equal(_mod_prime(values.copy()), values % np.uint64(_PRIME))
