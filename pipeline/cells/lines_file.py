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

FREE_TEXT = ("documents", "note")  # the last fields, whose values hardly repeat: checked, never kept
FLUSH = 2000  # lines kept before they are written


class LinesFile:
    """A CSV whose first field is the row's type and the others a line's fields, byte for byte
    what `CsvFile` writes of the same dict (UTF-8 BOM, CRLF, minimal quoting)."""

    def __init__(self, path: Path, fields: Sequence[str], cell: Callable[[Any], Any], encoding: str) -> None:
        self.path, self.fields, self.encoding = path, list(fields), encoding
        field = field_text(cell)
        # one table for every repeating value: equal values are one CSV text (1, 1.0, Decimal("1.00"))
        self.known = Table(field).__getitem__
        self.free = free_text(field)
        rest = self.fields[1:]
        kept = [name for name in rest if name not in FREE_TEXT]
        if rest[len(kept):] != [name for name in rest if name in FREE_TEXT]:
            raise ValueError(f"the free-text fields {FREE_TEXT} must come last")
        self.pick_kept, self.pick_free = _picker(kept), _picker(rest[len(kept):])
        self.lines: list[str] = []

    def __enter__(self) -> LinesFile:
        self.handle = self.path.open("w", encoding=self.encoding, newline="")
        csv.writer(self.handle).writerow(self.fields)
        return self

    def write(self, kind: str, line: dict[str, Any]) -> None:
        """One row: `kind` in the first field, the line's own in the others (it has every one)."""
        kept = ",".join(map(self.known, self.pick_kept(line)))
        free = "".join("," + self.free(value) for value in self.pick_free(line))
        self.lines.append(f"{self.known(kind)},{kept}{free}\r\n")
        if len(self.lines) >= FLUSH:
            self._flush()

    def _flush(self) -> None:
        self.handle.write("".join(self.lines))
        self.lines = []

    def __exit__(self, *_: object) -> None:
        self._flush()
        self.handle.close()


def _picker(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The values of `names` in a dict, always as a tuple."""
    if len(names) == 1:
        return lambda line: (line[names[0]],)
    return itemgetter(*names) if names else lambda _line: ()
