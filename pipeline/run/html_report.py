"""report.html: the shortlist for a person, in one self-contained file.

One HTML file with its style inline: no scripts, no fonts, images or styles fetched from
anywhere, so it opens offline and from an e-mail attachment. It holds the ranked table, a card
per shortlisted candidate (points per requirement, evidence with the skill marked, competency
bars, months and last use of the key skills, flags, interview questions), the files that
failed and why, the score distribution and a requirement-coverage heat map.

Every piece of resume text goes through `html.escape`; nothing from a resume becomes a link,
an attribute other than escaped text, or markup. The page is written in one pass over the
candidates (as shortlist.csv/.json are), keeping only the first TABLE_ROWS rows and the
shortlisted candidates' entries, so a nightly store of 100,000 gives a page of bounded size.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import IO, Any

from ..errors import REASONS
from .report import RenderedShortlist, flag_list

TABLE_ROWS = 500  # rows of the ranked table; the CSV and JSON have every candidate
CARDS = 100  # candidates with a card: the first CARDS ranked and every shortlisted one
HISTOGRAM_BINS = 10
MAX_EVIDENCE = 2

STATUS_TEXT = {"met": "met", "partial": "partial", "missing": "missing"}
STATUS_MARK = {"met": "✓", "partial": "◐", "missing": "✗"}

STYLE = """
:root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --met: #cdebd3; --partial: #fdeeb5;
  --missing: #f6d3d6; --bar: #2b5f9e; --mark: #fff3a3; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #fff; margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .4rem; }
