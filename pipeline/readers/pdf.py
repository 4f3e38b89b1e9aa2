"""PDF reports: lines in reading order rejoined into paragraphs, tables as cells,
running headers/footers and page numbers kept apart, footnotes moved after the body.

Text and positions come from PDFium (pdf_text.py), which costs milliseconds a page; pdfplumber
only finds the ruled tables, and only on pages that draw lines, each given to it alone.

A page without a text layer (a scan) or with undecodable `(cid:N)` glyphs is flagged; when no
page can be read the document is rejected (E009/E010) rather than read as "no figures".
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber

from pipeline.document import FLAG_NEEDS_OCR, FLAG_OCR, FLAG_UNMAPPABLE, Block, Document
from pipeline.errors import DocumentRejected
from pipeline.readers.assemble import TextAssembler
from pipeline.readers.guards import active_limits
from pipeline.readers.headings import classify_line
from pipeline.readers.ocr import RENDER_DPI, OcrParagraph, ocr_available, read_image, require_ocr
from pipeline.readers.pdf_text import (
    has_images,
    looks_ruled,
    open_pdf,
    page_chars,
    single_page_pdf,
    text_lines,
    unmapped_share,
)
from pipeline.readers.tables import GridCell, describe_cells

UNMAPPED_SHARE = 0.3  # a page whose glyphs are this often without a Unicode value is unreadable
HEADER_BAND = 0.1  # of the page's longer side, at top and bottom: where running headers/footers sit
PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
WORD_GAP = 0.12  # a gap between glyphs wider than this share of the font size is a space
SMALL = 0.85  # a glyph this much smaller than the body text is a footnote or its reference mark
# A line ending in a hyphen, dash or slash glued to its word ("26-", "2016–", "CT/") broke a
# compound such as "26-NQ/TW": the next line continues it without a space ("chính trị -" keeps it).
_HYPHEN_BREAK = re.compile(r"\S[-‐–/]$")
# The first unbreakable unit of a line: a word, plus what may not start a line after it
# ("cờ ...Tích": a line cannot begin with an ellipsis or a closing mark).
_FIRST_UNIT = re.compile(r"^\S*(?: [.,;:!?…)\]}”’»%]\S*)*$")
_NUMBER_WRAP = re.compile(r"([\d.,])\n(\d)")  # a number wrapped inside a narrow table cell


@dataclass(slots=True)
class Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    page: int
    size: float
    first_word: float = 0.0  # width of the line's first word: would it have fit on the line before?
    refs: list[tuple[str, int]] = field(default_factory=list)  # (marker, position in text)


@dataclass(slots=True)
class TableAt:
    top: float
    page: int
    grid: list[list[GridCell]]
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(slots=True)
class PageContent:
    number: int
    width: float = 0.0
    body_size: float = 0.0
    lines: list[Line] = field(default_factory=list)
    tables: list[TableAt] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)
    bands: list[Line] = field(default_factory=list)  # lines in the header/footer bands
    ocr: list[OcrParagraph] = field(default_factory=list)  # a scanned page's paragraphs, read by Tesseract
    needs_ocr: bool = False
    unmappable: bool = False


def _centre_inside(box: tuple[float, float, float, float]) -> Any:
    """A pdfplumber filter keeping the glyphs whose centre lies in `box` (cell borders cut glyphs)."""
    x0, top, x1, bottom = box

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return False
        mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= mid_x <= x1 and top <= mid_y <= bottom

    return keep


def _cell_text(text: str) -> str:
    """A cell's lines on one line; a number wrapped in a narrow column ("40.060.0" / "00") is rejoined."""
    return " ".join(_NUMBER_WRAP.sub(r"\1\2", text).split())


