"""A 50-file corpus generated in code (30 PDFs with reportlab, 20 DOCX with python-docx) and
the sha256 of `extract --json` over all of it: a checksum that speed work must not change.

The people, employers and schools are invented; every choice comes from a seeded random
generator, so the same code writes the same corpus. The PDFs cover what the PDF reader does
differently from page to page: one and two columns, several pages, light and white text on
white and on dark boxes, invisible (render mode 3), stroked and tiny text, a rotated label.
The file hashes in the records (sha256, candidate_id) are left out of the checksum: they hash
bytes that depend on the reportlab and python-docx versions, not on this project's code.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

FILES = 50
PDFS = 30
CHECKSUM_FILE = Path(__file__).resolve().parent / "corpus.sha256"
AS_OF = "2026-12-01"

FIRST = ["Orla", "Tobias", "Wren", "Idris", "Maelis", "Casimir", "Ysolde", "Florian", "Nadia"]
LAST = ["Quenby", "Harrowgate", "Pellinore", "Skelwith", "Amberly", "Tintagel", "Rookwood"]
CITIES = ["Tulsa, OK", "Fresno, CA", "Dayton, OH", "Boise, ID", "Mobile, AL", "Akron, OH"]
EMPLOYERS = ["Larkspur Analytics", "Brindle & Co", "Northfold Health", "Quillmere Logistics"]
TITLES = [
    "Data Analyst",
    "Machine Learning Engineer",
    "Registered Nurse",
    "Backend Developer",
    "Data Scientist",
    "Accountant",
    "Sales Associate",
]
SKILLS = [
    "Python",
    "SQL",
    "PyTorch",
    "scikit-learn",
    "Pandas",
    "Tableau",
    "Excel",
    "AWS",
    "Docker",
    "Kubernetes",
    "Java",
    "R",
    "Power BI",
    "TensorFlow",
    "Spark",
    "Git",
    "customer service",
    "patient care",
    "budgeting",
    "NLP",
]
VERBS = ["Built", "Led", "Designed", "Automated", "Maintained", "Analysed", "Trained"]
OBJECTS = [
    "a churn model",
    "weekly sales dashboards",
    "an ETL pipeline",
    "patient intake reports",
    "a forecasting service",
    "the month-end close",
    "a recommendation engine",
]
SCHOOLS = ["Riverside State University", "Coldbrook College", "University of Marrowfield"]
DEGREES = ["B.S. in Computer Science", "M.S. in Statistics", "BBA in Finance", "BSN Nursing"]


def _resume(rng: random.Random, i: int) -> dict:
    """Sections of one invented resume."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    jobs = []
    year = 2026 - rng.randint(0, 2)
    for _ in range(rng.randint(1, 4)):
        length = rng.randint(1, 5)
        bullets = [
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} with {rng.choice(SKILLS)} and "
            f"{rng.choice(SKILLS)} for a team of {rng.randint(2, 12)}."
            for _ in range(rng.randint(2, 5))
        ]
        start = year - length
        end = "Present" if not jobs else f"{rng.randint(1, 12):02d}/{year}"
        jobs.append(
            (
                f"{rng.choice(TITLES)}, {rng.choice(EMPLOYERS)}",
                f"{rng.randint(1, 12):02d}/{start} - {end}",
                bullets,
            )
        )
        year = start - rng.randint(0, 1)
    email = f"{name.lower().replace(' ', '.')}{i}@example.com"
    phone = f"(555) 01{i:02d}-{i * 37 % 10000:04d}"
    return {
        "name": name,
        "contact": f"{email} | {phone} | {rng.choice(CITIES)}",
        "summary": f"{rng.choice(TITLES)} with {rng.randint(2, 15)} years of experience in "
        f"{rng.choice(OBJECTS)} and {rng.choice(SKILLS)}.",
        "skills": ", ".join(rng.sample(SKILLS, rng.randint(4, 9))),
        "jobs": jobs,
        "education": f"{rng.choice(DEGREES)}, {rng.choice(SCHOOLS)}, {rng.randint(1998, 2022)}",
    }


def _body_lines(r: dict) -> list[tuple[str, str]]:
    """(style, text) lines: 'h' heading, 'b' bold job line, 't' text."""
    lines = [("h", "SUMMARY"), ("t", r["summary"]), ("h", "SKILLS"), ("t", r["skills"])]
    lines.append(("h", "EXPERIENCE"))
    for title, dates, bullets in r["jobs"]:
        lines += [("b", title), ("t", dates)] + [("t", f"- {b}") for b in bullets]
    lines += [("h", "EDUCATION"), ("t", r["education"])]
    return lines


