""".doc (antiword / LibreOffice), RTF, ODT and HTML readers, through `parse()`: format sniffed
by content, lines in order, hidden words dropped and counted, reason codes."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import docx_resume, missing

from pipeline.errors import ParseError
from pipeline.read import doc as doc_reader
from pipeline.read import parse
from pipeline.read.html import read_html
from pipeline.read.rtf import read_rtf


def require_tool(name: str) -> str:
    """Path of an external tool; skip without it, or fail when PIPELINE_REQUIRE_TOOLS=1 (CI)."""
    path = shutil.which(name)
    if path:
        return path
    missing(name, f"{name} is not installed")


def _reason(path: Path) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(path)
    return info.value


def _texts(doc) -> list[str]:
    return [line.text for line in doc.lines]


# ------------------------------------------------------------------------------------ RTF

RTF = r"""{\rtf1\ansi\ansicpg1252\deff0
{\fonttbl{\f0\fswiss\fcharset0 Arial;}{\f1\froman\fcharset204 Times New Roman Cyr;}}
{\colortbl;\red0\green0\blue0;\red255\green255\blue255;}
{\stylesheet{\s0 Normal;}}
{\*\generator Hand-written 1.0;}
{\info{\title Secret title words}{\author Somebody Else}}
\pard\plain\b\fs32 Jane Doe\par
\pard\plain\fs22 Data Scientist \u8211\'96 Caf\'e9 Analytics{\v  hiddenone hiddentwo}\par
\pard\plain\b\fs28 EXPERIENCE\par
\pard\plain\fs22 Built churn models in Python with scikit-learn.{\cf2  whiteword stuffing}\par
{\pict\pngblip\picw10\pich10 89504e470d0a1a0a}
\trowd\cellx3000\cellx6000
\pard\intbl\plain\fs22 Skills\cell Python, Pandas\cell\row
\trowd\cellx3000\cellx6000
\pard\intbl\plain\fs22 Cloud\cell AWS SageMaker\cell\row
\pard\plain\fs22 Portfolio: {\field{\*\fldinst HYPERLINK "https://example.com/x"}
{\fldrslt github.com/jane}}\par
\pard\plain\fs22 Contact via portal{\fs4  tinyword}\par
}"""

RTF_LINES = [
    "Jane Doe",
    "Data Scientist – Café Analytics",
    "EXPERIENCE",
    "Built churn models in Python with scikit-learn.",
    "Skills",
    "Python, Pandas",
    "Cloud",
    "AWS SageMaker",
    "Portfolio: github.com/jane",
    "Contact via portal",
]


def test_rtf_lines_headings_table_and_hidden_words(tmp_path):
    path = tmp_path / "resume.txt"  # the name says text; the content says RTF
    path.write_bytes(RTF.encode("ascii"))
    doc = parse(path)
    assert doc.kind == "rtf" and doc.engine == "rtf"
    assert _texts(doc) == RTF_LINES
    assert doc.lines[0].bold and doc.lines[0].size == 16.0
    assert doc.lines[2].bold and doc.lines[2].size == 14.0
    assert not doc.lines[1].bold and doc.lines[1].size == 11.0
    # \v (2 words), white \cf2 (2) and \fs4 = 2 pt (1) are dropped and counted.
    assert doc.hidden_dropped == 5
    for word in ("hiddenone", "whiteword", "tinyword", "Secret", "Somebody", "HYPERLINK", "8950"):
        assert word not in doc.text


def test_rtf_code_pages_unicode_escapes_and_skipped_groups():
    rtf = (
        rb"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0 Arial;}}"
        rb"\'c8\'e2\'e0\'ed\par "  # Cyrillic from \ansicpg1251
        rb"{\uc2 \u8364 XXeuro}\par "  # \uc2: two fallback characters skipped
        rb"{\uc0 \u1048\u1074}\par "
        rb"\u-10179\u-8704 ?smile\par "  # a surrogate pair
        rb"non\~breaking soft\-hyphen brace\{ \par "
        rb"{\*\unknowndestination ignored words}kept{\bkmkstart b1}\par "
        rb"pic{\pict\bin6 }}}}}}}done\par "  # the 6 \bin bytes are skipped, braces too
        rb"a\tab b\line c\par "
        rb"}"
    )
    lines, hidden = read_rtf(rtf)
    assert [line.text for line in lines] == [
        "Иван",
        "€euro",
        "Ив",
        "😀smile",
        "non\xa0breaking softhyphen brace{ ",
        "kept",
        "picdone",
        "a\tb",
        "c",
    ]
    assert hidden == 0


def test_rtf_white_text_on_a_dark_highlight_is_visible():
    rtf = (
        rb"{\rtf1{\colortbl;\red255\green255\blue255;\red20\green20\blue20;}"
        rb"{\cf1\highlight2 shown}{\cf2\highlight2 gone}{\cf1  white}\par}"
    )
    lines, hidden = read_rtf(rtf)
    assert [line.text for line in lines] == ["shown"]
    assert hidden == 2


def test_rtf_text_box_is_read_once():
    # Word writes a text box in \*\shpinst (kept) and again, for old readers, in \shprslt.
    rtf = (
        rb"{\rtf1 Before\par {\shp{\*\shpinst\shpleft0\shpright2000{\sp{\sn shapeType}"
        rb"{\sv 202}}{\shptxt \pard Boxed skills\par}}{\shprslt{\*\do\dobxcolumn\dptxbx"
        rb"{\dptxbxtext \pard Boxed skills\par}}}}After\par}"
    )
    lines, _ = read_rtf(rtf)
    assert [line.text for line in lines] == ["Before", "Boxed skills", "After"]


def test_rtf_deep_nesting_does_not_recurse():
    depth = 100_000
    rtf = b"{\\rtf1 start " + b"{\\b " * depth + b"deep" + b"}" * depth + b" end}"
    lines, _ = read_rtf(rtf)
    assert [line.text for line in lines] == ["start deep end"]


def test_reason_corrupt_document_truncated_rtf(tmp_path):
    path = tmp_path / "cut.rtf"
    path.write_bytes(RTF.encode("ascii")[: RTF.index("Skills")])
    error = _reason(path)
    assert error.reason == "corrupt_document"
    assert "Jane" not in str(error) and "Python" not in str(error)


# ------------------------------------------------------------------------------------ ODT

_ODF_NS = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}"'
    for prefix, name in [
        ("office", "office:1.0"),
        ("style", "style:1.0"),
        ("text", "text:1.0"),
        ("table", "table:1.0"),
        ("draw", "drawing:1.0"),
        ("fo", "xsl-fo-compatible:1.0"),
        ("svg", "svg-compatible:1.0"),
    ]
)

ODT_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_ODF_NS} office:version="1.3">
<office:automatic-styles>
  <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard">
    <style:text-properties fo:font-weight="bold" fo:font-size="14pt"/>
  </style:style>
  <style:style style:name="T1" style:family="text">
    <style:text-properties fo:color="#ffffff"/></style:style>
  <style:style style:name="T2" style:family="text">
    <style:text-properties text:display="none"/></style:style>
  <style:style style:name="T3" style:family="text">
    <style:text-properties fo:font-size="2pt"/></style:style>
</office:automatic-styles>
<office:body><office:text>
  <text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
    <text:p>deleted words</text:p></text:deletion></text:changed-region></text:tracked-changes>
  <text:h text:outline-level="1">Jane Doe</text:h>
  <text:p>Data Scientist<text:s text:c="3"/>–<text:tab/>Café Analytics<text:span
    text:style-name="T1"> white stuffing</text:span></text:p>
  <text:p text:style-name="P1">EXPERIENCE</text:p>
  <text:list>
    <text:list-item><text:p>Built churn models in Python</text:p></text:list-item>
    <text:list-item><text:p>Deployed <text:span text:style-name="T2">hidden span</text:span
      >PyTorch models<text:line-break/>on AWS SageMaker</text:p></text:list-item>
  </text:list>
  <table:table table:name="Skills">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row>
      <table:table-cell><text:p>Skills</text:p></table:table-cell>
      <table:table-cell><text:p>Python, <text:span>Pandas</text:span></text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
      <table:table-cell><text:p>Cloud</text:p></table:table-cell>
      <table:table-cell><text:p>AWS</text:p></table:table-cell>
    </table:table-row>
  </table:table>
  <text:p>Contact via portal<text:span text:style-name="T3"> tinyword</text:span><text:hidden-text
    text:condition="ooow:1" text:string-value="conditional"/></text:p>
  <text:p><text:hidden-paragraph text:condition="ooow:1" text:is-hidden="true"/>hidden
    paragraph words</text:p>
  <text:p><draw:frame draw:name="Box"><draw:text-box><text:p>Text box line</text:p>
    </draw:text-box><svg:title>alt text</svg:title></draw:frame></text:p>
  <office:annotation><text:p>reviewer comment</text:p></office:annotation>
</office:text></office:body>
</office:document-content>
"""

ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_ODF_NS} office:version="1.3">
<office:styles>
  <style:default-style style:family="paragraph">
    <style:text-properties fo:font-size="11pt"/></style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
