"""What the processor persists: archive, read models, outbox and offsets, in one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

TopicPartitionKey = tuple[str, int]


@dataclass(frozen=True)
class ArchivedEvent:
    event_id: str
    type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    content_hash: str
    payload: dict[str, Any]
    topic: str
    partition: int
    offset: int
    batch_seq: int


@dataclass(frozen=True)
class Checkpoint:
    batch_seq: int
    events: int
    format: int
    state: bytes


@dataclass(frozen=True)
class IndexRow:
    change_id: str
    market_id: str
    basis: str
    period: int
    measure: str
    commodity: str
    element_group: str
    stage: str
    figures: dict[str, Any]
    previous: dict[str, Any] | None
    caused_by: list[str]
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class EntityRow:
    entity_id: str
    name: str | None
    country: str | None
    kind: str | None
    aliases: list[str]
    controller_id: str
    control_chain: list[str]
    registered_by: str | None
    merged_into: str | None
    free_float_pct: Any


@dataclass(frozen=True)
class DealRow:
    deal_event_id: str
    deal_type: str
    acquirer_id: str | None
    subject_id: str | None
    control_changed: bool
    screens_triggered: list[str]
    summary: str
    payload: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class AlertRow:
    alert_id: str
    kind: str
    market_id: str | None
    basis: str | None
    caused_by: list[str]
    message: str
    payload: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class ChainRow:
    """The latest chain_changed document of one commodity."""

    commodity: str
    change_id: str
    document: dict[str, Any]
    caused_by: list[str]
    valid_from: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StakeRow:
    holder_id: str
    target_id: str
    pct_after: Any
    controlling: bool | None
    event_id: str
    occurred_at: datetime
    ended: bool = False


@dataclass(frozen=True)
class DeadLetterRow:
    reason: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    payload: str
    dead_lettered_at: datetime


@dataclass(frozen=True)
class ParkedRow:
    event_id: str
    payload: dict[str, Any]
    topic: str
    partition: int
    offset: int
    parked_at: datetime
    missing: list[str]


@dataclass(frozen=True)
class OutboxMessage:
    topic: str
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class FeedItem:
    """One item of the live stream: the document published on an output topic, with what a
    subscriber filters on."""

    kind: str
    markets: list[str]
    basis: str | None
    document: str


#: Taken by every writer of the stream feed for the rest of its transaction: feed sequence numbers
#: then become visible in the order they were drawn, so a reader never skips one.
FEED_LOCK_KEY = 0x6D6F6E6665
FEED_CHANNEL = "monazite_stream"


@dataclass
class BatchWrite:
    """Everything one processed batch changes, committed atomically with its offsets."""

    archived: list[ArchivedEvent] = field(default_factory=list)
    indices: list[IndexRow] = field(default_factory=list)
    entities: list[EntityRow] = field(default_factory=list)
    stakes: list[StakeRow] = field(default_factory=list)
    dead_letters: list[DeadLetterRow] = field(default_factory=list)
    deals: list[DealRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    chains: list[ChainRow] = field(default_factory=list)
    outbox: list[OutboxMessage] = field(default_factory=list)
    feed: list[FeedItem] = field(default_factory=list)
    parked: list[ParkedRow] = field(default_factory=list)
    unparked: list[str] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    next_offsets: dict[TopicPartitionKey, int] = field(default_factory=dict)
    #: Taken-in messages this batch folded: they leave the intake queue with it.
    dequeued: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: The fold lease this batch is committed under; None: no lease (a lone folder, a replay).
    lease_token: int | None = None


class LeaseLost(RuntimeError):
    """Another worker took the fold lease: this worker's batch was not committed."""


