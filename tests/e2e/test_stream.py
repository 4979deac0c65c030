"""The live stream on the real pipeline: what it carries, resuming without gap or duplicate,
heartbeats, and a few hundred subscribers at once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from monazite_infra.settings import Settings
from tests.e2e.conftest import country_output, publish_events
from tests.support.services import Pipeline
from tests.support.sse import Frame, frames

SUBSCRIBERS = 300


def _fresh_market() -> tuple[str, str]:
    commodity = f"streamtest{uuid.uuid4().hex[:8]}"
    return commodity, f"{commodity}.total_reo.mining"


async def _collect(
    client: httpx.AsyncClient,
    url: str,
    *,
    until: Any,
    headers: dict[str, str] | None = None,
    connected: asyncio.Event | None = None,
    timeout_s: float = 90.0,
) -> list[Frame]:
    """Frames with an id, from connecting until `until(frame)` holds for one (heartbeats are
    offered to `until` too: a heartbeat means the stream has nothing more for now)."""

    async def read() -> list[Frame]:
        seen: list[Frame] = []
        async with client.stream("GET", url, headers=headers) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            async for frame in frames(response):
                if frame.retry_ms is not None and connected is not None:
                    connected.set()
                if frame.id is not None:
                    seen.append(frame)
                if frame.retry_ms is None and until(frame):
                    return seen
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(read(), timeout_s)


def _drained(frame: Frame) -> bool:
    return frame.comment == "keep-alive"


def _caused_by(event_id: str) -> Any:
    return lambda f: f.data is not None and event_id in f.json().get("caused_by", [])


async def _follow_while_publishing(
    client: httpx.AsyncClient, url: str, settings: Settings, directory: Path, event: dict[str, Any]
) -> list[Frame]:
    """Follow `url` from now, publish `event`, and return the frames up to its first change."""
    connected = asyncio.Event()
    reading = asyncio.create_task(
        _collect(client, url, until=_caused_by(event["event_id"]), connected=connected)
    )
    await asyncio.wait_for(connected.wait(), 30)
    await asyncio.to_thread(publish_events, settings, directory, [event])
    return await asyncio.wait_for(reading, 60)


def _assert_resumed_with(after: list[Frame], first: dict[str, Any], second: dict[str, Any]) -> None:
    # The first event moved several bases: the rest of its changes follow after the cut.
    causes = {tuple(f.json()["caused_by"]) for f in after}
    assert causes <= {(first["event_id"],), (second["event_id"],)}
    assert (second["event_id"],) in causes


async def test_stream_since_zero_replays_every_kind_in_increasing_id_order(
    pipeline: Pipeline,
) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        everything = await _collect(
            client, f"{pipeline.gateway_url}/v1/stream?since=0", until=_drained
        )
        deals = await _collect(
            client, f"{pipeline.gateway_url}/v1/stream?since=0&kind=deal_assessed", until=_drained
        )
    ids = [f.id or 0 for f in everything]
    assert ids == sorted(set(ids))
    assert {f.event for f in everything} >= {"index_changed", "deal_assessed"}
    for frame in everything:
        assert frame.json()["type"] == frame.event  # the document published on the topic
    # The filtered stream is the same stream with the other kinds left out.
    assert [f.id for f in deals] == [f.id for f in everything if f.event == "deal_assessed"][
        : len(deals)
    ]
    assert {f.event for f in deals} == {"deal_assessed"}


async def test_reconnecting_with_last_event_id_resumes_without_gap_or_duplicate(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity, market = _fresh_market()
    url = f"{pipeline.gateway_url}/v1/stream?market_id={market}"
    first, second = country_output(commodity, "CN", 100), country_output(commodity, "AU", 50)
    async with httpx.AsyncClient(timeout=60) as client:
        before = await _follow_while_publishing(client, url, settings, tmp_path, first)
        # Disconnected: more happens meanwhile, in this market and elsewhere.
        await asyncio.to_thread(
            publish_events, settings, tmp_path, [second, country_output(f"{commodity}x", "CN", 7)]
        )
        after = await _collect(
            client,
            url,
            headers={"Last-Event-ID": str(before[-1].id)},
            until=_caused_by(second["event_id"]),
        )
        whole = await _collect(
            client,
            f"{url}&since={before[0].id - 1}",  # type: ignore[operator]
            until=_caused_by(second["event_id"]),
        )
    assert [f.id for f in before + after] == [f.id for f in whole]
    _assert_resumed_with(after, first, second)
    # A market filter passes what touched the market: its index changes, and chain views and
    # alerts that name it.
    for frame in whole:
        document = frame.json()
        if frame.event == "chain_changed":
            assert market in {stage["market_id"] for stage in document["chain"]["stages"]}
        else:
            assert document["market_id"] == market


async def test_stream_resumes_across_a_gateway_restart(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity, market = _fresh_market()
    url = f"{pipeline.gateway_url}/v1/stream?market_id={market}&kind=index_changed"
    first, second = country_output(commodity, "CN", 10), country_output(commodity, "US", 30)
    async with httpx.AsyncClient(timeout=60) as client:
        before = await _follow_while_publishing(client, url, settings, tmp_path, first)
        pipeline.gateway.kill()
        await asyncio.to_thread(publish_events, settings, tmp_path, [second])
        pipeline.gateway.start()
        await asyncio.to_thread(pipeline.wait_ready)
        after = await _collect(
            client,
            url,
            headers={"Last-Event-ID": str(before[-1].id)},
            until=_caused_by(second["event_id"]),
        )
    assert min(f.id or 0 for f in after) > (before[-1].id or 0)
    _assert_resumed_with(after, first, second)


async def test_a_quiet_stream_sends_heartbeats(pipeline: Pipeline) -> None:
    _, market = _fresh_market()
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("GET", f"{pipeline.gateway_url}/v1/stream?market_id={market}") as response,
    ):
        comments = []
        async for frame in frames(response):
            if frame.comment is not None:
                comments.append(frame.comment)
            if len(comments) == 2:
                break
    assert comments == ["keep-alive", "keep-alive"]


@pytest.mark.parametrize(
    ("headers", "query", "field"),
    [
        ({"Last-Event-ID": "seven"}, "", "Last-Event-ID"),
        ({}, "since=-1", "since"),
        ({}, "since=999999999999", "since"),
        ({}, "kind=price_changed", "kind.0"),
    ],
)
def test_bad_stream_requests_are_problems_naming_the_field(
    pipeline: Pipeline, headers: dict[str, str], query: str, field: str
) -> None:
    response = pipeline.http.get(f"{pipeline.gateway_url}/v1/stream?{query}", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


async def test_hundreds_of_subscribers_each_receive_a_published_change(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity, market = _fresh_market()
    event = country_output(commodity, "CN", 1000)
    url = f"{pipeline.gateway_url}/v1/stream?market_id={market}&kind=index_changed"
    limits = httpx.Limits(max_connections=SUBSCRIBERS + 10)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        connected = [asyncio.Event() for _ in range(SUBSCRIBERS)]
        readers = [
            asyncio.create_task(
                _collect(client, url, until=_caused_by(event["event_id"]), connected=c)
            )
            for c in connected
        ]
        await asyncio.wait_for(asyncio.gather(*(c.wait() for c in connected)), 120)
        await asyncio.to_thread(publish_events, settings, tmp_path, [event])
        received = await asyncio.wait_for(asyncio.gather(*readers), 120)
    assert len(received) == SUBSCRIBERS
    assert len({tuple(f.id for f in frames_) for frames_ in received}) == 1
