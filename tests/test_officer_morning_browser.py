"""An officer's morning in a real headless Chromium (Debian's chromium, driven by Playwright):
open the overview of a period, open the unit that has not reported, review a commune's report with
the keyboard (an undo after a reload included), accept another report in bulk after confirming
and undo it, draw a chart, export the workbook and read it back with openpyxl: it holds the
decisions. Each page is photographed under output/screens/ (not committed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, ingest_into
from openpyxl import load_workbook

from pipeline.expected import read_units_file, resolve_rows
from pipeline.review import create_app
from pipeline.store import open_store

pytestmark = pytest.mark.browser
SCREENS = REPO / "output" / "screens"
BATCH = SAMPLES / "batches" / "huyen_phu_ninh_2024"
PERIOD = "6 tháng đầu năm 2024"
TAM_THANH = "17-BC-MTTQ Tam Thanh 6T 2024.txt"
PHU_THINH = "BC 6 thang dau nam 2024 - MTTQ Phu Thinh.docx"
CORRECTED = "65.000.000"  # typed the Vietnamese way; the report says 64.800.000


def district_store(tmp_path: Path) -> str:
    """The Phú Ninh batch loaded, with the officer's list of the units that must report."""
    url = f"sqlite:///{tmp_path / 'morning.db'}"
    store = open_store(url)
    units, errors = resolve_rows(read_units_file(BATCH / "expected_units.yaml"), "expected_units.yaml")
    assert errors == []
    store.set_expected_units(units, source="expected_units.yaml")
    store.close()
    ingest_into(url, [BATCH])
    return url


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def card(page, fid: str, status: str) -> None:
    page.wait_for_selector(f"#fig-{fid}.status-{status}")


def current(page) -> str:
    return page.get_attribute("li.figure.current", "data-fid")


def figure_ids(url: str, path: str) -> dict[str, str]:
    """quote → figure id of one document's figures."""
    store = open_store(url)
    try:
        document = next(d for d in store.documents() if d["path"] == path)
        return {f["quote"]: f["figure_id"] for f in store.figures(document_id=document["id"])}
    finally:
        store.close()


def open_report(page, server_url: str, path: str) -> None:
    page.goto(f"{server_url}/?period={PERIOD}")
    page.locator("#reported a", has_text=path).click()
    page.wait_for_selector("li.figure.current")


def review_with_the_keyboard(page, ids: dict[str, str]) -> None:
    """Accept the fund, reject last year's figure, correct the amount spent; after a reload Backspace
    still undoes the correction, which is then typed again."""
    fund, last_year, spent = ids["86.500.000 đồng"], ids["205.500.000 đồng"], ids["64.800.000 đồng"]
    assert current(page) == fund
    page.keyboard.press("a")
    card(page, fund, "accepted")
    assert current(page) == last_year
    page.keyboard.press("x")
    card(page, last_year, "rejected")
    assert current(page) == spent
    for attempt in range(2):
        page.keyboard.press("e")
        page.wait_for_selector("#edit-dialog[open]")
        assert "64.800.000 đồng" in page.inner_text("#edit-sentence"), "the dialog shows the sentence"
        if attempt == 0:
            shot(page, "3_edit_dialog")
        page.fill("#edit-form input[name=value]", CORRECTED)
        page.keyboard.press("Enter")
        card(page, spent, "corrected")
        if attempt == 0:
            page.reload()  # the undo lives on the server
            page.wait_for_selector("li.figure.current")
            page.keyboard.press("Backspace")
            card(page, spent, "unreviewed")
            assert "64.800.000" in page.inner_text(f"#fig-{spent} .value")
            assert current(page) == spent
    card(page, fund, "accepted")
    card(page, last_year, "rejected")