p.meta, .muted { color: var(--muted); }
a { color: #0b4f9c; }
a:focus, summary:focus { outline: 3px solid #e07b00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .3rem .6rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
th { background: #eef1f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { background: var(--met); } .partial { background: var(--partial); }
.missing { background: var(--missing); }
.pill { display: inline-block; padding: 0 .4rem; border-radius: .6rem; margin: 0 .15rem .15rem 0;
  border: 1px solid var(--line); white-space: nowrap; }
.bar { display: inline-block; height: .7rem; background: var(--bar); vertical-align: middle; }
.track { display: inline-block; width: 8rem; height: .7rem; background: #e4e7ec;
  vertical-align: middle; margin-right: .4rem; }
mark { background: var(--mark); color: var(--ink); padding: 0 .1rem; }
.card { border: 1px solid var(--line); border-radius: .4rem; padding: .8rem 1rem; margin: 1rem 0;
  break-inside: avoid; }
.flag { background: #fde2c8; border: 1px solid #c77a2a; }
.note { font-size: .9rem; color: var(--muted); }
ul.evidence { margin: .2rem 0; padding-left: 1.1rem; }
.heat { font-size: .85rem; } .heat td { text-align: center; min-width: 3rem; }
td.nowrap { white-space: nowrap; }
caption { text-align: left; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .skip, nav { display: none; }
  .card { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


class HtmlReport:
    """Collects the candidates of a rendered shortlist one by one, then writes the page."""

    def __init__(self, rendered: RenderedShortlist) -> None:
        self.rendered = rendered
        self.rows: list[dict[str, Any]] = []  # the ranked table (first TABLE_ROWS)
        self.cards: list[dict[str, Any]] = []  # shortlisted candidates, whole entries
        self.scores: list[float] = []
        self.previous: tuple[float, int] | None = None  # (score, rank) of the row before
        self.earlier = rendered.other_files()  # a ranked file -> the person's other files

    def candidate(self, rank: int, chosen: bool, c: Any, entry: dict[str, Any]) -> None:
        score = round(float(c.score), 1)
        self.scores.append(score)
        tie = self.previous is not None and self.previous[0] == score
        if tie:
            assert self.previous is not None
            if self.rows and self.rows[-1]["rank"] == self.previous[1]:
                self.rows[-1]["tie"] = True
        self.previous = (score, rank)
        if len(self.rows) < TABLE_ROWS or chosen:
            counts = {s: 0 for s in STATUS_TEXT}
            for r in entry["requirements"]:
                counts[r["status"]] = counts.get(r["status"], 0) + 1
            self.rows.append(
                {
                    "rank": rank,
                    "id": c.candidate_id,
                    "file": c.files[0],
                    "name": (entry.get("contact") or {}).get("name"),
                    "email": (entry.get("contact") or {}).get("email"),
                    "score": score,
                    "chosen": chosen,
                    "disqualified": c.disqualified,
                    "counts": counts,
                    "flags": "; ".join(
                        x
                        for x in (
                            c.flags,
                            *(f"also sent {o.file}" for o in self.earlier.get(c.files[0], ())),
                        )
                        if x
                    ),
                    "tie": tie,
                }
            )
        if chosen or len(self.cards) < CARDS:
            others = [f"{o.file} ({_basis(o)})" for o in self.earlier.get(c.files[0], ())]
            self.cards.append(
                {
                    "rank": rank,
                    "file": c.files[0],
                    "files": c.files,
                    "others": others,
                    "chosen": chosen,
                    **entry,
                }
            )

    # -- the page --------------------------------------------------------------------------

    @property
    def carded(self) -> set[str]:
        return {card["candidate_id"] for card in self.cards}

    def write(self, handle: IO[str]) -> None:
        r = self.rendered
        title = str(r.job.get("title") or "Shortlist")
        counts = r.counts
        blind = not any(row.get("name") or row.get("email") for row in self.rows)
        parts = [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # No request leaves the page: nothing may load from anywhere, and no script runs.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">\n"
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>Shortlist: {_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            '<a class="skip" href="#ranked">Skip to the ranked table</a>\n<header>\n'
            f"<h1>Shortlist: {_e(title)}</h1>\n"
            f'<p class="meta">{counts.get("candidates", 0)} candidates scored, '
            f"{counts.get('shortlisted', 0)} shortlisted (top {r.top}), "
            f"{counts.get('failed', 0)} files failed, {counts.get('duplicates', 0)} duplicates. "
            + _versions(r.versions)
            + "</p>\n"
            + (
                '<p class="note">Blind review: names, contact details and gender cues are left '
                "out; candidates are shown by id.</p>\n"
                if blind and self.rows
                else ""
            )
            + '<p class="note">Scores come only from skills, competencies, job titles and years '
            "of experience; a person makes the decision.</p>\n</header>\n",
            _nav(bool(self.cards), bool(r.failed or r.duplicates or self.earlier)),
            "<main>\n",
            self._ranked_table(blind),
            self._distribution(),
            self._heat_map(),
            self._cards(),
            self._problems(),
            "</main>\n</body>\n</html>\n",
        ]
        for part in parts:
            handle.write(part)

    def _ranked_table(self, blind: bool) -> str:
        if not self.rows:
            return (
                '<section aria-labelledby="ranked"><h2 id="ranked">Ranked candidates</h2>'
                "<p>No candidate was scored.</p></section>\n"
            )
        out = [
            '<section aria-labelledby="ranked"><h2 id="ranked">Ranked candidates</h2>\n',
            '<table>\n<caption class="note">✓ met, ◐ partial, ✗ missing requirements. '
            "Tied scores are ordered by candidate id.</caption>\n<thead><tr>"
            '<th scope="col" class="num">Rank</th><th scope="col">Candidate</th>'
            + ("" if blind else '<th scope="col">E-mail</th>')
            + '<th scope="col" class="num">Score</th><th scope="col">Requirements</th>'
            '<th scope="col">Shortlisted</th><th scope="col">Flags</th></tr></thead>\n<tbody>\n',
        ]
        carded = self.carded
        for row in self.rows:
            who = _e(row["name"] or f"candidate {row['id']}")
            if row["id"] in carded:
                who = f'<a href="#c-{_e(row["id"])}">{who}</a>'
            who += f'<br><span class="note">{_e(row["file"])}</span>'
            counts = row["counts"]
            reqs = " ".join(
                f'<span class="pill {s}" title="{counts.get(s, 0)} {STATUS_TEXT[s]}">'
                f'<span aria-hidden="true">{STATUS_MARK[s]}</span> {counts.get(s, 0)}'
                f'<span class="sr"> {STATUS_TEXT[s]}</span></span>'
                for s in STATUS_TEXT
            )
            score = f"{row['score']:.1f}"
            if row["tie"]:
                score += '<br><span class="note">tie</span>'
            chosen = (
                "yes"
                if row["chosen"]
                else ("no: a must-have is missing" if row["disqualified"] else "no")
            )
            out.append(
                f'<tr><td class="num">{row["rank"]}</td><td>{who}</td>'
                + ("" if blind else f"<td>{_e(row['email'] or '')}</td>")
                + f'<td class="num">{score}</td><td class="nowrap">{reqs}</td><td>{chosen}</td>'
                f"<td>{_e(row['flags'])}</td></tr>\n"
            )
        out.append("</tbody></table>\n")
        shown = len(self.rows)
        if len(self.scores) > shown:
            out.append(
                f'<p class="note">The first {shown} of {len(self.scores)} candidates are shown; '
                "shortlist.csv and shortlist.json list every one.</p>\n"
            )
        out.append("</section>\n")
        return "".join(out)

    def _distribution(self) -> str:
        if not self.scores:
            return ""
        bins = [0] * HISTOGRAM_BINS
        for s in self.scores:
            bins[min(HISTOGRAM_BINS - 1, int(s // (100 / HISTOGRAM_BINS)))] += 1
        top = max(bins) or 1
        width, height, gap, head = 36, 120, 6, 16
        bars = []
        for i, n in enumerate(bins):
            h = round((height - head) * n / top)
            x = i * (width + gap)
            lo = i * 100 // HISTOGRAM_BINS
            bars.append(
                f'<rect x="{x}" y="{height - h}" width="{width}" height="{h}" fill="#2b5f9e">'
                f"<title>{lo}–{lo + 100 // HISTOGRAM_BINS}: {n}</title></rect>"
                f'<text x="{x + width / 2}" y="{height + 14}" font-size="11" '
                f'text-anchor="middle">{lo}</text>'
                + (
                    f'<text x="{x + width / 2}" y="{height - h - 3}" font-size="11" '
                    f'text-anchor="middle">{n}</text>'
                    if n
                    else ""
                )
            )
        total_w = HISTOGRAM_BINS * (width + gap)
        summary = ", ".join(
            f"{i * 100 // HISTOGRAM_BINS}–{(i + 1) * 100 // HISTOGRAM_BINS}: {n}"
            for i, n in enumerate(bins)
            if n
        )
        return (
            '<section aria-labelledby="distribution"><h2 id="distribution">Score distribution'
            "</h2>\n"
            f'<svg role="img" aria-label="Candidates per score band: {summary}" '
            f'width="{total_w}" height="{height + 20}" viewBox="0 0 {total_w} {height + 20}">'
            + "".join(bars)
            + f'</svg>\n<p class="note">Candidates per band of 10 points ({summary}).</p>'
            "</section>\n"
        )

    def _heat_map(self) -> str:
        shortlisted = [card for card in self.cards if card["chosen"]]
        if not shortlisted:
            return ""
        labels = [req["requirement"] for req in shortlisted[0]["requirements"]]
        out = [
            '<section aria-labelledby="coverage"><h2 id="coverage">Requirement coverage of the '
            'shortlist</h2>\n<div style="overflow-x:auto"><table class="heat">\n'
            '<caption class="note">Points earned per requirement (the most it gives in the '
            "heading); ✓ met, ◐ partial, ✗ missing.</caption>\n"
            '<thead><tr><th scope="col">Candidate</th>'
        ]
        most = {req["requirement"]: req.get("max_points") for req in shortlisted[0]["requirements"]}
        out += [
            f'<th scope="col">{_e(label)}'
            + ("" if most[label] is None else f' <span class="note">({most[label]:.1f})</span>')
            + "</th>"
            for label in labels
        ]
        out.append("</tr></thead>\n<tbody>\n")
        for card in shortlisted:
            by_label = {req["requirement"]: req for req in card["requirements"]}
            out.append(
                f'<tr><th scope="row"><a href="#c-{_e(card["candidate_id"])}">#{card["rank"]} '
                f"{_e(_who(card))}</a></th>"
            )
            for label in labels:
                req = by_label.get(label)
                if req is None:
                    out.append("<td>–</td>")
                    continue
                out.append(
                    f'<td class="{_e(req["status"])}">{STATUS_MARK.get(req["status"], "")} '
                    f"{req.get('points', '')}</td>"
                )
            out.append("</tr>\n")
        out.append("</tbody></table></div></section>\n")
        return "".join(out)

    def _cards(self) -> str:
        if not self.cards:
            return ""
        out = [
            '<section aria-labelledby="cards"><h2 id="cards">Candidates</h2>\n'
            f'<p class="note">In rank order: every shortlisted candidate and the first {CARDS} '
            "ranked.</p>\n"
        ]
        for card in self.cards:
            out.append(_card(card))
        out.append("</section>\n")
        return "".join(out)

    def _problems(self) -> str:
        r = self.rendered
        same = r.same_applicant
        if not (r.failed or r.duplicates or same):
            return ""
        out = ['<section aria-labelledby="problems"><h2 id="problems">Files not scored</h2>\n']
        if r.failed:
            out.append(
                '<table><thead><tr><th scope="col">File</th><th scope="col">Reason</th>'
                '<th scope="col">What it means</th></tr></thead><tbody>\n'
            )
            for f in r.failed:
                out.append(
                    f"<tr><td>{_e(f.file)}</td><td>{_e(f.reason)}</td>"
                    f"<td>{_e(REASONS.get(f.reason, ''))}</td></tr>\n"
                )
            out.append("</tbody></table>\n")
        if r.duplicates:
            out.append("<p>Same bytes as a file already screened (not scored again):</p><ul>\n")
            for d in r.duplicates:
                out.append(f"<li>{_e(d.file)}: duplicate of {_e(d.duplicate_of)}</li>\n")
            out.append("</ul>\n")
        if same:
            out.append(
                "<p>Earlier files of a person who also sent a later one (the later file is "
                "ranked):</p><ul>\n"
            )
            for o in same:
                out.append(
                    f"<li>{_e(o.file)}: same applicant as {_e(o.same_applicant_as)} "
                    f"({_e(_basis(o))})</li>\n"
                )
            out.append("</ul>\n")
        out.append("</section>\n")
        return "".join(out)


def _card(card: dict[str, Any]) -> str:
    cid = card["candidate_id"]
    contact = card.get("contact") or {}
    who = _who(card)
    years = card.get("years_experience")
    lines = [
        f'<article class="card" id="c-{_e(cid)}" aria-labelledby="h-{_e(cid)}">\n'
        f'<h3 id="h-{_e(cid)}">#{card["rank"]} {_e(who)}: {float(card["score"]):.1f}'
        + ("" if card.get("chosen", True) else ' <span class="note">(not shortlisted)</span>')
        + "</h3>\n"
        '<p class="meta">'
        + " · ".join(
            _e(x)
            for x in (
                contact.get("email"),
                contact.get("phone"),
                f"{years:g} years of experience" if years is not None else "years not found",
                ", ".join(card.get("files") or [card["file"]]),
                f"id {cid}",
            )
            if x
        )
        + "</p>\n"
    ]
    flags = [words for _, words in flag_list(card.get("flags") or {})]
    if len(card.get("files") or ()) > 1:
        flags.append("same file uploaded again as: " + ", ".join(card["files"][1:]))
    if card.get("others"):
        flags.append("same applicant also sent: " + ", ".join(card["others"]))
    if card.get("disqualified"):
        flags.insert(0, "missing must-have: " + ", ".join(card.get("missing_must_haves", [])))
    if flags:
        lines.append(
            "<p>" + " ".join(f'<span class="pill flag">{_e(f)}</span>' for f in flags) + "</p>\n"
        )
    lines.append(
        '<table><caption class="note">How the score adds up</caption><thead><tr>'
        '<th scope="col">Requirement</th><th scope="col">Status</th>'
        '<th scope="col" class="num">Points</th><th scope="col">Evidence</th></tr></thead>'
        "<tbody>\n"
    )
    for req in card["requirements"]:
        status = req["status"]
        evidence = "".join(
            f"<li>{_highlight(e, req.get('matched', []))}</li>"
            for e in req.get("evidence", [])[:MAX_EVIDENCE]
        )
        matched = ", ".join(req.get("matched", [])[:8])
        lines.append(
            f'<tr><th scope="row">{_e(req["requirement"])}'
            + (' <span class="note">(must-have)</span>' if req.get("must_have") else "")
            + f'</th><td class="{_e(status)}">{STATUS_MARK.get(status, "")} {_e(status)}</td>'
            f'<td class="num">{_points(req)}</td><td>'
            + (f'<span class="note">{_e(matched)}</span>' if matched else "")
            + (f'<ul class="evidence">{evidence}</ul>' if evidence else "")
            + "</td></tr>\n"
        )
    lines.append('</tbody></table>\n<div class="grid">\n')
    lines.append(_competency_bars(card.get("competencies") or {}))
    lines.append(_key_skills(card.get("key_skills") or []))
    lines.append(_interview(card.get("interview")))
    lines.append("</div>\n</article>\n")
    return "".join(lines)


def _competency_bars(competencies: dict[str, Any]) -> str:
    if not competencies:
        return ""
    out = ["<div><h4>Competencies</h4><table><tbody>\n"]
    for cid in sorted(competencies):
        c = competencies[cid]
        p = c.get("probability")
        value = float(p if p is not None else c.get("strength") or 0.0)
        shown = f"{value:.2f}" + ("" if c.get("present") else " (absent)")
        out.append(
            f'<tr><th scope="row">{_e(cid.replace("_", " "))}</th><td class="nowrap">'
            f'<span class="track" aria-hidden="true"><span class="bar" style="width:'
            f'{round(100 * max(0.0, min(1.0, value)))}%"></span></span>{_e(shown)}</td></tr>\n'
        )
    out.append(
        '</tbody></table><p class="note">The classifier\'s probability that the resume '
        "shows each competency.</p></div>\n"
    )
    return "".join(out)


def _key_skills(skills: list[dict[str, Any]]) -> str:
    if not skills:
        return ""
    out = [
        '<div><h4>Key skills</h4><table><thead><tr><th scope="col">Skill</th>'
        '<th scope="col" class="num">Months</th><th scope="col" class="num">Last used</th>'
        "</tr></thead><tbody>\n"
    ]
    ordered = sorted(skills, key=lambda s: (-(s.get("months") or 0), s["skill"].lower()))
    for s in ordered[:12]:
        months = s.get("months")
        last = s.get("last_used")
        out.append(
            f"<tr><td>{_e(s['skill'])}</td>"
            f'<td class="num">{"–" if months is None else months}</td>'
            f'<td class="num">{"–" if last is None else last}</td></tr>\n'
        )
    out.append(
        '</tbody></table><p class="note">From the dated jobs that mention the skill; '
        "– when no dated job does.</p></div>\n"
    )
    return "".join(out)


def _interview(plan: dict[str, Any] | None) -> str:
    if not plan:
        return ""
    questions = "".join(
        f'<li>{_e(q["question"])} <span class="note">(probes {_e(q["probes"])})</span></li>'
        for q in plan.get("questions", [])
    )
    flags = "".join(f"<li>{_e(f)}</li>" for f in plan.get("red_flags", []))
    return (
        "<div><h4>Interview plan</h4>"
        + (f"<ol>{questions}</ol>" if questions else "")
        + (f"<p>Red flags to check:</p><ul>{flags}</ul>" if flags else "")
        + "</div>\n"
    )


def _basis(same: Any) -> str:
    """Why two files are one person: "same e-mail", "same phone" or "text 0.93 alike"."""
    if same.basis == "text":
        return f"text {same.similarity:.2f} alike" if same.similarity is not None else "text"
    return f"same {'e-mail' if same.basis == 'email' else same.basis}"


def _who(card: dict[str, Any]) -> str:
    return (card.get("contact") or {}).get("name") or f"candidate {card['candidate_id']}"


def _points(req: dict[str, Any]) -> str:
    if "points" not in req:
        return _e(req["status"])
    return f"{req['points']:.1f} / {req['max_points']:.1f}"


def _versions(versions: dict[str, str]) -> str:
    keys = ("package", "parser", "lexicon", "model")
    shown = ", ".join(f"{k} {_e(str(versions[k]))}" for k in keys if k in versions)
    return f"Versions: {shown}." if shown else ""


def _nav(cards: bool, problems: bool) -> str:
    links = [("ranked", "Ranked"), ("distribution", "Distribution")]
    if cards:
        links += [("coverage", "Coverage"), ("cards", "Candidates")]
    if problems:
        links.append(("problems", "Files not scored"))
    items = " · ".join(f'<a href="#{k}">{v}</a>' for k, v in links)
    return f'<nav aria-label="Sections"><p>{items}</p></nav>\n'


def _highlight(text: str, skills: list[str]) -> str:
    """The text escaped, with each named skill wrapped in <mark> (matched on the raw text,
    each piece escaped on its own, so no resume text is ever read as markup)."""
    names = tuple(sorted({s for s in skills if s and len(s) < 80}, key=lambda n: (-len(n), n)))
    if not names:
        return _e(text)
    pattern = _skills_pattern(names)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(_e(text[last : m.start()]))
        out.append(f"<mark>{_e(m.group(0))}</mark>")
        last = m.end()
    out.append(_e(text[last:]))
    return "".join(out)


@lru_cache(maxsize=2048)
def _skills_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the names as a whole word, longest first (compiled once per set of names: a
    requirement's matched skills repeat across its evidence and across candidates)."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(r"(?<![\w+#])(" + alternatives + r")(?![\w+#])", re.IGNORECASE)


def _e(value: Any) -> str:
    return escape(str(value), quote=True)
