"""`GET /v1/stream`: index changes, deal assessments and alerts as server-sent events."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from monazite_core.events import Basis
from monazite_gateway.deps import SettingsDep
from monazite_gateway.problems import Problem
from monazite_gateway.routes.indices import MARKET_ID_PATTERN
from monazite_gateway.streaming import StreamFilter, StreamHub

router = APIRouter(prefix="/v1", tags=["stream"])

StreamKind = Literal["index_changed", "deal_assessed", "alert_raised", "chain_changed"]
MarketId = Annotated[str, Query(pattern=MARKET_ID_PATTERN, max_length=200)]


@router.get(
    "/stream",
    summary="Live index changes, deal assessments and alerts (server-sent events), resumable",
    description="Each event's `id` is its place in the stream: reconnecting with"
    " `Last-Event-ID` (browsers do it on their own) resumes right after it, with no gap and no"
    " duplicate. `since=0` starts from the first item ever; with neither, from now. A comment"
    " line is sent whenever nothing else was for the heartbeat interval.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream(
    request: Request,
    settings: SettingsDep,
    market_id: Annotated[list[MarketId] | None, Query()] = None,
    kind: Annotated[list[StreamKind] | None, Query()] = None,
    basis: Annotated[list[Basis] | None, Query()] = None,
    since: Annotated[int | None, Query(ge=0, description="resume after this id")] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    hub: StreamHub = request.app.state.stream_hub
    after = since
    if last_event_id is not None and last_event_id.strip():
        if not last_event_id.strip().isdigit():
            raise Problem(
                422,
                "Invalid request",
                f"Last-Event-ID: expected the id of a stream event, got {last_event_id!r}",
                field="Last-Event-ID",
            )
        after = int(last_event_id)
    if after is not None and after > hub.head and after > await hub.newest():
        field = "Last-Event-ID" if last_event_id else "since"
        raise Problem(
            422,
            "Invalid request",
            f"{field}: {after} is beyond the newest stream event ({hub.head}): an id from"
            " another deployment?",
            field=field,
        )
    wanted = StreamFilter(
        kinds=frozenset(kind) if kind else None,
        markets=frozenset(market_id) if market_id else None,
        bases=frozenset(basis) if basis else None,
    )
    return StreamingResponse(
        hub.frames(wanted, after=after, heartbeat_s=settings.stream_heartbeat_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
