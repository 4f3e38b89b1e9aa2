"""The review page's home, a period's overview: who reported and when, who has not, what is left
to review or classify, the alarms — each linked to the figures behind it (TestClient, SQLite)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.expected import UnitRow, resolve_rows
from pipeline.review import create_app
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.store import open_store

CU_JUT = "Ủy ban MTTQ Việt Nam huyện Cư Jút"
KRONG_NO = "Ủy ban MTTQ Việt Nam huyện Krông Nô"


@pytest.fixture
def overview(tmp_path: Path):
    """Seed 000 (Cư Jút, results of năm 2020) loaded; Cư Jút and Krông Nô are expected to report."""
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    (result,) = ingest_into(url, [tmp_path / seed.name])
    store = open_store(url)
    expected, errors = resolve_rows(
        [UnitRow(1, CU_JUT, "huyện Cư Jút, tỉnh Đắk Nông", ""), UnitRow(2, "MTTQ huyện Krông Nô", "", "")],
        "test",
    )
    assert errors == []
    store.set_expected_units(expected, source="test")
    client = TestClient(create_app(url), base_url="http://127.0.0.1")
    yield client, store, result.document_id
    store.close()


def section(page: str, ident: str) -> str:
    """The HTML of one table of the page, by its id."""
    return page.split(f'id="{ident}"', 1)[1].split("</table>", 1)[0]


def count(page: str, ident: str) -> int:
    return int(page.split(f'id="{ident}">', 1)[1].split("<", 1)[0])


def test_the_home_page_shows_who_reported_who_has_not_and_what_is_left(overview):
    client, store, document_id = overview
    page = html.unescape(client.get("/", params={"period": "năm 2020"}).text)
    assert '<option value="năm 2020" selected>' in page
    reported = section(page, "reported")
    assert CU_JUT in reported and f'href="/documents/{document_id}"' in reported
    assert KRONG_NO in section(page, "missing") and count(page, "count-missing") == 1
    of_2020 = [f for f in store.figures() if f["period"] == "năm 2020"]
    unreviewed = sum(f["review_status"] == "unreviewed" for f in of_2020)
    assert count(page, "count-unreviewed") == unreviewed > 0
    assert f'href="/documents/{document_id}?status=unreviewed">{unreviewed}<' in reported
    unclassified = sum(f["indicator_code"] == "" for f in of_2020)
    assert count(page, "count-unclassified") == unclassified

    client.get("/documents")
    client.headers[HEADER] = client.cookies[COOKIE]
    figure = next(f for f in of_2020 if f["review_status"] == "unreviewed")
    decided = client.post(f"/documents/{document_id}/figures/{figure['figure_id']}/decision",
                          data={"action": "accept"}, headers={"accept": "application/json"})
    assert decided.status_code == 200, decided.text
    after = html.unescape(client.get("/", params={"period": "năm 2020"}).text)
    assert count(after, "count-unreviewed") == unreviewed - 1


def test_parts_that_do_not_add_up_link_to_the_figures_of_their_line(overview):
    client, store, document_id = overview
    page = html.unescape(client.get("/", params={"period": "năm 2020"}).text)
    alarms = section(page, "alarms")
    assert count(page, "count-alarms") >= 1 and "NTM_NGUON_LUC" in alarms
    figure_ids = {f["figure_id"] for f in store.figures(document_id=document_id)}
    links = [part.split('"', 1)[0] for part in alarms.split(f'href="/documents/{document_id}#fig-')[1:]]
    assert links and set(links) <= figure_ids


def test_an_unknown_period_shows_the_latest_and_the_document_list_has_its_own_page(overview):
    client, _, document_id = overview
    page = html.unescape(client.get("/", params={"period": "không có kỳ này"}).text)
    periods = [p.split('"', 1)[0] for p in page.split('<option value="')[1:]]
    assert periods and f'<option value="{periods[-1]}" selected>' in page
    listing = client.get("/documents").text
    assert f'href="/documents/{document_id}"' in listing and "Xuất số liệu" in listing
