"""What the pipeline behind the gateway is doing: processor workers, archive and dead letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["health"])

#: A worker that has not written a heartbeat for this long is considered gone.
HEARTBEAT_STALE_AFTER = timedelta(seconds=10)


@router.get("/status", summary="Processor workers, archived events and dead letters")
async def status(store: ReadStoreDep) -> OrjsonResponse:
    now = datetime.now(UTC)
    workers = [
        {
            "instance": w.instance,
            "ready": w.ready,
            "alive": now - w.heartbeat_at < HEARTBEAT_STALE_AFTER,
            "heartbeat_at": w.heartbeat_at,
            # The worker's metrics snapshot is for /metrics, not this summary.
            **{key: value for key, value in w.detail.items() if key != "metrics"},
        }
        for w in await store.service_status("processor")
    ]
    return OrjsonResponse(
        {
            "processor_ready": any(w["ready"] and w["alive"] for w in workers),
            "processor_workers": workers,
            "events_archived": await store.archive_count(),
            "dead_letters": await store.dead_letter_count(),
        }
    )
