"""The stored cells read for the exports a period at a time and an indicator at a time, and the
list sheets' rows streamed in chunks: memory follows one indicator of one period, never the store.

The same lines, totals and lists `pipeline.cells.read.consolidation` gives (tests/test_cells.py
compares them), read by indexed keys (variant, period) with plain rows, no frame of every cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from pipeline.cells.csv_text import Table
from pipeline.cells.raw_rows import raw_rows
from pipeline.line_keys import ADDITIVE_KINDS, LINE_COLUMNS, LINE_KEYS, decimal_sum
from pipeline.store.cells_schema import cell_documents, cells
from pipeline.store.schema import documents, figures
from pipeline.successors import lines_as_of, successor

CHUNK = 2000  # rows fetched at a time
MODALITY_ORDER = {"actual": 0, "estimate": 1, "target": 2, "change": 3}
ROW_KEYS = ("indicator_code", "indicator_name", "modality", "kind", "unit", "per")
_ROW_KEY = itemgetter(*ROW_KEYS)
_WITHIN_ROW = itemgetter("reporting_unit", "level")
_TARGET_KEYS = ("period", "reporting_unit", "indicator_code", "kind", "unit", "per")
_WANTED = [k for k in LINE_COLUMNS if k != "reporting_unit"]
_WANTED_NOW = [k for k in _WANTED if k != "figure_ids"]  # only merging old units needs them


def periods(conn: sa.Connection, variant: int) -> list[str]:
    """Every period the variant's cells name."""
    query = sa.select(cells.c.period).where(cells.c.variant == variant).distinct()
    return list(conn.execute(query).scalars())


def shown_unit(name: str, codes: dict[str, str], as_of: date | None) -> str:
    """The unit's name in the export: the unit it had become by `as_of` when one is given."""
    if as_of is None:
        return name
    unit = successor(codes.get(name, ""), as_of)
    return unit.name if unit is not None else name


def period_units(
    conn: sa.Connection, variant: int, period: str, names: dict[tuple[str, str], str], as_of: date | None
) -> list[tuple[str, str]]:
    """(level, unit) of the period's columns, sorted; the levels that get a total column."""
    query = (
        sa.select(cells.c.level, cells.c.unit_base, cells.c.unit_code)
        .where(  # "conflict either way" lets the engine read ix_cells_conflict alone: it holds these columns
            cells.c.variant == variant, cells.c.conflict.in_([False, True]), cells.c.period == period
        )
        .distinct()
    )
    codes = {shown: code for (_base, code), shown in names.items()}
    found = {
        (level, shown_unit(names[(base, code)], codes, as_of)) for level, base, code in conn.execute(query)
    }
    return sorted(found)


def total_levels(conn: sa.Connection, variant: int, period: str, levels: Iterable[str]) -> list[str]:
    """Of the period's `levels`, those whose units have a line that adds up across units: one
    look each, which stops at the first such line."""
    found = []
    for level in sorted(set(levels)):
        query = sa.select(cells.c.level).where(
            cells.c.variant == variant,
            cells.c.period == period,
            cells.c.level == level,
            cells.c.kind.in_(ADDITIVE_KINDS),
            cells.c.combine == "sum",
        )
        if conn.execute(query.limit(1)).first() is not None:
            found.append(level)
    return found


