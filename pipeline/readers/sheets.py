"""What every workbook reader shares: a sheet's texts and merges as a grid, the grid as table cells.

.xlsx (openpyxl) and .xls (xlrd) differ only in how a cell's value and format are read; once each
sheet is a grid of texts with its merged ranges, both become the same blocks a Word table gives,
so "phụ lục số liệu" is read by the same table rules whatever Excel saved it as.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.readers.assemble import TextAssembler
from pipeline.readers.tables import GridCell, describe_cells

MAX_CELLS = 200_000  # cells in one workbook; a real appendix has a few thousand
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


def workbook_document(
    path: Path, sha256: str, fmt: str, sheets: Iterable[tuple[str, list[list[GridCell]]]]
) -> Document:
    """A workbook as canonical text: per non-empty sheet, its name, its title rows, then its cells
    with their row and column headers."""
    out = TextAssembler()
    table_index = 0
    for title, grid in sheets:
        if not grid:
            continue
        out.add(title)
        while len(grid) > 1 and is_title(grid[0]):  # "Kết quả … năm 2024" merged across the top
            out.add(grid.pop(0)[0].text)
        table_index += 1
        for text, cell in describe_cells(grid, table_index):
            out.add(text, kind="table_cell", cell=cell)
    if not out.blocks:
        raise DocumentRejected("E012_NO_TEXT", path.name, "every sheet is empty")
    return Document(out.text(), out.blocks, path.name, fmt, sha256)


def is_title(row: list[GridCell]) -> bool:
    """A row that holds one text only, alone or merged across: the table's title, not its header."""
    return sum(1 for cell in row if cell.origin and cell.text) == 1 and all(
        not cell.text or cell.merged == "left" or cell is row[0] for cell in row) and bool(row[0].text)


def grid_of(rows: list[list[str]], merges: Iterable[Merge]) -> list[list[GridCell]]:
    """A sheet's texts as a grid, merged cells repeated over what they cover, empty edge rows and
    columns dropped."""
    merged: dict[tuple[int, int], tuple[str, str]] = {}
    for first_row, first_col, last_row, last_col in merges:
        origin = rows[first_row] if first_row < len(rows) else []
        text = origin[first_col] if first_col < len(origin) else ""
        for r in range(first_row, last_row + 1):
            for c in range(first_col, last_col + 1):
                if (r, c) != (first_row, first_col):
                    merged[(r, c)] = (text, "left" if r == first_row else "above")
    grid = [
        [GridCell(merged[(r, c)][0], False, merged[(r, c)][1]) if (r, c) in merged else GridCell(text)
         for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    keep_rows = [r for r, row in enumerate(grid) if any(cell.text for cell in row)]
    if not keep_rows:
        return []
    keep_cols = [c for c in range(max(len(row) for row in grid)) if any(
        c < len(row) and row[c].text for row in grid)]
    return [[grid[r][c] if c < len(grid[r]) else GridCell("", False) for c in keep_cols] for r in keep_rows]


def vietnamese_number(value: float) -> str:
    """1500000 → 1.500.000, 8.25 → 8,25 (dots group thousands, a comma marks decimals)."""
    rounded = round(value, 6)
    whole, _, fraction = f"{abs(rounded):.6f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
