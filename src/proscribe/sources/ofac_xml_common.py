"""What OFAC's two XML publications share: streaming, recognition, labels, dates and names.

SDN.XML (``ofac_xml``) and SDN_ADVANCED.XML (``ofac_advanced_xml``) publish the
same lists as the CSV edition, and label the same facts with the same words:
"Passport", "Digital Currency Address - XBT", "Effective Date (CMIC)". The CSV
edition writes them into free-text remarks; SDN.XML carries them as ``idList``
rows, the advanced file as document types and features. Filing every labelled
value through the CSV edition's own label table
(:mod:`proscribe.sources.ofac_remarks`), and writing names, addresses and
dates in the CSV's shapes ("LAST, First", "City, Region Postal"), makes the
editions of one list produce the same entities, so a diff across formats shows
only real changes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from lxml import etree

from proscribe.countries import country_code
from proscribe.model import Entity, Identifier, IdType, PartialDate
from proscribe.sources.base import ListFile, ListFormatError, empty_to_none, sniff
from proscribe.sources.ofac_remarks import LABELS, RemarksFacts, parse_piece, parse_remarks, snake_case

SDN_SOURCE = "us_ofac_sdn"
CONS_SOURCE = "us_ofac_cons"


class FieldError(ValueError):
    """A malformed value inside one record; the record's reader adds the file and place."""


# -- streaming ---------------------------------------------------------------------------------


def stream_records(
    path: Path, root: str, namespaces: Collection[str], records: Sequence[str]
) -> Iterator[etree._Element]:
    """Yield each complete record element of ``path``, then free it, so a 100 MB file streams.

    ``records`` are local element names; an element is yielded at its end tag,
    with its whole subtree, and cleared once the consumer asks for the next.
    The root must be ``root`` in one of ``namespaces``. Every reading or XML
    error becomes a :class:`ListFormatError` naming the line.
    """
    tags = [f"{{*}}{name}" for name in records]
    checked = False
    try:
        context = etree.iterparse(
            str(path), events=("end",), tag=tags, resolve_entities=False, no_network=True, load_dtd=False
        )
        for _event, element in context:
            if not checked:
                check_root(path, element.getroottree().getroot(), root, namespaces)
                checked = True
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        if not checked:
            check_root(path, context.root, root, namespaces)
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        raise ListFormatError(path, f"line {line}", f"malformed XML: {error.msg}") from error
    except etree.LxmlError as error:
        raise ListFormatError(path, None, f"unreadable XML: {error}") from error
    except (LookupError, ValueError) as error:  # unknown or broken character encodings
        raise ListFormatError(path, None, f"unreadable XML: {error}") from error
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror or error}") from error


def check_root(path: Path, element: etree._Element | None, root: str, namespaces: Collection[str]) -> None:
    """Refuse a document whose root is not the expected element in a known namespace."""
    if element is None:
        raise ListFormatError(path, "line 1", f"no root element; expected <{root}>")
    qname = etree.QName(element)
    name: str = qname.localname
    namespace: str | None = qname.namespace
    if name != root:
        raise ListFormatError(path, "line 1", f"root element is <{name}>, expected <{root}>")
    if (namespace or "") not in namespaces:
        raise ListFormatError(path, "line 1", f"<{root}> is in namespace {namespace!r}, not an OFAC one")


