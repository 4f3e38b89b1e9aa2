"""Word .docx reports: body paragraphs and tables in order, list numbering as shown, footnotes last.

The package is opened, guarded and parsed in one pass (package.py, opc.py, with python-docx's
rules for what a Word package is); the parts are walked with lxml (entities never resolved)
because numbering, footnotes, merged cells and legacy fonts are not in python-docx's API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from pipeline.document import (
    FLAG_LEGACY_TCVN3,
    FLAG_LEGACY_VNI,
    FLAG_PARTS_UNREAD,
    Block,
    Document,
    canonical_text,
)
from pipeline.errors import DocumentRejected
from pipeline.readers.altchunk import Item, chunk_items
from pipeline.readers.assemble import TextAssembler
from pipeline.readers.docx_numbering import ListNumbering, format_number
from pipeline.readers.docx_style_scan import style_sheet
from pipeline.readers.docx_styles import StyleSheet, run_font
from pipeline.readers.guards import active_limits
from pipeline.readers.legacy import TCVN3, VNI, is_capitals_font, legacy_encoding, to_unicode
from pipeline.readers.ooxml import MC_NS, is_on, number, w, wval
from pipeline.readers.opc import main_document
from pipeline.readers.package import Package, open_package
from pipeline.readers.tables import GridCell, describe_cells

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Containers whose content is part of the paragraph's text (descend into them).
_INLINE_CONTAINERS = {w(t) for t in ("hyperlink", "smartTag", "ins", "sdt", "sdtContent", "fldSimple",
                                      "customXml", "moveTo", "dir", "bdo")}
# Content that is not shown in the paragraph's line: deleted text, text boxes, alternate renderings.
_SKIPPED = {w(t) for t in ("del", "moveFrom", "pPr", "rPr", "txbxContent", "sdtPr", "sdtEndPr")} | {
    f"{{{MC_NS}}}AlternateContent"
}


# Clark names the walk compares every element with, built once (w() is a call each time).
W_P, W_R, W_T, W_TBL, W_ALTCHUNK, W_SDT, W_SDTCONTENT, W_CUSTOMXML, W_PPR, W_RPR = map(
    w, ("p", "r", "t", "tbl", "altChunk", "sdt", "sdtContent", "customXml", "pPr", "rPr"))
W_SPACES = frozenset(map(w, ("tab", "ptab", "br", "cr")))  # one line per paragraph: shown as spaces
W_NO_BREAK_HYPHEN, W_FOOTNOTE_REF, W_ENDNOTE_REF = map(
    w, ("noBreakHyphen", "footnoteReference", "endnoteReference"))
W_TXBX = w("txbxContent")


MAX_COLUMNS = 63  # Word tables have at most 63 columns: a larger gridSpan is a broken or hostile file
HEADING_MAX_CHARS = 200  # a longer paragraph in a heading style is body text styled by mistake


@dataclass(slots=True)
class NoteRef:
    kind: str  # "footnote" | "endnote"
    note_id: str
    position: int  # in the paragraph's raw text


@dataclass(slots=True)
class Parts:
    """The XML parts of a .docx the reader needs, each parsed safely (None when absent)."""

    body: etree._Element
    styles: StyleSheet = field(default_factory=lambda: StyleSheet.from_tree(None))
    numbering: etree._Element | None = None
    settings: etree._Element | None = None
    footnotes: etree._Element | None = None
    endnotes: etree._Element | None = None
    headers_footers: list[etree._Element] = field(default_factory=list)
    chunks: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # altChunk parts by relationship id


def _open_parts(package: Package) -> Parts:
    """The parts the reader walks, found through the main part's relationships; all already
    parsed (and guarded) by the package's one pass."""
    main, rels, part_types = main_document(package)
    body = package.tree(main).find(w("body"))
    if body is None:
        raise DocumentRejected("E005_CORRUPT", package.name, "word/document.xml has no body")
    parts = Parts(body=body)
    single = {RT.NUMBERING: "numbering", RT.SETTINGS: "settings", RT.FOOTNOTES: "footnotes",
              RT.ENDNOTES: "endnotes"}
    for rel in rels:
        if rel.is_external:
            continue
        if rel.reltype == RT.STYLES:
            parts.styles = style_sheet(package, rel.target)
        elif rel.reltype in single:
            setattr(parts, single[rel.reltype], package.tree(rel.target))
        elif rel.reltype in (RT.HEADER, RT.FOOTER):
            parts.headers_footers.append(package.tree(rel.target))
        elif rel.reltype == RT.A_F_CHUNK:
            parts.chunks[rel.r_id] = (part_types[rel.target], package.blob(rel.target))
    package.check_unread()  # the parts walked are parsed and checked: now every other part
    return parts


