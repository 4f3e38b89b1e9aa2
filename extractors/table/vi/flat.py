"""A table flattened one cell per line (PDF text, pasted tables): a number alone on its line takes
its unit and indicator from the lines just above ("Số hộ nghèo / hộ / 120", "Kinh phí (triệu đồng) / 350")."""

from __future__ import annotations

from decimal import Decimal

from extractors.context.vi.rules import cues
from extractors.count.vi.rules import lexicon as noun_lexicon
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import grammar
from extractors.percent.vi.rules import table_header_units
from extractors.quantity.vi.rules import unit_after
from extractors.tables import UNIT_IN_HEADER, count_header_re

Reading = tuple[str, Decimal, str, str]  # kind, value, unit, indicator


def _line_before(text: str, start: int) -> tuple[int, str]:
    """(start, stripped text) of the last non-empty line ending before offset start."""
    end = start
    while end > 0:
        line_start = text.rfind("\n", 0, end - 1) + 1
        line = text[line_start : end].strip()
        if line:
            return line_start, line
        end = line_start
    return 0, ""


def _unit_reading(unit: str, value: Decimal) -> tuple[str, Decimal, str] | None:
    """(kind, value, unit) for a unit cell: "%", "triệu đồng", "tấn", a listed counted noun."""
    written = unit.strip().rstrip(".:").strip()
    lower = written.lower()
    if not written:
        return None
    if lower in table_header_units():
        return "percent", value, "%"
    for form in (written, lower):  # "Tr.đ", "trđ", "USD": a currency word that carries its scale
        if (cur := currency_after(" " + form, 0)) and cur.end == len(form) + 1:
            return "money", value * cur.factor, cur.code
    probe, scale = " " + written, Decimal(1)
    for word, mult in grammar().scales.items():
        if lower.startswith(word) and (len(lower) == len(word) or not lower[len(word)].isalpha()):
            probe, scale = " " + written[len(word) :].lstrip(), mult
            break
    if (cur := currency_after(probe, 0)) and cur.end == len(probe.rstrip()):
        return "money", value * scale * cur.factor, cur.code
    if (qty := unit_after(probe, 0)) and qty[1] == len(probe.rstrip()) and scale == 1:
        return "quantity", value, qty[0]
    if scale == 1 and lower in noun_lexicon().roles:
        return "count", value, lower
    return None


def flat_cell(text: str, start: int, end: int, value: Decimal) -> Reading | None:
    """The reading of a number alone on its line in a flattened table, else None."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return None  # not alone on its line
    unit_start, above = _line_before(text, line_start)
    if not above or above[0].isdigit():
        return None
    if reading := _unit_reading(above, value):  # "… / Số hộ nghèo / hộ / 120": a unit column
        _, label = _line_before(text, unit_start)
        if label and not label[0].isdigit() and not cues().row_number_re.match(label):
            return (*reading, label)
        return None
    if m := UNIT_IN_HEADER.search(above):  # "Kinh phí hỗ trợ (triệu đồng) / 350"
        if reading := _unit_reading(m.group(1), value):
            return (*reading, above[: m.start()].strip())
        return None
    if m := count_header_re().match(above):  # "Số hộ nghèo / 120"
        return "count", value, m.group(1).strip().lower(), above
    return None
