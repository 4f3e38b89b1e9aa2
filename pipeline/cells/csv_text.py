"""CSV fields made as finished text, byte for byte what `csv.writer` writes for the exporter's cell
rule (pipeline.export.csv_cell), for files of millions of lines: a value from a small vocabulary
(a period, a kind, a unit, a number's text …) is made once and looked up after that
(`Table`); a free text is checked with str's fast scans (`free_text`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.safe_cells import FORMULA_STARTS

TABLE_LIMIT = 100_000  # finished fields a table keeps before it starts again (memory stays bounded)
FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)


class Table(dict):
    """What `make` gives for each raw value (here mostly a finished CSV field), made the first time
    the value is looked up (most repeat); it starts again when full, so memory stays bounded."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> Any:
        if len(self) >= TABLE_LIMIT:
            self.clear()
        made = self[value] = self.make(value)
        return made


def field_text(cell: Callable[[Any], Any]) -> Callable[[Any], str]:
    """One value's CSV text as `csv.writer` writes `cell(value)`: None empty, other values by str,
    quoted (inner quotes doubled) when they hold a comma, a quote or a line break."""

    def text(value: Any) -> str:
        shown = cell(value)
        if shown is None:
            return ""
        shown = shown if type(shown) is str else str(shown)
        if '"' in shown or "," in shown or "\n" in shown or "\r" in shown:
            return '"' + shown.replace('"', '""') + '"'
        return shown

    return text


def free_text(field: Callable[[Any], str]) -> Callable[[Any], str]:
    """A free text's field (a quote, a sentence, a note): most need no guard and only csv's
    quoting; anything else goes through `field`."""

    def text(value: Any) -> str:
        if type(value) is not str:
            return field(value)
        if value[:1] in FORMULA_FIRST:
            if value[1:2] != " ":  # "-5" may be a number the exporter wrote: csv_safe decides
                return field(value)
            value = "'" + value  # "- Vận động …" is no number (none has a space after its sign)
        if '"' in value:
            return '"' + value.replace('"', '""') + '"'
        if "," in value or "\n" in value or "\r" in value:
            return '"' + value + '"'
        return value

    return text
