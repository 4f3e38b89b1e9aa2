"""The store on SQLAlchemy Core: one class serves SQLite (WAL) and PostgreSQL with the same SQL."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from pipeline.document import Document
from pipeline.figure import Figure, decimal_text
from pipeline.metadata import apply_overrides
from pipeline.store.api import LoadResult, LoadStatus, ReviewAction, ToLoad, ToReject
from pipeline.store.cells_schema import REVIEWED, mark_dirty, mark_figures_dirty
from pipeline.store.engine import make_engine
from pipeline.store.pages import PagesStore
from pipeline.store.records import (
    DECIMAL_FIELDS,
    EDITABLE_FIELDS,
    as_decimal,
    document_columns,
    figure_row,
    jsonable,
    period_context,
    report_stem,
    text_similarity,
)
from pipeline.store.replacements import Earlier, Replacement, decide
from pipeline.store.schema import (
    KINDS,
    REVIEW_ACTIONS,
    document_overrides,
    document_texts,
    documents,
    figures,
    reviews,
    runs,
)
from pipeline.store.schema import metadata as schema_metadata
from pipeline.store.teaching import TeachingStore
from pipeline.store.units_store import UnitsStore

ACTION_STATUS = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "reset": "unreviewed"}
SAME_REPORT_SIMILARITY = 0.5  # share of word trigrams two versions of one report have in common


def now() -> datetime:
    return datetime.now(UTC)


# The statements every loaded document runs, built once: building a statement and working out its
# cache key cost more CPU than SQLite spends running it.
_BY_SHA256 = sa.select(
    documents.c.id, documents.c.status, documents.c.path, documents.c.figure_count, documents.c.run_id
).where(documents.c.sha256 == sa.bindparam("sha256"))
_OVERRIDES = sa.select(document_overrides.c.overrides).where(
    document_overrides.c.sha256 == sa.bindparam("sha256")
)
_INSERT_DOCUMENT = documents.insert().returning(documents.c.id)
_INSERT_TEXT = document_texts.insert()
_INSERT_FIGURES = figures.insert()
_SAID = sa.select(figures.c.kind, figures.c.value).where(figures.c.document_id == sa.bindparam("document_id"))
_SETTLED = documents.update().where(documents.c.id == sa.bindparam("document_id"))


def _insert_figures(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """A document's figure rows in one executemany. On SQLite the values go to the driver as plain
    tuples, each through the very bind processor SQLAlchemy would apply (JSON, exact decimals):
    the same rows for a third of the CPU of SQLAlchemy's per-row parameter handling."""
    if conn.dialect.name != "sqlite":
        conn.execute(_INSERT_FIGURES, rows)
        return
    sql, pairs = _driver_insert(conn.dialect, tuple(rows[0]))
    conn.exec_driver_sql(sql, [tuple(row[k] if p is None else p(row[k]) for k, p in pairs) for row in rows])


@functools.lru_cache(maxsize=8)
def _driver_insert(dialect: sa.Dialect, keys: tuple[str, ...]) -> tuple[str, list[tuple[str, Any]]]:
    """The figures INSERT compiled once for `keys`, and each position's key and bind processor."""
    compiled = _INSERT_FIGURES.compile(dialect=dialect, column_keys=list(keys))
    order = compiled.positiontup or []
    return compiled.string, [(k, figures.c[k].type._cached_bind_processor(dialect)) for k in order]