</office:styles>
<office:master-styles>
  <style:master-page style:name="Standard">
    <style:header><text:p>jane@example.com</text:p></style:header>
  </style:master-page>
</office:master-styles>
</office:document-styles>
"""

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
 <manifest:file-entry manifest:full-path="/"
   manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

ODT_LINES = [
    "jane@example.com",  # page header first, as for DOCX
    "Jane Doe",
    "Data Scientist – Café Analytics",
    "EXPERIENCE",
    "Built churn models in Python",
    "Deployed PyTorch models",
    "on AWS SageMaker",
    "Skills",
    "Python, Pandas",
    "Cloud",
    "AWS",
    "Contact via portal",
    "Text box line",
]


def odt_file(path: Path, content: str = ODT_CONTENT, styles: str = ODT_STYLES) -> Path:
    """An ODT as LibreOffice lays it out: `mimetype` first and stored, then the XML parts."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        for name, text in (
            ("content.xml", content),
            ("styles.xml", styles),
            ("META-INF/manifest.xml", MANIFEST),
        ):
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_odt_lines_headings_lists_tables_and_hidden_words(tmp_path):
    doc = parse(odt_file(tmp_path / "cv.docx"))  # sniffed from the archive, not the name
    assert doc.kind == "odt" and doc.engine == "odt"
    assert _texts(doc) == ODT_LINES
    by_text = {line.text: line for line in doc.lines}
    assert by_text["Jane Doe"].bold  # text:h
    assert by_text["EXPERIENCE"].bold and by_text["EXPERIENCE"].size == 14.0  # automatic style
    assert not by_text["Built churn models in Python"].bold
    assert by_text["Built churn models in Python"].size == 11.0  # default paragraph style
    # white (2), display:none (2), 2 pt (1), hidden-text (1) and hidden-paragraph (3)
    assert doc.hidden_dropped == 9
    for word in ("stuffing", "hidden", "tinyword", "conditional", "deleted", "comment", "alt"):
        assert word not in doc.text


