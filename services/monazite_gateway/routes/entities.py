"""Entities with their holders, holdings and ultimate controller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["entities"])


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
