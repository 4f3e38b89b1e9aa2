"""documents found by their status through an index: the review page's list, its counts, the export dialog

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:15:00

At a province's scale (100,000 documents) counting the current documents, summing their figures
for the export dialog and paging through them ordered by id each read the whole documents table
(its rows carry the metadata JSON). `ix_documents_status` orders documents by status then id and
holds each one's figure count, so the list seeks its page and the counts read the index alone.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_status", "documents", ["status", "id", "figure_count"])


def downgrade() -> None:
    op.drop_index("ix_documents_status", table_name="documents")
