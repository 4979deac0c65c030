"""Replay: rebuild every read model and a checkpoint from the event archive, and prove it equal.

The archive records the batch each event was folded in; folding the same batches in the same order
through the same code reproduces every derived fact (index changes, deal assessments, alerts,
entities) exactly, because derived facts take their record time from their causes. The rebuild
goes into a scratch schema, is compared table by table with the live read models, and replaces
them only when asked (`--apply`, with the processor stopped).

    python -m monazite_processor.replay [--apply]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ArchivedEvent, ProcessorStore
from monazite_infra.settings import Settings, get_settings
from monazite_processor.folding import Folder, RawMessage, Topics

SCRATCH_SCHEMA = "monazite_replay"
_ATTEMPTS = 3

#: Read models and the columns that must come out identical (surrogate keys left out).
READ_MODELS: dict[str, str] = {
    # What an archived event says is its content hash: the payload may be an older schema
    # version of the same content (it is upcast on reading).
    "event_archive": "event_id, type, occurred_at, recorded_at, content_hash, topic, partition,"
    ' "offset", batch_seq',
    "index_current": "market_id, basis, period, measure, commodity, element_group, stage,"
    " figures, caused_by, change_id, valid_from, updated_at",
    "index_changes": "change_id, market_id, basis, period, measure, figures, previous,"
    " caused_by, occurred_at, recorded_at",
    "entity_current": "entity_id, name, country, kind, aliases, controller_id, control_chain,"
    " registered_by, merged_into, free_float_pct",
    "stake_current": "holder_id, target_id, pct_after, controlling, event_id, occurred_at",
    "deal_assessments": "deal_event_id, deal_type, acquirer_id, subject_id, control_changed,"
    " screens_triggered, summary, payload, occurred_at, recorded_at",
    "alerts": "alert_id, kind, market_id, basis, caused_by, message, payload, occurred_at,"
    " recorded_at",
    "chain_current": "commodity, change_id, document, caused_by, valid_from, updated_at",
}
#: Tables the fold writes besides the read models (rebuilt too, compared by nothing).
WORK_TABLES = (
    "consumer_offsets",
    "outbox",
    "dead_letters",
    "parked_events",
    "checkpoints",
    "stream_feed",
)


@dataclass
class ReplayReport:
    events: int = 0
    batches: int = 0
    seconds: float = 0.0
    differences: dict[str, str] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def identical(self) -> bool:
        return not self.differences


async def replay(settings: Settings, *, apply: bool = False, force: bool = False) -> ReplayReport:
    database_url = settings.require_database_url()
    live = await create_pool(database_url, min_size=1, max_size=2)
    try:
        if apply and not force and await _processor_alive(live):
            raise RuntimeError("a processor is running: stop it before --apply (or pass --force)")
        source = ProcessorStore(live, consumer=settings.processor_group)
        for _ in range(_ATTEMPTS):
            # A live processor may fold a batch meanwhile: compare only a quiet snapshot.
            latest = await source.latest_batch_seq()
            report = await _rebuild_into_scratch(database_url, source, settings)
            report.differences = await _compare(live)
            if await source.latest_batch_seq() == latest:
                break
        if apply:
            await _apply(live)
        return report
    finally:
        await live.close()


async def _rebuild_into_scratch(
    database_url: str, source: ProcessorStore, settings: Settings
) -> ReplayReport:
    await _create_scratch_schema(source.pool)
    scratch = await create_pool(
        database_url,
        min_size=1,
        max_size=2,
        server_settings={"search_path": f"{SCRATCH_SCHEMA},public"},
    )
    try:
        return await _rebuild(source, ProcessorStore(scratch, consumer=settings.processor_group))
    finally:
        await scratch.close()


async def _rebuild(source: ProcessorStore, target: ProcessorStore) -> ReplayReport:
    folder = Folder(
        target,
        Topics("replay.indices", "replay.deals", "replay.alerts", "replay.dead-letters"),
        broker_epoch="replay",
        clock=lambda: datetime(1970, 1, 1, tzinfo=UTC),
        checkpoint_every=2**62,
    )
    report = ReplayReport()
    started = time.perf_counter()
    pending: list[ArchivedEvent] = []
    async for chunk in source.archived():
        for archived in chunk:
            if pending and archived.batch_seq != pending[0].batch_seq:
                await _fold_batch(folder, pending, report)
                pending = []
            pending.append(archived)
    if pending:
        await _fold_batch(folder, pending, report)
    final = await folder.prepare([])
    final.checkpoint = folder.checkpoint()
    await target.commit(final, broker_epoch="replay")
    report.seconds = time.perf_counter() - started
    return report


async def _fold_batch(
    folder: Folder, archived: Sequence[ArchivedEvent], report: ReplayReport
) -> None:
    folder.batch_seq = archived[0].batch_seq - 1  # keep the live batch numbers
    messages = [
        RawMessage(a.topic, a.partition, a.offset, None, None, orjson.dumps(a.payload))
        for a in archived
    ]
    batch = await folder.prepare(messages, in_order=True)
    if len(batch.archived) != len(archived):
        raise RuntimeError(
            f"batch {archived[0].batch_seq}: {len(archived) - len(batch.archived)} archived"
            " events were not accepted again"
        )
    batch.outbox.clear()  # a replay publishes nothing
    await folder.store.commit(batch, broker_epoch="replay")
    report.events += len(archived)
    report.batches += 1


async def _create_scratch_schema(pool: asyncpg.Pool[Any]) -> None:
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")
        await connection.execute(f"CREATE SCHEMA {SCRATCH_SCHEMA}")
        for table in (*READ_MODELS, *WORK_TABLES):
            await connection.execute(
                f"CREATE TABLE {SCRATCH_SCHEMA}.{table}"
                f" (LIKE public.{table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
                " INCLUDING INDEXES)"
            )


async def _compare(pool: asyncpg.Pool[Any]) -> dict[str, str]:
    differences = {}
    for table, columns in READ_MODELS.items():
        digests = []
        counts = []
        for schema in ("public", SCRATCH_SCHEMA):
            row = await pool.fetchrow(
                f"SELECT count(*) AS n, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY"
                f" r::text), '')) AS digest FROM (SELECT {columns} FROM {schema}.{table}) AS r"
            )
            assert row is not None
            digests.append(row["digest"])
            counts.append(row["n"])
        if digests[0] != digests[1]:
            differences[table] = f"live {counts[0]} rows, replay {counts[1]} rows, contents differ"
    return differences


async def _apply(pool: asyncpg.Pool[Any]) -> None:
    async with pool.acquire() as connection, connection.transaction():
        for table in (*READ_MODELS, "checkpoints"):
            await connection.execute(f"TRUNCATE public.{table}")
            await connection.execute(
                f"INSERT INTO public.{table} SELECT * FROM {SCRATCH_SCHEMA}.{table}"
            )


async def _processor_alive(pool: asyncpg.Pool[Any]) -> bool:
    return bool(
        await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM service_status WHERE service = 'processor'"
            " AND heartbeat_at > now() - interval '10 seconds')"
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="monazite replay", description=__doc__.splitlines()[0])
    parser.add_argument("--apply", action="store_true", help="replace the live read models")
    parser.add_argument("--force", action="store_true", help="apply even if a processor runs")
    arguments = parser.parse_args(argv)
    report = asyncio.run(replay(get_settings(), apply=arguments.apply, force=arguments.force))
    print(
        f"replayed {report.events} events in {report.batches} batches in {report.seconds:.2f} s"
        f" ({report.events_per_second:,.0f} events/s)"
    )
    for table in READ_MODELS:
        print(f"  {table:<17} {report.differences.get(table, 'identical')}")
    print("replay equals the live state" if report.identical else "replay DIFFERS from live state")
    if arguments.apply:
        print("live read models replaced by the replay")
    return 0 if report.identical else 1


if __name__ == "__main__":
    sys.exit(main())