class Reader:
    """Namespace-aware access to the children of one document's elements.

    Every element of an OFAC file shares the root's default namespace; tag names
    are qualified once per path, and children are walked by tag, which on a
    100 MB file is several times faster than lxml's path-parsing ``findall``.
    """

    def __init__(self, namespace: str | None) -> None:
        self._prefix = f"{{{namespace}}}" if namespace else ""
        self._steps: dict[str, tuple[str, ...]] = {}

    @classmethod
    def of(cls, element: etree._Element) -> Reader:
        """The shared reader for ``element``'s namespace (its path cache outlives one record)."""
        namespace: str | None = etree.QName(element).namespace
        return _reader(namespace)

    def steps(self, path: str) -> tuple[str, ...]:
        """``"akaList/aka"`` as qualified tag names, computed once per path."""
        steps = self._steps.get(path)
        if steps is None:
            steps = self._steps[path] = tuple(self._prefix + step for step in path.split("/"))
        return steps

    def text(self, parent: etree._Element, path: str) -> str | None:
        """The stripped text at ``path``; None when absent, empty or OFAC's ``-0-``."""
        found = self.find(parent, path)
        return own_text(found) if found is not None else None

    def find(self, parent: etree._Element, path: str) -> etree._Element | None:
        steps = self.steps(path)
        if len(steps) == 1:
            found: etree._Element | None = next(parent.iterchildren(steps[0]), None)
            return found
        level = self.all(parent, path)
        return level[0] if level else None

    def all(self, parent: etree._Element, path: str) -> list[etree._Element]:
        """Every element along ``path`` below ``parent``, in document order."""
        level: list[etree._Element] = [parent]
        for step in self.steps(path):
            level = [child for element in level for child in element.iterchildren(step)]
        return level


@lru_cache(maxsize=8)
def _reader(namespace: str | None) -> Reader:
    return Reader(namespace)


def own_text(element: etree._Element) -> str | None:
    """An element's own stripped text; None when empty or OFAC's ``-0-``."""
    text: str | None = element.text
    return empty_to_none(text)


def local_name(element: etree._Element) -> str:
    """The tag without its ``{namespace}``; string work, as QName is slow on a million elements."""
    tag: str = element.tag
    return tag.rpartition("}")[2]


# -- recognising files -------------------------------------------------------------------------

_ROOT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s[^>]*)?)/?>", re.S)
_SKIPPED = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)
_DEFAULT_NS = re.compile(r"""\sxmlns\s*=\s*["']([^"']*)["']""")


