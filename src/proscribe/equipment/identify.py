"""Who most likely made a device, how sure that is, and why: pure functions over the reference facts.

Signals fall into independent categories: the IEEE registrant of the MAC
address, the model number, the label (brand), and what the device says about
itself on the network (firmware fingerprints). Within a category the strongest
signal for a maker counts; across categories the signals combine as
independent evidence (``1 - prod(1 - s)``), so a Hikvision MAC prefix and a
DS-2CD model number together are surer than either alone.

Signals that disagree are shown, never hidden: a "Honeywell" label on a device
whose MAC block is registered to Hikvision is flagged as a probable relabel,
and a covered-maker model number on a device whose MAC block belongs to an
unrelated company lowers the confidence instead of being dropped. Grade-I facts
(secondary sources) count for less and a flag resting only on them says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from proscribe.equipment.device import Device, Evidence, Fingerprint, Identification, Status
from proscribe.equipment.oui import OuiRegistry, Registration, is_locally_administered, parse_mac
from proscribe.equipment.reference import BrandFact, Reference, normalize_name

COVERED_THRESHOLD = 0.8
PROBABLE_THRESHOLD = 0.45
INFERRED_CAP = 0.6  # a grade-I fact alone never makes a device "covered"
DISAGREEMENT_WEIGHT = 0.5  # how far a strong contrary signal pulls a covered-maker score down

_RELATION_STRENGTH = {
    "maker": 0.97,
    "own-brand": 0.95,
    "subsidiary": 0.95,
    "joint-venture": 0.9,
    "parent": 0.6,
    "oem": 0.85,
    "oem-some": 0.55,
    "oem-low": 0.0,  # "has sold some Hikvision/Dahua-made products": shown, never counted
}
_OWN_RELATIONS = frozenset({"maker", "own-brand", "subsidiary", "joint-venture"})
_SUPPLIER_RELATIONS = frozenset({"maker", "own-brand", "subsidiary", "joint-venture", "parent"})
_FINGERPRINT_STRENGTH = {
    "isapi-namespace": 0.95,
    "dahua-cgi": 0.9,
    "http-server": 0.85,
    "rtsp-realm": 0.85,
    "rtsp-server": 0.85,
    "dahua-port": 0.5,
}
_MAC_STRENGTH = 0.9
_MODEL_STRENGTH = {"start": 0.85, "inside": 0.6}
_WINDOW_UNKNOWN_FACTOR = 0.6  # a time-bound relation when the purchase date is unknown
_COVERED_WORDS = ("hikvision", "dahua", "huawei", "zte", "hytera", "ezviz", "hikrobot", "hikmicro", "microimage")


@dataclass(slots=True)
class _Tally:
    """Signals gathered for one device: per covered maker, the strongest signal of each category."""

    evidence: list[Evidence] = field(default_factory=list)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    grades: dict[str, set[str]] = field(default_factory=dict)
    contrary: float = 0.0  # the strongest signal of a maker that is not covered
    other_maker: str = ""  # that maker's name (a MAC registrant, a self-reported manufacturer)
    label_makers: dict[str, str] = field(default_factory=dict)  # covered maker -> the label's relation to it

    def add(self, category: str, item: Evidence) -> None:
        self.evidence.append(item)
        if item.maker is None or item.strength <= 0:
            return
        per_maker = self.scores.setdefault(item.maker, {})
        per_maker[category] = max(per_maker.get(category, 0.0), item.strength)
        self.grades.setdefault(item.maker, set()).add(item.grade)

    def note(self, kind: str, detail: str, grade: str = "", source: str = "") -> None:
        self.evidence.append(Evidence(kind, detail, None, 0.0, grade, source))


def identify(device: Device, reference: Reference, registry: OuiRegistry) -> Identification:
    """The likely maker of ``device``, its status under the rules, the confidence and the evidence."""
    tally = _Tally()
    _mac_signals(device.mac, reference, registry, tally)
    _model_signals(device.model, "model", reference, tally)
    _label_signals(device, device.brand, "label", reference, tally)
    _fingerprint_signals(device, reference, tally)
    supplier_maker = _supplier_signal(device.supplier, reference, tally)
    return _verdict(device, reference, tally, supplier_maker)


def _strength(base: float, grade: str) -> float:
    return min(base, INFERRED_CAP) if grade == "I" else base


def _mac_signals(mac_text: str, reference: Reference, registry: OuiRegistry, tally: _Tally) -> None:
    if not mac_text:
        return
    mac = parse_mac(mac_text)
    if mac is None:
        tally.note("mac", f"{mac_text!r} is not a MAC address: no maker evidence")
        return
    if is_locally_administered(mac):
        tally.note("mac", f"{mac_text} is locally administered or randomised: no maker evidence")
        return
    found = registry.lookup(mac)
    if found is None:
        tally.note("mac", f"block of {mac_text} is not in the IEEE registry ({registry.origin})")
        return
    item, contrary = _registration_evidence(found, reference)
    if contrary:
        tally.evidence.append(item)
        if tally.contrary < _MAC_STRENGTH:
            tally.contrary, tally.other_maker = _MAC_STRENGTH, found.registrant
    else:
        tally.add("mac", item)


@lru_cache(maxsize=8192)
def _registration_evidence(found: Registration, reference: Reference) -> tuple[Evidence, bool]:
    """What one IEEE block says, and whether it names a maker that is not covered (cached: fleets share blocks)."""
    key = normalize_name(found.registrant)
    if key == "ieee registration authority":
        detail = (
            f"block {found.block} is divided into MA-M/MA-S assignments not in this registry copy;"
            " run `proscribe devices update-oui`"
        )
        return Evidence("mac", detail), False
    where = f"MAC block {found.block} ({found.registry}) registered to {found.registrant}"
    fact = reference.registrant_index.get(key)
    if fact is not None and fact.maker is not None:
        maker = reference.maker_name(fact.maker)
        detail = f"{where} -> {maker}" + (f" ({fact.note})" if fact.note else "")
        strength = _strength(_MAC_STRENGTH, fact.provenance.grade)
        return Evidence("mac", detail, fact.maker, strength, fact.provenance.grade, fact.provenance.source), False
    if fact is not None:  # a look-alike registrant named in the reference as not covered
        return Evidence("mac", f"{where}: {fact.note}", None, 0.0, fact.provenance.grade, fact.provenance.source), True
    mentioned = [word for word in _COVERED_WORDS if word in key.split()]
    if mentioned:
        return Evidence(
            "mac", f"{where}: names {mentioned[0]} but is not a registrant the reference ties to it; check"
        ), False
    return Evidence("mac", f"{where} (not a covered maker)"), True


@lru_cache(maxsize=65536)
def _model_matches(model: str, reference: Reference) -> tuple[tuple[str, Evidence], ...]:
    """The best model-number fact per covered maker, as evidence (cached: fleets repeat models)."""
    best: dict[str, Evidence] = {}
    for fact in reference.models:
        if not fact.pattern.search(model):
            continue
        strength = _strength(_MODEL_STRENGTH[fact.position], fact.provenance.grade)
        if fact.maker in best and best[fact.maker].strength >= strength:
            continue
        what = f"{fact.device_type} " if fact.device_type else ""
        where = "after another prefix" if fact.position == "inside" else "prefix"
        detail = f"model {model!r} has the {reference.maker_name(fact.maker)} {what}{where} {fact.text}"
        if fact.note and fact.position == "start":
            detail += f" ({fact.note})"
        best[fact.maker] = Evidence(
            "model", detail, fact.maker, strength, fact.provenance.grade, fact.provenance.source
        )
    return tuple(best.items())


def _model_signals(model: str, kind: str, reference: Reference, tally: _Tally) -> None:
    text = model.strip()
    if not text:
        return
    for _maker, item in _model_matches(text, reference):
        tally.add("model", item if kind == "model" else Evidence(kind, item.detail, *_rest(item)))


def _rest(item: Evidence) -> tuple[str | None, float, str, str]:
    return item.maker, item.strength, item.grade, item.source


@lru_cache(maxsize=16384)
def _brand_facts(brand: str, reference: Reference) -> tuple[BrandFact, ...]:
    """Facts for a label: its exact normalised name, else the longest known name its words start with."""
    key = normalize_name(brand)
    if not key:
        return ()
    if key in reference.brand_index:
        return reference.brand_index[key]
    words = key.split()
    for size in range(len(words) - 1, 0, -1):
        facts = reference.brand_index.get(" ".join(words[:size]))
        if facts:
            return facts
    return ()


def _applicable(facts: tuple[BrandFact, ...], text: str) -> list[BrandFact]:
    """Qualified facts hold only when the product text matches; a brand with only qualified facts keeps all."""
    plain = [fact for fact in facts if fact.qualifier is None]
    qualified = [fact for fact in facts if fact.qualifier is not None and fact.qualifier.search(text)]
    if qualified or plain:
        return qualified + plain
    return list(facts)


def _in_window(fact: BrandFact, purchase_date: str) -> bool | None:
    """True/False when the purchase date is inside/outside the fact's period; None when it cannot be told."""
    if fact.valid_from is None and fact.valid_until is None:
        return True
    if not purchase_date:
        return None
    if fact.valid_from and purchase_date[: len(fact.valid_from)] < fact.valid_from:
        return False
    return not (fact.valid_until and purchase_date[: len(fact.valid_until)] > fact.valid_until)


