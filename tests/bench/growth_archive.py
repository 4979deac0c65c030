"""Write an event history straight into a fresh database's event archive, as the processor would
have archived it, so that a restarting processor restores a state of any size within minutes.

Each event is archived as the processor archives it (`folding._archived`): its JSON document with
`recorded_at` set, its content hash, the input topic and a partition by its partition key, an
offset per partition, and a batch number (`batch_seq`) per `batch_size` events. Rows go in with
COPY, `COPY_CHUNK` at a time, so neither side holds the history whole.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from monazite_core.events import InputEvent
from monazite_infra.publisher import partition_key
from monazite_infra.settings import Settings
from monazite_infra.topics import input_topic_for

COPY_CHUNK = 20_000
COLUMNS = (
    "event_id",
    "type",
    "schema_version",
    "occurred_at",
    "recorded_at",
    "content_hash",
    "payload",
    "topic",
    "partition",
    "offset",
    "batch_seq",
)


@dataclass(frozen=True)
class ArchiveWritten:
    events: int
    batches: int
    seconds: float
    table_bytes: int  # event_archive with its indexes, as PostgreSQL stores it


async def write_archive(
    url: str, events: Iterable[InputEvent], settings: Settings, *, batch_size: int
) -> ArchiveWritten:
    """Archive `events` in order, `batch_size` to a batch."""
    started = time.perf_counter()
    recorded = datetime.now(UTC)
    recorded_text = recorded.isoformat().replace("+00:00", "Z")
    offsets: dict[tuple[str, int], int] = {}
    connection = await asyncpg.connect(url)
    written = 0
    try:
        rows: list[tuple[Any, ...]] = []
        for event in events:
            topic = input_topic_for(event.type).name(settings)
            partition = zlib.crc32(partition_key(event).encode()) % settings.input_partitions
            offset = offsets.get((topic, partition), 0)
            offsets[(topic, partition)] = offset + 1
            payload = event.model_dump(mode="json")
            payload["recorded_at"] = recorded_text  # the content hash leaves it out
            rows.append(
                (
                    event.event_id,
                    event.type,
                    event.schema_version,
                    event.occurred_at,
                    recorded,
                    event.content_hash(),
                    orjson.dumps(payload).decode(),
                    topic,
                    partition,
                    offset,
                    written // batch_size + 1,
                )
            )
            written += 1
            if len(rows) >= COPY_CHUNK:
                await connection.copy_records_to_table(
                    "event_archive", records=rows, columns=COLUMNS
                )
                rows = []
        if rows:
            await connection.copy_records_to_table("event_archive", records=rows, columns=COLUMNS)
        await connection.execute("ANALYZE event_archive")
        size: int = await connection.fetchval("SELECT pg_total_relation_size('event_archive')")
    finally:
        await connection.close()
    batches = (written + batch_size - 1) // batch_size
    return ArchiveWritten(written, batches, time.perf_counter() - started, size)
