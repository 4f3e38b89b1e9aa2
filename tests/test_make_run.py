"""`make run` shows the job on a fresh output folder: the five seed reports once each and one
district's communes for one period, so the first workbook consolidates several units, lists the
unit that has not reported, flags a conflict (a commune sent two different copies dated the same
day: neither summed nor silently replaced) and shows totals beside their parts; the ingest summary
says what each outcome means and which report replaced which. Read back with openpyxl and checked
against the district batch's answer key."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO
from openpyxl import load_workbook

pytestmark = pytest.mark.slow
BATCH = REPO / "samples" / "batches" / "huyen_phu_ninh_2024"
PERIOD = "6 tháng đầu năm 2024"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[str, Path]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = tmp_path_factory.mktemp("make-run") / "output"  # does not exist yet: a fresh output/
    done = subprocess.run(["make", "--no-print-directory", "run", f"OUT={out}"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, out / "consolidated.xlsx"


def rows(sheet, first: int) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def header_index(sheet) -> tuple[int, list]:
    """The header row of a sheet (its first cell names the first column) and its cells."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if row[0] in ("Mã chỉ tiêu", "Mã văn bản", "Kỳ báo cáo", "Tệp"):
            return number, list(row)
    raise AssertionError(f"no header row in {sheet.title}")


def test_the_summary_explains_itself(run) -> None:
    stdout, _ = run
    assert "thay bản cũ / replaced an earlier copy" in stdout and "a resubmission" in stdout
    replaced = r"BaoCao_MTTQ_TamAn_6T2024_sua lai\.docx\s+thay / replaces BaoCao_MTTQ_TamAn_6T2024\.docx"
    assert re.search(replaced, stdout)
    copy = r"bc mat tran tam loc 6 thang( \(ban 2\))?\.docx"
    assert len(re.findall(rf"⚠ {copy}\s+cùng ngày với / same day as {copy}", stdout)) == 1  # the pair, once
    assert "an officer chooses" in stdout
    assert "chưa báo cáo / not reported: 1" in stdout and "xã Tam Lãnh (old:X20395/MTTQ)" in stdout
    assert "Tiếp theo / next" in stdout


def test_each_seed_is_read_once_and_only_the_resubmission_replaces(run) -> None:
    _, workbook = run
    sheet = load_workbook(workbook)["Nguồn"]
    top, header = header_index(sheet)
    files = {r[header.index("Tệp")]: r[header.index("Trạng thái")] for r in rows(sheet, top + 1)}
    seeds = [name for name in files if re.match(r"00[0-4]_", name)]
    assert len(seeds) == 5 and len({name.split(".")[0] for name in seeds}) == 5  # one format each
    assert [name for name, state in files.items() if state != "Đã nạp"] == ["BaoCao_MTTQ_TamAn_6T2024.docx"]


def fund_row(sheet) -> tuple[list, tuple]:
    top, header = header_index(sheet)
    fund = next(r for r in rows(sheet, top + 1) if r[0] == "QUY_VNN_VAN_DONG" and r[2] == "Thực hiện")
    return header, fund


def test_the_workbook_consolidates_the_communes_as_the_answer_key_says(run) -> None:
    _, workbook = run
    key = json.loads((BATCH / "answer_key.json").read_text(encoding="utf-8"))
    current = [d for name, d in key["documents"].items() if name not in key["superseded"]]
    header, fund = fund_row(load_workbook(workbook)[PERIOD])
    units = header[4 : header.index("Tổng cộng cấp xã")]
    assert len(units) >= 9, units  # several units side by side
    counted = {}
    for document in current:
        cell = Decimal(str(fund[header.index(document["name"])]))
        if document["same_day_as"]:  # two copies that disagree: the cell holds one of them, flagged
            copies = [key["documents"][name]["figures"]["fund"] for name in document["same_day_as"]]
            assert cell in {document["figures"]["fund"], *copies}, document["name"]
        else:
            assert cell == document["figures"]["fund"], document["name"]
        counted[document["name"]] = cell
    total = Decimal(str(fund[header.index("Tổng cộng cấp xã")]))
    assert total == sum(counted.values())  # the corrected Tam An once; Tam Lộc's two copies never added


