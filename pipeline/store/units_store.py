"""The store's side of "who reported, for which period": the expected units, an officer's
corrections of a document's unit, period and type (audited, kept by content so a re-ingest keeps
them), and the choice between two same-day copies. Mixed into `SqlStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from pipeline.document import DocumentMetadata, Period
from pipeline.metadata import apply_overrides
from pipeline.store.cells_schema import mark_dirty
from pipeline.store.records import document_columns, figure_period
from pipeline.store.schema import (
    document_overrides,
    document_reviews,
    document_texts,
    documents,
    expected_units,
    figures,
)

EDITABLE_DOCUMENT_FIELDS = ("unit_code", "issuer", "unit_name", "level", "province", "periods", "doc_type")


def _now() -> datetime:
    return datetime.now(UTC)


class UnitsStore:
    """Methods SqlStore gains; they use its `_write`/`_read` transactions."""

    _write: Callable[[], AbstractContextManager[sa.Connection]]  # SqlStore's transactions
    _read: Callable[[], AbstractContextManager[sa.Connection]]

    # -- expected units -------------------------------------------------------------------------

    def set_expected_units(self, units: list[dict[str, Any]], *, source: str, replace: bool = True) -> int:
        """Set (or, with replace=False, add to) the units that must report; returns how many are listed."""
        rows = {u["unit_code"]: u for u in units}
        with self._write() as conn:
            if replace:
                conn.execute(expected_units.delete())
            else:
                conn.execute(expected_units.delete().where(expected_units.c.unit_code.in_(list(rows))))
            if rows:
                conn.execute(
                    expected_units.insert(),
                    [
                        {
                            "unit_code": code,
                            "name": u["name"],
                            "level": u.get("level", ""),
                            "parent": u.get("parent", ""),
                            "source": source,
                            "added_at": _now(),
                        }
                        for code, u in rows.items()
                    ],
                )
            return conn.execute(sa.select(sa.func.count()).select_from(expected_units)).scalar_one()

    def expected_units(self) -> list[dict[str, Any]]:
        """The units that must report, by code."""
        with self._read() as conn:
            rows = conn.execute(sa.select(expected_units).order_by(expected_units.c.unit_code)).mappings()
            return [dict(r) for r in rows]

    # -- corrections --------------------------------------------------------------------------

    def set_document_metadata(
        self, document_id: int, changes: dict[str, Any], *, user: str, comment: str = ""
    ) -> dict[str, Any]:
        """An officer's correction of a document's unit, period or type: the row, its figures' periods
        and the report it replaces follow; the audit log keeps before and after; the correction is
        kept by content and applied again whenever the same file is loaded."""
        unknown = set(changes) - set(EDITABLE_DOCUMENT_FIELDS)
        if unknown:
            raise ValueError(f"these document fields cannot be corrected: {', '.join(sorted(unknown))}")
        if not user.strip():
            raise ValueError("a correction needs the reviewer's name")
        with self._write() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.id == document_id)).mappings().first()
            if row is None:
                raise KeyError(f"no document with id {document_id}")
            if row["status"] == "rejected":
                raise ValueError("a rejected file has no metadata to correct")
            meta = _metadata(row["metadata"])
            before = {name: _plain(getattr(meta, name)) for name in changes}
            meta = apply_overrides(meta, dict(changes))
            conn.execute(
                documents.update().where(documents.c.id == document_id).values(**document_columns(meta))
            )
            self._repoint_figures(conn, document_id, before.get("periods"), meta.periods)
            stored = conn.execute(
                sa.select(document_overrides.c.overrides).where(document_overrides.c.sha256 == row["sha256"])
            ).scalar()
            merged = {**(stored or {}), **{k: _plain(getattr(meta, k)) for k in changes}}
            conn.execute(document_overrides.delete().where(document_overrides.c.sha256 == row["sha256"]))
            conn.execute(
                document_overrides.insert().values(
                    sha256=row["sha256"], overrides=merged, user=user, at=_now()
                )
            )
            _audit(conn, row, user, before, {k: _plain(getattr(meta, k)) for k in changes}, comment)
            mark_dirty(conn, [document_id])
            if row["status"] == "loaded":
                text = (
                    conn.execute(
                        sa.select(document_texts.c.text).where(document_texts.c.document_id == document_id)
                    ).scalar()
                    or ""
                )
                self._settle_replacements(conn, document_id, text)  # type: ignore[attr-defined]
        return self.document(document_id)  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def _repoint_figures(
        conn: sa.Connection, document_id: int, old: list[dict[str, Any]] | None, periods: list[Period]
    ) -> None:
        """Figures take the corrected periods, except those whose own sentence named another period."""
        if old is None:
            return
        old_labels = {p["period"] for p in old} | {""}
        rows = conn.execute(
            sa.select(figures.c.figure_id, figures.c.section, figures.c.period).where(
                figures.c.document_id == document_id
            )
        ).all()
        for figure_id, section, label in rows:
            if label not in old_labels:
                continue
            period = figure_period(section, periods)
            conn.execute(
                figures.update()
                .where(figures.c.figure_id == figure_id)
                .values(period=period.period if period else "", period_role=period.role if period else "")
            )

    @staticmethod
    def _same_unit_report(conn: sa.Connection, row: Any) -> list[Any]:
        """The other loaded documents of `row`'s unit, period key and kind (id, doc_date): one report."""
        return conn.execute(
            sa.select(documents.c.id, documents.c.doc_date).where(
                documents.c.status == "loaded",
                documents.c.id != row["id"],
                documents.c.unit_code == row["unit_code"],
                documents.c.period_key == row["period_key"],
                documents.c.doc_kind == row["doc_kind"],
            )
        ).all()

    def choose_document(self, document_id: int, *, user: str, comment: str = "") -> list[int]:
        """An officer picks which of two same-day copies counts; returns the ids of those it replaces."""
        with self._write() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.id == document_id)).mappings().first()
            if row is None:
                raise KeyError(f"no document with id {document_id}")
            if not row["unit_code"] or not row["period_key"]:
                raise ValueError("this document has no unit and period to compare with others")
            others = [r.id for r in self._same_unit_report(conn, row)]
            note = f"cán bộ {user} chọn bản #{document_id}" + (f": {comment}" if comment else "")
            if others:
                conn.execute(
                    documents.update()
                    .where(documents.c.id.in_(others))
                    .values(
                        status="superseded", superseded_by=document_id, ambiguous_with=None, replace_note=note
                    )
                )
            conn.execute(
                documents.update()
                .where(documents.c.id == document_id)
                .values(status="loaded", superseded_by=None, ambiguous_with=None, replace_note=note)
            )
            mark_dirty(conn, [document_id, *others])
            after = {"status": "loaded", "replaces": list(others)}
            _audit(conn, row, user, {"status": row["status"]}, after, comment)
        return list(others)

    def corrections(self) -> list[dict[str, Any]]:
        """Every document correction by content (sha256, fields, who, when), to carry to another store."""
        with self._read() as conn:
            return [dict(r) for r in conn.execute(sa.select(document_overrides)).mappings()]

    def import_corrections(self, corrections: list[dict[str, Any]]) -> int:
        """Take corrections made in another store; they apply whenever those files are loaded here."""
        with self._write() as conn:
            for item in corrections:
                conn.execute(document_overrides.delete().where(document_overrides.c.sha256 == item["sha256"]))
                conn.execute(document_overrides.insert().values(
                    sha256=item["sha256"], overrides=item["overrides"], user=item["user"], at=item["at"]
                ))
        return len(corrections)

    def document_reviews(self, *, document_id: int | None = None) -> list[dict[str, Any]]:
        """The audit log of document corrections, oldest first."""
        query = sa.select(document_reviews).order_by(document_reviews.c.id)
        if document_id is not None:
            query = query.where(document_reviews.c.document_id == document_id)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]


def _audit(
    conn: sa.Connection, row: Any, user: str, before: dict[str, Any], after: dict[str, Any], comment: str
) -> None:
    """One line of the document audit log: who changed which document, from what to what, and why."""
    conn.execute(
        document_reviews.insert().values(
            sha256=row["sha256"], document_id=row["id"], user=user, at=_now(), before=before, after=after,
            comment=comment,
        )
    )


def _metadata(record: dict[str, Any] | None) -> DocumentMetadata:
    meta = dict(record or {})
    meta["periods"] = [Period(**p) for p in meta.get("periods", [])]
    return DocumentMetadata(**meta)


def _plain(value: Any) -> Any:
    """JSON-ready: periods as dicts."""
    if isinstance(value, list):
        return [asdict(p) if isinstance(p, Period) else p for p in value]
    return value
