"""``lists update``: fetch each source's official files, then import them as a new edition.

The download validators (ETag, Last-Modified) are recorded only after the
import commits, so a download whose import failed is fetched and tried
again next time instead of being taken as current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, delete, insert, select

from proscribe.fetch.catalog import SourceInfo, catalog
from proscribe.fetch.download import FetchedFile, FetchError, Progress, Validators, fetch_file, mirror_url
from proscribe.sources.detect import scan
from proscribe.store.importer import EditionSummary, import_lists
from proscribe.store.queries import current_edition_ids
from proscribe.store.schema import download_state

USER_AGENT = "proscribe (sanctions screening; list update)"


@dataclass(slots=True)
class UpdateResult:
    source: str
    files: list[FetchedFile] = field(default_factory=list)
    editions: list[EditionSummary] = field(default_factory=list)
    up_to_date: bool = False


def select_sources(keys: Sequence[str]) -> list[SourceInfo]:
    known = catalog()
    if not keys:
        return [s for s in known.values() if s.default]
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise FetchError(f"unknown list {unknown[0]!r}; known: {', '.join(known)}")
    return [known[k] for k in keys]


def update_sources(
    engine: Engine,
    downloads_dir: Path,
    sources: Sequence[SourceInfo],
    mirror: str | None = None,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    actor: str | None = None,
) -> list[UpdateResult]:
    """Fetch each source and import what changed; the imports are audited under ``actor`` (default: the
    operating-system user), so an update asked for over HTTP names the API key, not the server's account."""
    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(60.0, connect=15.0), follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    try:
        return [_update_one(engine, downloads_dir / s.key, s, mirror, progress, http, actor) for s in sources]
    finally:
        if own_client:
            http.close()


def _update_one(
    engine: Engine,
    folder: Path,
    source: SourceInfo,
    mirror: str | None,
    progress: Progress | None,
    http: httpx.Client,
    actor: str | None,
) -> UpdateResult:
    result = UpdateResult(source.key)
    known = _known_validators(engine, [mirror_url(f.url, mirror) for f in source.files])
    for remote in source.files:
        url = mirror_url(remote.url, mirror)
        result.files.append(fetch_file(http, remote, url, folder / remote.filename, known.get(url), progress))
    with engine.connect() as connection:
        has_edition = source.key in current_edition_ids(connection)
    if has_edition and not any(f.modified for f in result.files):
        result.up_to_date = True
        return result
    found = scan([folder / f.remote.filename for f in result.files], source=source.key)
    result.editions = import_lists(engine, found.lists, actor=actor)
    _record_validators(engine, {mirror_url(f.remote.url, mirror): f for f in result.files if f.modified})
    return result


def _known_validators(engine: Engine, urls: list[str]) -> dict[str, Validators]:
    with engine.connect() as connection:
        rows = connection.execute(select(download_state).where(download_state.c.url.in_(urls)))
        return {row.url: Validators(row.etag, row.last_modified) for row in rows}


def _record_validators(engine: Engine, fetched: dict[str, FetchedFile]) -> None:
    if not fetched:
        return
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(delete(download_state).where(download_state.c.url.in_(list(fetched))))
        connection.execute(
            insert(download_state),
            [
                {
                    "url": url,
                    "etag": f.validators.etag,
                    "last_modified": f.validators.last_modified,
                    "content_hash": f.content_hash,
                    "fetched_at": now,
                }
                for url, f in fetched.items()
            ],
        )
