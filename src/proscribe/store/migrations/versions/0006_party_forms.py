"""Monitoring keeps each party's normalised name forms, so a delta run need not normalise the register again.

Revision ID: 0006_party_forms
Revises: 0005_enforcement
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_party_forms"
down_revision = "0005_enforcement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party_screenings") as batch:
        batch.add_column(sa.Column("name_forms", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party_screenings") as batch:
        batch.drop_column("name_forms")
