"""Excel 97-2003 appendices (.xls), read by xlrd the way xlsx.py reads .xlsx.

Communes still save "phụ lục số liệu" from old Excel. xlrd 2.x reads exactly this format (and
nothing else) and is maintained for it. Each sheet becomes a grid of texts with its merged
ranges (sheets.py), then the same table cells with row and column headers as a Word table;
numbers are written as reports write them, a percent format gives "85%".

Before xlrd builds any sheet, the workbook's records are counted: a file whose cells pass
MAX_CELLS is refused E006 from its record headers alone, so a sheet of millions of cells never
reaches memory. A truncated or damaged file is E005, a password-protected one E004.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.readers.sheets import MAX_CELLS, grid_of, vietnamese_number, workbook_document
from pipeline.readers.tables import GridCell

# BIFF record types that each hold one cell; MULRK and MULBLANK hold a run of them.
ONE_CELL = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
MULRK, MULBLANK = 0x00BD, 0x00BE


def read_xls(path: Path, raw: bytes, sha256: str) -> Document:
    """An .xls workbook as canonical text: per sheet, its name, then its cells with their headers."""
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=raw, formatting_info=True, on_demand=True, logfile=io.StringIO()
        )
    except xlrd.XLRDError as error:
        code = "E004_ENCRYPTED" if "encrypted" in str(error).lower() else "E005_CORRUPT"
        raise DocumentRejected(code, path.name, f"xls: {error}") from None
    except Exception as error:  # xlrd raises struct, index and assertion errors on a damaged file
        raise DocumentRejected("E005_CORRUPT", path.name, f"xls: {type(error).__name__}: {error}") from None
    try:
        cells = cell_records(book.mem, book.base, book.stream_len)
        if cells > MAX_CELLS:
            detail = f"over {MAX_CELLS:,} cells ({cells:,} or more)"
            raise DocumentRejected("E006_TOO_LARGE", path.name, detail)
        sheets = []
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
                sheets.append((sheet.name, _grid(book, sheet)))
            except DocumentRejected:
                raise
            except Exception as error:  # a damaged sheet stream
                detail = f"xls sheet {index + 1}: {type(error).__name__}: {error}"
                raise DocumentRejected("E005_CORRUPT", path.name, detail) from None
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return workbook_document(path, sha256, "xls", sheets)


def cell_records(stream: bytes, start: int, length: int) -> int:
    """How many cells the workbook stream's records hold, counted from their headers; stops
    counting past MAX_CELLS."""
    end = min(start + length, len(stream))
    position, cells = start, 0
    while position + 4 <= end and cells <= MAX_CELLS:
        kind, size = struct.unpack_from("<HH", stream, position)
        if kind in ONE_CELL:
            cells += 1
        elif kind == MULRK:
            cells += max(size - 6, 0) // 6
        elif kind == MULBLANK:
            cells += max(size - 6, 0) // 2
        position += 4 + size
    return cells


def _grid(book: Any, sheet: Any) -> list[list[GridCell]]:
    rows = [[cell_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
    merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    return grid_of(rows, merges)


def cell_text(book: Any, cell: Any) -> str:
    """A cell as a report would print it."""
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "có" if cell.value else "không"
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode).strftime("%d/%m/%Y")
        except (ValueError, OverflowError, xlrd.XLDateError):
            return vietnamese_number(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        if "%" in number_format(book, cell.xf_index):
            return vietnamese_number(cell.value * 100) + "%"
        return vietnamese_number(cell.value)
    return " ".join(str(cell.value).split())


def number_format(book: Any, xf_index: int | None) -> str:
    """The format string of a cell's XF record ("0%", "#,##0"), "" when the file has none."""
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str or ""
    except (IndexError, KeyError, TypeError, AttributeError):
        return ""
