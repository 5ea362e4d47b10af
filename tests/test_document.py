"""Document understanding: hidden text, styled headings, stuffing, `extract --json` fields."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from conftest import docx_resume, text_file
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.read import PDF_ENGINES, parse
from pipeline.skills.profile import build_profile
from pipeline.understand.segment import analyse

VISIBLE = [
    "EXPERIENCE",
    "Machine learning engineer at Northwind Analytics 2019 - 2023",
    "Built churn models in Python with scikit-learn.",
]


def pdf_with_hidden_text(path):
    """Visible lines, plus four kinds of text a reader cannot see (3 words each, 4 for white),
    plus white text on a navy box and a light grey caption, which a reader does see."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, height = A4
    c.setFont("Helvetica", 11)
    y = height - 72
    for line in VISIBLE:
        c.drawString(72, y, line)
        y -= 16
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, y, "Kubernetes TensorFlow PyTorch white")  # white on white
    y -= 16
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 2)
    c.drawString(72, y, "Spark Hadoop tiny")  # 2 pt
    y -= 16
    c.setFont("Helvetica", 11)
    text = c.beginText(72, y)
    text.setTextRenderMode(3)  # invisible
    text.textLine("Docker Airflow invisible")
    text.setTextRenderMode(0)
    c.drawText(text)
    y -= 16
    c.drawString(-400, y, "Scala Kafka offpage")  # left of the page
    y -= 16
    c.setFillColorRGB(0.1, 0.2, 0.4)
    c.rect(60, y - 30, 300, 40, fill=1, stroke=0)
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, y - 10, "Sidebar white text on navy is visible")
    y -= 50
    c.setFillColorRGB(0.6, 0.6, 0.6)
    c.drawString(72, y, "Light grey caption stays")
    c.save()
    return path


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_pdf_hidden_text_is_dropped_and_counted(tmp_path, engine):
    doc = parse(pdf_with_hidden_text(tmp_path / "h.pdf"), pdf_engine=engine)
    text = doc.text
    for word in ("Kubernetes", "TensorFlow", "Spark", "Docker", "Airflow", "Scala", "Kafka"):
        assert word not in text
    assert "Sidebar white text on navy is visible" in text
    assert "Light grey caption stays" in text
    assert [line.text for line in doc.lines[:3]] == VISIBLE
    assert doc.hidden_dropped == 4 + 3 + 3 + 3


def test_both_engines_drop_the_same_words(tmp_path):
    path = pdf_with_hidden_text(tmp_path / "h.pdf")
    docs = [parse(path, pdf_engine=engine) for engine in PDF_ENGINES]
    assert docs[0].text == docs[1].text
    assert docs[0].hidden_dropped == docs[1].hidden_dropped


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_invisible_text_over_a_scanned_page_is_kept(tmp_path, engine):
    """Scanners put an invisible OCR text layer over the page image: that is what the reader
    sees in the image, so it is kept and not flagged."""
    from PIL import Image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    Image.new("RGB", (200, 260), "white").save(buffer, format="PNG")
    buffer.seek(0)
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=612, height=792)
    text = c.beginText(72, 700)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 11)
    for line in VISIBLE:
        text.textLine(line)
    c.drawText(text)
    c.save()
    doc = parse(path, pdf_engine=engine)
    assert [line.text for line in doc.lines] == VISIBLE
    assert doc.hidden_dropped == 0


def _docx_with_hidden_runs(path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for line in VISIBLE:
        document.add_paragraph(line)
    p = document.add_paragraph("Tools: Python")
    p.add_run(" Kubernetes Terraform").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    tiny = p.add_run(" Spark Hadoop")
    tiny.font.size = Pt(1)
    hidden = p.add_run(" Docker Airflow")
    hidden.font.hidden = True
    # White text in a navy table cell is visible.
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "1F3864")
    cell._tc.get_or_add_tcPr().append(shading)
    cell.paragraphs[0].add_run("Sidebar SQL").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    document.save(str(path))
    return path


@pytest.mark.parametrize("engine", ["lxml", "python-docx"])
def test_docx_hidden_white_and_tiny_runs(tmp_path, engine):
    doc = parse(_docx_with_hidden_runs(tmp_path / "h.docx"), docx_engine=engine)
    assert "Tools: Python" in doc.text
    for word in ("Kubernetes", "Terraform", "Spark", "Hadoop", "Docker", "Airflow"):
        assert word not in doc.text
    assert "Sidebar SQL" in doc.text
    assert doc.hidden_dropped == 6


