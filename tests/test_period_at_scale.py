"""A province's period holds thousands of reports: the overview shows the period's totals counted in
the store, one page of its reports at a time, and the first conflicts with how many there are in all
(page and list sizes made small here so a 40-report store needs several pages)."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from pipeline.bench_grow import REPO, reporting_units, templates
from pipeline.bench_scale import grow
from pipeline.cells.attention import attention, conflicts, period_alarms, period_conflicts
from pipeline.cells.overview import periods as store_periods
from pipeline.review import create_app
from pipeline.review import overview as overview_module
from pipeline.store import open_store
from pipeline.store.cells_schema import document_periods

REPORTS = 40


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> str:
    """40 reports: the five seeds filed as other communes' reports for ten periods."""
    source = templates(None, tuple(sorted((REPO / "samples").glob("00[0-4]_*.txt"))))
    url = f"sqlite:///{tmp_path_factory.mktemp('paging') / 'store.db'}"
    store = open_store(url)
    grow(store, source, reporting_units(10), 0, REPORTS)
    store.close()
    return url


def busiest_period(url: str) -> tuple[str, int]:
    """The period named by the most documents, and how many."""
    store = open_store(url)
    with store._read() as conn:
        period, documents = conn.execute(
            sa.select(document_periods.c.period, sa.func.count()).group_by(document_periods.c.period)
            .order_by(sa.func.count().desc(), document_periods.c.period).limit(1)
        ).one()
    store.close()
    return period, documents


def reported_links(page: str) -> list[str]:
    table = page.split('id="reported"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="/documents/(\d+)">', table)


