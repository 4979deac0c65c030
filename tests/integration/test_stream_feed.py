"""The stream feed, the same contract for PostgreSQL and the in-memory feed the hub's unit tests
use; and a notification when a batch commits feed rows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from monazite_infra.postgres.feed import FeedNotifications, FeedReader, FeedSource
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import BatchWrite, FeedItem, ProcessorStore
from monazite_infra.settings import Settings
from tests.support.databases import fresh_database
from tests.support.feeds import MemoryFeed

ROWS: list[tuple[str, list[str], str | None]] = [
    ("index_changed", ["a.total_reo.mining"], "company_control"),
    ("deal_assessed", ["a.total_reo.mining", "b.total_reo.magnets"], None),
    ("alert_raised", [], None),
    ("index_changed", ["b.total_reo.magnets"], "country_location"),
    ("alert_raised", ["a.total_reo.mining"], "company_control"),
]


@pytest.fixture(params=["postgres", "memory"])
async def feed(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[FeedSource]:
    if request.param == "memory":
        memory = MemoryFeed()
        for kind, markets, basis in ROWS:
            memory.append(kind, markets, basis, f'{{"type":"{kind}"}}')
        yield memory
        return
    pool = await create_pool(await fresh_database(settings.require_database_url()))
    try:
        batch = BatchWrite(feed=[FeedItem(k, m, b, f'{{"type":"{k}"}}') for k, m, b in ROWS])
        await ProcessorStore(pool, consumer="test").commit(batch, broker_epoch="e")
        yield FeedReader(pool)
    finally:
        await pool.close()


async def test_the_feed_keeps_commit_order_from_one(feed: FeedSource) -> None:
    assert await feed.head() == len(ROWS)
    rows = await feed.after(0, limit=100)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [(r.kind, list(r.markets), r.basis) for r in rows] == ROWS
    assert rows[0].document == '{"type":"index_changed"}'
    assert [r.seq for r in await feed.after(2, limit=2)] == [3, 4]


@pytest.mark.parametrize(
    ("kinds", "markets", "bases", "expected"),
    [
        (None, None, None, [2, 3, 4]),
        (["alert_raised"], None, None, [3]),
        (None, ["b.total_reo.magnets"], None, [2, 4]),
        (None, None, ["company_control"], [2, 3]),  # rows without a basis always pass
        (["index_changed", "deal_assessed"], ["a.total_reo.mining"], None, [2]),
    ],
)
async def test_a_window_filters_by_kind_market_and_basis(
    feed: FeedSource,
    kinds: list[str] | None,
    markets: list[str] | None,
    bases: list[str] | None,
    expected: list[int],
) -> None:
    rows = await feed.window(1, 4, kinds=kinds, markets=markets, bases=bases)
    assert [r.seq for r in rows] == expected


async def test_a_committed_batch_with_feed_rows_notifies_listeners(settings: Settings) -> None:
    url = await fresh_database(settings.require_database_url())
    woken = asyncio.Event()
    listening = asyncio.create_task(FeedNotifications(url, woken.set).run())
    pool = await create_pool(url)
    try:
        await asyncio.wait_for(woken.wait(), 10)  # woken once on connecting, to catch up
        woken.clear()
        store = ProcessorStore(pool, consumer="test")
        await store.commit(BatchWrite(), broker_epoch="e")
        await asyncio.sleep(0.2)
        assert not woken.is_set()  # nothing for the stream: no notification
        await store.commit(
            BatchWrite(feed=[FeedItem("alert_raised", [], None, "{}")]), broker_epoch="e"
        )
        await asyncio.wait_for(woken.wait(), 10)
    finally:
        listening.cancel()
        await pool.close()
