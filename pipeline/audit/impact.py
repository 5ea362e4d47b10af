"""Adverse impact by group: selection and scoring rates of a `screen` run's candidates per
self-reported group.

For each category in a demographics file (sex, race/ethnicity, ...) and for the intersection of
all of them, the audit counts each group's candidates, how many were shortlisted (the selection
rate) and how many scored above the median of all candidates (the scoring rate). Each rate is
divided by the highest rate among the groups large enough to rate, giving the impact ratio that
US employment guidance reads with the four-fifths rule (a ratio under 0.8 is a sign of adverse
impact) and that NYC Local Law 144 bias audits of automated hiring tools report; Fisher's exact
test says how surprising a group's shortlist count would be if every group were treated alike.
The figures are only as good as the self-reported data behind them: people who declined to
answer are counted as "unknown" and never guessed, small groups give rates that swing with one
candidate and are not rated, and a low ratio measures a difference in outcomes, not its cause;
it is a reason to look closer at the job definition and the scoring, not a verdict.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from ..errors import PipelineError
from ..records import CANDIDATE_ID_LENGTH

UNKNOWN = "unknown"
UNKNOWN_ANSWERS = frozenset({"", "unknown", "prefer not to say"})
FOUR_FIFTHS = 0.8
INTERSECTION = " × "
ID_COLUMNS = ("candidate_id", "file")
HEX_DIGITS = frozenset("0123456789abcdef")

METHOD = (
    "Selection rate = shortlisted / candidates in the group; scoring rate = share of the group "
    "scoring above the median score of all candidates. Impact ratio = a group's rate / the "
    "highest rate among rated groups (at least min_group candidates, value known); a rated "
    "group under 0.8 is flagged (four-fifths rule). Fisher's exact test (two-sided) compares "
    "a group's shortlisted/not counts with those of the other rated groups. Unknown, declined "
    "or missing answers, and intersections with any unknown part, form the group 'unknown', "
    "which is shown but never rated."
)


class AuditInputError(PipelineError):
    """The results folder or the demographics file cannot be audited; the message names it."""


@dataclass(frozen=True, slots=True)
class GroupImpact:
    """One group's figures. Ratios, flags and p are None when the group is not rated."""

    group: str
    n: int
    selected: int
    above_median: int
    rated: bool
    selection_ratio: float | None
    scoring_ratio: float | None
    below_four_fifths: bool | None
    scoring_below_four_fifths: bool | None
    fisher_p: float | None
    note: str | None

    @property
    def selection_rate(self) -> float:
        return self.selected / self.n

    @property
    def scoring_rate(self) -> float:
        return self.above_median / self.n

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "selected": self.selected,
            "selection_rate": _round(self.selection_rate),
            "above_median": self.above_median,
            "scoring_rate": _round(self.scoring_rate),
            "rated": self.rated,
            "impact_ratio": _round(self.selection_ratio),
            "scoring_impact_ratio": _round(self.scoring_ratio),
            "below_four_fifths": self.below_four_fifths,
            "scoring_below_four_fifths": self.scoring_below_four_fifths,
            "fisher_p": None if self.fisher_p is None else float(f"{self.fisher_p:.4g}"),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CategoryImpact:
    """The groups of one category column, or of the intersection of all of them."""

    name: str
    groups: tuple[GroupImpact, ...]
    reference_group: str | None  # the rated group with the highest selection rate
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_group": self.reference_group,
            "notes": list(self.notes),
            "groups": [g.to_dict() for g in self.groups],
        }


