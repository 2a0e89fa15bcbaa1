"""Structured facts out of the free-text ``remarks`` field of OFAC's legacy CSV files.

The CSV editions carry birth data, identity papers, aliases and links to other
parties only as one remarks string per entry: pieces separated by ``; ``, each
opened by a label (``DOB 12 Jan 1965``, ``Passport A1 (Iran) issued 2010``,
``Linked To: X``). :func:`parse_remarks` is pure and never raises: it files
the pieces it understands and keeps every other piece verbatim in
``unparsed``, so nothing the publisher said is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from proscribe.countries import country_code
from proscribe.model import Identifier, IdType, Name, NameKind, PartialDate, Relation


@dataclass(slots=True)
class RemarksFacts:
    """What one remarks string says, in model terms; ``pieces`` counts what was read."""

    names: list[Name] = field(default_factory=list)
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None
    titles: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    listed_on: str | None = None  # earliest "Listing Date ..." as ISO
    unparsed: list[str] = field(default_factory=list)
    pieces: int = 0

    def add_attribute(self, key: str, value: str) -> None:
        values = self.attributes.setdefault(key, [])
        if value not in values:
            values.append(value)


# --- splitting -------------------------------------------------------------

# A final "." that belongs to an abbreviation ("S.A.", "S. EN C.") rather than
# being OFAC's sentence terminator; the terminator is never doubled.
_ABBREVIATION_END = re.compile(r"(?:[A-Za-z]{1,3}\.){2,}|[A-Za-z]\.")
_SPLIT_MARKS = re.compile(r"[();]")


def strip_terminator(text: str) -> str:
    """Drop the full stop OFAC appends to every remarks field, keeping abbreviation dots."""
    text = text.strip()
    if not text.endswith("."):
        return text
    last = text.rsplit(None, 1)[-1]
    if _ABBREVIATION_END.fullmatch(last):
        return text
    return text[:-1].rstrip()


def split_remarks(text: str) -> list[str]:
    """Pieces of a remarks field: split on ``;`` outside parentheses.

    Parenthesised asides (``(Following data derived ...: Alt. DOB ...; ...)``)
    hold semicolons of their own and stay one piece; if the parentheses do not
    balance, every semicolon splits, so one stray ``(`` cannot swallow the rest.
    """
    text = strip_terminator(text)
    if "(" not in text:
        return [piece.strip() for piece in text.split(";") if piece.strip()]
    cuts: list[int] = []
    depth = 0
    for match in _SPLIT_MARKS.finditer(text):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            cuts.append(match.start())
    if depth:
        return [piece.strip() for piece in text.split(";") if piece.strip()]
    pieces, start = [], 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut + 1
    return pieces


# --- dates ------------------------------------------------------------------

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_DATE = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]* )?(\d{4})")
_RANGE = re.compile(r"(?P<circa>circa |approximately )?(?P<start>.+?)(?:\s*(?: to |-)\s*(?P<end>.+))?", re.I)


def iso_date(text: str) -> str | None:
    """``12 Jan 1965`` → ``1965-01-12``, ``Jan 1965`` → ``1965-01``, ``1965`` → ``1965``; else None."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    day, month_name, year = match.groups()
    if month_name is None:
        return year if day is None else None
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    if not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}"


def parse_partial_date(text: str) -> PartialDate | None:
    """A DOB value: single date, ``circa`` date, or ``A to B`` / ``A-B`` range."""
    match = _RANGE.fullmatch(text.strip())
    if match is None:
        return None
    start = iso_date(match["start"])
    if start is None:
        return None
    end = None
    if match["end"] is not None:
        end = iso_date(match["end"])
        if end is None:
            return None
    return PartialDate(value=start, end=end, circa=match["circa"] is not None)


# --- identifiers --------------------------------------------------------------

_NOTE = re.compile(r"[ ,]+(?=(?:issued|expires|expired|expiring)\b)", re.I)
_TRAILING_PARENS = re.compile(r"\s*\(([^()]*)\)$")
_CRYPTO = re.compile(r"\s*-\s*(\S+)\s+(\S+)")  # after the label: " - XBT 1Abc..."


def split_id_value(rest: str, with_country: bool = True) -> tuple[str, str | None, str | None]:
    """``A123 (Iran) issued 2010`` → ``("A123", "IR", "issued 2010")``.

    A trailing parenthesis counts as the issuing country only when it names
    one; otherwise (``186785 (Abogado)``) it stays part of the value.
    """
    note = None
    parts = _NOTE.split(rest, maxsplit=1)
    if len(parts) == 2:
        rest, note = parts[0], parts[1].strip()
    rest = rest.strip(" ,:")
    country = None
    if with_country:
        match = _TRAILING_PARENS.search(rest)
        if match:
            code = country_code(match.group(1))
            if code:
                country, rest = code, rest[: match.start()].strip(" ,")
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1].strip()
    return rest, country, note


# --- label table --------------------------------------------------------------
# Each handler gets (facts, label, rest of the piece) and says whether it used the piece.

Handler = Callable[[RemarksFacts, str, str], bool]


def _identifier(id_type: IdType, with_country: bool = True) -> Handler:
    """IDs take an issuing country from a trailing parenthesis; contacts do not (``(357)`` is an area code)."""

    def handle(facts: RemarksFacts, label: str, rest: str) -> bool:
        value, country, note = split_id_value(rest, with_country)
        value = value.rstrip(".")  # the remarks' closing full stop is not part of an ID
        if not value or not any(c.isalnum() for c in value):
            return False
        facts.identifiers.append(Identifier(type=id_type, value=value, country=country, label=label, note=note))
        return True

    return handle


def _attribute(key: str, dated: bool = False) -> Handler:
    def handle(facts: RemarksFacts, label: str, rest: str) -> bool:
        value = rest.strip(" :-")
        qualifier = ""
        if value.startswith("("):
            close = value.find(")")
            if close > 0:
                qualifier, value = value[: close + 1], value[close + 1 :].strip(" :-")
        if not value:
            return False
        if dated:
            iso = iso_date(value)
            if iso:
                value = iso
                if key == "listing_date" and (facts.listed_on is None or iso < facts.listed_on):
                    facts.listed_on = iso
        facts.add_attribute(key, f"{value} {qualifier}".strip())
        return True

    return handle


def _birth_date(facts: RemarksFacts, label: str, rest: str) -> bool:
    date = parse_partial_date(rest)
    if date is None:
        return False
    facts.birth_dates.append(date)
    return True


def _birth_place(facts: RemarksFacts, label: str, rest: str) -> bool:
    return _add_text(facts.birth_places, rest.strip(" :"))


def _country_list(attr: str) -> Handler:
    def handle(facts: RemarksFacts, label: str, rest: str) -> bool:
        codes: list[str] = getattr(facts, attr)
        return _add_text(codes, country_code(rest.strip(" :")) or "")

    return handle


def _gender(facts: RemarksFacts, label: str, rest: str) -> bool:
    value = rest.strip(" :").lower()
    if value not in ("male", "female"):
        return False
    facts.gender = value
    return True


def _title(facts: RemarksFacts, label: str, rest: str) -> bool:
    return _add_text(facts.titles, rest.strip(" :-"))


def _add_text(values: list[str], value: str) -> bool:
    """Append a non-empty value once; say whether the piece had one."""
    if value and value not in values:
        values.append(value)
    return bool(value)


def _linked_to(facts: RemarksFacts, label: str, rest: str) -> bool:
    target = rest.strip(" :")
    if target:
        facts.relations.append(Relation(type="linked_to", target_name=target))
    return bool(target)


