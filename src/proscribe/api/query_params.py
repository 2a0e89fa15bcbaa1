"""Refusing a query parameter given twice where the operation takes one value.

Frameworks quietly keep the last of ``?party=a&party=b``; a screening service
should not guess which value the caller meant. Parameters declared as lists
(yente's ``include_dataset`` and the like) may repeat.
"""

from __future__ import annotations

from typing import Any, Union, get_args, get_origin

from fastapi import HTTPException, Request
from fastapi.routing import APIRoute

_SEQUENCES = (list, tuple, set, frozenset)


def _takes_many(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in _SEQUENCES:
        return True
    if origin is Union or str(origin) == "<class 'types.UnionType'>":
        return any(_takes_many(arg) for arg in get_args(annotation) if arg is not type(None))
    return False


def _query_fields(dependant: Any) -> list[Any]:
    """The query parameters of an operation, its sub-dependencies' included."""
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields += _query_fields(sub)
    return fields


async def reject_repeated_scalars(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = {key for key in keys if keys.count(key) > 1}
    if not repeated:
        return
    single = {f.alias for f in _query_fields(route.dependant) if not _takes_many(f.field_info.annotation)}
    clash = sorted(repeated & single)
    if clash:
        raise HTTPException(status_code=422, detail=f"query parameter {clash[0]!r} is given more than once")
