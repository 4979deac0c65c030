"""Replay from the archive rebuilds every read model byte for byte, and upcasts old events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ProcessorStore
from monazite_infra.settings import Settings
from monazite_processor.folding import Folder, RawMessage, Topics
from monazite_processor.replay import replay
from tests.support.databases import fresh_database

REFERENCE = Path(__file__).resolve().parents[2] / "data/reference/events.jsonl"
DEMO = Path(__file__).resolve().parents[2] / "data/examples/baogang_stake_increase.jsonl"


def _messages(lines: list[bytes], start: int) -> list[RawMessage]:
    topic_of = {
        "entity_registered": "t.entities",
        "output_reported": "t.capacity",
    }
    messages = []
    for offset, line in enumerate(lines, start=start):
        kind = orjson.loads(line)["type"]
        topic = topic_of.get(kind, "t.ownership" if "stake" in kind else "t.policies")
        messages.append(RawMessage(topic, 0, offset, 1_750_000_000_000, None, line))
    return messages


async def _live_database(settings: Settings) -> tuple[str, Folder]:
    url = await fresh_database(settings.require_database_url())
    pool = await create_pool(url)
    folder = Folder(
        ProcessorStore(pool, consumer="monazite-processor"),
        Topics("t.indices", "t.deals", "t.alerts", "t.dead"),
        broker_epoch="live",
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        checkpoint_every=40,
    )
    await folder.restore()
    lines = [line for line in REFERENCE.read_bytes().splitlines() if line.strip()]
    lines += [line for line in DEMO.read_bytes().splitlines() if line.strip()]
    for start in range(0, len(lines), 17):  # batches of uneven size, as Kafka delivers them
        await folder.handle(_messages(lines[start : start + 17], start))
    return url, folder


async def test_replay_of_the_reference_data_equals_the_live_read_models(
    settings: Settings,
) -> None:
    url, folder = await _live_database(settings)
    await folder.store.pool.close()

    report = await replay(settings.model_copy(update={"database_url": url}))

    assert report.identical, report.differences
    assert report.events == len(folder.state.accepted)
    assert report.events_per_second > 0


async def test_replay_notices_a_read_model_that_drifted_from_the_archive(
    settings: Settings,
) -> None:
    url, folder = await _live_database(settings)
    pool: Any = folder.store.pool
    await pool.execute("UPDATE index_current SET figures = figures || '{\"hhi\": 1}'")
    await pool.close()

    report = await replay(settings.model_copy(update={"database_url": url}))

    assert set(report.differences) == {"index_current"}


async def test_an_archive_holding_version_1_events_replays_through_the_upcaster(
    settings: Settings,
) -> None:
    url, folder = await _live_database(settings)
    pool: Any = folder.store.pool
    # The price floor as an older processor archived it: version 1, priced per tonne.
    floor = await pool.fetchrow(
        "SELECT event_id, payload FROM event_archive WHERE type = 'price_floor_set'"
    )
    version_1 = {k: v for k, v in floor["payload"].items() if k != "price_per_kg"}
    amount = float(floor["payload"]["price_per_kg"]["amount"]) * 1000
    version_1 |= {
        "schema_version": 1,
        "price": {"amount": f"{amount:.0f}", "currency": "USD"},
        "per_unit": "t",
    }
    await pool.execute(
        "UPDATE event_archive SET payload = $2, schema_version = 1 WHERE event_id = $1",
        floor["event_id"],
        version_1,
    )
    await pool.close()

    report = await replay(settings.model_copy(update={"database_url": url}))

    assert report.identical, report.differences  # same content hash after upcasting


async def test_replay_reproduces_a_retraction_exactly(settings: Settings) -> None:
    url, folder = await _live_database(settings)
    retraction = {
        "type": "event_retracted",
        "event_id": "test:retract:mp-2024",
        "occurred_at": "2025-03-01T00:00:00+00:00",
        "recorded_at": "2025-03-01T00:00:00+00:00",
        "source": {"publisher": "test"},
        "retracted_event_id": next(
            e for e in folder.state.accepted if e.startswith("ref:output:") and ":mp:" in e
        ),
        "reason": "restated in the annual report",
    }
    await folder.handle([RawMessage("t.corrections", 0, 0, None, None, orjson.dumps(retraction))])
    await folder.store.pool.close()

    report = await replay(settings.model_copy(update={"database_url": url}))

    assert report.identical, report.differences


async def test_replay_folds_an_event_that_waited_for_its_entity_in_archive_order(
    settings: Settings,
) -> None:
    url = await fresh_database(settings.require_database_url())
    pool = await create_pool(url)
    folder = Folder(
        ProcessorStore(pool, consumer="monazite-processor"),
        Topics("t.indices", "t.deals", "t.alerts", "t.dead"),
        broker_epoch="live",
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
    )
    await folder.restore()

    def entity(entity_id: str) -> bytes:
        return orjson.dumps(
            {
                "type": "entity_registered",
                "event_id": f"entity:{entity_id}",
                "occurred_at": "2020-01-01T00:00:00+00:00",
                "source": {"publisher": "test"},
                "entity_id": entity_id,
                "name": entity_id,
                "country": "CN",
                "kind": "company",
            }
        )

    def stake(holder: str, target: str, offset: int) -> RawMessage:
        document = {
            "type": "stake_changed",
            "event_id": f"stake:{holder}:{target}",
            "occurred_at": "2025-01-01T00:00:00+00:00",
            "source": {"publisher": "test"},
            "holder_id": holder,
            "target_id": target,
            "pct_after": 30,
        }
        return RawMessage("t.ownership", 0, offset, None, None, orjson.dumps(document))

    await folder.handle([RawMessage("t.entities", 0, 0, None, None, entity("a"))])
    await folder.handle([stake("b", "a", 0)])  # waits: b is not registered yet
    # b arrives with a later stake on the same partition: the waiting stake (offset 0) is
    # archived after the one at offset 1.
    await folder.handle(
        [RawMessage("t.entities", 0, 1, None, None, entity("b")), stake("a", "b", 1)]
    )
    assert folder.parked == {}
    await pool.close()

    report = await replay(settings.model_copy(update={"database_url": url}))

    assert report.identical, report.differences
    assert report.events == 4