@dataclass(slots=True)
class _Walker:
    """Reads paragraphs' text with fonts, numbering and note references resolved."""

    styles: StyleSheet
    numbering: ListNumbering
    encodings: set[str] = field(default_factory=set)

    def paragraph(self, p: etree._Element) -> tuple[str, list[NoteRef]]:
        """The line a reader sees for a paragraph (marker + text) and where its notes are referenced."""
        ppr = p.find(W_PPR)
        style = wval(ppr, "pStyle") or ""
        pieces: list[str] = []
        refs: list[NoteRef] = []
        self._inline(p, style, pieces, refs)
        text = "".join(pieces)
        marker, suffix = self._marker(ppr, style)
        if not marker:
            return text, refs
        lead = len(text) - len(text.lstrip())
        prefix = marker + suffix
        shifted = [NoteRef(r.kind, r.note_id, len(prefix) + max(0, r.position - lead)) for r in refs]
        return prefix + text.lstrip(), shifted

    def heading_rank(self, p: etree._Element, text: str) -> int | None:
        """The section rank of a short paragraph in a Word heading style (Heading 1 ranks with
        "I.", Heading 2 with "1." …), for headings the writer did not number."""
        ppr = p.find(W_PPR)
        level = wval(ppr, "outlineLvl")
        outline = int(level) if level is not None and level.isdigit() else self.styles.outline_level(
            wval(ppr, "pStyle") or "")
        if outline is None or outline >= 9 or len(text.strip()) > HEADING_MAX_CHARS:
            return None
        return outline + 2

    def _marker(self, ppr: etree._Element | None, style: str) -> tuple[str, str]:
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = wval(num_pr, "numId")
        ilvl = wval(num_pr, "ilvl")
        if num_id is None:
            from_style = self.styles.numbering(style)
            if from_style is None:
                return "", ""
            num_id, style_ilvl = from_style
            ilvl = ilvl if ilvl is not None else style_ilvl
        return self.numbering.marker(num_id, number(ilvl, 0, 0, 8))

    def _inline(self, node: etree._Element, style: str, pieces: list[str], refs: list[NoteRef]) -> None:
        for child in node:
            tag = child.tag
            if tag == W_R:
                self._run(child, style, pieces, refs)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, style, pieces, refs)

    def _run(self, run: etree._Element, style: str, pieces: list[str], refs: list[NoteRef]) -> None:
        rpr = run.find(W_RPR)
        if is_on(rpr, "vanish"):
            return
        font = run_font(rpr) or self.styles.font(wval(rpr, "rStyle") or "", style)
        encoding = legacy_encoding(font)
        capitals = is_on(rpr, "caps")
        for child in run:
            tag = child.tag
            if tag == W_T:
                text = child.text or ""
                if encoding:
                    self.encodings.add(encoding)
                    text = to_unicode(text, encoding, capitals=is_capitals_font(font))
                pieces.append(text.upper() if capitals else text)
            elif tag in W_SPACES:
                pieces.append(" ")  # one line per paragraph: tabs and line breaks become spaces
            elif tag == W_NO_BREAK_HYPHEN:
                pieces.append("-")
            elif tag in (W_FOOTNOTE_REF, W_ENDNOTE_REF):
                kind = "footnote" if tag == W_FOOTNOTE_REF else "endnote"
                refs.append(NoteRef(kind, child.get(w("id"), ""), sum(map(len, pieces))))

    def note_text(self, note: etree._Element) -> str:
        """A footnote's or endnote's text: its paragraphs joined, the reference mark left out."""
        lines = []
        for p in note.iter(w("p")):
            text, _ = self.paragraph(p)
            lines.append(text.strip())
        return " ".join(line for line in lines if line)


def _text_boxes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """The text boxes anchored in a paragraph; a box drawn twice (DrawingML and its VML
    fallback inside mc:AlternateContent) is given once."""
    for box in paragraph.iter(W_TXBX):
        if any(a.tag == f"{{{MC_NS}}}Fallback" for a in box.iterancestors()):
            continue
        if any(a.tag == W_TXBX for a in box.iterancestors()):
            continue  # a box inside a box comes with its outer box
        yield box


