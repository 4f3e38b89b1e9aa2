"""Excel appendices (.xlsx): every sheet's table becomes table cells with row and column headers.

"Phụ lục số liệu" is often sent as a workbook. Each non-empty sheet is one table: its name becomes
a line (the table's title), its cells the same table-cell blocks a Word table gives, with merged
cells repeated over the positions they cover, so the same table rules read both (sheets.py).
Numbers are written as the reports write them (361.432.000; 8,2; 85%); formulas give their
cached values.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.readers.sheets import MAX_CELLS, grid_of, vietnamese_number, workbook_document
from pipeline.readers.tables import GridCell


def read_xlsx(path: Path, raw: bytes, sha256: str) -> Document:
    """A workbook as canonical text: per sheet, its name, then its cells with their headers."""
    try:
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise DocumentRejected("E005_CORRUPT", path.name, f"{type(error).__name__}: {error}") from None
    sheets = []
    cells = 0
    for sheet in book.worksheets:
        grid = _grid(sheet)
        cells += sum(len(row) for row in grid)
        if cells > MAX_CELLS:
            raise DocumentRejected("E006_TOO_LARGE", path.name, f"over {MAX_CELLS:,} cells")
        sheets.append((sheet.title, grid))
    return workbook_document(path, sha256, "xlsx", sheets)


def _grid(sheet: Any) -> list[list[GridCell]]:
    """The sheet's used range as a grid, empty edge rows and columns dropped, merges repeated."""
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    if len(rows) * max((len(r) for r in rows), default=0) > MAX_CELLS:
        raise DocumentRejected("E006_TOO_LARGE", sheet.title, f"over {MAX_CELLS:,} cells in one sheet")
    merges = [(b.min_row - 1, b.min_col - 1, b.max_row - 1, b.max_col - 1) for b in sheet.merged_cells.ranges]
    return grid_of(rows, merges)


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
