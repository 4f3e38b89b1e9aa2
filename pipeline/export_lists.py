"""The workbook's long list sheets (sources, conflicts, breakdowns, missing units, unclassified
figures), written by books of their own (LIST_PARTS), each in a process of its own when the store
is large: at a province's scale they are half the workbook's rows and would otherwise wait for the
period sheets (pipeline/export.py takes them into consolidated.xlsx when it closes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.cells import stream
from pipeline.cells.attention import not_reported
from pipeline.cells.unclassified import unclassified_count, unclassified_rows
from pipeline.cells.unit_names import unit_names
from pipeline.store.api import Store
from pipeline.store.cells_schema import VARIANTS
from pipeline.workbook.book import list_part
from pipeline.workbook.list_sheets import Counted
from pipeline.workbook.xlsx import Part

# Written apart, in two parts (two processes when the store is large): the unclassified figures
# alone are as many rows as the other lists together at a province's scale (577,000 of 850,000).
LIST_PARTS = (
    ("Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn", "Chưa báo cáo"),
    ("Chưa phân loại",),
)
WRITTEN_APART = tuple(name for names in LIST_PARTS for name in names)


def list_sheets_part(
    store: Store | str,
    spool: Path,
    reviewed_only: bool,
    taken: set[str],
    exported: date,
    names: tuple[str, ...] = WRITTEN_APART,
) -> Part:
    """The `names` sheets (of WRITTEN_APART) from the store (or a store URL, in a process of its
    own), their rows in files under `spool`; `taken` the sheet names already used."""
    from pipeline.store import open_store

    # in a process of its own: the exporting process has brought the schema up to date already
    opened = open_store(store, migrate=False) if isinstance(store, str) else store
    try:
        with opened._read() as conn:
            # the rows are a temporary: a cursor left open at a list's end closes here, in the transaction
            return list_part(spool, list_rows(opened, conn, reviewed_only, names), set(taken), exported)
    finally:
        if opened is not store:
            opened.close()


def list_rows(
    store: Store, conn: sa.Connection, reviewed_only: bool, names: tuple[str, ...] = WRITTEN_APART
) -> dict[str, Iterable[Any]]:
    """Each of the `names` sheets' rows, streamed from the store."""
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    named = {"Mâu thuẫn", "Chi tiết theo địa bàn"} & set(names)  # the lists that show units by name
    units = unit_names(conn, variant) if named else {}
    rows: dict[str, Callable[[], Iterable[Any]]] = {  # made only for the sheets asked for
        "Nguồn": lambda: Counted(stream.source_count(conn), stream.sources(conn)),
        "Mâu thuẫn": lambda: chain(
            stream.cell_conflicts(conn, variant, units), stream.total_conflicts(conn, variant, units)
        ),
        "Chi tiết theo địa bàn": lambda: stream.breakdowns(conn, variant, units),
        "Chưa báo cáo": lambda: not_reported(store, store.expected_units()),
        "Chưa phân loại": lambda: Counted(
            unclassified_count(conn, reviewed_only), unclassified_rows(conn, reviewed_only)
        ),
    }
    return {name: rows[name]() for name in names}
