"""Parsers: format sniffing, both PDF engines, reading order, DOCX structure, reason codes."""

from __future__ import annotations

import zipfile

import pytest
from conftest import docx_resume, pdf_image_only, pdf_single_column, pdf_two_column, text_file

from pipeline.errors import REASONS, ParseError
from pipeline.read import DOCX_ENGINES, PDF_ENGINES, parse

BODY = [
    "EXPERIENCE",
    "Machine Learning Engineer, Northwind Analytics, 2019 - 2023",
    "Built churn models in Python with scikit-learn and Pandas.",
    "Deployed PyTorch models on AWS SageMaker for the search team.",
    "EDUCATION",
    "MSc Statistics, Example University",
]

LEFT = ["SKILLS", "Python, SQL", "PyTorch", "Pandas", "LANGUAGES", "English", "Spanish"]
RIGHT = [
    "EXPERIENCE",
    "Data Scientist at Contoso Labs",
    "Trained gradient boosted models",
    "for fraud detection in production.",
    "Presented results to executives.",
    "Mentored two junior analysts.",
    "Wrote the team style guide.",
]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_pdf_single_column_text(tmp_path, engine):
    path = pdf_single_column(tmp_path / "one.pdf", BODY)
    doc = parse(path, pdf_engine=engine)
    assert doc.kind == "pdf" and doc.engine == engine
    assert [line.text for line in doc.lines] == BODY
    assert doc.lines[0].bold and not doc.lines[1].bold


@pytest.mark.parametrize("row_drawn", [True, False])
@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_pdf_two_columns_read_column_by_column(tmp_path, engine, row_drawn):
    path = pdf_two_column(tmp_path / "two.pdf", LEFT, RIGHT, row_drawn=row_drawn)
    doc = parse(path, pdf_engine=engine)
    assert [line.text for line in doc.lines] == LEFT + RIGHT


def test_both_engines_agree(tmp_path):
    path = pdf_two_column(tmp_path / "two.pdf", LEFT, RIGHT, row_drawn=True)
    texts = {engine: parse(path, pdf_engine=engine).text for engine in PDF_ENGINES}
    assert texts["pdfium"] == texts["pdfplumber"]


def test_pdf_line_end_hyphen_is_kept(tmp_path):
    path = pdf_single_column(
        tmp_path / "h.pdf", ["Libraries: PyTorch, scikit-", "learn and Pandas"] * 3
    )
    doc = parse(path)
    assert "scikit-" in doc.lines[0].text


@pytest.mark.parametrize("docx_engine", DOCX_ENGINES)
def test_docx_header_table_textbox_in_document_order(tmp_path, docx_engine):
    path = docx_resume(
        tmp_path / "cv.docx",
        header="Ada Example | ada@example.com | +1 555 0100",
        paragraphs=["Summary", "Machine learning engineer with five years of experience."],
        textbox="Shipped a BERT classifier",
        table=[["Python", "PyTorch"], ["Pandas", "AWS"]],
        after_table=["Experience", "Data Scientist, Contoso, 2018 - 2021"],
    )
    doc = parse(path, docx_engine=docx_engine)
    assert doc.engine == docx_engine
    texts = [line.text for line in doc.lines]
    assert texts[0] == "Ada Example | ada@example.com | +1 555 0100"
    assert texts.count("Shipped a BERT classifier") == 1  # mc:Fallback copy skipped
    order = [
        texts.index(t)
        for t in (
            "Summary",
            "Highlights",
            "Shipped a BERT classifier",
            "Python",
            "PyTorch",
            "Pandas",
            "AWS",
            "Experience",
        )
    ]
    assert order == sorted(order)


@pytest.mark.parametrize("docx_engine", DOCX_ENGINES)
def test_docx_hidden_runs_dropped(tmp_path, docx_engine):
    path = docx_resume(
        tmp_path / "h.docx",
        paragraphs=["Nurse with ten years on a surgical ward."] * 3,
        hidden="Python PyTorch TensorFlow Kubernetes",
    )
    assert "PyTorch" not in parse(path, docx_engine=docx_engine).text


def test_docx_engines_agree(tmp_path):
    path = docx_resume(
        tmp_path / "cv.docx",
        header="Ada Example | ada@example.com",
        paragraphs=["Summary", "Machine learning engineer, five years."],
        textbox="Shipped a BERT classifier",
        table=[["Python", "PyTorch"]],
        after_table=["Experience"],
        hidden="invisible words",
    )
    assert parse(path, docx_engine="lxml").lines == parse(path, docx_engine="python-docx").lines


