"""The tables, as SQLAlchemy Core objects the store queries; migrations create the same shape."""

from __future__ import annotations

import sqlalchemy as sa

from pipeline.store.types import ExactDecimal, UtcDateTime

metadata = sa.MetaData()

DOCUMENT_STATUSES = ("loaded", "superseded", "rejected")
KINDS = ("money", "count", "percent", "ratio", "quantity", "rate")
APPROXES = ("exact", "over", "under", "about", "range")
MODALITIES = ("actual", "target", "estimate", "change")
REVIEW_STATUSES = ("unreviewed", "accepted", "rejected", "corrected")
REVIEW_ACTIONS = ("accept", "reject", "correct", "reset")


def one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK that keeps a vocabulary column to its words, so a bad row fails the whole load."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)


runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
    sa.Column("counts", sa.JSON),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("stem", sa.Text, nullable=False, server_default=""),
    sa.Column("format", sa.String(10), nullable=False, server_default=""),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("error_code", sa.String(40), nullable=False, server_default=""),
    sa.Column("error", sa.Text, nullable=False, server_default=""),
    sa.Column("issuer", sa.Text, nullable=False, server_default=""),
    sa.Column("level", sa.String(20), nullable=False, server_default=""),
    sa.Column("period", sa.Text, nullable=False, server_default=""),
    sa.Column("doc_type", sa.Text, nullable=False, server_default=""),
    sa.Column("metadata", sa.JSON),
    sa.Column("flags", sa.JSON),
    sa.Column("encoding", sa.String(20), nullable=False, server_default=""),
    sa.Column("page_count", sa.Integer),
    sa.Column("figure_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("supersedes", sa.Integer, sa.ForeignKey("documents.id", name="fk_documents_supersedes")),
    sa.Column("superseded_by", sa.Integer, sa.ForeignKey("documents.id", name="fk_documents_superseded_by")),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", name="fk_documents_run")),
    sa.Column("loaded_at", UtcDateTime(), nullable=False),
    # who reported, for which period (0002): the reporting unit's code, the periods' key, the
    # document's own date and type head, which together say when a report replaces another
    sa.Column("unit_code", sa.String(80), nullable=False, server_default=""),
    sa.Column("unit_name", sa.Text, nullable=False, server_default=""),
    sa.Column("period_key", sa.Text, nullable=False, server_default=""),
    sa.Column("doc_kind", sa.String(40), nullable=False, server_default=""),
    sa.Column("doc_date", sa.String(10), nullable=False, server_default=""),
    sa.Column("replace_note", sa.Text, nullable=False, server_default=""),  # why it replaced or was replaced
    sa.Column("ambiguous_with", sa.Integer),  # a same-day copy: an officer chooses (never silently)
    one_of("status", DOCUMENT_STATUSES, "ck_documents_status"),
)
sa.Index(
    "ix_documents_report_key", documents.c.issuer, documents.c.period, documents.c.doc_type, documents.c.stem
)
sa.Index("ix_documents_unit_period", documents.c.unit_code, documents.c.period_key, documents.c.doc_kind)
# the review page's list and counts by status (0006): a page is a seek, a count reads the index alone
sa.Index("ix_documents_status", documents.c.status, documents.c.id, documents.c.figure_count)

