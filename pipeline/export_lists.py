"""The workbook's long list sheets (sources, conflicts, breakdowns, missing units, unclassified
figures), written by a book of their own, in a process of their own when the store is large:
at a province's scale they are half the workbook's rows and would otherwise wait for the
period sheets (pipeline/export.py takes them into consolidated.xlsx when it closes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.cells import stream
from pipeline.cells.attention import not_reported
from pipeline.cells.read import unit_names
from pipeline.cells.unclassified import unclassified_count, unclassified_rows
from pipeline.store.api import Store
from pipeline.store.cells_schema import VARIANTS
from pipeline.workbook.book import list_part
from pipeline.workbook.list_sheets import Counted
from pipeline.workbook.xlsx import Part

WRITTEN_APART = ("Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn", "Chưa báo cáo", "Chưa phân loại")


def list_sheets_part(
    store: Store | str, spool: Path, reviewed_only: bool, taken: set[str], exported: date
) -> Part:
    """The WRITTEN_APART sheets from the store (or a store URL, in a process of its own), their rows
    in files under `spool`; `taken` the sheet names already used."""
    from pipeline.store import open_store

    opened = open_store(store) if isinstance(store, str) else store
    try:
        with opened._read() as conn:
            # the rows are a temporary: a cursor left open at a list's end closes here, in the transaction
            return list_part(spool, list_rows(opened, conn, reviewed_only), set(taken), exported)
    finally:
        if opened is not store:
            opened.close()


def list_rows(store: Store, conn: sa.Connection, reviewed_only: bool) -> dict[str, Iterable[Any]]:
    """Each WRITTEN_APART sheet's rows, streamed from the store."""
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    units = unit_names(conn, variant)
    return {
        "Nguồn": Counted(stream.source_count(conn), stream.sources(conn)),
        "Mâu thuẫn": chain(
            stream.cell_conflicts(conn, variant, units), stream.total_conflicts(conn, variant, units)
        ),
        "Chi tiết theo địa bàn": stream.breakdowns(conn, variant, units),
        "Chưa báo cáo": not_reported(store, store.expected_units()),
        "Chưa phân loại": Counted(
            unclassified_count(conn, reviewed_only), unclassified_rows(conn, reviewed_only)
        ),
    }
