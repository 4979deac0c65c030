"""Entities with their holders, holdings and ultimate controller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import CursorQuery, Limit, decode_cursor, page
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["entities"])


@router.get("/entities", summary="Registered entities by id, filterable")
async def list_entities(
    request: Request,
    store: ReadStoreDep,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    controller_id: Annotated[
        str | None, Query(max_length=200, description="only entities this one controls")
    ] = None,
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    after = decode_cursor(cursor, str)
    entities = await store.entities(
        country=country,
        kind=kind,
        controller_id=controller_id,
        after=after[0] if after else None,
        limit=limit + 1,
    )
    return page(
        request, entities, key="entities", limit=limit, cursor_of=lambda e: [e["entity_id"]]
    )


@router.get(
    "/entities/{entity_id}", summary="An entity, who holds it, what it holds, who controls it"
)
async def get_entity(
    store: ReadStoreDep,
    entity_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$", max_length=200)],
) -> OrjsonResponse:
    entity = await store.entity(entity_id)
    if entity is None:
        raise Problem(404, "Not found", f"no entity {entity_id!r}", field="entity_id")
    return OrjsonResponse(entity)
