"""`make run` shows the job on a fresh output folder: the five seed reports once each and one
district's communes for one period, so the first workbook consolidates several units, lists the
unit that has not reported, flags a conflict and shows totals beside their parts; the ingest summary
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


def test_the_workbook_consolidates_the_communes_as_the_answer_key_says(run) -> None:
    _, workbook = run
    key = json.loads((BATCH / "answer_key.json").read_text(encoding="utf-8"))
    current = [d for name, d in key["documents"].items() if name not in key["superseded"]]
    sheet = load_workbook(workbook)[PERIOD]
    top, header = header_index(sheet)
    units = header[4 : header.index("Tổng cộng cấp xã")]
    assert len(units) >= 9, units  # several units side by side
    fund = next(r for r in rows(sheet, top + 1) if r[0] == "QUY_VNN_VAN_DONG" and r[2] == "Thực hiện")
    for document in current:
        cell = fund[header.index(document["name"])]
        assert Decimal(str(cell)) == document["figures"]["fund"], document["name"]
    total = Decimal(str(fund[header.index("Tổng cộng cấp xã")]))
    assert total == sum(Decimal(d["figures"]["fund"]) for d in current)  # the corrected Tam An, once


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
