"""Exports an officer hands in: figures.csv, consolidated.csv (long form) and consolidated.xlsx.

CSVs are UTF-8 with a BOM (Excel then shows Vietnamese correctly) and numbers are plain decimal
text with '.' as the decimal mark and no grouping, whatever the machine's locale. The workbook
(pipeline/workbook/) holds real numbers formatted `#,##0`, shown as 1.234.567 in a Vietnamese locale.
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.cells import stream
from pipeline.cells.figures_file import WHOLE, Range, document_ranges, write_figures_csv
from pipeline.cells.lines_file import LinesFile
from pipeline.cells.unit_names import unit_names
from pipeline.export_lists import LIST_PARTS, WRITTEN_APART, list_sheets_part
from pipeline.figure import decimal_text
from pipeline.normalise.catalogue import store_catalogue
from pipeline.safe_cells import FORMULA_STARTS, csv_safe
from pipeline.store.api import Store
from pipeline.store.cells_schema import VARIANTS
from pipeline.store.schema import documents
from pipeline.workbook import WorkbookWriter
from pipeline.workbook.list_sheets import Spool
from pipeline.workbook.names import period_order

CSV_ENCODING = "utf-8-sig"  # the BOM tells Excel the file is UTF-8
FORMULA_FIRST = frozenset(c[0] for c in FORMULA_STARTS)
SMALL = 10**15  # numbers below this are within pipeline.bounds without asking
PARALLEL_FROM = 20_000  # figures from which figures.csv and the long lists get processes of their own
FIGURE_PARTS = 2  # processes writing figures.csv side by side (it is the export's longest part)
CONSOLIDATED_CSV_FIELDS = (
    "row_type",
    "period",
    "reporting_unit",
    "level",
    "indicator_code",
    "indicator_name",
    "kind",
    "unit",
    "per",
    "modality",
    "value",
    "approx",
    "upper",
    "shown",
    "combine",
    "figures",
    "unreviewed",
    "documents",
    "note",
)


def plain(value: Any) -> Any:
    """CSV cell text: decimals without exponent or grouping, missing values empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():  # a page number pandas turned into 3.0
        return str(int(value))
    return value


def csv_cell(value: Any) -> Any:
    """`plain(csv_safe(value))` by the value's type: text costs one look at its first character,
    a number one comparison with the bound (figures.csv holds millions of cells)."""
    kind = type(value)
    if kind is str:
        return csv_safe(value) if value[:1] in FORMULA_FIRST else value
    if value is None:
        return ""
    if kind is bool:
        return "1" if value else "0"
    if kind is int:
        return value if -SMALL < value < SMALL else plain(csv_safe(value))
    if kind is float and -SMALL < value < SMALL:  # NaN fails the comparison
        return str(int(value)) if value.is_integer() else value
    if kind is Decimal and value.is_finite() and -SMALL < value < SMALL:
        return decimal_text(value)
    return plain(csv_safe(value))


