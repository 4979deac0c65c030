"""Deal assessments, alerts and policy events."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Path, Query

from monazite_core.events import AlertKind
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["deals, alerts and policies"])

IdentifierPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$", max_length=200)]
Limit = Annotated[int, Query(ge=1, le=1000)]
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
async def list_deals(
    store: ReadStoreDep,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
    triggered: Annotated[bool, Query(description="only deals that trigger a screen")] = False,
    limit: Limit = 100,
) -> OrjsonResponse:
    deals = await store.deals(entity_id=entity_id, triggered_only=triggered, limit=limit)
    return OrjsonResponse({"deals": deals, "count": len(deals)})


@router.get("/deals/{event_id:path}", summary="The assessment of one ownership-changing event")
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
async def list_alerts(
    store: ReadStoreDep,
    kind: AlertKind | None = None,
    market_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    alerts = await store.alerts(kind=kind, market_id=market_id, limit=limit)
    return OrjsonResponse({"alerts": alerts, "count": len(alerts)})


@router.get("/policies", summary="Every policy event accepted, newest first")
async def list_policies(
    store: ReadStoreDep,
    type: PolicyType | None = None,
    jurisdiction: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    types: list[str] = [type] if type else list(get_args(PolicyType))
    policies = await store.policies(types=types, jurisdiction=jurisdiction, limit=limit)
    return OrjsonResponse({"policies": policies, "count": len(policies)})
