"""Exports open in Excel: BOM CSVs with plain decimals, a workbook with real numbers and its sheets."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.consolidate import consolidate
from pipeline.export import export_all

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
CU_JUT = "Ủy ban MTTQ Việt Nam huyện Cư Jút"
FUND = "QUY_VNN_VAN_DONG"


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show Vietnamese"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


HEADER_STARTS = {"Mã chỉ tiêu", "Mã văn bản", "Kỳ báo cáo", "Tệp"}


def header_row(sheet) -> int:
    """The table's header row, under the sheet's title rows."""
    return next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value in HEADER_STARTS)


def sheet_rows(path: Path, title: str) -> list[tuple]:
    """The table of a sheet: its header row, then its rows (the title rows left out)."""
    sheet = openpyxl.load_workbook(path)[title]
    return list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))


def fund_cell(path: Path, period: str = "năm 2020") -> openpyxl.cell.Cell:
    sheet = openpyxl.load_workbook(path)[period]
    top = header_row(sheet)
    headers = [c.value for c in sheet[top]]
    for row in sheet.iter_rows(min_row=top + 1):
        if row[0].value == FUND and row[2].value == "Thực hiện":
            return row[headers.index(CU_JUT)]
    raise AssertionError(f"no {FUND} line in sheet {period}")


def test_csvs_are_bom_utf8_with_plain_decimal_numbers(sqlite_store, seed, tmp_path):
    sqlite_store.load(*seed("000"))
    sqlite_store.load(*seed("004"))
    files = export_all(sqlite_store, tmp_path)
    figures = read_csv(files["figures.csv"])
    assert len(figures) == len(sqlite_store.figures())
    assert all(PLAIN_NUMBER.match(row["value"]) for row in figures)
    assert {"8.2", "145140000000", "458358000"} <= {row["value"] for row in figures}
    relief = next(row for row in figures if row["value"] == "458358000")
    assert relief["doc"] == "000_064a08cc418c8552.txt" and relief["section"].startswith("Phần thứ nhất > 3.")
    assert "tổng giá trị quy ra tiền là 458.358.000đ" in relief["sentence"]
    lines = read_csv(files["consolidated.csv"])
    assert all(PLAIN_NUMBER.match(row["value"]) for row in lines)
    assert {row["row_type"] for row in lines} == {"unit", "total"}
    assert any(row["indicator_code"] == FUND and row["reporting_unit"] == CU_JUT for row in lines)


def test_workbook_has_a_sheet_per_period_with_real_formatted_numbers(sqlite_store, seed, tmp_path):
    sqlite_store.load(*seed("000"))
    path = export_all(sqlite_store, tmp_path)["consolidated.xlsx"]
    sheets = pd.read_excel(path, sheet_name=None)
    assert {"năm 2020", "Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn", "Chưa báo cáo"} <= set(sheets)
    cell = fund_cell(path)
    line = consolidate(sqlite_store).consolidated
    expected = line[(line["indicator_code"] == FUND) & (line["modality"] == "actual")]["value"].iloc[0]
    assert cell.data_type == "n" and cell.number_format.startswith("#,##0")
    assert Decimal(cell.value) == expected
    fund_figures = [f for f in sqlite_store.figures() if f["indicator_code"] == FUND]
    assert {Decimal("361432000"), Decimal("252307000")} <= {f["value"] for f in fund_figures}
    sources = sheet_rows(path, "Nguồn")
    assert sources[1][1] == "000_064a08cc418c8552.txt"
    breakdown = [r for r in sheet_rows(path, "Chi tiết theo địa bàn")[1:] if r[4] == 458358000]
    assert len(breakdown) == 5 and sum(r[6] for r in breakdown) == 458358000


def fund_note(path: Path, period: str = "năm 2020") -> str:
    """What the notes column of the fund's line says about Cư Jút."""
    sheet = openpyxl.load_workbook(path)[period]
    top = header_row(sheet)
    for row in sheet.iter_rows(min_row=top + 1, values_only=True):
        if row[0] == FUND and row[2] == "Thực hiện":
            return next(n for n in (row[-1] or "").split("\n") if n.startswith(CU_JUT))
    raise AssertionError(f"no {FUND} line in sheet {period}")


