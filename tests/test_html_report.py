"""report.html: self-contained, escaped, accessible, and as the shortlist says; rendered in
headless Chromium (skipped without it, unless PIPELINE_REQUIRE_TOOLS=1 as in CI)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from conftest import ROOT, missing, text_file

from pipeline import Screener, load_job, write_shortlist
from pipeline.run.html_report import STYLE

JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"

STRONG = """\
Orla Finchbury
orla.finchbury@example.org | +1 503 555 0101
EXPERIENCE
Machine Learning Engineer, Northwind Analytics, Jan 2019 - Present
- Trained PyTorch and scikit-learn models on Pandas pipelines; deployed them on AWS SageMaker.
- Built NLP classifiers with BERT and ran A/B tests with hypothesis testing.
SKILLS
Python, R, SQL, TensorFlow, Docker, Tableau, Matplotlib
"""

# Markup and links in every place a resume can put text: name, e-mail line, evidence.
HOSTILE = """\
Ivo <script>alert('x')</script> Brackenridge
ivo.b@example.com | javascript:alert(1)
EXPERIENCE
Data Scientist <img src=x onerror=alert(2)>, "Quote" & Co, Feb 2018 - Present
- Trained <b>PyTorch</b> models in Python; see javascript:alert(3) and <a href="http://evil.example">here</a>.
- Wrote scikit-learn pipelines with Pandas </td></tr></table><script>alert(4)</script>
"""

WEAK = """\
Pim Wolstenholme
pim.w@example.net
EXPERIENCE
Pastry Chef, Crumb & Co, 2015 - Present
- Baked bread and ran the kitchen.
"""


def screen_folder(tmp_path, blind: bool = False):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    text_file(folder / "orla.txt", STRONG)
    text_file(folder / "ivo-<img src=x onerror=alert(5)>.txt", HOSTILE)  # a hostile name too
    text_file(folder / "pim.txt", WEAK)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    out = tmp_path / ("blind" if blind else "out")
    screener = Screener(load_job(JOB), as_of=date(2026, 11, 1), blind=blind)
    write_shortlist(screener.screen(folder), out)
    return out


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_report_is_written_beside_the_shortlist_and_self_contained(tmp_path):
    out = screen_folder(tmp_path)
    page = parse(out / "report.html")
    tags = [t for t, _ in page.tags]
    # Nothing runs and nothing loads from anywhere.
    assert "script" not in tags and "iframe" not in tags and "link" not in tags
    assert "img" not in tags and "object" not in tags and "embed" not in tags
    for _tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        for key in ("href", "src", "action", "srcset"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (key, value)
    raw = (out / "report.html").read_text(encoding="utf-8")
    assert "url(" not in raw and "@import" not in raw and "http://" not in raw.lower()
    assert "default-src 'none'" in raw  # and the page forbids loading anything itself


def test_resume_text_is_escaped_everywhere(tmp_path):
    out = screen_folder(tmp_path)
    raw = (out / "report.html").read_text(encoding="utf-8")
    page = parse(out / "report.html")
    text = " ".join(page.text)
    assert "<script" not in raw.lower() and "<img" not in raw.lower() and "<b>" not in raw
    assert "&lt;b&gt;PyTorch&lt;/b&gt;" in raw  # shown as text, not dropped
    assert "ivo-&lt;img src=x onerror=alert(5)&gt;.txt" in raw
    assert "javascript:alert(3)" in text  # visible as text ...
    assert not any("javascript" in str(v) for _, a in page.tags for v in a.values())  # ... only


def test_report_agrees_with_the_shortlist(tmp_path):
    out = screen_folder(tmp_path)
    data = json.loads((out / "shortlist.json").read_text())
    page = parse(out / "report.html")
    text = " ".join(page.text)
    ids = {attrs.get("id") for _, attrs in page.tags}
    shortlisted = [c for c in data["candidates"] if c["shortlisted"]]
    assert shortlisted
    for c in data["candidates"]:  # a card per candidate (under 100), reachable from the table
        assert f"c-{c['candidate_id']}" in ids
        assert ("a", {"href": f"#c-{c['candidate_id']}"}) in page.tags
        assert f"{c['score']:.1f}" in text
    names = [c["contact"]["name"] for c in data["candidates"] if c["contact"]["name"]]
    assert "Orla Finchbury" in names and all(n in text for n in names)
    # The failed file and its reason; the interview questions of a card.
    assert "broken.pdf" in text and data["failed"][0]["reason"] in text
    first = shortlisted[0]
    assert first["interview"]["questions"][0]["question"] in text
    # Points of each requirement add up to the score.
    assert sum(r["points"] for r in first["requirements"]) == pytest.approx(first["score"], abs=0.6)


def test_report_is_accessible_by_structure():
    """Landmarks, headings and table headers a screen reader relies on; text contrast of at
    least 4.5:1 (WCAG AA) on every background the style uses."""
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", STYLE))

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for background in ("met", "partial", "missing", "mark"):
        assert contrast(colours["ink"], colours[background]) >= 4.5, background
    assert contrast(colours["muted"], "#ffffff") >= 4.5
    assert contrast(colours["muted"], "#eef1f5") >= 4.5


def test_report_structure(tmp_path):
    out = screen_folder(tmp_path)
    page = parse(out / "report.html")
    tags = [t for t, _ in page.tags]
    html_attrs = next(a for t, a in page.tags if t == "html")
    assert html_attrs.get("lang") == "en"
    assert tags.count("h1") == 1 and "main" in tags and "nav" in tags
    assert all(a.get("scope") in ("col", "row") for t, a in page.tags if t == "th")
    svg = next(a for t, a in page.tags if t == "svg")
    assert svg.get("role") == "img" and svg.get("aria-label")


def test_blind_report_shows_no_name_or_contact(tmp_path):
    plain = screen_folder(tmp_path)
    blind = screen_folder(tmp_path, blind=True)
    raw = (blind / "report.html").read_text(encoding="utf-8")
    for secret in ("Orla", "Finchbury", "orla.finchbury", "555 0101", "Wolstenholme"):
        assert secret not in raw
    assert "Blind review" in raw
    # Same ranking either way.
    rows = [list(csv.DictReader((d / "shortlist.csv").open())) for d in (plain, blind)]
    assert [r["score"] for r in rows[0]] == [r["score"] for r in rows[1]]


def test_csv_is_readable_in_a_spreadsheet(tmp_path):
    out = screen_folder(tmp_path)
    rows = list(csv.DictReader((out / "shortlist.csv").open(encoding="utf-8")))
    data = json.loads((out / "shortlist.json").read_text())
    first = rows[0]
    assert first["name"] == "Orla Finchbury" and first["email"] == "orla.finchbury@example.org"
    assert float(first["years_experience"]) > 0
    reqs = data["candidates"][0]["requirements"]
    point_columns = [k for k in first if k.endswith(")") and "(max " in k]
    assert len(point_columns) == len(reqs)
    assert sum(float(first[k] or 0) for k in point_columns) == pytest.approx(
        float(first["score"]), abs=0.6
    )
    assert first["top_evidence"] and len(first["top_evidence"]) <= 200
    assert all(";" not in first[k] for k in point_columns)  # no long lists in cells
    failed = next(r for r in rows if r["status"] == "failed")
    assert failed["file"] == "broken.pdf" and failed["reason"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    missing("Chromium", "Chromium not installed (apt-get install chromium)")


def _run_chromium(*args: str, tmp_path) -> subprocess.CompletedProcess:
    browser = _chromium()
    assert browser is not None
    return subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
            # Any request other than the file itself would fail: the page must not need one.
            "--host-resolver-rules=MAP * ~NOTFOUND", *args,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_chromium_renders_the_report(tmp_path):
    out = screen_folder(tmp_path)
    report = (out / "report.html").resolve()
    dom = _run_chromium("--dump-dom", report.as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    data = json.loads((out / "shortlist.json").read_text())
    # The DOM as the browser built it: the hostile resume's markup stayed text.
    assert "<script" not in dom.stdout.lower()
    assert dom.stdout.count('<article class="card"') == len(data["candidates"])  # under 100
    assert "&lt;b&gt;PyTorch&lt;/b&gt;" in dom.stdout and "<b>" not in dom.stdout
    assert "ivo-&lt;img src=x onerror=alert(5)&gt;.txt" in dom.stdout
    shot = tmp_path / "report.png"
    result = _run_chromium(
        "--hide-scrollbars",
        "--window-size=1280,900",
        f"--screenshot={shot}",
        report.as_uri(),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 900)
    assert len(png) > 20_000  # a rendered page, not a blank one


def test_every_reason_code_is_documented():
    from pipeline.errors import REASONS

    doc = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert [code for code in REASONS if f"| `{code}` |" not in doc] == []


def test_report_names_the_other_files_of_the_same_applicant(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    old = text_file(folder / "orla-2025.txt", STRONG)
    new = text_file(folder / "orla-2026.txt", STRONG + "- Led the migration to PyTorch 2.\n")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_760_000_000, 1_760_000_000))
    screener = Screener(load_job(JOB), as_of=date(2026, 11, 1))
    write_shortlist(screener.screen(folder), tmp_path / "out")
    text = " ".join(parse(tmp_path / "out" / "report.html").text)
    assert "orla-2025.txt: same applicant as orla-2026.txt (same e-mail)" in text
    assert "same applicant also sent: orla-2025.txt (same e-mail)" in text


def test_page_size_is_bounded_for_a_large_store(tmp_path):
    """600 candidates: the table stops at TABLE_ROWS, cards at CARDS (plus the shortlisted),
    and the page says where the rest is."""
    from pipeline.run.html_report import CARDS, TABLE_ROWS
    from pipeline.run.report import CandidateRow, render_shortlist

    def entry(i: int) -> dict:
        sha = f"{i:064x}"
        status = "met" if i % 3 else "missing"
        return {
            "candidate_id": sha[:16], "sha256": sha, "score": 100 - i / 10,
            "disqualified": False, "missing_must_haves": [], "years_experience": 3,
            "requirements": [{
                "requirement": "Python", "kind": "skill", "targets": ["python"], "weight": 1.0,
                "must_have": False, "status": status, "credit": 1.0 if i % 3 else 0.0,
                "points": 100.0 if i % 3 else 0.0, "max_points": 100.0, "matched": ["Python"],
                "evidence": [f"<i>Python</i> {i}"],
            }],
            "competencies": {}, "skills": ["python"], "key_skills": [], "flags": {},
            "contact": {"name": f"Person {i}", "email": None, "phone": None},
        }  # fmt: skip

    rows = [CandidateRow.from_entry(entry(i), (f"cv-{i}.txt",)) for i in range(600)]
    job = {"title": "T", "requirements": [{"label": "Python", "weight": 1.0}]}
    write_shortlist(render_shortlist(job, {}, 10, rows, []), tmp_path)
    page = parse(tmp_path / "report.html")
    cards = [a for t, a in page.tags if t == "article"]
    assert len(cards) == CARDS
    assert sum(1 for t, _ in page.tags if t == "tr") < TABLE_ROWS + CARDS * 3
    assert "The first 500 of 600 candidates are shown" in " ".join(page.text)
    assert "&lt;i&gt;<mark>Python</mark>&lt;/i&gt;" in (tmp_path / "report.html").read_text()