def _label_signals(device: Device, label: str, category: str, reference: Reference, tally: _Tally) -> None:
    facts = _brand_facts(label, reference) if label.strip() else ()
    if not facts:
        return
    # Only what the facts look at goes into the cache key, so a fleet's labels are worked out once each.
    text = f"{label} {device.model} {device.device_type}" if any(f.qualifier for f in facts) else label
    dated = any(f.valid_from or f.valid_until for f in facts)
    found = _label_evidence(label, text, device.purchase_date if dated else "", category, reference)
    for item, relation in found:
        if relation is None:
            tally.evidence.append(item)
            continue
        tally.add(category, item)
        if category == "label" and item.maker is not None:
            tally.label_makers.setdefault(item.maker, relation)


@lru_cache(maxsize=65536)
def _label_evidence(
    label: str, text: str, purchase_date: str, category: str, reference: Reference
) -> tuple[tuple[Evidence, str | None], ...]:
    """Evidence from a label, with the relation behind each counted item (None for notes)."""
    found: list[tuple[Evidence, str | None]] = []
    seen_low = False
    for fact in _applicable(_brand_facts(label, reference), text):
        grade, source = fact.provenance.grade, fact.provenance.source
        makers = " or ".join(reference.maker_name(m) for m in fact.makers)
        what = fact.note or fact.relation
        if fact.relation == "oem-low":
            if not seen_low:
                found.append((Evidence(category, f"{label!r}: {what} ({makers})", None, 0.0, grade, source), None))
            seen_low = True
            continue
        window = _in_window(fact, purchase_date)
        period = f"{fact.valid_from or '...'} to {fact.valid_until or '...'}"
        if window is False:
            note = f"{label!r} {fact.relation} of {makers} only {period}; bought {purchase_date}"
            found.append((Evidence(category, note), None))
            continue
        strength = _strength(_RELATION_STRENGTH[fact.relation], grade)
        detail = f"{label!r} is {_relation_words(fact.relation)} {makers}" + (f" ({fact.note})" if fact.note else "")
        if window is None:
            strength *= _WINDOW_UNKNOWN_FACTOR
            detail += f"; holds {period} and the purchase date is unknown"
        for maker in fact.makers:
            found.append((Evidence(category, detail, maker, strength, grade, source), fact.relation))
    return tuple(found)


