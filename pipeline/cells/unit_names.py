"""The names units are shown under in the exports and pages: a unit's own name, or its name and its
parent's where two stored units share one name. Plain SQL, no pandas: the export's list-sheet
processes use it."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from pipeline.reporting_unit import parent_name
from pipeline.store.cells_schema import cell_documents


def unit_names(
    conn: sa.Connection, variant: int, bases: Iterable[str] | None = None
) -> dict[tuple[str, str], str]:
    """Each (name, code) a unit is stored under → the name it is shown with: two units of the same
    name get their parent after it, as `pipeline.consolidate.distinct_unit_names` does. With
    `bases`, only the units of those names (a page of a province's rows, not every unit)."""
    query = sa.select(cell_documents.c.unit_base, cell_documents.c.unit_code).where(
        cell_documents.c.variant == variant
    ).distinct()
    if bases is None:
        pairs = list(conn.execute(query).all())
    else:
        wanted = sorted(set(bases))
        chunks = (wanted[start : start + 500] for start in range(0, len(wanted), 500))
        named = cell_documents.c.unit_base.in_
        pairs = [pair for chunk in chunks for pair in conn.execute(query.where(named(chunk)))]
    codes: dict[str, set[str]] = {}
    for base, code in pairs:
        codes.setdefault(base, set()).add(code)
    return {
        (base, code): f"{base} ({parent_name(code)})" if len(codes[base]) > 1 and code else base
        for base, code in pairs
    }
