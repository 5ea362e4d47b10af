"""Decide a file's format from its bytes, never from its name."""

from __future__ import annotations

import codecs
import io
import zipfile

from ..errors import ParseError

PDF = "pdf"
DOCX = "docx"
DOC = "doc"  # legacy Word 97-2003 (OLE2 compound file)
RTF = "rtf"
ODT = "odt"
HTML = "html"
IMAGE = "image"  # PNG, JPEG or TIFF: a photographed or scanned resume, read by OCR
TEXT = "text"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<body", b"<head")

_HEAD = 8192


def sniff_format(data: bytes) -> str:
    """Return the format (PDF, DOCX, DOC, RTF, ODT, HTML, IMAGE or TEXT) of a file from its
    bytes, or raise ParseError. Only the first 8 KiB are looked at, and a ZIP's directory."""
    head = data[:_HEAD]
    if not head:
        raise ParseError("empty_file")
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(_OLE2):
        return DOC
    if head.startswith(_IMAGES):
        return IMAGE
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return RTF
    if any(marker in stripped[:1024].lower() for marker in _HTML_MARKERS):
        return HTML
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if _looks_like_text(head):
        return TEXT
    raise ParseError("not_a_resume_format", "binary content")


# Limits checked on the ZIP directory before any parser opens a DOCX.
MAX_ENTRIES = 2_000
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for parts over 1 MiB


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" in names:
                kind = DOCX
            elif "content.xml" in names and _odt_mimetype(archive, names):
                kind = ODT
            else:
                raise ParseError("not_a_resume_format", "ZIP archive that is neither DOCX nor ODT")
            _check_archive(archive, infos)
    except ParseError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ParseError("corrupt_docx", "unreadable ZIP archive") from None
    except Exception as exc:  # zlib.error and other damage
        raise ParseError("corrupt_docx", type(exc).__name__) from None
    return kind


def archive_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged ZIP of XML parts (DOCX, ODT) can raise, besides ParseError."""
    import zlib

    from lxml import etree

    return (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        etree.XMLSyntaxError,
        NotImplementedError,  # zipfile: a compression method or version it does not know
        RuntimeError,  # zipfile: an encrypted member
    )


def read_xml_part(archive: zipfile.ZipFile, name: str, reason: str):
    """Parse one XML part of a DOCX or ODT archive that `sniff_format` has checked: no entity
    expansion, no DTD, no network, and no part that inflates beyond MAX_ENTRY_BYTES. Raises
    ParseError(reason) for an oversized part; damage surfaces as zipfile/lxml errors."""
    return parse_xml(read_part(archive, name, reason))


def read_part(archive: zipfile.ZipFile, name: str, reason: str) -> bytes:
    """The bytes of one archive member, refused (ParseError) when it inflates beyond
    MAX_ENTRY_BYTES."""
    size = archive.getinfo(name).file_size
    if size > MAX_ENTRY_BYTES:
        raise ParseError(reason, f"{name} inflates to {size} bytes")
    return archive.read(name)


def parse_xml(data: bytes):
    """Parse XML with no entity expansion, no DTD and no network."""
    from lxml import etree

    parser = etree.XMLParser(  # one per call: lxml parsers are not shared between threads
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    return etree.fromstring(data, parser)


def _odt_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
        return False
    return archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text"


def _check_archive(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs (sizes, counts, ratios as declared) and XML with a DOCTYPE (XXE)."""
    if len(infos) > MAX_ENTRIES:
        raise ParseError("unsafe_archive", f"{len(infos)} entries")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
            raise ParseError("unsafe_archive", "declared size over the limit")
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ParseError("unsafe_archive", "compression ratio over the limit")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                head = part.read(2048)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ParseError("unsafe_archive", "XML part with a DOCTYPE")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        # UTF-16 text has NULs; accept it only with a BOM.
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if head.startswith((b"{\\rtf", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multibyte char cut by the read boundary
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)


def codec_name(name: str) -> str | None:
    """Python's name for a declared charset or code page, or None when unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text: BOMs, then a `declared` charset (an HTML <meta>), then UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    codec = codec_name(declared) if declared else None
    if codec and not codec.startswith("utf-16"):
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
