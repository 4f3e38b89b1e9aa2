"""The one canonical document every reader produces and every later stage consumes.

Extractors never ask which file format a document came from: they see `Document.text`
(NFC, `\\n` line ends) and the `Block`s that say what each character range is.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell", "footnote"]

# Flags a reader may raise; a flagged document is never reported as "0 figures, OK".
FLAG_LEGACY_TCVN3 = "legacy_tcvn3"
FLAG_LEGACY_VNI = "legacy_vni"
FLAG_DECOMPOSED = "decomposed_diacritics"
FLAG_NEEDS_OCR = "needs_ocr"
FLAG_UNMAPPABLE = "unmappable_text"
FLAG_NO_TEXT = "no_text"
FLAG_INVISIBLE = "invisible_chars_removed"  # zero-width characters or NUL bytes were taken out
FLAG_PARTS_UNREAD = "parts_not_read"  # a Word altChunk of a format tonghop does not read (RTF)
FLAG_OCR = "ocr"  # some text was read from page images by OCR ("đọc từ ảnh")


def canonical_text(raw: str) -> str:
    """NFC with `\\n` line ends: the text all offsets in tonghop point into."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True, slots=True)
class TableCell:
    """Where a table-cell block sits, and the headers that give its number a meaning."""

    table: int
    row: int
    col: int
    row_header: str = ""
    col_header: str = ""
    unit: str = ""  # from a "ĐVT" (đơn vị tính) column or the header, when the table has one


@dataclass(slots=True)
class Block:
    """One paragraph, heading, list item, table cell or footnote: a range of `Document.text`."""

    kind: BlockKind
    start: int
    end: int
    section: tuple[str, ...] = ()
    numbering: str = ""  # the marker a reader sees: "Phần thứ nhất", "I.", "1.1.", "-", "+"
    level: int = 0  # heading depth, 1 = top
    page: int | None = None  # 1-based, PDFs only
    cell: TableCell | None = None
    footnote_marker: str = ""  # footnote blocks: the marker ("1", "*")
    footnote_ref: int | None = None  # footnote blocks: offset in text where the marker stands
    ocr_confidence: float | None = None  # read from a page image: Tesseract's mean word confidence, 0-100
    # read from a page image: each line as [start, end, left, top, right, bottom], start/end offsets
    # into this block's text, the box as fractions of the page image (the review page crops it)
    ocr_lines: list[list[float]] | None = None

    def to_record(self) -> dict[str, Any]:
        """The block as JSON-ready values, field by field (dataclasses.asdict deep-copies every
        value: a report of 200,000 paragraphs spent seconds of the parent's time in it)."""
        record = {name: getattr(self, name) for name in BLOCK_FIELDS}
        record["section"] = list(self.section)
        if self.cell is not None:
            record["cell"] = {name: getattr(self.cell, name) for name in CELL_FIELDS}
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Block:
        """The inverse of `to_record` (a child process's JSON, the store's blocks column)."""
        cell = TableCell(**record["cell"]) if record.get("cell") else None
        return cls(**{**record, "section": tuple(record.get("section") or ()), "cell": cell})


BLOCK_FIELDS = tuple(f.name for f in fields(Block))
CELL_FIELDS = tuple(f.name for f in fields(TableCell))


@dataclass(slots=True)
class Period:
    period: str  # normalised label: "năm 2020", "6 tháng đầu năm 2021" (pipeline/periods.py)
    role: str = "results"  # results | programme
    section: str = ""  # top-level section it governs, "" for the whole document
    start: str = ""  # ISO first day, "" when the label is not a known period
    end: str = ""  # ISO last day
    kind: str = ""  # months_first | months_last | quarter | month | year | term | stage | implementation
    regular: bool = False  # a period units report on by schedule (makes "Chưa báo cáo")

    @property
    def key(self) -> str:
        """"2024-01-01..2024-06-30", or the label when the dates are unknown."""
        return f"{self.start}..{self.end}" if self.start else self.period


@dataclass(slots=True)
class DocumentMetadata:
    """What the document says about itself; detected from the text, overridable by the user."""

    issuer: str = ""  # as the document names it: "Ủy ban MTTQ Việt Nam xã Nghĩa Kỳ"
    level: str = ""  # tỉnh | huyện | xã | ""
    province: str = ""  # of the era the document was written in ("Đắk Nông" in 2020)
    unit_code: str = ""  # "old:X21250/MTTQ" (pipeline/reporting_unit.py); "" when not resolved
    unit_name: str = ""  # the unit's name in official spelling, the same for every report of it
    era: str = ""  # old (before 1 July 2025) | new
    number: str = ""  # "15/BC-MTTQ"
    place: str = ""  # the place of the date line
    summary: str = ""  # the trích yếu under the title
    recipients: list[str] = field(default_factory=list)  # "Kính gửi": never the issuer
    why: list[str] = field(default_factory=list)  # how issuer, unit and period were found
    places: list[str] = field(default_factory=list)
    doc_type: str = ""
    date: str = ""  # ISO, as precise as known: "2021-02", "2024-05-10"
    date_year: int | None = None
    periods: list[Period] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)  # field names the user set by hand

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Document:
    text: str
    blocks: list[Block]
    path: str  # the submitted file's name as received
    format: str  # txt | docx | doc | pdf | xlsx | image
    sha256: str
    encoding: str = ""  # txt: the codec that decoded it; docx with legacy fonts: "tcvn3" / "vni"
    flags: list[str] = field(default_factory=list)
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    page_count: int | None = None
    headers_footers: list[str] = field(default_factory=list)  # kept apart from the body
    _starts: list[int] = field(default_factory=list, repr=False)

    def block_at(self, offset: int) -> Block | None:
        """The innermost block holding `offset` (blocks are sorted and do not overlap)."""
        if len(self._starts) != len(self.blocks):
            self._starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset < self.blocks[i].end:
            return self.blocks[i]
        return None

    def section_at(self, offset: int) -> tuple[str, ...]:
        block = self.block_at(offset)
        return block.section if block else ()

    def to_record(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "flags": list(self.flags),
            "page_count": self.page_count,
            "metadata": self.metadata.to_record(),
            "headers_footers": list(self.headers_footers),
            "blocks": [b.to_record() for b in self.blocks],
            "text": self.text,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Document:
        """The inverse of `to_record`; fields a partial record lacks (the store's) keep their defaults."""
        meta = dict(record.get("metadata") or {})
        meta["periods"] = [Period(**p) for p in meta.get("periods", [])]
        return cls(
            text=record["text"],
            blocks=[Block.from_record(b) for b in record["blocks"]],
            path=record["path"],
            format=record["format"],
            sha256=record["sha256"],
            encoding=record.get("encoding", ""),
            flags=list(record.get("flags", [])),
            metadata=DocumentMetadata(**meta),
            page_count=record.get("page_count"),
            headers_footers=list(record.get("headers_footers", [])),
        )
