"""Reading a fleet inventory: a CSV or XLSX export, its columns mapped onto the fields proscribe reads.

Exports from video-management systems and asset tools name their columns
differently ("MAC Address", "HW Addr", "Manufacturer", "Make" ...), so columns
are matched by normalised name against common spellings, and ``--map
field=Column`` settles anything else. The file's own columns are kept as they
were, in order, because the exposure report gives every row back with its
verdict beside it.

A bad row stops the import with one line naming the file and the row; the
caller writes nothing unless every row was read, so an import is never half
done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from proscribe.equipment.device import FIELDS, Device
from proscribe.equipment.oui import format_mac, parse_mac
from proscribe.tabular import TableError, read_rows, table_kind

# Spellings seen in exports, normalised (lower case, letters and digits only), in order of preference.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "brand": ("brand", "manufacturer", "make", "maker", "label", "brandname", "vendor"),
    "model": ("model", "modelnumber", "modelno", "modelname", "productmodel", "partnumber", "product"),
    "mac": ("mac", "macaddress", "macaddr", "hwaddress", "hwaddr", "hardwareaddress", "physicaladdress"),
    "serial": ("serial", "serialnumber", "serialno", "sn"),
    "firmware": ("firmware", "firmwareversion", "fw", "fwversion", "softwareversion", "version"),
    "ip": ("ip", "ipaddress", "ipaddr", "ipv4", "ipv4address", "host", "address"),
    "site": ("site", "sitename", "location", "building", "facility", "campus"),
    "device_type": ("devicetype", "type", "category", "assettype", "deviceclass", "kind", "class"),
    "purchase_date": (
        "purchasedate",
        "purchased",
        "purchasedon",
        "bought",
        "dateofpurchase",
        "acquisitiondate",
        "acquired",
    ),
    "unit_cost": ("unitcost", "cost", "unitprice", "price", "purchaseprice", "value"),
    "supplier": ("supplier", "suppliername", "reseller", "distributor", "seller", "purchasedfrom", "integrator"),
}
IDENTIFYING = ("brand", "model", "mac")
_DATE_FORMS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),
    (re.compile(r"\d{4}/\d{2}/\d{2}"), "%Y/%m/%d"),
    (re.compile(r"\d{4}-\d{2}"), "%Y-%m"),
    (re.compile(r"\d{4}"), "%Y"),
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_COST_NOISE = re.compile(r"^\s*(?:[A-Za-z]{3}\s*)?[$€£¥]?\s*|\s*(?:[A-Za-z]{3})?\s*$")


class InventoryError(Exception):
    """A file or row that cannot be imported; the message names the file and the row."""


@dataclass(frozen=True, slots=True)
class Inventory:
    path: Path
    columns: tuple[str, ...]  # the file's own columns, in order
    mapping: dict[str, str]  # field -> the file's column
    devices: list[Device]


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def parse_mapping(pairs: Iterable[str], path: Path | None = None) -> dict[str, str]:
    """``["mac=HW Addr", "brand=Make"]`` as a dict; unknown fields are refused by name."""
    mapping: dict[str, str] = {}
    where = f"{path.name}: row 1: " if path else ""
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = field.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not column.strip():
            raise InventoryError(f"{where}--map {pair!r}: use FIELD=COLUMN, e.g. mac='MAC Address'")
        if field not in FIELDS:
            raise InventoryError(f"{where}--map {pair!r}: unknown column {field!r}; the fields are {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def resolve_mapping(path: Path, header: list[str], explicit: Mapping[str, str]) -> dict[str, str]:
    """Field -> column: explicit choices first (which must exist), then the usual spellings."""
    mapping: dict[str, str] = {}
    for field, column in explicit.items():
        if column not in header:
            raise InventoryError(
                f"{path.name}: row 1: no column {column!r} (mapped to {field}); the columns are {', '.join(header)}"
            )
        mapping[field] = column
    used = set(mapping.values())
    by_key = {_key(column): column for column in header}
    for field, spellings in SYNONYMS.items():
        if field in mapping:
            continue
        for spelling in spellings:
            found = by_key.get(spelling)
            if found is not None and found not in used:
                mapping[field] = found
                used.add(found)
                break
    if not any(field in mapping for field in IDENTIFYING):
        raise InventoryError(
            f"{path.name}: row 1: no column for brand, model or MAC among {', '.join(header)};"
            " map one with --map brand=COLUMN (or model=, mac=)"
        )
    return mapping


@lru_cache(maxsize=65536)
def parse_date(text: str, date_format: str | None = None) -> str:
    """A purchase date as partial ISO (``2021``, ``2021-03``, ``2021-03-04``); ValueError when it is not one.

    Cached: a fleet bought in batches repeats its dates.
    """
    value = text.strip()
    if not value:
        return ""
    if _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value).isoformat()
    if date_format:
        return datetime.strptime(value, date_format).date().isoformat()
    value = value.split("T")[0].split(" ")[0] if re.match(r"\d{4}-\d{2}-\d{2}[T ]", value) else value
    for pattern, form in _DATE_FORMS:
        if pattern.fullmatch(value):
            parsed = datetime.strptime(value, form)
            return parsed.strftime({"%Y": "%Y", "%Y-%m": "%Y-%m"}.get(form, "%Y-%m-%d"))
    raise ValueError(value)


@lru_cache(maxsize=65536)
def parse_cost(text: str) -> Decimal | None:
    """A unit cost such as ``1,234.50``, ``$350`` or ``EUR 99``; ValueError when it is not a number."""
    value = _COST_NOISE.sub("", text.strip()).replace(",", "").replace("_", "")
    if not value:
        if text.strip():
            raise ValueError(text)
        return None
    try:
        cost = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not cost.is_finite() or cost < 0:
        raise ValueError(text)
    return cost


def read_inventory(path: Path, explicit: Mapping[str, str] | None = None, date_format: str | None = None) -> Inventory:
    """Every row of ``path`` as a Device; the first bad row raises InventoryError (file and row named)."""
    try:
        kind = table_kind(path)
        if kind == "jsonl":
            raise InventoryError(f"{path.name}: an inventory is a CSV or XLSX file")
        rows = read_rows(path, kind)
        devices: list[Device] = []
        header: list[str] | None = None
        mapping: dict[str, str] = {}
        for row in rows:
            if row.error:
                raise InventoryError(f"{path.name}: row {row.line}: {row.error}")
            if header is None:
                header = list(row.values)
                mapping = resolve_mapping(path, header, explicit or {})
            devices.append(_device(path, row.line, row.values, mapping, date_format))
    except TableError as error:
        raise InventoryError(str(error)) from error
    except TypeError as error:  # the table reader met a cell type it cannot turn into text
        after = devices[-1].line if devices else 1
        raise InventoryError(
            f"{path.name}: row {after + 1}: a cell cannot be read as text ({error}); store dates as text"
        ) from error
    if header is None:
        raise InventoryError(f"{path.name}: no devices in the file")
    return Inventory(path, tuple(header), mapping, devices)


def _device(path: Path, line: int, values: dict[str, str], mapping: dict[str, str], date_format: str | None) -> Device:
    def get(field: str) -> str:
        column = mapping.get(field)
        return values.get(column, "").strip() if column else ""

    where = f"{path.name}: row {line}"
    mac_text = get("mac")
    mac = ""
    if mac_text:
        parsed = parse_mac(mac_text)
        if parsed is None:
            raise InventoryError(f"{where}: MAC {mac_text!r} is not a MAC address (e.g. 44:19:B6:12:34:56)")
        mac = format_mac(parsed)
    cost_text = get("unit_cost")
    try:
        cost = parse_cost(cost_text)
    except ValueError:
        raise InventoryError(f"{where}: unit cost {cost_text!r} is not a number") from None
    date_text = get("purchase_date")
    try:
        purchase_date = parse_date(date_text, date_format)
    except ValueError:
        hint = f"the format {date_format!r}" if date_format else "YYYY-MM-DD, or give --date-format"
        raise InventoryError(f"{where}: purchase date {date_text!r} is not a date (use {hint})") from None
    return Device(
        brand=get("brand"),
        model=get("model"),
        mac=mac,
        serial=get("serial"),
        firmware=get("firmware"),
        ip=get("ip"),
        site=get("site"),
        device_type=get("device_type"),
        purchase_date=purchase_date,
        unit_cost=cost,
        supplier=get("supplier"),
        raw=dict(values),
        line=line,
    )
