"""Who is calling, and may they: API keys from the Authorization header, roles, and per-key rate limits.

Clients send ``Authorization: Bearer KEY``; clients written for yente send
``Authorization: ApiKey KEY`` (and some send the bare key), so all three are
read. Looking a key up costs a database query, so each worker remembers the
answer for a few seconds: a revoked key stops working within that time, and a
busy client costs one query per few seconds, not one per request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import Engine

from proscribe.api.keys import ROLES, Principal, hash_key, lookup

KEY_CACHE_SECONDS = 5.0
KEY_CACHE_SIZE = 10_000
SCHEMES = ("bearer", "apikey")


def presented_key(header: str | None) -> str | None:
    """The key in an Authorization header value (``Bearer K``, ``ApiKey K`` or ``K``), or None."""
    if not header:
        return None
    parts = header.strip().split()
    if len(parts) == 2 and parts[0].lower() in SCHEMES:
        return parts[1]
    if len(parts) == 1 and parts[0].lower() not in SCHEMES:
        return parts[0]
    return None


class KeyCache:
    """Principals by key hash, each remembered for ``ttl`` seconds (unknown keys too, so junk costs little)."""

    def __init__(self, engine: Engine, ttl: float = KEY_CACHE_SECONDS, size: int = KEY_CACHE_SIZE) -> None:
        self.engine = engine
        self.ttl = ttl
        self.size = size
        self._known: dict[str, tuple[Principal | None, float]] = {}

    def principal(self, key: str, now: float | None = None) -> Principal | None:
        now = time.monotonic() if now is None else now
        digest = hash_key(key)
        cached = self._known.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self.engine.connect() as connection:
            found = lookup(connection, key)
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[digest] = (found, now + self.ttl)
        return found

    def forget(self) -> None:
        """Drop every remembered answer (after this worker created or revoked a key)."""
        self._known.clear()


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, name: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one will."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def current_principal(request: Request) -> Principal:
    """The caller the middleware authenticated; a route reached without one is a wiring bug, never a 200."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise HTTPException(401, "an API key is required", headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that lets through callers whose role is ``role`` or above, and answers 403 to others."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(request: Request) -> Principal:  # async: a plain def would cost a thread hop
        principal = current_principal(request)
        if not principal.can(role):
            raise HTTPException(403, f"this needs the {role} role; the key {principal.name!r} is {principal.role}")
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency
