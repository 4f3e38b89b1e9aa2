"""The charts page: units of one period compared on one chart (bars sorted, every bar named in full
and its value written), one unit's periods of the same length in time order, chosen with a form.
The store is the Phú Ninh district batch (several communes, a corrected resubmission), consolidated
as the workbook is; an officer has put last year's fund ('cùng kỳ năm 2023: …', which the mapper
leaves unclassified) on the fund's line, so a commune has the same period in two years."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.consolidate import consolidate
from pipeline.review import create_app
from pipeline.review.charts import Choice, chart_page, indicator_charts, measure, period_shape
from pipeline.review.indicators import move_figure
from pipeline.review.numbers import format_number
from pipeline.store import open_store

BATCH = SAMPLES / "batches" / "huyen_phu_ninh_2024"
FUND = "QUY_VNN_VAN_DONG|money|VND|"  # Quỹ "Vì người nghèo": money raised
THIS_YEAR, YEAR_BEFORE = "6 tháng đầu năm 2024", "6 tháng đầu năm 2023"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    url = f"sqlite:///{folder / 'charts.db'}"
    ingest_into(url, [BATCH])
    opened = open_store(url)
    for figure in opened.figures():
        if figure["period"] == YEAR_BEFORE and figure["kind"] == "money" and figure["modality"] == "actual":
            move_figure(opened, figure, "QUY_VNN_VAN_DONG", "can_bo", comment="số cùng kỳ của quỹ")
    yield opened
    opened.close()


def fund_lines(store, period: str) -> list[dict]:
    lines = consolidate(store).consolidated
    chosen = lines[(lines["indicator_code"] == "QUY_VNN_VAN_DONG") & (lines["kind"] == "money")
                   & (lines["modality"] == "actual") & (lines["period"] == period)]
    return chosen.to_dict("records")


def pairs(lines: list[dict]) -> set[tuple[str, Decimal]]:
    return {(line["reporting_unit"], Decimal(str(line["value"]))) for line in lines}


def drawn(svg: str, shape: str) -> list[tuple[str, Decimal, str]]:
    """(label, value, written value) of each bar or column, in drawing order, read back from the SVG."""
    root = ET.fromstring(str(svg))
    found = []
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("class") == shape:
            label, written = rect.find(f"{SVG}title").text.rsplit(": ", 1)
            found.append((label, Decimal(rect.get("data-value")), written))
    return found


def test_units_of_one_period_are_compared_on_one_chart_longest_bar_first(store) -> None:
    expected = fund_lines(store, THIS_YEAR)
    assert len(expected) >= 8, "the batch's communes all report the fund"
    page = indicator_charts(store, Choice(indicator=FUND, period=THIS_YEAR))
    (chart,) = page["compare"]  # all communes: one level, one chart
    bars = drawn(chart["svg"], "bar")
    assert [b[1] for b in bars] == sorted((b[1] for b in bars), reverse=True)
    assert {(b[0], b[1]) for b in bars} == pairs(expected)
    root = ET.fromstring(str(chart["svg"]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label, value, written in bars:
        assert written == f"{format_number(value)} đồng"  # written at its bar, the Vietnamese way
        assert label in texts and written in texts  # every bar named in full, never cut with "…"
    assert not any("…" in t for t in texts)
    assert any(THIS_YEAR in t for t in texts), "the full period name is on the chart"
    widths = [int(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1] > 0


def test_a_chart_never_mixes_two_periods(store) -> None:
    """Tam Thành's report gives last year's fund too ('cùng kỳ năm 2023'): it is never a bar of 2024."""
    earlier = pairs(fund_lines(store, YEAR_BEFORE))
    assert earlier, "the batch states the same period a year before"
    for period in (THIS_YEAR, YEAR_BEFORE):
        page = indicator_charts(store, Choice(indicator=FUND, period=period))
        assert page["period"] == period
        in_period = pairs(fund_lines(store, period))
        for chart in page["compare"]:
            assert {(b[0], b[1]) for b in drawn(chart["svg"], "bar")} <= in_period
    this_year = drawn(indicator_charts(store, Choice(FUND, THIS_YEAR))["compare"][0]["svg"], "bar")
    assert [b[1] for b in this_year if b[0].endswith("xã Tam Thành")] == [Decimal(86_500_000)]


def test_one_units_trend_runs_in_time_order(store) -> None:
    unit = "Ủy ban MTTQ Việt Nam xã Tam Thành"
    page = indicator_charts(store, Choice(indicator=FUND, period=THIS_YEAR, unit=unit))
    assert page["unit"] == unit
    columns = drawn(page["trend"]["svg"], "column")
    assert [c[0] for c in columns] == [YEAR_BEFORE, THIS_YEAR]
    assert [c[1] for c in columns] == [Decimal(205_500_000), Decimal(86_500_000)]  # as the report states
    root = ET.fromstring(str(page["trend"]["svg"]))
    xs = [float(r.get("x")) for r in root.iter(f"{SVG}rect") if r.get("class") == "column"]
    assert xs == sorted(xs)


def row(period: str, value: int, unit: str = "xã A") -> dict:
    """A consolidated line of indicator X (households helped) as consolidation gives it."""
    return {"period": period, "reporting_unit": unit, "level": "xã", "indicator_code": "X", "kind": "count",
            "unit": "hộ", "per": "", "modality": "actual", "value": Decimal(value),
            "shown": format_number(value)}


def test_a_trend_keeps_periods_of_the_same_length_and_orders_them_by_time() -> None:
    """Lines given out of order, with a year and a 3-year programme beside 6-month figures."""
    lines = pd.DataFrame([
        row("6 tháng đầu năm 2025", 30), row("năm 2024", 100), row("6 tháng đầu năm 2023", 10),
        row("giai đoạn 2021–2024", 400), row("6 tháng đầu năm 2024", 20),
        row("6 tháng đầu năm 2024", 5, "xã B"),
    ])
    choice = Choice(indicator="X|count|hộ|", period="6 tháng đầu năm 2024", unit="xã A")
    page = chart_page(lines, {"X": "Hộ được hỗ trợ"}, choice)
    columns = drawn(page["trend"]["svg"], "column")
    assert [c[0] for c in columns] == ["6 tháng đầu năm 2023", "6 tháng đầu năm 2024", "6 tháng đầu năm 2025"]
    assert page["trend"]["others"] == ["giai đoạn 2021–2024", "năm 2024"]  # listed apart, never drawn beside
    assert [b[0] for b in drawn(page["compare"][0]["svg"], "bar")] == ["xã A", "xã B"]
    assert page["periods"] == ["giai đoạn 2021–2024", "6 tháng đầu năm 2023", "6 tháng đầu năm 2024",
                               "năm 2024", "6 tháng đầu năm 2025"]
    assert period_shape("6 tháng đầu năm 2023") == period_shape("6 tháng đầu năm 2025")
    assert period_shape("6 tháng đầu năm 2023") != period_shape("6 tháng cuối năm 2023")
    assert measure("VND", "suất") == "đồng/suất" and measure("VND/hộ") == "đồng/hộ"


def test_the_form_chooses_and_a_chart_downloads_as_svg(store) -> None:
    client = TestClient(create_app(store.url), base_url="http://127.0.0.1")
    page = client.get("/indicators", params={"indicator": FUND, "period": YEAR_BEFORE})
    assert page.status_code == 200
    assert f'<option value="{YEAR_BEFORE}" selected>' in page.text
    assert page.text.count('class="chart chart-compare"') == 1
    assert "(đồng) · QUY_VNN_VAN_DONG" in page.text  # indicators are named, with their code
    svg = client.get("/indicators/chart.svg", params={"chart": "compare", "indicator": FUND,
                                                      "period": THIS_YEAR, "level": "xã"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert len(drawn(svg.text, "bar")) == len(fund_lines(store, THIS_YEAR))
    unknown = client.get("/indicators", params={"indicator": "NO|such|thing|", "period": "x"})
    assert unknown.status_code == 200 and "selected" in unknown.text  # falls back to the page's default


def test_charts_follow_decisions(store, tmp_path: Path) -> None:
    """A rejected figure leaves the chart, as it leaves the workbook."""
    from pipeline.review.auth import local_user

    before = fund_lines(store, THIS_YEAR)
    gone = min(before, key=lambda line: line["value"])
    for figure_id in gone["figure_ids"].split():
        store.review(figure_id, "reject", user=local_user(), comment="thử")
    try:
        chart = indicator_charts(store, Choice(indicator=FUND, period=THIS_YEAR))["compare"][0]
        bars = drawn(chart["svg"], "bar")
        assert gone["reporting_unit"] not in {b[0] for b in bars}
        assert len(bars) == len(before) - 1
    finally:
        for figure_id in gone["figure_ids"].split():
            store.review(figure_id, "reset", user=local_user(), comment="hoàn tác")
