"""Enforcement: screen transactions, block or reject them, keep the blocked-property ledger, report to OFAC.

Python API::

    from proscribe.enforcement import screen_transactions
    lines = screen_transactions([{"id": "t1", "amount": "1250.00", "currency": "USD", "date": "2026-11-20",
                                  "originator": {"name": "...", "country": "US"},
                                  "beneficiary": {"name": "...", "country": "CN", "bank": "...", "bic": "..."},
                                  "purpose": "free text"}])
    # -> [{"id": "t1", "decision": "pass" | "hold" | "reject" | "block", "reasons": [...], "hits": [...]}]

Each call records what it decided (ledger, alerts, audit trail), exactly as
``proscribe tx screen`` does; open an :class:`Enforcer` once to screen many
batches without reloading the indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from proscribe.enforcement.policy import DEFAULT_POLICY, Policy
from proscribe.enforcement.screen import Decision, TransactionScreener
from proscribe.enforcement.service import Enforcer, RunStats
from proscribe.enforcement.transactions import Transaction, TransactionError, parse_transaction

__all__ = [
    "DEFAULT_POLICY",
    "Decision",
    "Enforcer",
    "Policy",
    "RunStats",
    "Transaction",
    "TransactionError",
    "TransactionScreener",
    "parse_transaction",
    "screen_transactions",
]


def screen_transactions(
    records: Iterable[Mapping[str, Any]],
    *,
    home: Path | str | None = None,
    actor: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Screen and record transactions against the current lists of ``home``; one output line each."""
    from proscribe.config import resolve_settings
    from proscribe.store.audit import default_actor
    from proscribe.store.db import open_engine

    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    try:
        return Enforcer(settings, engine, actor or default_actor(), today).screen_records(records)
    finally:
        engine.dispose()
