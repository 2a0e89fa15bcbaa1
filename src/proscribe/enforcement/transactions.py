"""Transactions as users send them (JSON lines, or CSV with the same fields flattened), read and checked.

A payment, invoice, purchase order or securities order is screened only when
every fact that screening and the ledger rely on is sound: an amount that is a
non-negative exact decimal, an ISO 4217 currency, a date that is not in the
future, countries and BICs that can be read. Anything else is refused with one
message naming the field, so a bad row can never pass unscreened or put an
inexact amount into the blocked-property ledger.

Two transactions are the same when their canonical form (``canonical``) is the
same; its hash lets a replayed file be recognised, and a reused id with
different content be refused rather than silently overwritten.

Shapes (JSON lines; CSV flattens ``role.key`` to ``role_key``, e.g.
``originator_name``, ``beneficiary_bank``, ``intermediary2_bic``)::

    {"id": "t1", "amount": "1250.00", "currency": "USD", "date": "2026-11-20",
     "kind": "payment",                      # payment | invoice | purchase_order | securities
     "originator": {"name": "...", "country": "US"},
     "beneficiary": {"name": "...", "country": "CN", "bank": "...", "bic": "..."},
     "intermediaries": [{"bank": "...", "bic": "..."}],
     "ordering_customer": {...}, "supplier": {...}, "manufacturer": {...},
     "vessel": {"name": "...", "imo": "...", "flag": "..."}, "aircraft": {"name": "...", "tail": "..."},
     "purpose": "free text", "remittance_info": "...", "goods_description": "...",
     "goods_origin": "CN", "goods_location": "...", "isin": "...", "quantity": "..."}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pycountry
from rigour.territories import lookup_territory

from proscribe.match.types import parse_schema

KINDS = ("payment", "invoice", "purchase_order", "securities")
ROLES = ("originator", "beneficiary", "ordering_customer", "supplier", "manufacturer")
PARTY_KEYS = ("name", "type", "country", "address", "city", "bank", "bic", "account", "id_number")
CRAFT = {"vessel": ("name", "imo", "flag"), "aircraft": ("name", "tail", "flag")}
TEXT_FIELDS = ("purpose", "remittance_info", "goods_description")
SCALARS = ("id", "kind", "amount", "currency", "date", "goods_origin", "goods_location", "isin", "quantity")
MAX_INTERMEDIARIES = 5

_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_ISIN = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class TransactionError(ValueError):
    """One transaction cannot be accepted; the message names the field and what is wrong."""


@dataclass(frozen=True, slots=True)
class Party:
    """A party to a transaction in one role, with the bank that holds its account."""

    role: str  # originator, beneficiary, ..., intermediary, intermediary2 ...
    name: str | None = None
    type: str | None = None
    country: str | None = None  # ISO alpha-2, or a region code such as UA-CRI
    address: str | None = None
    city: str | None = None
    bank: str | None = None
    bic: str | None = None
    account: str | None = None
    id_number: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {key: value for key in PARTY_KEYS if (value := getattr(self, key))}


@dataclass(frozen=True, slots=True)
class Craft:
    """A vessel or aircraft named in a transaction (screened as such, its flag checked)."""

    kind: str  # vessel | aircraft
    name: str | None
    number: str | None  # IMO number or tail number
    flag: str | None

    def to_dict(self) -> dict[str, str]:
        keys = CRAFT[self.kind]
        values = (self.name, self.number, self.flag)
        return {key: value for key, value in zip(keys, values, strict=True) if value}


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str
    kind: str
    amount: Decimal
    currency: str
    date: date
    parties: tuple[Party, ...] = ()
    crafts: tuple[Craft, ...] = ()
    texts: tuple[tuple[str, str], ...] = ()  # (field, free text)
    goods_origin: str | None = None
    goods_location: str | None = None
    isin: str | None = None
    quantity: Decimal | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form: the input shape, normalised (codes upper case, amounts as exact strings)."""
        record: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "amount": str(self.amount),
            "currency": self.currency,
            "date": self.date.isoformat(),
        }
        intermediaries = [p.to_dict() for p in self.parties if p.role.startswith("intermediary")]
        for party in self.parties:
            if not party.role.startswith("intermediary"):
                record[party.role] = party.to_dict()
        if intermediaries:
            record["intermediaries"] = intermediaries
        for craft in self.crafts:
            record[craft.kind] = craft.to_dict()
        for name, text in self.texts:
            record[name] = text
        optional = {"goods_origin": self.goods_origin, "goods_location": self.goods_location, "isin": self.isin}
        record.update({key: value for key, value in optional.items() if value})
        if self.quantity is not None:
            record["quantity"] = str(self.quantity)
        return record

    @property
    def content_hash(self) -> str:
        return self.digest(self.to_dict())

    def digest(self, record: dict[str, Any]) -> str:
        """Identity of content (``record`` is ``to_dict()``): numbers by value (1250.0 is 1250.00), text as written."""
        record = dict(record)
        record["amount"] = _plain(self.amount)
        if self.quantity is not None:
            record["quantity"] = _plain(self.quantity)
        return content_hash(record)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f") if number else "0"


def canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(record).encode()).hexdigest()


# --- reading one record ---------------------------------------------------------------------------


def nest(values: Mapping[str, str]) -> dict[str, Any]:
    """A record as nested objects, from JSON-lines cells (objects arrive as JSON text) or flattened CSV columns."""
    nested: dict[str, Any] = {}
    flat: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        if key in ROLES or key in CRAFT or key in ("intermediary", "intermediaries"):
            nested[key] = _object(key, value)
            continue
        holder = _flat_holder(key)
        if holder is not None:
            role, sub = holder
            flat.setdefault(role, {})[sub] = value
            continue
        nested[key] = value
    for role, cells in flat.items():
        if not any(v.strip() for v in cells.values()):
            continue
        if nested.get(role):
            raise TransactionError(f"{role} is given both as an object and as {role}_* columns")
        nested[role] = cells
    return nested


@lru_cache(maxsize=512)
def _flat_holder(key: str) -> tuple[str, str] | None:
    """``beneficiary_bank`` -> (beneficiary, bank); ``intermediary2_bic`` -> (intermediary2, bic); else None."""
    for role in (*ROLES, *CRAFT):
        if key.startswith(role + "_"):
            sub = key[len(role) + 1 :]
            keys = CRAFT.get(role, PARTY_KEYS)
            return (role, sub) if sub in keys else None
    match = re.fullmatch(r"(intermediary[2-9]?)_(\w+)", key)
    if match and match.group(2) in PARTY_KEYS:
        return match.group(1), match.group(2)
    return None