def test_reports_of_a_period_come_a_page_at_a_time_and_every_one_is_on_some_page(
    grown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview_module, "REPORTED_PAGE", 3)
    period, documents = busiest_period(grown)
    assert documents > 3
    client = TestClient(create_app(grown), base_url="http://127.0.0.1")
    first = html.unescape(client.get("/", params={"period": period}).text)
    assert int(first.split('id="count-reported">', 1)[1].split("<", 1)[0]) == documents
    assert f"Văn bản 1–3 / {documents}" in first and 'rel="next"' in first
    seen: list[str] = []
    pages = -(-documents // 3)
    for number in range(1, pages + 1):
        page = html.unescape(client.get("/", params={"period": period, "page": number}).text)
        seen += reported_links(page)
    assert len(seen) == len(set(seen)) == documents
    last = html.unescape(client.get("/", params={"period": period, "page": pages + 5}).text)
    assert reported_links(last) == seen[-(documents - 3 * (pages - 1)):]  # past the end: the last page


def test_only_the_first_conflicts_are_listed_and_the_count_says_how_many(
    grown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = TestClient(create_app(grown), base_url="http://127.0.0.1")
    periods = re.findall(r'<option value="([^"]+)"', html.unescape(client.get("/").text))
    counts = {}
    for period in periods:
        page = html.unescape(client.get("/", params={"period": period}).text)
        counts[period] = int(page.split('id="count-alarms">', 1)[1].split("<", 1)[0])
    period = max(counts, key=lambda p: counts[p])
    assert counts[period] > 1, counts
    monkeypatch.setattr(overview_module, "CONFLICTS_SHOWN", 1)
    page = html.unescape(client.get("/", params={"period": period}).text)
    alarms = page.split('id="alarms"', 1)[1].split("</table>", 1)[0]
    assert alarms.count("<tr><td>") == 1 and 'href="/documents/' in alarms
    assert f"1 đầu tiên trong {counts[period]}" in page
    assert int(page.split('id="count-alarms">', 1)[1].split("<", 1)[0]) == counts[period]


def test_a_run_summary_lists_the_conflicts_its_documents_take_part_in_and_counts_all(grown: str) -> None:
    """At a province's scale the store holds thousands of conflicts: an inbox run's summary lists
    those of its own documents; every conflict is some document's, and the count covers them all."""
    store = open_store(grown)
    try:
        everything = attention(store)
        listed = everything["conflicts"]
        assert everything["conflict_total"] == len(listed) > 1
        ids = [d["id"] for d in store.document_page(("loaded",), limit=REPORTS)]
        assert len(ids) == REPORTS
        key = repr
        union: set[str] = set()
        quiet = 0
        for document_id in ids:
            own = attention(store, [document_id])
            assert own["conflict_total"] == len(listed)
            assert {key(c) for c in own["conflicts"]} <= {key(c) for c in listed}
            union |= {key(c) for c in own["conflicts"]}
            quiet += not own["conflicts"]
        assert union == {key(c) for c in listed}
        assert 0 < quiet < REPORTS  # some documents are in no conflict, and they list none
        assert attention(store, [])["conflicts"] == []
    finally:
        store.close()


def test_a_periods_first_conflicts_are_the_first_of_the_full_list(grown: str) -> None:
    """Sorted and cut in the store, the overview's conflicts are the full list's first ones."""
    store = open_store(grown)
    seen = {"documents_disagree": 0, "total_differs_from_parts": 0}
    try:
        for period in store_periods(store):
            every = conflicts(store, period)
            for c in every:
                seen[c["type"]] += 1
            disagree = [c for c in every if c["type"] == "documents_disagree"]
            alarms, count = period_alarms(store, period)  # the overview's order: by unit, not by total id
            assert sorted(map(repr, alarms)) == sorted(
                repr(c) for c in every if c["type"] == "total_differs_from_parts")
            assert count == len(alarms)
            for limit in (1, 3, 1000):
                page = period_conflicts(store, period, limit)
                assert page["disagreements"] == disagree[:limit], period
                assert page["alarms"] == alarms[:limit], period
                assert (page["disagreement_count"], page["alarm_count"]) == (len(disagree), len(alarms))
        assert all(seen.values()), seen  # both kinds were there to be cut
    finally:
        store.close()


def reference_reported(conn: sa.Connection, period: str) -> list[tuple]:
    """The period's reports as the overview listed them before 0007: joined from documents and
    cell_documents and sorted in Python (a reference for the rows the index now gives)."""
    from pipeline.store.cells_schema import cell_documents
    from pipeline.store.schema import documents

    rows = conn.execute(
        sa.select(document_periods.c.document_id, documents.c.level, cell_documents.c.unit_base,
                  cell_documents.c.unit_code, documents.c.path, document_periods.c.figures,
                  document_periods.c.unreviewed, document_periods.c.unclassified)
        .join(documents, documents.c.id == document_periods.c.document_id)
        .join(cell_documents, sa.and_(cell_documents.c.document_id == document_periods.c.document_id,
                                      cell_documents.c.variant == 0))
        .where(document_periods.c.period == period)
    ).all()
    return sorted(((r.level or "", r.unit_base, r.unit_code, r.document_id, r.path, r.figures, r.unreviewed,
                    r.unclassified) for r in rows), key=lambda r: r[:4])


def test_the_reported_pages_and_totals_are_the_joined_documents_in_order(grown: str) -> None:
    """Paged from `ix_document_periods_reported`, the reports are those the documents and their
    cells name, in level and unit order, and the totals (and the count outside the expected units)
    are theirs."""
    from pipeline.cells.overview import reported, reported_totals

    store = open_store(grown)
    try:
        with store._read() as conn:
            by_period = {p: reference_reported(conn, p) for p in store_periods(store)}
        for period, want in by_period.items():
            expected = {w[2] for w in want[::2]}  # every other report's unit is on the expected list
            shown = []
            for offset in range(0, len(want) + 3, 3):
                shown += reported(store, period, expected, offset=offset, limit=3)
            got = [(r["level"], r["document_id"], r["path"], r["figures"], r["unreviewed"], r["unclassified"])
                   for r in shown]
            assert got == [(w[0], w[3], w[4], w[5], w[6], w[7]) for w in want]
            assert [r["expected"] for r in shown] == [w[2] in expected for w in want]
            totals = reported_totals(store, period, expected)
            assert totals == {"documents": len(want), "figures": sum(w[5] for w in want),
                              "unreviewed": sum(w[6] for w in want), "unclassified": sum(w[7] for w in want),
                              "outside": sum(w[2] not in expected for w in want)}
        assert any(t for t in by_period.values() if len({w[2] for w in t}) > 1)  # units to tell apart
    finally:
        store.close()


def test_migration_0007_fills_a_stores_rows_as_the_refresh_writes_them(store: object) -> None:
    """An existing store taken back to 0006 and brought up again: the level and unit 0007 adds to
    each document's period rows are those the refresh writes (SQLite and PostgreSQL)."""
    from alembic import command

    from pipeline.store.migrate import alembic_config, upgrade

    source = templates(None, tuple(sorted((REPO / "samples").glob("00[0-4]_*.txt"))))
    grow(store, source, reporting_units(4), 0, 12)
    columns = [document_periods.c[k] for k in ("document_id", "period", "level", "unit_base", "unit_code",
                                               "figures", "unreviewed", "unclassified", "alarms")]

    def rows() -> list[tuple]:
        with store._read() as conn:
            return [tuple(r) for r in conn.execute(sa.select(*columns).order_by(*columns[:2]))]

    written = rows()
    assert len({r[3] for r in written}) > 1 and all(r[3] for r in written)
    assert any(r[8] for r in written)  # totals ≠ parts, counted from the findings
    config = alembic_config(store.engine)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    upgrade(store.engine)
    assert rows() == written
