"""`MonaziteClient`: the gateway's REST API and live stream from asyncio, typed.

Every GET is conditional: the client keeps the ETag and body of the latest answer per URL and
sends `If-None-Match`, so polling an unchanged resource costs a `304` with no body while the
caller still gets the document.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Protocol, Self, TypeVar, cast

import httpx

from monazite_client.errors import MonaziteError
from monazite_client.models import (
    AlertKind,
    AlertRaised,
    Basis,
    DeadLetter,
    DealAssessed,
    DealSummary,
    Entity,
    EventDocument,
    EventResult,
    HistoryRow,
    IndexRow,
    Market,
    MarketIndices,
    Measure,
    Page,
    PostOutcome,
    Stage,
    StreamItem,
    StreamKind,
)
from monazite_client.stream import Reconnection, follow_stream

T = TypeVar("T")

#: The gateway's own limits on one `POST /v1/events` (events, and bytes of body by default).
MAX_EVENTS_PER_REQUEST = 1000
DEFAULT_MAX_REQUEST_BYTES = 1_048_576


class SupportsModelDump(Protocol):
    """A pydantic event model (such as `monazite_core.events`), without importing pydantic."""

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


PostableEvent = Mapping[str, Any] | SupportsModelDump


class MonaziteClient:
    """An asynchronous client for one gateway; use it as `async with MonaziteClient(url) as c`.

    `api_key` is sent as `Authorization: Bearer` on every request: posting needs the write scope,
    and reading needs the read scope where the gateway requires keys for reads. `transport`
    replaces the network (for tests). A 429 answer is retried after its `Retry-After`, up to
    `rate_limit_retries` times; every other error answer raises `MonaziteError`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit_retries: int = 3,
        cached_answers: int = 256,
    ) -> None:
        headers = {"Accept": "application/json"}
        if api_key is not None:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self._rate_limit_retries = rate_limit_retries
        self._cache_capacity = cached_answers
        # URL -> (ETag, body) of the latest 200 answer, least recently used first.
        self._answers: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- markets and indices ------------------------------------------------------------------

    async def markets(self, *, cursor: str | None = None, limit: int | None = None) -> Page[Market]:
        """Every market with an index, with the years, measures and bases it has."""
        return await self._page("/v1/markets", "markets", {"cursor": cursor, "limit": limit})

    def iter_markets(self, *, page_size: int | None = None) -> AsyncGenerator[Market, None]:
        return self._iterate(self.markets, limit=page_size)

    async def indices(
        self,
        *,
        commodity: str | None = None,
        element_group: str | None = None,
        stage: Stage | None = None,
        basis: Basis | None = None,
        period: int | None = None,
        measure: Measure | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[IndexRow]:
        """Current indices matching every filter given."""
        params = {
            "commodity": commodity,
            "element_group": element_group,
            "stage": stage,
            "basis": basis,
            "period": period,
            "measure": measure,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/v1/indices", "indices", params)

    def iter_indices(
        self,
        *,
        commodity: str | None = None,
        element_group: str | None = None,
        stage: Stage | None = None,
        basis: Basis | None = None,
        period: int | None = None,
        measure: Measure | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[IndexRow, None]:
        return self._iterate(
            self.indices,
            commodity=commodity,
            element_group=element_group,
            stage=stage,
            basis=basis,
            period=period,
            measure=measure,
            limit=page_size,
        )

    async def market(
        self,
        market_id: str,
        *,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
        basis: Basis | None = None,
        period: int | None = None,
        measure: Measure | None = None,
    ) -> MarketIndices:
        """One market's series: current, or valid at `as_of` as known at `known_at`."""
        params = {
            "as_of": as_of,
            "known_at": known_at,
            "basis": basis,
            "period": period,
            "measure": measure,
        }
        return cast(MarketIndices, await self._get(f"/v1/indices/{market_id}", params))

    async def history(
        self,
        market_id: str,
        *,
        basis: Basis | None = None,
        period: int | None = None,
        measure: Measure | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[HistoryRow]:
        """Changes of a market's figures, oldest first, each with the events that caused it."""
        params = {
            "basis": basis,
            "period": period,
            "measure": measure,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page(f"/v1/indices/{market_id}/history", "history", params)

    def iter_history(
        self,
        market_id: str,
        *,
        basis: Basis | None = None,
        period: int | None = None,
        measure: Measure | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[HistoryRow, None]:
        return self._iterate(
            self.history, market_id, basis=basis, period=period, measure=measure, limit=page_size
        )

    # --- entities, deals, alerts, policies, dead letters ------------------------------------

    async def entity(self, entity_id: str) -> Entity:
        """An entity with its holders, holdings, ultimate controller and control chain."""
        return cast(Entity, await self._get(f"/v1/entities/{entity_id}", {}))

    async def deal(self, event_id: str) -> DealAssessed:
        """The full assessment of one ownership event."""
        return cast(DealAssessed, await self._get(f"/v1/deals/{event_id}", {}))

    async def deals(
        self,
        *,
        entity_id: str | None = None,
        triggered: bool = False,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[DealSummary]:
        """Deal assessments, newest first; `triggered` keeps those that trigger a screen."""
        params = {
            "entity_id": entity_id,
            "triggered": triggered or None,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/v1/deals", "deals", params)

    def iter_deals(
        self,
        *,
        entity_id: str | None = None,
        triggered: bool = False,
        page_size: int | None = None,
    ) -> AsyncGenerator[DealSummary, None]:
        return self._iterate(self.deals, entity_id=entity_id, triggered=triggered, limit=page_size)

    async def alerts(
        self,
        *,
        kind: AlertKind | None = None,
        market_id: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[AlertRaised]:
        """Alerts, newest first."""
        params = {"kind": kind, "market_id": market_id, "cursor": cursor, "limit": limit}
        return await self._page("/v1/alerts", "alerts", params)

    def iter_alerts(
        self,
        *,
        kind: AlertKind | None = None,
        market_id: str | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[AlertRaised, None]:
        return self._iterate(self.alerts, kind=kind, market_id=market_id, limit=page_size)

    async def policies(
        self,
        *,
        type: str | None = None,
        jurisdiction: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[EventDocument]:
        """Accepted policy events (export controls, quotas, tariffs, …), newest first."""
        params = {"type": type, "jurisdiction": jurisdiction, "cursor": cursor, "limit": limit}
        return await self._page("/v1/policies", "policies", params)

    def iter_policies(
        self,
        *,
        type: str | None = None,
        jurisdiction: str | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[EventDocument, None]:
        return self._iterate(self.policies, type=type, jurisdiction=jurisdiction, limit=page_size)

    async def dead_letters(
        self,
        *,
        topic: str | None = None,
        include_redriven: bool = False,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[DeadLetter]:
        """Quarantined messages with the reason each was refused, oldest first."""
        params = {
            "topic": topic,
            "include_redriven": include_redriven or None,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/v1/dead-letters", "dead_letters", params)

    def iter_dead_letters(
        self,
        *,
        topic: str | None = None,
        include_redriven: bool = False,
        page_size: int | None = None,
    ) -> AsyncGenerator[DeadLetter, None]:
        return self._iterate(
            self.dead_letters, topic=topic, include_redriven=include_redriven, limit=page_size
        )

    # --- ingest -------------------------------------------------------------------------------

    async def post_events(
        self,
        events: Iterable[PostableEvent],
        *,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> PostOutcome:
        """Post events (mappings or pydantic event models); one answer per event, in order.

        Large inputs go in as many requests as the gateway's limits need. If a request fails,
        `MonaziteError` is raised and the earlier requests stand; posting them all again is
        safe, because the gateway answers an event it already has as a duplicate.
        """
        results: list[EventResult] = []
        for body in _request_bodies(events, max_request_bytes):
            answer = await self._post_json("/v1/events", body)
            results.extend(
                EventResult(r.get("event_id"), r["status"], r.get("reason"))
                for r in answer["results"]
            )
        return PostOutcome(tuple(results))

    # --- news review (write key) --------------------------------------------------------------

    async def review(
        self,
        *,
        status: Literal["pending", "approved", "rejected", "all"] = "pending",
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[dict[str, Any]]:
        """News candidates in the review queue, oldest first, with their evidence and sources."""
        params = {"status": status, "cursor": cursor, "limit": limit}
        return await self._page("/v1/review", "review", params)

    async def approve_review(
        self, review_id: int, corrections: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Publish a queued candidate's event with these fields set first (`None` clears one);
        answers the `event_id` it stands under and whether it was `published`."""
        body = json.dumps({"corrections": dict(corrections or {})}).encode()
        return cast(dict[str, Any], await self._post_json(f"/v1/review/{review_id}/approve", body))

    async def reject_review(self, review_id: int, reason: str) -> dict[str, Any]:
        """Close a queued candidate unpublished, with the reason."""
        body = json.dumps({"reason": reason}).encode()
        return cast(dict[str, Any], await self._post_json(f"/v1/review/{review_id}/reject", body))

    async def add_fact(
        self,
        event_type: str,
        fields: Mapping[str, Any],
        *,
        article: Mapping[str, Any],
        sentence: str,
        start: int = 0,
    ) -> dict[str, Any]:
        """Add a fact the extractor missed, as read in `article` (`name`, `publisher`, and
        `url`, `title`, `published` where known) from `sentence`; answers its `event_id` and
        whether it was `published`."""
        body = json.dumps(
            {
                "type": event_type,
                "fields": dict(fields),
                "article": dict(article),
                "sentence": sentence,
                "start": start,
            }
        ).encode()
        return cast(dict[str, Any], await self._post_json("/v1/review/facts", body))

    async def correct_event(
        self, event_id: str, reason: str, corrections: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Retract an accepted event and publish the corrected fact under a new id (only
        retract without corrections); answers both ids."""
        body = json.dumps({"reason": reason, "corrections": dict(corrections or {})}).encode()
        return cast(
            dict[str, Any], await self._post_json(f"/v1/events/{event_id}/correction", body)
        )

    # --- whole-chain views and what-if --------------------------------------------------------

    async def chain(
        self,
        commodity: str,
        *,
        period: int | None = None,
        measure: Measure | None = None,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
    ) -> dict[str, Any]:
        """A commodity's chain: bloc shares per stage, integration per controller, bottleneck."""
        params = {"period": period, "measure": measure, "as_of": as_of, "known_at": known_at}
        return cast(dict[str, Any], await self._get(f"/v1/chains/{commodity}", params))

    async def dependency(self, commodity: str, *, on: str, for_: str) -> dict[str, Any]:
        """How far bloc `for_` can go along the chain without bloc `on`, and where it narrows."""
        params = {"on": on, "for": for_}
        return cast(dict[str, Any], await self._get(f"/v1/chains/{commodity}/dependency", params))

    async def blocs(self) -> list[dict[str, Any]]:
        """Every bloc: the defaults, the configured ones and those added through the API."""
        return cast(list[dict[str, Any]], (await self._get("/v1/blocs", {}))["blocs"])

    async def scenario(
        self,
        events: Iterable[PostableEvent],
        *,
        markets: Sequence[str] | None = None,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        """What these hypothetical events would change; nothing is published or stored.

        `event_id` and `recorded_at` may be left out of the events.
        """
        body: dict[str, Any] = {"events": [json.loads(_encode(e)) for e in events]}
        if markets is not None:
            body["markets"] = list(markets)
        if as_of is not None:
            body["as_of"] = as_of.isoformat()
        return cast(
            dict[str, Any], await self._post_json("/v1/scenarios", json.dumps(body).encode())
        )

    # --- live stream --------------------------------------------------------------------------

    def follow(
        self,
        market_ids: Sequence[str] | None = None,
        kinds: Sequence[StreamKind] | None = None,
        bases: Sequence[Basis] | None = None,
        since: int | None = None,
        *,
        heartbeat_s: float = 15.0,
        reconnection: Reconnection | None = None,
    ) -> AsyncGenerator[StreamItem, None]:
        """Live items (index changes, deal assessments, alerts) as they happen, in order.

        `since=0` starts from the very first item; without `since`, from now on. Disconnects
        are healed by reconnecting with `Last-Event-ID`, with no gap and no repeat.
        `heartbeat_s` is the gateway's heartbeat interval: three of them without a byte and the
        connection is considered dead. Close the iterator (`contextlib.aclosing`) to stop.
        """
        return follow_stream(
            self._http,
            market_ids=market_ids or (),
            kinds=kinds or (),
            bases=bases or (),
            since=since,
            idle_timeout_s=3 * heartbeat_s,
            reconnection=reconnection,
        )

    # --- plumbing -----------------------------------------------------------------------------

    async def _get(self, path: str, params: Mapping[str, Any]) -> Any:
        request = self._http.build_request("GET", path, params=_query(params))
        key = str(request.url)
        remembered = self._answers.get(key)
        if remembered is not None:
            request.headers["If-None-Match"] = remembered[0]
        response = await self._send(request)
        if response.status_code == 304 and remembered is not None:
            self._answers.move_to_end(key)
            return json.loads(remembered[1])
        if response.is_error:
            raise MonaziteError.from_response(response)
        etag = response.headers.get("etag")
        if etag is not None:
            self._remember(key, etag, response.content)
        return response.json()

    async def _post_json(self, path: str, body: bytes) -> Any:
        request = self._http.build_request(
            "POST", path, content=body, headers={"Content-Type": "application/json"}
        )
        response = await self._send(request)
        if response.is_error:
            raise MonaziteError.from_response(response)
        return response.json()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Send, waiting out `429 Too Many Requests` as the answer's `Retry-After` asks."""
        for attempt in range(self._rate_limit_retries + 1):
            response = await self._http.send(request)
            if response.status_code != 429 or attempt == self._rate_limit_retries:
                return response
            error = MonaziteError.from_response(response)
            wait_s = error.retry_after_s
            if wait_s is None:
                retry_after = error.problem.get("retry_after_s")
                wait_s = float(retry_after) if isinstance(retry_after, int | float) else 1.0
            await asyncio.sleep(wait_s)
        raise AssertionError("unreachable: the last attempt returns")

    def _remember(self, key: str, etag: str, body: bytes) -> None:
        self._answers[key] = (etag, body)
        self._answers.move_to_end(key)
        while len(self._answers) > self._cache_capacity:
            self._answers.popitem(last=False)

    async def _page(self, path: str, key: str, params: Mapping[str, Any]) -> Page[Any]:
        document = await self._get(path, params)
        cursor = document.get("next_cursor")
        # Opaque to the client: a number comes back as the same string in the next `?cursor=`.
        return Page(tuple(document[key]), None if cursor is None else str(cursor))

    async def _iterate(
        self, fetch: Callable[..., Awaitable[Page[T]]], *args: Any, **filters: Any
    ) -> AsyncGenerator[T, None]:
        """Every item of every page, following `next_cursor` until the last page."""
        cursor: str | None = None
        while True:
            page = await fetch(*args, cursor=cursor, **filters)
            for item in page.items:
                yield item
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


def _query(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters as the gateway reads them: absent when None, booleans in lower case."""
    query: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            query[name] = "true" if value else "false"
        elif isinstance(value, datetime | date):
            query[name] = value.isoformat()
        else:
            query[name] = value
    return query


def _request_bodies(events: Iterable[PostableEvent], max_bytes: int) -> Iterable[bytes]:
    """JSON arrays of the events, each within the gateway's count and size limits.

    An event too large on its own still goes alone, for the gateway to answer 413 naming it.
    """
    batch: list[bytes] = []
    size = 2  # the brackets
    for event in events:
        encoded = _encode(event)
        if batch and (len(batch) == MAX_EVENTS_PER_REQUEST or size + len(encoded) + 1 > max_bytes):
            yield b"[" + b",".join(batch) + b"]"
            batch, size = [], 2
        batch.append(encoded)
        size += len(encoded) + 1
    if batch:
        yield b"[" + b",".join(batch) + b"]"


def _encode(event: PostableEvent) -> bytes:
    document = event if isinstance(event, Mapping) else event.model_dump(mode="json")
    return json.dumps(document, separators=(",", ":"), default=_json_default).encode()


def _json_default(value: Any) -> Any:
    # Exact quantities stay exact: the gateway reads decimal strings.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
