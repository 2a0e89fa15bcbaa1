"""Request and response shapes of proscribe's own endpoints, as the OpenAPI document publishes them.

Requests are validated strictly (unknown fields, unknown types and countries,
impossible dates are a 422 naming the field) so a client's typo is reported,
never screened as something else. Response models mirror the engine's
screening output contract (``ScreenResult.to_dict()``) field for field; they
document and test the API, while the handlers send the engine's own dicts.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from proscribe.countries import country_code
from proscribe.match.types import parse_schema

MAX_BATCH = 1000
MAX_NAME = 500
MAX_FILTERS = 50
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_DATE = re.compile(DATE_PATTERN)

Algorithm = Literal["default", "ofac"]
# The words for an entity type the engine reads (its aliases included), so clients may keep their own.
EntityType = Literal[
    "person", "individual", "organization", "organisation", "company", "entity", "vessel", "ship", "aircraft"
]  # fmt: skip
ShortText = Annotated[str, Field(min_length=1, max_length=128)]


def check_type(value: str | None) -> str | None:
    """The canonical type word for ``value`` (person, organization, vessel, aircraft); ValueError when unknown."""
    schema = parse_schema(value)
    return schema.value if schema else None


def check_country(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = country_code(value)
    if code is None:
        raise ValueError(f"unknown country {value!r}: give an ISO code (DE) or an English name (Germany)")
    return code


def storable(value: str) -> str:
    """Text every store can hold: PostgreSQL refuses NUL, and a lone surrogate cannot be written as UTF-8."""
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text") from None
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank")
    return value


def check_date(value: str | None) -> str | None:
    """A partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) that exists on the calendar."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    parts = text.split("-")
    if not _DATE.match(text):
        raise ValueError(f"date {value!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
    padded = [int(p) for p in parts] + [1] * (3 - len(parts))
    try:
        date(padded[0], padded[1], padded[2])
    except ValueError:
        raise ValueError(f"date {value!r} is not a calendar date") from None
    return text


class ScreenQuery(BaseModel):
    """One name to screen and the facts that sharpen the match."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=MAX_NAME, description="The name to screen.")
    type: EntityType | None = Field(None, description="person, organization, vessel or aircraft (or an alias).")
    date_of_birth: str | None = Field(None, pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    country: str | None = Field(None, max_length=64, description="Nationality or country: ISO code or name.")
    id_number: str | None = Field(None, max_length=255, description="A passport, tax or registration number.")
    id: str | None = Field(None, max_length=255, description="Your reference, echoed back in the result.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the name is blank")
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        return check_type(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return check_country(value)

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, value: str | None) -> str | None:
        return check_date(value)


class ScreenOptions(BaseModel):
    """How to screen: threshold, number of matches, algorithm and filters."""

    model_config = ConfigDict(extra="forbid", strict=True)

    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Alert threshold (default: the algorithm's).")
    limit: int = Field(10, ge=1, le=100, description="Matches returned per name.")
    algorithm: Algorithm = "default"
    sources: list[ShortText] | None = Field(None, max_length=MAX_FILTERS, description="Only these lists.")
    programs: list[ShortText] | None = Field(None, max_length=MAX_FILTERS, description="Only these programs.")
    schemas: list[EntityType] | None = Field(None, max_length=9, description="Only these entity types.")

    @field_validator("schemas")
    @classmethod
    def _schemas(cls, values: list[str] | None) -> list[str] | None:
        return [str(check_type(v)) for v in values] if values else None


class SingleScreenRequest(ScreenQuery, ScreenOptions):
    """``POST /screen`` with one name."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [{"name": "Hikvision"}]})


class BatchScreenRequest(ScreenOptions):
    """``POST /screen`` with up to 1,000 names, answered in order."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"queries": [{"name": "Hikvision"}, {"name": "Huawei"}]}]},
    )

    queries: list[ScreenQuery] = Field(min_length=1, max_length=MAX_BATCH)


def _request_kind(value: Any) -> str:
    return "batch" if isinstance(value, dict) and "queries" in value else "single"


ScreenRequest = Annotated[
    Annotated[BatchScreenRequest, Tag("batch")] | Annotated[SingleScreenRequest, Tag("single")],
    Discriminator(_request_kind),
]


class FeatureOut(BaseModel):
    name: str
    value: float
    weight: float
    detail: str


class ExplanationOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    matched_name: str
    name_score: float
    summary: str
    features: list[FeatureOut]


class MatchOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entity_id: str
    source: str
    source_id: str
    schema_: str = Field(alias="schema")
    caption: str
    matched_name: str
    score: float
    match: bool
    programs: list[str]
    explanation: ExplanationOut


class ScreenResultOut(BaseModel):
    """The engine's screening output contract for one name."""

    id: str | None
    query: str
    alert: bool
    matches: list[MatchOut]


class BatchScreenResultOut(BaseModel):
    results: list[ScreenResultOut]


class ErrorOut(BaseModel):
    detail: Any = Field(description="What was wrong: a sentence, or the list of invalid fields.")


class StatusOut(BaseModel):
    status: str


class IndexOut(BaseModel):
    ready: bool
    entities: int
    editions: dict[str, int]
    loaded_at: str | None
    problem: str | None = None


class ListOut(BaseModel):
    id: int
    source: str
    title: str | None
    publisher: str | None
    format: str
    content_hash: str
    publisher_date: str | None
    imported_at: str
    files: list[str]
    entity_count: int
    name_count: int
    schema_counts: dict[str, int]
    current: bool


class ListsOut(BaseModel):
    lists: list[ListOut]
    index: IndexOut


class ListsUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    lists: list[ShortText] = Field(default_factory=list, max_length=50, description="Lists to fetch (default: all).")


class EditionOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    source: str
    status: str
    edition: int
    entities: int


class ListUpdateOut(BaseModel):
    source: str
    up_to_date: bool
    editions: list[EditionOut]


class ListsUpdateOut(BaseModel):
    results: list[ListUpdateOut]
    index_rebuilt: bool


class NameOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: str


class EntityOut(BaseModel):
    """A listed entity as proscribe stores it, with the publisher's raw record."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    source: str
    source_id: str
    schema_: str = Field(alias="schema")
    names: list[NameOut]
