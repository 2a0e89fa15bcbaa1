"""The wire shapes of yente's ``/match`` endpoint, so clients written for yente work unchanged.

Field names, nesting and defaults follow yente's published request and
response models: a batch of query-by-example entities keyed by the caller's
own ids, answered under ``responses.{key}`` with ``status``, ``results``,
``total`` and the ``query`` as it was understood. Requests accept fields this
service does not use (``weights``, ``config``) so a client that sends them is
not refused.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from proscribe.api.models import MAX_BATCH

PropertyValues = str | list[Any]


class EntityExample(BaseModel):
    """One entity described by example: an FtM schema and its properties, each a list of values."""

    model_config = ConfigDict(populate_by_name=True, strict=True)

    id: str | None = Field(None, max_length=255, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", max_length=64, examples=["Person"])
    properties: dict[str, PropertyValues] = Field(examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}])


class EntityMatchQuery(BaseModel):
    """The body of ``POST /match/{dataset}`` (strict: a ``true`` where a number belongs is refused, not read as 1)."""

    model_config = ConfigDict(strict=True)

    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for yente compatibility; unused.")
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Accepted for yente compatibility; unused."
    )
    queries: dict[str, EntityExample] = Field(
        max_length=MAX_BATCH,
        examples=[{"q1": {"schema": "Company", "properties": {"name": ["Hikvision"], "jurisdiction": ["cn"]}}}],
    )


class FeatureResult(BaseModel):
    """One piece of evidence behind a score: its value and, where it helps, what was compared."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class EntityResponse(BaseModel):
    """A listed entity in FollowTheMoney form."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    features: dict[str, float] = Field(description="Subscores by feature; deprecated in favour of explanations.")
    explanations: dict[str, FeatureResult]
    match: bool = Field(description="Whether the score is at or above the match threshold.")
    token: str | None = None


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class AlgorithmOut(BaseModel):
    name: str
    description: str | None = None


class AlgorithmsOut(BaseModel):
    algorithms: list[AlgorithmOut]
    default: str
    best: str
