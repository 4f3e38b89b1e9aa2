"""Moving figures between consolidated lines on the review page, and what the store learns from it."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.consolidate import consolidate
from pipeline.normalise.remap import remap_store
from pipeline.review import create_app
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.store import open_store


@pytest.fixture
def review(tmp_path: Path):
    """A client with a CSRF token, the SQLite store behind it and the seed 000 document's id."""
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    (result,) = ingest_into(url, [tmp_path / seed.name])
    client = TestClient(create_app(url), base_url="http://127.0.0.1", headers={"accept": "application/json"})
    client.get("/")
    client.headers[HEADER] = client.cookies[COOKIE]
    store = open_store(url)
    yield client, store, result.document_id, tmp_path
    store.close()


def by_quote(store, quote: str) -> dict:
    return next(f for f in store.figures() if f["quote"] == quote)


def line_value(store, code: str) -> Decimal:
    lines = consolidate(store).consolidated
    chosen = lines[(lines["indicator_code"] == code) & (lines["modality"] == "actual")]
    return sum((Decimal(v) for v in chosen["value"]), Decimal(0))


@pytest.mark.parametrize("query", ["nhà đại đoàn kết sửa chữa", "nha dai doan ket sua chua", "NHA DDK SUA"])
def test_the_catalogue_is_searched_with_or_without_diacritics(review, query):
    client, *_ = review
    found = client.get("/catalogue/search", params={"q": query}).json()["indicators"]
    assert "NHA_DDK_SUA_CHUA" in [line["code"] for line in found]
    assert "QUY_VNN_VAN_DONG" not in [line["code"] for line in found]


def test_a_moved_figure_counts_on_its_new_line_at_once_and_the_move_can_be_undone(review):
    client, store, document_id, _ = review
    figure = by_quote(store, "100.000.000đ")  # "Tiếp nhận 100 xuất quà, trị giá 100.000.000đ": unsure
    assert figure["indicator_code"] == "" and "QUA_TET_TRI_GIA" in figure["indicator_candidates"]
    before = line_value(store, "QUA_TET_TRI_GIA")
    url = f"/documents/{document_id}/figures/{figure['figure_id']}/indicator"
    response = client.post(url, data={"code": "QUA_TET_TRI_GIA", "comment": "quà của doanh nghiệp"})
    assert response.status_code == 200, response.text
    assert "Tổng trị giá quà tặng" in response.json()["card"]
    assert line_value(store, "QUA_TET_TRI_GIA") == before + Decimal("100000000")
    undo = client.post(
        f"/documents/{document_id}/figures/{figure['figure_id']}/undo",
        data={"review_id": response.json()["review_id"]},
    )
    assert undo.status_code == 200 and store.figure(figure["figure_id"])["indicator_code"] == ""
    assert line_value(store, "QUA_TET_TRI_GIA") == before


def test_a_move_the_line_cannot_take_is_refused_with_the_reason(review):
    client, store, document_id, _ = review
    figure = by_quote(store, "100.000.000đ")
    url = f"/documents/{document_id}/figures/{figure['figure_id']}/indicator"
    refused = client.post(url, data={"code": "NHA_DDK_XAY_MOI"})
    assert refused.status_code == 422 and "không nhận loại money" in refused.json()["message"]
    unknown = client.post(url, data={"code": "KHONG_CO"})
    assert unknown.status_code == 422 and "Không có chỉ tiêu" in unknown.json()["message"]


def test_not_to_be_consolidated_leaves_the_line_but_stays_listed(review):
    client, store, document_id, _ = review
    figure = by_quote(store, "252.307.000 đồng")
    before = line_value(store, "QUY_VNN_VAN_DONG")
    response = client.post(f"/documents/{document_id}/figures/{figure['figure_id']}/exclude", data={})
    assert response.status_code == 200, response.text
    assert line_value(store, "QUY_VNN_VAN_DONG") == before - Decimal("252307000")
    row = consolidate(store).figures.set_index("figure_id").loc[figure["figure_id"]]
    assert not row["counted"] and "không tổng hợp" in row["why_not_counted"]


