"""The one interface both store engines (SQLite WAL, PostgreSQL) implement.

Flows, the CLI and the review page talk to a store only through these methods, so an
engine can change without them noticing. `open_store(url)` in `pipeline.store` returns one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pipeline.document import Document
from pipeline.figure import Figure

# outdated: a newer report of the same unit, period and kind is already loaded; this one is kept as replaced
LoadStatus = Literal["loaded", "unchanged", "superseded", "outdated", "rejected"]
ReviewAction = Literal["accept", "reject", "correct", "reset"]


@dataclass(slots=True)
class LoadResult:
    status: LoadStatus
    document_id: int
    path: str
    figures: int = 0
    superseded_id: int | None = None  # the older submission this one replaced
    code: str = ""  # rejected: the error code of pipeline.errors
    message: str = ""


@dataclass(slots=True)
class ToLoad:
    """One read document for `Store.load_batch`: its figures and their (code, score, …) mappings."""

    document: Document
    figures: list[Figure]
    indicators: list[tuple[str, float]]


@dataclass(slots=True)
class ToReject:
    """One file that could not be read, for `Store.load_batch`."""

    path: str
    sha256: str
    code: str
    message: str


@dataclass(slots=True)
class RunSummary:
    run_id: int
    counts: dict[str, int] = field(default_factory=dict)


class Store(Protocol):
    url: str

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""

    def load(
        self,
        document: Document,
        figures: list[Figure],
        *,
        run_id: int | None = None,
        indicators: list[tuple[str, float]] | None = None,
    ) -> LoadResult:
        """A document and all its figures in one transaction; same sha256 twice changes nothing;
        a corrected re-submission (same issuer, period, doc type) supersedes the older one.
        `indicators`: (code, score) per figure; None maps them with the default catalogue."""

    def reject(
        self, path: str, sha256: str, code: str, message: str, *, run_id: int | None = None
    ) -> LoadResult:
        """Record a file that could not be read, with its stable error code."""

    def load_batch(
        self, entries: list[ToLoad | ToReject], *, run_id: int | None = None
    ) -> list[LoadResult | Exception]:
        """Several files in one transaction, each as `load` or `reject` would record it alone, in
        order; a file whose own rows fail (not the database) gets its error and the others go on."""

    def start_run(self, kind: str) -> int: ...

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None: ...

    def has_document(self, sha256: str) -> bool: ...

    def documents(self, *, include_superseded: bool = True) -> list[dict[str, Any]]:
        """One dict per document: id, sha256, path, format, status, error_code, error, metadata,
        figure counts by review state."""

    def document(self, document_id: int) -> dict[str, Any]:
        """A document with its text, blocks and metadata (for the review page)."""

    def figures(
        self,
        *,
        document_id: int | None = None,
        reviewed_only: bool = False,
        include_superseded: bool = False,
    ) -> list[dict[str, Any]]:
        """Figures as dicts: the FIGURES.md fields, figure_id, document_id, doc, rule, confidence,
        part_of (a figure_id), review_status (unreviewed|accepted|rejected|corrected),
        original (the extractor's values when corrected), sentence, indicator_code."""

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

    def reviews(self, *, figure_id: str | None = None) -> list[dict[str, Any]]:
        """The audit log: who, when, action, before, after, comment."""

    # Added with the SQL implementation (pipeline.store.sql_store.SqlStore):

    def figure(self, figure_id: str) -> dict[str, Any]:
        """One figure as `figures()` gives it; KeyError when unknown."""

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first: id, kind, started_at, finished_at, counts."""

    def row_counts(self) -> dict[str, int]:
        """Rows per table (idempotence checks)."""

    def set_indicators(self, mapping: dict[str, tuple[str, float]]) -> int:
        """Re-map figures (figure_id → (indicator code, score)) after the catalogue changed."""

    def close(self) -> None:
        """Release pooled connections."""
