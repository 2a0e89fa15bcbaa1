"""``GET /entities/{id}``, ``GET /lists`` and ``POST /lists/update``: the listed data and its editions.

Reading is a reader's right; fetching new editions changes what every client
is screened against, so it is an admin's, and it is recorded in the audit
trail under the key's name. An update rebuilds the index at once and swaps it
into this worker; the other workers notice the new editions within seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
from fastapi.responses import Response

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.keys import Principal
from proscribe.api.models import EntityOut, IndexOut, ListsOut, ListsUpdateIn, ListsUpdateOut
from proscribe.api.routers.common import errors
from proscribe.api.service import ScreeningService, try_lock
from proscribe.api.yente import entity_response
from proscribe.api.yente_models import EntityResponse
from proscribe.errors import USER_ERRORS
from proscribe.fetch.catalog import catalog
from proscribe.fetch.download import FetchError
from proscribe.fetch.update import UpdateResult, select_sources, update_sources
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.importer import EditionSummary
from proscribe.store.queries import get_entity, list_editions

router = APIRouter(tags=["Lists and entities"])
UPDATE_LOCK = "lists-update.lock"  # in the home folder: one update at a time across every worker process
reader = Depends(require("reader"))


@router.get(
    "/entities/{entity_id}",
    response_model=EntityOut | EntityResponse,
    responses=errors(403, 404),
    dependencies=[reader],
    summary="One listed entity",
)
def entity(
    entity_id: Annotated[str, Path(min_length=1, max_length=255)],
    context: Annotated[ApiContext, Depends(api)],
    format: Annotated[Literal["native", "ftm"], Query(description="native: proscribe's model; ftm: yente's.")] = (
        "native"
    ),
    edition: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Read from this edition.")] = None,
) -> Response:
    """The entity as stored in the current edition of its list (or in ``edition``), with the raw record."""
    with context.engine.connect() as connection:
        found = get_entity(connection, entity_id, edition)
    if found is None:
        where = f"edition {edition}" if edition else "any current list"
        raise HTTPException(404, f"no entity {entity_id!r} in {where}")
    return json_response(entity_response(found) if format == "ftm" else found.to_dict())


def index_info(service: ScreeningService) -> dict[str, Any]:
    snapshot = service.snapshot
    return IndexOut(
        ready=service.ready,
        entities=snapshot.status.entities if snapshot else 0,
        editions=snapshot.editions if snapshot else {},
        loaded_at=snapshot.loaded_at.isoformat() if snapshot else None,
        problem=service.problem,
    ).model_dump()


@router.get("/lists", response_model=ListsOut, responses=errors(403), dependencies=[reader], summary="Loaded lists")
def lists(
    context: Annotated[ApiContext, Depends(api)],
    all: Annotated[bool, Query(description="Every stored edition, not only the current ones.")] = False,
) -> Response:
    """Every list's current edition (or every edition), and the index this worker screens against."""
    known = catalog()
    with context.engine.connect() as connection:
        editions = [e for e in list_editions(connection) if all or e.current]
    rows = []
    for edition in editions:
        info = known.get(edition.source)
        rows.append(
            {**edition.to_dict(), "title": info.title if info else None, "publisher": info.publisher if info else None}
        )
    return json_response({"lists": rows, "index": index_info(context.service)})


def summary(s: EditionSummary) -> dict[str, Any]:
    return {
        "source": s.source,
        "status": s.status,
        "edition": s.edition_id,
        "previous_edition": s.previous_edition_id,
        "entities": s.entity_count,
        "added": s.added,
        "changed": s.changed,
        "removed": s.removed,
    }


def result(r: UpdateResult) -> dict[str, Any]:
    return {"source": r.source, "up_to_date": r.up_to_date, "editions": [summary(s) for s in r.editions]}


@router.post(
    "/lists/update",
    response_model=ListsUpdateOut,
    responses=errors(400, 403, 409, 502),
    summary="Fetch the official lists and import what changed (admin)",
)
def update(
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(require("admin"))],
    body: Annotated[ListsUpdateIn | None, Body()] = None,
) -> Response:
    """Download each list (conditional requests), import new editions, rebuild the index, audit who asked."""
    try:
        sources = select_sources((body or ListsUpdateIn()).lists)
    except FetchError as error:
        raise HTTPException(400, str(error)) from error
    with try_lock(context.settings.store.home / UPDATE_LOCK) as locked:
        if not locked:
            raise HTTPException(409, "a list update is already running")
        return _update(context, principal, [s.key for s in sources], lambda: update_sources(
            context.engine, context.settings.store.downloads_dir, sources, context.settings.lists_mirror,
            actor=principal.actor,
        ))  # fmt: skip


def _update(
    context: ApiContext, principal: Principal, keys: list[str], fetch: Callable[[], list[UpdateResult]]
) -> Response:
    """Run the update, refresh this worker's index, and record the outcome (failed or not) in the audit trail."""
    payload: dict[str, Any] = {"lists": keys}
    failure: HTTPException | None = None
    try:
        payload["results"] = [result(r) for r in fetch()]
    except USER_ERRORS as error:  # a publisher unreachable, or serving a file that is not the list
        payload["error"] = str(error)
        failure = HTTPException(502, f"cannot update the lists: {error}")
    rebuilt = context.service.refresh()  # a new edition was imported (maybe before a failure): swap it in
    payload["index_rebuilt"] = rebuilt
    with write_transaction(context.engine) as connection:
        audit.append(connection, principal.actor, "lists.update", "lists", payload)
    if failure is not None:
        raise failure
    return json_response({"results": payload["results"], "index_rebuilt": rebuilt})