document_texts = sa.Table(
    "document_texts",
    metadata,
    sa.Column(
        "document_id",
        sa.Integer,
        sa.ForeignKey("documents.id", name="fk_document_texts_document", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("blocks", sa.JSON, nullable=False),
    sa.Column("headers_footers", sa.JSON),
)

figures = sa.Table(
    "figures",
    metadata,
    sa.Column("figure_id", sa.String(40), primary_key=True),
    sa.Column(
        "document_id",
        sa.Integer,
        sa.ForeignKey("documents.id", name="fk_figures_document", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("quote", sa.Text, nullable=False),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("value", ExactDecimal(), nullable=False),
    sa.Column("denominator", ExactDecimal()),
    sa.Column("unit", sa.Text, nullable=False, server_default=""),
    sa.Column("per", sa.Text, nullable=False, server_default=""),
    sa.Column("approx", sa.String(8), nullable=False),
    sa.Column("upper", ExactDecimal()),
    sa.Column("modality", sa.String(10), nullable=False),
    sa.Column("indicator", sa.Text, nullable=False, server_default=""),
    sa.Column("subject", sa.Text, nullable=False, server_default=""),
    sa.Column("section", sa.Text, nullable=False, server_default=""),
    sa.Column("rule", sa.Text, nullable=False, server_default=""),
    sa.Column("confidence", sa.Float, nullable=False, server_default="1"),
    sa.Column("part_of", sa.String(40)),
    sa.Column("sentence", sa.Text, nullable=False, server_default=""),
    sa.Column("sentence_start", sa.Integer),
    sa.Column("sentence_end", sa.Integer),
    sa.Column("page", sa.Integer),
    sa.Column("table_cell", sa.JSON),
    sa.Column("period", sa.Text, nullable=False, server_default=""),
    sa.Column("period_role", sa.String(12), nullable=False, server_default=""),
    sa.Column("indicator_code", sa.String(60), nullable=False, server_default="", index=True),
    sa.Column("indicator_score", sa.Float, nullable=False, server_default="0"),
    sa.Column("role", sa.String(12), nullable=False, server_default=""),  # threshold, average … (0003)
    sa.Column("indicator_candidates", sa.Text, nullable=False, server_default=""),  # too close to call
    sa.Column("review_status", sa.String(12), nullable=False, server_default="unreviewed"),
    sa.Column("reviewed_by", sa.Text, nullable=False, server_default=""),
    sa.Column("reviewed_at", UtcDateTime()),
    sa.Column("original", sa.JSON, nullable=False),
    one_of("kind", KINDS, "ck_figures_kind"),
    one_of("approx", APPROXES, "ck_figures_approx"),
    one_of("modality", MODALITIES, "ck_figures_modality"),
    one_of("review_status", REVIEW_STATUSES, "ck_figures_review_status"),
)

# The units a deployment expects a report from each regular period ("Chưa báo cáo" lists the ones
# that have not sent one). Set by `tonghop units`; lives in the store, not in the package.
expected_units = sa.Table(
    "expected_units",
    metadata,
    sa.Column("unit_code", sa.String(80), primary_key=True),  # "old:X21250/MTTQ"
    sa.Column("name", sa.Text, nullable=False),  # "Ủy ban MTTQ Việt Nam xã Nghĩa Kỳ"
    sa.Column("level", sa.String(20), nullable=False, server_default=""),
    sa.Column("parent", sa.Text, nullable=False, server_default=""),  # "huyện Tư Nghĩa, tỉnh Quảng Ngãi"
    sa.Column("source", sa.Text, nullable=False, server_default=""),  # the file or command that set it
    sa.Column("added_at", UtcDateTime(), nullable=False),
)

# An officer's corrections of a document's metadata (unit, period, type), by content: they are
# applied again whenever the same file is loaded, so they survive a re-ingest into a new store.
document_overrides = sa.Table(
    "document_overrides",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("overrides", sa.JSON, nullable=False),
    sa.Column("user", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
)

# The audit log of those corrections: who, when, before, after, why.
document_reviews = sa.Table(
    "document_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("document_id", sa.Integer),
    sa.Column("user", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "figure_id",
        sa.String(40),
        sa.ForeignKey("figures.figure_id", name="fk_reviews_figure", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("user", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    one_of("action", REVIEW_ACTIONS, "ck_reviews_action"),
)

# Phrases an officer taught ("remember for phrases like this"): the next batch maps them. (0003)
learned_phrases = sa.Table(
    "learned_phrases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("phrase", sa.Text, nullable=False),
    sa.Column("indicator_code", sa.String(60), nullable=False),
    sa.Column("figure_id", sa.String(40)),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("removed_by", sa.Text, nullable=False, server_default=""),
    sa.Column("removed_at", UtcDateTime()),
)

# Indicators an officer created on the review page, beside the packaged indicators.yaml. (0003)
custom_indicators = sa.Table(
    "custom_indicators",
    metadata,
    sa.Column("code", sa.String(60), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("unit", sa.Text, nullable=False, server_default=""),
    sa.Column("combine", sa.String(8), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
