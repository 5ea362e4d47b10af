"""The bundled example resumes screen as their tiers say: strong > partial > unrelated."""

from __future__ import annotations

import csv

from conftest import ROOT

from pipeline import Screener, list_inputs, load_job

EXAMPLES = ROOT / "examples"


def test_every_example_is_ranked_in_tier_order():
    tiers = {row["file"]: row["tier"] for row in csv.DictReader((EXAMPLES / "expected.csv").open())}
    paths = list_inputs(EXAMPLES / "resumes")
    assert sorted(p.name for p in paths) == sorted(tiers)
    assert len(paths) >= 12
    shortlist = Screener(load_job(EXAMPLES / "jobs" / "ml-engineer.yaml"), top=5).screen(paths)
    assert not shortlist.failed
    ranked = [o.source for o in shortlist.ranked]
    assert sorted(ranked) == sorted(tiers)
    order = {"strong": 0, "partial": 1, "unrelated": 2}
    levels = [order[tiers[name]] for name in ranked]
    assert levels == sorted(levels), list(zip(ranked, levels, strict=True))
    shortlisted = {o.source for o in shortlist.shortlisted()}
    assert {name for name, tier in tiers.items() if tier == "strong"} == shortlisted


def test_unrelated_examples_do_not_trip_on_traps():
    tiers = {row["file"]: row["tier"] for row in csv.DictReader((EXAMPLES / "expected.csv").open())}
    screener = Screener()
    for name, tier in tiers.items():
        if tier != "unrelated":
            continue
        outcome = screener.extract(EXAMPLES / "resumes" / name)
        found = outcome.profile.skill_ids()
        assert not found & {"r", "go", "java", "julia", "ruby", "apache_spark", "rust"}, (
            name,
            found,
        )
