"""Keeping inventories in the store: one transaction per import, so a failed import changes nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, delete, func, insert, select

from proscribe.equipment.device import Device, Fingerprint
from proscribe.equipment.tables import device_inventories, devices
from proscribe.store.db import chunks

_BATCH = 5000


@dataclass(frozen=True, slots=True)
class InventoryInfo:
    id: int
    name: str
    kind: str
    imported_at: datetime
    device_count: int
    columns: tuple[str, ...]


def save_inventory(
    engine: Engine,
    name: str,
    kind: str,
    columns: Sequence[str],
    mapping: dict[str, str],
    items: Sequence[Device],
    replace: Sequence[str] = (),
) -> int:
    """Store one inventory; inventories of the kinds in ``replace`` are dropped in the same transaction."""
    with engine.begin() as connection:
        for old_kind in replace:
            old = select(device_inventories.c.id).where(device_inventories.c.kind == old_kind)
            connection.execute(delete(devices).where(devices.c.inventory_id.in_(old)))
            connection.execute(delete(device_inventories).where(device_inventories.c.kind == old_kind))
        created = connection.execute(
            insert(device_inventories).values(
                name=name,
                kind=kind,
                imported_at=datetime.now(UTC),
                columns=json.dumps(list(columns), ensure_ascii=False),
                mapping=json.dumps(mapping, ensure_ascii=False),
                device_count=len(items),
            )
        ).inserted_primary_key
        assert created is not None
        inventory_id = int(created[0])
        for batch in chunks(items, _BATCH):
            rows = [_row(inventory_id, item) for item in batch]
            connection.execute(insert(devices), rows)
    return inventory_id


def _row(inventory_id: int, item: Device) -> dict[str, object]:
    return {
        "inventory_id": inventory_id,
        "line": item.line,
        "brand": item.brand,
        "model": item.model,
        "mac": item.mac,
        "serial": item.serial,
        "firmware": item.firmware,
        "ip": item.ip,
        "site": item.site,
        "device_type": item.device_type,
        "purchase_date": item.purchase_date,
        "unit_cost": None if item.unit_cost is None else str(item.unit_cost),
        "supplier": item.supplier,
        "fingerprints": json.dumps([[f.kind, f.value] for f in item.fingerprints], ensure_ascii=False),
        "raw": json.dumps(item.raw, ensure_ascii=False),
    }


def list_inventories(engine: Engine) -> list[InventoryInfo]:
    with engine.connect() as connection:
        rows = connection.execute(select(device_inventories).order_by(device_inventories.c.id)).mappings().all()
    return [
        InventoryInfo(
            r["id"], r["name"], r["kind"], r["imported_at"], r["device_count"], tuple(json.loads(r["columns"]))
        )
        for r in rows
    ]


def count_devices(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(devices)).scalar_one())


def load_devices(engine: Engine) -> tuple[list[str], list[Device]]:
    """Every stored device, and the union of the inventories' own columns in order of first appearance."""
    columns: dict[str, None] = {}
    for info in list_inventories(engine):
        for column in info.columns:
            columns.setdefault(column, None)
    found: list[Device] = []
    with engine.connect() as connection:
        result = connection.execute(select(devices).order_by(devices.c.inventory_id, devices.c.id)).mappings()
        for r in result:
            found.append(
                Device(
                    brand=r["brand"],
                    model=r["model"],
                    mac=r["mac"],
                    serial=r["serial"],
                    firmware=r["firmware"],
                    ip=r["ip"],
                    site=r["site"],
                    device_type=r["device_type"],
                    purchase_date=r["purchase_date"],
                    unit_cost=None if r["unit_cost"] is None else Decimal(r["unit_cost"]),
                    supplier=r["supplier"],
                    fingerprints=tuple(Fingerprint(k, v) for k, v in json.loads(r["fingerprints"])),
                    raw=json.loads(r["raw"]),
                    line=r["line"],
                )
            )
    return list(columns), found
