"""Faults on the real broker and PostgreSQL: the processor killed with SIGKILL at random points,
and PostgreSQL stopped and restarted, while thousands of events flow. The final figures must
equal an uninterrupted fold of the same events: nothing lost, nothing counted twice."""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from monazite_core.events import InputEvent
from monazite_infra.devstack import EmbeddedPostgres
from monazite_infra.kafka_admin import ensure_topics
from monazite_infra.postgres.schema import migrate
from monazite_infra.settings import Settings
from tests.support.services import ServiceProcess, service_env
from tests.support.streams import event_stream, publish_in_bursts, uninterrupted_fold

EVENTS = 3000


@dataclass
class Isolated:
    """Own topics (by prefix), own consumer group and own PostgreSQL: nothing shared with the
    other tests but the broker."""

    settings: Settings
    postgres: EmbeddedPostgres
    processor: ServiceProcess


@pytest.fixture
def isolated(settings: Settings, tmp_path: Path) -> Iterator[Isolated]:
    tag = uuid.uuid4().hex[:6]
    postgres = EmbeddedPostgres.start(tmp_path / "pgdata")
    own = settings.model_copy(
        update={
            "database_url": postgres.url,
            "topic_prefix": f"fault{tag}.",
            "processor_group": f"fault-{tag}",
        }
    )
    asyncio.run(_prepare(own))
    env = service_env(
        own,
        MONAZITE_TOPIC_PREFIX=own.topic_prefix,
        MONAZITE_PROCESSOR_GROUP=own.processor_group,
        MONAZITE_BATCH_MAX="150",
        MONAZITE_BATCH_WITHIN_S="0.05",
        MONAZITE_CHECKPOINT_EVERY="700",
    )
    processor = ServiceProcess("monazite_processor", env, tmp_path / "processor.log")
    try:
        yield Isolated(own, postgres, processor)
    finally:
        processor.stop()
        postgres.stop()


async def _prepare(settings: Settings) -> None:
    await migrate(settings.require_database_url())
    await ensure_topics(settings)


async def _observed(database_url: str) -> tuple[int, int, dict[tuple[Any, ...], float]]:
    connection = await asyncpg.connect(database_url)
    try:
        archived = await connection.fetchval("SELECT count(*) FROM event_archive")
        distinct = await connection.fetchval("SELECT count(DISTINCT event_id) FROM event_archive")
        rows = await connection.fetch(
            "SELECT market_id, basis, period, measure, figures FROM index_current"
        )
    finally:
        await connection.close()
    current = {
        (r["market_id"], r["basis"], r["period"], r["measure"]): orjson.loads(r["figures"])["hhi"]
        for r in rows
    }
    return archived, distinct, current


def _wait_until_folded(database_url: str, wanted: int, processor: ServiceProcess) -> None:
    deadline = time.monotonic() + 180
    archived = 0
    while time.monotonic() < deadline:
        try:
            archived, _, _ = asyncio.run(_observed(database_url))
        except (OSError, asyncpg.PostgresError):
            archived = -1
        if archived >= wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"only {archived} of {wanted} events archived\n{processor.log_tail(60)}")


def _assert_equal_to_uninterrupted_fold(isolated: Isolated, events: list[InputEvent]) -> None:
    accepted, expected = uninterrupted_fold(events)
    _wait_until_folded(isolated.settings.require_database_url(), accepted, isolated.processor)
    time.sleep(1.0)  # a redelivered batch would land now if offsets were wrong
    archived, distinct, current = asyncio.run(_observed(isolated.settings.require_database_url()))
    assert archived == distinct == accepted  # nothing lost, nothing twice
    mismatches = {k: (current.get(k), v) for k, v in expected.items() if current.get(k) != v}
    assert mismatches == {}
    assert set(current) == set(expected)


def test_processor_killed_at_random_points_ends_equal_to_an_uninterrupted_fold(
    isolated: Isolated,
) -> None:
    events = event_stream(events=EVENTS, tag=f"kill{uuid.uuid4().hex[:4]}")
    rng = random.Random(int(os.environ.get("MONAZITE_FAULT_SEED", "11")))
    isolated.processor.start()
    publishing = publish_in_bursts(isolated.settings, events, seconds=20)
    kills = 0
    for _ in range(3):
        time.sleep(rng.uniform(3.0, 7.0))
        isolated.processor.kill()
        kills += 1
        isolated.processor.start()
    publishing.join(120)
    assert not publishing.is_alive()

    _assert_equal_to_uninterrupted_fold(isolated, events)
    assert kills == 3
    assert isolated.processor.starts == 4


def test_postgresql_stopped_and_restarted_under_load_pauses_the_processor_and_loses_nothing(
    isolated: Isolated,
) -> None:
    events = event_stream(events=EVENTS, tag=f"pg{uuid.uuid4().hex[:4]}")
    isolated.processor.start()
    publishing = publish_in_bursts(isolated.settings, events, seconds=15)
    time.sleep(5.0)
    isolated.postgres.stop()
    time.sleep(4.0)  # the processor keeps consuming, fails to commit, retries, never acks
    restarted = EmbeddedPostgres.start(isolated.postgres.data_dir)
    assert restarted.url == isolated.postgres.url
    publishing.join(120)
    assert not publishing.is_alive()

    _assert_equal_to_uninterrupted_fold(isolated, events)
    assert isolated.processor.starts == 1  # it paused and resumed; it never had to restart
    assert isolated.processor.process is not None
    assert isolated.processor.process.poll() is None
