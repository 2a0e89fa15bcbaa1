"""Counterparty register, monitoring runs, alerts, settings and the hash-chained audit trail.

Revision ID: 0002_workflow
Revises: 0001_lists
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_workflow"
down_revision = "0001_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("party_id", sa.String(255), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(16)),
        sa.Column("country", sa.String(8)),
        sa.Column("date_of_birth", sa.String(10)),
        sa.Column("id_number", sa.String(255)),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "party_versions",
        sa.Column("party_id", sa.String(255), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("changed_fields", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("editions", sa.Text, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("parties_screened", sa.Integer, nullable=False),
        sa.Column("entries_considered", sa.Integer, nullable=False),
        sa.Column("alerts_opened", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_table(
        "party_screenings",
        sa.Column("party_id", sa.String(255), primary_key=True),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("monitor_runs.id"), nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("party_id", sa.String(255), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("party_hash", sa.String(64), nullable=False),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("edition_id", sa.Integer, nullable=False),
        sa.Column("party_snapshot", sa.Text, nullable=False),
        sa.Column("entity_snapshot", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("previous_alert_id", sa.Integer),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("monitor_runs.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee", sa.String(255)),
        sa.Column("proposed", sa.String(24)),
        sa.Column("proposed_by", sa.String(255)),
        sa.Column("decision", sa.String(24)),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("approved_by", sa.String(255)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text),
        sa.Column("lock_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_alerts_pair", "alerts", ["party_id", "entity_id"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute(sa.text("insert into audit_head (id, seq, hash) values (1, 0, '" + "0" * 64 + "')"))


def downgrade() -> None:
    for table in (
        "audit_head",
        "audit_events",
        "settings",
        "alerts",
        "party_screenings",
        "monitor_runs",
        "party_versions",
        "parties",
    ):
        op.drop_table(table)
