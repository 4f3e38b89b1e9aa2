"""What the review page lists, a page at a time: documents with their review counts, how many
there are, how many figures an export would hold, one document's audit log. Every query goes by
an indexed key (documents.id, documents.status, figures.document_id, reviews.figure_id), so a page
costs the same at 100,000 reports as at 100."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.store.schema import documents, figures, reviews

REVIEW_STATES = ("unreviewed", "accepted", "rejected", "corrected")


class PagesStore:
    """Mixed into SqlStore, whose `_read()` transactions it uses."""

    _read: Any  # provided by SqlStore

    def document_page(
        self, statuses: tuple[str, ...], *, offset: int = 0, limit: int = 50
    ) -> list[dict[str, Any]]:
        """Documents of these statuses, oldest first, `limit` from `offset`, as `documents()` gives them."""
        query = (
            sa.select(documents).where(documents.c.status.in_(statuses))
            .order_by(documents.c.id).offset(max(offset, 0)).limit(limit)
        )
        with self._read() as conn:
            return _with_counts(conn, [dict(r) for r in conn.execute(query).mappings()])

    def place_documents(self, code: str) -> list[dict[str, Any]]:
        """Documents (not rejected) of the unit `code` and of other bodies of its place ("old:X20395/…"),
        oldest first, as `documents()` gives them: the unit page, by the unit-code index."""
        area = code.split("/", 1)[0]
        query = sa.select(documents).where(
            documents.c.status != "rejected",
            sa.or_(documents.c.unit_code.in_((code, area)),
                   sa.and_(documents.c.unit_code >= f"{area}/", documents.c.unit_code < f"{area}0")),
        ).order_by(documents.c.id)  # "/" sorts just before "0": the range is the codes "area/…"
        with self._read() as conn:
            return _with_counts(conn, [dict(r) for r in conn.execute(query).mappings()])

    def count_documents(self, statuses: tuple[str, ...]) -> int:
        """How many documents have one of these statuses."""
        with self._read() as conn:
            return int(conn.execute(
                sa.select(sa.func.count()).select_from(documents).where(documents.c.status.in_(statuses))
            ).scalar_one())

    def document_paths(self, ids: list[int]) -> dict[int, str]:
        """The file names of these documents (links to a replacement)."""
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(sa.select(documents.c.id, documents.c.path).where(documents.c.id.in_(ids)))
            return {r.id: r.path for r in rows}

    def count_figures(self, *, reviewed_only: bool = False) -> int:
        """How many current figures an export holds (all, or accepted and corrected only): the
        documents' own counts, or the reviewed ones found by their index."""
        if not reviewed_only:
            with self._read() as conn:
                return int(conn.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(documents.c.figure_count), 0))
                    .where(documents.c.status == "loaded")
                ).scalar_one())
        query = sa.select(sa.func.count()).select_from(
            figures.join(documents, documents.c.id == figures.c.document_id)
        ).where(documents.c.status == "loaded", figures.c.review_status.in_(("accepted", "corrected")))
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def document_review_log(self, document_id: int) -> list[dict[str, Any]]:
        """The audit log of one document's figures, oldest first (never the whole log)."""
        query = (
            sa.select(reviews).join(figures, figures.c.figure_id == reviews.c.figure_id)
            .where(figures.c.document_id == document_id).order_by(reviews.c.id)
        )
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]


def _with_counts(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each document row with its figures counted by review state (one grouped query by index)."""
    ids = [r["id"] for r in rows]
    counts: dict[int, dict[str, int]] = {}
    for start in range(0, len(ids), 500):
        grouped = conn.execute(
            sa.select(figures.c.document_id, figures.c.review_status, sa.func.count())
            .where(figures.c.document_id.in_(ids[start : start + 500]))
            .group_by(figures.c.document_id, figures.c.review_status)
        )
        for document_id, status, n in grouped:
            counts.setdefault(document_id, {})[status] = n
    for row in rows:
        by_status = {s: 0 for s in REVIEW_STATES}
        by_status.update(counts.get(row["id"], {}))
        row["figures"], row["review_counts"] = sum(by_status.values()), by_status
        row["metadata"] = row["metadata"] or {}
    return rows
