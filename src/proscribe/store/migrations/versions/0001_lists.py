"""List editions, entity versions, current pointers and download state.

Revision ID: 0001_lists
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_lists"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False, index=True),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("publisher_date", sa.String(32)),
        sa.Column("latest_listed_on", sa.String(32)),
        sa.Column("order_hint", sa.BigInteger),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("name_count", sa.Integer, nullable=False),
        sa.Column("schema_counts", sa.Text, nullable=False),
        sa.UniqueConstraint("source", "content_hash", name="uq_editions_source_content"),
    )
    op.create_table(
        "entity_records",
        sa.Column("record_hash", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(255), nullable=False, index=True),
        sa.Column("schema", sa.String(16), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "edition_entities",
        sa.Column("edition_id", sa.Integer, sa.ForeignKey("editions.id"), primary_key=True),
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("record_hash", sa.String(64), sa.ForeignKey("entity_records.record_hash"), nullable=False),
    )
    op.create_table(
        "current_editions",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("edition_id", sa.Integer, sa.ForeignKey("editions.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "download_state",
        sa.Column("url", sa.String(1024), primary_key=True),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(128)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("download_state", "current_editions", "edition_entities", "entity_records", "editions"):
        op.drop_table(table)