class ProcessorStore:
    def __init__(self, pool: asyncpg.Pool[Any], *, consumer: str) -> None:
        self._pool = pool
        self._consumer = consumer

    @property
    def pool(self) -> asyncpg.Pool[Any]:
        return self._pool

    async def archived(
        self, *, after_batch: int = 0, chunk: int = 5000, of_type: str | None = None
    ) -> AsyncIterator[list[ArchivedEvent]]:
        """Archived events of the batches after `after_batch` (of one type, if given), in
        archive order, in chunks (a cursor keeps memory flat)."""
        async with self._pool.acquire() as connection, connection.transaction():
            cursor = connection.cursor(
                "SELECT event_id, type, schema_version, occurred_at, recorded_at, content_hash,"
                ' payload, topic, partition, "offset", batch_seq FROM event_archive'
                " WHERE batch_seq > $1 AND ($2::text IS NULL OR type = $2) ORDER BY seq",
                after_batch,
                of_type,
            )
            rows: list[ArchivedEvent] = []
            async for record in cursor:
                rows.append(ArchivedEvent(**dict(record)))
                if len(rows) >= chunk:
                    yield rows
                    rows = []
            if rows:
                yield rows

    async def latest_batch_seq(self) -> int:
        latest: int | None = await self._pool.fetchval("SELECT max(batch_seq) FROM event_archive")
        return latest or 0

    async def latest_checkpoint(self) -> Checkpoint | None:
        row = await self._pool.fetchrow(
            "SELECT batch_seq, events, format, state FROM checkpoints WHERE consumer = $1"
            " ORDER BY id DESC LIMIT 1",
            self._consumer,
        )
        return Checkpoint(**dict(row)) if row else None

    async def next_offsets(self, broker_epoch: str) -> dict[TopicPartitionKey, int]:
        rows = await self._pool.fetch(
            "SELECT topic, partition, next_offset FROM consumer_offsets"
            " WHERE consumer = $1 AND broker_epoch = $2",
            self._consumer,
            broker_epoch,
        )
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def commit(self, batch: BatchWrite, *, broker_epoch: str) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await _write_batch(connection, batch, consumer=self._consumer, epoch=broker_epoch)

    async def parked_events(self) -> list[ParkedRow]:
        rows = await self._pool.fetch(
            'SELECT event_id, payload, topic, partition, "offset", parked_at, missing'
            " FROM parked_events ORDER BY parked_at, event_id"
        )
        return [ParkedRow(**dict(r)) for r in rows]

    async def pending_outbox(self, limit: int = 5000) -> list[tuple[int, OutboxMessage]]:
        rows = await self._pool.fetch(
            "SELECT seq, topic, key, value FROM outbox ORDER BY seq LIMIT $1", limit
        )
        return [(r["seq"], OutboxMessage(r["topic"], r["key"], r["value"])) for r in rows]

    async def delete_outbox(self, up_to_seq: int) -> None:
        await self._pool.execute("DELETE FROM outbox WHERE seq <= $1", up_to_seq)

    async def heartbeat(
        self, *, service: str, instance: str, ready: bool, detail: dict[str, Any]
    ) -> None:
        await self._pool.execute(
            "INSERT INTO service_status (service, instance, detail, ready_at, heartbeat_at)"
            " VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END, now())"
            " ON CONFLICT (service, instance) DO UPDATE SET detail = EXCLUDED.detail,"
            " heartbeat_at = now(),"
            " ready_at = COALESCE(service_status.ready_at, EXCLUDED.ready_at)",
            service,
            instance,
            detail,
            ready,
        )


