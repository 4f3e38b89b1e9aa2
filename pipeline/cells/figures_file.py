"""figures.csv written straight from the store's cursor: a province's year holds two million figures,
and a dict, a Decimal and `csv.writer`'s character-by-character quoting per figure (the reference,
`write_csv(path, HEADER, figure_rows(…))`, which tests/test_export.py compares it with) cost about
100 µs each. Here one query gives the columns in the file's order as plain tuples; each line is one
f-string: a value from a small vocabulary (kind, unit, period, rule, a number's text, an indicator's
name …) is looked up in a table of finished CSV fields filled the first time it is seen, a free text
(quote, sentence …) is checked with str's fast scans, the document's own fields are made once per
document. A row the fast path cannot vouch for (an integer past the bound) is shaped by the
reference's own code, so the file is byte for byte the reference's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.cells.csv_text import Table, field_text, free_text
from pipeline.cells.figure_rows import _shaped
from pipeline.cells.raw_rows import raw_rows
from pipeline.figure import FIGURE_FIELDS
from pipeline.line_keys import NO_PERIOD
from pipeline.normalise.catalogue import fold
from pipeline.store.cells_schema import REVIEWED, VARIANTS, cell_documents
from pipeline.store.schema import documents, figures

FETCH = 5000  # rows a fetch of the documents' marks brings
WRITE_EVERY = 5000  # lines kept before they are written
SMALL = 10**15  # as pipeline.export: integers below this are written as they are
# the file's columns after FIGURE_FIELDS (documented machine names, README "Export the tables")
FIGURE_CSV_EXTRA = (
    "figure_id",
    "document_id",
    "issuer",
    "level",
    "period",
    "period_role",
    "sentence",
    "indicator_code",
    "indicator_name",
    "indicator_score",
    "review_status",
    "counted",
    "why_not_counted",
    "same_as",
    "role",
    "page",
)
HEADER = (*FIGURE_FIELDS, *FIGURE_CSV_EXTRA)
QUERY_KEYS = [k for k in HEADER if k not in ("indicator_name", "counted", "why_not_counted", "same_as")]


Range = tuple[int | None, int | None]  # documents after the first id, up to the second (None: no bound)
WHOLE: Range = (None, None)


def write_figures_csv(
    conn: sa.Connection,
    path: Path,
    names: dict[str, str],
    cell: Callable[[Any], Any],
    encoding: str,
    reviewed_only: bool = False,
    documents_in: Range = WHOLE,
) -> Path:
    """Every current figure into `path`, as `write_csv(path, HEADER, figure_rows(…))` writes it;
    `cell` is the exporter's cell rule (pipeline.export.csv_cell). With `documents_in` only those
    documents' figures, and the header only in the range that starts the file: the ranges'
    files one after the other are the whole file (pipeline.export writes them side by side)."""
    field = field_text(cell)
    free = free_text(field)
    words = Table(field)  # vocabularies and page numbers: few values, each seen again and again
    scores = Table(field)
    units = Table(lambda raw: field(folded_unit(raw)))
    indicator_names = Table(lambda code: field(names.get(code, "")))
    numbers = Table(lambda raw: field(None if raw is None else Decimal(raw)))  # as ExactDecimal reads
    marks = document_marks(conn, VARIANTS["reviewed" if reviewed_only else "all"], documents_in[0])
    current: tuple[int, dict[str, Any]] = (-1, {})
    w, s, u, i, n = words, scores, units, indicator_names, numbers  # short: one f-string makes a line
    with path.open("w", encoding=encoding, newline="") as handle:
        if documents_in[0] is None:
            csv.writer(handle).writerow(HEADER)
        lines: list[str] = []
        for row in raw_rows(conn, _query(reviewed_only, documents_in)):
            (doc, quote, start, end, kind, value, denominator, unit, per, approx, upper, modality,
             indicator, subject, section, rule, confidence, part_of, fid, doc_id, issuer, level, period,
             period_role, sentence, code, score, status, role, page) = row
            if doc_id != current[0]:
                current = next_marks(marks, current, doc_id)
                own = (field(doc), field(doc_id), f"{field(issuer)},{field(level)}")
            mark = current[1].get(fid) if current[1] else None
            counted = "1,," if mark is None else f"0,{field(mark[0])},{field(mark[1])}"
            if not (-SMALL < start < SMALL and -SMALL < end < SMALL):
                lines.append(_reference_line(row, mark, names, cell))
            else:
                lines.append(
                    f"{own[0]},{free(quote)},{start},{end},{w[kind]},{n[value]},{n[denominator]},{u[unit]},"
                    f"{w[per]},{w[approx]},{n[upper]},{w[modality]},{free(indicator)},{free(subject)},"
                    f"{free(section)},{w[rule]},{s[confidence]},{'' if part_of is None else free(part_of)},"
                    f"{free(fid)},{own[1]},{own[2]},{w[period]},{w[period_role]},{free(sentence)},{w[code]},"
                    f"{i[code]},{s[score]},{w[status]},{counted},{w[role]},{w[page]}\r\n"
                )
            if len(lines) >= WRITE_EVERY:
                handle.write("".join(lines))
                lines = []
        handle.write("".join(lines))
    return path


def folded_unit(unit: str | None) -> str:
    """The unit as the consolidation folds it (upper-case units such as VNĐ stay)."""
    unit = unit or ""
    return unit if unit.isupper() else fold(unit)


def _reference_line(row: tuple[Any, ...], mark: list[str] | None, names: dict[str, str],
                    cell: Callable[[Any], Any]) -> str:
    """A figure's line made by the reference's shaping and csv.writer (rare: an integer past the bound)."""
    record = dict(zip(QUERY_KEYS, row, strict=True))
    for key in ("value", "denominator", "upper"):  # as ExactDecimal reads them
        record[key] = None if record[key] is None else Decimal(record[key])
    out = io.StringIO()
    csv.writer(out).writerow([cell(_shaped(record, mark, names).get(key)) for key in HEADER])
    return out.getvalue()


def document_marks(
    conn: sa.Connection, variant: int, after: int | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(document id, its figures not counted: figure id → [why, same as]) in document order, from
    the refresh's findings; documents whose every figure counts are left out."""
    query = (
        sa.select(cell_documents.c.document_id, cell_documents.c.findings["marks"])
        .where(cell_documents.c.variant == variant)
        .order_by(cell_documents.c.document_id)
    )
    if after is not None:
        query = query.where(cell_documents.c.document_id > after)
    for document_id, found in conn.execution_options(yield_per=FETCH).execute(query):
        found = json.loads(found) if isinstance(found, str) else found
        if found:
            yield document_id, found