def test_reason_corrupt_document_broken_odt(tmp_path):
    cut = ODT_CONTENT[: ODT_CONTENT.index("<text:list>")]  # not well-formed XML
    error = _reason(odt_file(tmp_path / "broken.odt", content=cut))
    assert error.reason == "corrupt_document"
    assert "Jane" not in str(error)


# ----------------------------------------------------------------------------------- HTML

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Secret title</title>
<style>.gone { display: none } @media print { .noprint { display: none } }</style>
<script>var keywords = "Kubernetes Terraform";</script></head>
<body>
<header><h1>Jane Doe</h1></header>
<p>Data Scientist &ndash; Café
   Analytics</p>
<div hidden>hiddenone hiddentwo</div>
<h2>EXPERIENCE</h2>
<p>Built churn models <span style="display: none">stuffed keywords here</span>in Python.</p>
<p>Trained models<span style="color:#FFFFFF"> white stuffing</span> for fraud.</p>
<div style="background-color:#1a1a1a; color:white">Visible on dark</div>
<p class="gone">classhidden</p>
<p class="noprint"><strong>Skills</strong></p>
<table>
  <tr><td>Languages</td><td>Python, <b>SQL</b></td></tr>
  <tr><td>Cloud</td><td>AWS</td></tr>
</table>
<p aria-hidden="true">ariahidden</p>
<p style="font-size:2px">tinyword</p>
<p style="color: rgb(255, 255, 255)">rgbwhite</p>
<noscript>Please enable JavaScript</noscript>
<svg><text>svgtext</text></svg>
<footer>jane@example.com<br>Berlin</footer>
</body></html>
"""

HTML_LINES = [
    "Jane Doe",
    "Data Scientist – Café Analytics",
    "EXPERIENCE",
    "Built churn models in Python.",
    "Trained models for fraud.",
    "Visible on dark",
    "Skills",
    "Languages",
    "Python, SQL",
    "Cloud",
    "AWS",
    "jane@example.com",
    "Berlin",
]


def test_html_lines_headings_tables_and_hidden_words(tmp_path):
    path = tmp_path / "cv"
    path.write_text(HTML, encoding="utf-8")
    doc = parse(path)
    assert doc.kind == "html" and doc.engine == "html"
    assert _texts(doc) == HTML_LINES
    bold = {line.text for line in doc.lines if line.bold}
    assert bold == {"Jane Doe", "EXPERIENCE", "Skills"}
    # hidden attr (2), display:none (3), white (2), .gone (1), aria-hidden (1), 2px (1), rgb (1)
    assert doc.hidden_dropped == 11
    for word in ("hiddenone", "stuffed", "stuffing", "classhidden", "ariahidden", "tinyword"):
        assert word not in doc.text
    for word in ("Secret", "Kubernetes", "JavaScript", "svgtext", "rgbwhite"):
        assert word not in doc.text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<html><head><meta charset="windows-1252"></head><body>Caf\xe9</body></html>', "Café"),
        (b"<html><body>Caf\xc3\xa9</body></html>", "Café"),  # no charset: UTF-8 first
        (b"<html><body>Caf\xe9 \x96 x</body></html>", "Café – x"),  # then cp1252
        (b"\xef\xbb\xbf<html><body>Caf\xc3\xa9</body></html>", "Café"),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            b"<body><p>Caf\xc3\xa9</p></body></html>",
            "Café",
        ),
    ],
)
def test_html_encodings(data, expected):
    lines, _ = read_html(data)
    assert [line.text for line in lines] == [expected]


def test_reason_corrupt_document_html_nested_beyond_the_parser_limit():
    depth = 5_000
    data = b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"
    with pytest.raises(ParseError) as info:
        read_html(data)
    assert info.value.reason == "corrupt_document"


# ------------------------------------------------------------------------------------ DOC

DOC_BODY = [
    "EXPERIENCE",
    "Machine Learning Engineer, Northwind Analytics, 2019 – 2023",
    "Built churn models in Python with scikit-learn and Pandas at Café Nord.",
]
DOC_TABLE = [["Skills", "Python, Pandas"], ["Cloud", "AWS SageMaker"]]
DOC_AFTER = ["EDUCATION", "MSc Statistics, Example University"]
DOC_LINES = DOC_BODY + [cell for row in DOC_TABLE for cell in row] + DOC_AFTER


def soffice_convert(source: Path, target: str, outdir: Path) -> Path:
    """Convert with LibreOffice (private profile), as a user's office suite would have."""
    soffice = require_tool("soffice")
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(outdir / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    result = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert result.is_file(), f"LibreOffice did not write {result.name}"
    return result


@pytest.fixture(scope="module")
def word97(tmp_path_factory) -> Path:
    """A Word 97-2003 .doc: a DOCX built with python-docx, converted by LibreOffice."""
    require_tool("soffice")
    work = tmp_path_factory.mktemp("doc")
    source = docx_resume(
        work / "resume.docx", paragraphs=DOC_BODY, table=DOC_TABLE, after_table=DOC_AFTER
    )
    return soffice_convert(source, "doc:MS Word 97", work)


@pytest.mark.parametrize("target", ["rtf", "odt", "html"])
def test_libreoffice_exports_read_like_the_docx(tmp_path, target):
    """Real generator output (LibreOffice's RTF, ODT, HTML) gives the DOCX reader's lines."""
    source = docx_resume(
        tmp_path / "resume.docx",
        header="Jane Doe — jane@example.com",
        paragraphs=DOC_BODY,
        table=DOC_TABLE,
        after_table=DOC_AFTER,
        hidden="secret keywords",
    )
    expected = parse(source)
    doc = parse(soffice_convert(source, target, tmp_path))
    assert doc.kind == target
    assert _texts(doc) == _texts(expected)
    assert doc.hidden_dropped == expected.hidden_dropped == 2


@pytest.mark.parametrize("converter", ["antiword", "soffice"])
def test_doc_lines_with_each_converter(word97, tmp_path, monkeypatch, converter):
    require_tool(converter)
    monkeypatch.setenv(doc_reader.DOC_CONVERTER_ENV, converter)
    path = tmp_path / "resume"  # no extension: sniffed as OLE2
    shutil.copyfile(word97, path)
    started = time.perf_counter()
    doc = parse(path)
    print(f"{converter}: {time.perf_counter() - started:.2f} s")
    assert doc.kind == "doc" and doc.engine == "doc"
    assert _texts(doc) == DOC_LINES


@pytest.fixture
def ole2_stub(tmp_path) -> Path:
    """Bytes that sniff as .doc; enough when no converter is reached."""
    return ole2_file(tmp_path / "stub.doc")


def test_reason_converter_unavailable(ole2_stub, monkeypatch, tmp_path):
    monkeypatch.setenv(doc_reader.DOC_CONVERTER_ENV, "none")
    assert _reason(ole2_stub).reason == "converter_unavailable"
    # Neither tool on PATH behaves the same when nothing is forced.
    monkeypatch.delenv(doc_reader.DOC_CONVERTER_ENV)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert _reason(ole2_stub).reason == "converter_unavailable"


@pytest.mark.parametrize("converter", ["antiword", "soffice"])
def test_reason_corrupt_document_truncated_doc(word97, tmp_path, monkeypatch, converter):
    require_tool(converter)
    monkeypatch.setenv(doc_reader.DOC_CONVERTER_ENV, converter)
    path = tmp_path / "cut.doc"
    path.write_bytes(word97.read_bytes()[:6000])
    error = _reason(path)
    assert error.reason == "corrupt_document"
    assert "Python" not in str(error)


def test_non_word_ole2_file_fails_cleanly(tmp_path, monkeypatch):
    """An OLE2 file that is not Word (a spreadsheet's "Workbook" stream) is no crash."""
    require_tool("antiword")
    require_tool("soffice")
    monkeypatch.delenv(doc_reader.DOC_CONVERTER_ENV, raising=False)
    error = _reason(ole2_file(tmp_path / "sheet.xls"))
    assert error.reason in ("corrupt_document", "not_a_resume_format")


def _fake_tool(directory: Path, name: str, script: str) -> Path:
    directory.mkdir(exist_ok=True)
    tool = directory / name
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)
    return tool