def test_hidden_words_are_flagged_in_profile_and_shortlist(tmp_path, shipped_lexicon):
    from pipeline.run.screener import Screener

    folder = tmp_path / "in"
    folder.mkdir()
    pdf_with_hidden_text(folder / "stuffed.pdf")
    result = CliRunner().invoke(app, ["extract", "--json", str(folder / "stuffed.pdf")])
    record = json.loads(result.stdout)
    assert record["hidden_text_dropped"] == 13
    skill_ids = {s["id"] for s in record["skills"]}
    assert "python" in skill_ids and "kubernetes" not in skill_ids and "pytorch" not in skill_ids
    assert Screener(lexicon=shipped_lexicon).extract(folder / "stuffed.pdf").status == "scored"
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["screen", str(folder), "--job", "examples/jobs/ml-engineer.yaml", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "hidden text or keyword stuffing" in " ".join(result.output.split())
    shortlist = json.loads((out / "shortlist.json").read_text())
    assert shortlist["candidates"][0]["flags"]["hidden_text_dropped"] == 13
    assert "hidden_text_dropped:13" in (out / "shortlist.csv").read_text()


# --------------------------------------------------------------------- headings by style


def test_styled_headings_open_sections_and_bold_titles_do_not(tmp_path):
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    lines = [
        ("Helvetica", 10, "Jordan Example, Data engineer"),
        ("Helvetica-Bold", 14, "Professional Experience & Leadership"),
        ("Helvetica-Bold", 10, "Machine Learning Engineer"),
        ("Helvetica", 10, "Trained ranking models with PyTorch, 2020 - 2023."),
        ("Helvetica", 14, "Degrees and Academic Training"),
        ("Helvetica", 10, "MSc Statistics, Example University, 2019"),
        ("Helvetica", 10, "TOOLS I USE"),
        ("Helvetica", 10, "Python, SQL, Docker"),
    ]
    path = tmp_path / "styled.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for i, (font, size, text) in enumerate(lines):
        c.setFont(font, size)
        c.drawString(60, 740 - 20 * i, text)
    c.save()
    layout = analyse(parse(path))
    assert list(layout.line_sections) == [
        "header",
        "experience",
        "experience",  # a bold job title is not a section
        "experience",
        "education",  # larger text with a section word
        "education",
        "education",  # capitals but no section word: not a heading
        "education",
    ]


# ----------------------------------------------------------------------- keyword stuffing


def test_keyword_stuffing_is_flagged(tmp_path, shipped_lexicon):
    from pipeline.skills.matcher import SkillMatcher

    matcher = SkillMatcher(shipped_lexicon)
    normal = text_file(
        tmp_path / "normal.txt",
        """\
        EXPERIENCE
        Data scientist, Example Corp, 2019 - 2023
        Built models in Python and SQL; shipped Python services; taught Python to analysts.
        """,
    )
    stuffed = text_file(
        tmp_path / "stuffed.txt",
        """\
        EXPERIENCE
        Data scientist, Example Corp, 2019 - 2023
        Python Python Python Python Python Python machine learning Python
        """,
    )
    header = "EXPERIENCE\nData scientist, Example Corp, 2019 - 2023\n"
    varied = tmp_path / "varied.txt"  # a Python specialist: many mentions, all different
    varied.write_text(
        header + "".join(f"- Wrote Python service number {i} for team {i}.\n" for i in range(20))
    )
    repeated = tmp_path / "repeated.txt"  # the same sentence over and over
    repeated.write_text(header + "- Expert in Python and machine learning.\n" * 20)
    listing = tmp_path / "listing.txt"  # product names that all say AWS
    listing.write_text(
        header + "Environment: AWS Lambda, AWS CDK, AWS Glue, AWS Step Functions, "
        "AWS CloudFormation, Amazon S3, Terraform, GitHub Actions, Docker\n"
    )
    flags = {}
    for path in (normal, stuffed, varied, repeated, listing):
        profile = build_profile(parse(path), matcher, shipped_lexicon, "test", date(2024, 6, 1))
        flags[path.name] = profile.keyword_stuffing
    assert flags == {
        "normal.txt": (),
        "stuffed.txt": ("python",),
        "varied.txt": (),
        "repeated.txt": ("machine_learning", "python"),
        "listing.txt": (),
    }


# ------------------------------------------------------------------------ extract --json


def test_extract_json_shows_document_understanding(tmp_path):
    path = docx_resume(
        tmp_path / "cv.docx",
        header="Robin Sample · robin.sample@example.org · +44 20 7946 0958 · Leeds, UK",
        paragraphs=[
            "linkedin.com/in/robin-sample-example",
            "EXPERIENCE",
            "Machine Learning Engineer, Northwind Analytics, Jan 2021 - Present",
            "Deployed PyTorch models on Kubernetes.",
            "Data Analyst, Contoso Retail, Mar 2017 - Dec 2020",
            "Reported sales with SQL and Tableau; automated reports in Python.",
            "EDUCATION",
            "MSc Statistics, University of Example, 2016",
            "SKILLS",
            "Python, SQL",
        ],
    )
    result = CliRunner().invoke(app, ["extract", "--json", str(path)], catch_exceptions=False)
    record = json.loads(result.stdout)
    assert record["contacts"]["emails"] == ["robin.sample@example.org"]
    assert record["contacts"]["phones"] == ["+442079460958"]
    assert record["contacts"]["linkedin"]
    assert record["sections"] == ["experience", "education", "skills"]
    assert record["ocr"] is False and record["hidden_text_dropped"] == 0
    jobs = record["timeline"]
    assert [(j["start"], j["end"], j["current"]) for j in jobs] == [
        ("2021-01", None, True),
        ("2017-03", "2020-12", False),
    ]
    assert jobs[0]["organisation"] == "Northwind Analytics"
    assert record["education"][0]["level"] == "master"
    skills = {s["id"]: s for s in record["skills"]}
    assert skills["sql"]["months"] == 46  # Mar 2017 - Dec 2020; the skills line adds none
    assert skills["sql"]["last_used"] == 2020
    assert skills["sql"]["sections"] == ["experience", "skills"]
    assert skills["pytorch"]["last_used"] == date.today().year
    # Python is used in the 2017-2020 job only (the current job does not name it).
    assert skills["python"]["months"] == 46
    # Contact details never reach the matcher.
    assert all(m["section"] != "header" for s in record["skills"] for m in s["mentions"])


# --------------------------------------------------------------------- text normalisation


def test_normalisation_zero_width_ligatures_mojibake(tmp_path, shipped_lexicon):
    from pipeline.skills.matcher import SkillMatcher

    body = (
        "EXPERIENCE\n"
        "Data scientist, Example Corp, 2019 \u00e2\u20ac\u201c 2023\n"  # "–" read as cp1252
        "\u2022 Built Py\u200bthon services and de\u00adployed them with Dock\u200cer\n"
        "\u2022 Ran e\ufb03cient work\ufb02ows in \uff33\uff31\uff2c\n"  # ligatures, full width
    )
    path = tmp_path / "cv.txt"
    path.write_text(body, encoding="utf-8")
    doc = parse(path)
    assert doc.lines[1].text == "Data scientist, Example Corp, 2019 – 2023"
    assert doc.lines[2].text == "• Built Python services and deployed them with Docker"
    assert doc.lines[3].text == "• Ran efficient workflows in SQL"
    found = {m.skill_id for m in SkillMatcher(shipped_lexicon).find(doc.text)}
    assert {"python", "docker", "sql"} <= found
    profile = build_profile(
        doc, SkillMatcher(shipped_lexicon), shipped_lexicon, "t", date(2024, 1, 1)
    )
    assert profile.years_experience == 5.0


# ------------------------------------------------------------------- shaded sidebar order


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_shaded_sidebar_with_white_text_is_read_first_and_kept(tmp_path, engine):
    """A dark sidebar with white text (visible, so not dropped), drawn after the main column
    and on rows that do not line up with it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    sidebar = ["CONTACT", "Lisbon", "SKILLS", "Python", "PyTorch", "Docker", "LANGUAGES", "English"]
    main = [
        "Casey Example",
        "PROFILE",
        "Machine learning engineer who ships ranking models.",
        "EXPERIENCE",
        "Machine Learning Engineer, Example Labs, 2020 - 2024",
        "Trained ranking models in PyTorch and served them on AWS.",
        "Cut inference cost by a third with quantisation.",
        "EDUCATION",
        "MSc Computer Science, Example University, 2019",
    ]
    path = tmp_path / "sidebar.pdf"
    _, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    for i, line in enumerate(main):
        c.drawString(200, height - 60 - 17 * i, line)
    c.setFillColorRGB(0.12, 0.16, 0.3)
    c.rect(0, 0, 170, height, fill=1, stroke=0)
    c.setFillColorRGB(1, 1, 1)
    for i, line in enumerate(sidebar):
        c.drawString(20, height - 66 - 23 * i, line)
    c.save()
    doc = parse(path, pdf_engine=engine)
    assert [line.text for line in doc.lines] == sidebar + main
    assert doc.hidden_dropped == 0


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_white_text_on_gradients_and_under_translucent_overlays_is_visible(tmp_path, engine):
    from reportlab.lib.colors import Color
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "styled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    for i, line in enumerate(VISIBLE):
        c.drawString(72, 760 - 16 * i, line)
    # A black banner under a white overlay at 8% opacity, with white text on it.
    c.setFillColorRGB(0, 0, 0)
    c.rect(60, 600, 400, 60, fill=1, stroke=0)
    c.saveState()
    c.setFillColor(Color(1, 1, 1, alpha=0.08))
    c.rect(70, 610, 380, 40, fill=1, stroke=0)
    c.restoreState()
    c.setFillColorRGB(1, 1, 1)
    c.drawString(80, 625, "Banner text stays")
    # A badge filled with a gradient, with white initials on it.
    c.saveState()
    badge = c.beginPath()
    badge.rect(60, 500, 60, 60)
    c.clipPath(badge, stroke=0, fill=0)
    c.linearGradient(60, 500, 120, 560, (Color(0.1, 0.3, 0.9), Color(0.4, 0.1, 0.7)))
    c.restoreState()
    c.setFillColorRGB(1, 1, 1)
    c.drawString(75, 525, "JS badge")
    c.save()
    doc = parse(path, pdf_engine=engine)
    assert "Banner text stays" in doc.text and "JS badge" in doc.text
    assert doc.hidden_dropped == 0


def test_mojibake_with_a_kept_c1_control_byte():
    """A bullet's UTF-8 bytes read by a decoder that kept 0x80 as a control character
    ("\u00e2\x80\u00a2", common in resumes exported from web forms) becomes the bullet."""
    from pipeline.text.normalize import normalize_line

    assert (
        normalize_line("Skills: \u00e2\x80\u00a2 Python \u00e2\x80\u00a2 SQL")
        == "Skills: • Python • SQL"
    )
    assert normalize_line("caf\u00e9 \u2192 bar") == "café → bar"  # nothing to undo


def test_a_line_labelled_as_skills_is_in_the_skills_section():
    from pipeline.records import Document, Line
    from pipeline.understand.segment import analyse

    lines = [
        "Dana Example",
        "SUMMARY",
        "Analyst who builds reports.",
        "Key Skills: Data Visualization, SQL, Python",
        "TECHNICAL SKILLS • Languages: C#, Java",
        "Stack: React, D3",
        "Summary: the line above is a skills line, this one is not.",
        "Skill Details",
        "SQL- Exprience - 24 months",
    ]
    document = Document("cv.txt", "c" * 64, "text", "text", tuple(Line(t) for t in lines))
    assert analyse(document).line_sections == (
        "header",
        "summary",
        "summary",
        "skills",
        "skills",
        "skills",
        "summary",
        "skills",
        "skills",
    )


def test_plain_ascii_lines_take_the_short_way_to_the_same_result():
    """`normalize_line` returns a printable ASCII line without a double space stripped, without
    running its patterns; on lines built from spaces, tabs, controls, non-ASCII blanks and
    letters the result is the patterns' result."""
    import random
    import unicodedata

    from pipeline.text import normalize

    def by_patterns(text: str) -> str:
        if not text.isascii():
            text = normalize.fix_mojibake(text)
            text = unicodedata.normalize("NFKC", text).translate(normalize._INVISIBLE)
        text = normalize._CONTROL.sub(" ", text)
        return normalize._SPACES.sub(" ", text).strip()

    pieces = [
        "a",
        "Python",
        " ",
        "  ",
        "\t",
        "\x0b",
        "\x1c",
        "\x7f",
        "\u00a0",
        "\u2003",
        "ﬁ",
        ".",
        "é",
    ]
    rng = random.Random(2)
    plain = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert normalize.normalize_line(text) == by_patterns(text), repr(text)
        plain += text.isascii() and text.isprintable() and "  " not in text
    assert plain > 1000