def next_marks(
    marks: Iterator[tuple[int, dict[str, Any]]], current: tuple[int, dict[str, Any]], document_id: int
) -> tuple[int, dict[str, Any]]:
    """The marks of `document_id` (empty when it has none), reading on in document order."""
    while current[0] < document_id:
        current = next(marks, (1 << 62, {}))
    return current if current[0] == document_id else (document_id, {})


def document_ranges(conn: sa.Connection, parts: int) -> list[Range]:
    """`parts` ranges of loaded documents holding about as many figures each, in id order."""
    query = (
        sa.select(documents.c.id, documents.c.figure_count)
        .where(documents.c.status == "loaded")
        .order_by(documents.c.id)
    )
    held = conn.execute(query).all()
    total = sum(count for _id, count in held)
    bounds: list[int | None] = [None]
    seen = 0
    for document_id, count in held:
        seen += count
        if len(bounds) < parts and seen * parts >= total * len(bounds):
            bounds.append(document_id)
    return [(bounds[i], bounds[i + 1] if i + 1 < len(bounds) else None) for i in range(len(bounds))]


def _query(reviewed_only: bool, documents_in: Range = WHOLE) -> sa.Select[Any]:
    """The figures query, the file's columns in order; exact numbers as their stored text on either
    engine, so equal texts are equal keys."""
    c, d = figures.c, documents.c
    exact = {"value", "denominator", "upper"}
    columns = {
        **{k: c[k] for k in QUERY_KEYS if k in c and k not in exact},
        **{k: sa.cast(c[k], sa.Text) for k in exact},
        "doc": d.path,
        "issuer": d.issuer,
        "level": d.level,
        "period": sa.func.coalesce(sa.func.nullif(c.period, ""), NO_PERIOD),
        "role": sa.func.coalesce(c.role, ""),
    }
    query = (
        sa.select(*[columns[k] for k in QUERY_KEYS])
        .select_from(figures.join(documents, d.id == c.document_id))
        .where(d.status == "loaded")
    )
    if reviewed_only:
        query = query.where(c.review_status.in_(REVIEWED))
    after, up_to = documents_in  # on both sides of the join: PostgreSQL carries no range across it
    if after is not None:
        query = query.where(d.id > after, c.document_id > after)
    if up_to is not None:
        query = query.where(d.id <= up_to, c.document_id <= up_to)
    return query.order_by(d.id, c.seq)  # by documents.id: SQLite then sorts within each document
