"""Excel appendices (.xlsx): every sheet's table becomes table cells with row and column headers.

"Phụ lục số liệu" is often sent as a workbook. Each non-empty sheet is one table: its name becomes
a line (the table's title), its cells the same table-cell blocks a Word table gives, with merged
cells repeated over the positions they cover, so the same table rules read both. Numbers are
written as the reports write them (361.432.000; 8,2; 85%); formulas give their cached values.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.readers.assemble import TextAssembler
from pipeline.readers.tables import GridCell, describe_cells

MAX_CELLS = 200_000  # cells in one workbook; a real appendix has a few thousand


def read_xlsx(path: Path, raw: bytes, sha256: str) -> Document:
    """A workbook as canonical text: per sheet, its name, then its cells with their headers."""
    try:
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise DocumentRejected("E005_CORRUPT", path.name, f"{type(error).__name__}: {error}") from None
    out = TextAssembler()
    table_index = 0
    cells = 0
    for sheet in book.worksheets:
        grid = _grid(sheet)
        cells += sum(len(row) for row in grid)
        if cells > MAX_CELLS:
            raise DocumentRejected("E006_TOO_LARGE", path.name, f"over {MAX_CELLS:,} cells")
        if not grid:
            continue
        out.add(sheet.title)
        while len(grid) > 1 and _is_title(grid[0]):  # "Kết quả … năm 2024" merged across the top
            out.add(grid.pop(0)[0].text)
        table_index += 1
        for text, cell in describe_cells(grid, table_index):
            out.add(text, kind="table_cell", cell=cell)
    if not out.blocks:
        raise DocumentRejected("E012_NO_TEXT", path.name, "every sheet is empty")
    return Document(out.text(), out.blocks, path.name, "xlsx", sha256)


def _is_title(row: list[GridCell]) -> bool:
    """A row that holds one text only, alone or merged across: the table's title, not its header."""
    return sum(1 for cell in row if cell.origin and cell.text) == 1 and all(
        not cell.text or cell.merged == "left" or cell is row[0] for cell in row) and bool(row[0].text)


def _grid(sheet: Any) -> list[list[GridCell]]:
    """The sheet's used range as a grid, empty edge rows and columns dropped, merges repeated."""
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    if len(rows) * max((len(r) for r in rows), default=0) > MAX_CELLS:
        raise DocumentRejected("E006_TOO_LARGE", sheet.title, f"over {MAX_CELLS:,} cells in one sheet")
    merged: dict[tuple[int, int], tuple[str, str]] = {}
    for block in sheet.merged_cells.ranges:
        text = rows[block.min_row - 1][block.min_col - 1] if block.min_row <= len(rows) else ""
        for r in range(block.min_row, block.max_row + 1):
            for c in range(block.min_col, block.max_col + 1):
                if (r, c) != (block.min_row, block.min_col):
                    merged[(r - 1, c - 1)] = (text, "left" if r == block.min_row else "above")
    grid = [
        [GridCell(*merged[(r, c)][:1], False, merged[(r, c)][1]) if (r, c) in merged else GridCell(text)
         for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    keep_rows = [r for r, row in enumerate(grid) if any(cell.text for cell in row)]
    if not keep_rows:
        return []
    keep_cols = [c for c in range(max(len(row) for row in grid)) if any(
        c < len(row) and row[c].text for row in grid)]
    return [[grid[r][c] if c < len(grid[r]) else GridCell("", False) for c in keep_cols] for r in keep_rows]


def cell_text(cell: Any) -> str:
    """A cell as a report would print it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return vietnamese_number(value * 100) + "%"
        return vietnamese_number(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def vietnamese_number(value: float) -> str:
    """1500000 → 1.500.000, 8.25 → 8,25 (dots group thousands, a comma marks decimals)."""
    rounded = round(value, 6)
    whole, _, fraction = f"{abs(rounded):.6f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
