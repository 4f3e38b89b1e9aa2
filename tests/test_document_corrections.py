"""An officer corrects who reported, for which period and what kind of document — on the review page
and with `tonghop document set` — and the tables follow; the correction is audited and survives a
re-ingest of the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pipeline.cli import app as cli
from pipeline.consolidate import consolidate
from pipeline.review import create_app
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.store import open_store

KRONG_NO = "Ủy ban MTTQ Việt Nam huyện Krông Nô"


@pytest.fixture
def loaded(tmp_path: Path, store_url: str):
    """Seed 000 (MTTQ of huyện Cư Jút, năm 2020 and a 2021 programme) loaded into a fresh store."""
    seed = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(seed, tmp_path / seed.name)
    (result,) = ingest_into(store_url, [tmp_path / seed.name])
    store = open_store(store_url)
    yield store, result.document_id, tmp_path / seed.name
    store.close()


def client_for(url: str) -> TestClient:
    client = TestClient(create_app(url), base_url="http://127.0.0.1", headers={"accept": "application/json"})
    client.get("/")
    client.headers[HEADER] = client.cookies[COOKIE]
    return client


def test_the_unit_picker_finds_units_with_or_without_diacritics(loaded) -> None:
    store, _, _ = loaded
    client = client_for(store.url)
    found = client.get("/api/units", params={"q": "krong no"}).json()
    assert any(u["code"] == "old:H664" and u["name"] == "huyện Krông Nô" for u in found), found
    assert client.get("/api/units", params={"q": "k"}).json() == []  # one letter is no search


def test_a_corrected_unit_and_period_move_the_figures_in_the_tables(loaded) -> None:
    store, document_id, _ = loaded
    client = client_for(store.url)
    response = client.post(
        f"/documents/{document_id}/metadata",
        data={"unit": "old:H664", "org": "MTTQ", "period": "năm 2019", "comment": "nhầm đầu văn bản"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    document = store.document(document_id)
    assert (document["unit_code"], document["unit_name"]) == ("old:H664/MTTQ", KRONG_NO)
    assert document["period"].startswith("năm 2019")
    lines = consolidate(store).consolidated
    assert set(lines["reporting_unit"]) == {KRONG_NO}
    assert "năm 2019" in set(lines["period"]) and "năm 2020" not in set(lines["period"])
    (log,) = store.document_reviews(document_id=document_id)
    assert log["comment"] == "nhầm đầu văn bản" and log["after"]["unit_code"] == "old:H664/MTTQ"
    assert log["before"]["unit_code"] == "old:H662/MTTQ"


def test_a_unit_that_fits_several_places_is_refused_with_the_choices(loaded) -> None:
    store, document_id, _ = loaded
    response = client_for(store.url).post(f"/documents/{document_id}/metadata", data={"unit": "Phường 1"})
    assert response.status_code == 422 and "khớp" in response.json()["message"]
    assert store.document(document_id)["unit_code"] == "old:H662/MTTQ"


def test_the_correction_survives_a_reingest_of_the_same_file(loaded, tmp_path: Path) -> None:
    store, document_id, path = loaded
    runner = CliRunner()
    result = runner.invoke(
        cli, ["document", "set", str(document_id), "--unit", "huyện Krông Nô, tỉnh Đắk Nông", "--user", "lan",
              "--store", store.url],
    )
    assert result.exit_code == 0, result.output
    copy = tmp_path / "again" / path.name
    copy.parent.mkdir()
    shutil.copy(path, copy)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    other = open_store(fresh)
    other.migrate()
    assert other.import_corrections(store.corrections()) == 1  # e.g. moving from SQLite to PostgreSQL
    (again,) = ingest_into(fresh, [copy])
    reloaded = other.document(again.document_id)
    assert (reloaded["unit_code"], reloaded["unit_name"]) == ("old:H664/MTTQ", KRONG_NO)
    assert "unit_code" in reloaded["metadata"]["overridden"]
    other.close()