def test_unreviewed_numbers_are_always_marked_and_reviewed_ones_are_not(sqlite_store, seed, tmp_path):
    sqlite_store.load(*seed("000"))
    path = export_all(sqlite_store, tmp_path / "a")["consolidated.xlsx"]
    before = fund_cell(path)
    assert before.fill.fgColor.rgb.endswith("FFF2CC") and before.comment is None, (
        "no comment: it never prints"
    )
    assert before.number_format.endswith('?"'), "the mark prints: a black-and-white page shows it too"
    legend = openpyxl.load_workbook(path)["năm 2020"]["A3"].value
    assert "? = có số liệu chưa được cán bộ duyệt" in legend
    fund = [
        f
        for f in sqlite_store.figures()
        if f["indicator_code"] == FUND and f["value"] in (Decimal("361432000"), Decimal("252307000"))
    ]
    sqlite_store.review(fund[0]["figure_id"], "accept", user="Lan")
    partly = export_all(sqlite_store, tmp_path / "p")["consolidated.xlsx"]
    assert fund_cell(partly).fill.fgColor.rgb.endswith("FFF2CC")
    assert "chưa duyệt 2/3 số liệu" in fund_note(partly), "how many are left is in the notes column"
    for figure in sqlite_store.figures():
        if figure["indicator_code"] == FUND and figure["review_status"] == "unreviewed":
            sqlite_store.review(figure["figure_id"], "accept", user="Lan")
    after = fund_cell(export_all(sqlite_store, tmp_path / "b")["consolidated.xlsx"])
    assert after.fill.fgColor.rgb in (None, "00000000") and "?" not in after.number_format
    reviewed = fund_cell(export_all(sqlite_store, tmp_path / "c", reviewed_only=True)["consolidated.xlsx"])
    assert reviewed.value == after.value and "?" not in reviewed.number_format


def test_conflicts_reach_the_conflicts_sheet(sqlite_store, seed, tmp_path):
    import dataclasses

    document, figures = seed("000")
    part = next(i for i, f in enumerate(figures) if f.value == Decimal("40060000"))
    figures[part] = dataclasses.replace(figures[part], value=Decimal("40061000"))
    sqlite_store.load(document, figures)
    rows = sheet_rows(export_all(sqlite_store, tmp_path)["consolidated.xlsx"], "Mâu thuẫn")
    assert any(r[6] == "Tổng khác cộng các phần" and "458358000" in r[7] for r in rows[1:])


def test_make_run_path_ingest_then_export_from_the_cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", *map(str, sorted(SAMPLES.glob("*.txt"))), "--store", url])
    assert ingested.exit_code == 0, ingested.output
    exported = runner.invoke(app, ["export", "--out", str(tmp_path / "out"), "--store", url])
    assert exported.exit_code == 0, exported.output
    path = tmp_path / "out" / "consolidated.xlsx"
    periods = openpyxl.load_workbook(path).sheetnames[:-6]  # the list sheets come last
    book = pd.read_excel(path, sheet_name=periods, header=4)  # under the 4 title rows
    fund_rows = pd.concat([s[s["Mã chỉ tiêu"] == FUND] for s in book.values()])
    numbers = {v for v in fund_rows.iloc[:, 4:].to_numpy().ravel() if isinstance(v, (int, float)) and v == v}
    assert numbers, "the Quỹ “Vì người nghèo” line of seed 000 is in the workbook"
    figures = read_csv(tmp_path / "out" / "figures.csv")
    fund = {row["value"] for row in figures if row["indicator_code"] == FUND}
    assert {"361432000", "252307000"} <= fund


def test_a_cell_says_when_its_number_is_not_exact_and_lists_what_it_adds(sqlite_store, seed, tmp_path):
    """ "hơn 1.500 lượt người" + "hơn 500" is "> 2.000" in the workbook; the CSV keeps approx as columns."""
    sqlite_store.load(*seed("000"))
    paths = export_all(sqlite_store, tmp_path)
    rows = list(csv.DictReader(paths["consolidated.csv"].read_text(encoding="utf-8-sig").splitlines()))
    over = [r for r in rows if r["row_type"] == "unit" and r["approx"] == "over"]
    assert over and all(r["shown"].startswith("> ") for r in over)
    summed = [r for r in rows if r["row_type"] == "unit" and r["note"].startswith("cộng: ")]
    assert summed and all(r["combine"] == "sum" for r in summed)
    sheet = openpyxl.load_workbook(paths["consolidated.xlsx"]).worksheets[0]
    texts = [c.value for row in sheet.iter_rows(min_row=6) for c in row[4:] if isinstance(c.value, str)]
    assert any(t.startswith("> ") for t in texts)


def test_figures_csv_from_a_second_process_is_the_same_file(sqlite_store, seed, tmp_path):
    """A large store's figures.csv is written by a process of its own meanwhile: byte for byte the same."""
    sqlite_store.load(*seed("000"))
    sqlite_store.load(*seed("002"))
    one = export_all(sqlite_store, tmp_path / "one", jobs=1)
    two = export_all(sqlite_store, tmp_path / "two", jobs=2)
    assert one["figures.csv"].read_bytes() == two["figures.csv"].read_bytes()
    assert one["consolidated.csv"].read_bytes() == two["consolidated.csv"].read_bytes()
    assert len(read_csv(two["figures.csv"])) == len(sqlite_store.figures())