def test_sniffing_ignores_the_file_name(tmp_path):
    docx_path = docx_resume(
        tmp_path / "real.docx", paragraphs=["Data engineer who writes Python daily."] * 3
    )
    disguised = tmp_path / "resume.pdf"
    disguised.write_bytes(docx_path.read_bytes())
    assert parse(disguised).kind == "docx"
    pdf = pdf_single_column(tmp_path / "x.pdf", BODY)
    renamed = tmp_path / "resume.txt"
    renamed.write_bytes(pdf.read_bytes())
    assert parse(renamed).kind == "pdf"


def test_plain_text(tmp_path):
    path = text_file(
        tmp_path / "cv.txt",
        "SKILLS\nPython, Pandas\nEXPERIENCE\nData analyst since 2020 at a bank.\n",
    )
    doc = parse(path)
    assert doc.kind == "text" and doc.lines[0].text == "SKILLS"


def _reason(path, **kwargs) -> str:
    with pytest.raises(ParseError) as info:
        parse(path, **kwargs)
    return info.value.reason


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_reason_encrypted_pdf(tmp_path, engine):
    path = pdf_single_column(tmp_path / "locked.pdf", BODY, encrypt="secret")
    assert _reason(path, pdf_engine=engine) == "encrypted_pdf"


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_reason_no_text_layer(tmp_path, engine):
    assert _reason(pdf_image_only(tmp_path / "scan.pdf"), pdf_engine=engine) == "no_text_layer"


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_reason_corrupt_pdf(tmp_path, engine):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage \x00\xff" * 20)
    assert _reason(path, pdf_engine=engine) == "corrupt_pdf"


def test_reason_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _reason(path) == "empty_file"


def test_reason_not_a_resume_format(tmp_path):
    path = tmp_path / "clip.pdf"
    path.write_bytes(b"RIFF\x00\x10\x00\x00WAVEfmt " + bytes(range(256)) * 8)
    assert _reason(path) == "not_a_resume_format"
    archive = tmp_path / "notes.docx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "hello")
    assert _reason(archive) == "not_a_resume_format"


@pytest.mark.parametrize("docx_engine", DOCX_ENGINES)
def test_reason_corrupt_docx(tmp_path, docx_engine):
    good = docx_resume(tmp_path / "g.docx", paragraphs=["Python developer"] * 5)
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    assert _reason(path, docx_engine=docx_engine) == "corrupt_docx"
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(good.read_bytes()[:300])
    assert _reason(truncated, docx_engine=docx_engine) == "corrupt_docx"


def test_reason_no_text(tmp_path):
    assert _reason(text_file(tmp_path / "t.txt", "hi\n")) == "no_text"
    assert _reason(docx_resume(tmp_path / "d.docx", paragraphs=["", "  "])) == "no_text"


def test_reason_not_a_regular_file(tmp_path):
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert _reason(folder) == "not_a_regular_file"
    target = pdf_single_column(tmp_path / "t.pdf", BODY)
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    assert _reason(link) == "not_a_regular_file"


def test_reason_unreadable(tmp_path):
    assert _reason(tmp_path / "missing.pdf") == "unreadable"


def test_reason_too_large(tmp_path, monkeypatch):
    import pipeline.read.source as source

    monkeypatch.setattr(source, "MAX_BYTES", 1000)
    path = text_file(tmp_path / "big.txt", "Python developer. " * 200)
    assert _reason(path) == "too_large"


def test_every_reason_code_is_tested():
    """Each reason code is asserted by some test (found by its quoted name in a test file)."""
    from conftest import ROOT

    sources = {
        path.name: path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py")
    }
    untested = [
        code for code in REASONS if not any(f'"{code}"' in text for text in sources.values())
    ]
    assert untested == []


def test_unknown_reason_code_is_a_bug():
    with pytest.raises(ValueError):
        ParseError("made_up")


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_lines_of_short_and_tall_words_stay_whole(tmp_path, engine):
    # x-height words ("on", "a") and tall ones ("Them", "bdfhkl") share a baseline; rows must
    # come from font extents, not tight glyph boxes.
    lines = [
        "on a run we saw them deploy bdfhkl models",
        "a sum, on an ox: Tall Hills",
        "now we can go on",
    ] * 4
    path = pdf_single_column(tmp_path / "x.pdf", lines)
    assert [line.text for line in parse(path, pdf_engine=engine).lines] == lines