def _relation_words(relation: str) -> str:
    return {
        "maker": "the covered maker",
        "own-brand": "an own brand of",
        "subsidiary": "a subsidiary of",
        "joint-venture": "a joint venture of",
        "parent": "the parent of",
        "oem": "an OEM label for products made by",
        "oem-some": "an OEM label for some products made by",
    }.get(relation, relation)


def _fingerprint_signals(device: Device, reference: Reference, tally: _Tally) -> None:
    for print_ in device.fingerprints:
        if print_.kind in ("onvif-manufacturer", "onvif-name"):
            before = len(tally.evidence)
            _label_signals(device, print_.value, "fingerprint", reference, tally)
            if len(tally.evidence) == before:
                tally.note("fingerprint", f"device reports manufacturer {print_.value!r} ({print_.kind})")
            continue
        if print_.kind in ("onvif-hardware", "onvif-model", "device-model"):
            _model_signals(print_.value, "fingerprint", reference, tally)
            continue
        matched = False
        for fact in reference.fingerprints:
            if fact.kind == print_.kind and _fingerprint_matches(print_, fact.pattern):
                grade, source = fact.provenance.grade, fact.provenance.source
                strength = _strength(_FINGERPRINT_STRENGTH.get(fact.kind, 0.5), grade)
                detail = f"{print_.kind} {print_.value!r} -> {reference.maker_name(fact.maker)} ({fact.note})"
                tally.add("fingerprint", Evidence("fingerprint", detail, fact.maker, strength, grade, source))
                matched = True
        if not matched:
            tally.note("fingerprint", f"{print_.kind} {print_.value!r}")


def _fingerprint_matches(print_: Fingerprint, pattern: str) -> bool:
    if print_.kind in ("http-server", "rtsp-server"):
        return pattern.lower() in print_.value.lower()
    if print_.kind in ("dahua-cgi", "dahua-port"):
        return True
    return print_.value.strip().lower() == pattern.lower()