def head_text(head: bytes) -> str:
    """Decode a file's first bytes for sniffing, whatever its byte order mark says."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff_root(head: bytes) -> tuple[str, str] | None:
    """The root element's local name and default namespace, read from a file's head; None if absent."""
    data = head_text(head).encode("utf-8")
    position = 0
    while match := _SKIPPED.match(data, position):
        if match.end() == position:
            break
        position = match.end()
    match = _ROOT.match(data, position)
    if match is None:
        return None
    namespace = _DEFAULT_NS.search(match.group(2).decode("utf-8"))
    return match.group(1).decode("utf-8"), namespace.group(1) if namespace else ""


def source_for(path: Path) -> str:
    """OFAC names the non-SDN files CONSOLIDATED.XML and CONS_ADVANCED.XML; everything else is the SDN list."""
    return CONS_SOURCE if "cons" in path.name.lower() else SDN_SOURCE


def claim_files(
    paths: Sequence[Path],
    format_key: str,
    recognise: Callable[[bytes], bool],
    published: Callable[[bytes], str | None],
) -> list[ListFile]:
    """One ListFile per file whose head ``recognise`` accepts, dated from the same head."""
    claimed: list[ListFile] = []
    for path in paths:
        head = sniff(path)
        if recognise(head):
            claimed.append(
                ListFile(format=format_key, source=source_for(path), paths=[path], publisher_date=published(head))
            )
    return claimed


# -- labels ------------------------------------------------------------------------------------

_REMARK_LABELS = frozenset(label.lower() for label in LABELS)
_QUALIFIER = re.compile(r"\s*(?:\([^()]*\)|-\s*\S+)$")


def reads_as_remark(label: str) -> bool:
    """Whether the CSV label table reads ``label value`` with the label ending where the XML's does.

    Remarks have no delimiter between label and value, so the table matches the
    longest label it knows. For an XML label it does not know but that starts
    with one it does ("Registration Number X"), the rest of the label would be
    read as the value; such labels are filed by their own name instead.
    """
    lowered = label.lower().rstrip(" :-")
    if lowered in _REMARK_LABELS or _QUALIFIER.sub("", lowered) in _REMARK_LABELS:
        return True
    return not any(lowered.startswith(known + " ") for known in _REMARK_LABELS)


def labelled_piece(
    label: str, value: str, country_name: str | None = None, issued: str | None = None, expires: str | None = None
) -> str:
    """A labelled value written as the CSV edition writes it in remarks: ``Passport A1 (Iran) expires 24 Apr 2017``."""
    parts = [label, value, f"({country_name})" if country_name else None, _dates_note(issued, expires)]
    return " ".join(part for part in parts if part)


def _dates_note(issued: str | None, expires: str | None) -> str | None:
    parts = [f"issued {issued}" if issued else None, f"expires {expires}" if expires else None]
    return " ".join(part for part in parts if part) or None


def apply_labelled(
    entity: Entity,
    label: str,
    value: str,
    country_name: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> list[Identifier]:
    """File one labelled fact on the entity exactly as the CSV edition files the same words.

    SDN.XML's ``idList`` rows and the advanced file's features and documents are
    the pieces of the CSV edition's remarks, structured; reading them through the
    same label table (:func:`~proscribe.sources.ofac_remarks.parse_piece`) makes
    every edition of a list produce the same identifiers and attributes. Labels
    that table does not know become an attribute (sanction notes, dates) or an
    ``OTHER`` identifier keeping the label. Returns the identifiers filed.
    """
    facts = RemarksFacts()
    piece = labelled_piece(label, value, country_name, issued, expires)
    if not (reads_as_remark(label) and parse_piece(facts, piece)):
        if label.rstrip().endswith((":", "-")) or "Date" in label:  # sanction notes and dates describe the listing
            facts.add_attribute(snake_case(label), value)
        else:
            country = country_or_none(country_name)
            note = _dates_note(issued, expires)
            facts.identifiers.append(Identifier(IdType.OTHER, value, country=country, label=label, note=note))
    merge_facts(entity, facts)
    return facts.identifiers


def merge_facts(entity: Entity, facts: RemarksFacts) -> None:
    """Add what a remarks text or labelled piece says to the entity, without repeating what it holds."""
    known = {name.value.casefold() for name in entity.names}
    entity.names.extend(name for name in facts.names if name.value.casefold() not in known)
    entity.birth_dates.extend(date for date in facts.birth_dates if date not in entity.birth_dates)
    for target, values in (
        (entity.birth_places, facts.birth_places),
        (entity.nationalities, facts.nationalities),
        (entity.citizenships, facts.citizenships),
        (entity.titles, facts.titles),
    ):
        for value in values:
            add_unique(target, value)
    entity.gender = facts.gender or entity.gender
    entity.identifiers.extend(item for item in facts.identifiers if item not in entity.identifiers)
    entity.relations.extend(facts.relations)
    for key, values in facts.attributes.items():
        for value in values:
            add_attribute(entity, key, value)
    dates = [date for date in (entity.listed_on, facts.listed_on) if date]
    entity.listed_on = min(dates) if dates else None


def apply_remarks(entity: Entity, text: str | None) -> None:
    """Read a remarks text as the CSV edition does; what no rule reads is kept under ``remarks_unparsed``."""
    if not text:
        return
    inner = text.strip()
    if inner.startswith("(") and inner.endswith(")") and _closes_at_end(inner):
        inner = inner[1:-1]  # SDN.XML wraps its remarks in one parenthesis: "(Linked To: X; Linked To: Y)"
    facts = parse_remarks(inner)
    merge_facts(entity, facts)
    for piece in facts.unparsed:
        add_attribute(entity, "remarks_unparsed", piece)


def _closes_at_end(text: str) -> bool:
    """Whether the opening parenthesis of ``text`` is closed by its last character."""
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def add_attribute(entity: Entity, key: str, value: str) -> None:
    add_unique(entity.attributes.setdefault(key, []), value)


def add_unique(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def country_or_none(name: str | None) -> str | None:
    return country_code(name) if name else None


def address_full(
    street: str | None, city: str | None, region: str | None, postal_code: str | None, country_name: str | None
) -> str | None:
    """The one-line address as OFAC's CSV edition writes it: street, "City, Region Postal", country."""
    place = ", ".join(part for part in (city, region) if part)
    city_line = " ".join(part for part in (place, postal_code) if part)
    return ", ".join(part for part in (street, city_line, country_name) if part) or None


