"""``POST /transactions/screen``: transactions in, pass / hold / reject / block out, every decision recorded.

The answer per transaction is exactly the line ``proscribe tx screen`` writes,
and recording is the CLI's too (blocked funds into the ledger, alerts for held
transactions, audit events), with the key's principal as the actor. The body
is the CLI's JSON-lines shape with two differences a client will notice:
objects must be nested (the CSV's flattened ``beneficiary_name`` columns are a
file format, not an API one), and an unknown field is refused rather than
ignored with a warning, because a misspelt ``benficiary`` would otherwise
leave the beneficiary unscreened.

Every transaction is parsed while the request is validated, so one bad item
is a 422 naming it before anything is screened or stored.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator

from proscribe.api import metrics
from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.enforcement import BatchRefused
from proscribe.api.keys import Principal
from proscribe.api.models import storable
from proscribe.api.routers.common import errors
from proscribe.api.service import NotReady
from proscribe.enforcement.transactions import MAX_INTERMEDIARIES, Transaction, parse_transaction

router = APIRouter(tags=["Transactions and blocked property"])
analyst = require("analyst")
MAX_TRANSACTIONS = 1000
EXAMPLE: dict[str, Any] = {
    "id": "t1",
    "amount": "1250.00",
    "currency": "USD",
    "date": "2026-11-20",
    "originator": {"name": "Justin Marsh", "country": "US"},
    "beneficiary": {"name": "Isabella Joaquin Torres", "country": "CL", "bank": "Banco de Chile", "bic": "BCHICLRM"},
    "purpose": "rent",
}


Code = Annotated[str, Field(max_length=64), AfterValidator(storable)]
Name = Annotated[str, Field(max_length=500), AfterValidator(storable)]
Long = Annotated[str, Field(max_length=5000), AfterValidator(storable)]
Number = Annotated[str, Field(max_length=40)] | int | float  # digits only, checked by the parser


class TxPartyIn(BaseModel):
    """A party in one role, with the bank that holds its account."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    type: Code | None = Field(None, description="person or organization (or an alias such as company).")
    country: Code | None = Field(None, description="ISO code or English name (UA-CRI for Crimea and the like).")
    address: Long | None = None
    city: Name | None = None
    bank: Name | None = None
    bic: Code | None = None
    account: Name | None = None
    id_number: Name | None = None


class VesselIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    imo: Code | None = None
    flag: Code | None = None


class AircraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    tail: Code | None = None
    flag: Code | None = None


class TransactionIn(BaseModel):
    """One transaction, in the shape ``proscribe tx screen`` reads (see ``proscribe.enforcement.transactions``)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [EXAMPLE]})

    id: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(storable)] = Field(
        description="Your reference: an id screened before is answered from the record, never screened twice."
    )
    kind: Code | None = Field(None, description="payment (default), invoice, purchase_order or securities.")
    amount: Number = Field(description='An exact decimal, best sent as text ("1250.00").')
    currency: Code = Field(description="ISO 4217 code.")
    date: Code = Field(description="YYYY-MM-DD, not in the future.")
    originator: TxPartyIn | None = None
    beneficiary: TxPartyIn | None = None
    ordering_customer: TxPartyIn | None = None
    supplier: TxPartyIn | None = None
    manufacturer: TxPartyIn | None = None
    intermediaries: list[TxPartyIn] | None = Field(None, max_length=MAX_INTERMEDIARIES)
    vessel: VesselIn | None = None
    aircraft: AircraftIn | None = None
    purpose: Long | None = None
    remittance_info: Long | None = None
    goods_description: Long | None = None
    goods_origin: Code | None = None
    goods_location: Name | None = None
    isin: Code | None = None
    quantity: Number | None = Field(None, description="Securities or goods: how many.")

    _parsed: Transaction | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _parse(self) -> Self:
        """The CLI's own checks (amount, currency, date, countries, BICs, ISIN), so the batch is known good."""
        parsed = parse_transaction(self.record(), datetime.date.today())  # TransactionError is a ValueError
        if parsed.warnings:
            raise ValueError(parsed.warnings[0])
        self._parsed = parsed
        return self

    def record(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)

    @property
    def transaction(self) -> Transaction:
        assert self._parsed is not None
        return self._parsed


class TransactionBatchIn(BaseModel):
    """Up to 1,000 transactions, answered in order; all are checked before any is screened."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"transactions": [EXAMPLE]}]}
    )

    transactions: list[TransactionIn] = Field(min_length=1, max_length=MAX_TRANSACTIONS)

    @model_validator(mode="after")
    def _one_content_per_id(self) -> Self:
        """The same id twice is fine (answered alike); with other content it is a mistake the CLI would refuse too."""
        first: dict[str, tuple[str, int]] = {}
        for position, item in enumerate(self.transactions):
            tx = item.transaction
            seen = first.setdefault(tx.id, (tx.content_hash, position))
            if seen[0] != tx.content_hash:
                raise ValueError(
                    f"transactions[{position}]: id {tx.id!r} is also transactions[{seen[1]}], with other content"
                )
        return self


def _request_kind(value: Any) -> str:
    return "batch" if isinstance(value, dict) and "transactions" in value else "single"


TransactionRequest = Annotated[
    Annotated[TransactionBatchIn, Tag("batch")] | Annotated[TransactionIn, Tag("single")],
    Discriminator(_request_kind),
]


class TxHitOut(BaseModel):
    field: str = Field(description="Where the name was found, e.g. beneficiary.name or purpose.")
    entity_id: str
    score: float
    programs: list[str]


class TransactionResultOut(BaseModel):
    """The output line of ``proscribe tx screen``."""

    id: str
    decision: Literal["pass", "hold", "reject", "block"]
    reasons: list[str]
    hits: list[TxHitOut]


class TransactionResultsOut(BaseModel):
    results: list[TransactionResultOut]


@router.post(
    "/transactions/screen",
    response_model=TransactionResultOut | TransactionResultsOut,
    responses=errors(403, 409, 503),
    summary="Screen transactions: pass, hold, reject or block (analyst)",
)
def screen_transactions(
    body: TransactionRequest,
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(analyst)],
) -> Response:
    """Decide each transaction against the current lists and policy, and record it as ``proscribe tx screen`` does.

    `block` puts the funds (or securities, or goods) into the blocked-property ledger, `hold` opens alerts for
    review (`proscribe tx alerts`), `reject` and `block` are reported by `GET /reports/...`; every decision is an
    audit event under the key's name. One transaction (`{"id": ...}`) gets one result; `{"transactions": [...]}`
    gets `{"results": [...]}` in order. An id screened before with the same content is answered from the record
    (nothing is recorded twice); with other content it is a 409. Any invalid item makes the whole request a 422
    naming it, and nothing is stored.
    """
    batch = isinstance(body, TransactionBatchIn)
    items = body.transactions if isinstance(body, TransactionBatchIn) else [body]
    places = [f"transactions[{n}]" for n in range(len(items))] if batch else ["transaction"]
    try:
        lines = context.enforcement.screen(
            [item.transaction for item in items], [item.record() for item in items], principal.actor, places
        )
    except BatchRefused as error:
        raise HTTPException(409, str(error)) from error
    except NotReady as error:
        raise HTTPException(503, str(error), headers={"Retry-After": "5"}) from error
    for line in lines:
        metrics.TRANSACTIONS.labels(decision=line["decision"]).inc()
    return json_response({"results": lines} if batch else lines[0])
