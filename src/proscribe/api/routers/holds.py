"""Held transactions over HTTP: the review queue, one screening as recorded, and the analyst's resolution.

A ``hold`` waits for a person, and until now that person needed a shell on the
server (``proscribe tx alerts``, ``tx show``, ``tx resolve``). These handlers
give a case-management front end the same work under the analyst role: the
screening and the resolution are read and written by the functions the CLI
calls (``proscribe.enforcement.review``), with the key's principal as the
actor, so the rules (only an unresolved hold can be resolved, once; a block
puts the funds into the ledger under the confirmed hit's owner) and the audit
events are exactly the CLI's.

The queue lists held *transactions*, not alerts: a payment is released or
stopped as a whole, and a hold the policy chose for a place rather than a name
has no alert at all yet still waits for review.

Transaction ids are the client's own references and often contain ``/``
(``2026/11/0017``), so the id takes the rest of the path; ``/transactions/holds``
is declared first and therefore names the queue, never a transaction.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.keys import Principal
from proscribe.api.models import not_blank, storable
from proscribe.api.routers.common import errors
from proscribe.api.routers.transactions import TransactionResultOut, TxHitOut
from proscribe.enforcement import review

router = APIRouter(tags=["Transactions and blocked property"])
analyst = require("analyst")
TxId = Annotated[
    str,
    Path(min_length=1, max_length=255, description="The transaction's id as screened (it may contain '/')."),
    AfterValidator(storable),
]
Note = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(storable), AfterValidator(not_blank)]
Resolution = Literal["pass", "reject", "block"]
HoldStatus = Literal["open", "resolved", "all"]


class ResolutionOut(BaseModel):
    """An analyst's resolution of a held transaction, as ``proscribe tx show`` reports it."""

    decision: Resolution = Field(description="pass (released), reject, or block (into the ledger).")
    on: str = Field(description="The business day of the resolution.")
    note: str
    property: str | None = Field(description="The blocked property's reference (BP-<number>) for a block.")
    by: str = Field(description="Who resolved it: api-key:NAME, or the user at the command line.")


class HoldOut(BaseModel):
    """A held transaction: what was screened, why it was held, and whether it has been resolved."""

    id: str
    kind: str
    amount: str
    currency: str
    decided_on: str = Field(description="The business day it was screened and held.")
    held_at: str = Field(description="When it was screened (UTC).")
    origin: str = Field(description="api, or file:line for a file screened with proscribe tx screen.")
    reasons: list[str]
    hits: list[TxHitOut]
    status: Literal["open", "resolved"]
    resolution: ResolutionOut | None


class HoldPageOut(BaseModel):
    holds: list[HoldOut]
    total: int


class TxAlertOut(BaseModel):
    """One hit of a held transaction, with the action the policy takes if it is confirmed."""

    model_config = ConfigDict(extra="allow")

    id: int
    tx_id: str
    field: str
    entity_id: str
    caption: str
    score: float
    if_confirmed: str
    rule: str
    status: str = Field(description="open, true-match or false-positive.")
    explanation: dict[str, Any]


class ScreeningOut(BaseModel):
    """One transaction's recorded screening: the shape ``proscribe tx show --json`` prints."""

    transaction: dict[str, Any] = Field(description="The transaction as screened (canonical form).")
    decision: Literal["pass", "hold", "reject", "block"]
    decided_on: str
    output: TransactionResultOut = Field(description="The answer it got: id, decision, reasons, hits.")
    origin: str
    policy: str = Field(description="The fingerprint of the policy it was decided under.")
    alerts: list[TxAlertOut]
    resolution: ResolutionOut | None


class ResolveIn(BaseModel):
    """How the analyst resolves the held transaction, and why."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"as": "block", "note": "beneficiary confirmed as the SDN-listed bank"}]},
    )

    as_: Resolution = Field(
        alias="as", description="pass releases it, reject refuses it, block puts the funds into the ledger."
    )
    note: Note = Field(description="Why: required, recorded with the resolution and in the audit trail.")


@router.get(
    "/transactions/holds", response_model=HoldPageOut, responses=errors(403), summary="Held transactions (analyst)"
)
def holds(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    status: Annotated[HoldStatus, Query(description="open (awaiting review), resolved, or all.")] = "open",
    resolution: Annotated[Resolution | None, Query(description="Only those resolved this way.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Held transactions, oldest first, a page at a time: the queue `proscribe tx alerts` shows by alert."""
    with context.engine.connect() as connection:
        found, total = review.list_holds(connection, status, resolution, limit, offset)
    return json_response({"holds": found, "total": total})


@router.get(
    "/transactions/{tx_id:path}",
    response_model=ScreeningOut,
    responses=errors(403, 404),
    summary="One screened transaction (analyst)",
)
def screening(
    tx_id: TxId, context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(analyst)]
) -> Response:
    """The transaction as screened, its decision with reasons and hits, its alerts, and its resolution if any."""
    with context.engine.connect() as connection:
        return json_response(review.show(connection, tx_id))


@router.post(
    "/transactions/{tx_id:path}/resolve",
    response_model=HoldOut,
    responses=errors(403, 404, 409),
    summary="Resolve a held transaction: pass, reject or block (analyst)",
)
def resolve(
    tx_id: TxId,
    body: ResolveIn,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
) -> Response:
    """Release, reject or block a held transaction as `proscribe tx resolve` does, under the key's name.

    `pass` closes its alerts as false positives; `reject` and `block` as true matches, and `block` puts the
    funds (or securities, or goods) into the blocked-property ledger under the owner of the confirmed hit.
    The answer is the hold as `GET /transactions/holds` lists it, now resolved. A transaction that was not
    held, or is resolved already, is a 409 and nothing changes.
    """
    review.resolve(context.engine, tx_id, body.as_, body.note, principal.actor)
    with context.engine.connect() as connection:
        found = review.held(connection, tx_id)
    if found is None:  # pragma: no cover - resolve() refuses a transaction that was not held
        raise HTTPException(404, f"no held transaction {tx_id!r}")
    return json_response(found)