def _alias(kind: NameKind) -> Handler:
    def handle(facts: RemarksFacts, label: str, rest: str) -> bool:
        value = rest.strip(" ,.")
        if value.startswith("'"):
            end = value.rfind("'")
            value = value[1:end] if end > 0 else value[1:]
        value = value.strip()
        if value:
            facts.names.append(Name(value=value, kind=kind))
        return bool(value)

    return handle


def _crypto(facts: RemarksFacts, label: str, rest: str) -> bool:
    match = _CRYPTO.fullmatch(rest.rstrip("."))
    if match is None:
        return False
    currency, address = match.groups()
    label = f"Digital Currency Address - {currency}"
    facts.identifiers.append(Identifier(type=IdType.CRYPTO, value=address, label=label))
    return True


def snake_case(label: str) -> str:
    """An attribute key from a publisher's label: ``Target Type`` → ``target_type``."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _each(labels: str, handler: Handler) -> dict[str, Handler]:
    """Several ``|``-separated labels sharing one handler (keeps the table readable)."""
    return {label.strip(): handler for label in labels.split("|")}


def _keyed_by_label(labels: str, dated: bool = False) -> dict[str, Handler]:
    """Labels whose value is kept under the label's snake_case key (dates made ISO when ``dated``)."""
    return {label.strip(): _attribute(snake_case(label), dated) for label in labels.split("|")}


