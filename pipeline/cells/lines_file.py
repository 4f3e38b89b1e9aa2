"""consolidated.csv written a line at a time as one finished string: a province's year holds a
million lines, and `csv.writer` over a dict of each (pipeline.export.CsvFile, the reference that
tests/test_export_fast.py compares this with) cost about 60 µs a line. Each field is looked up in a
table of finished CSV fields (pipeline/cells/csv_text.py) or, for a free text, checked by str's scans."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from pipeline.cells.csv_text import Table, field_text, free_text

FREE_TEXT = frozenset({"documents", "note"})  # fields whose values hardly repeat
NUMBERS = frozenset({"value", "upper", "figures", "unreviewed"})  # kept apart from the words: 1 ≠ "1"
FLUSH = 2000  # lines kept before they are written


class LinesFile:
    """A CSV whose first field is the row's type and the others a line's fields, byte for byte
    what `CsvFile` writes of the same dict (UTF-8 BOM, CRLF, minimal quoting)."""

    def __init__(self, path: Path, fields: Sequence[str], cell: Callable[[Any], Any], encoding: str) -> None:
        self.path, self.fields, self.encoding = path, list(fields), encoding
        field = field_text(cell)
        words, numbers, free = Table(field), Table(field), free_text(field)
        table = {name: numbers if name in NUMBERS else words for name in self.fields}
        self.first = words.__getitem__
        rest = self.fields[1:]
        self.pick = itemgetter(*rest) if len(rest) > 1 else lambda line: (line[rest[0]],)
        self.makers = [free if name in FREE_TEXT else table[name].__getitem__ for name in rest]
        self.lines: list[str] = []

    def __enter__(self) -> LinesFile:
        self.handle = self.path.open("w", encoding=self.encoding, newline="")
        csv.writer(self.handle).writerow(self.fields)
        return self

    def write(self, kind: str, line: dict[str, Any]) -> None:
        """One row: `kind` in the first field, the line's own in the others (it has every one)."""
        made = [make(value) for make, value in zip(self.makers, self.pick(line), strict=True)]
        self.lines.append(f"{self.first(kind)},{','.join(made)}\r\n")
        if len(self.lines) >= FLUSH:
            self._flush()

    def _flush(self) -> None:
        self.handle.write("".join(self.lines))
        self.lines = []

    def __exit__(self, *_: object) -> None:
        self._flush()
        self.handle.close()
