"""Downloading official files politely: conditional requests, retries with backoff, atomic replacement.

Publishers' servers are slow and sometimes flaky, and lists are re-fetched
daily: an unchanged file must cost one 304, a transient failure must not
abort the run, and a half-downloaded file must never replace a good one.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from proscribe.fetch.catalog import RemoteFile

RETRY_STATUSES = {429, 500, 502, 503, 504}
Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


class FetchError(Exception):
    """A download that failed for good; the message names the URL and the reason in one line."""


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchedFile:
    remote: RemoteFile
    path: Path
    modified: bool  # False: the server answered 304 and the local copy stands
    validators: Validators
    content_hash: str | None


def mirror_url(url: str, mirror: str | None) -> str:
    """``url`` with scheme and host replaced by ``mirror``'s, the path kept: an internal mirror of the publishers."""
    if not mirror:
        return url
    base = urlsplit(mirror)
    original = urlsplit(url)
    path = base.path.rstrip("/") + original.path
    return urlunsplit((base.scheme, base.netloc, path, original.query, ""))


def fetch_file(
    client: httpx.Client,
    remote: RemoteFile,
    url: str,
    destination: Path,
    known: Validators | None,
    progress: Progress | None = None,
    attempts: int = 4,
    backoff: float = 0.5,
) -> FetchedFile:
    """Fetch ``url`` into ``destination`` unless the server says the local copy is current."""
    headers = {}
    if known and destination.exists():
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
    for attempt in range(1, attempts + 1):
        try:
            return _fetch_once(client, remote, url, destination, headers, known, progress)
        except _Retryable as error:
            if attempt == attempts:
                if isinstance(error, _Offline):
                    host = urlsplit(url).netloc
                    hint = "import a local copy with `proscribe lists import FOLDER`"
                    raise FetchError(f"cannot reach {host} (offline?): {error}; {hint}") from error
                raise FetchError(f"{url}: {error} (gave up after {attempts} attempts)") from error
            time.sleep(backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


class _Retryable(Exception):
    pass


class _Offline(_Retryable):
    pass


def _fetch_once(
    client: httpx.Client,
    remote: RemoteFile,
    url: str,
    destination: Path,
    headers: dict[str, str],
    known: Validators | None,
    progress: Progress | None,
) -> FetchedFile:
    partial = destination.with_name(destination.name + ".part")
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return FetchedFile(remote, destination, False, known or Validators(), None)
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            total = int(response.headers["content-length"]) if "content-length" in response.headers else None
            digest = hashlib.sha256()
            received = 0
            destination.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress:
                        progress(remote.filename, received, total)
            if total is not None and received != total:
                raise _Retryable(f"connection closed after {received} of {total} bytes")
            validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
    except httpx.ConnectError as error:
        partial.unlink(missing_ok=True)
        raise _Offline(str(error) or "connection failed") from error
    except (httpx.TransportError, _Retryable) as error:
        partial.unlink(missing_ok=True)
        raise _Retryable(str(error) or type(error).__name__) from error
    os.replace(partial, destination)
    return FetchedFile(remote, destination, True, validators, digest.hexdigest())
