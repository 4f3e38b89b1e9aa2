"""Several files in one load transaction (the flow's parcels): each file keeps the outcome a load of
its own gives it, a file whose rows fail is rolled back alone, a fault of the database loads none."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import SAMPLES, gold_document

from pipeline import stages
from pipeline.faults import is_transient
from pipeline.inbox import Inbox
from pipeline.normalise import map_figures
from pipeline.store import open_store
from pipeline.store.api import LoadResult, ToLoad, ToReject

SEED0 = "000_064a08cc418c8552.txt"


def to_load(document, figures) -> ToLoad:
    return ToLoad(document, figures, map_figures(document, figures))


def a_batch(seed) -> list[ToLoad | ToReject]:
    """A new report, a file that did not read, a copy of the first under another name, a corrected
    re-submission of the first, another unit's report."""
    document, figures = seed("000")
    corrected = gold_document(SEED0, text=document.text.replace("458.358.000đ", "458.358.001đ"),
                              path=f"inbox/{SEED0}")
    return [
        to_load(document, figures),
        ToReject("scan.doc", "ab" * 32, "E003_LEGACY_DOC", "Tệp Word cũ (.doc)"),
        to_load(dataclasses.replace(document, path="bản sao.txt"), figures),
        to_load(corrected, figures),
        to_load(*seed("004")),
    ]


def load_one_by_one(store, entries: list[ToLoad | ToReject], run_id: int) -> list[LoadResult]:
    return [
        store.reject(e.path, e.sha256, e.code, e.message, run_id=run_id) if isinstance(e, ToReject)
        else store.load(e.document, e.figures, run_id=run_id, indicators=e.indicators)
        for e in entries
    ]


def test_a_batch_stores_each_file_as_loading_them_one_by_one_does(store, seed, tmp_path: Path) -> None:
    batch = store.load_batch(a_batch(seed), run_id=store.start_run("inbox"))
    single = open_store(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    alone = load_one_by_one(single, a_batch(seed), single.start_run("inbox"))

    assert [r.status for r in batch] == ["loaded", "rejected", "unchanged", "superseded", "loaded"]
    assert [(r.status, r.figures, r.superseded_id is None) for r in batch] == [
        (r.status, r.figures, r.superseded_id is None) for r in alone
    ]
    assert batch[3].superseded_id == batch[0].document_id
    assert store.row_counts() == single.row_counts()
    assert {f["figure_id"] for f in store.figures()} == {f["figure_id"] for f in single.figures()}
    single.close()


def test_a_file_whose_rows_fail_is_rolled_back_alone(store, seed) -> None:
    document, figures = seed("004")
    broken = [*figures[:-1], dataclasses.replace(figures[-1], kind="not-a-kind")]  # violates a CHECK
    entries = [
        to_load(*seed("000")), ToLoad(document, broken, map_figures(document, figures)), to_load(*seed("001"))
    ]

    first, failed, third = store.load_batch(entries, run_id=store.start_run("inbox"))

    assert isinstance(failed, sa.exc.IntegrityError) and not is_transient(failed)
    assert (first.status, third.status) == ("loaded", "loaded")
    stored = {d["sha256"]: d for d in store.documents()}
    assert set(stored) == {entries[0].document.sha256, entries[2].document.sha256}
    assert {f["document_id"] for f in store.figures()} == {first.document_id, third.document_id}
    # fixed, the file loads on the next run, and nothing of the others is stored twice
    again = store.load_batch([to_load(*seed("000")), to_load(document, figures)], run_id=store.start_run("x"))
    assert [r.status for r in again] == ["unchanged", "loaded"]
    assert len(store.documents()) == 3


def test_a_locked_database_loads_nothing_and_the_retry_loads_each_file_once(tmp_path: Path, seed) -> None:
    path = tmp_path / "tonghop.db"
    store = open_store(f"sqlite:///{path}")
    run_id = store.start_run("inbox")

    @sa.event.listens_for(store.engine, "connect")
    def _wait_briefly(dbapi_connection, _record) -> None:  # another writer is not waited for 30 s here
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    store.engine.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with pytest.raises(sa.exc.OperationalError) as locked:
        store.load_batch(a_batch(seed), run_id=run_id)
    assert is_transient(locked.value)
    assert store.row_counts()["documents"] == 0

    other.execute("ROLLBACK")
    other.close()
    retried = store.load_batch(a_batch(seed), run_id=run_id)
    assert [r.status for r in retried] == ["loaded", "rejected", "unchanged", "superseded", "loaded"]
    assert len({d["sha256"] for d in store.documents()}) == len(store.documents()) == 4
    store.close()


def test_a_parcel_files_each_loaded_file_away_and_leaves_the_failed_one_in_processing(
    tmp_path: Path, seed
) -> None:
    inbox = Inbox(tmp_path / "inbox").ensure()
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    items = []
    for prefix in ("000", "001", "004"):
        source = next(SAMPLES.glob(f"{prefix}*.txt"))
        shutil.copy(source, inbox.processing / source.name)
        document, figures = seed(prefix)
        claimed = stages.Claimed(inbox.processing / source.name, document.sha256, source.name)
        items.append(stages.Extracted(claimed, document, figures, map_figures(document, figures)))
    items[1].indicators = items[1].indicators[:-1]  # one mapping short: a fault of ours, this file only

    outcomes = [stages.file_away_stage(o, inbox.root) for o in stages.load_parcel(items, url)]

    assert [o.status for o in outcomes] == ["loaded", "failed", "loaded"]
    assert "ValueError" in outcomes[1].message and outcomes[1].document_id is None
    names = [item.claimed.name for item in items]
    expected = [f"done/{names[0]}", f"processing/{names[1]}", f"done/{names[2]}"]
    assert [o.filed_as for o in outcomes] == expected
    assert [p.name for p in inbox.processing.iterdir()] == [items[1].claimed.name]
    store = open_store(url)
    assert {d["sha256"] for d in store.documents()} == {items[0].claimed.sha256, items[2].claimed.sha256}
    store.close()


def test_figure_rows_reach_sqlite_as_sqlalchemy_itself_would_write_them(seed, tmp_path: Path) -> None:
    """The figures go to SQLite's driver as tuples through SQLAlchemy's bind processors: every column
    of every row reads back the same as rows written by SQLAlchemy's own INSERT."""
    from pipeline.store.schema import figures

    document, found = seed("004")
    store = open_store(f"sqlite:///{tmp_path / 'fast.db'}")
    store.load(document, found, indicators=map_figures(document, found))
    with store.engine.connect() as conn:
        fast = [dict(r) for r in conn.execute(sa.select(figures).order_by(figures.c.seq)).mappings()]
    assert fast and any(r["table_cell"] is None for r in fast) and all(r["original"] for r in fast)
    other = open_store(f"sqlite:///{tmp_path / 'plain.db'}")
    other.load(document, [], indicators=[])  # the document row the figures point to
    with other.engine.begin() as conn:
        written = [{k: v for k, v in r.items() if k not in ("reviewed_by", "reviewed_at")} for r in fast]
        conn.execute(figures.insert(), written)
        plain = [dict(r) for r in conn.execute(sa.select(figures).order_by(figures.c.seq)).mappings()]
        raw = conn.exec_driver_sql("SELECT * FROM figures ORDER BY seq").all()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT * FROM figures ORDER BY seq").all() == raw  # stored alike
    assert plain == fast
    store.close()
    other.close()
