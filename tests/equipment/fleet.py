"""A generated fleet inventory, built from the reference facts and the IEEE registry, with its ground truth.

Kinds of device (each row records its kind and, for covered ones, the maker):
- ``direct``: a covered maker's own label or brand, its model numbers, its MAC blocks;
- ``oem``: an OEM label (LTS, Amcrest, Interlogix ...) with or without a covered MAC;
- ``oem-inferred``: labels tied to a covered maker only by grade-I facts (Annke, CP Plus);
- ``mislabelled``: another company's label on a covered maker's device (its MAC block or model number);
- ``unknown``: no usable signal (no label or an unlisted one, random or no MAC, unrecognised model);
- ``clean``: a maker that is not covered, with its own MAC block and label.

The same seed always gives the same fleet, so figures are comparable across runs.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from proscribe.equipment.oui import Registration, load_registry
from proscribe.equipment.reference import load_reference, normalize_name

COLUMNS = (
    "Asset Tag",
    "Site",
    "Manufacturer",
    "Model",
    "MAC Address",
    "Serial Number",
    "Firmware",
    "IP Address",
    "Device Type",
    "Purchase Date",
    "Unit Cost",
    "Supplier",
)
SITES = ("HQ Tower", "Depot North", "Depot South", "Lab East", "Port Annex", "Warehouse 7", "Clinic West")
SUPPLIERS = ("Anixter", "ADI Global Distribution", "Graybar", "Wesco", "Hikvision USA Inc.", "Local Integrator Ltd")
COVERED_WORDS = ("hikvision", "dahua", "huawei", "zte", "hytera", "ezviz", "hikrobot", "microimage", "honor")
_SUFFIX = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass(frozen=True, slots=True)
class Truth:
    kind: str
    maker: str | None  # the covered maker that made it, for covered kinds


@dataclass(frozen=True, slots=True)
class Fleet:
    rows: list[dict[str, str]]
    truth: dict[str, Truth]  # by asset tag

    def write_csv(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(self.rows)
        return path


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.reference = load_reference()
        registry = load_registry()
        covered: dict[str, list[Registration]] = {}
        for block in registry.blocks_of(lambda name: True):
            fact = self.reference.registrant_index.get(normalize_name(block.registrant))
            if fact is not None and fact.maker and block.registry == "MA-L":
                covered.setdefault(fact.maker, []).append(block)
        self.covered_blocks = covered
        clean: dict[str, list[Registration]] = {}
        for block in registry.blocks_of(lambda name: True):
            key = normalize_name(block.registrant)
            if block.registry != "MA-L" or not key or any(w in key for w in COVERED_WORDS):
                continue
            if key in self.reference.registrant_index or "ieee registration" in key:
                continue
            if any(f.relation != "oem-low" for f in self.reference.brand_index.get(key.split()[0], ())):
                continue  # a company sharing its first word with a covered maker's brand: not a clean example
            clean.setdefault(block.registrant, []).append(block)
        names = sorted(clean)
        self.clean_blocks = {name: clean[name] for name in rng.sample(names, 120)}
        for wanted in (
            "Axis Communications AB",
            "Robert Bosch GmbH",
            "Honeywell",
            "Sony Corporation",
            "Cisco Systems, Inc",
        ):
            if wanted in clean:
                self.clean_blocks[wanted] = clean[wanted]

    def mac_in(self, block: Registration) -> str:
        prefix = block.block.replace(":", "")
        tail = self.rng.getrandbits(24)
        return ":".join(f"{int(prefix, 16):06X}{tail:06X}"[i : i + 2] for i in range(0, 12, 2))

    def random_local_mac(self) -> str:
        first = (self.rng.getrandbits(8) | 0x02) & 0xFE
        rest = [self.rng.getrandbits(8) for _ in range(5)]
        return ":".join(f"{b:02X}" for b in [first, *rest])

    def suffix(self, size: int = 4) -> str:
        return "".join(self.rng.choice(_SUFFIX) for _ in range(size))


_COVERED_MODELS = {
    "hikvision": [
        ("DS-2CD2{n}G1-I", "IP camera"),
        ("DS-2DE4{n}IW-DE", "PTZ camera"),
        ("DS-76{n2}NI-K1", "NVR"),
        ("DS-72{n2}HGHI-F1", "DVR"),
        ("DS-KV6{n}-WME1", "intercom"),
    ],
    "dahua": [
        ("IPC-HFW2{n}S-S-S2", "IP camera"),
        ("IPC-HDBW5{n}E-Z", "IP camera"),
        ("NVR41{n2}-P-4KS2", "NVR"),
        ("XVR51{n2}HS-I3", "DVR"),
        ("HAC-HFW12{n}T", "analog camera"),
        ("DH-SD49{n}XA-HNR", "PTZ camera"),
    ],
    "huawei": [("AR6{n}", "router"), ("S57{n}-28P", "switch")],
    "zte": [("ZXR10 59{n}", "switch"), ("F6{n}", "ONT")],
    "hytera": [("PD7{n}", "radio"), ("HM7{n}", "radio")],
}
_OWN_LABELS = {
    "hikvision": ["Hikvision", "HiLook", "HiWatch", "EZVIZ"],
    "dahua": ["Dahua", "Imou", "Dahua Technology"],
    "huawei": ["Huawei"],
    "zte": ["ZTE"],
    "hytera": ["Hytera"],
}
_OEM = [
    ("LTS", "hikvision"),
    ("Interlogix", "hikvision"),
    ("TruVision", "hikvision"),
    ("Hills", "hikvision"),
    ("Amcrest", "dahua"),
    ("Packetalk", "dahua"),
]
_RELABEL_LABELS = ["Honeywell", "Panasonic", "Bosch", "Axis", "Vicon", "Northline Security", "Stanley"]
_UNKNOWN_LABELS = ["", "Generic", "NoName", "CamPro", "SecureView"]


def _model(maker: _Maker, template: str) -> str:
    return template.format(n=maker.rng.randint(10, 99), n2=maker.rng.choice(["08", "16", "32"]))


def _base(maker: _Maker, tag: str, device_type: str) -> dict[str, str]:
    rng = maker.rng
    year = rng.randint(2016, 2024)
    cost = "" if rng.random() < 0.1 else f"{rng.choice([129, 189, 249, 349, 499, 899, 1450])}.00"
    return {
        "Asset Tag": tag,
        "Site": rng.choice(SITES),
        "Serial Number": f"SN{rng.getrandbits(40):010X}",
        "Firmware": f"V{rng.randint(1, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
        "IP Address": f"10.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "Device Type": device_type,
        "Purchase Date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "Unit Cost": cost,
        "Supplier": rng.choice(SUPPLIERS[:4]) if rng.random() < 0.95 else rng.choice(SUPPLIERS[4:]),
    }


def _covered(maker: _Maker, tag: str, kind: str) -> tuple[dict[str, str], Truth]:
    rng = maker.rng
    if kind == "oem":
        label, who = rng.choice(_OEM)
        template, device_type = rng.choice(_COVERED_MODELS[who])
        model = f"{label[:3].upper()}-{maker.suffix()}" if rng.random() < 0.5 else _model(maker, template)
        mac = maker.mac_in(rng.choice(maker.covered_blocks[who])) if rng.random() < 0.5 else ""
    elif kind == "oem-inferred":
        label, who, device_type = rng.choice(
            [("Annke", "hikvision", "IP camera"), ("Annke", "dahua", "DVR"), ("CP Plus", "dahua", "IP camera")]
        )
        model, mac = f"{label[:2].upper()}{rng.randint(100, 999)}{maker.suffix(2)}", ""
    elif kind == "mislabelled":
        who = rng.choice(["hikvision", "hikvision", "dahua", "dahua", "huawei", "zte"])
        label = rng.choice(_RELABEL_LABELS)
        template, device_type = rng.choice(_COVERED_MODELS[who])
        how = rng.random()
        if how < 0.6 or who not in ("hikvision", "dahua"):  # the covered maker's MAC block under another label
            model, mac = f"{label[:2].upper()}-{maker.suffix()}", maker.mac_in(rng.choice(maker.covered_blocks[who]))
        elif how < 0.85:  # the covered maker's model number, no MAC recorded
            model, mac = _model(maker, template), ""
        else:  # the Dahua model body after the relabeller's prefix, randomised MAC
            who, device_type = "dahua", "IP camera"
            model, mac = f"{label[:2].upper()}-IPC-HFW{rng.randint(1000, 5999)}S", maker.random_local_mac()
    else:  # direct
        who = rng.choice(["hikvision", "hikvision", "dahua", "dahua", "huawei", "zte", "hytera"])
        label = rng.choice(_OWN_LABELS[who])
        template, device_type = rng.choice(_COVERED_MODELS[who])
        model = _model(maker, template)
        blocks = maker.covered_blocks.get(who)
        mac = maker.mac_in(rng.choice(blocks)) if blocks and rng.random() < 0.8 else ""
    row = _base(maker, tag, device_type)
    if kind == "oem" and label in ("Amcrest", "Packetalk") and rng.random() < 0.3:
        row["Purchase Date"] = ""
    row.update({"Manufacturer": label, "Model": model, "MAC Address": mac})
    return row, Truth(kind, who)


def _other(maker: _Maker, tag: str, kind: str) -> tuple[dict[str, str], Truth]:
    rng = maker.rng
    if kind == "clean":
        registrant = rng.choice(sorted(maker.clean_blocks))
        label = registrant.split()[0].strip(",.") if registrant.split() else "Acme"
        if registrant == "Robert Bosch GmbH":
            label = "Bosch"
        mac = maker.mac_in(rng.choice(maker.clean_blocks[registrant]))
        model = f"{label[:1].upper()}{rng.randint(1000, 9999)}-{maker.suffix(2)}"
    else:
        label = rng.choice(_UNKNOWN_LABELS)
        mac = rng.choice(["", maker.random_local_mac()])
        model = rng.choice(["", f"CAM-{rng.randint(100, 999)}", f"V{rng.randint(10, 99)}X"])
    row = _base(maker, tag, rng.choice(["IP camera", "NVR", "access point", "switch", "IP phone"]))
    row.update({"Manufacturer": label, "Model": model, "MAC Address": mac})
    return row, Truth(kind, None)


MIX = (("direct", 0.22), ("oem", 0.12), ("oem-inferred", 0.03), ("mislabelled", 0.13), ("unknown", 0.1), ("clean", 0.4))


def generate(count: int = 2400, seed: int = 889) -> Fleet:
    rng = random.Random(seed)
    maker = _Maker(rng)
    rows: list[dict[str, str]] = []
    truth: dict[str, Truth] = {}
    kinds = [kind for kind, share in MIX for _ in range(round(share * count))]
    kinds += ["clean"] * (count - len(kinds))
    rng.shuffle(kinds)
    for number, kind in enumerate(kinds, start=1):
        tag = f"A{number:06d}"
        if kind in ("clean", "unknown"):
            row, fact = _other(maker, tag, kind)
        else:
            row, fact = _covered(maker, tag, kind)
        rows.append({column: row.get(column, "") for column in COLUMNS})
        truth[tag] = fact
    return Fleet(rows, truth)
