"""Markets and their current concentration indices."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from monazite_core import market
from monazite_core.events import Basis, Measure, Stage, figures_document
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.market_state import state_as_of
from monazite_gateway.pagination import CursorQuery, Limit, decode_cursor, page
from monazite_gateway.problems import Problem, require_utc_offsets
from monazite_gateway.read_cache import cached_read
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.postgres.read_store import IndexFilter, MarketFilter, ReadStore

router = APIRouter(prefix="/v1", tags=["indices"])

SlugQuery = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
PeriodQuery = Annotated[int | None, Query(ge=1900, le=2200)]
MARKET_ID_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z]+$"
MarketQuery = Annotated[str | None, Query(pattern=MARKET_ID_PATTERN, max_length=200)]
MarketIdPath = Annotated[str, Path(pattern=MARKET_ID_PATTERN, max_length=200)]


@router.get(
    "/markets", summary="Every market with an index, and the years, measures and bases it has"
)
@cached_read()
async def list_markets(
    request: Request,
    store: ReadStoreDep,
    commodity: SlugQuery = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    cursor: CursorQuery = None,
    limit: Limit = 500,
) -> OrjsonResponse:
    after = decode_cursor(cursor, str)
    markets = await store.markets(
        MarketFilter(commodity=commodity, element_group=element_group, stage=stage),
        after=after[0] if after else None,
        limit=limit + 1,
    )
    return page(request, markets, key="markets", limit=limit, cursor_of=lambda m: [m["market_id"]])


@router.get("/indices", summary="All current index values, filterable, one page at a time")
@cached_read()
async def list_indices(
    request: Request,
    store: ReadStoreDep,
    commodity: SlugQuery = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    basis: Basis | None = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
    cursor: CursorQuery = None,
    limit: Limit = 500,
) -> OrjsonResponse:
    after = decode_cursor(cursor, str, int, str, str)
    rows = await store.indices(
        IndexFilter(
            commodity=commodity,
            element_group=element_group,
            stage=stage,
            basis=basis,
            period=period,
            measure=measure,
        ),
        after=(after[0], after[1], after[2], after[3]) if after else None,
        limit=limit + 1,
    )
    return page(
        request,
        rows,
        key="indices",
        limit=limit,
        cursor_of=lambda r: [r["market_id"], r["period"], r["measure"], r["basis"]],
    )


@router.get(
    "/indices/{market_id}",
    summary="Figures of one market on every basis: current, or valid at `as_of` as known at"
    " `known_at`",
)
# A time in the past is folded from the archive, which changes by more than the feed says.
@cached_read(never_with=("as_of", "known_at"))
async def get_market_indices(
    store: ReadStoreDep,
    market_id: MarketIdPath,
    basis: Basis | None = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
    as_of: Annotated[
        datetime | None, Query(description="valid time (RFC 3339 with offset); default now")
    ] = None,
    known_at: Annotated[
        datetime | None,
        Query(description="record time: only what the system knew then counts; default now"),
    ] = None,
) -> OrjsonResponse:
    if as_of is not None or known_at is not None:
        return await _as_of(store, market_id, basis, period, measure, as_of, known_at)
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


async def _as_of(
    store: ReadStore,
    market_id: str,
    basis: Basis | None,
    period: int | None,
    measure: Measure | None,
    valid_at: datetime | None,
    known_at: datetime | None,
) -> OrjsonResponse:
    """Bitemporal answer, folded by the same pure core from the archive: only events recorded
    by `known_at`, and of those only the ones that occurred by `as_of` (retractions applied)."""
    require_utc_offsets(as_of=valid_at, known_at=known_at)
    now = datetime.now(UTC)
    state = (await state_as_of(store, valid_at or now, known_at)).state
    series = [
        s
        for s in state.series()
        if s.market_id == market_id
        and (period is None or s.period == period)
        and (measure is None or s.measure == measure)
    ]
    if not series and not await store.market_exists(market_id):
        raise Problem(404, "Not found", f"no market {market_id!r}", field="market_id")
    rows = [
        {"basis": b, "period": s.period, "measure": s.measure, "figures": figures_document(f)}
        for s in sorted(series, key=lambda s: (-s.period, s.measure))
        for b, f in market.figures(state, s).items()
        if basis is None or b == basis
    ]
    head = series[0] if series else None
    return OrjsonResponse(
        {
            "market_id": market_id,
            "commodity": head.commodity if head else None,
            "element_group": head.element_group if head else None,
            "stage": head.stage if head else None,
            "as_of": valid_at or now,
            "known_at": known_at or now,
            "series": rows,
        }
    )