@dataclass(frozen=True, slots=True)
class ImpactAudit:
    """The adverse-impact audit of one shortlist. Holds counts per group, never a person's
    answers."""

    candidates: int
    selected: int
    median_score: float | None
    min_group: int
    demographics_rows: int
    unmatched_rows: int
    candidates_without_row: int
    categories: tuple[CategoryImpact, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "selected": self.selected,
            "median_score": self.median_score,
            "min_group": self.min_group,
            "demographics_rows": self.demographics_rows,
            "unmatched_rows": self.unmatched_rows,
            "candidates_without_row": self.candidates_without_row,
            "categories": {c.name: c.to_dict() for c in self.categories},
            "method": METHOD,
        }

    def text(self) -> str:
        median = "-" if self.median_score is None else f"{self.median_score:g}"
        lines = [
            f"Adverse impact: {self.candidates} candidates, {self.selected} shortlisted, "
            f"median score {median}.",
            f"Demographics: {self.demographics_rows} rows, {self.unmatched_rows} matching no "
            f"candidate; {self.candidates_without_row} candidates without a row (unknown).",
            f"Groups under {self.min_group} candidates and 'unknown' are not rated.",
        ]
        for category in self.categories:
            lines += ["", category.name, *_table(category.groups)]
            lines += [f"  note: {note}" for note in category.notes]
        lines += [
            "",
            "Legend: ratio = the group's rate / the highest rate among rated groups; below 4/5 "
            "= a rated group's ratio under 0.8 (four-fifths rule);",
            "  scoring rate = share above the median score; Fisher p = two-sided exact test of "
            "the group's shortlisted count against the other rated groups; - = not rated.",
        ]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class _Candidate:
    sha256: str
    files: tuple[str, ...]
    score: float
    selected: bool


def impact_audit(results_dir: Path, demographics_csv: Path, min_group: int = 5) -> ImpactAudit:
    """Audit the shortlist in `results_dir` against self-reported groups in `demographics_csv`.
    The demographics are read for this audit only and never written anywhere."""
    candidates = _read_shortlist(Path(results_dir) / "shortlist.json")
    columns, rows = _read_demographics(Path(demographics_csv))
    answers, unmatched = _match(candidates, rows, Path(demographics_csv))

    median = statistics.median(c.score for c in candidates) if candidates else None
    above = [median is not None and c.score > median for c in candidates]
    selected = [c.selected for c in candidates]

    # Each candidate's group in every column; no row means unknown everywhere.
    groups_by_column = {
        column: [answers.get(c.sha256, {}).get(column, UNKNOWN) for c in candidates]
        for column in columns
    }
    if len(columns) > 1:
        name = INTERSECTION.join(columns)
        groups_by_column[name] = [
            _intersection(parts) for parts in zip(*groups_by_column.values(), strict=True)
        ]
    categories = tuple(
        _category(name, labels, selected, above, min_group)
        for name, labels in groups_by_column.items()
    )
    return ImpactAudit(
        candidates=len(candidates),
        selected=sum(selected),
        median_score=median,
        min_group=min_group,
        demographics_rows=len(rows),
        unmatched_rows=unmatched,
        candidates_without_row=sum(c.sha256 not in answers for c in candidates),
        categories=categories,
    )


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the 2x2 table [[a, b], [c, d]]: with the margins
    fixed, the probability of a table no more likely than the one observed."""
    row1, row2, col1 = a + b, c + d, a + c
    low, high = max(0, col1 - row2), min(row1, col1)
    # The hypergeometric weight of the table with x in the top-left cell is
    # comb(row1, x) * comb(row2, col1 - x); each follows from the one before in exact integers,
    # so a table exactly as likely as the observed one is never lost to rounding, and no
    # factorial of a large store's size is computed once per table.
    observed = math.comb(row1, a) * math.comb(row2, c)
    weight = math.comb(row1, low) * math.comb(row2, col1 - low)
    extreme = 0
    for x in range(low, high + 1):
        if weight <= observed:
            extreme += weight
        weight = weight * (row1 - x) * (col1 - x) // ((x + 1) * (row2 - col1 + x + 1))
    return min(1.0, extreme / math.comb(row1 + row2, col1))


def _category(
    name: str, labels: list[str], selected: list[bool], above: list[bool], min_group: int
) -> CategoryImpact:
    """The figures of each group of one category; `labels[i]` is candidate i's group."""
    counts: dict[str, list[int]] = {}  # group -> [n, selected, above median]
    for label, is_selected, is_above in zip(labels, selected, above, strict=True):
        count = counts.setdefault(label, [0, 0, 0])
        count[0] += 1
        count[1] += is_selected
        count[2] += is_above
    order = sorted(counts, key=lambda g: (g == UNKNOWN, g))
    rated = [g for g in order if g != UNKNOWN and counts[g][0] >= min_group]
    best_selection = max((counts[g][1] / counts[g][0] for g in rated), default=None)
    best_scoring = max((counts[g][2] / counts[g][0] for g in rated), default=None)
    reference = max(rated, key=lambda g: counts[g][1] / counts[g][0]) if best_selection else None

    notes = []
    if not labels:
        notes.append("no candidates")
    elif not rated:
        notes.append(f"no group with a known value has {min_group} or more candidates")
    else:
        if not best_selection:
            notes.append("nobody in the rated groups was shortlisted: no selection ratios")
        if not best_scoring:
            notes.append("nobody in the rated groups scored above the median: no scoring ratios")
        if len(rated) == 1:
            notes.append("only one rated group: nothing to compare it with")

    groups = []
    for g in order:
        n, chosen, high = counts[g]
        if g not in rated:
            note = "not rated: unknown" if g == UNKNOWN else "too small to rate"
            groups.append(
                GroupImpact(g, n, chosen, high, False, None, None, None, None, None, note)
            )
            continue
        selection_ratio = chosen / n / best_selection if best_selection else None
        scoring_ratio = high / n / best_scoring if best_scoring else None
        others_n = sum(counts[o][0] for o in rated if o != g)
        others_selected = sum(counts[o][1] for o in rated if o != g)
        p = (
            fisher_exact(chosen, n - chosen, others_selected, others_n - others_selected)
            if others_n
            else None
        )
        groups.append(
            GroupImpact(
                group=g,
                n=n,
                selected=chosen,
                above_median=high,
                rated=True,
                selection_ratio=selection_ratio,
                scoring_ratio=scoring_ratio,
                below_four_fifths=_below(selection_ratio),
                scoring_below_four_fifths=_below(scoring_ratio),
                fisher_p=p,
                note=None,
            )
        )
    return CategoryImpact(name, tuple(groups), reference, tuple(notes))


