"""The stream hub: every subscriber gets every item after its cursor once, in order, whether it
comes from memory or from the feed; filters; heartbeats."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator

import pytest

from monazite_gateway.streaming import StreamFilter, StreamHub
from monazite_infra.postgres.feed import FeedRow
from tests.support.feeds import MemoryFeed

POLL_S = 0.01


def _fill(feed: MemoryFeed, count: int) -> None:
    for n in range(count):
        kind = ("index_changed", "deal_assessed", "alert_raised")[n % 3]
        market = f"m{n % 2}.total_reo.mining"
        feed.append(kind, [market], "company_control" if n % 3 == 0 else None, f'{{"n":{n}}}')


def _ids(chunk: bytes) -> list[int]:
    return [int(line[4:]) for line in chunk.split(b"\n") if line.startswith(b"id: ")]


async def _read_ids(frames: AsyncGenerator[bytes, None], count: int) -> list[int]:
    ids: list[int] = []
    async for chunk in frames:
        ids += _ids(chunk)
        if len(ids) >= count:
            break
    return ids


@contextlib.asynccontextmanager
async def _hub(feed: MemoryFeed, buffer_size: int = 20_000) -> AsyncIterator[StreamHub]:
    hub = StreamHub(feed, database_url=None, poll_s=POLL_S, buffer_size=buffer_size)
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


@pytest.mark.parametrize("buffer_size", [4, 20_000])
async def test_a_subscriber_from_the_start_gets_every_item_once_in_order(buffer_size: int) -> None:
    feed = MemoryFeed()
    _fill(feed, 23)
    async with _hub(feed, buffer_size) as hub:
        # More arrives while the subscriber is still catching up from the feed.
        _fill(feed, 10)
        frames = hub.frames(StreamFilter(), after=0, heartbeat_s=30)
        assert await _read_ids(frames, 33) == list(range(1, 34))
        await frames.aclose()


async def test_a_subscriber_from_now_gets_only_what_follows() -> None:
    feed = MemoryFeed()
    _fill(feed, 5)
    async with _hub(feed) as hub:
        frames = hub.frames(StreamFilter(), after=None, heartbeat_s=30)
        assert await anext(frames) == b"retry: 3000\n\n"
        _fill(feed, 3)
        assert await _read_ids(frames, 3) == [6, 7, 8]
        await frames.aclose()


@pytest.mark.parametrize("buffer_size", [2, 20_000])
async def test_filters_leave_out_other_kinds_markets_and_bases(buffer_size: int) -> None:
    feed = MemoryFeed()
    _fill(feed, 30)
    kinds = frozenset({"index_changed", "deal_assessed"})
    wanted = StreamFilter(
        kinds=kinds,
        markets=frozenset({"m0.total_reo.mining"}),
        bases=frozenset({"company_control"}),
    )
    expected = [
        r.seq
        for r in feed.rows
        if r.kind in kinds
        and "m0.total_reo.mining" in r.markets
        and r.basis in (None, "company_control")
    ]
    async with _hub(feed, buffer_size) as hub:
        frames = hub.frames(wanted, after=0, heartbeat_s=30)
        assert await _read_ids(frames, len(expected)) == expected
        await frames.aclose()


async def test_a_quiet_subscriber_gets_heartbeats_and_leaves_the_count_when_gone() -> None:
    async with _hub(MemoryFeed()) as hub:
        frames = hub.frames(StreamFilter(), after=None, heartbeat_s=0.02)
        assert await anext(frames) == b"retry: 3000\n\n"
        assert hub.subscribers == 1
        assert await anext(frames) == b": keep-alive\n\n"
        await frames.aclose()
        assert hub.subscribers == 0


async def test_many_subscribers_share_one_read_of_each_item() -> None:
    feed = MemoryFeed()
    reads = 0
    original = feed.after

    async def counted_after(seq: int, *, limit: int) -> list[FeedRow]:
        nonlocal reads
        rows = await original(seq, limit=limit)
        reads += bool(rows)
        return rows

    feed.after = counted_after  # type: ignore[method-assign]
    async with _hub(feed) as hub:
        subscribers = [hub.frames(StreamFilter(), after=None, heartbeat_s=30) for _ in range(50)]
        for frames in subscribers:
            await anext(frames)
        _fill(feed, 1)
        received = await asyncio.gather(*(_read_ids(f, 1) for f in subscribers))
        assert received == [[1]] * 50
        assert reads == 1
        for frames in subscribers:
            await frames.aclose()
