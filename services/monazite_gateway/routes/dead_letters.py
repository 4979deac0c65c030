"""The quarantine: messages that could not be accepted, with the reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["dead letters"])


@router.get("/dead-letters", summary="Quarantined messages, oldest first (cursor: after_id)")
async def list_dead_letters(
    store: ReadStoreDep,
    topic: Annotated[str | None, Query(max_length=249)] = None,
    include_redriven: bool = False,
    after_id: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> OrjsonResponse:
    letters = await store.dead_letters(
        topic=topic, include_redriven=include_redriven, after_id=after_id, limit=limit
    )
    return OrjsonResponse(
        {
            "dead_letters": letters,
            "count": len(letters),
            "next_after_id": letters[-1]["id"] if len(letters) == limit else None,
        }
    )
