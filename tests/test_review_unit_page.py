"""The unit page the overview links to: whether the unit must report, what it sent for which
period, and the reports of other bodies of the same place (a women's union beside the Front)."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.expected import read_units_file, resolve_rows
from pipeline.review import create_app
from pipeline.review.unit_page import unit_view
from pipeline.store import open_store

BATCH = SAMPLES / "batches" / "huyen_phu_ninh_2024"
PERIOD = "6 tháng đầu năm 2024"
FRONT, UNION = "Bao cao so ket 6 thang 2024 Tam Dan.pdf", "BC Hoi LHPN Tam Dan 6 thang 2024.docx"


def test_a_unit_that_reported_and_one_that_did_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'units.db'}"
    ingest_into(url, [BATCH / FRONT, BATCH / UNION])
    store = open_store(url)
    units, errors = resolve_rows(read_units_file(BATCH / "expected_units.yaml"), "expected_units.yaml")
    assert errors == []
    store.set_expected_units(units, source="expected_units.yaml")
    try:
        front = unit_view(store, "old:X20374/MTTQ", PERIOD)  # Ủy ban MTTQ xã Tam Đàn
        assert front["expected"] and [d["path"] for d in front["reported_in_period"]] == [FRONT]
        assert [d["path"] for d in front["same_place"]] == [UNION]  # the union is no report of the Front
        missing = unit_view(store, "old:X20395/MTTQ", PERIOD)  # xã Tam Lãnh never reports
        assert missing["name"] == "Ủy ban MTTQ Việt Nam xã Tam Lãnh"
        assert missing["reported_in_period"] == [] and missing["documents"] == []
        page = TestClient(create_app(url), base_url="http://127.0.0.1").get(
            "/unit", params={"code": "old:X20395/MTTQ", "period": PERIOD})
        assert page.status_code == 200 and 'id="unit-missing"' in page.text
        assert "huyện Phú Ninh, tỉnh Quảng Nam" in page.text
        unknown = unit_view(store, "old:X99999/MTTQ", PERIOD)
        assert unknown["expected"] is None and unknown["name"] == "old:X99999/MTTQ"
    finally:
        store.close()
