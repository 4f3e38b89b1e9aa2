"""Decisions through the review page's routes: the store changes, the original stays, the log grows."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.review import create_app
from pipeline.review.auth import local_user
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.review.numbers import NumberError, format_number, parse_number
from pipeline.store import open_store


@pytest.fixture
def review(tmp_path: Path, store_url: str) -> tuple[TestClient, object, int]:
    """A client with a CSRF token, the store behind it (SQLite, then PostgreSQL) and a seed document's id."""
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = store_url
    (result,) = ingest_into(url, [tmp_path / seed.name])
    client = TestClient(create_app(url), base_url="http://127.0.0.1", headers={"accept": "application/json"})
    client.get("/")
    client.headers[HEADER] = client.cookies[COOKIE]
    store = open_store(url)
    yield client, store, result.document_id
    store.close()


def decide(client: TestClient, document_id: int, figure_id: str, **form: str):
    return client.post(f"/documents/{document_id}/figures/{figure_id}/decision", data=form)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.500.000", "1500000"), ("149.364,5", "149364.5"), ("8,2", "8.2"), ("1500000", "1500000"),
     ("1.5", "1.5"), (" 05 ", "5"), ("2.400.000", "2400000")],
)
def test_numbers_are_read_the_way_reports_write_them(typed, value):
    assert parse_number(typed) == Decimal(value)
    assert parse_number(format_number(Decimal(value))) == Decimal(value)


@pytest.mark.parametrize("typed", ["", "abc", "1,500,000", "1.50.0", "12đ"])
def test_numbers_that_cannot_be_read_are_refused_with_a_hint(typed):
    with pytest.raises(NumberError, match=r"1\.500\.000"):
        parse_number(typed)


def test_a_correction_edits_the_figure_keeps_the_original_and_is_logged(review):
    client, store, document_id = review
    figure = store.figures(document_id=document_id)[0]
    response = decide(client, document_id, figure["figure_id"], action="correct", value="1.234.567,5",
                      unit="hộ nghèo", comment="đối chiếu phụ lục")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "corrected"
    assert "1.234.567,5" in response.json()["card"]
    assert "Đã sửa giá trị" in response.json()["card"] and "Đã sửa đơn vị tính" in response.json()["card"]
    stored = store.figure(figure["figure_id"])
    assert stored["value"] == Decimal("1234567.5") and stored["unit"] == "hộ nghèo"
    assert Decimal(stored["original"]["value"]) == Decimal(figure["value"])
    (entry,) = store.reviews(figure_id=figure["figure_id"])
    assert entry["user"] == local_user() and entry["comment"] == "đối chiếu phụ lục"
    assert Decimal(entry["before"]["value"]) == Decimal(figure["value"])
    assert Decimal(entry["after"]["value"]) == Decimal("1234567.5")
    assert entry["at"] is not None


def test_wrong_input_is_explained_and_changes_nothing(review):
    client, store, document_id = review
    first, other = store.figures(document_id=document_id)[:2]
    bad_number = decide(client, document_id, first["figure_id"], action="correct", value="mười hai")
    assert bad_number.status_code == 422 and "1.500.000" in bad_number.json()["message"]
    unchanged = decide(client, document_id, first["figure_id"], action="correct",
                       value=format_number(first["value"]))
    assert unchanged.status_code == 422 and "Không có gì thay đổi" in unchanged.json()["message"]
    bad_kind = decide(client, document_id, first["figure_id"], action="correct", kind="tiền")
    assert bad_kind.status_code == 422
    no_denominator = decide(client, document_id, first["figure_id"], action="correct", kind="ratio",
                            denominator="")
    assert no_denominator.status_code == 422 and "mẫu số" in no_denominator.json()["message"]
    upside_down = decide(
        client, document_id, first["figure_id"], action="correct", value="10", approx="range", upper="5"
    )
    assert upside_down.status_code == 422 and "Cận trên" in upside_down.json()["message"]
    bad_action = decide(client, document_id, first["figure_id"], action="delete")
    assert bad_action.status_code == 422
    elsewhere = decide(client, document_id + 1, other["figure_id"], action="accept")
    assert elsewhere.status_code == 404
    assert store.reviews() == []


