"""Checks a submitted file passes before any parser sees it, so a hostile file costs little.

detect.py decides the format from the bytes; these guards then refuse what no parser should
be handed: archives that unpack to more than they admit (sizes are counted while inflating,
never taken from the headers), XML with a DOCTYPE (entity expansion, external entities),
structures nested deeper than a report ever is, and documents beyond the page and character
caps. Every refusal is a DocumentRejected with a stable code from pipeline.errors.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.parsers import expat

from pipeline.document import FLAG_NEEDS_OCR, FLAG_UNMAPPABLE, Document
from pipeline.errors import DocumentRejected

if TYPE_CHECKING:
    from pipeline.readers.package import Package

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep one bad file from exhausting the machine; generous for any real report."""

    max_file_bytes: int = 64 * MB  # the submitted file itself
    max_zip_entries: int = 2000  # a long report with many photos has a few hundred parts
    max_unpacked_bytes: int = 256 * MB  # all parts of a .docx together, counted while inflating
    max_part_ratio: int = 200  # inflated/compressed size of one part, once past ratio_floor_bytes
    ratio_floor_bytes: int = 1 * MB  # small parts (styles, settings) may compress very well
    max_xml_depth: int = 128  # a .docx body with nested tables is rarely deeper than 40
    max_chars: int = 5_000_000  # a 500-page report is about 1.5 million characters
    max_pages: int = 2000
    memory_bytes: int = 2048 * MB  # address space of the parsing child (RLIMIT_AS)
    cpu_seconds: int = 120  # CPU time of the parsing child (RLIMIT_CPU)
    wall_seconds: float = 180.0  # the parsing child is killed after this long
    extract_cpu_seconds: int = 60  # CPU time of the extracting child: the rules are linear, 1 MB/s or more
    extract_wall_seconds: float = 90.0  # the extracting child is killed after this long
    max_number_tokens: int = 200_000  # digit runs in one document: a 500-page report has some 30,000
    max_digit_run: int = 100_000  # one unbroken run of digits: not a figure, not a report (a figure has < 40)
    max_numbers_per_line: int = 1000  # digit runs in one paragraph: a long table row holds some 50


DEFAULT_LIMITS = Limits()
_active = [DEFAULT_LIMITS]

CHUNK = 64 * 1024
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
LOCAL_MAGIC = b"PK\x03\x04"
PDF_TAIL_BYTES = 4096  # %%EOF must stand this close to the end of a complete PDF
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")  # where a stream's data begins
# A document with no letter or digit is never "0 figures, OK"; the first matching flag names why.
NO_TEXT_CODES = ((FLAG_NEEDS_OCR, "E009_NEEDS_OCR"), (FLAG_UNMAPPABLE, "E010_UNMAPPABLE_TEXT"))
# Parts Word imports by altChunk that are not XML: read by their own parsers (altchunk.py), never
# by the XML parser, so they are not held to well-formed XML (their size is still counted).
NOT_XML_PARTS = (".htm", ".html", ".mht", ".mhtml", ".txt", ".rtf")
XML_START = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe<\x00", b"\xfe\xff\x00<")


def set_limits(limits: Limits) -> None:
    """Make `limits` the caps read_document checks against (the sandbox child sets its own)."""
    _active[0] = limits


def active_limits() -> Limits:
    return _active[0]


def check_file_size(size: int, name: str, limits: Limits | None = None) -> None:
    """Refuse a file larger than the cap before a single byte of it is read."""
    limits = limits or active_limits()
    if size > limits.max_file_bytes:
        detail = f"{size // MB} MB, at most {limits.max_file_bytes // MB} MB"
        raise DocumentRejected("E006_TOO_LARGE", name, detail)


def check_before_parse(raw: bytes, kind: str, name: str, limits: Limits | None = None) -> Package | None:
    """All checks for a file detect.py has classified, run before its reader is called. For a
    .docx/.xlsx the package, its parts inflated under the caps (package.py)."""
    limits = limits or active_limits()
    check_file_size(len(raw), name, limits)
    if kind in ("docx", "xlsx"):
        from pipeline.readers.package import open_package

        package = open_package(raw, name, limits)
        if kind == "xlsx":  # openpyxl parses the parts itself: every one is checked first
            package.parse_all()
        return package  # the .docx reader parses what it walks, then checks the rest (check_unread)
    if kind == "pdf":
        check_pdf(raw, name, limits)
    elif kind == "txt" and len(raw) > 4 * limits.max_chars:  # UTF-16 spends at most 4 bytes a character
        raise DocumentRejected("E006_TOO_LARGE", name, f"{len(raw) // MB} MB of text")
    return None


def check_document(document: Document, limits: Limits | None = None) -> None:
    """What a reader's output must be: some text, under the character and page caps."""
    limits = limits or active_limits()
    if len(document.text) > limits.max_chars:
        detail = f"{len(document.text):,} characters, at most {limits.max_chars:,}"
        raise DocumentRejected("E006_TOO_LARGE", document.path, detail)
    if not any(char.isalnum() for char in document.text):
        detail = "no letter or digit in the whole document"
        raise DocumentRejected(no_text_code(document.flags), document.path, detail)
    if document.page_count and document.page_count > limits.max_pages:
        detail = f"{document.page_count} pages, at most {limits.max_pages}"
        raise DocumentRejected("E006_TOO_LARGE", document.path, detail)


def no_text_code(flags: list[str]) -> str:
    """Why a document without any text is refused: the reader's flag, if it raised one, says why."""
    for flag, code in NO_TEXT_CODES:
        if flag in flags:
            return code
    return "E012_NO_TEXT"


