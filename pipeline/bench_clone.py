"""Growing a store to 100,000 reports in minutes, not hours, for `pipeline.bench_scale`.

Loading one report and computing its cells costs about 0.1 s of CPU here, so 100,000 reports through
`store.load` and `pipeline.cells.refresh` would take three hours before anything is measured. A
bench report is a template report filed as another unit's (`pipeline.bench_grow.report`): report n
and report n + k·`cycle` share their template and their period and differ only in who reported
and the file. So the first `cycle` reports go through the real load and the real refresh, and every
later one copies its slot's rows (document, text, figures, and its own consolidation rows), with
what differs put right: the unit's columns by the store's own `document_columns`, figure ids by
`Figure.figure_id`'s formula (checked against the slot), the unit's name by consolidation's own
`reporting_unit` and line keys by `line_key`. The cells of the lines those copies touch are then
written by refresh's own `write_cells`, as for any change. tests/test_bench_clone.py checks that a
store grown so holds row for row what `store.load` and a full rebuild give.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from pipeline.bench_grow import PERIODS, Template, report
from pipeline.cells.compute import line_key
from pipeline.cells.refresh import write_cells
from pipeline.consolidate import reporting_unit
from pipeline.reporting_unit import ReportingUnit
from pipeline.store.cells_schema import VARIANTS, cell_documents, document_lines, document_periods
from pipeline.store.records import document_columns, report_stem
from pipeline.store.schema import document_texts, documents, figures

FIGURE_ID = re.compile(r"\b[0-9a-f]{20}\b")  # Figure.figure_id: 20 hex digits


def cycle(source: list[Template]) -> int:
    """After this many reports, template and period repeat together."""
    return math.lcm(len(source), len(PERIODS))


@dataclasses.dataclass(slots=True)
class Slot:
    """One really loaded report's rows, ready to be copied for the reports that share its slot."""

    sha256: str
    path: str
    document: dict[str, Any]
    figures: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    periods: list[dict[str, Any]]


def figure_id(sha256: str, row: dict[str, Any]) -> str:
    """`Figure.figure_id` from a stored row."""
    key = f"{sha256}:{row['char_start']}:{row['char_end']}:{row['kind']}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def read_slot(conn: sa.Connection, sha256: str) -> Slot:
    """The rows of the report with this sha256, as the real load and refresh wrote them."""
    document = dict(conn.execute(sa.select(documents).where(documents.c.sha256 == sha256)).mappings().one())
    number = document["id"]

    def rows(table: sa.Table) -> list[dict[str, Any]]:
        query = sa.select(table).where(table.c.document_id == number)
        return [dict(r) for r in conn.execute(query).mappings()]

    found = rows(figures)
    for row in found:
        if figure_id(sha256, row) != row["figure_id"]:
            raise RuntimeError("Figure.figure_id changed: update pipeline/bench_clone.py's figure_id")
    return Slot(sha256, document["path"], document, found, rows(document_lines), rows(cell_documents),
                rows(document_periods))


def copy_reports(
    conn: sa.Connection, slots: dict[int, Slot], source: list[Template], units: list[ReportingUnit],
    numbers: range,
) -> None:
    """Reports `numbers` (all past the first cycle) as copies of their slots, then their cells."""
    touched: dict[int, set[str]] = {v: set() for v in VARIANTS.values()}
    rows: dict[sa.Table, list[dict[str, Any]]] = {
        t: [] for t in (figures, document_lines, cell_documents, document_periods)
    }
    texts: list[dict[str, int]] = []
    add_document = documents.insert().returning(documents.c.id)  # one statement, compiled once
    every = cycle(source)
    for number in numbers:
        slot = slots[number % every]
        document, _, _ = report(number, source, units)
        row = {k: v for k, v in slot.document.items() if k != "id"}
        row.update(document_columns(document.metadata), sha256=document.sha256, path=document.path,
                   stem=report_stem(document.path), loaded_at=datetime.now(UTC))
        new_id = conn.execute(add_document, row).scalar_one()
        texts.append({"new": new_id, "old": slot.document["id"]})
        ids = {old["figure_id"]: figure_id(document.sha256, old) for old in slot.figures}
        rows[figures] += [_figure(old, new_id, ids) for old in slot.figures]
        mine = {"document_id": new_id, "unit_code": row["unit_code"],
                "unit_base": reporting_unit({"unit_name": row["unit_name"], "issuer": row["issuer"],
                                             "doc": row["path"]})}
        was = slot.findings[0] if slot.findings else {"unit_base": "", "unit_code": ""}
        swap = _swapper(ids, {slot.path: document.path, was["unit_base"]: mine["unit_base"],
                              was["unit_code"]: mine["unit_code"]})
        for line in slot.lines:
            copied = {**swap(line), **mine}
            copied["line_key"] = line_key(copied)
            touched[copied["variant"]].add(copied["line_key"])
            rows[document_lines].append(copied)
        rows[cell_documents] += [{**swap(f), **mine} for f in slot.findings]
        where = {"level": row["level"] or "", "unit_base": mine["unit_base"], "unit_code": mine["unit_code"]}
        rows[document_periods] += [{**p, **where, "document_id": new_id} for p in slot.periods]
    others = [c for c in document_texts.columns if c.name != "document_id"]
    copy_text = document_texts.insert().from_select(
        ["document_id", *(c.name for c in others)],
        sa.select(sa.bindparam("new", type_=sa.Integer), *others)
        .where(document_texts.c.document_id == sa.bindparam("old")),
    )
    conn.execute(copy_text, texts)  # in the database: the text and its blocks never pass through Python
    for table, new_rows in rows.items():
        for start in range(0, len(new_rows), 1000):
            conn.execute(table.insert(), new_rows[start : start + 1000])
    for variant, keys in touched.items():
        write_cells(conn, variant, keys)


def _figure(old: dict[str, Any], document_id: int, ids: dict[str, str]) -> dict[str, Any]:
    """A figure row of the copy: its own id, document and part-of link; everything else the slot's."""
    part_of = ids.get(old["part_of"]) if old["part_of"] else old["part_of"]
    original = {**old["original"], "part_of": part_of} if old["original"] else old["original"]
    return {**old, "figure_id": ids[old["figure_id"]], "document_id": document_id, "part_of": part_of,
            "original": original}


def _swapper(ids: dict[str, str], names: dict[str, str]) -> Any:
    """A row with the slot's figure ids replaced by the copy's wherever they occur, and its file
    name, unit name and unit code wherever they are a whole value or open a note ("file: …")."""
    quoted = {json.dumps(old, ensure_ascii=False)[:-1]: json.dumps(new, ensure_ascii=False)[:-1]
              for old, new in names.items() if old}

    def swap(row: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps({k: v for k, v in row.items() if k != "value" and k != "upper"}, ensure_ascii=False)
        text = FIGURE_ID.sub(lambda m: ids.get(m.group(0), m.group(0)), text)
        for old, new in quoted.items():
            text = text.replace(old, new)
        return {**json.loads(text), **{k: row[k] for k in ("value", "upper") if k in row}}

    return swap