def _table_grid(table: Any, page: Any) -> list[list[GridCell]]:
    """A pdfplumber table as a grid; a merged cell's text repeats on the positions it covers."""
    xs = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    ys = sorted({round(c[1], 1) for c in table.cells} | {round(c[3], 1) for c in table.cells})
    grid: list[list[GridCell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for x0, top, x1, bottom in sorted(table.cells, key=lambda c: (c[1], c[0])):
        c0, c1 = xs.index(round(x0, 1)), xs.index(round(x1, 1))
        r0, r1 = ys.index(round(top, 1)), ys.index(round(bottom, 1))
        text = _cell_text(page.filter(_centre_inside((x0, top, x1, bottom))).extract_text() or "")
        for r in range(r0, r1):
            for c in range(c0, c1):
                if grid[r][c] is None:
                    origin = (r, c) == (r0, c0)
                    merged = "" if origin else ("left" if r == r0 else "above")
                    grid[r][c] = GridCell(text, origin, merged)
    return [[cell or GridCell("", False) for cell in row] for row in grid]


def _body_size(chars: list[dict[str, Any]]) -> float:
    sizes = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _first_unit(text: str) -> bool:
    return bool(_FIRST_UNIT.match(text))


def _line(raw_line: dict[str, Any], number: int, body_size: float) -> Line:
    """A text line; small raised digits (footnote reference marks) are taken out and remembered."""
    text, refs = "", []
    last_x1: float | None = None
    last_was_ref = False
    first_word = 0.0
    in_first_unit = True  # once "word X" no longer matches, no longer text will: stop testing
    for char in raw_line["chars"]:
        raised = char["size"] < body_size * SMALL and char["bottom"] < raw_line["bottom"] - 1
        if raised and char["text"].isdigit():
            if last_was_ref:
                refs[-1] = (refs[-1][0] + char["text"], refs[-1][1])
            else:
                refs.append((char["text"], len(text)))
            last_was_ref = True
            last_x1 = char["x1"]  # the mark sat between glyphs: measure the next gap from its end
            continue
        gap = last_x1 is not None and char["x0"] - last_x1 > WORD_GAP * char["size"]
        if gap and not text.endswith(" ") and char["text"] != " ":
            text += " "
        if char["text"] == " " and text.endswith(" "):
            continue  # a space glyph where the gap already gave one (justified text)
        if in_first_unit:
            if _first_unit(text + char["text"]):
                first_word = char["x1"] - raw_line["x0"]
            elif char["text"] != " ":  # "word X": a space not followed by punctuation ended it
                in_first_unit = False
        text += char["text"]
        last_x1, last_was_ref = char["x1"], False
    sizes = [c["size"] for c in raw_line["chars"] if c["text"].strip()]
    return Line(text, raw_line["top"], raw_line["bottom"], raw_line["x0"], raw_line["x1"], number,
                statistics.median(sizes) if sizes else 0.0, first_word, refs)


def _ruled_tables(pdf: Any, index: int, number: int) -> list[TableAt]:
    """The ruled tables of one page, found by pdfplumber on that page alone."""
    with pdfplumber.open(io.BytesIO(single_page_pdf(pdf, index))) as alone:
        page = alone.pages[0]
        tables = page.find_tables()
        return [TableAt(table.bbox[1], number, _table_grid(table, page), table.bbox) for table in tables]


def _read_page(pdf: Any, index: int) -> PageContent:
    """One page's lines (from PDFium), tables (pdfplumber, on ruled pages only) and band lines."""
    number = index + 1
    page = pdf[index]
    try:
        width, height = page.get_size()
        content = PageContent(number, round(width))
        all_chars = page_chars(page)
        chars = [c for c in all_chars if c["text"].strip()]
        if not chars:
            content.needs_ocr = has_images(page)
            if content.needs_ocr and ocr_available():
                content.ocr = read_image(page.render(scale=RENDER_DPI / 72).to_pil(), f"trang {number}")
            return content
        if unmapped_share(chars) > UNMAPPED_SHARE:
            content.unmappable = True
            return content
        body_size = _body_size(chars)
        if looks_ruled(page):
            content.tables = _ruled_tables(pdf, index, number)
    finally:
        page.close()
    boxes = [t.bbox for t in content.tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)

    kept = [c for c in all_chars if outside_tables(c)] if boxes else all_chars
    lines = [_line(raw, number, body_size) for raw in text_lines(kept)]
    lines = [line for line in lines if line.text]
    band = max(width, height) * HEADER_BAND
    body: list[Line] = []
    for line in lines:
        if line.bottom < band or line.top > height - band:
            content.bands.append(line)
        else:
            body.append(line)
    content.lines = body
    content.body_size = body_size
    return content


def _running_lines(pages: list[PageContent]) -> set[tuple[int, int]]:
    """Band lines that are running headers/footers: page numbers, or the same text (digits aside)
    at the same height on other pages. The title line under a header that repeats it stays."""

    def shape(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top / 4)

    shapes = Counter(shape(line) for page in pages for line in page.bands)
    running = set()
    for page in pages:
        for line in page.bands:
            if (len(pages) > 1 and shapes[shape(line)] > 1) or PAGE_NUMBER.match(line.text):
                running.add((page.number, id(line)))
    return running


def _split_notes(page: PageContent) -> None:
    """Footnotes: the small-print lines under the last body-size line, the first opening with a number."""
    lines = page.lines
    last_body = max((i for i, line in enumerate(lines) if line.size >= page.body_size * SMALL), default=-1)
    tail = lines[last_body + 1 :]
    if tail and re.match(r"^\d{1,3}\s", tail[0].text):
        page.notes = tail
        page.lines = lines[: last_body + 1]


def _notes(pages: list[PageContent]) -> dict[tuple[int, str], str]:
    """Footnote texts by (page, marker): a line starting with a marker opens a note, others continue it."""
    notes: dict[tuple[int, str], str] = {}
    for page in pages:
        current = None
        for line in page.notes:
            match = re.match(r"^(\d{1,3})\s+(.*)$", line.text)
            if match:
                current = (page.number, match[1])
                notes[current] = match[2]
            elif current:
                notes[current] += " " + line.text
    return notes


@dataclass(slots=True)
class Paragraph:
    text: str = ""
    page: int = 0
    top: float = 0.0
    refs: list[tuple[str, int, int]] = field(default_factory=list)  # (marker, page, position)


def _text_edges(pages: list[PageContent]) -> dict[int, tuple[float, float]]:
    """Left and right edge of the text column per page, shared by pages of the same width
    (a landscape appendix page has its own), so a short last page still knows the full width."""
    by_width: dict[int, list[Line]] = {}
    for page in pages:
        by_width.setdefault(round(page.width), []).extend(page.lines)
    of_width = {  # once per width, not once per page: a compiled 300-page report has one width
        width: (min((x.x0 for x in lines), default=0.0), max((x.x1 for x in lines), default=0.0))
        for width, lines in by_width.items()
    }
    return {page.number: of_width[round(page.width)] for page in pages}


def _line_pitch(lines: list[Line]) -> float:
    """The usual distance between the tops of two lines of one paragraph."""
    pitches = [b.top - a.top for a, b in itertools.pairwise(lines) if a.page == b.page and b.top > a.top]
    return statistics.median(pitches) if pitches else 0.0


@dataclass(slots=True)
class OcrPage:
    page: PageContent


def _runs(pages: list[PageContent]) -> list[list[Line] | TableAt | OcrPage]:
    """The document top to bottom, page after page: runs of text lines broken by tables."""
    runs: list[list[Line] | TableAt | OcrPage] = [[]]
    for page in pages:
        if page.ocr:
            runs += [OcrPage(page), []]
            continue
        items: list[tuple[float, int, Line | TableAt]] = [(t.top, 0, t) for t in page.tables]
        items += [(line.top, 1, line) for line in page.lines]
        for _, _, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
            if isinstance(item, TableAt):
                runs += [item, []]
            else:
                runs[-1].append(item)  # type: ignore[union-attr]
    return [run for run in runs if run]


def _paragraphs(lines: list[Line], edges: dict[int, tuple[float, float]], pitch: float) -> list[Paragraph]:
    """Wrapped lines rejoined into paragraphs. A line starts a new paragraph after a wider gap
    than the usual line pitch, or when its first word would have fitted on the line before
    (that line ended early); centred lines that follow each other closely are one title."""
    paragraphs: list[Paragraph] = []
    previous: Line | None = None
    for line in lines:
        starts_new = previous is None
        if previous is not None:
            left, right = edges[previous.page]
            centre = (left + right) / 2
            ended_early = previous.x1 + previous.size * 0.3 + line.first_word < right - 1
            centred = [abs((x.x0 + x.x1) / 2 - centre) < 3 and x.x0 > left + x.size for x in (previous, line)]
            # a marker ("- ", "1.", "a)") after a finished sentence opens an item even when the
            # line before happened to be nearly full; "- xã hội" after "chính trị" does not
            item_after_sentence = previous.text.rstrip().endswith((".", ":", ";")) and (
                classify_line(line.text).kind != "paragraph")
            if previous.page != line.page:
                starts_new = ended_early or item_after_sentence
            elif line.top - previous.top > pitch * 1.25 or line.size < previous.size * SMALL:
                starts_new = True
            elif centred[0] != centred[1]:
                starts_new = True  # a centred title line, then body text (or the reverse)
            else:
                starts_new = (ended_early and not all(centred)) or item_after_sentence
        if starts_new:
            paragraphs.append(Paragraph(page=line.page, top=line.top))
        paragraph = paragraphs[-1]
        joiner = " " if paragraph.text and not _HYPHEN_BREAK.search(paragraph.text) else ""
        base = len(paragraph.text) + len(joiner)
        paragraph.refs.extend((marker, line.page, base + pos) for marker, pos in line.refs)
        paragraph.text += joiner + line.text
        previous = line
    return paragraphs


def read_pdf(path: Path, raw: bytes, sha256: str) -> Document:
    """A .pdf report as canonical text; scanned or undecodable pages flagged, all-unreadable rejected."""
    pdf = open_pdf(raw, path.name)
    try:
        if len(pdf) > active_limits().max_pages:
            detail = f"{len(pdf)} pages, at most {active_limits().max_pages}"
            raise DocumentRejected("E006_TOO_LARGE", path.name, detail)
        pages = [_read_page(pdf, index) for index in range(len(pdf))]
    finally:
        pdf.close()
    # band lines count: a one-page report whose text sits near the top edge is still text
    readable = [p for p in pages if p.ocr or ((p.lines or p.tables or p.bands) and not p.unmappable)]
    if not readable:
        if any(p.needs_ocr for p in pages):
            require_ocr(path.name, f"{len(pages)} page(s) without a text layer")
            raise DocumentRejected("E012_NO_TEXT", path.name, "OCR found no text on the page images")
        if any(p.unmappable for p in pages):
            raise DocumentRejected("E010_UNMAPPABLE_TEXT", path.name)
        raise DocumentRejected("E012_NO_TEXT", path.name)
    running = _running_lines(pages)
    headers_footers: list[str] = []
    for page in pages:
        for line in page.bands:
            if (page.number, id(line)) not in running:
                page.lines.append(line)  # a line near the edge that does not repeat is body text
            elif line.text not in headers_footers and not PAGE_NUMBER.match(line.text):
                headers_footers.append(line.text)
        page.lines.sort(key=lambda line: (line.top, line.x0))
        _split_notes(page)
    notes = _notes(pages)
    out = TextAssembler()
    referenced: list[tuple[str, int, int, Block]] = []
    table_index = 0
    pitch = _line_pitch([line for page in pages for line in page.lines])
    edges = _text_edges(pages)
    for run in _runs(pages):
        if isinstance(run, OcrPage):
            for paragraph in run.page.ocr:
                out.add(
                    paragraph.text, page=run.page.number, ocr_confidence=paragraph.confidence,
                    ocr_lines=paragraph.line_records(),
                )
            continue
        if isinstance(run, TableAt):
            table_index += 1
            for text, cell in describe_cells(run.grid, table_index):
                out.add(text, kind="table_cell", cell=cell, page=run.page)
            continue
        for paragraph in _paragraphs(run, edges, pitch):
            block = out.add(paragraph.text, page=paragraph.page)
            if block is None:
                continue
            lead = len(paragraph.text) - len(paragraph.text.lstrip())
            for marker, page_number, position in paragraph.refs:
                if (page_number, marker) in notes:
                    offset = block.start + min(max(0, position - lead), block.end - block.start)
                    referenced.append((marker, page_number, offset, block))
    for marker, page_number, offset, block in referenced:
        out.add(f"{marker} {notes[(page_number, marker)]}", kind="footnote", footnote_marker=marker,
                footnote_ref=offset, section=block.section, page=page_number)
    flags = []
    if any(p.needs_ocr and not p.ocr for p in pages):
        flags.append(FLAG_NEEDS_OCR)
    if any(p.ocr for p in pages):
        flags.append(FLAG_OCR)
    if any(p.unmappable for p in pages):
        flags.append(FLAG_UNMAPPABLE)
    return Document(out.text(), out.blocks, path.name, "pdf", sha256, flags=flags,
                    page_count=len(pages), headers_footers=headers_footers)
