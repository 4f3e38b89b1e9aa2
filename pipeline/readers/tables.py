"""Table cells with the headers and unit that give their numbers a meaning (docx and pdf alike)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.document import TableCell

DATA = Path(__file__).parent / "data" / "tables.yaml"


@dataclass(frozen=True, slots=True)
class GridCell:
    """One grid position; a merged cell's text is repeated on the positions it covers (origin=False)."""

    text: str
    origin: bool = True
    merged: str = ""  # covered positions: "left" (gridSpan, colspan) or "above" (vMerge, rowspan)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace(".", "").split()).casefold()


@cache
def _rules() -> tuple[frozenset[str], re.Pattern[str], frozenset[str]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    headers = frozenset(_fold(h) for h in data["unit_column_headers"])
    limit = int(data["unit_in_parentheses_max_chars"])
    sequence = frozenset(_fold(h) for h in data["sequence_column_headers"])
    return headers, re.compile(r"\(([^()]{1,%d})\)\s*$".replace("%d", str(limit))), sequence


def is_unit_header(header: str) -> bool:
    """"ĐVT", "Đơn vị tính": the column holds each row's unit, never a figure."""
    return _fold(header) in _rules()[0]


def _unit_column(header_row: list[GridCell]) -> int | None:
    headers = _rules()[0]
    for col, cell in enumerate(header_row):
        if _fold(cell.text) in headers:
            return col
    return None


def _header_rows(rows: list[list[GridCell]]) -> int:
    """Rows 0..n-1 are headers: row 0, plus rows under it that continue its vertically merged cells."""
    count = 1
    while count < len(rows) - 1:
        row = rows[count]
        continues = any(cell.merged == "above" for cell in row)
        numeric = any(cell.origin and re.search(r"\d", cell.text) for cell in row)
        spans_above = any(cell.merged == "left" for cell in rows[count - 1])
        if not (continues and spans_above and not numeric):
            break
        count += 1
    return count


def _row_header_column(header: list[GridCell]) -> int:
    sequence = _rules()[2]
    col = 0
    while col < len(header) - 1 and _fold(header[col].text) in sequence:
        col += 1
    return col


def _clean(text: str) -> str:
    return " ".join(text.split())


def describe_cells(grid: list[list[GridCell]], table: int) -> list[tuple[str, TableCell]]:
    """Each origin cell with text, row-major, with its row header (the first column that is not
    a "STT" column), column header (the header rows' texts, " > "-joined when two rows) and unit
    (the row's "ĐVT" cell, else a short parenthesis ending a header)."""
    if not grid:
        return []
    width = max(len(row) for row in grid)
    rows = [row + [GridCell("", False)] * (width - len(row)) for row in grid]
    heads = _header_rows(rows)
    unit_col = _unit_column(rows[0])
    label_col = _row_header_column(rows[0])
    in_parens = _rules()[1]
    cells = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            text = _clean(cell.text)
            if not cell.origin or not text:
                continue
            if r < heads:
                cells.append((text, TableCell(table, r, c)))
                continue
            row_header = _clean(row[label_col].text) if c != label_col else ""
            titles: list[str] = []
            for h in range(heads):
                title = _clean(rows[h][c].text)
                if title and title not in titles:
                    titles.append(title)
            col_header = " > ".join(titles)
            if c == unit_col:
                cells.append((text, TableCell(table, r, c, row_header, col_header)))
                continue
            unit = _clean(row[unit_col].text) if unit_col is not None else ""
            if not unit:
                for header in (titles[-1] if titles else "", row_header if unit_col is None else ""):
                    found = in_parens.search(header)
                    if found:
                        unit = found.group(1).strip()
                        break
            cells.append((text, TableCell(table, r, c, row_header, col_header, unit)))
    return cells
