"""The news review queue: candidates the extractor was not sure enough of to publish."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import CursorQuery, Limit, decode_cursor, page
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.postgres.news_store import NewsStore

router = APIRouter(prefix="/v1", tags=["review"])


@router.get("/review", summary="News candidates waiting for review, oldest first")
async def list_review(
    request: Request,
    store: ReadStoreDep,
    status: Annotated[
        Literal["pending", "approved", "rejected", "all"],
        Query(description="entries in this state (`all` for every entry)"),
    ] = "pending",
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    """Each entry: `id` (for `monazite review approve|reject ID`), `event_id`, `type`,
    `confidence`, `status`, `reason`, `queued_at`, `decided_at`, the extractor's `candidate`
    envelope, every article (`sources`) that reported the fact and, once approved, the
    reviewer's `corrections` (the fields set or cleared, or null) and `published_event_id` (the
    id the event was published under: derived again from corrected fields)."""
    after = decode_cursor(cursor, int)
    entries = await NewsStore(store.pool).reviews(
        status=None if status == "all" else status,
        after_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(request, entries, key="review", limit=limit, cursor_of=lambda e: [e["id"]])
