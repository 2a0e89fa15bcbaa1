"""Enforcement tables on the store's shared ``metadata`` (created by migration 0005_enforcement).

Screened transactions are kept with their canonical content hash, so a replay
is recognised and a reused id refused. Blocked property, ledger events and
ledger entries are append-only (the migration installs triggers that refuse
UPDATE and DELETE on both databases): a balance is always a sum of entries,
never a stored figure that could be overwritten. Amounts are decimal strings,
summed as ``Decimal``, because neither SQLite nor a float may round them.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from proscribe.store.schema import metadata

enforcement_config = Table(
    "enforcement_config",
    metadata,
    Column("key", String(64), primary_key=True),  # policy | filer
    Column("value", Text, nullable=False),  # JSON
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

tx_screenings = Table(
    "tx_screenings",
    metadata,
    Column("tx_id", String(255), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("record", Text, nullable=False),  # the canonical transaction JSON
    Column("kind", String(16), nullable=False),
    Column("tx_date", String(10), nullable=False),
    Column("amount", String(48), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("decision", String(8), nullable=False),  # pass | hold | reject | block
    Column("result", Text, nullable=False),  # the output line, as first written
    Column("decided_on", String(10), nullable=False),  # the business day of the decision
    Column("policy", String(16), nullable=False),  # policy fingerprint
    Column("origin", Text, nullable=False),  # file:line or "api"
    Column("screened_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Index("ix_tx_screenings_decision", "decision", "decided_on"),
)

tx_alerts = Table(
    "tx_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tx_id", String(255), nullable=False, index=True),
    Column("field", String(64), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("caption", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("if_confirmed", String(8), nullable=False),  # the action the policy takes if the hit is the party
    Column("rule", Text, nullable=False),
    Column("explanation", Text, nullable=False),  # JSON: the engine's explanation
    Column("status", String(24), nullable=False),  # open | true-match | false-positive
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", String(255)),
)

tx_resolutions = Table(
    "tx_resolutions",
    metadata,
    Column("tx_id", String(255), primary_key=True),
    Column("decision", String(8), nullable=False),  # pass | reject | block
    Column("decided_on", String(10), nullable=False),
    Column("note", Text, nullable=False),
    Column("property_id", Integer),
    Column("resolved_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
)

ownership_links = Table(
    "ownership_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_key", String(255), nullable=False),
    Column("owner_name", Text, nullable=False),
    Column("owned_key", String(255), nullable=False),
    Column("owned_name", Text, nullable=False),
    Column("share", String(24), nullable=False),  # percent, exact decimal
    Column("source", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    UniqueConstraint("owner_key", "owned_key", name="uq_ownership_pair"),
)

blocked_properties = Table(
    "blocked_properties",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # funds | securities | goods
    Column("owner_id", String(255), nullable=False),  # listed entity id, or party:<name>
    Column("owner_name", Text, nullable=False),
    Column("programs", Text, nullable=False),  # JSON list: the legal authority
    Column("basis", Text, nullable=False),  # the rule and hit that blocked it
    Column("tx_id", String(255)),  # the blocked transaction, when blocked from one
    Column("blocked_on", String(10), nullable=False),
    Column("account", String(128), nullable=False),  # the blocked (interest-bearing) account
    Column("unit", String(64), nullable=False),  # currency, ISIN:<isin>, or UNITS for goods
    Column("quantity", String(48), nullable=False),  # amount, number of securities or goods units
    Column("description", Text, nullable=False),
    Column("location", Text),
    Column("estimated_value", String(48)),
    Column("value_currency", String(3)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Index("ix_blocked_properties_tx", "tx_id"),
)

ledger_events = Table(
    "ledger_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", Integer, ForeignKey("blocked_properties.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # blocked | interest | release | unblock
    Column("occurred_on", String(10), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("amount", String(48), nullable=False),  # as stated (positive); entries carry the signed postings
    Column("reference", Text),  # licence number, delisting notice
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("ledger_events.id"), nullable=False, index=True),
    Column("account", String(160), nullable=False, index=True),
    Column("unit", String(64), nullable=False),
    Column("amount", String(48), nullable=False),  # signed decimal; each event's entries sum to zero per unit
)

APPEND_ONLY = ("blocked_properties", "ledger_events", "ledger_entries")