def test_reason_timeout_kills_the_converter_process_group(tmp_path, monkeypatch):
    """A converter that hangs is stopped with everything it started."""
    pid_file = tmp_path / "child.pid"
    hang = f'"{sys.executable}" -c "import time; time.sleep(60)" &\necho $! > "{pid_file}"\nwait\n'
    _fake_tool(tmp_path / "bin", "antiword", hang)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ.get('PATH', '')}")
    monkeypatch.setenv(doc_reader.DOC_CONVERTER_ENV, "antiword")
    monkeypatch.setattr(doc_reader, "ANTIWORD_TIMEOUT", 1)
    started = time.monotonic()
    assert _reason(ole2_file(tmp_path / "slow.doc")).reason == "timeout"
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the converter's child process outlived the timeout"


def test_converter_dies_with_a_killed_worker(tmp_path):
    """A worker killed by the supervisor (SIGKILL) takes its converter with it."""
    require_tool("setpriv")  # util-linux; without it a converter can outlive its worker
    pid_file = tmp_path / "tool.pid"
    hang = f'echo $$ > "{pid_file}"\nexec "{sys.executable}" -c "import time; time.sleep(60)"\n'
    bin_dir = _fake_tool(tmp_path / "bin", "antiword", hang).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        doc_reader.DOC_CONVERTER_ENV: "antiword",
    }
    code = f"from pipeline.read import parse; parse({str(ole2_file(tmp_path / 'x.doc'))!r})"
    worker = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "the fake converter never started"
            time.sleep(0.05)
        tool = int(pid_file.read_text())
    finally:
        worker.kill()
        worker.wait()
    deadline = time.monotonic() + 5
    while _alive(tool) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(tool), "the converter outlived its worker"


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has already exited


