"""The store on both engines: schema, idempotent loads, supersession, one-transaction loads, reviews."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import gold_document, gold_figures

from pipeline.document import DocumentMetadata
from pipeline.store import open_store
from pipeline.store.records import figure_period
from pipeline.store.schema import metadata

SEED0 = "000_064a08cc418c8552.txt"
SEED4 = "004_386d69b07cae7cb5.txt"


def test_migrations_build_exactly_the_schema_the_code_queries(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert set(store.row_counts()) == {
        "runs", "documents", "document_texts", "figures", "reviews", "expected_units", "document_overrides",
        "document_reviews", "learned_phrases", "custom_indicators",
        # the consolidated cells kept in the store (0004, pipeline/cells)
        "consolidation_dirty", "consolidation_state", "cell_documents", "document_periods", "document_lines",
        "cells",
        "cell_series",  # the charts page's choices: cells per indicator and period (0005)
    }


def test_migrate_twice_is_harmless(store):
    store.migrate()
    assert store.row_counts()["documents"] == 0


def test_same_document_twice_changes_nothing(store, seed):
    document, figures = seed("000")
    first = store.load(document, figures)
    counts = store.row_counts()
    second = store.load(document, figures)
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert second.document_id == first.document_id
    assert store.row_counts() == counts
    assert counts["figures"] == len({f.figure_id(document.sha256) for f in figures})


def test_the_same_file_again_in_the_same_run_is_a_retry_not_a_duplicate(store, seed):
    document, figures = seed("000")
    run = store.start_run("inbox")
    assert store.load(document, figures, run_id=run).status == "loaded"
    counts = store.row_counts()
    # A retry after a fault between the commit and filing the file away: loaded by this run.
    assert store.load(document, figures, run_id=run).status == "loaded"
    # The same content under another name, or in a later run, is a duplicate.
    renamed = dataclasses.replace(document, path="bản sao.txt")
    assert store.load(renamed, figures, run_id=run).status == "unchanged"
    assert store.load(document, figures, run_id=store.start_run("inbox")).status == "unchanged"
    assert store.row_counts()["documents"] == counts["documents"]
    assert store.row_counts()["figures"] == counts["figures"]


def test_values_round_trip_exactly(store, seed):
    document, figures = seed("000")
    store.load(document, figures)
    stored = {f["figure_id"]: f for f in store.figures()}
    for figure in figures:
        row = stored[figure.figure_id(document.sha256)]
        assert row["value"] == figure.value and isinstance(row["value"], Decimal)
        assert row["denominator"] == figure.denominator
    # 2.400.000 triệu đồng = 2.4e12 and 149.364,5 ha are where float storage would start to bite.
    big = Decimal("2400000000000.5")
    document4, figures4 = seed("004")
    figures4[0] = dataclasses.replace(figures4[0], value=big)
    store.load(document4, figures4)
    row = next(f for f in store.figures() if f["figure_id"] == figures4[0].figure_id(document4.sha256))
    assert row["value"] == big


def test_figures_carry_provenance_period_and_indicator(store, seed):
    document, figures = seed("000")
    store.load(document, figures)
    rows = store.figures()
    total = next(r for r in rows if r["quote"] == "458.358.000đ")
    assert total["doc"] == SEED0 and total["issuer"] == "Ủy ban MTTQ Việt Nam huyện Cư Jút"
    assert "tổng giá trị quy ra tiền là 458.358.000đ" in total["sentence"]
    assert total["period"] == "năm 2020" and total["period_role"] == "results"
    assert total["section"].startswith("Phần thứ nhất > 3.")
    parts = [r for r in rows if r["part_of"] == total["figure_id"]]
    assert sorted(p["subject"] for p in parts) == sorted(
        ["thị trấn EaTling", "xã Nam Dong", "xã Tâm Thắng", "Trúc Sơn", "Đak Rông"]
    )
    assert sum(p["value"] for p in parts) == total["value"]
    unsectioned = next(r for r in rows if r["char_start"] == 26323)  # gold gives "04 điểm" no section
    assert unsectioned["section"] == "Phần thứ nhất" and unsectioned["period"] == "năm 2020"
    programme = figure_period("Phần thứ hai > 1. Nhiệm vụ", document.metadata.periods)
    assert programme is not None and (programme.period, programme.role) == ("năm 2021", "programme")


def test_corrected_resubmission_supersedes_and_old_stays_visible(store, seed):
    document, figures = seed("000")
    old = store.load(document, figures)
    corrected_text = document.text.replace("458.358.000đ", "458.358.001đ")
    corrected = gold_document(SEED0, text=corrected_text, path=f"inbox/{SEED0}")
    new = store.load(corrected, figures)
    assert new.status == "superseded" and new.superseded_id == old.document_id
    docs = {d["id"]: d for d in store.documents()}
    assert docs[old.document_id]["status"] == "superseded"
    assert docs[old.document_id]["superseded_by"] == new.document_id
    assert docs[new.document_id]["supersedes"] == old.document_id
    assert {f["document_id"] for f in store.figures()} == {new.document_id}
    assert {f["document_id"] for f in store.figures(include_superseded=True)} == {
        old.document_id,
        new.document_id,
    }
    assert [d["id"] for d in store.documents(include_superseded=False)] == [new.document_id]


def test_a_different_report_does_not_supersede(store, seed):
    first = store.load(*seed("000"))
    second = store.load(*seed("004"))
    assert second.status == "loaded"
    assert {d["status"] for d in store.documents()} == {"loaded"}
    assert first.document_id != second.document_id


def test_failure_mid_load_leaves_nothing_half_loaded(store, seed):
    document, figures = seed("000")
    broken = [*figures[:-1], dataclasses.replace(figures[-1], kind="not-a-kind")]  # violates a CHECK
    with pytest.raises(sa.exc.IntegrityError):
        store.load(document, broken)
    assert set(store.row_counts().values()) == {0}
    assert store.load(document, figures).status == "loaded"


def test_rejections_are_recorded_once_with_their_code(store):
    first = store.reject("inbox/scan.doc", "ab" * 32, "E003_LEGACY_DOC", "Tệp Word cũ (.doc)")
    again = store.reject("inbox/scan.doc", "ab" * 32, "E003_LEGACY_DOC", "Tệp Word cũ (.doc)")
    assert first.status == again.status == "rejected" and first.document_id == again.document_id
    (doc,) = store.documents()
    assert (doc["status"], doc["error_code"], doc["figures"]) == ("rejected", "E003_LEGACY_DOC", 0)
    assert not store.has_document("ab" * 32)


def test_a_rejected_file_that_later_reads_is_loaded(store, seed):
    document, figures = seed("004")
    store.reject(document.path, document.sha256, "E014_PARSER_CRASH", "reader crashed")
    assert store.load(document, figures).status == "loaded"
    assert [d["status"] for d in store.documents()] == ["loaded"]
    assert store.has_document(document.sha256)


def test_document_gives_text_blocks_and_metadata(store, seed):
    document, figures = seed("000")
    result = store.load(document, figures)
    stored = store.document(result.document_id)
    assert stored["text"] == document.text
    assert len(stored["blocks"]) == len(document.blocks)
    assert stored["metadata"]["periods"][1]["role"] == "programme"
    with pytest.raises(KeyError):
        store.document(result.document_id + 999)


def test_reviews_keep_the_original_and_an_audit_log(store, seed):
    document, figures = seed("004")
    store.load(document, figures)
    first, second = (f["figure_id"] for f in store.figures()[:2])
    corrected = store.review(first, "correct", user="Lan", changes={"value": "5000001"}, comment="sửa số")
    assert corrected["value"] == Decimal("5000001") and corrected["review_status"] == "corrected"
    assert corrected["original"]["value"] == gold_figures(SEED4)[0].to_record()["value"]
    store.review(second, "accept", user="Minh")
    assert [f["figure_id"] for f in store.figures(reviewed_only=True)] == [first, second]
    reset = store.review(first, "reset", user="Lan")
    assert reset["value"] == figures[0].value and reset["review_status"] == "unreviewed"
    log = store.reviews(figure_id=first)
    assert [(r["action"], r["user"]) for r in log] == [("correct", "Lan"), ("reset", "Lan")]
    assert log[0]["before"]["value"] == figures[0].to_record()["value"]
    assert log[0]["after"]["value"] == "5000001" and log[0]["comment"] == "sửa số"
    assert len(store.reviews()) == 3
    counts = next(iter(store.documents()))["review_counts"]
    assert counts["accepted"] == 1 and counts["unreviewed"] == len(figures) - 1


@pytest.mark.parametrize(
    ("action", "changes"),
    [("correct", {"quote": "x"}), ("correct", {}), ("accept", {"value": "1"}), ("approve", None)],
)
def test_bad_reviews_are_refused_and_change_nothing(store, seed, action, changes):
    document, figures = seed("004")
    store.load(document, figures)
    figure_id = store.figures()[0]["figure_id"]
    with pytest.raises(ValueError):
        store.review(figure_id, action, user="Lan", changes=changes)
    assert store.reviews() == []
    with pytest.raises(KeyError):
        store.review("no-such-figure", "accept", user="Lan")


def test_runs_record_start_finish_and_counts(store):
    run_id = store.start_run("ingest")
    store.finish_run(run_id, {"loaded": 3, "rejected": 1})
    (run,) = store.runs()
    assert run["kind"] == "ingest" and run["counts"] == {"loaded": 3, "rejected": 1}
    assert run["finished_at"] >= run["started_at"]


def test_open_store_reads_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'env.db'}"
    monkeypatch.setenv("TONGHOP_STORE", url)
    opened = open_store()
    try:
        assert opened.url == url and (tmp_path / "sub" / "env.db").exists()
    finally:
        opened.close()


def test_same_file_name_without_issuer_supersedes_only_a_copy_of_the_same_report(store):
    def anonymous(name: str, path: str, text: str | None = None):
        document = gold_document(name, text=text, path=path)
        document.metadata = DocumentMetadata()  # the issuer could not be detected
        return document

    first = store.load(anonymous(SEED4, "xa-a/Bao cao nam 2020.txt"), [])
    other = store.load(anonymous("001_5efdf61d82cdb014.txt", "xa-b/Bao cao nam 2020.txt"), [])
    assert (first.status, other.status) == ("loaded", "loaded")
    seed_text = gold_document(SEED4).text
    corrected = store.load(anonymous(SEED4, "xa-a/bao cao nam 2020.txt", seed_text.replace("184", "185")), [])
    assert corrected.status == "superseded" and corrected.superseded_id == first.document_id
