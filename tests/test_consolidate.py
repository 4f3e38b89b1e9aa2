"""Consolidation rules on the seeds' hand-checked figures: parts, repeats, modalities, conflicts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from conftest import gold_document, gold_figures

from pipeline.consolidate import consolidate, consolidate_records
from pipeline.document import Document
from pipeline.expected import UnitRow, resolve_rows
from pipeline.figure import Figure
from pipeline.readers import read_document

SEED0 = "000_064a08cc418c8552.txt"
SEED4 = "004_386d69b07cae7cb5.txt"
CU_JUT = "Ủy ban MTTQ Việt Nam huyện Cư Jút"
RELIEF_TOTAL = Decimal("458358000")
RELIEF_PARTS = [Decimal(v) for v in ("40060000", "214383000", "77745000", "21300000", "104870000")]


def relief_line(result):
    lines = result.consolidated
    (row,) = lines[
        (lines["indicator_code"] == "CUU_TRO_TIEN_HANG")
        & (lines["reporting_unit"] == CU_JUT)
        & (lines["modality"] == "actual")
    ].to_dict("records")
    return row


def relief_figures(frame):
    return frame[frame["value"].isin([RELIEF_TOTAL, *RELIEF_PARTS])]


def figure_record(**changes):
    """One figure as the store hands it over (Cư Jút's health-insurance percent planned for 2021),
    with `changes` applied."""
    return {
        "figure_id": "a",
        "document_id": 1,
        "doc": "chuong-trinh-2021.txt",
        "issuer": CU_JUT,
        "level": "huyện",
        "period": "năm 2021",
        "period_role": "programme",
        "indicator_code": "BHYT_TY_LE",
        "indicator_score": 1.0,
        "kind": "percent",
        "value": Decimal("95"),
        "denominator": None,
        "unit": "%",
        "per": "",
        "approx": "exact",
        "modality": "actual",
        "indicator": "",
        "subject": "",
        "section": "",
        "sentence": "s1",
        "quote": "95%",
        "part_of": None,
        "review_status": "unreviewed",
        "rule": "r",
        "confidence": 1.0,
        "seq": 0,
        "char_start": 0,
        "char_end": 3,
        "page": None,
    } | changes


def test_parts_are_never_added_to_their_total(store, seed):
    store.load(*seed("000"))
    result = consolidate(store)
    relief = relief_figures(result.figures)
    total = relief[relief["value"] == RELIEF_TOTAL]
    parts = relief[relief["part_of"] == total["figure_id"].iloc[0]]
    assert sorted(parts["value"]) == sorted(RELIEF_PARTS) and sum(RELIEF_PARTS) == RELIEF_TOTAL
    assert bool(total["counted"].iloc[0]) and not parts["counted"].any()
    assert set(parts["why_not_counted"]) == {"là phần của một tổng / part of a stated total"}
    # The line adds the total once, with the district's other relief figures, and none of the parts.
    counted = result.figures[
        result.figures["counted"] & (result.figures["indicator_code"] == "CUU_TRO_TIEN_HANG")
    ]
    assert relief_line(result)["value"] == sum(counted[counted["modality"] == "actual"]["value"])
    assert RELIEF_TOTAL in list(counted["value"])
    assert not set(RELIEF_PARTS) & set(counted["value"])


def test_the_breakdown_shows_each_commune_summing_to_the_stated_total(sqlite_store, seed):
    sqlite_store.load(*seed("000"))
    breakdown = consolidate(sqlite_store).breakdowns
    relief = breakdown[breakdown["total"] == RELIEF_TOTAL]
    assert sorted(relief["subject"]) == sorted(
        ["thị trấn EaTling", "xã Nam Dong", "xã Tâm Thắng", "Trúc Sơn", "Đak Rông"]
    )
    assert set(relief["parts_sum"]) == {RELIEF_TOTAL} and relief["matches"].all()


def test_when_the_total_is_rejected_the_parts_count(sqlite_store, seed):
    sqlite_store.load(*seed("000"))
    total = next(f for f in sqlite_store.figures() if f["value"] == RELIEF_TOTAL)
    before = relief_line(consolidate(sqlite_store))["value"]
    sqlite_store.review(total["figure_id"], "reject", user="Lan", comment="trùng")
    after = relief_line(consolidate(sqlite_store))["value"]
    assert after == before - RELIEF_TOTAL + sum(RELIEF_PARTS)


def test_a_repeated_paragraph_counts_once(sqlite_store):
    document, figures = gold_document(SEED0), gold_figures(SEED0)
    line_start = document.text.index("Hưởng ứng lời kêu gọi của Ủy ban Trung ương")
    line = document.text[line_start : document.text.index("\n", line_start)]
    text = document.text + "\n" + line + "\n"
    shift = len(document.text) + 1 - line_start
    repeated = [
        dataclasses.replace(f, char_start=f.char_start + shift, char_end=f.char_end + shift, part_of=None)
        for f in figures
        if line_start <= f.char_start < line_start + len(line)
    ]
    assert len(repeated) >= 8
    sqlite_store.load(gold_document(SEED0), figures)
    once = relief_line(consolidate(sqlite_store))["value"]
    twice_document = gold_document(SEED0, text=text, path="lap-doan/" + SEED0)
    sqlite_store.load(twice_document, figures + repeated)  # supersedes the first copy
    result = consolidate(sqlite_store)
    assert relief_line(result)["value"] == once
    reasons = result.figures["why_not_counted"].value_counts()
    assert (
        reasons["đoạn văn lặp lại / repeated paragraph"] >= len(repeated) - 5
    )  # the parts were parts already


def test_targets_and_estimates_stay_apart_from_actuals(sqlite_store):
    document, figures = gold_document(SEED4), gold_figures(SEED4)
    planned = dataclasses.replace(figures[1], modality="target")  # "150 cán bộ" (tập huấn): mapped
    sqlite_store.load(document, [figures[0], planned, *figures[2:]])
    lines = consolidate(sqlite_store).consolidated
    target_codes = set(lines[lines["modality"] == "target"]["indicator_code"])
    assert target_codes and all(lines[lines["modality"] == "actual"]["figures"] >= 1)
    mapped = [line for line in lines.to_dict("records") if line["modality"] == "target"]
    assert [line["value"] for line in mapped] == [figures[1].value]


def test_two_documents_that_disagree_are_a_conflict_and_the_latest_is_used(sqlite_store):
    document, figures = gold_document(SEED4), gold_figures(SEED4)
    sqlite_store.load(document, figures)
    changed = dataclasses.replace(figures[1], value=figures[1].value + 1)
    other_text = document.text + "\nBản bổ sung.\n"
    sqlite_store.load(
        gold_document(SEED4, text=other_text, path="bo-sung.txt"), [figures[0], changed, *figures[2:]]
    )
    result = consolidate(sqlite_store)
    conflicts = [c for c in result.conflicts if c["type"] == "documents_disagree"]
    assert len(conflicts) == 1 and conflicts[0]["used"] == str(changed.value)
    line = result.consolidated[result.consolidated["indicator_code"] == conflicts[0]["indicator_code"]]
    assert changed.value in set(line["value"])


def test_a_total_that_differs_from_its_parts_is_a_conflict(sqlite_store):
    figures = gold_figures(SEED0)
    figures = [
        dataclasses.replace(f, value=f.value + 1000) if f.value == RELIEF_PARTS[0] else f for f in figures
    ]
    sqlite_store.load(gold_document(SEED0), figures)
    conflicts = [c for c in consolidate(sqlite_store).conflicts if c["type"] == "total_differs_from_parts"]
    assert any("458358000" in c["detail"] and "458359000" in c["detail"] for c in conflicts)


def test_targets_meet_actuals_of_the_same_period():
    figure = figure_record()
    actual = {
        **figure,
        "figure_id": "b",
        "document_id": 2,
        "doc": "bao-cao-2021.txt",
        "period_role": "results",
        "value": Decimal("92.5"),
        "sentence": "s2",
        "quote": "92,5%",
    }
    result = consolidate_records([figure, actual], [], expected_units=[])
    (row,) = result.targets_vs_actuals.to_dict("records")
    assert (row["target"], row["actual"]) == (Decimal("95"), Decimal("92.5"))
    assert set(result.consolidated["modality"]) == {"target", "actual"}  # a programme's "đạt 95%" is a plan


def read_seed(seed, prefix: str) -> tuple[Document, list[Figure]]:
    """The seed as the reader makes it (metadata with unit code and period dates) and its gold figures."""
    document, figures = seed(prefix)
    return read_document(Path(__file__).parent.parent / "samples" / document.path), figures


def test_expected_units_that_have_not_reported(sqlite_store, seed):
    sqlite_store.load(*read_seed(seed, "000"))  # Cư Jút's results for năm 2020 (and its programme for 2021)
    expected, errors = resolve_rows(
        [UnitRow(1, CU_JUT, "huyện Cư Jút, tỉnh Đắk Nông", ""), UnitRow(2, "MTTQ huyện Krông Nô", "", "")],
        "test",
    )
    assert errors == []
    missing = consolidate_records(sqlite_store.figures(), sqlite_store.documents(), expected).not_reported
    assert [(m["period"], m["unit"], m["level"], m["parent"]) for m in missing] == [
        ("năm 2020", "Ủy ban MTTQ Việt Nam huyện Krông Nô", "huyện", "tỉnh Đắk Nông")
    ]


def test_no_missing_units_for_a_period_only_an_unexpected_unit_reported(sqlite_store, seed):
    sqlite_store.load(*read_seed(seed, "004"))  # a news item of the province's Front: not an expected unit
    expected, _ = resolve_rows([UnitRow(1, "MTTQ huyện Krông Nô", "", "")], "test")
    assert consolidate_records(sqlite_store.figures(), sqlite_store.documents(), expected).not_reported == []


def test_an_empty_store_consolidates_to_nothing(sqlite_store):
    result = consolidate(sqlite_store)
    assert result.consolidated.empty and result.conflicts == [] and result.figures.empty


def test_order_comes_from_seq_and_document_not_from_the_order_figures_arrive():
    base = figure_record(doc="bao-cao.txt", period_role="results", sentence=None, quote="")
    money = {**base, "indicator_code": "CUU_TRO_TIEN_HANG", "kind": "money", "unit": "đồng"}
    figures = [  # deliberately out of seq order, the later document first
        {**base, "figure_id": "p2", "document_id": 2, "doc": "sau.txt", "value": Decimal("90"), "seq": 0},
        {**base, "figure_id": "p1b", "value": Decimal("80"), "seq": 5, "sentence": "b"},
        {**base, "figure_id": "p1a", "value": Decimal("70"), "seq": 1, "sentence": "a"},
        {**money, "figure_id": "c2", "value": Decimal("2"), "seq": 9, "part_of": "t", "subject": "xã B"},
        {**money, "figure_id": "c1", "value": Decimal("1"), "seq": 8, "part_of": "t", "subject": "xã A"},
        {**money, "figure_id": "t", "value": Decimal("3"), "seq": 7},
    ]
    result = consolidate_records(figures, [], expected_units=[])
    percent = result.consolidated[result.consolidated["kind"] == "percent"]
    (line,) = percent.to_dict("records")
    assert (line["value"], line["figure_ids"]) == (Decimal("90"), "p2")
    assert line["documents"] == "bao-cao.txt; sau.txt"
    (conflict,) = [c for c in result.conflicts if c["type"] == "documents_disagree"]
    assert conflict["detail"] == "bao-cao.txt: 70; sau.txt: 90" and conflict["used"] == "90"
    assert list(result.breakdowns["figure_id"]) == ["c1", "c2"]
    assert list(result.breakdowns["subject"]) == ["xã A", "xã B"] and result.breakdowns["matches"].all()
