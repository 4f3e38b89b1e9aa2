"""Lays a stored document out for the page: its blocks in order, tables as grids, figures as marks.

Only plain strings and figure dicts come out; the template escapes every character of the text,
so a document that contains `<script>` shows it as text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Piece:
    """A run of document text, marked when it is (part of) a figure's quote."""

    text: str
    figure: dict[str, Any] | None = None


@dataclass(slots=True)
class TextItem:
    kind: str  # heading | paragraph | list_item | footnote | table_cell
    pieces: list[Piece]
    level: int = 0
    section: str = ""


@dataclass(slots=True)
class TableItem:
    number: int
    rows: list[list[TextItem | None]] = field(default_factory=list)
    kind: str = "table"


@dataclass(slots=True)
class PageItem:
    page: int
    kind: str = "page"


Item = TextItem | TableItem | PageItem


class _FigureIndex:
    """Finds the figures that touch a character range, in text order, without rescanning them all."""

    def __init__(self, figures: list[dict[str, Any]]) -> None:
        self.figures = sorted(figures, key=lambda f: (f["char_start"], -f["char_end"]))
        self.starts = [f["char_start"] for f in self.figures]

    def pieces(self, text: str, start: int, end: int) -> list[Piece]:
        """`text[start:end]` cut into marked and unmarked runs; an overlapping figure is left unmarked."""
        out: list[Piece] = []
        cursor = start
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        for figure in self.figures[first : bisect.bisect_left(self.starts, end)]:
            f_start, f_end = max(figure["char_start"], start), min(figure["char_end"], end)
            if f_end <= f_start or f_start < cursor:
                continue
            if f_start > cursor:
                out.append(Piece(text[cursor:f_start]))
            out.append(Piece(text[f_start:f_end], figure))
            cursor = f_end
        if cursor < end:
            out.append(Piece(text[cursor:end]))
        return out


def _cell(block: dict[str, Any]) -> dict[str, Any]:
    return block.get("cell") or {}


def lay_out(text: str, blocks: list[dict[str, Any]], figures: list[dict[str, Any]]) -> list[Item]:
    """The document as items the template renders one after the other."""
    index = _FigureIndex(figures)
    if not blocks:  # a store row without blocks still shows its text, one paragraph a line
        blocks, offset = [], 0
        for line in text.split("\n"):
            if line.strip():
                blocks.append({"kind": "paragraph", "start": offset, "end": offset + len(line)})
            offset += len(line) + 1
    items: list[Item] = []
    cursor, page = 0, None
    table: TableItem | None = None
    for block in sorted(blocks, key=lambda b: b["start"]):
        start, end = block["start"], block["end"]
        if text[cursor:start].strip():  # text no block claims is still shown, never dropped
            items.append(TextItem("paragraph", index.pieces(text, cursor, start)))
            table = None
        if block.get("page") and block["page"] != page:
            page = block["page"]
            items.append(PageItem(page))
            table = None
        item = TextItem(
            block.get("kind", "paragraph"),
            index.pieces(text, start, end),
            level=block.get("level") or 0,
            section=" > ".join(block.get("section") or ()),
        )
        if block.get("kind") == "table_cell" and _cell(block):
            cell = _cell(block)
            if table is None or table.number != cell.get("table"):
                table = TableItem(cell.get("table", 0))
                items.append(table)
            row, col = cell.get("row", 0), cell.get("col", 0)
            while len(table.rows) <= row:
                table.rows.append([])
            cells = table.rows[row]
            while len(cells) <= col:
                cells.append(None)
            cells[col] = item
        else:
            items.append(item)
            table = None
        cursor = max(cursor, end)
    if text[cursor:].strip():
        items.append(TextItem("paragraph", index.pieces(text, cursor, len(text))))
    for item in items:  # square grids: every row as wide as the widest
        if isinstance(item, TableItem):
            width = max((len(r) for r in item.rows), default=0)
            for cells in item.rows:
                cells.extend([None] * (width - len(cells)))
    return items