def test_an_officer_creates_a_line_and_moves_a_figure_onto_it(review):
    client, store, document_id, _ = review
    figure = by_quote(store, "465.000.000 đ")  # "đã chi kinh phí phục vụ phòng, chống dịch Covid-19"
    url = f"/documents/{document_id}/figures/{figure['figure_id']}/indicator"
    form = {
        "new_code": "CHI_PHONG_CHONG_DICH",
        "new_name": "Chi phục vụ phòng, chống dịch",
        "new_kind": "money",
        "new_unit": "VND",
        "new_combine": "sum",
    }
    assert client.post(url, data=form).status_code == 200
    assert line_value(store, "CHI_PHONG_CHONG_DICH") == Decimal("465000000")
    names = consolidate(store).consolidated.set_index("indicator_code")["indicator_name"]
    assert names["CHI_PHONG_CHONG_DICH"] == "Chi phục vụ phòng, chống dịch"
    again = client.post(url, data={**form, "new_code": "CHI_PHONG_CHONG_DICH"})
    assert again.status_code == 422 and "đã có" in again.json()["message"]
    bad = client.post(url, data={**form, "new_code": "TY_LE_X", "new_kind": "percent"})
    assert bad.status_code == 422 and "không được cộng" in bad.json()["message"]


def test_a_remembered_phrase_maps_the_next_batch_and_remap_applies_it(review):
    client, store, document_id, tmp_path = review
    figure = by_quote(store, "100.000.000đ")
    url = f"/documents/{document_id}/figures/{figure['figure_id']}/indicator"
    response = client.post(url, data={"code": "QUA_TET_TRI_GIA", "remember": "Tiếp nhận 100 xuất quà"})
    assert response.status_code == 200 and "Đã ghi nhớ" in response.json()["message"]
    (taught,) = store.learned_phrases()
    assert (taught["phrase"], taught["indicator_code"], taught["active"]) == (
        "tiếp nhận 100 xuất quà",
        "QUA_TET_TRI_GIA",
        True,
    )
    exported = yaml.safe_load(store.teaching_yaml())
    assert exported["learned_phrases"] == [{"code": "QUA_TET_TRI_GIA", "phrases": ["tiếp nhận 100 xuất quà"]}]

    # the next batch: another report with the same wording is mapped by what was taught
    other = tmp_path / "bao_cao_khac.txt"
    other.write_text(
        "ỦY BAN MTTQ VIỆT NAM XÃ EA PÔ\nBÁO CÁO kết quả công tác năm 2020\n"
        "- Tiếp nhận 100 xuất quà, trị giá 80.000.000đ của doanh nghiệp hỗ trợ người nghèo.\n",
        encoding="utf-8",
    )
    ingest_into(store.url, [other])
    assert by_quote(store, "80.000.000đ")["indicator_code"] == "QUA_TET_TRI_GIA"

    # remap: figures already stored follow the taught phrase too, the officer's own correction stays
    store.forget_phrase(taught["id"], user="lan")
    assert remap_store(store) >= 1 and by_quote(store, "80.000.000đ")["indicator_code"] == ""
    store.learn_phrase("tiếp nhận 100 xuất quà", "QUA_TET_TRI_GIA", user="lan")
    assert remap_store(store) >= 1 and by_quote(store, "80.000.000đ")["indicator_code"] == "QUA_TET_TRI_GIA"
    assert store.figure(figure["figure_id"])["review_status"] == "corrected"
    log = store.learned_phrases()
    assert [(r["active"], r["removed_by"]) for r in log] == [(False, "lan"), (True, "")]


def test_tonghop_remap_exports_what_officers_taught(review):
    from typer.testing import CliRunner

    from pipeline.cli import app

    _client, store, _document_id, tmp_path = review
    store.learn_phrase("trị giá xuất quà", "QUA_TET_TRI_GIA", user="lan")
    out = tmp_path / "taught.yaml"
    result = CliRunner().invoke(app, ["remap", "--store", store.url, "--export-taught", str(out)])
    assert result.exit_code == 0, result.output
    assert "số liệu đổi chỉ tiêu" in result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["learned_phrases"] == [
        {"code": "QUA_TET_TRI_GIA", "phrases": ["trị giá xuất quà"]}
    ]
    assert by_quote(store, "100.000.000đ")["indicator_code"] == "QUA_TET_TRI_GIA"
