"""Ingest over HTTP: validate events and publish them to their topics, behind a write key."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import orjson
import pydantic
from fastapi import APIRouter, Request

from monazite_core.events import InputEvent, describe_validation_error, parse_input_event
from monazite_gateway.auth import WriteKey
from monazite_gateway.deps import ReadStoreDep, SettingsDep
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.logs import current_correlation_id
from monazite_infra.publisher import EventPublisher

router = APIRouter(prefix="/v1", tags=["ingest"])

MAX_EVENTS_PER_REQUEST = 1000


@dataclass
class RateLimiter:
    """A token bucket per key: `per_minute` requests, refilled continuously."""

    per_minute: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key_id: str, now: float) -> float:
        """0 when allowed, else the seconds to wait."""
        tokens, at = self._buckets.get(key_id, (self.per_minute, now))
        tokens = min(self.per_minute, tokens + (now - at) * self.per_minute / 60.0)
        if tokens < 1.0:
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) * 60.0 / self.per_minute
        self._buckets[key_id] = (tokens - 1.0, now)
        return 0.0


@router.post(
    "/events",
    summary="Validate and publish one event or a batch; each answered accepted, duplicate or"
    " rejected with the reason",
)
async def ingest(
    request: Request, key: WriteKey, store: ReadStoreDep, settings: SettingsDep
) -> OrjsonResponse:
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.allow(key.key_id, time.monotonic())
    if wait > 0:
        problem = Problem(
            429, "Too many requests", f"key {key.key_id}: retry in {wait:.1f} s", field=None
        )
        problem.extra["retry_after_s"] = round(wait, 1)
        raise problem
    body = await _bounded_body(request, settings.max_request_bytes)
    items = _items(body)
    results: list[dict[str, Any]] = [{} for _ in items]
    candidates: list[tuple[int, InputEvent]] = []
    for index, item in enumerate(items):
        try:
            candidates.append((index, parse_input_event(item)))
        except pydantic.ValidationError as error:
            results[index] = _rejected(item, describe_validation_error(error))
    archived = await store.archived_hashes([e.event_id for _, e in candidates])
    seen: dict[str, str] = {}
    to_publish: list[tuple[int, InputEvent]] = []
    for index, event in candidates:
        digest = event.content_hash()
        known = archived.get(event.event_id) or seen.get(event.event_id)
        if known is None:
            seen[event.event_id] = digest
            to_publish.append((index, event))
        elif known == digest:
            results[index] = {"event_id": event.event_id, "status": "duplicate"}
        else:
            results[index] = _rejected(
                event, f"conflict: event_id {event.event_id!r} exists with different content"
            )
    publisher: EventPublisher = request.app.state.publisher
    await publisher.publish(
        [event for _, event in to_publish], correlation_id=current_correlation_id()
    )
    for index, event in to_publish:
        results[index] = {"event_id": event.event_id, "status": "accepted"}
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("accepted", "duplicate")}
    counts["rejected"] = len(results) - counts["accepted"] - counts["duplicate"]
    return OrjsonResponse({"results": results, **counts})


async def _bounded_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "Payload too large", f"body: more than {limit} bytes", field="body")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, "Payload too large", f"body: more than {limit} bytes", field="body")
    return bytes(body)


def _items(body: bytes) -> list[Any]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise Problem(422, "Invalid request", f"body: not JSON ({error})", field="body") from None
    items = document if isinstance(document, list) else [document]
    if not items:
        raise Problem(422, "Invalid request", "body: an empty batch", field="body")
    if len(items) > MAX_EVENTS_PER_REQUEST:
        raise Problem(
            413,
            "Payload too large",
            f"body: {len(items)} events, at most {MAX_EVENTS_PER_REQUEST} per request",
            field="body",
        )
    return items


def _rejected(item: Any, reason: str) -> dict[str, Any]:
    event_id = getattr(item, "event_id", None)
    if event_id is None and isinstance(item, dict):
        event_id = item.get("event_id")
    return {"event_id": event_id, "status": "rejected", "reason": reason}
