"""Liveness and readiness: the gateway is alive; ready when broker and database answer."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from monazite_gateway.deps import ReadStoreDep, SettingsDep
from monazite_infra.kafka_admin import broker_reachable

router = APIRouter(tags=["health"])

_BROKER_CHECK_TTL_S = 2.0


@router.get("/healthz", summary="The gateway process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Broker and database reachable")
async def readyz(request: Request, store: ReadStoreDep, settings: SettingsDep) -> JSONResponse:
    checks: dict[str, Any] = {}
    try:
        await asyncio.wait_for(store.ping(), 3.0)
        checks["database"] = "ok"
    except Exception as error:  # any failure means "not ready", with the reason shown
        checks["database"] = f"unreachable: {error}"
    checks["broker"] = (
        "ok" if await _broker_ok(request, settings.require_bootstrap()) else "unreachable"
    )
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def _broker_ok(request: Request, bootstrap: str) -> bool:
    """Cached for a moment: a probe every second must not open a broker connection each time."""
    cached: tuple[float, bool] | None = getattr(request.app.state, "broker_check", None)
    now = time.monotonic()
    if cached and now - cached[0] < _BROKER_CHECK_TTL_S:
        return cached[1]
    ok = await broker_reachable(bootstrap)
    request.app.state.broker_check = (now, ok)
    return ok
