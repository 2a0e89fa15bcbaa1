"""Identification: the maker, the status, the confidence and every piece of evidence, including disagreements."""

from __future__ import annotations

from proscribe.equipment.device import Device, Fingerprint, Identification, Status
from proscribe.equipment.identify import identify, supplier_relation
from proscribe.equipment.oui import load_registry
from proscribe.equipment.reference import load_reference

AXIS_MAC = "00:40:8C:12:34:56"  # Axis Communications AB
HIK_MAC = "44:19:B6:12:34:56"


def check(**fields: object) -> Identification:
    return identify(Device(**fields), load_reference(), load_registry())  # type: ignore[arg-type]


def test_a_honeywell_label_on_a_hikvision_mac_block_is_a_probable_relabel() -> None:
    verdict = check(brand="Honeywell", model="HBD8PR1", mac=HIK_MAC)
    assert verdict.status is Status.COVERED and verdict.maker == "Hikvision"
    assert verdict.rules == ("NDAA 889", "FCC Covered List")
    assert verdict.relabel
    text = verdict.evidence_text()
    assert "registered to Hangzhou Hikvision Digital Technology" in text
    assert "probable relabel" in text
    assert "[I: secondary source, lower confidence]" in text  # Honeywell's low-grade OEM history is shown too


def test_oem_labels_are_identified_from_the_label_with_the_relation_named() -> None:
    verdict = check(brand="Amcrest", model="IP4M-1041B")
    assert verdict.status is Status.COVERED and verdict.maker == "Dahua" and verdict.relabel
    assert "OEM label for products made by Dahua" in verdict.evidence_text()
    assert check(brand="LTS Security", model="CMIP3042").maker == "Hikvision"


def test_grade_i_only_flags_are_probable_and_marked() -> None:
    verdict = check(brand="CP Plus", model="CP-UNC-TA21")
    assert verdict.status is Status.PROBABLY_COVERED and verdict.inferred_only


def test_time_bound_relations_follow_the_purchase_date() -> None:
    assert check(brand="Lorex", purchase_date="2019-06-01").status is Status.COVERED
    later = check(brand="Lorex", purchase_date="2023-06-01")
    assert later.status is Status.PROBABLY_COVERED  # "some products" still holds
    assert "only 2018 to 2022" in later.evidence_text()
    assert check(brand="IndigoVision", purchase_date="2020-01-10").status is Status.COVERED
    assert check(brand="IndigoVision", purchase_date="2022-01-10").status is Status.UNKNOWN
    undated = check(brand="IndigoVision")
    assert undated.status is Status.PROBABLY_COVERED and "purchase date is unknown" in undated.evidence_text()


def test_model_numbers_alone_and_inside_another_prefix() -> None:
    assert check(model="DS-2CD2385G1-I").maker == "Hikvision"
    assert check(model="DS-7608NI-K2").status is Status.COVERED
    assert check(model="DH-SD49225XA-HNR").maker == "Dahua"
    inside = check(brand="Acme", model="ACM-IPC-HFW2431S")
    assert inside.status is Status.PROBABLY_COVERED and inside.inferred_only


def test_disagreeing_signals_lower_the_confidence_and_are_shown() -> None:
    verdict = check(brand="Axis", model="DS-2CD2143G0-I", mac=AXIS_MAC)
    assert verdict.status is Status.PROBABLY_COVERED
    assert "signals disagree" in verdict.evidence_text()


def test_clean_devices_are_not_covered_and_a_label_alone_is_unknown() -> None:
    clean = check(brand="Axis", model="P3245-LVE", mac=AXIS_MAC)
    assert clean.status is Status.NOT_COVERED and clean.maker == "Axis Communications AB" and not clean.rules
    bosch = check(brand="Bosch", model="FLEXIDOME 5100i", mac="00:07:5F:11:22:33")
    assert bosch.status is Status.NOT_COVERED  # a low-grade OEM history never flags on its own
    label_only = check(brand="Axis", model="P3245-LVE")
    assert label_only.status is Status.UNKNOWN and "label alone" in label_only.evidence_text()
    assert check().status is Status.UNKNOWN


def test_fingerprints_from_discovery_identify_an_oem_device() -> None:
    prints = (
        Fingerprint("isapi-namespace", "http://www.hikvision.com/ver20/XMLSchema"),
        Fingerprint("http-server", "App-webs/"),
    )
    verdict = check(brand="Northline", fingerprints=prints)
    assert verdict.status is Status.COVERED and verdict.maker == "Hikvision" and verdict.relabel
    dahua = check(
        fingerprints=(Fingerprint("dahua-cgi", "getSystemInfo"), Fingerprint("rtsp-server", "Dahua Rtsp Server"))
    )
    assert dahua.maker == "Dahua" and dahua.status is Status.COVERED


def test_suppliers_tied_to_covered_makers() -> None:
    reference = load_reference()
    found = supplier_relation("Hikvision USA, Inc.", reference)
    assert found is not None and found[0] == "hikvision" and found[1].relation == "subsidiary"
    assert supplier_relation("Dahua Technology USA Inc", reference) is not None
    assert supplier_relation("Shanghai Dahua Scale Factory", reference) is None
    assert supplier_relation("Anixter", reference) is None
    verdict = check(brand="Axis", mac=AXIS_MAC, supplier="Hikvision USA Inc.")
    assert verdict.supplier_maker == "hikvision" and verdict.status is Status.NOT_COVERED
    assert "supplier 'Hikvision USA Inc.' is a subsidiary of Hikvision" in verdict.evidence_text()
