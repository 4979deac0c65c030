"""The quarantine: messages that could not be accepted, with the reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import CursorQuery, Limit, decode_cursor, page
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["dead letters"])


@router.get("/dead-letters", summary="Quarantined messages, oldest first")
async def list_dead_letters(
    request: Request,
    store: ReadStoreDep,
    topic: Annotated[str | None, Query(max_length=249)] = None,
    include_redriven: bool = False,
    after_id: Annotated[int | None, Query(ge=0, description="start after this dead letter")] = None,
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    after = decode_cursor(cursor, int)
    letters = await store.dead_letters(
        topic=topic,
        include_redriven=include_redriven,
        after_id=after[0] if after else after_id,
        limit=limit + 1,
    )
    return page(request, letters, key="dead_letters", limit=limit, cursor_of=lambda d: [d["id"]])