def _below(ratio: float | None) -> bool | None:
    return None if ratio is None else ratio < FOUR_FIFTHS


def _intersection(parts: Iterable[str]) -> str:
    parts = tuple(parts)
    return UNKNOWN if UNKNOWN in parts else INTERSECTION.join(parts)


def _read_shortlist(path: Path) -> list[_Candidate]:
    """The scored candidates of a shortlist.json written by `screen`."""
    if not path.is_file():
        raise AuditInputError(f"{path}: not found (is the folder an output of `screen`?)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditInputError(f"{path}: cannot be read as JSON ({exc})") from None
    entries = data.get("candidates") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise AuditInputError(f"{path}: no 'candidates' list; not a shortlist written by `screen`")
    candidates = []
    for i, entry in enumerate(entries, 1):
        try:
            if entry.get("status", "scored") != "scored":
                continue
            sha256 = str(entry["sha256"]).lower()
            files = tuple(str(f) for f in entry.get("files") or [entry["file"]])
            candidates.append(
                _Candidate(
                    sha256=sha256,
                    files=files,
                    score=float(entry["score"]),
                    selected=entry["shortlisted"] is True,
                )
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            raise AuditInputError(
                f"{path}: candidate {i} lacks sha256, file, score or shortlisted"
            ) from None
    return candidates


def _read_demographics(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The category columns and the rows (line number, column -> cell) of the CSV."""
    if not path.is_file():
        raise AuditInputError(f"{path}: demographics file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AuditInputError(f"{path}: cannot be read as a UTF-8 CSV ({exc})") from None
    named = [h for h in header if h]
    if len(set(named)) != len(named):
        raise AuditInputError(f"{path}: a column name appears twice in the header")
    if not any(h in ID_COLUMNS for h in named):
        raise AuditInputError(f"{path}: needs a candidate_id or file column")
    columns = [h for h in named if h not in ID_COLUMNS]
    if not columns:
        raise AuditInputError(f"{path}: no category column (e.g. sex, race_ethnicity)")
    records = []
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))  # cells past the header are ignored
        row = {h: cell.strip() for h, cell in zip(header, cells, strict=False) if h}
        records.append((line, row))
    return columns, records


def _match(
    candidates: list[_Candidate], rows: list[tuple[int, dict[str, str]]], path: Path
) -> tuple[dict[str, dict[str, str]], int]:
    """Each matched candidate's answers (sha256 -> column -> group) and the count of rows that
    matched nobody. A row matching several candidates, or two rows for one, is an error."""
    by_file: dict[str, set[str]] = {}
    for c in candidates:
        for name in c.files:
            by_file.setdefault(name, set()).add(c.sha256)
            by_file.setdefault(PurePath(name).name, set()).add(c.sha256)
    answers: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    unmatched = 0
    for line, row in rows:
        key = row.get("candidate_id", "").lower()
        if key:
            if len(key) < CANDIDATE_ID_LENGTH or len(key) > 64 or not set(key) <= HEX_DIGITS:
                raise AuditInputError(
                    f"{path}: line {line}: candidate_id is not a {CANDIDATE_ID_LENGTH}-64 "
                    "hex-digit id or sha256 prefix"
                )
            found = {c.sha256 for c in candidates if c.sha256.startswith(key)}
        else:
            found = by_file.get(row.get("file", ""), set())
        if not found:
            unmatched += 1
            continue
        if len(found) > 1:
            raise AuditInputError(
                f"{path}: line {line} matches {len(found)} candidates; "
                "give a longer sha256 prefix as candidate_id"
            )
        (sha256,) = found
        if sha256 in answers:
            raise AuditInputError(
                f"{path}: lines {lines[sha256]} and {line} are for the same candidate"
            )
        lines[sha256] = line
        answers[sha256] = {
            column: _group(value) for column, value in row.items() if column not in ID_COLUMNS
        }
    return answers, unmatched


def _group(answer: str) -> str:
    """A cell as a group name: declined or empty answers are "unknown", never guessed."""
    answer = " ".join(answer.split())
    return UNKNOWN if answer.lower() in UNKNOWN_ANSWERS else answer


def _table(groups: tuple[GroupImpact, ...]) -> list[str]:
    """An aligned table of a category's groups, indented two spaces."""
    header = (
        "group", "n", "selected", "sel. rate", "impact ratio", "scoring rate", "scoring ratio",
        "Fisher p", "flag",
    )  # fmt: skip
    rows = [header]
    for g in groups:
        flags = []
        if g.below_four_fifths:
            flags.append("below 4/5")
        if g.scoring_below_four_fifths:
            flags.append("scoring below 4/5")
        if g.note:
            flags.append(g.note)
        rows.append(
            (
                g.group,
                str(g.n),
                str(g.selected),
                f"{g.selection_rate:.1%}",
                "-" if g.selection_ratio is None else f"{g.selection_ratio:.2f}",
                f"{g.scoring_rate:.1%}",
                "-" if g.scoring_ratio is None else f"{g.scoring_ratio:.2f}",
                _p_text(g.fisher_p),
                "; ".join(flags),
            )
        )
    if not groups:
        return ["  (no candidates)"]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)]
        cells.append(row[-1])
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _p_text(p: float | None) -> str:
    if p is None:
        return "-"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
