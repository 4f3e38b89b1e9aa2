"""The consolidated cells kept in the store give exactly what a full consolidation of every figure
gives, after loading the seeds and the district batches and after each kind of change an officer
makes (accept, reject, correct, move to another line, choose a copy, correct a document's unit)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest
from conftest import SAMPLES

from pipeline.cells import consolidated_lines, consolidation
from pipeline.cells.figure_rows import figure_rows
from pipeline.cells.refresh import pending, rebuild
from pipeline.consolidate import consolidate
from pipeline.ingest import ingest_paths

BATCHES = SAMPLES / "batches"
REPORTS = (".txt", ".docx", ".pdf")
SETS = {
    "seeds": lambda: sorted(SAMPLES.glob("00[0-4]_*.txt")),
    "district_batches": lambda: sorted(p for p in BATCHES.glob("*/*") if p.suffix in REPORTS),
}


def frames_equal(left, right) -> None:
    """Two long-form frames hold the same rows in the same order (missing values equal each other)."""
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    if len(left):
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                      check_dtype=False)


def same_as_full(store, **options) -> None:
    """The stored cells read back equal a consolidation of every figure, field by field (and the
    charts page's count of cells per indicator and period equals the cells)."""
    full = consolidate(store, **options)
    kept = consolidation(store, **options)
    series = "variant, modality, indicator_code, kind, unit, per, period"
    with store.engine.connect() as conn:
        counted = conn.exec_driver_sql(f"SELECT {series}, lines FROM cell_series ORDER BY {series}").all()
        grouped = f"SELECT {series}, count(*) FROM cells GROUP BY {series} ORDER BY {series}"
        assert counted == conn.exec_driver_sql(grouped).all()
    frames_equal(kept.consolidated, full.consolidated)
    if options.get("as_of") is None:  # the charts page reads the lines alone
        only = {k: v for k, v in options.items() if k == "reviewed_only"}
        frames_equal(consolidated_lines(store, **only), full.consolidated)
    frames_equal(kept.totals, full.totals)
    frames_equal(kept.targets_vs_actuals, full.targets_vs_actuals)
    frames_equal(kept.breakdowns, full.breakdowns)
    frames_equal(kept.sources, full.sources)
    assert kept.conflicts == full.conflicts
    assert kept.not_reported == full.not_reported
    assert kept.review_info == full.review_info
    unmapped = full.figures
    if not unmapped.empty:  # the unclassified sheet's rows: no line claims them, nobody rejected them
        unmapped = unmapped[(unmapped["indicator_code"] == "") & (unmapped["review_status"] != "rejected")]
    assert list(kept.unclassified["figure_id"]) == list(unmapped.get("figure_id", []))
    if options.get("as_of") is None:
        stored = {r["figure_id"]: (r["counted"], r["why_not_counted"], r["same_as"])
                  for r in figure_rows(store, {}, reviewed_only=options.get("reviewed_only", False))}
        computed = {r["figure_id"]: (bool(r["counted"]), r["why_not_counted"], r["same_as"])
                    for r in full.figures.to_dict("records")} if not full.figures.empty else {}
        assert stored == computed


@pytest.fixture(params=sorted(SETS))
def loaded(request, store):
    results = ingest_paths(SETS[request.param](), store)
    assert any(r.status in ("loaded", "superseded") for r in results)
    return store


def test_the_cells_equal_a_full_consolidation_after_loading(loaded):
    same_as_full(loaded)
    assert pending(loaded) == 0
    same_as_full(loaded, reviewed_only=True)
    same_as_full(loaded, as_of=date(2025, 7, 1))


def test_each_review_updates_only_what_it_touches_and_matches_a_full_recompute(loaded):
    figures = loaded.figures()
    summed = [f for f in figures if f["indicator_code"] and f["kind"] in ("money", "count")]
    assert len(summed) >= 4
    loaded.review(summed[0]["figure_id"], "accept", user="cán bộ A")
    loaded.review(summed[1]["figure_id"], "reject", user="cán bộ A")
    loaded.review(summed[2]["figure_id"], "correct", user="cán bộ A", changes={"value": "12345"})
    same_as_full(loaded)
    same_as_full(loaded, reviewed_only=True)
    other = next(f["indicator_code"] for f in summed if f["indicator_code"] != summed[3]["indicator_code"])
    loaded.review(summed[3]["figure_id"], "correct", user="cán bộ A", changes={"indicator_code": other})
    loaded.set_indicators({summed[0]["figure_id"]: ("", 0.0)})
    same_as_full(loaded)
    loaded.review(summed[1]["figure_id"], "reset", user="cán bộ A")
    same_as_full(loaded)


def test_document_corrections_and_choices_move_the_cells(loaded):
    from pipeline.corrections import period_fields, unit_fields

    current = [d for d in loaded.documents(include_superseded=False) if d["figures"]]
    first, last = current[0], current[-1]
    # another unit and another period: its lines leave their cells and join others
    unit = unit_fields("xã Tam An, huyện Phú Ninh, tỉnh Quảng Nam", "MTTQ")
    loaded.set_document_metadata(first["id"], unit, user="cán bộ B")
    same_as_full(loaded)
    periods = period_fields("năm 2023", loaded.document(last["id"])["metadata"].get("periods"))
    loaded.set_document_metadata(last["id"], periods, user="cán bộ B")
    same_as_full(loaded)
    replaced = [d for d in loaded.documents() if d["status"] == "superseded" and d["unit_code"]]
    if replaced:  # the older copy chosen after all: the newer one's lines leave
        loaded.choose_document(replaced[0]["id"], user="cán bộ B")
        same_as_full(loaded)


def test_a_rebuild_gives_the_same_cells_as_the_increments(loaded):
    before = consolidation(loaded)
    assert rebuild(loaded) > 0
    after = consolidation(loaded)
    frames_equal(after.consolidated, before.consolidated)
    assert after.conflicts == before.conflicts


def test_reports_that_disagree_share_cells_and_same_named_units_stay_apart(store, seed):
    """Two reports of one issuer that differ (another file name: no replacement) make conflicting
    cells; a third under the same name but a known unit code gets its parent's name after it."""
    document, figures = seed("000")
    store.load(document, figures)
    changed = [dataclasses.replace(f, value=f.value + 7) if i % 3 == 0 else f for i, f in enumerate(figures)]
    copy = dataclasses.replace(document, sha256="e" * 64, path="bản khác.txt")
    assert store.load(copy, changed).status == "loaded"
    named = dataclasses.replace(
        document, sha256="f" * 64, path="bản có mã.txt",
        metadata=dataclasses.replace(document.metadata, unit_code="old:X20365/MTTQ",
                                     unit_name=document.metadata.issuer),
    )
    assert store.load(named, figures).status == "loaded"
    kept = consolidation(store)
    assert sum(c["type"] == "documents_disagree" for c in kept.conflicts) >= 3
    assert kept.consolidated["reporting_unit"].nunique() == 2
    same_as_full(store)
    same_as_full(store, reviewed_only=True)
    newest = store.figures(document_id=store.load(copy, changed).document_id)
    store.review(newest[0]["figure_id"], "reject", user="cán bộ C")
    store.review(newest[3]["figure_id"], "correct", user="cán bộ C", changes={"value": "1"})
    same_as_full(store)
    same_as_full(store, reviewed_only=True)


def test_the_consolidate_command_refreshes_and_rebuilds(store, seed):
    from typer.testing import CliRunner

    from pipeline.cli import app

    document, figures = seed("004")
    store.load(document, figures)
    assert pending(store) == 1
    refreshed = CliRunner().invoke(app, ["consolidate", "--store", store.url])
    assert refreshed.exit_code == 0 and refreshed.output.startswith("1 văn bản"), refreshed.output
    assert pending(store) == 0
    rebuilt = CliRunner().invoke(app, ["consolidate", "--store", store.url, "--rebuild"])
    assert rebuilt.exit_code == 0 and rebuilt.output.startswith("1 văn bản"), rebuilt.output
    same_as_full(store)
