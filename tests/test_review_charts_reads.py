"""The charts page at a province's scale: it reads the stored cells by index, only the chosen
indicator × period's lines and one unit's, never the whole table, and it draws the same page as the
consolidated lines read whole would give. A period with more units than a chart can hold shows the
largest and says, in Vietnamese, how many are left out. The store is the Phú Ninh district batch."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient
from test_review_charts import drawn, row

import pipeline.review.charts as charts
from pipeline.consolidate import consolidate
from pipeline.normalise.catalogue import store_catalogue
from pipeline.review import create_app
from pipeline.review.charts import Choice, chart_page, indicator_charts
from pipeline.store import open_store

BATCH = SAMPLES / "batches" / "huyen_phu_ninh_2024"
FUND = "QUY_VNN_VAN_DONG|money|VND|"
PERIOD = "6 tháng đầu năm 2024"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('chart-reads') / 'charts.db'}"
    ingest_into(url, [BATCH])
    opened = open_store(url)
    indicator_charts(opened)  # the cells brought up to date before anything is counted
    yield opened
    opened.close()


class CellReads:
    """Every statement that reads the cells table while it listens: how many rows it returned (run
    again, counted) and SQLite's plan for it."""

    def __init__(self, store) -> None:
        self.store, self.statements = store, []

    def __enter__(self) -> CellReads:
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._seen)  # the app's engine too
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and " cells" in statement:
            self.statements.append((statement, parameters))

    def rows(self) -> int:
        with self.store.engine.connect() as conn:
            counted = (conn.exec_driver_sql(f"SELECT count(*) FROM ({s})", p) for s, p in self.statements)
            return sum(result.scalar() for result in counted)

    def plans(self) -> list[str]:
        with self.store.engine.connect() as conn:
            return [" | ".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p))
                    for s, p in self.statements]


def test_the_counts_follow_the_cells(store) -> None:
    """`cell_series` is what the choices are offered from: per indicator and period, its cells."""
    columns = "variant, modality, indicator_code, kind, unit, per, period"
    with store.engine.connect() as conn:
        counted = conn.exec_driver_sql(f"SELECT {columns}, lines FROM cell_series ORDER BY {columns}").all()
        grouped = conn.exec_driver_sql(
            f"SELECT {columns}, count(*) FROM cells GROUP BY {columns} ORDER BY {columns}").all()
    assert counted == grouped and len(counted) > 10


def cell_count(store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM cells WHERE variant = 0").scalar()


def test_the_page_reads_the_chosen_lines_not_the_whole_table(store) -> None:
    client = TestClient(create_app(store.url), base_url="http://127.0.0.1")
    client.get("/indicators")  # the app's own start-up reads are not the page's
    with CellReads(store) as reads:
        page = client.get("/indicators", params={"indicator": FUND, "period": PERIOD})
    assert page.status_code == 200 and page.text.count('class="chart chart-compare"') == 1
    shown = indicator_charts(store, Choice(FUND, PERIOD))
    bars = len(shown["compare"][0]["bars"])
    trend = len(shown["trend"]["points"]) + len(shown["trend"]["others"])
    # the period's bars, its units (for the trend's menu), one unit's lines across periods: no more
    assert reads.rows() == bars + len(shown["units"]) + trend
    assert reads.rows() < cell_count(store) / 3
    for plan in reads.plans():  # every read goes through an index; none scans the table
        assert "INDEX" in plan, plan
        assert "SCAN cells" not in plan or "COVERING INDEX" in plan, plan


def test_the_choices_come_from_the_counts_and_the_bars_are_sought_by_index(store) -> None:
    with CellReads(store) as reads:
        indicator_charts(store, Choice(FUND, PERIOD, "Ủy ban MTTQ Việt Nam xã Tam Thành"))
    plans = reads.plans()
    assert len(plans) == 3  # the period's bars, its units, one unit's trend: the choices read no cell
    # the bars, the period's units and one unit's trend: each sought by the indicator's index
    sought = re.compile(r"SEARCH cells USING (COVERING )?INDEX ix_cells_series \(variant=\? AND modality=\? "
                        r"AND indicator_code=\? AND kind=\? AND unit=\? AND per=\?")
    assert all(sought.match(p) and "SCAN cells" not in p for p in plans), plans
    assert "AND period=?)" in plans[0]  # the bars: one period's cells only


@pytest.mark.parametrize("choice", [
    Choice(), Choice(FUND, PERIOD), Choice(FUND, "6 tháng đầu năm 2023"),
    Choice(FUND, PERIOD, "Ủy ban MTTQ Việt Nam xã Tam Thành"), Choice(modality="target"),
    Choice("NO|such|thing|", "x", "nobody"),
])
def test_the_stored_reads_draw_what_the_whole_lines_draw(store, choice) -> None:
    names = {code: line.name for code, line in store_catalogue(store).by_code().items()}
    whole = chart_page(consolidate(store).consolidated, names, choice)
    stored = indicator_charts(store, choice)
    for key in ("options", "periods", "units", "indicator", "period", "unit", "modality", "title"):
        assert stored.get(key) == whole.get(key), key
    assert [str(c["svg"]) for c in stored["compare"]] == [str(c["svg"]) for c in whole["compare"]]
    assert str((stored["trend"] or {}).get("svg")) == str((whole["trend"] or {}).get("svg"))


def test_a_period_with_many_units_draws_the_largest_and_counts_the_rest(store, monkeypatch) -> None:
    everything = indicator_charts(store, Choice(FUND, PERIOD))["compare"][0]
    assert everything["left_out"] == 0 and not everything["note"]
    monkeypatch.setattr(charts, "MAX_BARS", 4)
    (chart,) = indicator_charts(store, Choice(FUND, PERIOD))["compare"]
    bars = drawn(chart["svg"], "bar")
    largest = sorted(everything["bars"], key=lambda b: -b.value)[:4]
    assert [(b[0], b[1]) for b in bars] == [(b.label, b.value) for b in largest]
    left = everything["units"] - 4
    assert chart["units"] == everything["units"] and chart["left_out"] == left
    note = f"Còn {left} đơn vị có số nhỏ hơn không vẽ; xem đủ trong bảng tổng hợp của tệp xuất."
    assert chart["note"] == note
    assert f"4 đơn vị có số lớn nhất trong {everything['units']} đơn vị" in str(chart["svg"])
    assert chart["note"] in str(chart["svg"])  # the chart says it when put in a report alone
    page = TestClient(create_app(store.url), base_url="http://127.0.0.1").get(
        "/indicators", params={"indicator": FUND, "period": PERIOD})
    assert 'id="compare-1-left-out"' in page.text and chart["note"] in page.text


def test_a_provinces_communes_are_cut_at_the_chart_size_with_thousands_written_the_vietnamese_way() -> None:
    lines = pd.DataFrame([row("6 tháng đầu năm 2024", 10 + n, f"xã {n:04d}") for n in range(1_234)])
    choice = Choice(indicator="X|count|hộ|", period="6 tháng đầu năm 2024")
    page = chart_page(lines, {"X": "Hộ được hỗ trợ"}, choice)
    (chart,) = page["compare"]
    bars = drawn(chart["svg"], "bar")
    assert len(bars) == charts.MAX_BARS == 40
    assert [b[1] for b in bars] == [Decimal(10 + n) for n in range(1_233, 1_233 - 40, -1)]
    assert chart["note"].startswith("Còn 1.194 đơn vị có số nhỏ hơn không vẽ")
