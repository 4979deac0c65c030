"""Markets and their current concentration indices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from monazite_core.events import Basis, Measure, Stage
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.postgres.read_store import IndexFilter

router = APIRouter(prefix="/v1", tags=["indices"])

SlugQuery = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
PeriodQuery = Annotated[int | None, Query(ge=1900, le=2200)]
MarketIdPath = Annotated[
    str, Path(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z]+$", max_length=200)
]


@router.get(
    "/markets", summary="Every market with an index, and the years, measures and bases it has"
)
async def list_markets(store: ReadStoreDep) -> OrjsonResponse:
    markets = await store.markets()
    return OrjsonResponse({"markets": markets, "count": len(markets)})


@router.get("/indices", summary="All current index values, filterable")
async def list_indices(
    store: ReadStoreDep,
    commodity: SlugQuery = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    basis: Basis | None = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
) -> OrjsonResponse:
    rows = await store.indices(
        IndexFilter(
            commodity=commodity,
            element_group=element_group,
            stage=stage,
            basis=basis,
            period=period,
            measure=measure,
        )
    )
    return OrjsonResponse({"indices": rows, "count": len(rows)})


@router.get("/indices/{market_id}", summary="Current figures of one market on every basis")
async def get_market_indices(
    store: ReadStoreDep,
    market_id: MarketIdPath,
    basis: Basis | None = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
) -> OrjsonResponse:
    rows = await store.indices(
        IndexFilter(market_id=market_id, basis=basis, period=period, measure=measure)
    )
    if not rows and not await store.market_exists(market_id):
        raise Problem(404, "Not found", f"no market {market_id!r}", field="market_id")
    head = rows[0] if rows else {}
    return OrjsonResponse(
        {
            "market_id": market_id,
            "commodity": head.get("commodity"),
            "element_group": head.get("element_group"),
            "stage": head.get("stage"),
            "series": [
                {
                    k: v
                    for k, v in r.items()
                    if k not in ("market_id", "commodity", "element_group", "stage")
                }
                for r in rows
            ],
        }
    )
