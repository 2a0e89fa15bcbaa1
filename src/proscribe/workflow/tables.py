"""Tables of the compliance workflow: the counterparty register, monitoring runs, alerts, audit trail.

They share the list store's metadata and database, so one transaction can
open alerts, record the run and append the audit events together.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from proscribe.store.schema import metadata

parties = Table(
    "parties",
    metadata,
    Column("party_id", String(255), primary_key=True),  # the user's own id
    Column("name", Text, nullable=False),
    Column("type", String(16)),
    Column("country", String(8)),
    Column("date_of_birth", String(10)),
    Column("id_number", String(255)),
    Column("extra", Text, nullable=False),  # JSON of the further columns the user kept
    Column("record_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

party_versions = Table(
    "party_versions",
    metadata,
    Column("party_id", String(255), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("record", Text, nullable=False),  # JSON snapshot
    Column("record_hash", String(64), nullable=False),
    Column("change", String(16), nullable=False),  # created | updated | removed | restored
    Column("changed_fields", Text, nullable=False),  # JSON list
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
)

monitor_runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("mode", String(8), nullable=False),  # full | delta
    Column("editions", Text, nullable=False),  # JSON {source: edition id} screened against
    Column("threshold", Float, nullable=False),
    Column("parties_screened", Integer, nullable=False),
    Column("entries_considered", Integer, nullable=False),
    Column("alerts_opened", Integer, nullable=False),
    Column("actor", String(255), nullable=False),
)

party_screenings = Table(
    "party_screenings",
    metadata,
    Column("party_id", String(255), primary_key=True),
    Column("record_hash", String(64), nullable=False),  # the party version last screened in full
    Column("run_id", Integer, ForeignKey("monitor_runs.id"), nullable=False),
    Column("name_forms", Text, nullable=True),  # the name's normalised forms (match.stored_forms), for delta runs
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("party_id", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("status", String(24), nullable=False),  # open | escalated | pending-approval | true-match | false-positive
    Column("score", Float, nullable=False),
    Column("party_hash", String(64), nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("edition_id", Integer, nullable=False),
    Column("party_snapshot", Text, nullable=False),
    Column("entity_snapshot", Text, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("reason", Text, nullable=False),  # why it was raised: new hit, or what changed since a decision
    Column("previous_alert_id", Integer),
    Column("run_id", Integer, ForeignKey("monitor_runs.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("assignee", String(255)),
    Column("proposed", String(24)),  # a decision awaiting a second person's approval
    Column("proposed_by", String(255)),
    Column("decision", String(24)),
    Column("decided_by", String(255)),
    Column("approved_by", String(255)),
    Column("decided_at", DateTime(timezone=True)),
    Column("note", Text),
    Column("lock_version", Integer, nullable=False),
    Index("ix_alerts_pair", "party_id", "entity_id"),
    Index("ix_alerts_status", "status"),
    Index("ix_alerts_entity", "entity_id"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