class SqlStore(UnitsStore, TeachingStore, PagesStore):
    """Documents, their text, figures, reviews and runs in one SQL database (see `pipeline.store.api`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    # -- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One transaction that takes the write lock up front (SQLite) and commits or rolls back whole."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect().execution_options(write=False) as conn, conn.begin():
            yield conn

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        from pipeline.store import migrate as migrations  # Alembic, only in processes that migrate

        migrations.upgrade(self.engine)

    def close(self) -> None:
        """Release pooled connections (tests and short-lived commands)."""
        self.engine.dispose()

    def row_counts(self) -> dict[str, int]:
        """Rows per table: what "ingesting twice changes nothing" is checked against."""
        with self._read() as conn:
            return {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in schema_metadata.sorted_tables
            }

    # -- runs -------------------------------------------------------------------------------------

    def start_run(self, kind: str) -> int:
        with self._write() as conn:
            return conn.execute(
                runs.insert().values(kind=kind, started_at=now()).returning(runs.c.id)
            ).scalar_one()

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self._write() as conn:
            conn.execute(
                runs.update().where(runs.c.id == run_id).values(finished_at=now(), counts=dict(counts))
            )

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first, with its counts."""
        with self._read() as conn:
            rows = conn.execute(sa.select(runs).order_by(runs.c.id.desc())).mappings().all()
        return [dict(r) for r in rows]

    # -- loading ----------------------------------------------------------------------------------

    def has_document(self, sha256: str) -> bool:
        with self._read() as conn:
            found = conn.execute(
                sa.select(documents.c.id).where(
                    documents.c.sha256 == sha256, documents.c.status != "rejected"
                )
            ).first()
        return found is not None

    def load(
        self,
        document: Document,
        figures_: list[Figure],
        *,
        run_id: int | None = None,
        indicators: list[tuple[str, float]] | None = None,
    ) -> LoadResult:
        """A document and all its figures in one transaction; same sha256 twice changes nothing;
        a corrected re-submission (same issuer, period, doc type, file stem) supersedes the older one.
        `indicators` is (code, score) per figure; when None the default catalogue maps them."""
        if indicators is None:
            from pipeline.normalise import map_figures, store_catalogue

            indicators = map_figures(document, figures_, store_catalogue(self))
        try:
            with self._write() as conn:
                return self._load_in(conn, document, figures_, run_id, indicators)
        except sa.exc.IntegrityError:
            # Another process loaded the same content a moment ago (PostgreSQL lets both try): the
            # unique sha256 stopped the second copy, so report it as what it is, unchanged.
            with self._read() as conn:
                existing = self._loaded_copy(conn, document.sha256)
            if existing is None:
                raise
            return existing

    def load_batch(
        self, entries: list[ToLoad | ToReject], *, run_id: int | None = None
    ) -> list[LoadResult | Exception]:
        """Several files in one transaction (one commit, one wait for the write lock, instead of one
        per file), each in its own savepoint: a file whose rows fail is rolled back alone and gets
        its error in its place, the others are kept. A fault of the database itself (locked, gone)
        rolls the whole batch back and is raised: nothing of it was stored, so it can be retried."""
        from pipeline.faults import is_transient

        results: list[LoadResult | Exception] = []
        dirty: list[int] = []  # queued for the cells once, for every file kept
        with self._write() as conn:
            for entry in entries:
                savepoint = conn.begin_nested()
                mine: list[int] = []
                try:
                    if isinstance(entry, ToReject):
                        e = entry
                        result = self._reject_in(conn, e.path, e.sha256, e.code, e.message, run_id)
                    else:
                        result = self._load_in(
                            conn, entry.document, entry.figures, run_id, entry.indicators, mine
                        )
                except Exception as error:
                    if is_transient(error):
                        raise
                    savepoint.rollback()
                    existing = None
                    if isinstance(error, sa.exc.IntegrityError) and isinstance(entry, ToLoad):
                        existing = self._loaded_copy(conn, entry.document.sha256)  # as `load` says
                    results.append(existing or error)
                    continue
                savepoint.commit()
                dirty += mine
                results.append(result)
            mark_dirty(conn, dirty)
        return results

    @staticmethod
    def _loaded_copy(conn: sa.Connection, sha256: str) -> LoadResult | None:
        """The stored document of this content, as an unchanged outcome; None when there is none."""
        existing = conn.execute(
            sa.select(documents.c.id, documents.c.path, documents.c.figure_count).where(
                documents.c.sha256 == sha256, documents.c.status != "rejected"
            )
        ).first()
        if existing is None:
            return None
        return LoadResult("unchanged", existing.id, existing.path, existing.figure_count)

    def _load_in(
        self,
        conn: sa.Connection,
        document: Document,
        figures_: list[Figure],
        run_id: int | None,
        indicators: list[tuple[str, float]],
        dirty: list[int] | None = None,
    ) -> LoadResult:
        """One document's rows inside the caller's transaction (see `load`); the documents whose cells
        it made stale are queued here, or added to `dirty` for the caller to queue."""
        if len(indicators) != len(figures_):
            raise ValueError(f"{len(figures_)} figures but {len(indicators)} indicator mappings")
        existing = conn.execute(_BY_SHA256, {"sha256": document.sha256}).first()
        if existing is not None and existing.status != "rejected":
            # The same file again in the same run is a retry after a fault that struck between
            # the commit and filing the file away: it was loaded by this run, not before it.
            retried = run_id is not None and existing.run_id == run_id and existing.path == document.path
            status = "loaded" if retried else "unchanged"
            return LoadResult(status, existing.id, existing.path, existing.figure_count)
        if existing is not None:  # a file once rejected now reads: replace the rejection record
            conn.execute(documents.delete().where(documents.c.id == existing.id))
        overrides = conn.execute(_OVERRIDES, {"sha256": document.sha256}).scalar()
        if overrides:  # an officer corrected this very file before: the correction stands
            document.metadata = apply_overrides(document.metadata, overrides)
        rows = self._figure_rows(document, 0, figures_, indicators)  # the id is filled in below
        values = {
            "sha256": document.sha256,
            "path": document.path,
            "stem": report_stem(document.path),
            "format": document.format,
            "status": "loaded",
            "flags": list(document.flags),
            "encoding": document.encoding,
            "page_count": document.page_count,
            "run_id": run_id,
            "loaded_at": now(),
            "figure_count": len(rows),
            **document_columns(document.metadata),
        }
        document_id = conn.execute(_INSERT_DOCUMENT, values).scalar_one()
        conn.execute(
            _INSERT_TEXT,
            {
                "document_id": document_id,
                "text": document.text,
                "blocks": [b.to_record() for b in document.blocks],
                "headers_footers": list(document.headers_footers),
            },
        )
        for row in rows:
            row["document_id"] = document_id
        if rows:
            _insert_figures(conn, rows)
        inserted = {**values, "id": document_id}
        replacement = self._settle_replacements(conn, document_id, document.text, inserted, dirty)
        status: LoadStatus = "loaded"
        if replacement.superseded_by is not None:
            status = "outdated"
        elif replacement.supersedes:
            status = "superseded"
        superseded_id = replacement.supersedes[-1] if replacement.supersedes else None
        return LoadResult(
            status,
            document_id,
            document.path,
            len(rows),
            superseded_id=superseded_id,
            message=replacement.note,
        )

    def _settle_replacements(
        self,
        conn: sa.Connection,
        document_id: int,
        text: str,
        row: Any = None,
        dirty: list[int] | None = None,
    ) -> Replacement:
        """Apply `replacements.decide` to a just-loaded (or just-corrected) document. A caller that
        has just written the document gives its `row` (the values written), so it is not read back."""
        if row is None:
            row = conn.execute(sa.select(documents).where(documents.c.id == document_id)).mappings().one()
        if row["unit_code"] and row["period_key"]:
            same = self._same_unit_report(conn, row)
            earlier = [Earlier(r.id, r.doc_date, self._said(conn, r.id)) for r in same]
            # with no earlier copy what the document says decides nothing: not read
            said = self._said(conn, document_id) if earlier else ()
            replacement = decide(row["doc_date"], said, earlier)
        else:  # no unit code: the same issuer, period, type and file name (and, unnamed, the same words)
            older = (
                conn.execute(
                    sa.select(documents.c.id).where(
                        documents.c.status == "loaded",
                        documents.c.id != document_id,
                        documents.c.issuer == row["issuer"],
                        documents.c.period == row["period"],
                        documents.c.doc_type == row["doc_type"],
                        documents.c.stem == row["stem"],
                    )
                )
                .scalars()
                .all()
            )
            if older and not row["issuer"]:
                older = self._same_report(conn, list(older), text)
            replacement = Replacement(supersedes=sorted(older))
        if replacement.supersedes:
            conn.execute(
                documents.update()
                .where(documents.c.id.in_(replacement.supersedes))
                .values(
                    status="superseded",
                    superseded_by=document_id,
                    ambiguous_with=None,
                    replace_note=f"được thay bằng #{document_id}: {row['path']}",
                )
            )
        update: dict[str, Any] = {
            "replace_note": replacement.note,
            "supersedes": replacement.supersedes[-1] if replacement.supersedes else None,
        }
        if replacement.superseded_by is not None:
            update.update(status="superseded", superseded_by=replacement.superseded_by)
        if replacement.ambiguous_with is not None:
            update["ambiguous_with"] = replacement.ambiguous_with
            conn.execute(
                documents.update()
                .where(documents.c.id == replacement.ambiguous_with)
                .values(
                    ambiguous_with=document_id,
                    replace_note=f"cùng ngày với bản #{document_id}: cán bộ cần chọn",
                )
            )
        conn.execute(_SETTLED.values(**update), {"document_id": document_id})
        if dirty is None:
            mark_dirty(conn, [document_id, *replacement.supersedes])
        else:
            dirty += [document_id, *replacement.supersedes]
        return replacement

    @staticmethod
    def _said(conn: sa.Connection, document_id: int) -> tuple[str, ...]:
        """A document's figures as sorted "kind value" strings: what two copies must share to be one."""
        rows = conn.execute(_SAID, {"document_id": document_id}).all()
        return tuple(sorted(f"{r.kind} {decimal_text(r.value)}" for r in rows))

    @staticmethod
    def _same_report(conn: sa.Connection, candidates: list[int], text: str) -> list[int]:
        """With no issuer to go by, two files of the same name are one report only if their words agree
        (two communes both sending "Báo cáo năm 2020.docx" must not replace each other)."""
        rows = conn.execute(
            sa.select(document_texts.c.document_id, document_texts.c.text).where(
                document_texts.c.document_id.in_(candidates)
            )
        ).all()
        return sorted(r.document_id for r in rows if text_similarity(r.text, text) >= SAME_REPORT_SIMILARITY)

    @staticmethod
    def _figure_rows(
        document: Document, document_id: int, figures_: list[Figure], indicators: list[tuple[str, float]]
    ) -> list[dict[str, Any]]:
        """Rows for the figures; one span emitted twice yields one row (the id is the span)."""
        ids = [f.figure_id(document.sha256) for f in figures_]
        seen: set[str] = set()
        rows = []
        context = period_context(document, document.metadata.periods)
        for seq, figure in enumerate(figures_):
            if ids[seq] in seen:
                continue
            seen.add(ids[seq])
            rows.append(figure_row(document, document_id, figure, seq, ids, indicators[seq], context))
        return rows

    def reject(
        self, path: str, sha256: str, code: str, message: str, *, run_id: int | None = None
    ) -> LoadResult:
        """Record a file that could not be read, with its stable error code (once per file content)."""
        with self._write() as conn:
            return self._reject_in(conn, path, sha256, code, message, run_id)

    @staticmethod
    def _reject_in(
        conn: sa.Connection, path: str, sha256: str, code: str, message: str, run_id: int | None
    ) -> LoadResult:
        """A rejection's row inside the caller's transaction (see `reject`)."""
        existing = conn.execute(
            sa.select(documents.c.id, documents.c.status, documents.c.figure_count).where(
                documents.c.sha256 == sha256
            )
        ).first()
        if existing is not None and existing.status != "rejected":
            return LoadResult("unchanged", existing.id, path, existing.figure_count)
        values = {"path": path, "error_code": code, "error": message, "run_id": run_id}
        if existing is not None:
            conn.execute(documents.update().where(documents.c.id == existing.id).values(**values))
            document_id = existing.id
        else:
            document_id = conn.execute(
                documents.insert()
                .values(
                    sha256=sha256, stem=report_stem(path), status="rejected", loaded_at=now(), **values
                )
                .returning(documents.c.id)
            ).scalar_one()
        return LoadResult("rejected", document_id, path, code=code, message=message)

    # -- reading ----------------------------------------------------------------------------------

    def documents(self, *, include_superseded: bool = True) -> list[dict[str, Any]]:
        """One dict per document with its figure counts by review state, oldest first."""
        query = sa.select(documents).order_by(documents.c.id)
        if not include_superseded:
            query = query.where(documents.c.status != "superseded")
        counts_query = sa.select(figures.c.document_id, figures.c.review_status, sa.func.count()).group_by(
            figures.c.document_id, figures.c.review_status
        )
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
            counts: dict[int, dict[str, int]] = {}
            for document_id, status, n in conn.execute(counts_query):
                counts.setdefault(document_id, {})[status] = n
        result = []
        for row in rows:
            record = dict(row)
            by_status = {s: 0 for s in ("unreviewed", "accepted", "rejected", "corrected")}
            by_status.update(counts.get(row["id"], {}))
            record["figures"] = sum(by_status.values())
            record["review_counts"] = by_status
            record["metadata"] = record["metadata"] or {}
            result.append(record)
        return result

    def document(self, document_id: int) -> dict[str, Any]:
        """A document with its text, blocks and metadata (for the review page); KeyError when unknown."""
        query = (
            sa.select(
                documents, document_texts.c.text, document_texts.c.blocks, document_texts.c.headers_footers
            )
            .select_from(documents.outerjoin(document_texts, document_texts.c.document_id == documents.c.id))
            .where(documents.c.id == document_id)
        )
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise KeyError(f"no document with id {document_id}")
        record = dict(row)
        record["text"] = record["text"] or ""
        record["blocks"] = record["blocks"] or []
        record["headers_footers"] = record["headers_footers"] or []
        record["metadata"] = record["metadata"] or {}
        return record

    def _figure_query(self) -> sa.Select[Any]:
        return sa.select(
            figures,
            documents.c.path.label("doc"),
            documents.c.issuer,
            documents.c.unit_code,
            documents.c.unit_name,
            documents.c.level,
            documents.c.doc_type,
            documents.c.status.label("document_status"),
        ).select_from(figures.join(documents, documents.c.id == figures.c.document_id))

    def figures(
        self,
        *,
        document_id: int | None = None,
        reviewed_only: bool = False,
        include_superseded: bool = False,
    ) -> list[dict[str, Any]]:
        """Figures as dicts (FIGURES.md fields, provenance, review state, indicator code), in order."""
        query = self._figure_query().order_by(figures.c.document_id, figures.c.seq)
        if document_id is not None:
            query = query.where(figures.c.document_id == document_id)
        if not include_superseded:
            query = query.where(documents.c.status == "loaded")
        if reviewed_only:
            query = query.where(figures.c.review_status.in_(REVIEWED))
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def figure(self, figure_id: str) -> dict[str, Any]:
        """One figure by id; KeyError when unknown."""
        with self._read() as conn:
            row = (
                conn.execute(self._figure_query().where(figures.c.figure_id == figure_id)).mappings().first()
            )
        if row is None:
            raise KeyError(f"no figure with id {figure_id}")
        return dict(row)

    # -- review -----------------------------------------------------------------------------------

    def review(
        self,
        figure_id: str,
        action: ReviewAction,
        *,
        user: str,
        changes: dict[str, Any] | None = None,
        comment: str = "",
    ) -> dict[str, Any]:
        """Apply one decision, keep the original values, append to the audit log; returns the figure."""
        if action not in REVIEW_ACTIONS:
            raise ValueError(f"unknown review action {action!r}; use one of {', '.join(REVIEW_ACTIONS)}")
        if not user.strip():
            raise ValueError("a review needs the reviewer's name")
        changes = dict(changes or {})
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"these fields cannot be corrected: {', '.join(sorted(unknown))}")
        if action != "correct" and changes:
            raise ValueError("only a 'correct' review carries changes")
        if action == "correct" and not changes:
            raise ValueError("a 'correct' review needs the corrected values")
        for name in DECIMAL_FIELDS:
            if name in changes:
                changes[name] = as_decimal(changes[name])
        if changes.get("kind") is not None and changes["kind"] not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        with self._write() as conn:
            row = conn.execute(sa.select(figures).where(figures.c.figure_id == figure_id)).mappings().first()
            if row is None:
                raise KeyError(f"no figure with id {figure_id}")
            before = {name: row[name] for name in (*EDITABLE_FIELDS, "review_status")}
            update: dict[str, Any] = {
                "review_status": ACTION_STATUS[action],
                "reviewed_by": user,
                "reviewed_at": now(),
            }
            if action == "correct":
                update.update(changes)
            elif action == "reset":
                update.update(self._original_values(row["original"]))
                update["reviewed_by"], update["reviewed_at"] = "", None
            conn.execute(figures.update().where(figures.c.figure_id == figure_id).values(**update))
            mark_dirty(conn, [row["document_id"]])
            after = {**before, **{k: v for k, v in update.items() if k in before}}
            conn.execute(
                reviews.insert().values(
                    figure_id=figure_id,
                    user=user,
                    at=now(),
                    action=action,
                    before=jsonable(before),
                    after=jsonable(after),
                    comment=comment,
                )
            )
        return self.figure(figure_id)

    @staticmethod
    def _original_values(original: dict[str, Any]) -> dict[str, Any]:
        """The extractor's values of the editable fields, to undo every correction."""
        values = {name: original.get(name) for name in EDITABLE_FIELDS if name in original}
        for name in DECIMAL_FIELDS:
            if name in values:
                values[name] = as_decimal(values[name])
        for name in ("unit", "per", "indicator", "subject"):
            if name in values and values[name] is None:
                values[name] = ""
        values.pop("indicator_code", None)  # the catalogue's mapping is not the extractor's; keep it
        return values

    def set_indicators(self, mapping: dict[str, tuple]) -> int:
        """Re-map figures (after the catalogue was edited or taught); returns how many changed.

        Each value is (code, score) or a `Mapping` (code, score, role, candidates)."""
        changed = 0
        touched: list[str] = []
        with self._write() as conn:
            for figure_id, mapped in mapping.items():
                values = {"indicator_code": mapped[0], "indicator_score": float(mapped[1])}
                if len(mapped) > 2:
                    values.update(role=mapped[2], indicator_candidates=mapped[3] if len(mapped) > 3 else "")
                differs = sa.or_(*(figures.c[name] != value for name, value in values.items()
                                   if name != "indicator_score"))
                result = conn.execute(
                    figures.update().where(figures.c.figure_id == figure_id, differs).values(**values)
                )
                if result.rowcount:
                    changed += result.rowcount
                    touched.append(figure_id)
            mark_figures_dirty(conn, touched)
        return changed

    def reviews(self, *, figure_id: str | None = None) -> list[dict[str, Any]]:
        """The audit log, oldest first: who, when, action, before, after, comment."""
        query = sa.select(reviews).order_by(reviews.c.id)
        if figure_id is not None:
            query = query.where(reviews.c.figure_id == figure_id)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
