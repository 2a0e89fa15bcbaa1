"""The OFAC remarks parser: each label family on its own, then the real lists as a whole."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.model import IdType, NameKind, PartialDate
from proscribe.sources.ofac_remarks import (
    iso_date,
    parse_partial_date,
    parse_remarks,
    split_remarks,
    strip_terminator,
)
from tests.conftest import LISTS

# --- splitting -------------------------------------------------------------------


def test_split_keeps_parenthesised_semicolons_together() -> None:
    text = "DOB 1969; (data derived: Alt. DOB: 10 October 1969; Alt. POB: Keren); a.k.a. 'X'."
    assert split_remarks(text) == [
        "DOB 1969",
        "(data derived: Alt. DOB: 10 October 1969; Alt. POB: Keren)",
        "a.k.a. 'X'",
    ]


def test_split_falls_back_when_parentheses_do_not_balance() -> None:
    assert split_remarks("Passport 1 (Iran; DOB 1960.") == ["Passport 1 (Iran", "DOB 1960"]


def test_split_handles_a_semicolon_without_space() -> None:
    assert split_remarks("nationality possibly Palestinian;arrested 23 Apr 2002.") == [
        "nationality possibly Palestinian",
        "arrested 23 Apr 2002",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Linked To: INTERNET RESEARCH AGENCY LLC.", "Linked To: INTERNET RESEARCH AGENCY LLC"),
        ("Linked To: GALAPAGOS S.A.", "Linked To: GALAPAGOS S.A."),
        ("Linked To: INVERSIONES CIFUENTES Y CIA. S. EN C.", "Linked To: INVERSIONES CIFUENTES Y CIA. S. EN C."),
        ("Website www.rosneft.com.", "Website www.rosneft.com"),
        ("DOB 1962", "DOB 1962"),
    ],
)
def test_terminator_is_dropped_but_abbreviation_dots_stay(text: str, expected: str) -> None:
    assert strip_terminator(text) == expected


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Jan 1965", PartialDate("1965-01-12")),
        ("1965", PartialDate("1965")),
        ("Jan 1965", PartialDate("1965-01")),
        ("circa 1965", PartialDate("1965", circa=True)),
        ("1960 to 1962", PartialDate("1960", end="1962")),
        ("01 Jan 1961 to 31 Dec 1962", PartialDate("1961-01-01", end="1962-12-31")),
        ("circa 1979-1982", PartialDate("1979", end="1982", circa=True)),
        ("Mar 1962 to Feb 1963", PartialDate("1962-03", end="1963-02")),
        ("10 October 1969", PartialDate("1969-10-10")),
    ],
)
def test_birth_date_forms(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["", "unknown", "12 1965", "45 Jan 1965", "Foo 1965", "1965 to later"])
def test_unreadable_dates_are_none(text: str) -> None:
    assert parse_partial_date(text) is None


def test_iso_date() -> None:
    assert iso_date("03 Jun 2021") == "2021-06-03"
    assert iso_date("Sep 1938") == "1938-09"
    assert iso_date("2021-06-03") is None


# --- persons -------------------------------------------------------------------


def test_person_facts() -> None:
    facts = parse_remarks(
        "DOB 1969; alt. DOB 10 Oct 1969; DOB circa 1951; POB Xudur, Somalia; alt. POB Keren, Eritrea; "
        "nationality Eritrea; alt. nationality Korea, North; citizen Lebanon; alt. citizen Paraguay; Gender Female; "
        "Passport 0310857 (Eritrea) issued 21 Aug 2006 expires 20 Aug 2008; National ID No. 1372584 (Kenya)."
    )
    assert facts.birth_dates == [PartialDate("1969"), PartialDate("1969-10-10"), PartialDate("1951", circa=True)]
    assert facts.birth_places == ["Xudur, Somalia", "Keren, Eritrea"]
    assert facts.nationalities == ["ER", "KP"]
    assert facts.citizenships == ["LB", "PY"]
    assert facts.gender == "female"
    passport, national_id = facts.identifiers
    assert (passport.type, passport.value, passport.country) == (IdType.PASSPORT, "0310857", "ER")
    assert passport.note == "issued 21 Aug 2006 expires 20 Aug 2008"
    assert (national_id.type, national_id.value, national_id.country) == (IdType.NATIONAL_ID, "1372584", "KE")
    assert facts.unparsed == []


def test_latin_american_ids() -> None:
    facts = parse_remarks(
        "Cedula No. 7548733 (Colombia); R.F.C. CIVJ650513LJA (Mexico); C.U.R.P. CIVJ650513HNEFLR06 (Mexico); "
        "SSN 523-33-8386 (United States); Tax ID No. 100036386 (Serbia); NIT # 800146749-7 (Colombia)."
    )
    kinds = [(i.type, i.value, i.country, i.label) for i in facts.identifiers]
    assert kinds == [
        (IdType.CEDULA, "7548733", "CO", "Cedula No."),
        (IdType.TAX_ID, "CIVJ650513LJA", "MX", "R.F.C."),
        (IdType.NATIONAL_ID, "CIVJ650513HNEFLR06", "MX", "C.U.R.P."),
        (IdType.SSN, "523-33-8386", "US", "SSN"),
        (IdType.TAX_ID, "100036386", "RS", "Tax ID No."),
        (IdType.TAX_ID, "800146749-7", "CO", "NIT #"),
    ]


# --- organisations, vessels, aircraft --------------------------------------------


def test_company_identifiers_and_attributes() -> None:
    facts = parse_remarks(
        "Equity Ticker 002415 CN; Issuer Name Hangzhou Hikvision Digital Technology; ISIN CNE100000PM8; "
        "Target Type Public Company; Effective Date (CMIC) 02 Aug 2021; Listing Date (CMIC) 03 Jun 2021; "
        "Unified Social Credit Code (USCC) 91330000733796106P (China); Legal Entity Number 253400WSS48YWMBUA688; "
        "SWIFT/BIC HAVIGB2L; Registration Number 1027700167110 (Russia); D-U-N-S Number 542957624; "
        "Organization Established Date 17 Dec 2016; Secondary sanctions risk: Ukraine-/Russia-Related Sanctions; "
        "Additional Sanctions Information - Subject to Secondary Sanctions."
    )
    ids = {i.type: i for i in facts.identifiers}
    assert ids[IdType.ISIN].value == "CNE100000PM8"
    assert (ids[IdType.USCC].value, ids[IdType.USCC].country) == ("91330000733796106P", "CN")
    assert ids[IdType.LEI].value == "253400WSS48YWMBUA688"
    assert ids[IdType.BIC].value == "HAVIGB2L"
    assert (ids[IdType.REGISTRATION].value, ids[IdType.REGISTRATION].country) == ("1027700167110", "RU")
    assert (ids[IdType.OTHER].label, ids[IdType.OTHER].value) == ("D-U-N-S Number", "542957624")
    assert facts.attributes["target_type"] == ["Public Company"]
    assert facts.attributes["equity_ticker"] == ["002415 CN"]
    assert facts.attributes["listing_date"] == ["2021-06-03 (CMIC)"]
    assert facts.attributes["effective_date"] == ["2021-08-02 (CMIC)"]
    assert facts.attributes["organization_established_date"] == ["2016-12-17"]
    assert facts.attributes["secondary_sanctions_risk"] == ["Ukraine-/Russia-Related Sanctions"]
    assert facts.attributes["additional_sanctions_information"] == ["Subject to Secondary Sanctions"]
    assert facts.listed_on == "2021-06-03"
    assert facts.unparsed == []


def test_vessel_and_aircraft_identifiers() -> None:
    facts = parse_remarks(
        "Former Vessel Flag Malta; Vessel Registration Identification IMO 9187629; MMSI 572469210; "
        "Aircraft Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number EP-MMH; "
        "Aircraft Model IL76-TD; Aircraft Operator YAS AIR."
    )
    kinds = [(i.type, i.value) for i in facts.identifiers]
    assert kinds == [
        (IdType.IMO, "9187629"),
        (IdType.MMSI, "572469210"),
        (IdType.AIRCRAFT_SERIAL, "1023409321"),
        (IdType.AIRCRAFT_TAIL, "EP-MMH"),
    ]
    assert facts.attributes["former_vessel_flag"] == ["Malta"]
    assert facts.attributes["aircraft_operator"] == ["YAS AIR"]


def test_contacts_and_crypto() -> None:
    facts = parse_remarks(
        "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c; "
        "Email Address dam.d.free@net.sy; Website www.havanaintbank.co.uk; Phone Number 8613314257947; "
        "Telephone (357)(22660766); Fax: 0097282858208."
    )
    kinds = [(i.type, i.label, i.value, i.country) for i in facts.identifiers]
    assert kinds == [
        (IdType.CRYPTO, "Digital Currency Address - XBT", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None),
        (IdType.CRYPTO, "Digital Currency Address - ETH", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c", None),
        (IdType.EMAIL, "Email Address", "dam.d.free@net.sy", None),
        (IdType.WEBSITE, "Website", "www.havanaintbank.co.uk", None),
        (IdType.PHONE, "Phone Number", "8613314257947", None),
        (IdType.PHONE, "Telephone", "(357)(22660766)", None),
        (IdType.PHONE, "Fax", "0097282858208", None),
    ]


def test_unknown_labelled_id_is_kept_as_other_with_its_label() -> None:
    facts = parse_remarks("Chamber of Commerce Number 55389694 (Netherlands); Kommerzregister Nr. 42 (Liechtenstein).")
    assert [(i.type, i.label, i.value, i.country) for i in facts.identifiers] == [
        (IdType.REGISTRATION, "Chamber of Commerce Number", "55389694", "NL"),
        (IdType.OTHER, "Kommerzregister Nr.", "42", "LI"),
    ]


# --- names, relations, leftovers -------------------------------------------------


def test_aliases_and_links() -> None:
    facts = parse_remarks(
        "a.k.a. 'ABU-'UMAR'; f.k.a. 'ALPHA'; n.k.a. 'OMEGA'; Linked To: LAZARUS GROUP; wife of Izzat Ibrahim Al-Duri; "
        "a.k.a. 'K.A.S.'."
    )
    assert [(n.value, n.kind) for n in facts.names] == [
        ("ABU-'UMAR", NameKind.AKA),
        ("ALPHA", NameKind.FKA),
        ("OMEGA", NameKind.NKA),
        ("K.A.S.", NameKind.AKA),
    ]
    linked, family = facts.relations
    assert (linked.type, linked.target_name, linked.target_id) == ("linked_to", "LAZARUS GROUP", None)
    assert (family.type, family.target_name, family.note) == ("family", "Izzat Ibrahim Al-Duri", "wife")


def test_unrecognised_pieces_are_kept_verbatim() -> None:
    facts = parse_remarks("DOB 1950; ICTY indictee at large; Passport issued in Sarajevo, Bosnia-Herzegovina.")
    assert facts.pieces == 3
    assert facts.unparsed == ["ICTY indictee at large", "Passport issued in Sarajevo, Bosnia-Herzegovina"]


def test_empty_remarks() -> None:
    assert parse_remarks(None).pieces == 0
    assert parse_remarks("").unparsed == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcDOB PassportIMO()';:.-19 Jan\u00e9\x00"), max_size=200) | st.text())
def test_never_raises(text: str) -> None:
    facts = parse_remarks(text)
    assert facts.pieces >= len(facts.unparsed)


# --- the real lists ------------------------------------------------------------------

REAL_PRIMARY_FILES = ("ofac/sdn.csv", "ofac/cons_prim.csv", "ofac/2019/sdn.csv")


def _real_remarks(relative: str) -> list[str]:
    """Remarks as the primary file has them (enough for coverage; comments only add tails)."""
    path = Path(LISTS, relative)
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[11] for row in csv.reader(handle) if len(row) == 12 and row[11].strip() != "-0-"]


@pytest.mark.parametrize("relative", REAL_PRIMARY_FILES)
def test_real_remarks_are_mostly_understood(lists_dir: Path, relative: str) -> None:
    pieces = unparsed = 0
    for text in _real_remarks(relative):
        facts = parse_remarks(text)
        pieces += facts.pieces
        unparsed += len(facts.unparsed)
    # What stays unparsed is free prose (positions held, "ICTY indictee", party branches); the title
    # column repeats many of those, which the CSV parser subtracts on top of this.
    assert pieces > 3000
    assert unparsed / pieces < 0.06, f"{unparsed} of {pieces} pieces unparsed"