def test_undo_puts_back_exactly_what_was_there(review):
    client, store, document_id = review
    figure = store.figures(document_id=document_id)[0]
    fid = figure["figure_id"]
    accepted = decide(client, document_id, fid, action="accept").json()
    corrected = decide(client, document_id, fid, action="correct", value="42").json()
    undo = f"/documents/{document_id}/figures/{fid}/undo"
    assert client.post(undo, data={"review_id": corrected["review_id"]}).json()["status"] == "accepted"
    assert store.figure(fid)["value"] == figure["value"]
    assert client.post(undo, data={"review_id": accepted["review_id"]}).json()["status"] == "unreviewed"
    back = store.figure(fid)
    assert back["review_status"] == "unreviewed" and back["value"] == figure["value"]
    assert [e["action"] for e in store.reviews(figure_id=fid)][:2] == ["accept", "correct"]
    assert len(store.reviews(figure_id=fid)) >= 4, "undos are decisions too, and are logged"


def test_bulk_accept_takes_the_filtered_unreviewed_figures_only(review):
    client, store, document_id = review
    figures = store.figures(document_id=document_id)
    money = [f for f in figures if f["kind"] == "money"]
    assert len(money) >= 3, "seed 000 states many amounts of money"
    decide(client, document_id, money[0]["figure_id"], action="reject")
    page = client.get(f"/documents/{document_id}", params={"kind": "money"}, headers={"accept": "text/html"})
    selection = [f["figure_id"] for f in money if f"value=\"{f['figure_id']}\"" in page.text]
    assert len(selection) == len(money) - 1, "the form carries the filtered, still unreviewed figures"
    chosen = [*selection, money[0]["figure_id"], figures[-1]["figure_id"] + "x"]
    asked = client.post(f"/documents/{document_id}/accept-selection", data={"figure_id": chosen},
                        headers={"accept": "text/html"})
    assert asked.status_code == 200 and 'id="confirm-bulk"' in asked.text, "first the officer confirms"
    assert all(f["review_status"] == "unreviewed" for f in store.figures(document_id=document_id)
               if f["figure_id"] != money[0]["figure_id"])
    response = client.post(
        f"/documents/{document_id}/accept-selection",
        data={"figure_id": chosen, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert f"accepted={len(selection)}" in response.headers["location"]
    states = {f["figure_id"]: f["review_status"] for f in store.figures(document_id=document_id)}
    assert states[money[0]["figure_id"]] == "rejected", "bulk accept never overrides a decision"
    assert all(states[fid] == "accepted" for fid in selection)
    untouched = set(states) - set(selection) - {money[0]["figure_id"]}
    assert all(states[fid] == "unreviewed" for fid in untouched)


def test_a_bulk_accept_is_undone_as_one_step_even_after_a_reload(review, store_url):
    client, store, document_id = review
    figures = store.figures(document_id=document_id)
    chosen = [f["figure_id"] for f in figures if f["kind"] == "money"]
    client.post(f"/documents/{document_id}/accept-selection", data={"figure_id": chosen, "confirmed": "yes"})
    decide(client, document_id, chosen[0], action="reject")  # decided over after the batch: stays
    fresh = TestClient(create_app(store_url), base_url="http://127.0.0.1")  # another session, same store
    page = fresh.get(f"/documents/{document_id}").text
    assert f"Hoàn tác cả lô ({len(chosen) - 1} số liệu)" in page
    batch = page.split('name="batch" value="', 1)[1].split('"', 1)[0]
    undo_url = f"/documents/{document_id}/undo-batch"
    undone = client.post(undo_url, data={"batch": batch}, follow_redirects=False)
    assert undone.status_code == 303 and "notice=" in undone.headers["location"]
    states = {f["figure_id"]: f["review_status"] for f in store.figures(document_id=document_id)}
    assert states[chosen[0]] == "rejected" and all(states[fid] == "unreviewed" for fid in chosen[1:])
    assert 'id="undo-batch"' not in client.get(f"/documents/{document_id}").text
    again = client.post(undo_url, data={"batch": batch})
    assert again.status_code == 422


def test_least_sure_first_when_asked(review):
    """Sorted by the indicator score (unclassified first), then by the extractor's confidence."""
    client, store, document_id = review
    html = client.get(f"/documents/{document_id}?sort=confidence", headers={"accept": "text/html"}).text
    order = [f["figure_id"] for f in store.figures(document_id=document_id)]
    shown = sorted(order, key=lambda fid: html.index(f'id="fig-{fid}"'))
    figures = store.figures(document_id=document_id)
    sureness = {f["figure_id"]: (f["indicator_score"], f["confidence"]) for f in figures}
    assert [sureness[f] for f in shown] == sorted(sureness.values())
    assert sureness[shown[0]][0] < sureness[shown[-1]][0]
    first = html.index(f'id="fig-{shown[0]}"')
    assert "điểm " in html[first : first + 3000]  # the score is on the card


def test_pages_show_the_review_state(review):
    client, store, document_id = review
    figure = store.figures(document_id=document_id)[0]
    decide(client, document_id, figure["figure_id"], action="reject", comment="không phải số liệu")
    listing = client.get("/documents", headers={"accept": "text/html"}).text
    assert "đã loại" in listing
    audit = client.get(f"/documents/{document_id}/audit", headers={"accept": "text/html"}).text
    assert "không phải số liệu" in audit and local_user() in audit
    export_box = listing.split('action="/export"', 1)[1]
    figures = store.figures()
    reviewed = [f for f in figures if f["review_status"] in ("accepted", "corrected")]
    assert f'id="export-all-count">{len(figures)}<' in export_box
    assert f'id="export-reviewed-count">{len(reviewed)}<' in export_box
    assert "checked" not in export_box.split("reviewed_only", 1)[1].split(">", 1)[0], "nothing reviewed yet"
    charts = client.get("/indicators", headers={"accept": "text/html"}).text
    assert charts.count("<svg") >= 1
    missing = client.get("/documents/99999", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "Không có văn bản" in missing.text


def test_a_replaced_report_points_to_the_submission_that_replaced_it(tmp_path: Path, store_url: str) -> None:
    seed = next(SAMPLES.glob("000_*.txt"))
    first, second = tmp_path / "lần 1", tmp_path / "lần 2"
    first.mkdir()
    second.mkdir()
    shutil.copy(seed, first / seed.name)
    corrected = seed.read_text(encoding="utf-8").replace("458.358.000đ", "458.358.001đ")
    (second / seed.name).write_text(corrected, encoding="utf-8")
    (old,) = ingest_into(store_url, [first / seed.name])
    (new,) = ingest_into(store_url, [second / seed.name])
    assert new.status == "loaded" and "cán bộ cần chọn" in new.message  # undated: an officer chooses
    store = open_store(store_url)
    assert store.choose_document(new.document_id, user="lan") == [old.document_id]
    store.close()

    client = TestClient(create_app(store_url), base_url="http://127.0.0.1")
    page = client.get(f"/documents/{old.document_id}").text
    assert "đã được thay bằng bản gửi sau" in page
    assert f'href="/documents/{new.document_id}"' in page.split('id="replaced-by"')[1].split("</p>")[0]
    assert 'id="replaced-by"' not in client.get(f"/documents/{new.document_id}").text
    listing = client.get("/documents").text
    assert f'href="/documents/{old.document_id}"' not in listing, "replaced reports are hidden by default"
    assert "1 bản đã bị thay" in listing and 'href="/documents?replaced=1"' in listing
    listing = client.get("/documents", params={"replaced": 1}).text
    assert f'→ <a href="/documents/{new.document_id}">{seed.name}</a>' in listing
