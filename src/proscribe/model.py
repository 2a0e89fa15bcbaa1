"""The entity model: one listed party, as every official format is reduced to it.

Every parser in ``proscribe.sources`` yields :class:`Entity` objects; the store
keeps them as JSON (``Entity.to_dict`` / ``Entity.from_dict``), the screening
index reads them back. Keeping this one shape, with the publisher's raw record
alongside, lets an analyst trace any score back to the official text.

Conventions:
- ``id`` is ``<source>-<source_id>`` and is stable across editions, so a list
  diff can tell "changed" from "removed and added".
- Countries are ISO 3166-1 alpha-2, upper case (``CN``); ``XK`` for Kosovo.
- Dates are partial ISO strings: ``1965``, ``1965-04``, ``1965-04-29``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Schema(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class NameKind(StrEnum):
    PRIMARY = "primary"
    AKA = "aka"  # also known as
    FKA = "fka"  # formerly known as
    NKA = "nka"  # now known as
    WEAK = "weak"  # low-quality alias (OFAC "weak a.k.a.", UN quality "Low")


class IdType(StrEnum):
    """Normalised identifier kinds; the publisher's own label stays in ``Identifier.label``."""

    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    USCC = "uscc"  # China Unified Social Credit Code
    ISIN = "isin"
    IMO = "imo"
    MMSI = "mmsi"
    LEI = "lei"
    BIC = "bic"  # SWIFT/BIC
    CRYPTO = "crypto"
    DRIVING_LICENSE = "driving_license"
    SSN = "ssn"
    CEDULA = "cedula"
    AIRCRAFT_SERIAL = "aircraft_serial"
    AIRCRAFT_TAIL = "aircraft_tail"
    EMAIL = "email"
    PHONE = "phone"
    WEBSITE = "website"
    OTHER = "other"


@dataclass(slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    script: str | None = None  # ISO 15924 when the publisher says, e.g. "Arab", "Cyrl", "Hani"
    lang: str | None = None


@dataclass(slots=True)
class PartialDate:
    """A date as precise as the publisher gave it; ``end`` closes a range, ``circa`` marks 'circa'/'approximately'."""

    value: str
    end: str | None = None
    circa: bool = False


@dataclass(slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO alpha-2
    country_name: str | None = None  # as the publisher wrote it


@dataclass(slots=True)
class Identifier:
    type: IdType
    value: str
    country: str | None = None  # issuing country, ISO alpha-2
    label: str | None = None  # the publisher's own label, e.g. "Cedula No."
    note: str | None = None  # issue / expiry dates and other qualifiers


@dataclass(slots=True)
class Relation:
    """A link to another party: ``linked_to`` (OFAC 'Linked To:'), ``owner``/``parent``/``subsidiary``..."""

    type: str
    target_name: str
    target_id: str | None = None  # resolved entity id when known
    share: float | None = None  # ownership share in percent, when known
    note: str | None = None


@dataclass(slots=True)
class Vessel:
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    flag: str | None = None  # ISO alpha-2 where resolvable, else as given
    owner: str | None = None


@dataclass(slots=True)
class Entity:
    id: str
    source: str
    source_id: str
    schema: Schema
    names: list[Name]
    programs: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None  # "male" | "female"
    titles: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    vessel: Vessel | None = None
    listed_on: str | None = None
    remarks: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)  # further facts: list names, sectors, notices
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.id

    @property
    def countries(self) -> list[str]:
        """Every country the entity is tied to, for screening by country."""
        seen: dict[str, None] = {}
        for code in self.nationalities + self.citizenships:
            seen[code] = None
        for address in self.addresses:
            if address.country:
                seen[address.country] = None
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        pruned: dict[str, Any] = _prune(dataclasses.asdict(self))
        return pruned

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        vessel = data.get("vessel")
        return cls(
            id=data["id"],
            source=data["source"],
            source_id=data["source_id"],
            schema=Schema(data["schema"]),
            names=[Name(**{**n, "kind": NameKind(n.get("kind", "primary"))}) for n in data.get("names", [])],
            programs=list(data.get("programs", [])),
            addresses=[Address(**a) for a in data.get("addresses", [])],
            birth_dates=[PartialDate(**d) for d in data.get("birth_dates", [])],
            birth_places=list(data.get("birth_places", [])),
            nationalities=list(data.get("nationalities", [])),
            citizenships=list(data.get("citizenships", [])),
            gender=data.get("gender"),
            titles=list(data.get("titles", [])),
            identifiers=[Identifier(**{**i, "type": IdType(i["type"])}) for i in data.get("identifiers", [])],
            relations=[Relation(**r) for r in data.get("relations", [])],
            vessel=Vessel(**vessel) if vessel else None,
            listed_on=data.get("listed_on"),
            remarks=data.get("remarks"),
            attributes={k: list(v) for k, v in data.get("attributes", {}).items()},
            raw=dict(data.get("raw", {})),
        )


def make_id(source: str, source_id: str) -> str:
    return f"{source}-{source_id}"


def _prune(value: Any) -> Any:
    """Drop empty fields so stored JSON stays small and diffs show only facts."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if not _is_empty(v)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)