def indicator_lines(
    conn: sa.Connection,
    variant: int,
    period: str,
    names: dict[tuple[str, str], str],
    indicator_names: dict[str, str],
    as_of: date | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The period's consolidated lines, one indicator at a time (in code order). Rows come as the
    driver's tuples (pipeline/cells/raw_rows.py); numbers are read as ExactDecimal reads them, each
    distinct text once."""
    wanted = _WANTED if as_of is not None else _WANTED_NOW
    exact = {"value", "upper"}
    query = (
        sa.select(
            *[sa.cast(cells.c[k], sa.Text) if k in exact else cells.c[k] for k in wanted],
            cells.c.unit_base,
            cells.c.unit_code,
            cells.c.conflict,
        )
        .where(cells.c.variant == variant, cells.c.period == period)
        .order_by(cells.c.indicator_code)
    )
    codes = {shown: code for (_base, code), shown in names.items()}
    code_at, value_at, upper_at = wanted.index("indicator_code"), wanted.index("value"), wanted.index("upper")
    width = len(wanted)
    numbers = Table(_exact)  # each distinct number text once
    for code, rows in groupby(raw_rows(conn, query), key=itemgetter(code_at)):
        lines, name = [], indicator_names.get(code, code)
        for row in rows:
            line = dict(zip(wanted, row, strict=False))  # the row's first columns; its unit after them
            line["reporting_unit"] = names[(row[width], row[width + 1])]
            line["conflict"] = bool(row[-1])
            line["value"] = numbers[row[value_at]]
            line["upper"] = numbers[row[upper_at]]
            line["indicator_name"] = name
            lines.append(line)
        if as_of is not None:
            conflicted = {tuple(line[k] for k in LINE_KEYS) for line in lines if line["conflict"]}
            import pandas as pd  # only to show old units as new (`--as-of`)

            frame = lines_as_of(pd.DataFrame(lines).drop(columns="conflict"), codes, as_of)
            lines = frame.to_dict("records")
            for line in lines:
                line["conflict"] = tuple(line[k] for k in LINE_KEYS) in conflicted
        yield lines


def _exact(text: str | None) -> Decimal | None:
    """A stored number's text as ExactDecimal reads it (None stays None)."""
    return None if text is None else Decimal(text)


def sheet_rows(lines: list[dict[str, Any]]) -> list[tuple[tuple[Any, ...], list[dict[str, Any]]]]:
    """One indicator's lines as the period sheet's rows: actual, estimate, target, change, each
    measuring unit apart; within a row the units in name order."""
    rows: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for line in lines:  # one indicator: its name is one, a row is (modality, kind, unit, per)
        key = _ROW_KEY(line)
        found = rows.get(key)
        if found is None:
            rows[key] = [line]
        else:
            found.append(line)
    ordered = sorted(rows, key=lambda key: (MODALITY_ORDER.get(key[2], 9), key[2], key[4], key[3], key[5]))
    return [(key, sorted(rows[key], key=_WITHIN_ROW)) for key in ordered]  # stable: ties keep their order


def row_totals(lines: list[dict[str, Any]]) -> dict[str, tuple[Decimal, int]]:
    """Per level: the sum across units of a sheet row's summed lines and how many units it adds
    (as `pipeline.consolidate.totals_across_units`: a district never adds its communes)."""
    by_level: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        if line["kind"] in ADDITIVE_KINDS and line["combine"] == "sum":
            by_level.setdefault(line["level"], []).append(line)
    return {
        level: (decimal_sum(line["value"] for line in mine), len({line["reporting_unit"] for line in mine}))
        for level, mine in sorted(by_level.items())
    }


def targets_vs_actuals(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where one indicator's lines hold a target and the result for the same unit and period
    (as `pipeline.consolidate.targets_vs_actuals`)."""
    same = itemgetter(*_TARGET_KEYS)
    actuals: dict[tuple[Any, ...], list[Any]] = {}
    planned = []
    for line in lines:
        if line["modality"] == "actual":
            actuals.setdefault(same(line), []).append(line["value"])
        elif line["modality"] == "target":
            planned.append(line)
    rows = []
    for line in sorted(planned, key=itemgetter(*LINE_KEYS)):  # a stable sort: equal keys keep their order
        for actual in actuals.get(same(line), []):
            achieved = None
            if line["kind"] in ADDITIVE_KINDS and Decimal(line["value"]) != 0:
                achieved = (Decimal(actual) * 100 / Decimal(line["value"])).quantize(Decimal("0.1"))
            rows.append(
                {
                    **dict(zip(_TARGET_KEYS, same(line), strict=True)),
                    "target": line["value"],
                    "actual": actual,
                    "achieved_percent": achieved,
                }
            )
    return rows


def total_conflict_keys(
    conn: sa.Connection, variant: int, names: dict[tuple[str, str], str]
) -> set[tuple[Any, ...]]:
    """Cells whose stated total differs from its parts (few: read once, a mark in the period sheets)."""
    return {tuple(c.get(k, "") for k in LINE_KEYS) for c in total_conflicts(conn, variant, names)}


def cell_conflicts(
    conn: sa.Connection, variant: int, names: dict[tuple[str, str], str]
) -> Iterator[dict[str, Any]]:
    """Cells whose documents disagree, by period, unit and line."""
    query = (
        sa.select(cells)
        .where(cells.c.variant == variant, cells.c.conflict.is_(True))
        .order_by(
            cells.c.period,
            cells.c.unit_base,
            cells.c.level,
            cells.c.indicator_code,
            cells.c.kind,
            cells.c.unit,
            cells.c.per,
            cells.c.modality,
        )
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query).mappings():
        line = {k: row[k] for k in LINE_KEYS if k != "reporting_unit"}
        line["reporting_unit"] = names[(row["unit_base"], row["unit_code"])]
        yield {
            **{k: line[k] for k in LINE_KEYS},
            "type": "documents_disagree",
            "detail": row["conflict_detail"],
            "used": row["conflict_used"],
        }


def total_conflicts(
    conn: sa.Connection, variant: int, names: dict[tuple[str, str], str]
) -> Iterator[dict[str, Any]]:
    """Stated totals that differ from their parts, in their totals' order (documents by id)."""
    query = (
        sa.select(  # only the conflicts of the findings: the rest is most of their JSON
            cell_documents.c.unit_base, cell_documents.c.unit_code, cell_documents.c.findings["conflicts"]
        )
        .where(cell_documents.c.variant == variant, cell_documents.c.conflicts > 0)
        .order_by(cell_documents.c.document_id)
    )
    for base, code, found in conn.execute(query):
        found = json.loads(found) if isinstance(found, str) else found or ()
        for conflict in sorted(found, key=lambda c: c["total_id"]):
            entry = {k: v for k, v in conflict.items() if k != "total_id"}
            entry["reporting_unit"] = names[(base, code)]
            yield entry


def breakdowns(
    conn: sa.Connection, variant: int, names: dict[tuple[str, str], str]
) -> Iterator[dict[str, Any]]:
    """Each stated total beside its parts, document by document."""
    query = (
        sa.select(  # only the breakdowns of the findings: the rest is most of their JSON
            cell_documents.c.unit_base, cell_documents.c.unit_code, cell_documents.c.findings["breakdowns"]
        )
        .where(cell_documents.c.variant == variant)
        .order_by(cell_documents.c.document_id)
    )
    for base, code, found in conn.execution_options(yield_per=CHUNK).execute(query):
        for part in json.loads(found) if isinstance(found, str) else found or ():
            yield {
                **part,
                "reporting_unit": names[(base, code)],
                **{k: Decimal(part[k]) for k in ("total", "part", "parts_sum")},
            }


def source_count(conn: sa.Connection) -> int:
    """How many rows `sources` gives (in the same transaction)."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one())


def sources(conn: sa.Connection) -> Iterator[dict[str, Any]]:
    """One row per submitted file with its figure counts (as `pipeline.consolidate.sources_frame`)."""
    counts = (
        sa.select(
            figures.c.document_id,
            sa.func.count().label("figures"),
            sa.func.sum(sa.case((figures.c.review_status == "unreviewed", 1), else_=0)).label("unreviewed"),
        )
        .group_by(figures.c.document_id)
        .subquery()
    )
    query = (
        sa.select(
            documents.c.id.label("document_id"),
            documents.c.path,
            documents.c.format,
            documents.c.status,
            documents.c.issuer,
            documents.c.level,
            documents.c.period,
            documents.c.doc_type,
            sa.func.coalesce(counts.c.figures, 0).label("figures"),
            sa.func.coalesce(counts.c.unreviewed, 0).label("unreviewed"),
            documents.c.error_code,
            documents.c.error,
            documents.c.superseded_by,
            documents.c.sha256,
            documents.c.unit_code,
            documents.c.replace_note,
            documents.c.ambiguous_with,
        )
        .select_from(documents.outerjoin(counts, counts.c.document_id == documents.c.id))
        .order_by(documents.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query).mappings():
        yield dict(row)
