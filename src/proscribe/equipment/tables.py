"""The inventory's tables, on the store's shared ``metadata`` (created by migration 0004_devices).

An inventory is one imported file (or one discovery run); its devices keep the
fields proscribe reads and, as JSON, the row exactly as the file had it, so a
report can give every row back with its verdict. Verdicts are not stored: they
are recomputed from the reference data and the MAC registry in use, so an
update of either shows at once.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from proscribe.store.schema import metadata

device_inventories = Table(
    "device_inventories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),  # the file name, or "discovery <CIDR>"
    Column("kind", String(16), nullable=False),  # import | discovery
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("columns", Text, nullable=False),  # JSON list: the file's own columns, in order
    Column("mapping", Text, nullable=False),  # JSON {field: column}
    Column("device_count", Integer, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("inventory_id", Integer, ForeignKey("device_inventories.id"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("brand", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("mac", String(17), nullable=False),
    Column("serial", Text, nullable=False),
    Column("firmware", Text, nullable=False),
    Column("ip", Text, nullable=False),
    Column("site", Text, nullable=False),
    Column("device_type", Text, nullable=False),
    Column("purchase_date", String(10), nullable=False),
    Column("unit_cost", Text),  # decimal text: exact on every database
    Column("supplier", Text, nullable=False),
    Column("fingerprints", Text, nullable=False),  # JSON [[kind, value], ...]
    Column("raw", Text, nullable=False),  # JSON {column: value}: the row as the file had it
)
