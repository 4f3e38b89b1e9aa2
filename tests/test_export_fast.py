"""The export's fast paths write what their simple references write: figures.csv from the cursor's
tuples byte for byte as the dict rows through `write_csv`, and the unclassified sheet's rows as the
full consolidation lists them, also for text a spreadsheet would take for a formula, quotes, commas,
line breaks, numbers past the bound, a figure not counted and an unclassified one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipeline.cells import consolidation
from pipeline.cells.figure_rows import figure_rows
from pipeline.cells.figures_file import HEADER, write_figures_csv
from pipeline.cells.refresh import rebuild, refresh
from pipeline.cells.unclassified import unclassified_count, unclassified_rows
from pipeline.export import CSV_ENCODING, csv_cell, write_csv
from pipeline.store.schema import figures

AWKWARD = [  # (column, value) written over some figures
    ("quote", "=SUM(A1)"),
    ("quote", "-12.5"),
    ("quote", "- 12"),
    ("sentence", '- Vận động "Quỹ", được 1,5 tỷ\nđồng'),
    ("sentence", "+٥"),
    ("sentence", "@x\r"),
    ("indicator", ""),
    ("subject", "\tthôn 3"),
    ("section", "A, B"),
    ("per", "=1"),
    ("unit", "  Triệu  ĐỒNG "),
    ("unit", "VNĐ"),
    ("value", "1" + "0" * 20),
    ("value", "-0"),
    ("value", "12345678901234.5"),
    ("denominator", "3"),
    ("upper", "99999999999999999999999"),
    ("confidence", 1.0),
    ("confidence", 0.3333333333333333),
    ("rule", "-rule"),
    ("period", ""),
    ("role", "threshold"),
    ("page", 7),
    ("char_start", 10**16),
    ("indicator_code", ""),
]


def awkward_store(store, seed):
    """The seed reports with awkward values written over some of their figures."""
    store.load(*seed("000"))
    store.load(*seed("002"))
    with store.engine.begin() as conn:
        ids = list(conn.execute(sa.select(figures.c.figure_id).order_by(figures.c.figure_id)).scalars())
        for n, (column, value) in enumerate(AWKWARD):
            if column == "char_start" and conn.dialect.name == "postgresql":
                continue  # an integer column there cannot hold a number past the bound
            conn.execute(figures.update().where(figures.c.figure_id == ids[3 * n]).values({column: value}))
    rebuild(store)  # the cells as a full consolidation of the changed figures gives them
    return store


@pytest.mark.parametrize("reviewed_only", [False, True])
def test_figures_csv_equals_the_dict_rows_written_by_write_csv(store, seed, tmp_path, reviewed_only):
    awkward_store(store, seed)
    if reviewed_only:  # some reviewed figures, so the reviewed variant has rows
        for row in store.figures()[:12]:
            store.review(row["figure_id"], "accept", user="cán bộ A")
        refresh(store)
    names = {"QUY_VNN_VAN_DONG": "Quỹ, \"Vì người nghèo\""}
    fast, reference = tmp_path / "fast.csv", tmp_path / "reference.csv"
    with store._read() as conn:
        write_figures_csv(conn, fast, names, csv_cell, CSV_ENCODING, reviewed_only)
    write_csv(reference, HEADER, figure_rows(store, names, reviewed_only=reviewed_only))
    assert fast.read_bytes() == reference.read_bytes()
    lines = fast.read_bytes().count(b"\r\n")
    if reviewed_only:
        assert 12 < lines < 50  # the header, the reviewed figures (a sentence may break a line)
    else:
        text = fast.read_text(encoding=CSV_ENCODING)
        assert "'=SUM(A1)" in text and "'- 12" in text and ",-12.5," in text  # the guard, the exception
        assert lines > 50


def test_unclassified_rows_are_the_consolidations(store, seed):
    awkward_store(store, seed)
    full = consolidation(store).unclassified
    with store._read() as conn:
        rows = list(unclassified_rows(conn, False))
        assert unclassified_count(conn, False) == len(rows) == len(full) > 0
    assert [r[-1] for r in rows] == list(full["figure_id"])
    assert [r[4] for r in rows] == list(full["unit"])
    assert [r[3] for r in rows] == list(full["value"])


def test_consolidated_csv_lines_equal_the_dict_rows_written_by_write_csv(store, seed, tmp_path):
    """LinesFile (each line one string) against CsvFile over the same dict rows: awkward values,
    totals with the fields they lack, numbers past the bound."""
    from decimal import Decimal

    from pipeline.cells import stream
    from pipeline.cells.lines_file import LinesFile
    from pipeline.cells.unit_names import unit_names
    from pipeline.export import CONSOLIDATED_CSV_FIELDS, CsvFile, total_row

    awkward_store(store, seed)
    names = {"QUY_VNN_VAN_DONG": "Quỹ, \"Vì người nghèo\""}
    rows = []
    with store._read() as conn:
        units = unit_names(conn, 0)
        for period in stream.periods(conn, 0):
            for lines in stream.indicator_lines(conn, 0, period, units, names):
                for _keys, row_lines in stream.sheet_rows(lines):
                    rows += [("unit", line) for line in row_lines]
                    totals = stream.row_totals(row_lines).items()
                    rows += [("total", total_row(row_lines[0], lv, v, n)) for lv, (v, n) in totals]
    odd = dict(rows[0][1], note="=1+1", documents='a, "b"\nc', value=Decimal("1" + "0" * 20), upper=None)
    rows.append(("unit", odd))
    fast, reference = tmp_path / "fast.csv", tmp_path / "reference.csv"
    with LinesFile(fast, CONSOLIDATED_CSV_FIELDS, csv_cell, CSV_ENCODING) as out:
        for kind, line in rows:
            out.write(kind, line)
    with CsvFile(reference, CONSOLIDATED_CSV_FIELDS) as out:
        for kind, line in rows:
            out.write({**line, "row_type": kind})
    assert len(rows) > 20 and any(kind == "total" for kind, _line in rows)
    assert fast.read_bytes() == reference.read_bytes()
    assert "'=1+1" in fast.read_text(encoding=CSV_ENCODING)


@pytest.mark.parametrize("parts", [2, 3])
def test_figures_csv_written_in_document_ranges_is_the_whole_file(store, seed, tmp_path, parts):
    """The ranges cover every loaded document once, hold about as many figures each, and their
    pieces one after the other (header and BOM only in the first) are the file written whole."""
    from pipeline.cells.figures_file import document_ranges
    from pipeline.export import append_files

    awkward_store(store, seed)
    for name in ("001", "003", "004"):
        store.load(*seed(name))
    refresh(store)
    whole = tmp_path / "whole.csv"
    with store._read() as conn:
        write_figures_csv(conn, whole, {}, csv_cell, CSV_ENCODING)
        ranges = document_ranges(conn, parts)
        assert len(ranges) == parts and ranges[0][0] is None and ranges[-1][1] is None
        assert all(ranges[i][1] == ranges[i + 1][0] for i in range(parts - 1))
        pieces = [tmp_path / f"piece-{i}.csv" for i in range(parts)]
        for i, (piece, documents_in) in enumerate(zip(pieces, ranges, strict=True)):
            write_figures_csv(conn, piece, {}, csv_cell, CSV_ENCODING if i == 0 else "utf-8",
                              documents_in=documents_in)
    assert all(piece.stat().st_size > 0 for piece in pieces[:2])  # the figures really were split
    append_files(pieces[0], pieces[1:])
    assert pieces[0].read_bytes() == whole.read_bytes()
