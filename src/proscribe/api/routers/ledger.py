"""The blocked-property ledger over HTTP: what is held, and interest, licensed releases and unblocking.

Blocked property names sanctioned owners and what is frozen of theirs, which a
compliance team keeps to itself: reading the ledger takes the analyst role,
as alerts do, and a reader key (a system that screens names) sees none of it.
Each change calls the ledger function ``proscribe ledger ...`` calls, with the
key's principal as the actor, so the ledger's rules (no release above the
balance, nothing after unblocking, no date before the last event) and the
audit event are exactly the CLI's.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.keys import Principal
from proscribe.api.models import not_blank, storable
from proscribe.api.routers.common import DAY_PATTERN, errors, parse_day
from proscribe.enforcement import ledger
from proscribe.enforcement.transactions import parse_amount

router = APIRouter(tags=["Transactions and blocked property"])
analyst = require("analyst")
Reference = Annotated[
    str, Path(pattern=r"^([Bb][Pp]-)?[0-9]{1,9}$", description="The property's reference, BP-<number>.")
]
Note = Annotated[str, Field(max_length=2000), AfterValidator(storable)]
Document = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(storable), AfterValidator(not_blank)]


def _number(reference: str) -> int:
    return int(reference.upper().removeprefix("BP-"))


class PropertyOut(BaseModel):
    """Blocked property with its balance, derived from the ledger's entries (never stored)."""

    reference: str
    id: int
    kind: str
    owner_id: str
    owner_name: str
    programs: list[str]
    basis: str
    tx_id: str | None
    blocked_on: str
    account: str
    unit: str = Field(description="The currency, ISIN:<code> for securities, or UNITS for goods.")
    blocked: str
    interest: str
    released: str
    balance: str
    status: str = Field(description="blocked, or unblocked once the owner was delisted.")
    description: str
    location: str | None
    estimated_value: str | None
    value_currency: str | None


class LedgerEventOut(BaseModel):
    event: int
    kind: str
    on: str
    unit: str
    amount: str
    reference: str | None
    note: str | None
    actor: str


class PropertyDetailOut(BaseModel):
    property: PropertyOut
    events: list[LedgerEventOut]


class LedgerCheckOut(BaseModel):
    ok: bool
    problems: list[str]
    properties: int
    events: int
    held: dict[str, str] = Field(description="Per currency or unit: what the blocked accounts hold.")


class LedgerChangeOut(BaseModel):
    reference: str
    kind: str
    balance: str


class _EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    on: str | None = Field(None, pattern=DAY_PATTERN, description="The day it happened (default: today).")
    note: Note | None = None

    @field_validator("on")
    @classmethod
    def _on(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
        if day > datetime.date.today():
            raise ValueError(f"{value} is in the future")
        return value

    def day(self) -> datetime.date:
        return datetime.date.fromisoformat(self.on) if self.on else datetime.date.today()


class _AmountIn(_EventIn):
    amount: Annotated[str, Field(max_length=40)] | int | float = Field(description='An exact decimal, e.g. "1250.00".')

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if self.value() <= 0:  # parse_amount's TransactionError is a ValueError: a 422 naming the amount
            raise ValueError("amount: must be greater than zero")
        return self

    def value(self) -> Decimal:
        return parse_amount(self.amount, "amount")


class InterestIn(_AmountIn):
    """Interest credited to blocked funds."""


class ReleaseIn(_AmountIn):
    """Part or all of the property released under an OFAC licence."""

    licence: Document = Field(description="The OFAC licence authorising the release.")


class UnblockIn(_EventIn):
    """The whole remaining balance unblocked after the owner was delisted; the record closes."""

    notice: Document = Field(description="The delisting, e.g. the Federal Register notice.")


@router.get("/ledger", response_model=list[PropertyOut], responses=errors(403), summary="Blocked property (analyst)")
def properties(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    as_of: Annotated[str | None, Query(pattern=DAY_PATTERN, description="Balances at the end of that day.")] = None,
) -> Response:
    """Every blocked property, oldest first, with its balance (as of a day, if given) and status."""
    day = parse_day(as_of, "as_of")
    with context.engine.connect() as connection:
        return json_response(ledger.list_properties(connection, day))


@router.get("/ledger/check", response_model=LedgerCheckOut, responses=errors(403), summary="Prove the ledger (analyst)")
def check(context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(analyst)]) -> Response:
    """Balanced events, blocked accounts = blocked + interest - released, nothing negative; `ok` says whether."""
    with context.engine.connect() as connection:
        result = ledger.check(connection)
    held = {unit: str(amount) for unit, amount in result.held.items()}
    body = {"ok": result.ok, "problems": result.problems, "properties": result.properties, "events": result.events}
    return json_response({**body, "held": held})


@router.get(
    "/ledger/{reference}",
    response_model=PropertyDetailOut,
    responses=errors(403, 404),
    summary="One property (analyst)",
)
def property_detail(
    reference: Reference, context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(analyst)]
) -> Response:
    """The property with its balance, and every ledger event it had, with who recorded it."""
    number = _number(reference)
    with context.engine.connect() as connection:
        events = ledger.history(connection, number)
        found = next(p for p in ledger.list_properties(connection) if p["id"] == number)
    return json_response({"property": found, "events": events})


def _change(
    context: ApiContext, principal: Principal, reference: str, kind: str, amount: Decimal | None, body: _EventIn,
    document: str | None,
) -> LedgerChangeOut:  # fmt: skip
    number = _number(reference)
    balance = ledger.add_event(
        context.engine, number, kind, amount, body.day(), document, body.note or None, principal.actor
    )
    return LedgerChangeOut(reference=ledger.reference(number), kind=kind, balance=str(balance))


CHANGE_ERRORS: dict[int | str, dict[str, Any]] = errors(403, 404, 409)


@router.post(
    "/ledger/{reference}/interest", response_model=LedgerChangeOut, responses=CHANGE_ERRORS,
    summary="Credit interest to blocked funds (analyst)",
)  # fmt: skip
def interest(
    reference: Reference,
    body: InterestIn,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
) -> LedgerChangeOut:
    """Interest the blocked account earned; blocked funds only. Answers the new balance."""
    return _change(context, principal, reference, "interest", body.value(), body, None)


@router.post(
    "/ledger/{reference}/release", response_model=LedgerChangeOut, responses=CHANGE_ERRORS,
    summary="Release under a licence (analyst)",
)  # fmt: skip
def release(
    reference: Reference,
    body: ReleaseIn,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
) -> LedgerChangeOut:
    """Release part or all of the balance under the OFAC licence named; never more than the balance."""
    return _change(context, principal, reference, "release", body.value(), body, body.licence.strip())


@router.post(
    "/ledger/{reference}/unblock", response_model=LedgerChangeOut, responses=CHANGE_ERRORS,
    summary="Unblock after delisting (analyst)",
)  # fmt: skip
def unblock(
    reference: Reference,
    body: UnblockIn,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
) -> LedgerChangeOut:
    """Unblock the whole remaining balance after the owner was delisted; the record then takes no more events."""
    return _change(context, principal, reference, "unblock", None, body, body.notice.strip())
