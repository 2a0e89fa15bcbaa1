"""The shapes shared by import, discovery, identification and reports: a device, its evidence, its verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

FIELDS = (
    "brand",
    "model",
    "mac",
    "serial",
    "firmware",
    "ip",
    "site",
    "device_type",
    "purchase_date",
    "unit_cost",
    "supplier",
)
"""The inventory fields proscribe understands; an import maps the file's own columns onto them."""


class Status(StrEnum):
    COVERED = "covered"
    PROBABLY_COVERED = "probably-covered"
    NOT_COVERED = "not-covered"
    UNKNOWN = "unknown"

    @property
    def flagged(self) -> bool:
        return self in (Status.COVERED, Status.PROBABLY_COVERED)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One thing a device said about itself on the network, e.g. ``("http-server", "App-webs/")``.

    Kinds: ``http-server``, ``rtsp-realm``, ``rtsp-server``, ``isapi-namespace``,
    ``dahua-cgi``, ``dahua-port`` (matched against the reference fingerprints);
    ``onvif-manufacturer``, ``onvif-name`` (read like a label); ``onvif-model``,
    ``onvif-hardware``, ``device-model`` (read like a model number).
    """

    kind: str
    value: str


@dataclass(slots=True)
class Device:
    """One device of a fleet: the fields proscribe reads, and the row as the user's file had it."""

    brand: str = ""
    model: str = ""
    mac: str = ""  # normalised ``AA:BB:CC:DD:EE:FF`` or empty
    serial: str = ""
    firmware: str = ""
    ip: str = ""
    site: str = ""
    device_type: str = ""
    purchase_date: str = ""  # partial ISO: 2021, 2021-03, 2021-03-04
    unit_cost: Decimal | None = None
    supplier: str = ""
    fingerprints: tuple[Fingerprint, ...] = ()
    raw: dict[str, str] = field(default_factory=dict)  # the inventory's own columns
    line: int = 0  # the row of the source file (0 for discovered devices)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal about who made a device, with the grade of the fact it rests on.

    ``maker`` is the covered maker the signal points to (None for a signal of a
    maker that is not covered, or for a plain note); ``strength`` is how much it
    counts (0 for notes that are shown but do not count).
    """

    kind: str  # mac, model, label, fingerprint, supplier, conflict, note
    detail: str
    maker: str | None = None
    strength: float = 0.0
    grade: str = ""  # V, I, or empty for observations that rest on no reference fact
    source: str = ""

    def text(self) -> str:
        grade = {"V": " [V]", "I": " [I: secondary source, lower confidence]"}.get(self.grade, "")
        return f"{self.kind}: {self.detail}{grade}"


@dataclass(frozen=True, slots=True)
class Identification:
    maker: str  # the likely actual maker, as a person reads it ("Hikvision", "Axis Communications AB")
    maker_key: str | None  # the covered maker's key when the device is flagged
    status: Status
    rules: tuple[str, ...]  # rule titles: "NDAA 889", "FCC Covered List"
    confidence: float  # 0..1, for the maker named
    evidence: tuple[Evidence, ...]
    relabel: bool = False  # the label is not the maker's own name or brand
    inferred_only: bool = False  # the flag rests only on grade-I facts
    supplier_maker: str | None = None  # the supplier is a covered maker or its subsidiary

    def evidence_text(self) -> str:
        return " | ".join(item.text() for item in self.evidence)
