"""The store's tables: immutable editions of each list, and which edition is current.

An entity version is stored once, keyed by the hash of its canonical JSON;
an edition is the set of (entity id -> version hash) it contained. Two
editions therefore diff with one join, identical entities across editions
cost nothing, and making a new edition current is a single-row change at the
end of one transaction, so a failed import can never leave a half edition
current.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

editions = Table(
    "editions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False, index=True),
    Column("format", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("publisher_date", String(32)),
    Column("latest_listed_on", String(32)),  # newest listing date inside: orders undated editions
    Column("order_hint", BigInteger),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("files", Text, nullable=False),  # JSON list of the file names imported
    Column("entity_count", Integer, nullable=False),
    Column("name_count", Integer, nullable=False),
    Column("schema_counts", Text, nullable=False),  # JSON {schema: count}
    UniqueConstraint("source", "content_hash", name="uq_editions_source_content"),
)

entity_records = Table(
    "entity_records",
    metadata,
    Column("record_hash", String(64), primary_key=True),
    Column("entity_id", String(255), nullable=False, index=True),
    Column("schema", String(16), nullable=False),
    Column("caption", Text, nullable=False),
    Column("data", Text, nullable=False),  # Entity.to_dict() as canonical JSON
    Column("screened", Text, nullable=True),  # what screening reads of it (store.screened); null: stored before
)

edition_entities = Table(
    "edition_entities",
    metadata,
    Column("edition_id", Integer, ForeignKey("editions.id"), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("record_hash", String(64), ForeignKey("entity_records.record_hash"), nullable=False),
)

current_editions = Table(
    "current_editions",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("edition_id", Integer, ForeignKey("editions.id"), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

download_state = Table(
    "download_state",
    metadata,
    Column("url", String(1024), primary_key=True),
    Column("etag", String(512)),
    Column("last_modified", String(128)),
    Column("content_hash", String(64)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

# The audit trail (see proscribe.store.audit): every import, run, alert and decision, hash-chained.
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),  # ISO timestamp, hashed as written
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: the lock appenders take
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