def bulk_accept_and_undo(page) -> None:
    page.click("form.bulk button")
    page.wait_for_selector("#confirm-bulk")
    shot(page, "5_bulk_confirm")
    page.click("#confirm-bulk-button")
    page.wait_for_selector("#undo-batch")
    assert page.locator("li.figure.status-unreviewed").count() == 0
    shot(page, "6_bulk_accepted")
    page.reload()
    page.click("#undo-batch-button")
    page.wait_for_selector("li.figure.current")
    assert page.locator("#undo-batch").count() == 0
    assert page.locator("li.figure.status-accepted").count() == 0
    shot(page, "7_bulk_undone")


def test_an_officers_morning(tmp_path: Path, browser, live_server) -> None:
    url = district_store(tmp_path)
    ids = figure_ids(url, TAM_THANH)
    SCREENS.mkdir(parents=True, exist_ok=True)
    workbook, everything = tmp_path / "consolidated.xlsx", tmp_path / "consolidated_all.xlsx"
    with live_server(create_app(url)) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(server.url + "/")
        page.select_option("#period-select", PERIOD)
        page.click("#period-form button")
        page.wait_for_selector("#missing")
        assert page.inner_text("#count-missing") == "1"
        shot(page, "1_overview")
        page.click("#missing a")  # the unit that has not reported
        page.wait_for_selector("#unit-missing")
        assert "xã Tam Lãnh" in page.inner_text("#unit-name")
        assert "old:X20395/MTTQ" in page.inner_text("#unit-facts")
        shot(page, "2_missing_unit")

        open_report(page, server.url, TAM_THANH)
        review_with_the_keyboard(page, ids)
        shot(page, "4_document_reviewed")

        open_report(page, server.url, PHU_THINH)
        bulk_accept_and_undo(page)

        page.goto(f"{server.url}/indicators?indicator=QUY_VNN_VAN_DONG|money|VND|&period={PERIOD}")
        assert page.locator("svg.chart-compare rect.bar").count() >= 9
        shot(page, "8_chart")

        page.goto(server.url + "/documents")
        page.select_option("select[name=file]", "consolidated.xlsx")
        assert page.is_checked("input[name=reviewed_only]"), "reviewed-only once something is reviewed"
        shot(page, "9_export")
        with page.expect_download() as download:
            page.click("#export-button")
        download.value.save_as(workbook)
        page.wait_for_selector("#export-progress-text:has-text('Đã tạo xong tệp')")  # the progress line stops
        assert page.is_enabled("#export-button")
        page.uncheck("input[name=reviewed_only]")  # and every figure not rejected, unreviewed marked
        with page.expect_download() as download:
            page.click("#export-button")
        download.value.save_as(everything)
        context.close()
        assert errors == []

    book = load_workbook(workbook)
    sheet = book[PERIOD]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Mã chỉ tiêu")
    assert "Ủy ban MTTQ Việt Nam thị trấn Phú Thịnh" not in header, "the bulk accept was undone"
    column = header.index("Ủy ban MTTQ Việt Nam xã Tam Thành")
    values = [r[column] for r in sheet.iter_rows(values_only=True) if isinstance(r[column], int | float)]
    assert values == [86_500_000], "reviewed only: the accepted fund is Tam Thành's one line"
    unclassified = book["Chưa phân loại"]  # the amount spent has no line yet: listed with its value
    listed = next(r for r in unclassified.iter_rows(values_only=True) if r[0] == "Tệp")
    rows = list(unclassified.iter_rows(values_only=True))
    spent = next(r for r in rows if r[:2] == (TAM_THANH, "64.800.000 đồng"))
    assert Decimal(str(spent[listed.index("Giá trị")])) == Decimal(65_000_000)  # as corrected
    whole = load_workbook(everything)
    header = next(r for r in whole[PERIOD].iter_rows(values_only=True) if r[0] == "Mã chỉ tiêu")
    assert "Ủy ban MTTQ Việt Nam thị trấn Phú Thịnh" in header, "unreviewed figures are in the full export"
    listed = list(whole["Chưa phân loại"].iter_rows(values_only=True))
    assert any(r[:2] == (TAM_THANH, "64.800.000 đồng") for r in listed)
    assert not any(r[:2] == (TAM_THANH, "205.500.000 đồng") for r in listed), "rejected: left out"