@lru_cache(maxsize=16384)
def supplier_relation(name: str, reference: Reference) -> tuple[str, BrandFact] | None:
    """(covered maker key, fact) when a supplier is a covered maker, its subsidiary, own brand or parent."""
    for fact in _brand_facts(name, reference):
        if fact.relation in _SUPPLIER_RELATIONS:
            return fact.makers[0], fact
    fact_r = reference.registrant_index.get(normalize_name(name))
    if fact_r is not None and fact_r.maker is not None:
        return fact_r.maker, _registrant_as_brand(fact_r.registrant, fact_r.maker, reference)
    return None


def _registrant_as_brand(name: str, maker: str, reference: Reference) -> BrandFact:
    fact = reference.registrant_index[normalize_name(name)]
    return BrandFact(name, (maker,), "subsidiary", None, None, None, fact.note, fact.provenance)


def _supplier_signal(supplier: str, reference: Reference, tally: _Tally) -> str | None:
    if not supplier.strip():
        return None
    found = supplier_relation(supplier, reference)
    if found is None:
        return None
    maker, fact = found
    detail = f"supplier {supplier!r} is {_relation_words(fact.relation)} {reference.maker_name(maker)}"
    tally.note("supplier", detail, fact.provenance.grade, fact.provenance.source)
    return maker


def _combine(categories: dict[str, float]) -> float:
    remaining = 1.0
    for strength in categories.values():
        remaining *= 1.0 - strength
    return 1.0 - remaining


def _verdict(device: Device, reference: Reference, tally: _Tally, supplier_maker: str | None) -> Identification:
    if not tally.scores:
        ranked: list[tuple[float, str]] = []
    elif len(tally.scores) == 1:
        ranked = [(_combine(c), m) for m, c in tally.scores.items()]
    else:
        ranked = sorted(((_combine(c), m) for m, c in tally.scores.items()), reverse=True)
    score, maker_key = ranked[0] if ranked else (0.0, None)
    if maker_key is not None and tally.contrary > 0:
        if maker_key in tally.label_makers and _same_company(tally.other_maker, device.brand):
            tally.note("mac", f"{tally.other_maker} is the label's own company: an OEM using its own address block")
        else:
            score *= 1.0 - DISAGREEMENT_WEIGHT * tally.contrary
            tally.note("conflict", f"signals disagree: {tally.other_maker} (MAC registrant) is not a covered maker")
    if maker_key is not None and len(ranked) > 1 and ranked[1][0] >= PROBABLE_THRESHOLD:
        others = ", ".join(reference.maker_name(m) for s, m in ranked[1:] if s >= PROBABLE_THRESHOLD)
        tally.note("conflict", f"signals also point to {others}")
    if maker_key is not None and score >= PROBABLE_THRESHOLD:
        status = Status.COVERED if score >= COVERED_THRESHOLD else Status.PROBABLY_COVERED
        relabel = _relabel_check(device, reference, tally, maker_key)
        inferred = tally.grades.get(maker_key, set()) <= {"I"}
        return Identification(
            maker=reference.maker_name(maker_key),
            maker_key=maker_key,
            status=status,
            rules=tuple(reference.rule_titles(maker_key)),
            confidence=round(score, 2),
            evidence=tuple(tally.evidence),
            relabel=relabel,
            inferred_only=inferred,
            supplier_maker=supplier_maker,
        )
    if tally.contrary > 0:
        confidence = round(tally.contrary * (1.0 - score), 2)
        return Identification(
            tally.other_maker,
            None,
            Status.NOT_COVERED,
            (),
            confidence,
            tuple(tally.evidence),
            supplier_maker=supplier_maker,
        )
    if device.brand.strip():
        tally.note("label", f"{device.brand.strip()!r}: a label alone does not show the maker (relabelling is common)")
    return Identification(
        device.brand.strip(), None, Status.UNKNOWN, (), 0.0, tuple(tally.evidence), supplier_maker=supplier_maker
    )


def _same_company(registrant: str, label: str) -> bool:
    """True when one name's words begin the other's: "Amcrest" and "Amcrest Technologies"."""
    a, b = normalize_name(registrant).split(), normalize_name(label).split()
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer[: len(shorter)] == shorter


def _relabel_check(device: Device, reference: Reference, tally: _Tally, maker_key: str) -> bool:
    """A label that is not the maker's own name or brand: say it, and whether the relation is known."""
    label = device.brand.strip()
    if not label:
        return False
    relation = tally.label_makers.get(maker_key)
    if relation in _OWN_RELATIONS:
        return False
    if relation is None:
        tally.note(
            "conflict",
            f"label {label!r} disagrees with the {reference.maker_name(maker_key)} signals: probable relabel",
        )
    return True


def identify_all(devices: Iterable[Device], reference: Reference, registry: OuiRegistry) -> list[Identification]:
    """Identify a fleet; the per-model and per-label work is cached, so repeated models cost little."""
    return [identify(device, reference, registry) for device in devices]
