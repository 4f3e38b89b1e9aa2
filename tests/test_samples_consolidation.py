"""On the five seed reports, no consolidated line adds a threshold, an average, a percent of another
indicator or a restated figure (the faults issue 12 found in the workbook)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from conftest import SAMPLES, ingest_into

from pipeline.consolidate import consolidate
from pipeline.store import open_store


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    for seed in sorted(SAMPLES.glob("00[0-4]_*.txt")):
        shutil.copy(seed, folder / seed.name)
    url = f"sqlite:///{folder / 'seeds.db'}"
    ingest_into(url, sorted(folder.glob("*.txt")))
    store = open_store(url)
    try:
        yield consolidate(store)
    finally:
        store.close()


def counted(result, **where):
    frame = result.figures[result.figures["counted"].astype(bool)]
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


def test_thresholds_averages_and_percents_of_plan_never_enter_a_sum(result):
    figures = result.figures
    set_apart = figures[figures["role"].isin(["threshold", "of_plan", "excluded"])]
    assert not set_apart.empty and not set_apart["counted"].any()
    threshold = figures[figures["quote"] == "100 triệu đồng"]  # "doanh thu dưới 100 triệu đồng"
    assert list(threshold["role"]) == ["threshold"] and not threshold["counted"].any()
    for line in result.consolidated.to_dict("records"):
        if line["combine"] == "sum":
            ids = line["figure_ids"].split()
            roles = set(figures[figures["figure_id"].isin(ids)]["role"])
            assert not roles & {"threshold", "average", "per_unit", "of_plan"}, line


def test_no_line_sums_percents_rates_or_criteria(result):
    figures = result.figures.set_index("figure_id")
    for line in result.consolidated.to_dict("records"):
        if line["kind"] in ("percent", "rate", "ratio") or line["indicator_code"] == "NTM_TIEU_CHI":
            assert line["combine"] != "sum"
            values = {Decimal(v) for v in figures.loc[line["figure_ids"].split(), "value"]}
            assert Decimal(line["value"]) in values, line  # one stated value, never a sum of several


def test_a_percent_of_another_indicator_is_not_put_on_a_line(result):
    """"98,9% hài lòng về xây dựng nông thôn mới" is a survey, "chiếm 68%" a share of receptions."""
    for quote in ("98,9%", "99,58%", "68%"):
        rows = result.figures[result.figures["quote"] == quote]
        assert not rows.empty and (rows["indicator_code"] == "").all(), quote


def test_a_figure_stated_twice_is_counted_once(result):
    """"465.000.000đ" is given in two paragraphs of seed 000; a Tết fund total restates its parts."""
    for line in result.consolidated.to_dict("records"):
        ids = line["figure_ids"].split()
        values = counted(result)
        values = values[values["figure_id"].isin(ids)]
        doubled = values[values.duplicated(["document_id", "value", "subject"], keep=False)]
        assert doubled["sentence"].nunique() <= 1, (line["indicator_code"], list(doubled["quote"]))
    twice = result.figures[result.figures["quote"].str.startswith("465.000.000")]
    assert len(twice) == 2 and twice["counted"].sum() <= 1
    repeated = result.figures[result.figures["why_not_counted"].str.contains("repeated|restates", regex=True)]
    assert len(repeated) >= 5


def test_cash_inside_a_total_equivalent_is_not_added_to_it(result):
    """"tiền mặt được 203.570.000 đồng, (tương đương … tổng trị giá là 269.030.000 đồng)"."""
    cash = result.figures[result.figures["quote"] == "203.570.000 đồng"]
    assert not cash["counted"].any() and "tổng" in cash["why_not_counted"].iloc[0]
    total = result.figures[result.figures["quote"] == "269.030.000 đồng"]
    assert total["counted"].all()