def _body_items(body: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, looking inside content controls; the
    paragraphs of a text box follow the paragraph it is anchored in, so nothing is lost."""
    for child in body:
        tag = child.tag
        if tag == W_P:
            yield child
            for box in _text_boxes(child):
                yield from _body_items(box)
        elif tag in (W_TBL, W_ALTCHUNK):
            yield child
        elif tag in (W_SDT, W_CUSTOMXML):
            content = child.find(W_SDTCONTENT) if tag == W_SDT else child
            if content is not None:
                yield from _body_items(content)


def _grid(table: etree._Element, walker: _Walker) -> list[list[GridCell]]:
    """The table as a grid: gridSpan and vMerge cells repeat their text on the positions they cover."""
    grid: list[list[GridCell]] = []
    for tr in table.iter(w("tr")):
        if tr.getparent() is not table and tr.getparent().getparent() is not table:
            continue  # rows of a nested table belong to their own cell's text
        row: list[GridCell] = []
        trpr = tr.find(w("trPr"))
        row.extend(GridCell("", False) for _ in range(number(wval(trpr, "gridBefore"), 0, 0, MAX_COLUMNS)))
        for tc in tr.iter(w("tc")):
            if tc.getparent() is not tr and tc.getparent().getparent() is not tr:
                continue
            tcpr = tc.find(w("tcPr"))
            span = number(wval(tcpr, "gridSpan"), 1, 1, MAX_COLUMNS)
            merge = wval(tcpr, "vMerge")
            col = len(row)
            if merge is not None and merge != "restart" and grid and col < len(grid[-1]):
                above = grid[-1][col].text
                row.extend(GridCell(above, False, "above") for _ in range(span))
                continue
            texts = [walker.paragraph(p)[0].strip() for p in tc.iter(w("p"))]
            text = " ".join(t for t in texts if t)
            row.append(GridCell(text, True))
            row.extend(GridCell(text, False, "left") for _ in range(span - 1))
        grid.append(row)
    return grid


def _note_format(settings: etree._Element | None, kind: str) -> str:
    pr = settings.find(w(f"{kind}Pr")) if settings is not None else None
    return wval(pr, "numFmt") or ("decimal" if kind == "footnote" else "lowerRoman")


def _notes(root: etree._Element | None, kind: str) -> dict[str, etree._Element]:
    if root is None:
        return {}
    return {
        note.get(w("id"), ""): note
        for note in root.iter(w(kind))
        if note.get(w("type")) in (None, "normal")
    }


def _header_footer_lines(parts: Parts, walker: _Walker) -> list[str]:
    lines: list[str] = []
    for root in parts.headers_footers:
        for p in root.iter(w("p")):
            text = " ".join(canonical_text(walker.paragraph(p)[0]).split())
            if text and text not in lines:
                lines.append(text)
    return lines


_chunk_depth = [0]  # a .docx chunk may hold chunks of its own: followed this deep, no further
MAX_CHUNK_DEPTH = 2


def _chunk(parts: Parts, element: etree._Element, name: str) -> list[Item] | None:
    """The items of an altChunk element's part; None when its format is not read (the document is flagged)."""
    found = parts.chunks.get(element.get(f"{{{R_NS}}}id", ""))
    if found is None:
        return []
    content_type, blob = found
    return chunk_items(content_type, blob, lambda inner: _docx_items(inner, name))


def _docx_items(blob: bytes, name: str) -> list[Item]:
    """A .docx chunk's blocks as lines, after the same guards as a submitted .docx (read_docx)."""
    if _chunk_depth[0] >= MAX_CHUNK_DEPTH:
        return []
    _chunk_depth[0] += 1
    try:
        inner = read_docx(Path(name), blob, "")
    finally:
        _chunk_depth[0] -= 1
    return [("line", inner.text[b.start : b.end]) for b in inner.blocks if b.kind != "footnote"]


def read_docx(path: Path, raw: bytes, sha256: str, package: Package | None = None) -> Document:
    """A .docx report as canonical text: body lines, table cells where the table stands, notes last.
    `package` is the guarded, parsed package when the caller already opened it (read_document)."""
    parts = _open_parts(package or open_package(raw, path.name, active_limits()))
    walker = _Walker(parts.styles, ListNumbering(parts.numbering))
    out = TextAssembler()
    notes = {"footnote": _notes(parts.footnotes, "footnote"), "endnote": _notes(parts.endnotes, "endnote")}
    referenced: list[tuple[NoteRef, int, Block]] = []
    table_index = 0
    unread_chunks = 0
    for item in _body_items(parts.body):
        if item.tag == W_ALTCHUNK:
            items = _chunk(parts, item, path.name)
            unread_chunks += items is None
            for kind, content in items or []:
                if kind == "table":
                    table_index += 1
                    for text, cell in describe_cells(content, table_index):  # type: ignore[arg-type]
                        out.add(text, kind="table_cell", cell=cell)
                else:
                    out.add(content)  # type: ignore[arg-type]
            continue
        if item.tag == W_TBL:
            table_index += 1
            for text, cell in describe_cells(_grid(item, walker), table_index):
                out.add(text, kind="table_cell", cell=cell)
            continue
        text, refs = walker.paragraph(item)
        lead = len(text) - len(text.lstrip())
        block = out.add(text, heading_rank=walker.heading_rank(item, text))
        if block is None:
            continue
        for ref in refs:
            shown = len(canonical_text(text[lead : ref.position]))
            offset = block.start + min(shown, block.end - block.start)
            referenced.append((ref, offset, block))
    numbers = {"footnote": 0, "endnote": 0}
    for ref, offset, block in referenced:
        note = notes[ref.kind].get(ref.note_id)
        if note is None:
            continue
        numbers[ref.kind] += 1
        marker = format_number(numbers[ref.kind], _note_format(parts.settings, ref.kind))
        out.add(f"{marker} {walker.note_text(note)}", kind="footnote", footnote_marker=marker,
                footnote_ref=offset, section=block.section)
    flags = [f for e, f in ((TCVN3, FLAG_LEGACY_TCVN3), (VNI, FLAG_LEGACY_VNI)) if e in walker.encodings]
    if unread_chunks:
        flags.append(FLAG_PARTS_UNREAD)
    return Document(
        out.text(), out.blocks, path.name, "docx", sha256,
        encoding="+".join(sorted(walker.encodings)), flags=flags,
        headers_footers=_header_footer_lines(parts, walker),
    )
