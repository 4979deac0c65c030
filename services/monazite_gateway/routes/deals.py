"""Deal assessments, alerts and policy events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Path, Query, Request

from monazite_core.events import AlertKind, Basis, Stage
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import (
    CursorQuery,
    FromQuery,
    Limit,
    ToQuery,
    check_range,
    decode_cursor,
    page,
)
from monazite_gateway.problems import Problem
from monazite_gateway.read_cache import cached_read
from monazite_gateway.responses import OrjsonResponse
from monazite_gateway.routes.indices import MarketQuery, SlugQuery
from monazite_infra.postgres.read_store import MarketFilter, TimeRange

router = APIRouter(prefix="/v1", tags=["deals, alerts and policies"])

IdentifierPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$", max_length=200)]
PolicyType = Literal[
    "export_control_imposed",
    "export_control_suspended",
    "export_control_lifted",
    "quota_set",
    "tariff_imposed",
    "funding_awarded",
    "price_floor_set",
]


@router.get("/deals", summary="Deal assessments, newest first")
@cached_read()
async def list_deals(
    request: Request,
    store: ReadStoreDep,
    entity_id: Annotated[
        str | None, Query(max_length=200, description="acquirer or subject")
    ] = None,
    triggered: Annotated[bool, Query(description="only deals that trigger a screen")] = False,
    market_id: MarketQuery = None,
    commodity: SlugQuery = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    check_range(from_, to)
    after = decode_cursor(cursor, datetime, str)
    deals = await store.deals(
        entity_id=entity_id,
        triggered_only=triggered,
        markets=MarketFilter(market_id, commodity, element_group, stage),
        period=TimeRange(from_, to),
        after=(after[0], after[1]) if after else None,
        limit=limit + 1,
    )
    return page(
        request,
        deals,
        key="deals",
        limit=limit,
        cursor_of=lambda d: [d["occurred_at"], d["deal_event_id"]],
    )


@router.get("/deals/{event_id:path}", summary="The assessment of one ownership-changing event")
@cached_read()
async def get_deal(store: ReadStoreDep, event_id: IdentifierPath) -> OrjsonResponse:
    assessment = await store.deal(event_id)
    if assessment is None:
        raise Problem(
            404,
            "Not found",
            f"no deal assessment for event {event_id!r} (not an ownership event, or not"
            " processed yet)",
            field="event_id",
        )
    return OrjsonResponse(assessment)


@router.get("/alerts", summary="Alerts, newest first")
@cached_read()
async def list_alerts(
    request: Request,
    store: ReadStoreDep,
    kind: AlertKind | None = None,
    market_id: MarketQuery = None,
    commodity: SlugQuery = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    basis: Basis | None = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    check_range(from_, to)
    before = decode_cursor(cursor, int)
    alerts = await store.alerts(
        kind=kind,
        markets=MarketFilter(market_id, commodity, element_group, stage),
        basis=basis,
        period=TimeRange(from_, to),
        before_seq=before[0] if before else None,
        limit=limit + 1,
    )
    return page(request, alerts, key="alerts", limit=limit, cursor_of=lambda a: [a["seq"]])


@router.get("/policies", summary="Every policy event accepted, newest first")
async def list_policies(
    request: Request,
    store: ReadStoreDep,
    type: PolicyType | None = None,
    jurisdiction: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    entity_id: Annotated[
        str | None, Query(max_length=200, description="recipient, funder or beneficiary")
    ] = None,
    element_group: SlugQuery = None,
    stage: Stage | None = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    check_range(from_, to)
    after = decode_cursor(cursor, datetime, str)
    types: list[str] = [type] if type else list(get_args(PolicyType))
    policies = await store.policies(
        types=types,
        jurisdiction=jurisdiction,
        entity_id=entity_id,
        element_group=element_group,
        stage=stage,
        period=TimeRange(from_, to),
        after=(after[0], after[1]) if after else None,
        limit=limit + 1,
    )
    return page(
        request,
        policies,
        key="policies",
        limit=limit,
        cursor_of=lambda p: [p["occurred_at"], p["event_id"]],
    )
