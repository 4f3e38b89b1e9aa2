"""The review page at a province's size: the document list comes a page at a time with page links,
and a document's page shows its own figures' last decisions, read from that document's log only."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from fastapi.testclient import TestClient

from pipeline.review import create_app
from pipeline.review.app import PAGE_SIZE, page_links


@pytest.fixture
def many(store, seed):
    """PAGE_SIZE + 7 copies of seed 000 under their own names (no copy replaces another)."""
    document, figures = seed("000")
    ids = []
    for n in range(PAGE_SIZE + 7):
        copy = dataclasses.replace(
            document, sha256=hashlib.sha256(f"copy {n}".encode()).hexdigest(), path=f"bản {n:03d}.txt"
        )
        ids.append(store.load(copy, figures[:3]).document_id)
    return store, ids


def test_the_document_list_comes_a_page_at_a_time(many):
    store, ids = many
    client = TestClient(create_app(store.url), base_url="http://127.0.0.1")
    first = client.get("/documents").text
    assert "bản 000.txt" in first and f"bản {PAGE_SIZE - 1:03d}.txt" in first
    assert f"bản {PAGE_SIZE:03d}.txt" not in first
    assert f"Văn bản 1–{PAGE_SIZE} trong {len(ids)}" in first
    assert 'href="/documents?page=2"' in first and "Trang sau" in first
    second = client.get("/documents?page=2").text
    assert f"bản {PAGE_SIZE:03d}.txt" in second and "bản 000.txt" not in second
    assert f"Văn bản {PAGE_SIZE + 1}–{len(ids)} trong {len(ids)}" in second and "Trang trước" in second
    assert "bản 000.txt" in client.get("/documents?page=-3").text  # out of range: the nearest page
    assert f"bản {len(ids) - 1:03d}.txt" in client.get("/documents?page=999").text


def test_page_links_keep_the_ends_and_the_neighbours():
    assert page_links(1, 1) == [1]
    assert page_links(1, 9) == [1, 2, 3, None, 9]
    assert page_links(5, 9) == [1, None, 3, 4, 5, 6, 7, None, 9]


def test_a_document_page_shows_only_its_own_decisions(many):
    store, ids = many
    mine = store.figures(document_id=ids[0])
    other = store.figures(document_id=ids[1])
    store.review(mine[0]["figure_id"], "reject", user="lan", comment="lý do của văn bản này")
    store.review(other[0]["figure_id"], "reject", user="minh", comment="lý do của văn bản khác")
    assert [e["comment"] for e in store.document_review_log(ids[0])] == ["lý do của văn bản này"]
    client = TestClient(create_app(store.url), base_url="http://127.0.0.1")
    page = client.get(f"/documents/{ids[0]}").text
    audit = client.get(f"/documents/{ids[0]}/audit").text
    assert "lý do của văn bản khác" not in page + audit
    assert "lý do của văn bản này" in audit