# Label as OFAC writes it (matched case-insensitively, longest first) → handler.
LABELS: dict[str, Handler] = {
    "a.k.a.": _alias(NameKind.AKA),
    "f.k.a.": _alias(NameKind.FKA),
    "n.k.a.": _alias(NameKind.NKA),
    "Linked To": _linked_to,
    "DOB": _birth_date,
    "POB": _birth_place,
    "nationality": _country_list("nationalities"),
    "citizen": _country_list("citizenships"),
    "Gender": _gender,
    "Title": _title,
    "Position": _title,
    **_each(
        "Passport | Diplomatic Passport | Passport Booklet | Passport No. | British National Overseas Passport"
        " | Stateless Person Passport | U.S.A. Passport | Travel Document Number | Diplomatic Passport Laissez-Passer",
        _identifier(IdType.PASSPORT),
    ),
    **_each(
        "National ID No. | National ID | Personal ID Card | Citizen's Card Number | Kenyan ID No."
        " | Turkish Identification Number | Turkish Identificiation Number | Tazkira National ID Card"
        " | Bosnian Personal ID No. | Moroccan Personal ID No. | National Foreign ID Number | D.N.I."
        " | Numero de Identidad | C.U.I. | CNP (Personal Numerical Code) | UAE Identification | C.U.R.P. | C.U.R.P. #"
        " | Credencial electoral | I.F.E. | Electoral Registry No. | N.I.E. | Stateless Person ID Card"
        " | Refugee ID Card | Residency Number | C.U.I.P. | Identification Number | LE Number",
        _identifier(IdType.NATIONAL_ID),
    ),
    **_each(
        "Tax ID No. | RFC | R.F.C. | R.F.C. # | NIT # | RUC # | RIF # | V.A.T. Number | US FEIN | C.U.I.T."
        " | Italian Fiscal Code | Fiscal Code | C.I.F. | RTN | Romanian Tax Registration | RSIN"
        " | Numero Unico de Identificacao Tributaria (NUIT) | Paraguayan tax identification number"
        " | Business Number | Tax Identification Number",
        _identifier(IdType.TAX_ID),
    ),
    **_each(
        "Registration Number | Registration ID | Business Registration Number | Business Registration Document #"
        " | Company Number | UK Company Number | Commercial Registry Number | Government Gazette Number"
        " | Matricula Mercantil No | Folio Mercantil No. | C.R. No. | Romanian C.R. | Trade License No."
        " | Certificate of Incorporation Number | Chamber of Commerce Number | Public Registration Number"
        " | Dubai Chamber of Commerce Membership No. | Istanbul Chamber of Comm. No. | Registered Charity No."
        " | Enterprise Number | Branch Unit Number | Central Registration System Number"
        " | MSB Registration Number | Company ID | File Number | Tourism License No."
        " | Afghan Money Service Provider License Number",
        _identifier(IdType.REGISTRATION),
    ),
    **_each(
        "Unified Social Credit Code (USCC) | United Social Credit Code Certificate (USCCC)",
        _identifier(IdType.USCC),
    ),
    **_each("ISIN | Identification Number ISIN", _identifier(IdType.ISIN, with_country=False)),
    "Legal Entity Number": _identifier(IdType.LEI),
    "SWIFT/BIC": _identifier(IdType.BIC),
    **_each(
        "Vessel Registration Identification IMO | Vessel Registration Identification | Company Number IMO"
        " | Identification Number IMO | International Maritime Organization No. | IMO",
        _identifier(IdType.IMO),
    ),
    "MMSI": _identifier(IdType.MMSI),
    "SSN": _identifier(IdType.SSN),
    "Cedula No.": _identifier(IdType.CEDULA),
    "Driver's License No.": _identifier(IdType.DRIVING_LICENSE),
    **_each(
        "Aircraft Manufacturer's Serial Number (MSN) | Aircraft Serial Identification"
        " | Aircraft Construction Number (also called L/N or S/N or F/N)",
        _identifier(IdType.AIRCRAFT_SERIAL),
    ),
    **_each("Aircraft Tail Number | Previous Aircraft Tail Number", _identifier(IdType.AIRCRAFT_TAIL)),
    **_each("Email Address | Email", _identifier(IdType.EMAIL, with_country=False)),
    "Website": _identifier(IdType.WEBSITE, with_country=False),
    **_each(
        "Phone Number | Phone No. | Telephone | Telephone No. | Telephone Number | PHONE | Fax | Fax No. | TELEX",
        _identifier(IdType.PHONE, with_country=False),
    ),
    "Digital Currency Address": _crypto,
    **_each(
        "D-U-N-S Number | Birth Certificate Number | Cartilla de Servicio Militar Nacional"
        " | VisaNumberID | Immigration No. | SRE Permit No. | License | Serial No. | Pilot License Number"
        " | Public Security and Immigration No. | Seafarer's Identification Document | Tarjeta Profesional"
        " | Romanian Permanent Resident CAN | Temporary suspension of deportation No. | BIK (RU)"
        " | Chinese Commercial Code | Aircraft Mode S Transponder Code | Other Vessel Call Sign",
        _identifier(IdType.OTHER),
    ),
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions": _attribute(
        "transactions_prohibited"
    ),
    **_each(
        "For more information on directives, please visit the following link"
        " | For more information, please reference the following link",
        _attribute("more_information"),
    ),
    **_keyed_by_label(
        "Listing Date | Effective Date | Purchase/Sales For Divestment Date | Organization Established Date"
        " | Aircraft Manufacture Date | arrested",
        dated=True,
    ),
    **_keyed_by_label(
        "Organization Type | Target Type | Issuer Name | Equity Ticker | IFCA Determination | Aircraft Operator"
        " | Aircraft Model | Former Vessel Flag | Other Vessel Flag | Other Vessel Type | Vessel Year of Build"
        " | Nationality of Registration | ethnicity | Tribe | Interpol | Additional Sanctions Information"
        " | Secondary sanctions risk"
    ),
}


def _index_labels(labels: dict[str, Handler]) -> dict[str, list[tuple[str, str, Handler]]]:
    """Labels grouped by their first word (lower case), longest first, so each piece tries only a few."""
    index: dict[str, list[tuple[str, str, Handler]]] = {}
    for label, handler in labels.items():
        index.setdefault(label.split()[0].lower(), []).append((label.lower(), label, handler))
    for entries in index.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return index


