"""Scale-out on the real broker: the same input topics folded by one worker and, at the same
time, by a group of workers that grows from two to three mid-stream and then loses the worker
that was folding. Both end with exactly the same archive (same batches), index histories,
current figures, deal assessments, alerts, entities, stakes and chains."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from monazite_infra.devstack import EmbeddedPostgres
from monazite_infra.kafka_admin import ensure_topics
from monazite_infra.postgres.schema import migrate
from monazite_infra.settings import Settings
from tests.support.services import ServiceProcess, service_env
from tests.support.streams import event_stream, publish_in_bursts, uninterrupted_fold

EVENTS = 2500
PUBLISH_SECONDS = 20.0
COMMODITIES = ("rare_earths", "gallium", "graphite")

#: Every read model, in a deterministic order, without columns only a clock decides.
READ_MODELS = {
    "event_archive": "SELECT event_id, batch_seq, content_hash FROM event_archive ORDER BY seq",
    "index_changes": "SELECT change_id, market_id, basis, period, measure, figures, previous,"
    " caused_by, occurred_at, recorded_at FROM index_changes ORDER BY seq",
    "index_current": "SELECT * FROM index_current ORDER BY market_id, basis, period, measure",
    "deal_assessments": "SELECT * FROM deal_assessments ORDER BY deal_event_id",
    "alerts": "SELECT alert_id, kind, market_id, basis, caused_by, payload, occurred_at,"
    " recorded_at FROM alerts ORDER BY alert_id",
    "entity_current": "SELECT * FROM entity_current ORDER BY entity_id",
    "stake_current": "SELECT * FROM stake_current ORDER BY holder_id, target_id",
    "chain_current": "SELECT * FROM chain_current ORDER BY commodity",
}


@dataclass
class Group:
    """One consumer group with its own PostgreSQL, reading the shared input topics."""

    settings: Settings
    postgres: EmbeddedPostgres
    workers: list[ServiceProcess]

    @property
    def database_url(self) -> str:
        return self.settings.require_database_url()

    def worker(self, index: int) -> ServiceProcess:
        return self.workers[index]


@pytest.fixture
def groups(settings: Settings, tmp_path: Path) -> Iterator[tuple[Group, Group]]:
    tag = uuid.uuid4().hex[:6]
    shared = settings.model_copy(update={"topic_prefix": f"scale{tag}."})
    asyncio.run(ensure_topics(shared))
    made: list[Group] = []
    try:
        for name, size in (("one", 1), ("three", 3)):
            postgres = EmbeddedPostgres.start(tmp_path / f"pg-{name}")
            own = shared.model_copy(
                update={"database_url": postgres.url, "processor_group": f"scale-{name}-{tag}"}
            )
            asyncio.run(migrate(postgres.url))
            workers = [
                ServiceProcess(
                    "monazite_processor",
                    service_env(
                        own.model_copy(update={"home": tmp_path / f"{name}-{i}"}),
                        MONAZITE_TOPIC_PREFIX=own.topic_prefix,
                        MONAZITE_PROCESSOR_GROUP=own.processor_group,
                        MONAZITE_BATCH_MAX="200",
                        MONAZITE_BATCH_WITHIN_S="0.05",
                        MONAZITE_CHECKPOINT_EVERY="700",
                        # A loaded 2-core machine can hold a produced message for a good while
                        # before the broker has it: the fold waits that long before it orders.
                        MONAZITE_FOLD_MARGIN_MS="1500",
                        MONAZITE_FOLD_WINDOW_MS="200",
                        MONAZITE_FOLD_LEASE_S="6",
                    ),
                    tmp_path / f"{name}-{i}.log",
                )
                for i in range(size)
            ]
            made.append(Group(own, postgres, workers))
        yield made[0], made[1]
    finally:
        for group in made:
            for worker in group.workers:
                worker.stop()
            group.postgres.stop()


async def _fetch(database_url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(database_url)
    try:
        return [dict(r) for r in await connection.fetch(sql, *args)]
    finally:
        await connection.close()


def _query(group: Group, sql: str, *args: Any) -> list[dict[str, Any]]:
    return asyncio.run(_fetch(group.database_url, sql, *args))


def _lease_holder_pid(group: Group) -> int | None:
    rows = _query(group, "SELECT holder FROM fold_lease")
    return int(rows[0]["holder"].rsplit(":", 1)[1]) if rows else None


def _wait_until_folded(group: Group, accepted: int) -> None:
    deadline = time.monotonic() + 240
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = _query(
            group,
            "SELECT (SELECT count(*) FROM event_archive) AS archived,"
            " (SELECT count(*) FROM intake_queue) AS queued,"
            " (SELECT count(*) FROM parked_events) AS parked",
        )[0]
        if state["archived"] >= accepted and state["queued"] == 0 and state["parked"] == 0:
            return
        time.sleep(0.5)
    tails = "\n".join(w.log_tail(30) for w in group.workers)
    raise AssertionError(f"not folded: {state} of {accepted}\n{tails}")


def test_three_workers_through_a_join_and_a_leave_fold_exactly_what_one_worker_folds(
    groups: tuple[Group, Group],
) -> None:
    alone, trio = groups
    events = event_stream(
        events=EVENTS, entities=80, tag=f"scale{uuid.uuid4().hex[:4]}", commodities=COMMODITIES
    )
    accepted, expected_hhi = uninterrupted_fold(events)

    alone.worker(0).start()
    trio.worker(0).start()
    trio.worker(1).start()
    publishing = publish_in_bursts(alone.settings, events, PUBLISH_SECONDS, burst=40)

    time.sleep(PUBLISH_SECONDS / 3)
    trio.worker(2).start()  # joins: the group rebalances mid-stream
    time.sleep(PUBLISH_SECONDS / 3)
    folding = _lease_holder_pid(trio)
    leaving = next(w for w in trio.workers if w.process is not None and w.process.pid == folding)
    leaving.stop()  # the folding worker leaves: another takes the lease and the partitions
    publishing.join(120)
    assert not publishing.is_alive()

    _wait_until_folded(alone, accepted)
    _wait_until_folded(trio, accepted)
    time.sleep(1.0)  # a message taken in twice would be folded now

    for name, sql in READ_MODELS.items():
        one, three = _query(alone, sql), _query(trio, sql)
        assert len(one) == len(three), name
        differing = [i for i, (a, b) in enumerate(zip(one, three, strict=True)) if a != b]
        assert differing == [], f"{name} differs first at row {differing[:1]}"

    archive = _query(trio, "SELECT count(DISTINCT event_id) AS n FROM event_archive")
    assert archive[0]["n"] == accepted  # nothing lost, nothing twice
    current = {
        (r["market_id"], r["basis"], r["period"], r["measure"]): _hhi(r["figures"])
        for r in _query(trio, "SELECT * FROM index_current")
    }
    assert current == expected_hhi
    assert {k[0].split(".")[0] for k in current} == set(COMMODITIES)

    # The work was spread, and the fold changed hands.
    took_in = _query(trio, "SELECT instance, (detail->>'taken_in')::int AS n FROM service_status")
    assert sum(1 for row in took_in if row["n"] > 0) >= 2, took_in
    lease = _query(trio, "SELECT token FROM fold_lease")
    assert lease[0]["token"] >= 2


def _hhi(figures: Any) -> float:
    document = orjson.loads(figures) if isinstance(figures, str | bytes) else figures
    value: float = document["hhi"]
    return value
