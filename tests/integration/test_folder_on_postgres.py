"""The processor's fold loop against the real PostgreSQL: atomic commits, redelivery, restore."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import pytest

from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ProcessorStore
from monazite_infra.settings import Settings
from monazite_processor.folding import Folder, RawMessage, Topics
from tests.support.databases import fresh_database
from tests.support.streams import country_mining_output

EPOCH = "epoch-a"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[ProcessorStore]:
    pool = await create_pool(await fresh_database(settings.require_database_url()))
    try:
        yield ProcessorStore(pool, consumer="test-processor")
    finally:
        await pool.close()


def _folder(store: ProcessorStore, epoch: str = EPOCH) -> Folder:
    return Folder(
        store,
        Topics("t.indices", "t.deals", "t.alerts", "t.dead"),
        broker_epoch=epoch,
        clock=lambda: NOW,
    )


def _message(offset: int, value: Any, partition: int = 0) -> RawMessage:
    raw = value if isinstance(value, bytes) else orjson.dumps(value)
    return RawMessage("t.capacity", partition, offset, 1_700_000_000_000, None, raw)


async def _count(store: ProcessorStore, table: str) -> int:
    pool: asyncpg.Pool[Any] = store._pool
    count: int = await pool.fetchval(f"SELECT count(*) FROM {table}")
    return count


async def test_a_batch_commits_archive_index_outbox_and_offsets_together(
    store: ProcessorStore,
) -> None:
    folder = _folder(store)
    await folder.restore()
    await folder.handle(
        [
            _message(0, country_mining_output("a", "CN", 700)),
            _message(1, country_mining_output("b", "US", 300)),
        ]
    )
    assert await _count(store, "event_archive") == 2
    # country_location, and available_to_rest_of_world (equal to it: no control in force)
    assert await _count(store, "index_current") == 2
    assert await _count(store, "outbox") == 2
    assert await store.next_offsets(EPOCH) == {("t.capacity", 0): 2}


async def test_redelivered_messages_below_the_committed_offset_are_skipped(
    store: ProcessorStore,
) -> None:
    first = _folder(store)
    await first.restore()
    await first.handle([_message(0, country_mining_output("a", "CN", 700))])

    restarted = _folder(store)
    await restarted.restore()
    batch = await restarted.handle(
        [
            _message(0, country_mining_output("a", "CN", 700)),
            _message(1, country_mining_output("b", "US", 300)),
        ]
    )
    assert [a.event_id for a in batch.archived] == ["b"]
    assert await _count(store, "event_archive") == 2


async def test_the_same_event_under_a_new_broker_epoch_counts_once(store: ProcessorStore) -> None:
    first = _folder(store, "epoch-a")
    await first.restore()
    await first.handle([_message(0, country_mining_output("a", "CN", 700))])
    fresh_broker = _folder(store, "epoch-b")
    await fresh_broker.restore()
    batch = await fresh_broker.handle([_message(0, country_mining_output("a", "CN", 700))])
    assert batch.archived == []
    assert batch.dead_letters == []


async def test_restore_from_the_archive_reproduces_the_live_figures(store: ProcessorStore) -> None:
    live = _folder(store)
    await live.restore()
    for offset, (country, tonnes) in enumerate([("CN", 700), ("US", 200), ("MM", 100)]):
        await live.handle([_message(offset, country_mining_output(f"e{offset}", country, tonnes))])
    restored = _folder(store)
    await restored.restore()
    assert restored.current == live.current
    assert restored.next_offsets == live.next_offsets


async def test_undecodable_and_conflicting_messages_are_dead_lettered_with_a_reason(
    store: ProcessorStore,
) -> None:
    folder = _folder(store)
    await folder.restore()
    changed = {**country_mining_output("a", "CN", 700), "tonnes": 1}
    batch = await folder.handle(
        [
            _message(0, b"{broken"),
            _message(1, country_mining_output("a", "CN", 700)),
            _message(2, changed),
            _message(3, {**country_mining_output("c", "CN", 1), "stage": "smelting"}),
        ]
    )
    reasons = [d.reason for d in batch.dead_letters]
    assert reasons[0].startswith("not JSON")
    assert reasons[1].startswith("conflict: event_id 'a'")
    assert reasons[2].startswith("output_reported.stage:")
    assert await _count(store, "dead_letters") == 3
    assert await store.next_offsets(EPOCH) == {("t.capacity", 0): 4}


def _entity(entity_id: str, country: str = "CN") -> dict[str, Any]:
    return {
        "type": "entity_registered",
        "event_id": f"entity:{entity_id}",
        "occurred_at": "2020-01-01T00:00:00+00:00",
        "source": {"publisher": "test"},
        "entity_id": entity_id,
        "name": entity_id.title(),
        "country": country,
        "kind": "company",
    }


def _stake_event(holder: str, target: str, pct: int) -> dict[str, Any]:
    return {
        "type": "stake_changed",
        "event_id": f"stake:{holder}:{target}",
        "occurred_at": "2025-01-01T00:00:00+00:00",
        "source": {"publisher": "test"},
        "holder_id": holder,
        "target_id": target,
        "pct_after": pct,
    }


def _on(topic: str, offset: int, value: dict[str, Any]) -> RawMessage:
    return RawMessage(topic, 0, offset, None, None, orjson.dumps(value))


async def test_an_event_naming_an_entity_still_on_its_way_waits_and_survives_a_restart(
    store: ProcessorStore,
) -> None:
    folder = _folder(store)
    await folder.restore()
    early = await folder.handle([_on("t.ownership", 0, _stake_event("parent", "child", 60))])
    assert early.archived == []
    assert early.dead_letters == []
    assert set(folder.parked) == {"stake:parent:child"}

    restarted = _folder(store)
    await restarted.restore()
    assert set(restarted.parked) == {"stake:parent:child"}
    late = await restarted.handle(
        [_on("t.entities", 0, _entity("parent")), _on("t.entities", 1, _entity("child"))]
    )
    assert [a.event_id for a in late.archived] == [
        "entity:parent",
        "entity:child",
        "stake:parent:child",
    ]
    assert restarted.parked == {}
    assert await _count(store, "parked_events") == 0
    assert restarted.state.ownership.ultimate_controller("child") == "parent"


async def test_an_event_whose_entity_never_arrives_is_dead_lettered_after_the_wait(
    store: ProcessorStore,
) -> None:
    folder = _folder(store)
    folder.park_seconds = 30.0
    await folder.restore()
    await folder.handle([_on("t.ownership", 0, _stake_event("ghost", "nobody", 10))])
    folder.clock = lambda: NOW + timedelta(seconds=29)
    assert (await folder.handle([])).dead_letters == []
    folder.clock = lambda: NOW + timedelta(seconds=31)
    expired = await folder.handle([])
    assert [d.event_id for d in expired.dead_letters] == ["stake:ghost:nobody"]
    assert expired.dead_letters[0].reason.startswith("holder_id: unknown entity 'ghost'")
    assert folder.parked == {}


async def test_a_restart_resumes_from_the_latest_checkpoint_and_folds_only_the_tail(
    store: ProcessorStore,
) -> None:
    live = _folder(store)
    live.checkpoint_every = 2
    await live.restore()
    offsets = iter(range(100))
    for country, tonnes in [("CN", 700), ("US", 200), ("MM", 100), ("AU", 50), ("IN", 5)]:
        await live.handle(
            [_message(next(offsets), country_mining_output(f"e-{country}", country, tonnes))]
        )
    checkpoint = await store.latest_checkpoint()
    assert checkpoint is not None
    assert checkpoint.batch_seq == 4  # written after every second batch
    assert await _count(store, "checkpoints") == 2  # the two latest are kept

    restarted = _folder(store)
    assert await restarted.restore() == 1  # only the fifth event, after the checkpoint
    assert restarted.current == live.current
    assert restarted.state.accepted == live.state.accepted
    assert restarted.batch_seq == live.batch_seq == 5

    from_archive = _folder(store)
    assert await from_archive.restore(use_checkpoint=False) == 5
    assert from_archive.current == live.current


def _retraction(event_id: str, target: str) -> dict[str, Any]:
    return {
        "type": "event_retracted",
        "event_id": event_id,
        "occurred_at": "2025-03-01T00:00:00+00:00",
        "source": {"publisher": "test"},
        "retracted_event_id": target,
        "reason": "misread",
    }


async def test_a_retraction_recomputes_the_figures_and_keeps_the_event_archived_and_marked(
    store: ProcessorStore,
) -> None:
    folder = _folder(store)
    await folder.restore()
    await folder.handle(
        [
            _message(0, country_mining_output("cn", "CN", 700)),
            _message(1, country_mining_output("us", "US", 300)),
        ]
    )
    await folder.handle([_message(2, country_mining_output("au", "AU", 1000))])
    retracted = await folder.handle([_on("t.corrections", 0, _retraction("fix-1", "au"))])

    location = [i for i in retracted.indices if i.basis == "country_location"]
    assert [round(i.figures["hhi"]) for i in location] == [5800]  # back to 70/30
    assert location[0].caused_by == ["fix-1"]
    assert await _count(store, "event_archive") == 4  # the retracted event stays archived
    assert "au" in folder.state.retracted

    restarted = _folder(store)
    await restarted.restore()
    assert restarted.current == folder.current
    assert "au" in restarted.state.retracted
