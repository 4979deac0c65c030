"""The client's HTTP logic against an in-process transport: conditional GETs, pages, ingest."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from monazite_client import EventResult, MonaziteClient, MonaziteError
from monazite_client.client import MAX_EVENTS_PER_REQUEST

Handler = Callable[[httpx.Request], httpx.Response]


class RecordingTransport(httpx.MockTransport):
    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

        def recorded(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            response = handler(request)
            self.statuses.append(response.status_code)
            return response

        super().__init__(recorded)


def client(transport: httpx.MockTransport, **options: Any) -> MonaziteClient:
    return MonaziteClient("http://gateway/", transport=transport, **options)


def etagged(document: dict[str, Any], tag: str) -> Handler:
    """A gateway answering `document` with `tag`, or 304 when the client already has it."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == tag:
            return httpx.Response(304, headers={"etag": tag})
        return httpx.Response(200, json=document, headers={"etag": tag})

    return answer


async def test_an_unchanged_answer_is_a_304_on_the_wire_and_the_cached_body_to_the_caller() -> None:
    document: dict[str, Any] = {"markets": [{"market_id": "rare_earths.total_reo.mining"}]}
    transport = RecordingTransport(etagged(document, '"v1"'))
    async with client(transport) as monazite:
        first = await monazite.markets()
        second = await monazite.markets()

    assert transport.statuses == [200, 304]
    assert transport.requests[1].headers["if-none-match"] == '"v1"'
    assert second.items == first.items == (document["markets"][0],)


async def test_etags_are_kept_per_url_including_the_query() -> None:
    transport = RecordingTransport(etagged({"indices": [], "count": 0}, '"same"'))
    async with client(transport) as monazite:
        await monazite.indices(stage="mining")
        await monazite.indices(stage="magnets")
        await monazite.indices(stage="mining")

    assert [r.headers.get("if-none-match") for r in transport.requests] == [None, None, '"same"']


async def test_a_caller_mutating_an_answer_does_not_change_the_next_cached_one() -> None:
    transport = RecordingTransport(etagged({"market_id": "m", "series": []}, '"v"'))
    async with client(transport) as monazite:
        first = await monazite.market("rare_earths.total_reo.mining")
        first["series"].append({})  # type: ignore[typeddict-item]
        second = await monazite.market("rare_earths.total_reo.mining")

    assert second["series"] == []


async def test_the_oldest_cached_answer_is_forgotten_beyond_capacity() -> None:
    transport = RecordingTransport(etagged({"deals": [], "count": 0}, '"t"'))
    async with client(transport, cached_answers=2) as monazite:
        for entity in ("a", "b", "c", "a"):
            await monazite.deals(entity_id=entity)

    assert transport.statuses == [200, 200, 200, 200]  # "a" was evicted by "c"


async def test_iterating_follows_next_cursor_until_the_last_page() -> None:
    pages: dict[str | None, dict[str, Any]] = {
        None: {"deals": [{"deal_event_id": "d1"}, {"deal_event_id": "d2"}], "next_cursor": "c2"},
        "c2": {"deals": [{"deal_event_id": "d3"}], "next_cursor": 3},  # a numeric cursor
        "3": {"deals": [], "next_cursor": None},
    }
    transport = RecordingTransport(
        lambda request: httpx.Response(200, json=pages[request.url.params.get("cursor")])
    )
    async with client(transport) as monazite:
        ids = [d["deal_event_id"] async for d in monazite.iter_deals(triggered=True, page_size=2)]

    assert ids == ["d1", "d2", "d3"]
    assert all(r.url.params["triggered"] == "true" for r in transport.requests)
    assert all(r.url.params["limit"] == "2" for r in transport.requests)


async def test_one_page_calls_expose_the_cursor_and_a_page_without_one_is_the_last() -> None:
    transport = RecordingTransport(
        lambda request: httpx.Response(200, json={"alerts": [{"kind": "x"}], "count": 1})
    )
    async with client(transport) as monazite:
        page = await monazite.alerts(kind="hhi_threshold_crossed", limit=5)
        every = [a async for a in monazite.iter_alerts()]

    assert page.next_cursor is None
    assert len(page) == 1
    assert len(every) == 1
    assert transport.requests[0].url.params["kind"] == "hhi_threshold_crossed"


async def test_as_of_and_known_at_are_sent_in_rfc_3339() -> None:
    transport = RecordingTransport(lambda request: httpx.Response(200, json={"series": []}))
    async with client(transport) as monazite:
        await monazite.market(
            "rare_earths.ndfeb.magnets",
            as_of=datetime(2025, 1, 1, tzinfo=UTC),
            known_at=datetime(2025, 6, 1, 12, tzinfo=UTC),
        )

    params = transport.requests[0].url.params
    assert params["as_of"] == "2025-01-01T00:00:00+00:00"
    assert params["known_at"] == "2025-06-01T12:00:00+00:00"
    assert transport.requests[0].url.path == "/v1/indices/rare_earths.ndfeb.magnets"


