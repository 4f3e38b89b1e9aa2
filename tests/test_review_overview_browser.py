"""The period overview in a real headless Chromium: choose a period, see who has not reported,
follow an alarm to its figure, accept the list in bulk after confirming and undo it after a
reload. Screenshots go to output/screens/ (not committed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, ingest_into

from pipeline.expected import UnitRow, resolve_rows
from pipeline.review import create_app
from pipeline.store import open_store

pytestmark = pytest.mark.browser
SCREENS = REPO / "output" / "screens"


def test_an_officer_opens_a_period_follows_an_alarm_and_undoes_a_bulk_accept(
    tmp_path: Path, browser, live_server
):
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    ingest_into(url, [tmp_path / seed.name])
    store = open_store(url)
    expected, _ = resolve_rows(
        [UnitRow(1, "Ủy ban MTTQ Việt Nam huyện Cư Jút", "huyện Cư Jút, tỉnh Đắk Nông", ""),
         UnitRow(2, "MTTQ huyện Krông Nô", "", "")],
        "test",
    )
    store.set_expected_units(expected, source="test")
    store.close()
    SCREENS.mkdir(parents=True, exist_ok=True)
    with live_server(create_app(url)) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "/")
        page.select_option("#period-select", "năm 2020")
        page.click("#period-form button")
        page.wait_for_selector("#missing")
        assert "Krông Nô" in page.inner_text("#missing")
        assert int(page.inner_text("#count-unreviewed")) > 0
        page.screenshot(path=str(SCREENS / "overview.png"), full_page=True)
        link = page.locator("#alarms a").first
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()
        page.wait_for_selector(f"#{target}")
        assert page.url.endswith(f"#{target}")
        page.screenshot(path=str(SCREENS / "overview_alarm_figure.png"))
        page.click("form.bulk button")  # accept the whole list: a page asks first
        page.wait_for_selector("#confirm-bulk")
        page.screenshot(path=str(SCREENS / "bulk_confirm.png"))
        page.click("#confirm-bulk-button")
        page.wait_for_selector("#undo-batch")
        assert page.locator("li.figure.status-unreviewed").count() == 0
        page.reload()  # the undo lives on the server
        page.click("#undo-batch-button")
        page.wait_for_selector("li.figure.current")
        assert page.locator("#undo-batch").count() == 0
        assert page.locator("li.figure.status-accepted").count() == 0
        page.screenshot(path=str(SCREENS / "bulk_undone.png"))
        page.goto(server.url + "/documents")
        assert seed.name in page.inner_text("table.documents")
        page.screenshot(path=str(SCREENS / "documents.png"), full_page=True)
        assert errors == []
