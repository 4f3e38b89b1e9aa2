"""Two processes write at once (the scheduled flow loading, an officer reviewing): no "database is locked"."""

from __future__ import annotations

import multiprocessing

from conftest import gold_document, gold_figures

from pipeline.store import open_store

SEED0 = "000_064a08cc418c8552.txt"
SEED4 = "004_386d69b07cae7cb5.txt"
COPIES = 12
REVIEWS = 120


def flow_writer(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Like the scheduled flow: loads many documents, each in its own transaction."""
    store = open_store(url, migrate=False)
    figures = gold_figures(SEED4)
    barrier.wait()
    for n in range(COPIES):
        text = gold_document(SEED4).text + f"\nBản sao số {n}\n"
        store.load(gold_document(SEED4, text=text, path=f"don-vi-{n}/{SEED4}"), figures)
    store.close()


def review_writer(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Like the review page: many small decisions, one transaction each."""
    store = open_store(url, migrate=False)
    ids = [f["figure_id"] for f in store.figures()][:REVIEWS]
    barrier.wait()
    for n in range(REVIEWS):
        store.review(ids[n % len(ids)], "accept" if n % 2 else "reject", user=f"can-bo-{n % 3}")
    store.close()


def test_a_loader_and_a_reviewer_write_at_the_same_time(store, seed):
    store.load(*seed("000"))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=f, args=(store.url, barrier)) for f in (flow_writer, review_writer)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(store.reviews()) == REVIEWS
    assert len(store.documents()) == 1 + COPIES


def open_new_store(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Like the flow and the review page starting together on a database nobody has set up yet."""
    barrier.wait()
    open_store(url).close()


def test_two_processes_opening_a_new_store_at_once_both_succeed(store_url):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    workers = [context.Process(target=open_new_store, args=(store_url, barrier)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    opened = open_store(store_url, migrate=False)
    try:
        assert opened.row_counts()["documents"] == 0
    finally:
        opened.close()


def load_same_report(url: str, barrier: multiprocessing.synchronize.Barrier, statuses) -> None:
    """Two workers handed the same report (same content, different names) at the same moment."""
    store = open_store(url, migrate=False)
    document, figures = gold_document(SEED4), gold_figures(SEED4)
    barrier.wait()
    statuses.put(store.load(document, figures).status)
    store.close()


def test_the_same_report_loaded_at_once_by_three_workers_is_stored_once(store):
    context = multiprocessing.get_context("spawn")
    barrier, statuses = context.Barrier(3), context.Queue()
    workers = [
        context.Process(target=load_same_report, args=(store.url, barrier, statuses)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sorted(statuses.get(timeout=5) for _ in workers) == ["loaded", "unchanged", "unchanged"]
    assert store.row_counts()["documents"] == 1