async def test_an_error_answer_raises_its_problem_with_the_field_at_fault() -> None:
    problem = {
        "type": "https://monazite.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no entity 'nobody'",
        "instance": "/v1/entities/nobody",
        "field": "entity_id",
    }
    transport = RecordingTransport(
        lambda request: httpx.Response(
            404, json=problem, headers={"content-type": "application/problem+json"}
        )
    )
    async with client(transport) as monazite:
        with pytest.raises(MonaziteError) as raised:
            await monazite.entity("nobody")

    error = raised.value
    assert (error.status, error.title, error.field) == (404, "Not found", "entity_id")
    assert error.detail == "no entity 'nobody'"
    assert error.problem["instance"] == "/v1/entities/nobody"


async def test_an_error_page_that_is_not_a_problem_still_raises_with_its_status() -> None:
    transport = RecordingTransport(
        lambda request: httpx.Response(502, text="<html>Bad Gateway</html>")
    )
    async with client(transport) as monazite:
        with pytest.raises(MonaziteError) as raised:
            await monazite.markets()

    assert raised.value.status == 502
    assert raised.value.field is None
    assert "Bad Gateway" in raised.value.detail


def ingest_answer(request: httpx.Request) -> httpx.Response:
    posted = json.loads(request.content)
    results = [
        {"event_id": e["event_id"], "status": "accepted"}
        if e.get("name")
        else {"event_id": e["event_id"], "status": "rejected", "reason": "name: Field required"}
        for e in posted
    ]
    return httpx.Response(200, json={"results": results})


def entity(index: int, **fields: Any) -> dict[str, Any]:
    return {"event_id": f"e{index}", "type": "entity_registered", "name": "N", **fields}


async def test_posting_answers_every_event_in_order_with_the_reason_for_a_rejection() -> None:
    transport = RecordingTransport(ingest_answer)
    async with client(transport, api_key="secret") as monazite:
        outcome = await monazite.post_events([entity(1), entity(2, name=""), entity(3)])

    assert outcome.results == (
        EventResult("e1", "accepted"),
        EventResult("e2", "rejected", "name: Field required"),
        EventResult("e3", "accepted"),
    )
    assert (outcome.accepted, outcome.duplicate, len(outcome.rejected)) == (2, 0, 1)
    assert transport.requests[0].headers["authorization"] == "Bearer secret"
    assert transport.requests[0].headers["content-type"] == "application/json"


async def test_a_large_post_is_split_within_the_gateways_count_and_size_limits() -> None:
    transport = RecordingTransport(ingest_answer)
    events = [entity(i, padding="x" * 100) for i in range(MAX_EVENTS_PER_REQUEST + 500)]
    async with client(transport, api_key="k") as monazite:
        outcome = await monazite.post_events(events, max_request_bytes=50_000)

    assert [r.event_id for r in outcome.results] == [e["event_id"] for e in events]
    assert all(len(r.content) <= 50_000 for r in transport.requests)
    assert all(len(json.loads(r.content)) <= MAX_EVENTS_PER_REQUEST for r in transport.requests)
    assert len(transport.requests) > 1


async def test_events_with_exact_decimals_and_datetimes_are_sent_as_strings() -> None:
    transport = RecordingTransport(ingest_answer)
    event = entity(1, tonnes=Decimal("393950.5"), occurred_at=datetime(2024, 1, 1, tzinfo=UTC))
    async with client(transport, api_key="k") as monazite:
        await monazite.post_events([event])

    sent = json.loads(transport.requests[0].content)[0]
    assert sent["tonnes"] == "393950.5"
    assert sent["occurred_at"] == "2024-01-01T00:00:00+00:00"


async def test_too_many_requests_is_retried_after_retry_after() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "0"}, json={"title": "Too many requests"}),
            httpx.Response(429, headers={"Retry-After": "0"}, json={"title": "Too many requests"}),
        ]
    )
    transport = RecordingTransport(lambda request: next(answers, None) or ingest_answer(request))
    async with client(transport, api_key="k") as monazite:
        outcome = await monazite.post_events([entity(1)])

    assert transport.statuses == [429, 429, 200]
    assert outcome.accepted == 1


async def test_rate_limiting_beyond_the_retry_budget_raises() -> None:
    transport = RecordingTransport(
        lambda request: httpx.Response(
            429,
            headers={"Retry-After": "0", "content-type": "application/problem+json"},
            json={"title": "Too many requests", "status": 429, "detail": "key k: retry in 0.1 s"},
        )
    )
    async with client(transport, api_key="k", rate_limit_retries=2) as monazite:
        with pytest.raises(MonaziteError) as raised:
            await monazite.post_events([entity(1)])

    assert raised.value.status == 429
    assert raised.value.retry_after_s == 0.0
    assert len(transport.requests) == 3


async def test_only_a_problem_json_answer_fills_the_problem_document() -> None:
    transport = RecordingTransport(
        lambda request: httpx.Response(500, json={"title": "looks like one", "field": "x"})
    )
    async with client(transport) as monazite:
        with pytest.raises(MonaziteError) as raised:
            await monazite.markets()

    assert raised.value.problem == {}
    assert raised.value.field is None
    assert raised.value.title == "Internal Server Error"
