"""The adverse-impact audit: rates, impact ratios, the four-fifths flag and Fisher's exact p per
self-reported group, on a shortlist.json and a demographics CSV built in each test."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.audit.impact import AuditInputError, fisher_exact, impact_audit
from pipeline.cli import app


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def write_shortlist(out: Path, people: list[tuple[str, float, bool]]) -> Path:
    """A shortlist.json shaped like `screen`'s: people are (file name, score, shortlisted).
    A failed file and a duplicate are added; neither is a candidate."""
    ranked = sorted(people, key=lambda p: (-p[1], p[0]))
    candidates = [
        {
            "rank": rank,
            "file": name,
            "files": [name, f"copy-of-{name}"] if rank == 1 else [name],
            "status": "scored",
            "shortlisted": chosen,
            "candidate_id": sha(name)[:16],
            "sha256": sha(name),
            "score": score,
            "disqualified": False,
            "missing_must_haves": [],
            "requirements": [],
        }
        for rank, (name, score, chosen) in enumerate(ranked, 1)
    ]
    data = {
        "job": {"title": "Data scientist"},
        "versions": {"parser": "test"},
        "top": sum(chosen for _, _, chosen in people),
        "counts": {"candidates": len(candidates), "failed": 1, "duplicates": len(ranked[:1])},
        "candidates": candidates,
        "failed": [{"file": "broken.pdf", "reason": "corrupt_pdf", "status": "failed"}],
        # The top candidate's file seen again under another name, as `screen` reports it.
        "duplicates": [
            {
                "duplicate_of": name,
                "file": f"copy-of-{name}",
                "sha256": sha(name),
                "status": "duplicate",
            }
            for name, _, _ in ranked[:1]
        ],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "shortlist.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return out


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def groups(audit, category: str) -> dict:
    return {g.group: g for c in audit.categories if c.name == category for g in c.groups}


# The worked example: 20 candidates, 7 shortlisted.
#   M (10): 95 90 85 80 75 shortlisted; 62 58 40 35 30 not
#   F  (8): 88 70 shortlisted; 60 50 45 20 15 10 not
#   unknown (2): 65 ("Prefer not to say"), 25 (no demographics row)
MEN = [(95, True), (90, True), (85, True), (80, True), (75, True)]
MEN += [(62, False), (58, False), (40, False), (35, False), (30, False)]
WOMEN = [(88, True), (70, True), (60, False), (50, False), (45, False)]
WOMEN += [(20, False), (15, False), (10, False)]


@pytest.fixture
def worked(tmp_path: Path) -> tuple[Path, Path]:
    people = [(f"m{i}.pdf", s, c) for i, (s, c) in enumerate(MEN)]
    people += [(f"f{i}.docx", s, c) for i, (s, c) in enumerate(WOMEN)]
    people += [("u0.pdf", 65, False), ("u1.pdf", 25, False)]
    out = write_shortlist(tmp_path / "out", people)
    rows = ["candidate_id,file,sex"]
    rows += [f"{sha(f'm{i}.pdf')[:16]},,M" for i in range(len(MEN))]  # by candidate id
    rows += [f",f{i}.docx,F" for i in range(len(WOMEN))]  # by file name
    rows += [f"{sha('u0.pdf')},,Prefer not to say"]  # a full sha256; declined
    rows += [f"{sha('nobody.pdf')[:16]},,F"]  # matches no candidate
    return out, write_csv(tmp_path / "demographics.csv", "\n".join(rows) + "\n")


def test_worked_example(worked):
    audit = impact_audit(*worked)
    assert (audit.candidates, audit.selected, audit.min_group) == (20, 7, 5)
    assert audit.demographics_rows == 20  # 19 matched, 1 matching nobody
    assert audit.unmatched_rows == 1
    assert audit.candidates_without_row == 1  # u1.pdf
    [sex] = audit.categories
    assert sex.name == "sex" and sex.reference_group == "M"
    f, m, unknown = sex.groups
    assert [g.group for g in sex.groups] == ["F", "M", "unknown"]

    # Selection rates: F 2/8 = 0.25, M 5/10 = 0.5; M is the most selected rated group.
    # Impact ratio F = 0.25 / 0.5 = 0.5 < 0.8: flagged. M = 0.5 / 0.5 = 1.0.
    assert (f.n, f.selected, f.selection_rate, f.selection_ratio) == (8, 2, 0.25, 0.5)
    assert (m.n, m.selected, m.selection_rate, m.selection_ratio) == (10, 5, 0.5, 1.0)
    assert f.below_four_fifths is True and m.below_four_fifths is False

    # Median of the 20 scores: sorted, the 10th and 11th are 60 and 58, so 59.
    # Above 59: M 95 90 85 80 75 62 = 6/10 = 0.6; F 88 70 60 = 3/8 = 0.375; unknown 65 = 1/2.
    # Scoring impact ratio F = 0.375 / 0.6 = 0.625 (below 4/5); M = 1.0.
    assert audit.median_score == 59
    assert (f.above_median, f.scoring_rate, f.scoring_ratio) == (3, 0.375, 0.625)
    assert (m.above_median, m.scoring_rate, m.scoring_ratio) == (6, 0.6, 1.0)
    assert f.scoring_below_four_fifths is True and m.scoring_below_four_fifths is False

    # Fisher's exact test for F against the other rated group (M):
    #            shortlisted  not
    #   F              2        6     (8)
    #   M              5        5    (10)
    #                  7       11    (18)
    # With the margins fixed, P(x shortlisted women) = C(8, x) C(10, 7 - x) / C(18, 7):
    #   x:        0     1     2      3     4     5    6  7
    #   weight: 120  1680  7056  11760  8400  2520  280  8   (sum 31824 = C(18, 7))
    # Two-sided p = the tables no more likely than the observed x = 2:
    #   (120 + 1680 + 7056 + 2520 + 280 + 8) / 31824 = 11664 / 31824 = 81/221 ≈ 0.36652
    weights = [math.comb(8, x) * math.comb(10, 7 - x) for x in range(8)]
    assert weights == [120, 1680, 7056, 11760, 8400, 2520, 280, 8]
    assert sum(weights) == math.comb(18, 7) == 31824
    by_hand = sum(w for w in weights if w <= weights[2]) / math.comb(18, 7)
    assert by_hand == pytest.approx(81 / 221)
    assert f.fisher_p == pytest.approx(0.3665158371, rel=1e-9)
    assert m.fisher_p == pytest.approx(f.fisher_p)  # the same table, rows swapped

    # Unknown: the declined answer and the candidate without a row; shown, never rated.
    assert (unknown.n, unknown.selected, unknown.above_median) == (2, 0, 1)
    assert not unknown.rated and unknown.selection_ratio is None
    assert unknown.below_four_fifths is None and unknown.fisher_p is None

    data = json.loads(json.dumps(audit.to_dict()))
    assert data["median_score"] == 59 and data["unmatched_rows"] == 1
    assert data["categories"]["sex"]["groups"][0] == {
        "group": "F",
        "n": 8,
        "selected": 2,
        "selection_rate": 0.25,
        "above_median": 3,
        "scoring_rate": 0.375,
        "rated": True,
        "impact_ratio": 0.5,
        "scoring_impact_ratio": 0.625,
        "below_four_fifths": True,
        "scoring_below_four_fifths": True,
        "fisher_p": 0.3665,
        "note": None,
    }
    assert "four-fifths" in data["method"]

    text = audit.text()
    assert text.endswith("\n") and "Legend:" in text
    line_f = next(line for line in text.splitlines() if line.strip().startswith("F "))
    assert "25.0%" in line_f and "0.50" in line_f and "below 4/5" in line_f
    line_m = next(line for line in text.splitlines() if line.strip().startswith("M "))
    assert "below 4/5" not in line_m


def test_fisher_exact_edges():
    assert fisher_exact(2, 6, 5, 5) == pytest.approx(81 / 221)
    # [[5, 0], [0, 5]]: only x = 0 and x = 5 are as extreme, 1 / C(10, 5) each.
    assert fisher_exact(5, 0, 0, 5) == pytest.approx(2 / 252)
    assert fisher_exact(0, 5, 0, 5) == 1.0  # nobody selected: nothing to explain
    assert 0 < fisher_exact(3000, 7000, 5000, 5000) < 1e-100  # large, and fast


def test_intersection_groups(tmp_path: Path):
    people = [(f"c{i}.pdf", 10.0 * i, i >= 3) for i in range(6)]
    out = write_shortlist(tmp_path / "out", people)
    csv_path = write_csv(
        tmp_path / "d.csv",
        "file,sex,race_ethnicity\n"
        "c0.pdf,F,A\nc1.pdf,F,A\nc2.pdf,F,B\nc3.pdf,M,A\nc4.pdf,M,B\nc5.pdf,M,\n",
    )
    audit = impact_audit(out, csv_path, min_group=1)
    assert [c.name for c in audit.categories] == [
        "sex",
        "race_ethnicity",
        "sex × race_ethnicity",
    ]
    both = groups(audit, "sex × race_ethnicity")
    assert list(both) == ["F × A", "F × B", "M × A", "M × B", "unknown"]
    assert (both["F × A"].n, both["F × A"].selected) == (2, 0)
    assert both["M × A"].selection_ratio == 1.0 and both["F × A"].below_four_fifths is True
    assert not both["unknown"].rated  # M with no race: part unknown, so unknown
    assert "sex × race_ethnicity" in audit.to_dict()["categories"]
    assert "F × A" in audit.text()


def test_empty_shortlist(tmp_path: Path):
    out = write_shortlist(tmp_path / "out", [])
    csv_path = write_csv(tmp_path / "d.csv", "candidate_id,sex\n0123456789abcdef,F\n")
    audit = impact_audit(out, csv_path)
    assert (audit.candidates, audit.selected, audit.median_score) == (0, 0, None)
    assert audit.unmatched_rows == 1
    [sex] = audit.categories
    assert sex.groups == () and sex.notes == ("no candidates",)
    assert json.loads(json.dumps(audit.to_dict()))["categories"]["sex"]["groups"] == []
    assert "(no candidates)" in audit.text()


def test_tiny_groups_are_not_rated(tmp_path: Path):
    people = [(f"c{i}.pdf", float(i), i % 2 == 0) for i in range(6)]
    out = write_shortlist(tmp_path / "out", people)
    csv_path = write_csv(
        tmp_path / "d.csv", "file,sex\n" + "".join(f"c{i}.pdf,{'FM'[i % 2]}\n" for i in range(6))
    )
    audit = impact_audit(out, csv_path, min_group=5)
    [sex] = audit.categories
    assert sex.reference_group is None
    assert any("5 or more" in note for note in sex.notes)
    for g in sex.groups:
        assert (g.n, g.rated, g.selection_ratio, g.below_four_fifths) == (3, False, None, None)
        assert g.note == "too small to rate"
    assert "too small to rate" in audit.text()


def test_unknown_is_never_the_reference_nor_flagged(tmp_path: Path):
    # Six unknowns all shortlisted, five F with one shortlisted and five M with two.
    people = [(f"u{i}.pdf", 90.0, True) for i in range(6)]
    people += [(f"f{i}.pdf", 50.0 - i, i == 0) for i in range(5)]
    people += [(f"m{i}.pdf", 50.0 - i, i < 2) for i in range(5)]
    out = write_shortlist(tmp_path / "out", people)
    rows = [f"u{i}.pdf,{value}" for i, value in enumerate(["", "unknown", "UNKNOWN"])]
    rows += [f"f{i}.pdf,F" for i in range(5)] + [f"m{i}.pdf,M" for i in range(5)]
    csv_path = write_csv(tmp_path / "d.csv", "file,sex\n" + "\n".join(rows) + "\n")
    audit = impact_audit(out, csv_path)
    assert audit.candidates_without_row == 3  # u3..u5: no row, so unknown too
    [sex] = audit.categories
    by_group = groups(audit, "sex")
    assert sex.reference_group == "M"
    assert (by_group["unknown"].n, by_group["unknown"].selected) == (6, 6)
    assert not by_group["unknown"].rated and by_group["unknown"].below_four_fifths is None
    assert by_group["F"].selection_ratio == pytest.approx(0.5)
    # Fisher's p compares F with M only: [[1, 4], [2, 3]].
    assert by_group["F"].fisher_p == pytest.approx(fisher_exact(1, 4, 2, 3))


def test_nobody_selected_gives_no_ratios(tmp_path: Path):
    people = [(f"c{i}.pdf", 0.0, False) for i in range(10)]
    out = write_shortlist(tmp_path / "out", people)
    csv_path = write_csv(
        tmp_path / "d.csv", "file,sex\n" + "".join(f"c{i}.pdf,{'FM'[i % 2]}\n" for i in range(10))
    )
    audit = impact_audit(out, csv_path)
    [sex] = audit.categories
    assert sex.reference_group is None
    assert any("nobody in the rated groups was shortlisted" in note for note in sex.notes)
    assert any("above the median" in note for note in sex.notes)  # all scores equal
    for g in sex.groups:
        assert g.rated and g.selection_ratio is None and g.below_four_fifths is None
        assert g.fisher_p == 1.0
    assert "note: nobody" in audit.text()


def test_file_names_the_candidate_was_seen_under(tmp_path: Path):
    # The top candidate was also seen as a copy (a duplicate): either name finds it.
    out = write_shortlist(tmp_path / "out", [("a.pdf", 9.0, True), ("b.pdf", 1.0, False)])
    csv_path = write_csv(tmp_path / "d.csv", "file,sex\ncopy-of-a.pdf,F\nb.pdf,M\n")
    audit = impact_audit(out, csv_path, min_group=1)
    assert groups(audit, "sex")["F"].selected == 1
    assert audit.unmatched_rows == 0 and audit.candidates_without_row == 0


def test_input_errors(tmp_path: Path, worked):
    out, csv_path = worked

    def error(results: Path, demographics: Path) -> str:
        with pytest.raises(AuditInputError) as info:
            impact_audit(results, demographics)
        return str(info.value)

    assert "shortlist.json" in error(tmp_path, csv_path)  # no shortlist.json there
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "shortlist.json").write_text("{not json", encoding="utf-8")
    assert "shortlist.json" in error(bad, csv_path)
    (bad / "shortlist.json").write_text('{"candidates": [{"file": "a.pdf"}]}', encoding="utf-8")
    assert "shortlist.json" in error(bad, csv_path)

    assert "missing.csv" in error(out, tmp_path / "missing.csv")
    no_id = write_csv(tmp_path / "no_id.csv", "name,sex\nx,F\n")
    assert "no_id.csv" in error(out, no_id) and "candidate_id or file" in error(out, no_id)
    no_category = write_csv(tmp_path / "no_category.csv", f"candidate_id\n{sha('m0.pdf')}\n")
    assert "no category column" in error(out, no_category)
    bad_id = write_csv(tmp_path / "bad_id.csv", "candidate_id,sex\nabc,F\n")
    assert "bad_id.csv: line 2" in error(out, bad_id)
    twice = write_csv(tmp_path / "twice.csv", "file,sex\nm0.pdf,M\nm0.pdf,F\n")
    assert "twice.csv: lines 2 and 3" in error(out, twice)


def test_an_id_matching_several_candidates_is_an_error(tmp_path: Path):
    out = write_shortlist(tmp_path / "out", [("a.pdf", 1.0, True), ("b.pdf", 2.0, True)])
    data = json.loads((out / "shortlist.json").read_text())
    # Two different files whose sha256 share the first 16 hex digits (made up; unlikely).
    data["candidates"][0]["sha256"] = "ab" * 8 + "0" * 48
    data["candidates"][1]["sha256"] = "ab" * 8 + "1" * 48
    (out / "shortlist.json").write_text(json.dumps(data), encoding="utf-8")
    csv_path = write_csv(tmp_path / "d.csv", f"candidate_id,sex\n{'ab' * 8},F\n")
    with pytest.raises(AuditInputError, match=r"d\.csv: line 2 matches 2 candidates"):
        impact_audit(out, csv_path)
    # A longer prefix tells them apart.
    write_csv(csv_path, f"candidate_id,sex\n{'ab' * 8}1111,F\n")
    assert impact_audit(out, csv_path).unmatched_rows == 0


def test_cli(worked, tmp_path: Path):
    out, csv_path = worked
    runner = CliRunner()
    args = ["audit", "impact", "--results", str(out), "--demographics", str(csv_path)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["categories"]["sex"]["reference_group"] == "M"

    result = runner.invoke(app, [*args, "--min-group", "9"])
    assert result.exit_code == 0 and "too small to rate" in result.stdout  # F has 8

    missing = ["--demographics", str(tmp_path / "missing.csv")]
    result = runner.invoke(app, ["audit", "impact", "--results", str(out), *missing])
    assert result.exit_code == 2
