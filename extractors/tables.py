"""Figures in table cells: a bare number takes its meaning from the row and column headers."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from extractors.context.vi.rules import cues
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import grammar
from extractors.percent.vi.rules import table_header_units
from extractors.quantity.vi.rules import unit_after
from pipeline.document import Document

UNIT_IN_HEADER = re.compile(r"\(([^()]{1,30})\)\s*$")


def table_figure(document: Document, start: int, end: int, value: Decimal) -> tuple | None:
    """(kind, value, unit, rule, confidence) for a bare number filling a table cell, else None."""
    if not document.blocks:
        return None
    block = document.block_at(start)
    if block is None or block.cell is None or block.kind != "table_cell":
        return None
    cell = block.cell
    if cues().row_number_re.match(cell.col_header or "") or cell.col == 0:
        return None
    if document.text[block.start : block.end].strip() != document.text[start:end].strip():
        return None  # only a cell that holds just the number
    unit = cell.unit or _header_unit(cell.col_header) or _header_unit(cell.row_header)
    unit_text = unit.strip()
    if unit_text.lower() in table_header_units():
        return "percent", value, "%", "table.percent_cell", 0.85
    probe = " " + unit_text
    scale = Decimal(1)
    for word, mult in grammar().scales.items():
        if probe.lower().lstrip().startswith(word):
            scale, probe = mult, probe.lstrip()[len(word) :]
            break
    if cur := currency_after(probe, 0):
        return "money", value * scale, cur[0], "table.money_cell", 0.85
    if qty := unit_after(probe, 0):
        return "quantity", value, qty[0], "table.quantity_cell", 0.8
    return "count", value, unit_text.lower(), "table.count_cell", 0.75


def _header_unit(header: str) -> str:
    """"Số tiền (triệu đồng)" → "triệu đồng"; "Số hộ" → "hộ"."""
    if not header:
        return ""
    m = UNIT_IN_HEADER.search(header)
    if m:
        return m.group(1)
    m = count_header_re().match(header)
    return m.group(1) if m else ""


@lru_cache(maxsize=1)
def count_header_re() -> re.Pattern[str]:
    """"Số hộ": a header naming the noun its cells count, prefixes from count/vi/lexicon.yaml."""
    prefixes = alternation(load_yaml("count", "lexicon.yaml")["header_count_prefixes"])
    return re.compile(rf"(?i)^\s*(?:{prefixes})\s+(.+)$")
