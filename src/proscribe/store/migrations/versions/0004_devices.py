"""Device inventories for equipment exposure (imported files and discovery runs) and their devices.

Revision ID: 0004_devices
Revises: 0003_api_keys
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_devices"
down_revision = "0003_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_inventories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("device_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inventory_id", sa.Integer, sa.ForeignKey("device_inventories.id"), nullable=False, index=True),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("brand", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("mac", sa.String(17), nullable=False),
        sa.Column("serial", sa.Text, nullable=False),
        sa.Column("firmware", sa.Text, nullable=False),
        sa.Column("ip", sa.Text, nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("device_type", sa.Text, nullable=False),
        sa.Column("purchase_date", sa.String(10), nullable=False),
        sa.Column("unit_cost", sa.Text),
        sa.Column("supplier", sa.Text, nullable=False),
        sa.Column("fingerprints", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("devices")
    op.drop_table("device_inventories")
