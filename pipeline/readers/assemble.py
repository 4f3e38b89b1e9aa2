"""Turns a reader's lines into canonical text and blocks, the same way for every format."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.document import Block, BlockKind, TableCell, canonical_text
from pipeline.readers.headings import LineShape, SectionTracker, classify_line


@dataclass(slots=True)
class BlockMaker:
    """Gives each line its kind, numbering and section path while walking the document in order."""

    tracker: SectionTracker = field(default_factory=SectionTracker)

    def block(
        self,
        line: str,
        start: int,
        end: int,
        *,
        kind: BlockKind | None = None,
        page: int | None = None,
        cell: TableCell | None = None,
        footnote_marker: str = "",
        footnote_ref: int | None = None,
        section: tuple[str, ...] | None = None,
        heading_rank: int | None = None,
    ) -> Block:
        """One block over text[start:end]; `kind` forces table cells and footnotes, else the line
        decides; `heading_rank` makes an unnumbered line a heading (a .docx heading style)."""
        if kind is not None:
            return Block(
                kind, start, end, self.tracker.path() if section is None else section, page=page, cell=cell,
                footnote_marker=footnote_marker, footnote_ref=footnote_ref,
            )
        shape = classify_line(line)
        if shape.kind == "paragraph" and heading_rank is not None:
            shape = LineShape("heading", "", heading_rank)  # a Word heading style without a number
        if shape.kind == "heading":
            section, level = self.tracker.enter(shape, line)
            return Block("heading", start, end, section, shape.numbering, level, page=page)
        return Block(shape.kind, start, end, self.tracker.path(), shape.numbering, page=page)


@dataclass(slots=True)
class TextAssembler:
    """Collects lines (paragraphs, cells, footnotes) into one text, one line per block."""

    maker: BlockMaker = field(default_factory=BlockMaker)
    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    length: int = 0

    def add(self, line: str, **block_fields: object) -> Block | None:
        """Append a line (made NFC, single-line) and its block; blank lines make no block."""
        line = " ".join(canonical_text(line).split("\n")).strip()
        if not line:
            return None
        start = self.length
        self.parts.append(line + "\n")
        self.length += len(line) + 1
        confidence = block_fields.pop("ocr_confidence", None)
        ocr_lines = block_fields.pop("ocr_lines", None)
        block = self.maker.block(line, start, start + len(line), **block_fields)  # type: ignore[arg-type]
        block.ocr_confidence = confidence  # type: ignore[assignment]
        block.ocr_lines = ocr_lines  # type: ignore[assignment]
        self.blocks.append(block)
        return block

    def text(self) -> str:
        return "".join(self.parts)