def relation_type(text: str) -> str:
    """A relation label as a stable key: "Owned or Controlled By" -> "owned_or_controlled_by"."""
    return snake_case(text) or "linked_to"


# -- names ---------------------------------------------------------------------------------------


def person_name(last: str | None, given: str | None) -> str | None:
    """OFAC's CSV shape for people, "LAST, Given", so CSV and XML editions name people alike."""
    if last and given:
        return f"{last}, {given}"
    return last or given


def joined(*parts: str | None) -> str | None:
    return " ".join(part for part in parts if part) or None


# -- dates ---------------------------------------------------------------------------------------

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_CIRCA = re.compile(r"^(?:circa|ca\.|approximately|approx\.)\s+", re.I)
_RANGE = re.compile(r"\s+to\s+", re.I)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """A partial ISO date, checked to exist on the calendar."""
    if not 1 <= year <= 9999:
        raise FieldError(f"year {year} is out of range")
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise FieldError(f"month {month} is out of range")
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise FieldError(f"day {day} does not exist in {year:04d}-{month:02d}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def text_point(text: str) -> str | None:
    """'14 Jun 1975', 'Jun 1975' or '1975' as ISO; None for any other shape."""
    parts = text.strip().split()
    try:
        if len(parts) == 1 and parts[0].isdigit():
            return iso_date(int(parts[0]))
        if len(parts) == 2 and parts[0][:3].lower() in _MONTHS and parts[1].isdigit():
            return iso_date(int(parts[1]), _MONTHS[parts[0][:3].lower()])
        if len(parts) == 3 and parts[0].isdigit() and parts[1][:3].lower() in _MONTHS and parts[2].isdigit():
            return iso_date(int(parts[2]), _MONTHS[parts[1][:3].lower()], int(parts[0]))
    except FieldError:
        return None
    return None


def parse_text_date(text: str) -> PartialDate | None:
    """OFAC's written dates: '23 Aug 1964', 'circa 1961', '1951 to 1953'; None if unreadable."""
    cleaned = text.strip().rstrip(".")
    circa = bool(_CIRCA.match(cleaned))
    cleaned = _CIRCA.sub("", cleaned)
    bounds = _RANGE.split(cleaned)
    if len(bounds) > 2:
        return None
    points = [text_point(bound) for bound in bounds]
    if any(point is None for point in points):
        return None
    start, end = points[0], points[1] if len(points) == 2 else None
    return PartialDate(value=start, end=end, circa=circa) if start else None


def written_date(date: PartialDate) -> str:
    """A PartialDate in OFAC's written form ('24 Apr 2017', 'circa 1961', '1984 to 1986'), as remarks say it."""

    def point(iso: str) -> str:
        parts = [int(part) for part in iso.split("-")]
        month = calendar.month_abbr[parts[1]] if len(parts) > 1 else None
        day = f"{parts[2]:02d}" if len(parts) > 2 else None
        return " ".join(part for part in (day, month, f"{parts[0]:04d}") if part)

    text = point(date.value) + (f" to {point(date.end)}" if date.end else "")
    return f"circa {text}" if date.circa else text


def us_date(text: str | None) -> str | None:
    """OFAC's MM/DD/YYYY publication date as ISO; None when absent or malformed."""
    match = _US_DATE.match((text or "").strip())
    if match is None:
        return None
    try:
        return iso_date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except FieldError:
        return None
