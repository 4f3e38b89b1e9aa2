"""Figures in table cells: a bare number takes its meaning from the row and column headers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from extractors.context.vi.rules import cues
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import grammar
from extractors.percent.vi.rules import table_header_units
from extractors.quantity.vi.rules import unit_after
from pipeline.document import Document
from pipeline.figure import Figure
from pipeline.readers.tables import is_unit_header

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
    if column_role(cell.col_header) == "percent_of_plan":  # "Tỷ lệ %": never money, whatever the ĐVT
        return "percent", value, "%", "table.percent_of_plan", 0.85
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


COLUMN_MODALITY = {"target": "target", "actual": "actual", "estimate": "estimate"}


@lru_cache(maxsize=1)
def _column_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    data = load_yaml("context", "table_columns.yaml")["columns"]
    return tuple((role, tuple(_fold_header(w) for w in words)) for role, words in data.items())


def _fold_header(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace(".", " ").split()).casefold()


@lru_cache(maxsize=512)
def column_role(col_header: str) -> str:
    """ "Kế hoạch" → target, "Thực hiện" → actual, "Ước" → estimate, "Tỷ lệ %" → percent_of_plan, else ""."""
    if not col_header:
        return ""
    last = _fold_header(col_header.split(" > ")[-1])
    for role, words in _column_words():
        for word in words:
            if (
                last == word
                or last.startswith(word + " ")
                or (not word[-1].isalnum() and last.startswith(word))
            ):
                return role
    return ""


def apply_table_columns(document: Document, figures: list[Figure]) -> list[Figure]:
    """A number under "Kế hoạch" is a target, under "Ước" an estimate, under "Thực hiện" an actual."""
    if not document.blocks:
        return figures
    kept = []
    for figure in figures:
        block = document.block_at(figure.char_start) if figure.table_cell is not None else None
        if block is None or block.cell is None:
            kept.append(figure)
            continue
        if is_unit_header(block.cell.col_header):
            continue  # "triệu đồng" in the ĐVT column scales its row, it is not an amount
        kept.append(figure)
        modality = COLUMN_MODALITY.get(column_role(block.cell.col_header))
        if modality and figure.modality != "change":
            figure.modality = modality  # type: ignore[assignment]
    return renumber(figures, kept)


def renumber(before: list[Figure], after: list[Figure]) -> list[Figure]:
    """Keep `part_of` pointing at the same totals once some figures were dropped."""
    if len(before) == len(after):
        return after
    position = {id(f): i for i, f in enumerate(after)}
    for figure in after:
        if figure.part_of is not None:
            total = before[figure.part_of] if 0 <= figure.part_of < len(before) else None
            figure.part_of = position.get(id(total)) if total is not None else None
    return after


def _header_unit(header: str) -> str:
    """ "Số tiền (triệu đồng)" → "triệu đồng"; "Số hộ" → "hộ"."""
    if not header:
        return ""
    m = UNIT_IN_HEADER.search(header)
    if m:
        return m.group(1)
    m = count_header_re().match(header)
    return m.group(1) if m else ""


@lru_cache(maxsize=1)
def count_header_re() -> re.Pattern[str]:
    """ "Số hộ": a header naming the noun its cells count, prefixes from count/vi/lexicon.yaml."""
    prefixes = alternation(load_yaml("count", "lexicon.yaml")["header_count_prefixes"])
    return re.compile(rf"(?i)^\s*(?:{prefixes})\s+(.+)$")
