"""Enforcement: screened transactions, policy, ownership links, and the append-only blocked-property ledger.

Revision ID: 0005_enforcement
Revises: 0004_devices
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_enforcement"
down_revision = "0004_devices"
branch_labels = None
depends_on = None

APPEND_ONLY = ("blocked_properties", "ledger_events", "ledger_entries")


def upgrade() -> None:
    op.create_table(
        "enforcement_config",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tx_screenings",
        sa.Column("tx_id", sa.String(255), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tx_date", sa.String(10), nullable=False),
        sa.Column("amount", sa.String(48), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("decided_on", sa.String(10), nullable=False),
        sa.Column("policy", sa.String(16), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_index("ix_tx_screenings_decision", "tx_screenings", ["decision", "decided_on"])
    op.create_table(
        "tx_alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tx_id", sa.String(255), nullable=False, index=True),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("if_confirmed", sa.String(8), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.String(255)),
    )
    op.create_table(
        "tx_resolutions",
        sa.Column("tx_id", sa.String(255), primary_key=True),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("decided_on", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("property_id", sa.Integer),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_table(
        "ownership_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner_key", sa.String(255), nullable=False),
        sa.Column("owner_name", sa.Text, nullable=False),
        sa.Column("owned_key", sa.String(255), nullable=False),
        sa.Column("owned_name", sa.Text, nullable=False),
        sa.Column("share", sa.String(24), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.UniqueConstraint("owner_key", "owned_key", name="uq_ownership_pair"),
    )
    op.create_table(
        "blocked_properties",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(255), nullable=False),
        sa.Column("owner_name", sa.Text, nullable=False),
        sa.Column("programs", sa.Text, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("tx_id", sa.String(255)),
        sa.Column("blocked_on", sa.String(10), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("quantity", sa.String(48), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("estimated_value", sa.String(48)),
        sa.Column("value_currency", sa.String(3)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_index("ix_blocked_properties_tx", "blocked_properties", ["tx_id"])
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("property_id", sa.Integer, sa.ForeignKey("blocked_properties.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("occurred_on", sa.String(10), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("amount", sa.String(48), nullable=False),
        sa.Column("reference", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("ledger_events.id"), nullable=False, index=True),
        sa.Column("account", sa.String(160), nullable=False, index=True),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("amount", sa.String(48), nullable=False),
    )
    _append_only(op.get_bind().dialect.name)


def _append_only(dialect: str) -> None:
    """Refuse UPDATE and DELETE on the ledger tables at the database itself, not only in code."""
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION proscribe_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION proscribe_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS proscribe_append_only()")
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    op.drop_table("ownership_links")
    op.drop_table("tx_resolutions")
    op.drop_table("tx_alerts")
    op.drop_index("ix_tx_screenings_decision", table_name="tx_screenings")
    op.drop_table("tx_screenings")
    op.drop_table("enforcement_config")
