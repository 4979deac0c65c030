"""How an index got where it is: its series of values, and the change decomposed by event."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from monazite_core.events import Basis, Measure
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import (
    CursorQuery,
    FromQuery,
    ToQuery,
    check_range,
    decode_cursor,
    page,
)
from monazite_gateway.problems import Problem
from monazite_gateway.read_cache import cached_read
from monazite_gateway.responses import OrjsonResponse
from monazite_gateway.routes.indices import MarketIdPath, PeriodQuery
from monazite_infra.postgres.read_store import TimeRange

router = APIRouter(prefix="/v1", tags=["indices"])


@router.get(
    "/indices/{market_id}/history",
    summary="Every change of a market's figures, oldest first, with the events that caused it",
)
@cached_read()
async def index_history(
    request: Request,
    store: ReadStoreDep,
    market_id: MarketIdPath,
    basis: Basis | None = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    after_seq: Annotated[int | None, Query(ge=0, description="start after this change")] = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> OrjsonResponse:
    check_range(from_, to)
    after = decode_cursor(cursor, int)
    rows = await store.index_history(
        market_id,
        basis=basis,
        period=period,
        measure=measure,
        occurred=TimeRange(from_, to),
        after_seq=after[0] if after else after_seq,
        limit=limit + 1,
    )
    if (
        not rows
        and after is None
        and after_seq is None
        and not await store.market_exists(market_id)
    ):
        raise Problem(404, "Not found", f"no market {market_id!r}", field="market_id")
    return page(
        request,
        rows,
        key="history",
        limit=limit,
        cursor_of=lambda r: [r["seq"]],
        extra={"market_id": market_id},
    )


@router.get(
    "/indices/{market_id}/explain",
    summary="The change of one index between two valid times, decomposed by the events behind it",
)
@cached_read()
async def explain(
    store: ReadStoreDep,
    market_id: MarketIdPath,
    basis: Basis,
    period: Annotated[int, Query(ge=1900, le=2200)],
    measure: Measure = "production",
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
) -> OrjsonResponse:
    if from_ is not None and to is not None and to < from_:
        raise Problem(422, "Invalid request", "to: must not be before from", field="to")
    rows = await store.index_history(
        market_id, basis=basis, period=period, measure=measure, after_seq=None, limit=100_000
    )
    if not rows:
        raise Problem(
            404,
            "Not found",
            f"no {basis} index for {market_id!r} in {period} ({measure})",
            field="market_id",
        )
    steps = [r for r in rows if _within(r["occurred_at"], from_, to)]
    before = [r for r in rows if from_ is not None and r["occurred_at"] <= from_]
    start_hhi = (
        before[-1]["figures"]["hhi"]
        if before
        else (steps[0]["previous"]["hhi"] if steps and steps[0]["previous"] else 0.0)
    )
    causes = await store.events_by_id(sorted({e for r in steps for e in r["caused_by"]}))
    decomposition = []
    for step in steps:
        previous = step["previous"]["hhi"] if step["previous"] else 0.0
        decomposition.append(
            {
                "change_id": step["change_id"],
                "occurred_at": step["occurred_at"],
                "hhi_before": previous,
                "hhi_after": step["figures"]["hhi"],
                "delta_hhi": round(step["figures"]["hhi"] - previous, 4),
                "events": [_describe(causes.get(e), e) for e in step["caused_by"]],
            }
        )
    end_hhi = steps[-1]["figures"]["hhi"] if steps else start_hhi
    return OrjsonResponse(
        {
            "market_id": market_id,
            "basis": basis,
            "period": period,
            "measure": measure,
            "from": from_,
            "to": to,
            "hhi_from": start_hhi,
            "hhi_to": end_hhi,
            "delta_hhi": round(end_hhi - start_hhi, 4),
            "steps": decomposition,
        }
    )


def _within(when: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or when > start) and (end is None or when <= end)


def _describe(archived: dict[str, Any] | None, event_id: str) -> dict[str, Any]:
    if archived is None:
        return {"event_id": event_id}
    payload = archived["payload"]
    return {
        "event_id": event_id,
        "type": archived["type"],
        "occurred_at": archived["occurred_at"],
        "source": payload.get("source"),
    }