async def _write_batch(
    connection: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any],
    batch: BatchWrite,
    *,
    consumer: str,
    epoch: str,
) -> None:
    if batch.lease_token is not None:
        # First, so a worker that lost the lease writes nothing, and holds the lease row until
        # commit so a successor cannot take it half-way.
        renewed = await connection.execute(
            "UPDATE fold_lease SET renewed_at = now() WHERE consumer = $1 AND token = $2",
            consumer,
            batch.lease_token,
        )
        if not renewed.endswith(" 1"):
            raise LeaseLost(
                f"the fold lease of {consumer!r} is no longer token {batch.lease_token}"
            )
    if batch.dequeued:
        await connection.execute(
            'DELETE FROM intake_queue WHERE (broker_epoch, topic, partition, "offset") IN'
            " (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]))",
            [k[0] for k in batch.dequeued],
            [k[1] for k in batch.dequeued],
            [k[2] for k in batch.dequeued],
            [k[3] for k in batch.dequeued],
        )
    if batch.archived:
        await connection.executemany(
            "INSERT INTO event_archive (event_id, type, schema_version, occurred_at, recorded_at,"
            ' content_hash, payload, topic, partition, "offset", batch_seq)'
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            " ON CONFLICT (event_id) DO NOTHING",
            [
                (
                    a.event_id,
                    a.type,
                    a.schema_version,
                    a.occurred_at,
                    a.recorded_at,
                    a.content_hash,
                    a.payload,
                    a.topic,
                    a.partition,
                    a.offset,
                    a.batch_seq,
                )
                for a in batch.archived
            ],
        )
    if batch.indices:
        await connection.executemany(
            "INSERT INTO index_changes (change_id, market_id, basis, period, measure, figures,"
            " previous, caused_by, occurred_at, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (change_id) DO NOTHING",
            [
                (
                    i.change_id,
                    i.market_id,
                    i.basis,
                    i.period,
                    i.measure,
                    i.figures,
                    i.previous,
                    i.caused_by,
                    i.occurred_at,
                    i.recorded_at,
                )
                for i in batch.indices
            ],
        )
        await connection.executemany(
            "INSERT INTO index_current (market_id, basis, period, measure, commodity,"
            " element_group, stage, figures, caused_by, change_id, valid_from, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            " ON CONFLICT (market_id, basis, period, measure) DO UPDATE SET"
            " figures = EXCLUDED.figures, caused_by = EXCLUDED.caused_by,"
            " change_id = EXCLUDED.change_id, valid_from = EXCLUDED.valid_from,"
            " updated_at = EXCLUDED.updated_at",
            [
                (
                    i.market_id,
                    i.basis,
                    i.period,
                    i.measure,
                    i.commodity,
                    i.element_group,
                    i.stage,
                    i.figures,
                    i.caused_by,
                    i.change_id,
                    i.occurred_at,
                    i.recorded_at,
                )
                for i in batch.indices
            ],
        )
    if batch.entities:
        await connection.executemany(
            "INSERT INTO entity_current (entity_id, name, country, kind, aliases, controller_id,"
            " control_chain, registered_by, merged_into, free_float_pct)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (entity_id) DO UPDATE SET name = EXCLUDED.name,"
            " country = EXCLUDED.country, kind = EXCLUDED.kind, aliases = EXCLUDED.aliases,"
            " controller_id = EXCLUDED.controller_id, control_chain = EXCLUDED.control_chain,"
            " registered_by = EXCLUDED.registered_by, merged_into = EXCLUDED.merged_into,"
            " free_float_pct = EXCLUDED.free_float_pct",
            [
                (
                    e.entity_id,
                    e.name,
                    e.country,
                    e.kind,
                    e.aliases,
                    e.controller_id,
                    e.control_chain,
                    e.registered_by,
                    e.merged_into,
                    e.free_float_pct,
                )
                for e in batch.entities
            ],
        )
    ended = [(s.holder_id, s.target_id) for s in batch.stakes if s.ended]
    if ended:
        await connection.executemany(
            "DELETE FROM stake_current WHERE holder_id = $1 AND target_id = $2", ended
        )
    if any(not s.ended for s in batch.stakes):
        await connection.executemany(
            "INSERT INTO stake_current (holder_id, target_id, pct_after, controlling, event_id,"
            " occurred_at) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (holder_id, target_id) DO UPDATE SET pct_after = EXCLUDED.pct_after,"
            " controlling = EXCLUDED.controlling, event_id = EXCLUDED.event_id,"
            " occurred_at = EXCLUDED.occurred_at",
            [
                (s.holder_id, s.target_id, s.pct_after, s.controlling, s.event_id, s.occurred_at)
                for s in batch.stakes
                if not s.ended
            ],
        )
    if batch.dead_letters:
        await insert_dead_letters(connection, batch.dead_letters)
    if batch.deals:
        await connection.executemany(
            "INSERT INTO deal_assessments (deal_event_id, deal_type, acquirer_id, subject_id,"
            " control_changed, screens_triggered, summary, payload, occurred_at, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (deal_event_id) DO NOTHING",
            [
                (
                    d.deal_event_id,
                    d.deal_type,
                    d.acquirer_id,
                    d.subject_id,
                    d.control_changed,
                    d.screens_triggered,
                    d.summary,
                    d.payload,
                    d.occurred_at,
                    d.recorded_at,
                )
                for d in batch.deals
            ],
        )
    if batch.alerts:
        await connection.executemany(
            "INSERT INTO alerts (alert_id, kind, market_id, basis, caused_by, message, payload,"
            " occurred_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            " ON CONFLICT (alert_id) DO NOTHING",
            [
                (
                    a.alert_id,
                    a.kind,
                    a.market_id,
                    a.basis,
                    a.caused_by,
                    a.message,
                    a.payload,
                    a.occurred_at,
                    a.recorded_at,
                )
                for a in batch.alerts
            ],
        )
    if batch.chains:
        await connection.executemany(
            "INSERT INTO chain_current (commodity, change_id, document, caused_by, valid_from,"
            " updated_at) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (commodity) DO UPDATE SET change_id = EXCLUDED.change_id,"
            " document = EXCLUDED.document, caused_by = EXCLUDED.caused_by,"
            " valid_from = EXCLUDED.valid_from, updated_at = EXCLUDED.updated_at",
            [
                (c.commodity, c.change_id, c.document, c.caused_by, c.valid_from, c.updated_at)
                for c in batch.chains
            ],
        )
    if batch.parked:
        await connection.executemany(
            'INSERT INTO parked_events (event_id, payload, topic, partition, "offset",'
            " parked_at, missing) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (event_id) DO NOTHING",
            [
                (p.event_id, p.payload, p.topic, p.partition, p.offset, p.parked_at, p.missing)
                for p in batch.parked
            ],
        )
    if batch.unparked:
        await connection.execute(
            "DELETE FROM parked_events WHERE event_id = ANY($1::text[])", batch.unparked
        )
    if batch.outbox:
        await insert_outbox(connection, batch.outbox)
    if batch.feed:
        await connection.execute("SELECT pg_advisory_xact_lock($1)", FEED_LOCK_KEY)
        await connection.copy_records_to_table(
            "stream_feed",
            records=[(f.kind, f.markets, f.basis, f.document) for f in batch.feed],
            columns=["kind", "markets", "basis", "document"],
        )
    if batch.feed or batch.archived or batch.entities or batch.stakes:
        # Delivered on commit only, so a woken reader finds the rows; gateways also drop their
        # cached answers on it, so it goes out whenever the read models moved.
        await connection.execute("SELECT pg_notify($1, '')", FEED_CHANNEL)
    if batch.checkpoint is not None:
        c = batch.checkpoint
        await connection.execute(
            "INSERT INTO checkpoints (consumer, batch_seq, events, format, state)"
            " VALUES ($1, $2, $3, $4, $5)",
            consumer,
            c.batch_seq,
            c.events,
            c.format,
            c.state,
        )
        # Keep the two latest: one to restore from, one in case the newest is unreadable.
        await connection.execute(
            "DELETE FROM checkpoints WHERE consumer = $1 AND id < (SELECT min(id) FROM"
            " (SELECT id FROM checkpoints WHERE consumer = $1 ORDER BY id DESC LIMIT 2) AS kept)",
            consumer,
        )
    if batch.next_offsets:
        await connection.executemany(
            "INSERT INTO consumer_offsets (consumer, broker_epoch, topic, partition, next_offset)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consumer, broker_epoch, topic, partition)"
            " DO UPDATE SET next_offset = GREATEST(consumer_offsets.next_offset,"
            " EXCLUDED.next_offset)",
            [(consumer, epoch, t, p, o) for (t, p), o in batch.next_offsets.items()],
        )


async def insert_dead_letters(
    connection: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any],
    rows: list[DeadLetterRow],
) -> None:
    await connection.executemany(
        'INSERT INTO dead_letters (reason, topic, partition, "offset", event_id, payload,'
        " dead_lettered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (d.reason, d.topic, d.partition, d.offset, d.event_id, d.payload, d.dead_lettered_at)
            for d in rows
        ],
    )


async def insert_outbox(
    connection: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any],
    messages: list[OutboxMessage],
) -> None:
    await connection.copy_records_to_table(
        "outbox",
        records=[(m.topic, m.key, m.value) for m in messages],
        columns=["topic", "key", "value"],
    )