class CsvFile:
    """A CSV Excel opens correctly: UTF-8 with BOM, CRLF, every field quoted only when needed."""

    def __init__(self, path: Path, fields: tuple[str, ...] | list[str]) -> None:
        self.path, self.fields = path, list(fields)

    def __enter__(self) -> CsvFile:
        self.handle = self.path.open("w", encoding=CSV_ENCODING, newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(self.fields)
        return self

    def write(self, row: dict[str, Any]) -> None:
        """One row from a dict; fields it lacks are empty."""
        first = FORMULA_FIRST
        self.writer.writerow(
            [v if type(v) is str and v[:1] not in first else csv_cell(v) for v in map(row.get, self.fields)]
        )

    def __exit__(self, *_: object) -> None:
        self.handle.close()


def write_csv(path: Path, fields: tuple[str, ...] | list[str], rows: Iterable[dict[str, Any]]) -> Path:
    """Every row of `rows` into a new CSV."""
    with CsvFile(path, fields) as out:
        for row in rows:
            out.write(row)
    return path


def export_all(
    store: Store,
    out: Path | str,
    *,
    reviewed_only: bool = False,
    as_of: date | None = None,
    jobs: int | None = None,
) -> dict[str, Path]:
    """Write the three files into `out` from the store's consolidated cells (pipeline.cells, kept
    current incrementally), streamed: a period and an indicator at a time, figures in chunks, so
    memory does not grow with the store. Returns the paths by name. `as_of` shows old units as the
    units they had become by that date (pipeline/successors.py). With `jobs` 2 (the default for a
    large store in a file or on a server) figures.csv (in FIGURE_PARTS ranges of documents) and
    the workbook's long list sheets (in LIST_PARTS) are written meanwhile by processes of their
    own; the files are the same either way."""
    from pipeline.cells.refresh import refresh

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    refresh(store)
    names = {code: indicator.name for code, indicator in store_catalogue(store).by_code().items()}
    paths = {name: out / name for name in ("figures.csv", "consolidated.csv", "consolidated.xlsx")}
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    with store._read() as conn:
        periods = sorted(stream.periods(conn, variant), key=period_order)
    book = WorkbookWriter(paths["consolidated.xlsx"])
    taken = book.reserve(periods)
    url, lines_path = store.engine.url, paths["consolidated.csv"]
    with tempfile.TemporaryDirectory(prefix="tonghop-export-") as spool:
        if (jobs or auto_jobs(store)) > 1 and url.database not in (None, "", ":memory:"):
            address = url.render_as_string(hide_password=False)
            with store._read() as conn:
                ranges = document_ranges(conn, FIGURE_PARTS)
            later = [Path(spool) / f"figures-{i}.csv" for i in range(1, len(ranges))]
            pieces = [paths["figures.csv"], *later]
            with ProcessPoolExecutor(len(ranges) + len(LIST_PARTS), mp_context=worker_processes()) as pool:
                figures_done = [
                    pool.submit(figures_csv, address, piece, names, reviewed_only, documents_in)
                    for piece, documents_in in zip(pieces, ranges, strict=True)
                ]
                lists_done = [
                    pool.submit(list_sheets_part, address, folder, reviewed_only, taken, book.exported, group)
                    for folder, group in zip(list_spools(spool), LIST_PARTS, strict=True)
                ]
                consolidated_files(store, book, periods, lines_path, names, reviewed_only, as_of)
                for done in figures_done:
                    done.result()
                parts = [done.result() for done in lists_done]
            append_files(pieces[0], pieces[1:])
        else:
            figures_csv(store, paths["figures.csv"], names, reviewed_only)
            consolidated_files(store, book, periods, lines_path, names, reviewed_only, as_of)
            parts = [
                list_sheets_part(store, folder, reviewed_only, taken, book.exported, group)
                for folder, group in zip(list_spools(spool), LIST_PARTS, strict=True)
            ]
        book.close(parts)
    return paths


def list_spools(spool: str) -> list[Path]:
    """A folder of its own under `spool` for each list part's files."""
    folders = [Path(spool) / f"lists-{number}" for number in range(len(LIST_PARTS))]
    for folder in folders:
        folder.mkdir()
    return folders


def worker_processes() -> multiprocessing.context.BaseContext:
    """Fresh processes: none holds a connection of this one. (Forked from a server that imported
    the export once, they would skip ~2 s of imports each, but the export took 136 s at 100,000
    reports that way against 119 s spawned: measured once each, 1 Dec 2026.)"""
    return multiprocessing.get_context("spawn")


def auto_jobs(store: Store) -> int:
    """Two processes when there are two cores and figures enough to repay starting one (~1 s)."""
    if (os.cpu_count() or 1) < 2:
        return 1
    query = sa.select(sa.func.coalesce(sa.func.sum(documents.c.figure_count), 0)).where(
        documents.c.status == "loaded"
    )
    with store._read() as conn:
        held = conn.execute(query).scalar_one()
    return 2 if held >= PARALLEL_FROM else 1


def figures_csv(
    store: Store | str, path: Path, names: dict[str, str], reviewed_only: bool, documents_in: Range = WHOLE
) -> Path:
    """figures.csv streamed from the store (or from a store URL, in a process of its own); with
    `documents_in` a later range, the piece of it to append (no header, no BOM)."""
    from pipeline.store import open_store

    # in a process of its own: the exporting process has brought the schema up to date already
    opened = open_store(store, migrate=False) if isinstance(store, str) else store
    encoding = CSV_ENCODING if documents_in[0] is None else "utf-8"
    try:
        with opened._read() as conn:
            return write_figures_csv(conn, path, names, csv_cell, encoding, reviewed_only, documents_in)
    finally:
        if opened is not store:
            opened.close()


def append_files(path: Path, pieces: list[Path]) -> None:
    """The pieces' bytes after `path`'s, in order."""
    with path.open("ab") as out:
        for piece in pieces:
            with piece.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)


def consolidated_files(
    store: Store,
    book: WorkbookWriter,
    periods: list[str],
    lines_path: Path,
    names: dict[str, str],
    reviewed_only: bool,
    as_of: date | None,
) -> None:
    """consolidated.csv and the workbook's period sheets in one pass over the stored cells, and
    the list sheet that pass finds (targets beside results); the other list sheets get their
    places (pipeline/export_lists.py writes them)."""
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    targets = Spool()
    lines_file = LinesFile(lines_path, CONSOLIDATED_CSV_FIELDS, csv_cell, CSV_ENCODING)
    with store._read() as conn, lines_file as lines_csv:
        units = unit_names(conn, variant)
        conflicted = stream.total_conflict_keys(conn, variant, units)
        for period in periods:
            columns = stream.period_units(conn, variant, period, units, as_of)
            levels = stream.total_levels(conn, variant, period, (level for level, _unit in columns))
            sheet = book.period(period, columns, levels)
            for lines in stream.indicator_lines(conn, variant, period, units, names, as_of):
                for keys, row_lines in stream.sheet_rows(lines):
                    totals = stream.row_totals(row_lines)
                    sheet.row(keys, row_lines, totals, conflicted)
                    for line in row_lines:
                        lines_csv.write("unit", line)
                    for level, (value, count) in totals.items():
                        lines_csv.write("total", total_row(row_lines[0], level, value, count))
                for target in stream.targets_vs_actuals(lines):
                    targets.add(target)
    book.lists({"Kế hoạch - Thực hiện": targets}, elsewhere=WRITTEN_APART)


TOTAL_KEYS = ("period", "indicator_code", "indicator_name", "kind", "unit", "per", "modality")
TOTAL_EMPTY = dict.fromkeys(CONSOLIDATED_CSV_FIELDS[1:])  # a total has no approx, note, documents …


def total_row(line: dict[str, Any], level: str, value: Decimal, units: int) -> dict[str, Any]:
    """consolidated.csv's row (after its type) of a line's total across the units of one level."""
    return {
        **TOTAL_EMPTY,
        **{k: line[k] for k in TOTAL_KEYS},
        "level": level,
        "value": value,
        "reporting_unit": f"Tổng cộng {level} ({units} đơn vị)".replace("  ", " "),
    }