def test_engines_agree_on_example_resumes():
    from conftest import ROOT

    for path in sorted((ROOT / "examples" / "resumes").glob("*.pdf")):
        texts = [parse(path, pdf_engine=engine).text for engine in PDF_ENGINES]
        assert texts[0] == texts[1], path.name


def _rewrite_docx(src_path, dst_path, change):
    with (
        zipfile.ZipFile(src_path) as src,
        zipfile.ZipFile(dst_path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item.filename, change(item.filename, src.read(item.filename)))
    return dst_path


def test_reason_unsafe_archive(tmp_path):
    good = docx_resume(tmp_path / "g.docx", paragraphs=["Python developer"] * 5)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")

    def xxe(name, data):
        if name != "word/document.xml":
            return data
        head = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
        return head.encode() + data.split(b"?>", 1)[1].replace(b"Python developer", b"&s;")

    assert _reason(_rewrite_docx(good, tmp_path / "xxe.docx", xxe)) == "unsafe_archive"

    def bomb(name, data):
        return data + b" " * (70 * 1024 * 1024) if name == "word/document.xml" else data

    assert _reason(_rewrite_docx(good, tmp_path / "bomb.docx", bomb)) == "unsafe_archive"

    def ratio(name, data):
        return data + b" " * (30 * 1024 * 1024) if name == "word/styles.xml" else data

    assert _reason(_rewrite_docx(good, tmp_path / "ratio.docx", ratio)) == "unsafe_archive"


def _headed_docx(path):
    import docx

    document = docx.Document()
    document.add_heading("Experience", level=1)
    document.add_paragraph("Built a Python service for a team of analysts and engineers.")
    document.save(str(path))
    return path


def _with_styles_crc(src, dst, crc: int):
    """A copy of a DOCX whose styles.xml declares another CRC-32 (local and central headers),
    its stored bytes untouched."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as archive:
        info = archive.getinfo("word/styles.xml")
    data[info.header_offset + 14 : info.header_offset + 18] = crc.to_bytes(4, "little")
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        size = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + size] == b"word/styles.xml":
            data[at + 16 : at + 20] = crc.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    dst.write_bytes(bytes(data))
    return dst


def test_docx_styles_remembered_only_for_the_same_stored_part(tmp_path):
    """Paragraph styles are remembered by the stored (compressed) bytes of styles.xml and its
    header: the same part read again gives the same lines; the same XML stored another way is
    read on its own and gives them too; a changed style is not served from memory; and a part
    whose declared CRC-32 no longer matches is still a corrupt file after the good one."""
    first = _headed_docx(tmp_path / "a.docx")
    lines = parse(first).lines
    assert [(line.text, line.heading) for line in lines[:2]] == [
        ("Experience", True),
        ("Built a Python service for a team of analysts and engineers.", False),
    ]
    assert parse(first).lines == lines  # from memory
    stored = _rewrite_docx(first, tmp_path / "stored.docx", lambda name, data: data)
    assert parse(stored).lines == lines

    def renamed(name, data):
        if name != "word/styles.xml":
            return data
        return data.replace(b'w:val="heading 1"', b'w:val="fancy 1"').replace(
            b'<w:outlineLvl w:val="0"/>', b""
        )

    plain = parse(_rewrite_docx(first, tmp_path / "renamed.docx", renamed)).lines
    assert (plain[0].text, plain[0].heading) == ("Experience", False)
    with zipfile.ZipFile(first) as archive:
        crc = archive.getinfo("word/styles.xml").CRC
    bad = _with_styles_crc(first, tmp_path / "crc.docx", crc ^ 1)
    assert _reason(bad) == "corrupt_docx"


# ------------------------------------------------------------- reading order: more layouts


def _table_pdf(path):
    """A name, a heading, a date | description table (cells aligned at the bottom, as
    reportlab does by default), then an education row."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(306, 740, "Sam Example")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(60, 710, "Experience")
    rows = [
        [
            f"{2020 - 2 * k} – {2022 - 2 * k}",
            f"Data Engineer, Company {k}\n- Built pipeline {k} with Python and SQL.\n"
            f"- Cut the cost of service {k} by a third.",
        ]
        for k in range(3)
    ]
    table = Table(rows, colWidths=[110, 382])
    table.wrap(492, 600)
    table.drawOn(c, 60, 540)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(60, 510, "Education")
    c.setFont("Helvetica", 10)
    c.drawString(66, 490, "2012")
    c.drawString(176, 490, "BSc Physics, Example University")
    c.save()
    return path


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_table_rows_are_read_row_by_row(tmp_path, engine):
    lines = [line.text for line in parse(_table_pdf(tmp_path / "t.pdf"), pdf_engine=engine).lines]
    expected = ["Sam Example", "Experience"]
    for k in range(3):
        expected += [
            f"{2020 - 2 * k} – {2022 - 2 * k}",
            f"Data Engineer, Company {k}",
            f"- Built pipeline {k} with Python and SQL.",
            f"- Cut the cost of service {k} by a third.",
        ]
    expected += ["Education", "2012", "BSc Physics, Example University"]
    assert lines == expected


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_right_aligned_dates_of_equal_width_stay_on_their_line(tmp_path, engine):
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    path = tmp_path / "dates.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    y = 740
    expected = []
    for k in range(4):
        c.drawString(60, y, f"Data Engineer, Company {k}")
        c.drawRightString(552, y, f"{2020 - 2 * k} – {2022 - 2 * k}")
        expected.append(f"Data Engineer, Company {k} {2020 - 2 * k} – {2022 - 2 * k}")
        for b in range(3):
            y -= 14
            c.drawString(60, y, f"• Built pipeline {k}.{b} with Python and SQL for the team.")
            expected.append(f"• Built pipeline {k}.{b} with Python and SQL for the team.")
        y -= 20
    c.save()
    assert [line.text for line in parse(path, pdf_engine=engine).lines] == expected


def test_tight_ocr_boxes_stay_on_one_row():
    """OCR gives tight boxes: a bullet is 3 pt tall and "coverage" sits lower than "test"."""
    from pipeline.read.layout import order_page
    from pipeline.records import Word

    def word(text, x0, top, x1, bottom):
        return Word(text, x0, top, x1, bottom, 11.2, 0)

    words = [
        word("•", 43.2, 244.1, 47, 247.4),
        word("raising", 373, 241.9, 405, 252.2),
        word("test", 407.8, 242.6, 426, 250.1),
        word("coverage", 428.9, 243.8, 474, 252.2),
        word("to", 476.6, 242.6, 487, 250.1),
    ]
    assert [line.text for line in order_page(words)] == ["• raising test coverage to"]


@pytest.mark.parametrize("row_drawn", [True, False])
def test_short_column_beside_a_long_one(tmp_path, row_drawn):
    left = [(f"Left line {i} " + "word " * (i % 3 * 2)).strip() for i in range(10)]
    right = [f"Right column line number {i}" for i in range(45)]
    path = pdf_two_column(tmp_path / "short.pdf", left, right, row_drawn=row_drawn)
    assert [line.text for line in parse(path).lines] == left + right


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_letter_spaced_headings_are_joined(tmp_path, engine):
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    path = tmp_path / "spaced.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 11)
    x = 60.0
    for word in ("PROFESSIONAL", "SUMMARY"):
        for ch in word:
            c.drawString(x, 740, ch)
            x += stringWidth(ch, "Helvetica-Bold", 11) + 3.5  # letter-spacing
        x += 9  # a word space on top of it
    c.setFont("Helvetica", 10)
    c.drawString(60, 720, "Engineer who ships SQL and AWS systems.")
    c.save()
    doc = parse(path, pdf_engine=engine)
    assert [line.text for line in doc.lines] == [
        "PROFESSIONAL SUMMARY",
        "Engineer who ships SQL and AWS systems.",
    ]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_full_width_summary_above_a_sidebar_body(tmp_path, engine):
    """A summary paragraph across the page, then a sidebar and a main column: the columns
    are found below the paragraph even though its lines cross the gutter."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    summary = [
        f"Summary line {i} runs right across the page from one margin to the other margin."
        for i in range(8)
    ]
    side = ["SKILLS", "Python", "SQL", "Docker", "LANGUAGES", "English", "French"]
    main = [f"Main column line {i} about the work done there" for i in range(14)]
    path = tmp_path / "regions.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    y = 740
    for line in summary:
        c.drawString(40, y, line)
        y -= 14
    y -= 10
    for i, line in enumerate(side):
        c.drawString(40, y - 19 * i, line)
    for i, line in enumerate(main):
        c.drawString(200, y - 3 - 14 * i, line)
    c.save()
    assert [line.text for line in parse(path, pdf_engine=engine).lines] == summary + side + main