def _pdf(path: Path, rng: random.Random, i: int) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    r = _resume(rng, i)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    variant = i % 6
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, 750, r["name"])
    c.setFont("Helvetica", 9)
    c.drawString(50, 734, r["contact"])
    lines = _body_lines(r)
    if variant == 1:  # a sidebar of skills beside the main column
        c.setFont("Helvetica-Bold", 11)
        c.drawString(40, 700, "SKILLS")
        c.setFont("Helvetica", 9)
        for k, skill in enumerate(r["skills"].split(", ")):
            c.drawString(40, 684 - 13 * k, skill)
        lines = [x for x in lines if x[1] not in ("SKILLS", r["skills"])]
        x, y = 200, 700
    else:
        x, y = 50, 705
    if variant == 2:  # a dark banner with white text (visible) and white text on white (not)
        c.setFillColorRGB(0.1, 0.15, 0.3)
        c.rect(40, 712, 530, 16, fill=1, stroke=0)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica", 9)
        c.drawString(50, 716, "Open to relocation")
        c.drawString(300, 80, "Python TensorFlow Kubernetes Spark leadership")
        c.setFillColorRGB(0, 0, 0)
    for style, text in lines:
        font = {"h": ("Helvetica-Bold", 12), "b": ("Helvetica-Bold", 10)}.get(
            style, ("Helvetica", 10)
        )
        c.setFont(*font)
        c.drawString(x, y, text)
        y -= 18 if style == "h" else 14
        if y < 60:
            c.showPage()
            y = 740
    if variant == 3:  # invisible text (render mode 3), stroked text and a tiny line
        t = c.beginText(50, 40)
        t.setFont("Helvetica", 10)
        t.setTextRenderMode(3)
        t.textOut("Docker Kubernetes AWS PyTorch")
        t.setTextRenderMode(1)
        t.textOut("  Certified")
        t.setTextRenderMode(0)
        c.drawText(t)
        c.setFont("Helvetica", 2)
        c.drawString(400, 30, "SQL Tableau Excel")
    if variant == 4:  # light grey caption (visible) and a rotated label down the margin
        c.setFillColorRGB(0.8, 0.8, 0.8)
        c.setFont("Helvetica", 8)
        c.drawString(50, 45, "References available on request")
        c.setFillColorRGB(0, 0, 0)
        c.saveState()
        c.translate(20, 300)
        c.rotate(90)
        c.setFont("Helvetica", 10)
        c.drawString(0, 0, "CURRICULUM VITAE")
        c.restoreState()
    if variant == 5:  # black text on a black box (hidden), a light box under dark text
        c.setFillColorRGB(0, 0, 0)
        c.rect(380, 40, 180, 14, fill=1, stroke=0)
        c.setFont("Helvetica", 9)
        c.drawString(385, 43, "Spark Hadoop Scala")
        c.setFillColorRGB(0.93, 0.93, 0.93)
        c.rect(45, 20, 200, 14, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(50, 24, "Languages: English, Spanish")
    c.save()


def _docx(path: Path, rng: random.Random, i: int) -> None:
    import docx

    r = _resume(rng, i)
    document = docx.Document()
    if i % 2:
        document.sections[0].header.paragraphs[0].text = f"{r['name']} | {r['contact']}"
    else:
        document.add_heading(r["name"], level=1)
        document.add_paragraph(r["contact"])
    for style, text in _body_lines(r):
        if style == "h":
            document.add_heading(text.title(), level=2)
        elif style == "b":
            document.add_paragraph().add_run(text).bold = True
        elif text.startswith("- "):
            document.add_paragraph(text[2:], style="List Bullet")
        else:
            document.add_paragraph(text)
    if i % 3 == 0:
        skills = r["skills"].split(", ")
        table = document.add_table(rows=(len(skills) + 1) // 2, cols=2)
        for k, skill in enumerate(skills):
            table.cell(k // 2, k % 2).text = skill
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed member dates: python-docx stamps the time of saving."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_corpus(directory: Path) -> list[Path]:
    """Write the 50 files into `directory` and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(FILES):
        rng = random.Random(f"corpus-{i}")
        if i < PDFS:
            path = directory / f"cv-{i:02d}.pdf"
            _pdf(path, rng, i)
        else:
            path = directory / f"cv-{i:02d}.docx"
            _docx(path, rng, i)
        paths.append(path)
    return paths


def extract_lines(directory: Path) -> list[str]:
    """`extract --json` of the corpus, one line per file."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["extract", "--json", "--as-of", AS_OF, str(directory)])
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"extract exited {result.exit_code}: {result.output[-500:]}")
    return result.stdout.splitlines()


def checksum(lines: list[str]) -> str:
    """sha256 over the records without the hashes of the generated bytes."""
    digest = hashlib.sha256()
    for line in lines:
        record = json.loads(line)
        record.pop("sha256", None)
        record.pop("candidate_id", None)
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode() + b"\n")
    return digest.hexdigest()
