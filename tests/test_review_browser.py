"""End to end in a real headless Chromium: an officer reviews a seed report with the keyboard and exports."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, ingest_into

from pipeline.review import create_app
from pipeline.review.users import set_user
from pipeline.store import open_store

pytestmark = pytest.mark.browser
PASSWORD = "mat-khau-cua-lan"
CORRECTED = "987.654.321"  # typed the Vietnamese way; no extractor would produce it from the seed


def card(page, fid: str, status: str) -> None:
    page.wait_for_selector(f"#fig-{fid}.status-{status}", timeout=10_000)


def current(page) -> str:
    return page.get_attribute("li.figure.current", "data-fid")


def test_an_officer_reviews_a_seed_report_with_the_keyboard_and_exports_it(
    tmp_path: Path, browser, live_server
):
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    (loaded,) = ingest_into(url, [tmp_path / seed.name])
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
        page.goto(server.url + "/documents")
        page.click(f"text={seed.name}")
        page.wait_for_selector("li.figure.current")
        cards = page.eval_on_selector_all("li.figure", "cards => cards.map(c => c.dataset.fid)")
        assert len(cards) == loaded.figures >= 6
        accepted, corrected, rejected = cards[:3]

        assert current(page) == accepted
        page.keyboard.press("a")
        card(page, accepted, "accepted")
        assert current(page) == corrected, "a decision moves on to the next figure"

        page.keyboard.press("e")
        page.wait_for_selector("#edit-dialog[open]")
        page.fill("#edit-form input[name=value]", CORRECTED)
        page.fill("#edit-form input[name=comment]", "sửa theo bảng tổng hợp")
        page.keyboard.press("Enter")
        card(page, corrected, "corrected")
        assert not page.is_visible("#edit-dialog")

        assert current(page) == rejected
        page.keyboard.press("x")
        card(page, rejected, "rejected")
        page.keyboard.press("Backspace")  # undo the rejection …
        card(page, rejected, "unreviewed")
        assert current(page) == rejected
        page.keyboard.press("x")  # … and reject again
        card(page, rejected, "rejected")

        page.keyboard.press("k")
        assert current(page) == rejected
        page.keyboard.press("j")
        page.keyboard.press(" ")  # skip: no decision, just the next one
        assert current(page) == cards[4]
        card(page, cards[3], "unreviewed")

        page.click(f"#fig-{corrected} .line1")
        mark = page.locator(f'mark[data-fid="{corrected}"]').first
        assert "status-corrected" in mark.get_attribute("class")
        screenshot = REPO / "output" / "review_document.png"
        screenshot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(screenshot))

        page.reload()
        page.wait_for_selector("li.figure.current")
        for fid, status in ((accepted, "accepted"), (corrected, "corrected"), (rejected, "rejected")):
            card(page, fid, status)
            assert f"status-{status}" in page.get_attribute(f'mark[data-fid="{fid}"]', "class")
        assert CORRECTED in page.inner_text(f"#fig-{corrected} .value")
        assert page.inner_text('[data-count="accepted"]') == "1"
        assert errors == []

        page.goto(server.url + "/documents")
        page.select_option("select[name=file]", "figures.csv")
        assert page.is_checked("input[name=reviewed_only]")
        with page.expect_download() as download:
            page.click("#export-button")
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        context.close()

    rows = {row["figure_id"]: row for row in csv.DictReader(exported.splitlines())}
    assert Decimal(rows[corrected]["value"]) == Decimal("987654321")
    assert accepted in rows
    assert rejected not in rows and cards[3] not in rows, "reviewed-only leaves out the rest"
    store = open_store(url)
    log = store.reviews()
    assert {entry["user"] for entry in log} == {"lan"}
    assert [e["action"] for e in log if e["figure_id"] == corrected] == ["correct"]
    assert store.figure(corrected)["original"]["value"] != "987654321", "the extractor's value is kept"
    store.close()