_LABEL_INDEX = _index_labels(LABELS)
_FIRST_WORD = re.compile(r"[^\s:]+")
_ALT = re.compile(r"alt\.\s+", re.I)
_EXECUTIVE_ORDER = re.compile(
    r"(?P<label>(?:Executive Order|CAATSA Section) \d+(?: Directive)? (?:Determination|Information))"
    r"(?: -|:)? (?P<value>.+)",
    re.I,
)
_FAMILY = re.compile(
    r"(?P<rel>(?:half-)?(?:wife|husband|spouse|son|daughter|brother|sister|father|mother|child|nephew|niece|cousin)"
    r"(?:-in-law)?) of (?P<name>.+)",
    re.I,
)
_GENERIC_ID = re.compile(
    r"(?P<label>[A-Z][\w.'/#-]*(?: [A-Za-z][\w.'/#-]*){0,5}?) (?P<rest>[A-Z0-9-]*\d[\w./ -]*?(?: \([^()]+\))?"
    r"(?: (?:issued|expires).*)?)"
)
_ID_WORDS = re.compile(r"(?:No\.?|Number|#|ID|Code|Card|Certificate)$", re.I)
_SCOPE_PHRASES = ("all offices worldwide", "all branches worldwide", "and all other locations worldwide")


def _apply_label(facts: RemarksFacts, piece: str) -> bool:
    first = _FIRST_WORD.match(piece)
    if first is None:
        return False
    key = first.group(0).lower()
    candidates = _LABEL_INDEX.get(key) or _LABEL_INDEX.get(key.rstrip(".#,")) or []
    lowered = piece.lower()
    for label_lower, label, handler in candidates:
        size = len(label_lower)
        # "Passports" is not "Passport": the label must end at a word boundary.
        if (
            lowered.startswith(label_lower)
            and not piece[size : size + 1].isalnum()
            and handler(facts, label, piece[size:])
        ):
            return True
    return False


def _apply_patterns(facts: RemarksFacts, piece: str) -> bool:
    """Pieces without a fixed label: order determinations, family ties, scope notes, bare IDs."""
    match = _EXECUTIVE_ORDER.fullmatch(piece)
    if match:
        facts.add_attribute(snake_case(match["label"]), match["value"].strip())
        return True
    match = _FAMILY.fullmatch(piece)
    if match:
        relation = Relation(type="family", target_name=match["name"].strip(), note=match["rel"].lower())
        facts.relations.append(relation)
        return True
    if piece.lower() in _SCOPE_PHRASES:
        facts.add_attribute("scope", piece)
        return True
    if piece.startswith(("http://", "https://", "www.")):
        value = piece.removesuffix("(website)").strip()
        facts.identifiers.append(Identifier(type=IdType.WEBSITE, value=value, label="Website"))
        return True
    return _generic_identifier(facts, piece)


def _generic_identifier(facts: RemarksFacts, piece: str) -> bool:
    """``<Label> <value> (<Country>)``: an ID OFAC labels in its own words, kept as OTHER with that label."""
    match = _GENERIC_ID.fullmatch(piece)
    if match is None:
        return False
    label = match["label"]
    value, country, note = split_id_value(match["rest"])
    if not value or (country is None and not _ID_WORDS.search(label)):
        return False
    facts.identifiers.append(Identifier(type=IdType.OTHER, value=value, country=country, label=label, note=note))
    return True


def parse_piece(facts: RemarksFacts, piece: str) -> bool:
    """Record one remarks piece into ``facts``; False when no rule understood it."""
    body = _ALT.sub("", piece, count=1) if piece[:4].lower() == "alt." else piece
    return _apply_label(facts, body) or _apply_patterns(facts, body)


def parse_remarks(text: str | None) -> RemarksFacts:
    """Everything a remarks field says that we can read; the rest verbatim in ``unparsed``."""
    facts = RemarksFacts()
    if not text:
        return facts
    for piece in split_remarks(text):
        facts.pieces += 1
        if not parse_piece(facts, piece):
            facts.unparsed.append(piece)
    return facts
