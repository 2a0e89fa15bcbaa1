"""Each stored entity version keeps what screening reads of it (``store.screened``), so monitoring can tell
an entry that gained a name from one whose remarks or programs changed; alerts are found by entity too (the
parties alerted on a changed entry are screened again).

Revision ID: 0007_screened_content
Revises: 0006_party_forms
Create Date: 2026-11-28
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from proscribe.model import Entity
from proscribe.store.db import chunks
from proscribe.store.screened import screened_content

revision = "0007_screened_content"
down_revision = "0006_party_forms"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    op.create_index("ix_alerts_entity", "alerts", ["entity_id"])
    with op.batch_alter_table("entity_records") as batch:
        batch.add_column(sa.Column("screened", sa.Text, nullable=True))
    # the versions stored already: read once here, so the next list update compares them like any other
    records = sa.table("entity_records", sa.column("record_hash"), sa.column("data"), sa.column("screened"))
    connection = op.get_bind()
    hashes = list(connection.execute(sa.select(records.c.record_hash)).scalars())
    keep = records.update().where(records.c.record_hash == sa.bindparam("key")).values(screened=sa.bindparam("value"))
    read = sa.select(records.c.record_hash, records.c.data)
    for chunk in chunks(hashes, _BATCH):
        rows = connection.execute(read.where(records.c.record_hash.in_(chunk)))
        values = [{"key": key, "value": screened_content(Entity.from_dict(json.loads(data)))} for key, data in rows]
        if values:
            connection.execute(keep, values)


def downgrade() -> None:
    with op.batch_alter_table("entity_records") as batch:
        batch.drop_column("screened")
    op.drop_index("ix_alerts_entity", "alerts")
