"""Many workers, one fold, against the real PostgreSQL: the intake takes each message in once
however many workers are handed it, the lease lets one worker fold at a time and fences off one
that lost it, and the fold releases windows in merge order only once they are complete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from monazite_infra.postgres.intake_store import IntakeStore, PartitionPosition
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import (
    BatchWrite,
    LeaseLost,
    ProcessorStore,
    TopicPartitionKey,
)
from monazite_infra.settings import Settings
from monazite_processor.folding import Folder, RawMessage, Topics
from monazite_processor.leader import FoldLeader
from monazite_processor.sequencing import plan_intake
from tests.support.databases import fresh_database
from tests.support.streams import country_mining_output

EPOCH = "epoch-a"
CONSUMER = "lease-tests"
TOPIC = "t.capacity"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool[Any]]:
    made = await create_pool(await fresh_database(settings.require_database_url()))
    try:
        yield made
    finally:
        await made.close()


def _message(partition: int, offset: int, timestamp_ms: int) -> RawMessage:
    value = orjson.dumps(
        country_mining_output(
            f"p{partition}o{offset}", ("CN", "US", "AU")[offset % 3], 100 + offset
        )
    )
    return RawMessage(TOPIC, partition, offset, timestamp_ms, None, value)


async def _take_in(intake: IntakeStore, messages: list[RawMessage]) -> int:
    def plan(positions: Any) -> Any:
        return plan_intake(
            messages,
            positions,
            broker_epoch=EPOCH,
            correlation_ids={},
            now=NOW,
            dead_letter_topic="t.dead",
        )

    write = await intake.take_in(EPOCH, {(m.topic, m.partition) for m in messages}, plan)
    return len(write.queued)


def _folder_factory(pool: asyncpg.Pool[Any]) -> Any:
    async def new_folder() -> Folder:
        folder = Folder(
            ProcessorStore(pool, consumer=CONSUMER),
            Topics("t.indices", "t.deals", "t.alerts", "t.dead"),
            broker_epoch=EPOCH,
            clock=lambda: NOW,
        )
        await folder.restore()
        return folder

    return new_folder


class Broker:
    """End offsets as the broker would report them, set by the test."""

    def __init__(self) -> None:
        self.ends: dict[TopicPartitionKey, int] = {}

    async def end_offsets(self) -> dict[TopicPartitionKey, int]:
        return dict(self.ends)


def _leader(
    pool: asyncpg.Pool[Any],
    broker: Broker,
    batches: list[list[str]],
    *,
    holder: str,
    now_ms: list[int],
    lease_s: float = 5.0,
    batch_max: int = 1000,
) -> FoldLeader:
    async def on_batch(batch: BatchWrite, *_: Any) -> None:
        batches.append([a.event_id for a in batch.archived])

    return FoldLeader(
        IntakeStore(pool, consumer=CONSUMER),
        holder=holder,
        broker_epoch=EPOCH,
        new_folder=_folder_factory(pool),
        end_offsets=broker.end_offsets,
        on_batch=on_batch,
        window_ms=100,
        margin_ms=50,
        batch_max=batch_max,
        lease_s=lease_s,
        poll_s=0.01,
        clock_ms=lambda: now_ms[0],
    )


async def _fold_all(leader: FoldLeader, now_ms: list[int]) -> None:
    """Step until nothing is left to fold, letting a second pass on the clock for partitions
    that just moved to count as read to their end."""
    while await leader.step() or await _later(leader, now_ms):
        pass


async def _later(leader: FoldLeader, now_ms: list[int]) -> bool:
    now_ms[0] += 1_000
    return await leader.step()


async def test_two_workers_handed_the_same_messages_take_each_in_once(
    pool: asyncpg.Pool[Any],
) -> None:
    intake = IntakeStore(pool, consumer=CONSUMER)
    messages = [_message(0, offset, 1_000 + offset) for offset in range(50)]
    # Both read the partition from the same position, as two owners during a rebalance do;
    # whichever commits first, the other takes in only what the first did not.
    taken = await asyncio.gather(_take_in(intake, messages), _take_in(intake, messages[:40]))
    assert sum(taken) == 50
    assert await intake.queued_count() == 50
    assert await intake.positions(EPOCH) == {(TOPIC, 0): PartitionPosition(50, 1_049)}


async def test_the_lease_goes_to_one_worker_and_to_another_only_once_it_expired(
    pool: asyncpg.Pool[Any],
) -> None:
    intake = IntakeStore(pool, consumer=CONSUMER)
    first = await intake.acquire_lease("worker-a", ttl_s=0.3)
    assert first == 1
    assert await intake.acquire_lease("worker-b", ttl_s=0.3) is None
    await asyncio.sleep(0.4)
    second = await intake.acquire_lease("worker-b", ttl_s=0.3)
    assert second == 2
    assert not await intake.renew_lease(first)
    assert await intake.renew_lease(second)
    await intake.release_lease(second)
    assert await intake.acquire_lease("worker-a", ttl_s=30) == 3  # given up: free at once


async def test_a_worker_that_lost_the_lease_commits_nothing(pool: asyncpg.Pool[Any]) -> None:
    store = ProcessorStore(pool, consumer=CONSUMER)
    intake = IntakeStore(pool, consumer=CONSUMER)
    stale = await intake.acquire_lease("worker-a", ttl_s=0.1)
    await asyncio.sleep(0.2)
    assert await intake.acquire_lease("worker-b", ttl_s=0.1) is not None
    folder = await _folder_factory(pool)()
    batch = folder.fold([_message(0, 0, 1_000)], in_order=True, now=NOW)
    batch.lease_token = stale
    with pytest.raises(LeaseLost):
        await store.commit(batch, broker_epoch=EPOCH)
    assert await pool.fetchval("SELECT count(*) FROM event_archive") == 0


async def test_the_fold_releases_whole_windows_in_merge_order_once_every_partition_is_past_them(
    pool: asyncpg.Pool[Any],
) -> None:
    intake = IntakeStore(pool, consumer=CONSUMER)
    broker = Broker()
    batches: list[list[str]] = []
    now_ms = [10_000]
    leader = _leader(pool, broker, batches, holder="worker-a", now_ms=now_ms)
    # Partition 0 is read to its end; partition 1 has a message still unread.
    await _take_in(intake, [_message(0, 0, 1_010), _message(0, 1, 1_120), _message(0, 2, 1_230)])
    await _take_in(intake, [_message(1, 0, 1_050)])
    broker.ends = {(TOPIC, 0): 3, (TOPIC, 1): 2}

    await _fold_all(leader, now_ms)
    assert batches == []  # partition 1, at 1 050, may still bring a message before 1 100

    await _take_in(intake, [_message(1, 1, 1_150)])
    broker.ends = {(TOPIC, 0): 3, (TOPIC, 1): 2}
    await _fold_all(leader, now_ms)
    assert batches == [["p0o0", "p1o0"], ["p0o1", "p1o1"], ["p0o2"]]  # one window a batch
    assert await intake.queued_count() == 0
    await leader.resign()


async def test_a_standby_takes_over_where_the_folding_worker_stopped(
    pool: asyncpg.Pool[Any],
) -> None:
    intake = IntakeStore(pool, consumer=CONSUMER)
    broker = Broker()
    seen_a: list[list[str]] = []
    seen_b: list[list[str]] = []
    now_ms = [10_000]
    worker_a = _leader(pool, broker, seen_a, holder="worker-a", now_ms=now_ms)
    worker_b = _leader(pool, broker, seen_b, holder="worker-b", now_ms=now_ms)
    await _take_in(intake, [_message(0, o, 1_000 + 100 * o) for o in range(4)])
    broker.ends = {(TOPIC, 0): 4}

    assert await worker_a.step()
    assert not await worker_b.step()  # standing by: the lease is taken
    assert worker_a.leading
    assert not worker_b.leading
    await worker_a.resign()
    await _fold_all(worker_b, now_ms)
    assert seen_a == [["p0o0"]]
    assert seen_b == [["p0o1"], ["p0o2"], ["p0o3"]]
    archived = await pool.fetch("SELECT event_id, batch_seq FROM event_archive ORDER BY seq")
    assert [(r["event_id"], r["batch_seq"]) for r in archived] == [
        ("p0o0", 1),
        ("p0o1", 2),
        ("p0o2", 3),
        ("p0o3", 4),
    ]
    await worker_b.resign()


async def test_a_full_batch_of_a_window_folds_before_the_window_is_complete(
    pool: asyncpg.Pool[Any],
) -> None:
    """A backlog folds in full batches: the first `batch_max` messages of a window are final
    once the frontier is past them, whatever the window still gets."""
    intake = IntakeStore(pool, consumer=CONSUMER)
    broker = Broker()
    batches: list[list[str]] = []
    now_ms = [10_000]
    leader = _leader(pool, broker, batches, holder="worker-a", now_ms=now_ms, batch_max=2)
    await _take_in(intake, [_message(0, o, 1_000 + 10 * o) for o in range(3)])
    await _take_in(intake, [_message(1, 0, 1_025)])
    broker.ends = {(TOPIC, 0): 3, (TOPIC, 1): 5}  # partition 1 is behind, at 1 025

    await _fold_all(leader, now_ms)
    assert batches == [["p0o0", "p0o1"]]  # 1 000 and 1 010 < 1 025: final; 1 020 too, but cut

    await _take_in(intake, [_message(1, o, 1_200) for o in range(1, 5)])
    await _fold_all(leader, now_ms)
    assert batches[1:] == [["p0o2", "p1o0"], ["p1o1", "p1o2"], ["p1o3", "p1o4"]]
    await leader.resign()
