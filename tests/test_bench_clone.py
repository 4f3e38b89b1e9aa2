"""The province-scale bench grows its store by copying reports (pipeline/bench_clone.py): a store
grown so must hold, row for row, what the real load and refresh would have written, or every figure
the bench prints at 100,000 reports measures a different store."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.bench_grow import REPO, reporting_units, templates
from pipeline.bench_scale import grow, grow_by_copies
from pipeline.cells.refresh import rebuild
from pipeline.store import open_store
from pipeline.store.schema import metadata

REPORTS = 37  # the first cycle of ten really loaded, then copies past two more cycles and part of one
SKIP_COLUMNS = {"loaded_at"}  # when a row was written is the only thing allowed to differ


@pytest.fixture(scope="module")
def source() -> list:
    return templates(None, tuple(sorted((REPO / "samples").glob("00[0-4]_*.txt"))))


def snapshot(store) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the write time."""
    tables = {}
    with store._read() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in SKIP_COLUMNS]
            rows = conn.execute(sa.select(*columns)).all()
            tables[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return tables


def test_copied_reports_are_the_reports_the_real_load_writes(source: list, tmp_path: Path) -> None:
    units = reporting_units(20)
    real = open_store(f"sqlite:///{tmp_path / 'real.db'}")
    copied = open_store(f"sqlite:///{tmp_path / 'copied.db'}")
    try:
        grow(real, source, units, 0, REPORTS)
        grow_by_copies(copied, source, units, 0, REPORTS)
        expected, got = snapshot(real), snapshot(copied)
        assert len(got["documents"]) == REPORTS
        assert len(got["figures"]) > REPORTS * 5
        assert len(got["cells"]) > REPORTS
        for name in expected:
            assert got[name] == expected[name], name
    finally:
        real.close()
        copied.close()


def test_a_copied_store_survives_a_rebuild_unchanged(source: list, store_url: str) -> None:
    """The copies' consolidation rows are what recomputing them from their figures gives (on
    SQLite and PostgreSQL, as `make bench-scale` grows both)."""
    units = reporting_units(20)
    store = open_store(store_url)
    try:
        grow_by_copies(store, source, units, 0, REPORTS)
        before = snapshot(store)
        rebuild(store)
        after = snapshot(store)
        for name in ("document_lines", "cell_documents", "document_periods", "cells"):
            assert after[name] == before[name], name
    finally:
        store.close()
