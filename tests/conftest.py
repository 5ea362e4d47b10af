"""Fixtures built in code: PDFs with reportlab, DOCX with python-docx, a ten-skill lexicon."""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent


def missing(what: str, skip_reason: str) -> NoReturn:
    """Skip a test whose tool or compiled part is missing; fail it instead under
    PIPELINE_REQUIRE_TOOLS=1 (CI, which installs and builds everything)."""
    if os.environ.get("PIPELINE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{what} is missing, and PIPELINE_REQUIRE_TOOLS=1 requires it")
    pytest.skip(skip_reason)


TINY_SKILLS = """\
id,name,aliases,competencies,parents,category
python,Python,,programming,,language
r,R,~R|R programming,programming|statistics,,language
go,Go,~Go|Golang,programming,,language
java,Java,~Java,programming,,language
pytorch,PyTorch,Torch,ml_frameworks|deep_learning,,dl_framework
scikit_learn,scikit-learn,sklearn|scikit learn,ml_frameworks,,ml_library
pandas,Pandas,,data_preprocessing,,data_tool
aws,Amazon Web Services,AWS,cloud_deployment,,cloud
aws_sagemaker,Amazon SageMaker,SageMaker|AWS SageMaker,cloud_deployment|ml_frameworks,aws,cloud
vue,Vue.js,Vue|VueJS,programming,,web
react,React,ReactJS|React.js,programming,,web
nlp,Natural Language Processing,NLP,nlp,,nlp
statistics,Statistics,statistical analysis,statistics,,statistics
teamwork,Teamwork,collaboration,communication_teamwork,,soft_skill
"""

TINY_COMPETENCIES = """\
id,name,description
programming,Programming,Writes code
ml_frameworks,ML frameworks,Uses ML libraries
statistics,Statistics and probability,Reasons with data
data_preprocessing,Data preprocessing,Cleans data
cloud_deployment,Cloud deployment,Ships models to the cloud
deep_learning,Deep learning,Builds neural networks
nlp,NLP,Works with text
data_visualization,Data visualization,Draws charts
problem_solving,Problem solving,Solves problems
communication_teamwork,Communication and teamwork,Works with people
"""

TINY_RULES = """\
before: [",", "/", "|", ";", ":", "(", "•", "-", "and", "or", "in", "with", "using"]
after: [",", "/", "|", ";", ")", ".", "and", "or", "programming"]
cues: [skills, languages, programming]
followers: {}
"""


def write_lexicon(
    directory: Path,
    skills: str = TINY_SKILLS,
    competencies: str = TINY_COMPETENCIES,
    rules: str = TINY_RULES,
    version: str = "0.0.1-test",
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "lexicon.yaml").write_text(f'name: tiny\nversion: "{version}"\n')
    (directory / "skills.csv").write_text(skills)
    (directory / "competencies.csv").write_text(competencies)
    (directory / "context_rules.yaml").write_text(rules)
    return directory


@pytest.fixture(scope="session")
def tiny_lexicon(tmp_path_factory):
    from pipeline.skills.lexicon import load_lexicon

    return load_lexicon(write_lexicon(tmp_path_factory.mktemp("lexicon")))


@pytest.fixture(scope="session")
def tiny_matcher(tiny_lexicon):
    from pipeline.skills.matcher import SkillMatcher

    return SkillMatcher(tiny_lexicon)


@pytest.fixture(scope="session")
def shipped_lexicon():
    from pipeline.skills.lexicon import default_lexicon

    return default_lexicon()


# ------------------------------------------------------------------ PDF builders


def pdf_single_column(path: Path, lines: list[str], encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword=encrypt + "-owner")
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1, **kwargs)
    y = 740
    for line in lines:
        bold = line.isupper()
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 13 if bold else 10)
        c.drawString(60, y, line)
        y -= 16
        if y < 60:
            c.showPage()
            y = 740
    c.save()
    return path


def pdf_two_column(path: Path, left: list[str], right: list[str], row_drawn: bool) -> Path:
    """A sidebar (x=40) and a main column (x=230). Row-drawn interleaves the two in the content
    stream, as Word/HTML exports do; otherwise each column is drawn in turn."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    if row_drawn:
        for i in range(max(len(left), len(right))):
            y = 740 - 15 * i
            if i < len(left):
                c.drawString(40, y, left[i])
            if i < len(right):
                c.drawString(230, y, right[i])
    else:
        for column, x in ((right, 230), (left, 40)):  # main column first in the stream
            for i, line in enumerate(column):
                c.drawString(x, 740 - 15 * i, line)
    c.save()
    return path


def pdf_image_only(path: Path) -> Path:
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    """An image-only page with no readable text (a photo-like block of shapes): there is no
    text layer, and OCR finds nothing either."""
    image = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse((80 + 90 * i, 200, 160 + 90 * i, 420 + 40 * i), fill=(90, 120, 160))
    draw.rectangle((60, 600, 790, 900), fill=(200, 180, 140))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=612, height=792)
    c.save()
    return path


# ----------------------------------------------------------------- DOCX builders

TEXTBOX_XML = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <wps:wsp><wps:txbx><w:txbxContent>
        <w:p><w:r><w:t>{text}</w:t></w:r></w:p>
      </w:txbxContent></wps:txbx></wps:wsp>
    </mc:Choice>
    <mc:Fallback>
      <w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t>{text}</w:t></w:r></w:p>
      </w:txbxContent></v:textbox></v:shape></w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def docx_resume(
    path: Path,
    *,
    header: str | None = None,
    paragraphs: list[str] = (),
    table: list[list[str]] | None = None,
    textbox: str | None = None,
    after_table: list[str] = (),
    hidden: str | None = None,
) -> Path:
    import docx
    from lxml import etree

    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    if textbox is not None:
        p = document.add_paragraph("Highlights")
        p._p.append(etree.fromstring(TEXTBOX_XML.format(text=textbox)))
    if table is not None:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    for text in after_table:
        document.add_paragraph(text)
    if hidden is not None:
        run = document.add_paragraph().add_run(hidden)
        run.font.hidden = True
    document.save(str(path))
    return path


def text_file(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path