def check_pdf(raw: bytes, name: str, limits: Limits) -> None:
    """A PDF must end with %%EOF (else it was cut short), stay under the page cap, and its
    compressed streams together must not inflate past the unpacked cap (a "PDF bomb")."""
    if b"%%EOF" not in raw[-PDF_TAIL_BYTES:]:
        raise DocumentRejected("E005_CORRUPT", name, "PDF cut short: no %%EOF at its end")
    pages = len(PDF_PAGE.findall(raw))
    if pages > limits.max_pages:
        raise DocumentRejected("E006_TOO_LARGE", name, f"about {pages} pages, at most {limits.max_pages}")
    unpacked = 0
    for start in PDF_STREAM.finditer(raw):
        unpacked += _inflated_size(raw, start.end(), limits.max_unpacked_bytes - unpacked)
        if unpacked > limits.max_unpacked_bytes:
            detail = f"its streams unpack to more than {cap_mb(limits)}"
            raise DocumentRejected("E006_TOO_LARGE", name, detail)


def _inflated_size(raw: bytes, start: int, budget: int) -> int:
    """How much the zlib stream at `start` inflates to, counting no further than just past `budget`.

    The stream's /Length and /Filter are not trusted or even read: what is not zlib data (a JPEG,
    an uncompressed stream) fails on its first bytes and counts as nothing.
    """
    inflater = zlib.decompressobj()
    size = 0
    try:
        for pos in range(start, len(raw), CHUNK):
            pending = raw[pos : pos + CHUNK]
            while pending:
                size += len(inflater.decompress(pending, CHUNK))
                pending = inflater.unconsumed_tail
                if inflater.eof or size > budget:
                    return size
    except zlib.error:
        pass  # not zlib data, or damaged: the parser will say so
    return size


def open_archive(raw: bytes, name: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The package's entries, once its central directory passes the count and declared-size caps."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise DocumentRejected("E005_CORRUPT", name, f"ZIP: {error}") from None
    if len(infos) > limits.max_zip_entries:
        detail = f"{len(infos)} parts, at most {limits.max_zip_entries}"
        raise DocumentRejected("E006_TOO_LARGE", name, detail)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_unpacked_bytes:
        detail = f"unpacks to {declared // MB} MB, at most {cap_mb(limits)}"
        raise DocumentRejected("E006_TOO_LARGE", name, detail)
    if "[Content_Types].xml" not in {info.filename for info in infos}:
        detail = "not a complete Word file: [Content_Types].xml is missing"
        raise DocumentRejected("E005_CORRUPT", name, detail)
    return infos


def cap_mb(limits: Limits) -> str:
    return f"{limits.max_unpacked_bytes // MB} MB"


def inflate(raw: bytes, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """A part's bytes in chunks of at most CHUNK, read from its local header, trusting no size."""
    offset = info.header_offset
    header = raw[offset : offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size or not header.startswith(LOCAL_MAGIC):
        raise DocumentRejected("E005_CORRUPT", name, f"ZIP: {info.filename} has no local header")
    fields = LOCAL_HEADER.unpack(header)
    start = offset + LOCAL_HEADER.size + fields[9] + fields[10]
    packed = memoryview(raw)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for pos in range(0, len(packed), CHUNK):
            yield bytes(packed[pos : pos + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        detail = f"ZIP: {info.filename} uses compression method {info.compress_type}"
        raise DocumentRejected("E005_CORRUPT", name, detail)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for pos in range(0, len(packed), CHUNK):
            pending = bytes(packed[pos : pos + CHUNK])
            while pending:
                out = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                if out:
                    yield out
                if inflater.eof:
                    return
        tail = inflater.flush()
    except zlib.error as error:
        raise DocumentRejected("E005_CORRUPT", name, f"ZIP: {info.filename}: {error}") from None
    if tail:
        yield tail


class XmlScanner:
    """Streams one XML part through expat with handlers only: refuses DOCTYPE, depth and size.

    package.py sends it only the parts its lxml pass cannot vouch for (a DOCTYPE in the bytes,
    another encoding, XML libxml2 refuses): its callback per element is slow, its verdict exact."""

    def __init__(self, part: str, name: str, limits: Limits) -> None:
        self.part = part
        self.name = name
        self.limits = limits
        self.depth = 0
        self.chars = 0
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser

    def feed(self, chunk: bytes) -> None:
        self._parse(chunk, final=False)

    def close(self) -> None:
        self._parse(b"", final=True)

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise DocumentRejected("E005_CORRUPT", self.name, f"{self.part}: {error}") from None

    def _doctype(self, *_: object) -> None:
        raise DocumentRejected("E007_UNSAFE_XML", self.name, f"{self.part} declares a DOCTYPE")

    def _entity(self, *_: object) -> None:
        raise DocumentRejected("E007_UNSAFE_XML", self.name, f"{self.part} declares an entity")

    def _start(self, *_: object) -> None:
        self.depth += 1
        if self.depth > self.limits.max_xml_depth:
            raise DocumentRejected(
                "E013_TOO_DEEP", self.name, f"{self.part} nests over {self.limits.max_xml_depth} levels"
            )

    def _end(self, *_: object) -> None:
        self.depth -= 1

    def _text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > self.limits.max_chars:
            detail = f"{self.part} holds over {self.limits.max_chars:,} characters"
            raise DocumentRejected("E006_TOO_LARGE", self.name, detail)
