"""What operators see of the gateway: Prometheus metrics and a correlation id per request.

A pure ASGI middleware (an open event stream passes through untouched, chunk by chunk):

- takes the request's `X-Request-ID` (or `X-Correlation-ID`) or makes one, returns it as
  `X-Request-ID`, and sets it as the correlation id of every log line written for the request;
- times each request by method, route template (never the raw path: the number of series stays
  bounded) and status class. An event stream is timed to its first byte, when the subscriber is
  connected, not over its lifetime; open streams are counted in the subscribers gauge instead;
- writes one access log line per request.

The metrics live in a registry of the app (`app.state.metrics`), not the process-wide default,
so several apps in one process keep their own figures.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from monazite_infra.logs import correlation_id_var
from monazite_infra.pipeline_metrics import Histogram as SnapshotHistogram
from monazite_infra.pipeline_metrics import PipelineMetrics, parse_metrics
from monazite_infra.postgres.read_store import StatusRow

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("monazite.gateway.access")

REQUEST_ID_HEADER = b"x-request-id"
_INCOMING_ID_HEADERS = (REQUEST_ID_HEADER, b"x-correlation-id")
#: A client's id is kept only if it is short and plain: it goes into logs and Kafka headers.
_ACCEPTABLE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:/@+=-]{0,127}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Probes and scrapes arrive every few seconds: logged at debug, not to drown the requests.
_QUIET_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})
_STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}

LATENCY_BUCKETS_S = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip

#: A worker silent for longer is gone: its figures leave the scrape (its row stays in the table).
PROCESSOR_METRICS_KEPT_S = 60.0
#: A worker counts as alive while its heartbeat is younger than this (as in /v1/status).
PROCESSOR_ALIVE_S = 10.0


class GatewayMetrics:
    """The gateway's own metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_duration = Histogram(
            "monazite_gateway_request_duration_seconds",
            "Time to answer a request (an event stream: time to its first byte), by method,"
            " route template and status class.",
            ["method", "route", "status_class"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.requests_in_flight = Gauge(
            "monazite_gateway_requests_in_flight",
            "Requests being answered now (open event streams excluded: see sse_subscribers).",
            registry=self.registry,
        )
        self.sse_subscribers = Gauge(
            "monazite_gateway_sse_subscribers",
            "Event streams (text/event-stream responses) open now.",
            registry=self.registry,
        )
        # One labelled child per (method, route template, status class): bounded, and looked up
        # without the registry's lock and label checks on every request.
        self._durations: dict[tuple[str, str, str], Histogram] = {}

    def observe_request(self, method: str, route: str, status_class: str, seconds: float) -> None:
        key = (method, route, status_class)
        child = self._durations.get(key)
        if child is None:
            child = self._durations[key] = self.request_duration.labels(*key)
        child.observe(seconds)


def install_observability(app: FastAPI) -> GatewayMetrics:
    """Give `app` its metrics registry (`app.state.metrics`) and the middleware that feeds it;
    call after every other middleware so that it sees the whole request."""
    metrics = GatewayMetrics()
    app.state.metrics = metrics
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    return metrics


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        metrics = self.metrics
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering
        streaming = False
        timed = False

        def stop_timer() -> None:
            nonlocal timed
            if timed:
                return
            timed = True
            metrics.requests_in_flight.dec()
            metrics.observe_request(
                method,
                route_template(scope),
                _STATUS_CLASSES.get(status // 100) or f"{status // 100}xx",
                time.perf_counter() - started,
            )

        async def send_with_id(message: Message) -> None:
            nonlocal status, streaming
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID_HEADER
                ]
                message = {**message, "headers": [*headers, (REQUEST_ID_HEADER, request_id)]}
                if _is_event_stream(headers):
                    streaming = True
                    stop_timer()  # the subscriber is connected: that is the stream's latency
                    metrics.sse_subscribers.inc()
            await send(message)

        metrics.requests_in_flight.inc()
        token = correlation_id_var.set(request_id.decode())
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if streaming:
                metrics.sse_subscribers.dec()
            stop_timer()
            _log_access(scope, method, status, streaming, time.perf_counter() - started)
            correlation_id_var.reset(token)


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (`/v1/indices/{market_id}`), or
    `unmatched` (a 404 for a path no route knows)."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else "unmatched"


def _request_id(scope: Scope) -> bytes:
    for name, value in scope.get("headers", ()):
        if name.lower() in _INCOMING_ID_HEADERS and _ACCEPTABLE_ID.fullmatch(value):
            return bytes(value)
    return os.urandom(16).hex().encode()  # as random as a UUID4's hex, for less work


def _is_event_stream(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    return any(
        k.lower() == b"content-type" and v.startswith(b"text/event-stream") for k, v in headers
    )


def _log_access(scope: Scope, method: str, status: int, streaming: bool, elapsed_s: float) -> None:
    path = str(scope.get("path", ""))
    level = logging.DEBUG if path in _QUIET_PATHS and status < 400 else logging.INFO
    if not log.isEnabledFor(level):
        return
    # Made and handled directly: `log.log` would also walk the stack for the caller's file and
    # line, which the JSON lines do not show, on every request.
    record = log.makeRecord(
        log.name,
        level,
        __file__,
        0,
        "%s %s %d%s",
        (method, path, status, " (stream closed)" if streaming else ""),
        None,
        extra={
            "context": {
                "method": method,
                "path": path,
                "route": route_template(scope),
                "status": status,
                "duration_ms": round(elapsed_s * 1000, 3),
                "stream": streaming,
            }
        },
    )
    log.handle(record)


class ProcessorSnapshotCollector:
    """The processor workers' metrics, from their latest heartbeats (read once per scrape)."""

    def __init__(self, workers: Sequence[StatusRow], *, now: datetime) -> None:
        self.workers = workers
        self.now = now

    def collect(self) -> Iterable[Metric]:
        alive = GaugeMetricFamily(
            "monazite_processor_workers_alive",
            f"Processor workers whose heartbeat is younger than {PROCESSOR_ALIVE_S:g} s.",
        )
        age = GaugeMetricFamily(
            "monazite_processor_heartbeat_age_seconds",
            "Seconds since the worker's latest heartbeat.",
            labels=["worker"],
        )
        ready = GaugeMetricFamily(
            "monazite_processor_ready",
            "1 when the worker has its partitions and its state, and is alive.",
            labels=["worker"],
        )
        events = CounterMetricFamily(
            "monazite_processor_events",
            "Input messages folded, by event type and outcome (accepted, duplicate,"
            " dead_lettered, parked; a parked event counts again when it settles).",
            labels=["worker", "type", "outcome"],
        )
        freshness = HistogramMetricFamily(
            "monazite_processor_freshness_seconds",
            "From an event's arrival at the broker (message timestamp) to the commit of the"
            " index change it caused.",
            labels=["worker"],
        )
        batch_size = HistogramMetricFamily(
            "monazite_processor_batch_size",
            "Messages per folded batch.",
            labels=["worker"],
        )
        batch_duration = HistogramMetricFamily(
            "monazite_processor_batch_duration_seconds",
            "Time to fold one batch and commit it to PostgreSQL (retries included).",
            labels=["worker"],
        )
        lag = GaugeMetricFamily(
            "monazite_consumer_lag_messages",
            "Messages on an input partition not yet folded and committed: its end offset minus"
            " the next offset committed with the state.",
            labels=["topic", "partition"],
        )
        live: list[tuple[StatusRow, PipelineMetrics]] = []
        for worker in self.workers:
            seconds = max(0.0, (self.now - worker.heartbeat_at).total_seconds())
            if seconds > PROCESSOR_METRICS_KEPT_S:
                continue
            age.add_metric([worker.instance], seconds)
            is_alive = seconds < PROCESSOR_ALIVE_S
            ready.add_metric([worker.instance], 1.0 if worker.ready and is_alive else 0.0)
            snapshot = parse_metrics(worker.detail.get("metrics"))
            if snapshot is None:
                continue
            live.append((worker, snapshot))
            for row in snapshot.events:
                events.add_metric([worker.instance, row.type, row.outcome], row.count)
            for family, histogram in (
                (freshness, snapshot.freshness_s),
                (batch_size, snapshot.batch_size),
                (batch_duration, snapshot.batch_duration_s),
            ):
                family.add_metric([worker.instance], *_prometheus_buckets(histogram))
        alive.add_metric(
            [],
            sum(
                1
                for w in self.workers
                if (self.now - w.heartbeat_at).total_seconds() < PROCESSOR_ALIVE_S
            ),
        )
        # Lag is a fact about the group, not a worker: the most recent measurement holds.
        measured = [s for _, s in live if s.lag_measured_at is not None]
        if measured:
            latest = max(measured, key=lambda s: s.lag_measured_at or self.now)
            for partition in latest.consumer_lag:
                lag.add_metric([partition.topic, str(partition.partition)], partition.lag)
        return [alive, age, ready, events, freshness, batch_size, batch_duration, lag]


class Scrape:
    """Several collectors read as one, for a single exposition."""

    def __init__(self, *collectors: Collector) -> None:
        self.collectors = collectors

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def _prometheus_buckets(histogram: SnapshotHistogram) -> tuple[list[tuple[str, float]], float]:
    buckets = [
        ("+Inf" if math.isinf(bound) else repr(bound), float(count))
        for bound, count in histogram.cumulative()
    ]
    return buckets, histogram.sum
