"""`GET /metrics`: the gateway's and the processor workers' metrics in one Prometheus scrape."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import asyncpg
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.observability import GatewayMetrics, ProcessorSnapshotCollector, Scrape
from monazite_infra.postgres.read_store import StatusRow

router = APIRouter(tags=["health"])

log = logging.getLogger("monazite.gateway")

_DATABASE_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


class _StatusReadable:
    def __init__(self, readable: bool) -> None:
        self.readable = readable

    def collect(self) -> list[Metric]:
        gauge = GaugeMetricFamily(
            "monazite_processor_status_readable",
            "1 when this scrape could read the processor workers' heartbeats from PostgreSQL.",
        )
        gauge.add_metric([], 1.0 if self.readable else 0.0)
        return [gauge]


@router.get(
    "/metrics",
    summary="Prometheus metrics: gateway requests, processor events, freshness, consumer lag",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(request: Request, store: ReadStoreDep) -> Response:
    gateway: GatewayMetrics = request.app.state.metrics
    workers: list[StatusRow] = []
    readable = True
    try:
        workers = await store.service_status("processor")
    except _DATABASE_ERRORS as error:
        # The gateway's own figures are still worth a scrape while PostgreSQL is away.
        log.warning("processor heartbeats unreadable for /metrics: %s", error)
        readable = False
    scrape = Scrape(
        gateway.registry,
        _StatusReadable(readable),
        ProcessorSnapshotCollector(workers, now=datetime.now(UTC)),
    )
    return Response(generate_latest(scrape), media_type=CONTENT_TYPE_LATEST)