def test_converter_output_never_reaches_the_error(tmp_path, monkeypatch):
    _fake_tool(
        tmp_path / "bin",
        "antiword",
        'echo "Jane Doe SECRETRESUME" ; echo "SECRETRESUME on stderr" >&2 ; exit 3\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ.get('PATH', '')}")
    monkeypatch.setenv(doc_reader.DOC_CONVERTER_ENV, "antiword")
    error = _reason(ole2_file(tmp_path / "x.doc"))
    assert error.reason == "corrupt_document"
    assert "SECRETRESUME" not in str(error) and "SECRETRESUME" not in error.detail


def ole2_file(path: Path) -> Path:
    """A minimal OLE2 compound file with one 4 KiB "Workbook" stream: OLE2, but not Word.

    Sector 0 holds the FAT, sector 1 the directory, sectors 2-9 the stream.
    """
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *[free] * 108)
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end] + [free] * 118

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<3I", free, free, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, end, 0, child=1)
        + entry("Workbook", 2, 2, 4096)
        + entry("", 0, 0, 0) * 2
    )
    stream = (b"\x09\x08\x10\x00\x00\x06\x05\x00" * 512)[:4096]
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + stream)
    return path


@pytest.mark.parametrize("engine", ["lxml", "python-docx"])
def test_docx_headings_come_from_styles_and_outline_levels(tmp_path, engine):
    """Headings a writer marked with Word's heading styles, a custom style with an outline
    level, or an outline level on the paragraph open sections, though their runs carry no
    bold, size or capitals."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from pipeline.read import parse
    from pipeline.understand.segment import analyse

    document = docx.Document()
    custom = document.styles.add_style("Section Title", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    custom.element.get_or_add_pPr().append(level)
    document.add_paragraph("Dana Example")
    document.add_paragraph("Work history", style="Heading 1")
    document.add_paragraph("Analyst at Fabrikam, 2019 - 2023")
    document.add_paragraph("Education and training", style="Section Title")
    document.add_paragraph("BSc Mathematics, Riverbend College, 2015 - 2019")
    own = document.add_paragraph("Skills summary")
    own_level = OxmlElement("w:outlineLvl")
    own_level.set(qn("w:val"), "0")
    own._p.get_or_add_pPr().append(own_level)
    document.add_paragraph("Python, SQL, Tableau")
    document.add_paragraph("Normal text that mentions work history is not a heading.")
    path = tmp_path / "styled.docx"
    document.save(path)

    parsed = parse(path, docx_engine=engine)
    headings = [line.text for line in parsed.lines if line.heading]
    assert headings == ["Work history", "Education and training", "Skills summary"]
    sections = analyse(parsed).line_sections
    by_text = dict(zip((line.text for line in parsed.lines), sections, strict=True))
    assert by_text["Analyst at Fabrikam, 2019 - 2023"] == "experience"
    assert by_text["BSc Mathematics, Riverbend College, 2015 - 2019"] == "education"
    assert by_text["Python, SQL, Tableau"] == "skills"
    assert by_text["Normal text that mentions work history is not a heading."] == "skills"
