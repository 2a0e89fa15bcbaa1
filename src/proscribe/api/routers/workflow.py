"""Alerts and the counterparty register over HTTP: an analyst's work, every change in the audit trail.

The handlers call the same workflow functions as the CLI, with the key's
principal as the actor, so four-eyes approval, optimistic locking and the
audit events behave exactly as they do for an analyst at the command line.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.keys import Principal
from proscribe.api.models import DATE_PATTERN, EntityType, check_country, check_date, check_type, storable
from proscribe.api.routers.common import errors
from proscribe.workflow.alerts import approve, decide, get_alert, list_alerts
from proscribe.workflow.parties import Party, active_parties, history, import_register

router = APIRouter(tags=["Alerts and parties"])
analyst = require("analyst")
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Note = Annotated[str, Field(max_length=2000), AfterValidator(storable)]
Text = AfterValidator(storable)  # PostgreSQL refuses NUL: refused here with a 422, never a 500 from the store
AlertStatus = Literal["open", "escalated", "pending-approval", "true-match", "false-positive", "superseded"]


class AlertSummaryOut(BaseModel):
    id: int
    status: str
    party_id: str
    entity_id: str
    score: float
    edition: int
    created_at: str
    assignee: str | None
    reason: str


class AlertOut(AlertSummaryOut):
    """One alert with the party and list entry as screened, the explanation, and its history."""

    model_config = ConfigDict(extra="allow")

    decision: str | None
    history: list[dict[str, Any]]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    decision: Literal["true-match", "false-positive", "escalate"]
    note: Note = Field(min_length=1, description="Why: required, recorded in the audit trail.")

    @field_validator("note")
    @classmethod
    def _note(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a decision needs a note saying why")
        return value


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    approve: bool = Field(True, description="false sends the alert back to open.")
    note: Note = ""


class StatusChangeOut(BaseModel):
    id: int
    status: str


class PartyIn(BaseModel):
    """One counterparty, keyed by your own id; the same fields a register file has."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Text] = Field(min_length=1, max_length=255, pattern=r"\S")
    name: Annotated[str, Text] = Field(min_length=1, max_length=500, pattern=r"\S")
    type: EntityType | None = None
    country: Annotated[str, Text] | None = Field(None, max_length=64)
    date_of_birth: str | None = Field(None, pattern=DATE_PATTERN)
    id_number: Annotated[str, Text] | None = Field(None, max_length=255)
    extra: dict[Annotated[str, Field(max_length=64), Text], Annotated[str, Field(max_length=1000), Text]] = Field(
        default_factory=dict, max_length=50
    )

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
        checked = check_date(value)
        if checked and checked[:4] > str(date.today().year):
            raise ValueError(f"date of birth {value!r} is in the future")
        return checked

    def party(self) -> Party:
        return Party(
            self.id.strip(), self.name.strip(), self.type, self.country, self.date_of_birth,
            (self.id_number or "").strip() or None, dict(self.extra),
        )  # fmt: skip


class PartiesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    parties: list[PartyIn] = Field(min_length=1, max_length=1000)


class PartiesOut(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: int


class PartyOut(BaseModel):
    party_id: str
    name: str
    type: str | None
    country: str | None
    date_of_birth: str | None
    id_number: str | None
    extra: dict[str, str]


class PartyPageOut(BaseModel):
    parties: list[PartyOut]
    total: int


class PartyDetailOut(BaseModel):
    party: PartyOut
    active: bool
    history: list[dict[str, Any]]


@router.get("/alerts", response_model=list[AlertSummaryOut], responses=errors(403), summary="Alerts (analyst)")
def alerts(
    context: Annotated[ApiContext, Depends(api)],
    _principal: Annotated[Principal, Depends(analyst)],
    status: Annotated[AlertStatus | None, Query(description="Only alerts with this status.")] = None,
    party: Annotated[str | None, Query(max_length=255, description="Only this party's alerts.")] = None,
) -> Response:
    """Alerts raised by monitoring, oldest first."""
    with context.engine.connect() as connection:
        found = list_alerts(connection, status, party)
    return json_response([a.to_dict() for a in found])


@router.get("/alerts/{alert_id}", response_model=AlertOut, responses=errors(403, 404), summary="One alert (analyst)")
def alert(
    alert_id: AlertId, context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(analyst)]
) -> Response:
    """The alert, the party and list entry as they were screened, the explanation and every change since."""
    with context.engine.connect() as connection:
        return json_response(get_alert(connection, alert_id))


@router.post(
    "/alerts/{alert_id}/decision",
    response_model=StatusChangeOut,
    responses=errors(403, 404, 409),
    summary="Decide an alert (analyst)",
)
def decision(
    alert_id: AlertId,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
    body: DecisionIn,
) -> StatusChangeOut:
    """Record a true match, a false positive or an escalation; with four-eyes on, it awaits approval."""
    status = decide(context.engine, alert_id, body.decision, body.note, principal.actor)
    return StatusChangeOut(id=alert_id, status=status)


@router.post(
    "/alerts/{alert_id}/approval",
    response_model=StatusChangeOut,
    responses=errors(403, 404, 409),
    summary="Approve or reject a proposed decision (analyst, four-eyes)",
)
def approval(
    alert_id: AlertId,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
    body: ApprovalIn,
) -> StatusChangeOut:
    """The second person's word on another analyst's proposed decision."""
    status = approve(context.engine, alert_id, principal.actor, body.note, reject=not body.approve)
    return StatusChangeOut(id=alert_id, status=status)


@router.get("/parties", response_model=PartyPageOut, responses=errors(403), summary="Active parties (analyst)")
def parties(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The register's active parties, by id, a page at a time."""
    with context.engine.connect() as connection:
        found = sorted(active_parties(connection), key=lambda p: p.party_id)
    page = [p.record() for p in found[offset : offset + limit]]
    return json_response({"parties": page, "total": len(found)})


@router.get("/parties/{party_id}", response_model=PartyDetailOut, responses=errors(403, 404), summary="One party")
def party(
    party_id: Annotated[str, Path(min_length=1, max_length=255)],
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
) -> Response:
    """The party's latest version, whether it is still active, and every version it had."""
    with context.engine.connect() as connection:
        versions = history(connection, party_id)
    if not versions:
        raise HTTPException(404, f"no party {party_id!r}")
    latest = versions[-1]
    return json_response({"party": latest["record"], "active": latest["change"] != "removed", "history": versions})


@router.post("/parties", response_model=PartiesOut, responses=errors(403), summary="Add or update parties (analyst)")
def upsert_parties(
    body: PartiesIn, context: Annotated[ApiContext, Depends(api)], principal: Annotated[Principal, Depends(analyst)]
) -> PartiesOut:
    """Store new and changed parties as new versions (monitoring re-screens what changed); nothing is removed."""
    counts = Counter(p.id.strip() for p in body.parties)
    duplicate = next((i for i, n in counts.items() if n > 1), None)
    if duplicate is not None:
        raise HTTPException(422, f"party id {duplicate!r} is given twice")
    done = import_register(context.engine, [p.party() for p in body.parties], principal.actor, "api")
    return PartiesOut(created=done.created, updated=done.updated, unchanged=done.unchanged)