def test_two_different_copies_of_the_same_day_are_a_conflict_to_review(run) -> None:
    """Tam Lộc sent two reports for the period dated the same day, the fund different: both stay
    loaded (neither replaces the other), the fund is counted once, its cell is marked and the
    conflict is listed with both files, in the workbook and on the period's overview page."""
    from fastapi.testclient import TestClient

    from pipeline.review import create_app
    from pipeline.workbook.cells import CONFLICT_FILL
    from pipeline.workbook.period_sheet import NOTES_TITLE

    _, workbook = run
    key = json.loads((BATCH / "answer_key.json").read_text(encoding="utf-8"))
    pair = sorted(name for name, d in key["documents"].items() if d["same_day_as"])
    first, second = (key["documents"][name] for name in pair)
    assert len(pair) == 2 and first["name"] == second["name"] and first["date"] == second["date"]
    values = {first["figures"]["fund"], second["figures"]["fund"]}
    assert len(values) == 2
    book = load_workbook(workbook)
    top, header = header_index(book["Nguồn"])
    sources = {r[header.index("Tệp")]: r for r in rows(book["Nguồn"], top + 1)}
    assert all(sources[name][header.index("Trạng thái")] == "Đã nạp" for name in pair)  # none replaced
    assert any("cùng ngày với văn bản" in str(v) for name in pair for v in sources[name])
    header, fund = fund_row(book[PERIOD])
    assert Decimal(str(fund[header.index(first["name"])])) in values  # one copy's number, never the sum
    sheet = book[PERIOD]
    (number,) = [n for n, r in enumerate(sheet.iter_rows(values_only=True), 1) if r == fund]
    cell = sheet.cell(number, header.index(first["name"]) + 1)
    assert cell.fill.fgColor.rgb.endswith(CONFLICT_FILL[-6:])
    notes = fund[header.index(NOTES_TITLE)]  # what a comment used to say is in the printed notes column
    assert "mâu thuẫn" in notes and first["name"] in notes
    top, header = header_index(book["Mâu thuẫn"])
    unit, code = header.index("Đơn vị báo cáo"), header.index("Mã chỉ tiêu")
    fund_conflict = (first["name"], "QUY_VNN_VAN_DONG")
    listed = [r for r in rows(book["Mâu thuẫn"], top + 1) if (r[unit], r[code]) == fund_conflict]
    assert len(listed) == 1, listed
    written = listed[0][header.index("Các số ghi trong báo cáo")]
    assert all(name in written for name in pair) and all(str(v) in written for v in values)
    overview = TestClient(create_app(f"sqlite:///{workbook.parent / 'tonghop.db'}"), base_url="http://127.0.0.1")
    page = overview.get("/", params={"period": PERIOD}).text
    disagreements = page.split('id="disagreements"', 1)[1].split("</table>", 1)[0]
    assert first["name"] in disagreements and all(name in disagreements for name in pair)


def test_the_workbook_lists_the_missing_unit_a_conflict_and_totals_beside_their_parts(run) -> None:
    _, workbook = run
    book = load_workbook(workbook)
    top, header = header_index(book["Chưa báo cáo"])
    missing = rows(book["Chưa báo cáo"], top + 1)
    assert [(r[0], r[header.index("Mã đơn vị")]) for r in missing] == [(PERIOD, "old:X20395/MTTQ")]
    top, header = header_index(book["Mâu thuẫn"])
    conflicts = rows(book["Mâu thuẫn"], top + 1)
    assert conflicts and all(r[header.index("Kiểu mâu thuẫn")] for r in conflicts)
    top, header = header_index(book["Chi tiết theo địa bàn"])
    parts = rows(book["Chi tiết theo địa bàn"], top + 1)
    assert parts and {r[header.index("Khớp với tổng")] for r in parts} <= {"khớp", "KHÔNG khớp"}