def _object(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text[0] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise TransactionError(f"{key}: not valid JSON ({error.msg})") from error
    if key in CRAFT:
        return {"name": text}
    raise TransactionError(f'{key}: an object such as {{"name": ...}} is expected, not {text[:40]!r}')


def parse_transaction(values: Mapping[str, Any], today: date) -> Transaction:
    """Check and normalise one record (nested or flattened); raises TransactionError with the first problem."""
    record = nest(values)
    warnings = [f"unknown field {key!r} ignored" for key in record if not _known(key)]
    tx_id = _text(record.get("id"))
    if not tx_id:
        raise TransactionError("id: missing")
    if len(tx_id) > 200:
        raise TransactionError("id: longer than 200 characters")
    kind = (_text(record.get("kind")) or "payment").lower().replace("-", "_").replace(" ", "_")
    if kind not in KINDS:
        raise TransactionError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    amount = parse_amount(record.get("amount"), "amount")
    currency = parse_currency(record.get("currency"))
    when = parse_date(record.get("date"), today)
    parties = _parties(record)
    crafts = tuple(_craft(kind_, record[kind_]) for kind_ in CRAFT if record.get(kind_))
    texts = tuple((name, text) for name in TEXT_FIELDS if (text := _text(record.get(name))))
    if not any(p.name or p.bank or p.bic for p in parties) and not crafts:
        raise TransactionError("no party: give at least an originator or beneficiary name")
    isin = _text(record.get("isin"))
    if isin:
        isin = parse_isin(isin)
    quantity_text = record.get("quantity")
    quantity = parse_amount(quantity_text, "quantity") if _text(quantity_text) else None
    origin = _text(record.get("goods_origin"))
    return Transaction(
        id=tx_id,
        kind=kind,
        amount=amount,
        currency=currency,
        date=when,
        parties=parties,
        crafts=crafts,
        texts=texts,
        goods_origin=parse_country(origin, "goods_origin") if origin else None,
        goods_location=_text(record.get("goods_location")),
        isin=isin,
        quantity=quantity,
        warnings=tuple(warnings),
    )


def _known(key: str) -> bool:
    return (
        key in SCALARS
        or key in ROLES
        or key in CRAFT
        or key in TEXT_FIELDS
        or key in ("intermediary", "intermediaries")
        or bool(re.fullmatch(r"intermediary[2-9]", key))
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TransactionError(f"{value!r} is not text")
    text = str(value).strip()
    return text or None


def parse_amount(value: Any, name: str) -> Decimal:
    """An exact, non-negative decimal from digits and an optional decimal point ("1250.00")."""
    if isinstance(value, float):
        value = repr(value)
    text = _text(value)
    if text is None:
        raise TransactionError(f"{name}: missing")
    if text.startswith("-"):
        raise TransactionError(f"{name}: {text!r} is negative")
    if not _DECIMAL.match(text.lstrip("+")):
        raise TransactionError(f"{name}: {text!r} is not a number (write digits with a decimal point, e.g. 1250.00)")
    try:
        number = Decimal(text.lstrip("+"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise TransactionError(f"{name}: {text!r} is not a number") from None
    if number.as_tuple().exponent < -8 or len(text) > 40:  # type: ignore[operator]
        raise TransactionError(f"{name}: {text!r} has more precision than any currency or quantity needs")
    return number


@lru_cache(maxsize=512)
def _currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def parse_currency(value: Any) -> str:
    """An ISO 4217 code from the maintained table in ``pycountry`` (upper-cased)."""
    text = _text(value)
    if text is None:
        raise TransactionError("currency: missing")
    code = text.upper()
    if len(code) != 3 or not code.isalpha() or not _currency(code):
        raise TransactionError(f"currency: {text!r} is not an ISO 4217 currency code")
    return code


def parse_date(value: Any, today: date) -> date:
    """YYYY-MM-DD (a full ISO timestamp is cut to its date); never after ``today``."""
    text = _text(value)
    if text is None:
        raise TransactionError("date: missing")
    try:
        day = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise TransactionError(f"date: {text!r} is not a date (YYYY-MM-DD)") from None
    if day > today:
        raise TransactionError(f"date: {day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


@lru_cache(maxsize=4096)
def territory(text: str) -> str | None:
    """ISO alpha-2, or COUNTRY-REGION for occupied or sanctioned regions (``UA-CRI``); None when unknown."""
    found = lookup_territory(text.strip())
    if found is None:
        return None
    code = (found.ftm_country or found.code or "").upper()
    country = code.split("-")[0]
    return code if len(country) == 2 else None


def parse_country(value: str, name: str) -> str:
    code = territory(value)
    if code is None:
        raise TransactionError(f"{name}: unknown country {value!r}")
    return code


def parse_bic(value: str, name: str) -> str:
    bic = value.replace(" ", "").upper()
    if not _BIC.match(bic):
        raise TransactionError(f"{name}: {value!r} is not a BIC (8 or 11 letters and digits)")
    if pycountry.countries.get(alpha_2=bic[4:6]) is None and bic[4:6] != "XK":
        raise TransactionError(f"{name}: {value!r} names no country in characters 5-6")
    return bic


def parse_isin(value: str) -> str:
    isin = value.replace(" ", "").upper()
    if not _ISIN.match(isin) or not isin_checks(isin):
        raise TransactionError(f"isin: {value!r} is not a valid ISIN (check digit)")
    return isin


def isin_checks(isin: str) -> bool:
    """The ISIN check digit (Luhn over the letters expanded to numbers)."""
    digits = "".join(str(int(c, 36)) for c in isin[:-1])
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2 == 0:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return (10 - total % 10) % 10 == int(isin[-1])


def _parties(record: Mapping[str, Any]) -> tuple[Party, ...]:
    parties = [_party(role, record[role]) for role in ROLES if record.get(role)]
    intermediaries: list[Any] = []
    if record.get("intermediary"):
        intermediaries.append(record["intermediary"])
    listed = record.get("intermediaries")
    if listed:
        if not isinstance(listed, list):
            raise TransactionError("intermediaries: a list of objects is expected")
        intermediaries.extend(listed)
    for number in range(2, 10):
        if record.get(f"intermediary{number}"):
            intermediaries.append(record[f"intermediary{number}"])
    if len(intermediaries) > MAX_INTERMEDIARIES:
        raise TransactionError(f"intermediaries: more than {MAX_INTERMEDIARIES}")
    for position, value in enumerate(intermediaries, start=1):
        parties.append(_party("intermediary" if position == 1 else f"intermediary{position}", value))
    return tuple(parties)


def _party(role: str, value: Any) -> Party:
    if isinstance(value, str):
        value = _object(role, value)
    if not isinstance(value, Mapping):
        raise TransactionError(f"{role}: an object is expected")
    unknown = [k for k in value if k not in PARTY_KEYS]
    if unknown:
        raise TransactionError(f"{role}: unknown field {unknown[0]!r} (known: {', '.join(PARTY_KEYS)})")
    cells = {key: _text(value.get(key)) for key in PARTY_KEYS}
    if cells["type"]:
        try:
            schema = parse_schema(cells["type"])
        except ValueError as error:
            raise TransactionError(f"{role}.type: {error}") from None
        cells["type"] = schema.value if schema else None
    country = cells["country"]
    bic = cells["bic"]
    return Party(
        role=role,
        name=cells["name"],
        type=cells["type"],
        country=parse_country(country, f"{role}.country") if country else None,
        address=cells["address"],
        city=cells["city"],
        bank=cells["bank"],
        bic=parse_bic(bic, f"{role}.bic") if bic else None,
        account=cells["account"],
        id_number=cells["id_number"],
    )


def _craft(kind: str, value: Any) -> Craft:
    if isinstance(value, str):
        value = _object(kind, value)
    if not isinstance(value, Mapping):
        raise TransactionError(f"{kind}: an object is expected")
    keys = CRAFT[kind]
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise TransactionError(f"{kind}: unknown field {unknown[0]!r} (known: {', '.join(keys)})")
    name, number, flag = (_text(value.get(key)) for key in keys)
    return Craft(kind, name, number, parse_country(flag, f"{kind}.flag") if flag else None)


def difference(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The top-level fields in which two canonical records differ, for the reused-id message."""
    keys = sorted(set(before) | set(after))
    return [key for key in keys if before.get(key) != after.get(key)]
