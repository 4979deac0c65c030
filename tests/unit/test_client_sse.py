"""The client's SSE parser and stream resume, against an in-process transport (no network)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from typing import cast

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monazite_client import MonaziteClient, MonaziteError, Reconnection, SSEParser, StreamItem
from monazite_client.models import StreamDocument
from monazite_client.sse import SSEEvent
from monazite_client.stream import _stream_item
from tests.unit.factories import PROPERTY

# --- the parser -----------------------------------------------------------------------------


def parse(*chunks: bytes) -> list[SSEEvent]:
    parser = SSEParser()
    return [event for chunk in chunks for event in parser.feed(chunk)]


def test_data_lines_join_with_newlines_and_the_event_carries_its_name_and_id() -> None:
    events = parse(b"id: 7\nevent: alert_raised\ndata: first\ndata:second\ndata\n\n")

    assert events == [SSEEvent(event="alert_raised", data="first\nsecond\n", id="7")]


def test_comments_and_retry_dispatch_nothing_and_retry_sets_the_reconnection_time() -> None:
    parser = SSEParser()

    events = parser.feed(b"retry: 3000\n\n: keep-alive\n\n:another\n\n")

    assert events == []
    assert parser.retry_ms == 3000


def test_a_malformed_retry_is_ignored() -> None:
    parser = SSEParser()
    parser.feed(b"retry: 3s\n\n")
    assert parser.retry_ms is None


def test_an_event_without_a_name_is_a_message_and_an_event_without_data_is_not_dispatched() -> None:
    assert parse(b"data: x\n\nevent: empty\nid: 3\n\n") == [
        SSEEvent(event="message", data="x", id=None)
    ]


def test_the_last_id_persists_until_changed_and_an_id_with_nul_is_ignored() -> None:
    events = parse(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\x00\ndata: c\n\n")

    assert [e.id for e in events] == ["1", "1", "1"]


def test_an_event_cut_off_by_the_end_of_the_stream_is_never_dispatched() -> None:
    parser = SSEParser()

    events = parser.feed(b"id: 1\ndata: whole\n\nid: 2\ndata: half of it")

    assert [e.data for e in events] == ["whole"]


def test_a_leading_byte_order_mark_is_dropped() -> None:
    assert parse(b"\xef\xbb\xbfdata: x\n\n") == [SSEEvent("message", "x", None)]


STREAM = (
    "retry: 3000\r\n\r\n"
    ": keep-alive\r\r"
    'id: 1\nevent: index_changed\ndata: {"hhi": 4923.5, "name": "Émile 稀土"}\n\n'
    "id: 2\revent: alert_raised\rdata: line one\rdata: line two\r\r"
).encode()


@PROPERTY
@given(st.sets(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=40))
def test_any_split_of_the_bytes_yields_the_same_events(cuts: set[int]) -> None:
    bounds = [0, *sorted(cuts), len(STREAM)]
    chunks = [STREAM[a:b] for a, b in itertools.pairwise(bounds)]

    events = parse(*chunks)

    assert events == [
        SSEEvent("index_changed", '{"hhi": 4923.5, "name": "Émile 稀土"}', "1"),
        SSEEvent("alert_raised", "line one\nline two", "2"),
    ]


# --- following the stream: reconnect, resume, no gap, no duplicate --------------------------


def frame(seq: int, kind: str = "index_changed") -> bytes:
    document = {"type": kind, "event_id": f"{kind}:{seq}", "seq_check": seq}
    return f"id: {seq}\nevent: {kind}\ndata: {json.dumps(document)}\n\n".encode()


Connection = Callable[[httpx.Request], AsyncIterator[bytes]]


class ScriptedGateway:
    """Serves one scripted body per connection and records every request it was sent."""

    def __init__(self, connections: Sequence[Connection | httpx.Response]) -> None:
        self.connections = list(connections)
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        script = self.connections.pop(0)
        if isinstance(script, httpx.Response):
            return script
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=script(request)
        )

    def client(self) -> MonaziteClient:
        return MonaziteClient("http://gateway", transport=httpx.MockTransport(self.handler))

    def resumed_from(self) -> list[str | None]:
        return [r.headers.get("last-event-id") for r in self.requests]


def body(*parts: bytes, then: BaseException | None = None, hang: bool = False) -> Connection:
    async def stream(request: httpx.Request) -> AsyncIterator[bytes]:
        for part in parts:
            yield part
        if then is not None:
            raise then
        if hang:  # a half-open connection: nothing more, ever
            await asyncio.Event().wait()

    return stream


async def take(items: AsyncGenerator[StreamItem, None], count: int) -> list[StreamItem]:
    taken: list[StreamItem] = []
    async with aclosing(items) as stream:
        async for item in stream:
            taken.append(item)
            if len(taken) == count:
                break
    return taken


IMMEDIATE = Reconnection(delay_s=0.0, max_attempts=5)


async def test_a_stream_cut_mid_event_resumes_after_the_last_whole_one_without_gap_or_repeat() -> (
    None
):
    third = frame(3)
    gateway = ScriptedGateway(
        [
            body(b"retry: 3000\n\n", frame(1), frame(2), third[:20], then=httpx.ReadError("cut")),
            # The gateway replays from its window: 2 again, then what the client has not seen.
            body(frame(2), third, frame(4)),
        ]
    )
    async with gateway.client() as client:
        items = await take(client.follow(reconnection=IMMEDIATE), 4)

    assert [i.seq for i in items] == [1, 2, 3, 4]
    assert items[2].data["event_id"] == "index_changed:3"  # the cut event arrived whole
    assert gateway.resumed_from() == [None, "2"]


async def test_the_stream_ending_cleanly_is_resumed_like_a_cut() -> None:
    gateway = ScriptedGateway([body(frame(5)), body(frame(6))])
    async with gateway.client() as client:
        items = await take(client.follow(reconnection=IMMEDIATE), 2)

    assert [i.seq for i in items] == [5, 6]
    assert gateway.resumed_from() == [None, "5"]


async def test_filters_and_since_go_on_the_first_request_and_last_event_id_replaces_since() -> None:
    gateway = ScriptedGateway(
        [body(frame(11), then=httpx.RemoteProtocolError("peer closed")), body(frame(12))]
    )
    async with gateway.client() as client:
        follow = client.follow(
            market_ids=["rare_earths.total_reo.mining", "rare_earths.ndfeb.magnets"],
            kinds=["index_changed"],
            bases=["country_location"],
            since=10,
            reconnection=IMMEDIATE,
        )
        await take(follow, 2)

    first, second = (r.url.params for r in gateway.requests)
    assert first.get_list("market_id") == [
        "rare_earths.total_reo.mining",
        "rare_earths.ndfeb.magnets",
    ]
    assert first.get_list("kind") == ["index_changed"]
    assert first.get_list("basis") == ["country_location"]
    assert first.get("since") == "10"
    assert second.get("since") is None
    assert second.get_list("market_id") == first.get_list("market_id")
    assert gateway.resumed_from() == [None, "11"]


async def test_before_any_item_arrives_a_reconnect_asks_for_since_again() -> None:
    gateway = ScriptedGateway([body(then=httpx.ReadError("cut")), body(frame(1))])
    async with gateway.client() as client:
        await take(client.follow(since=0, reconnection=IMMEDIATE), 1)

    assert [r.url.params.get("since") for r in gateway.requests] == ["0", "0"]
    assert gateway.resumed_from() == [None, None]


async def test_a_silent_connection_is_dropped_after_three_heartbeats_and_resumed() -> None:
    gateway = ScriptedGateway([body(frame(1), hang=True), body(frame(2))])
    async with gateway.client() as client:
        items = await take(client.follow(heartbeat_s=0.05, reconnection=IMMEDIATE), 2)

    assert [i.seq for i in items] == [1, 2]
    assert gateway.resumed_from() == [None, "1"]


async def test_heartbeats_keep_a_quiet_connection_alive() -> None:
    async def quiet_then_item(request: httpx.Request) -> AsyncIterator[bytes]:
        # Ten keep-alives spread over more than the watchdog's window, then an item.
        for _ in range(10):
            yield b": keep-alive\n\n"
            await asyncio.sleep(0.05)
        yield frame(1)

    gateway = ScriptedGateway([quiet_then_item])
    async with gateway.client() as client:
        items = await take(client.follow(heartbeat_s=0.1, reconnection=IMMEDIATE), 1)

    assert [i.seq for i in items] == [1]
    assert len(gateway.requests) == 1


async def test_an_overloaded_or_restarting_gateway_is_retried() -> None:
    gateway = ScriptedGateway(
        [
            httpx.Response(503, json={"title": "Unavailable", "detail": "starting"}),
            httpx.Response(429, headers={"Retry-After": "0"}, json={"title": "Too many"}),
            body(frame(1)),
        ]
    )
    async with gateway.client() as client:
        items = await take(client.follow(reconnection=IMMEDIATE), 1)

    assert [i.seq for i in items] == [1]
    assert len(gateway.requests) == 3


async def test_a_refused_request_raises_the_problem_instead_of_reconnecting() -> None:
    problem = {
        "type": "https://monazite.dev/problems/invalid-request",
        "title": "Invalid request",
        "status": 422,
        "detail": "kind: Input should be 'index_changed', 'deal_assessed' or 'alert_raised'",
        "field": "kind",
    }
    gateway = ScriptedGateway(
        [httpx.Response(422, json=problem, headers={"content-type": "application/problem+json"})]
    )
    async with gateway.client() as client:
        with pytest.raises(MonaziteError) as raised:
            await take(client.follow(reconnection=IMMEDIATE), 1)

    assert (raised.value.status, raised.value.field) == (422, "kind")
    assert raised.value.title == "Invalid request"
    assert len(gateway.requests) == 1


async def test_no_content_tells_the_client_to_stop() -> None:
    gateway = ScriptedGateway([httpx.Response(204)])
    async with gateway.client() as client:
        assert await take(client.follow(reconnection=IMMEDIATE), 1) == []


async def test_after_the_allowed_consecutive_failures_the_last_error_is_raised() -> None:
    failing: list[Connection | httpx.Response] = [
        body(then=httpx.ConnectError("refused")) for _ in range(3)
    ]
    gateway = ScriptedGateway(failing)
    async with gateway.client() as client:
        with pytest.raises(httpx.ConnectError):
            await take(client.follow(reconnection=Reconnection(delay_s=0.0, max_attempts=2)), 1)

    assert len(gateway.requests) == 3


async def test_a_delivered_item_resets_the_failure_count() -> None:
    # Four disconnects in a row would exceed the limit of two; items in between reset the count.
    connections: list[Connection | httpx.Response] = [
        body(frame(seq), then=httpx.ReadError("cut")) for seq in range(1, 5)
    ]
    gateway = ScriptedGateway(connections)
    async with gateway.client() as client:
        items = await take(client.follow(reconnection=Reconnection(delay_s=0.0, max_attempts=2)), 4)

    assert [i.seq for i in items] == [1, 2, 3, 4]


def test_back_off_doubles_per_consecutive_failure_up_to_the_ceiling() -> None:
    policy = Reconnection(delay_s=1.0, max_delay_s=5.0)

    delays = [policy.delay(failures, server_retry_s=None) for failures in (1, 2, 3, 4)]

    for delay, ceiling in zip(delays, (1.0, 2.0, 4.0, 5.0), strict=True):
        assert 0.8 * ceiling <= delay <= ceiling


def test_without_a_fixed_delay_the_servers_retry_advice_is_the_base() -> None:
    policy = Reconnection()

    assert 0.4 <= policy.delay(1, server_retry_s=0.5) <= 0.5
    assert 2.4 <= policy.delay(1, server_retry_s=None) <= 3.0  # the contract's retry: 3000


def test_frames_without_a_numeric_id_are_not_items() -> None:
    assert _stream_item(SSEEvent("index_changed", "{}", None)) is None
    assert _stream_item(SSEEvent("index_changed", "{}", "abc")) is None
    item = _stream_item(SSEEvent("alert_raised", '{"type": "alert_raised"}', "42"))
    assert item == StreamItem(42, "alert_raised", cast(StreamDocument, {"type": "alert_raised"}))
