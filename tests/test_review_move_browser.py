"""In a real headless Chromium: an officer moves a figure to another line, and the workbook shows it there."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES, ingest_into
from openpyxl import load_workbook

from pipeline.review import create_app
from pipeline.review.users import set_user
from pipeline.store import open_store

pytestmark = pytest.mark.browser
PASSWORD = "mat-khau-cua-lan"
QUOTE = "100.000.000đ"  # "Tiếp nhận 100 xuất quà, trị giá 100.000.000đ của Tổng công ty T&T" in seed 000
TARGET = "QUA_TET_TRI_GIA"  # Tổng trị giá quà tặng


def line_values(path: Path, code: str) -> list[object]:
    """The numbers of one indicator's row in the exported workbook's sheet of the seed's year."""
    sheet = load_workbook(path)["năm 2020"]  # sheets come in time order: "giai đoạn 2016–2020" first
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == code and row[2] == "Thực hiện":
            return [row[4]]  # the one reporting unit's column (the next ones are totals)
    return [0]


def test_an_officer_moves_a_figure_to_another_line_and_the_workbook_follows(
    tmp_path: Path, browser, live_server
):
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    ingest_into(url, [tmp_path / seed.name])
    store = open_store(url)
    figure = next(f for f in store.figures() if f["quote"] == QUOTE)
    target = TARGET
    assert figure["indicator_code"] == "" and figure["indicator_candidates"], "unsure: left for review"
    users = tmp_path / "users.txt"
    set_user(users, "lan", PASSWORD)

    with live_server(create_app(url, auth_config=users)) as server:
        context = browser.new_context(
            http_credentials={"username": "lan", "password": PASSWORD},
            viewport={"width": 1400, "height": 900},
            accept_downloads=True,
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + f"/documents/{figure['document_id']}")
        page.wait_for_selector("li.figure.current")
        before = line_values(export(page, tmp_path), target)

        page.click(f"#fig-{figure['figure_id']} .line1")
        page.keyboard.press("m")
        page.wait_for_selector("#move-dialog[open]")
        page.fill("#move-search", "tong tri gia qua")  # typed without diacritics
        option = page.locator(f'#move-results li[data-code="{target}"]')
        option.wait_for(timeout=10_000)
        option.click()
        page.check("#move-remember-on")
        page.fill("#move-remember", "trị giá xuất quà")
        page.click("#move-save")
        page.wait_for_selector(f"#fig-{figure['figure_id']}.status-corrected", timeout=10_000)
        assert not page.is_visible("#move-dialog")
        card = page.inner_text(f"#fig-{figure['figure_id']} .line-code")
        assert "Tổng trị giá quà tặng" in card

        after = line_values(export(page, tmp_path), target)
        context.close()
        assert errors == []

    assert Decimal(str(after[0])) == Decimal(str(before[0])) + Decimal("100000000")
    stored = store.figure(figure["figure_id"])
    assert stored["indicator_code"] == target and stored["review_status"] == "corrected"
    taught = store.learned_phrases()
    assert [(t["phrase"], t["indicator_code"], t["created_by"]) for t in taught] == [
        ("trị giá xuất quà", target, "lan")
    ]
    assert [e["action"] for e in store.reviews(figure_id=figure["figure_id"])] == ["correct"]
    store.close()


def export(page, folder: Path) -> Path:
    """Download consolidated.xlsx from the list page (all figures, reviewed or not); back to the document."""
    back = page.url
    page.goto(back.split("/documents/")[0] + "/documents")
    page.select_option("select[name=file]", "consolidated.xlsx")
    page.uncheck("input[name=reviewed_only]")
    with page.expect_download() as download:
        page.click("#export-button")
    path = folder / f"consolidated_{len(list(folder.glob('consolidated_*.xlsx')))}.xlsx"
    download.value.save_as(path)
    page.goto(back)
    page.wait_for_selector("li.figure.current")
    return path
