"""What the workers of one consumer group share in PostgreSQL: the messages each took in from its
partitions, waiting for the fold, and the lease that says which worker folds.

Every worker takes in the partitions Kafka assigned it; exactly one worker at a time (the lease
holder) folds everything taken in, in merge order. See migration 0009 for the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from monazite_infra.postgres.processor_store import (
    DeadLetterRow,
    OutboxMessage,
    TopicPartitionKey,
    insert_dead_letters,
    insert_outbox,
)

#: Sent on commit of every intake, so a waiting fold looks at once rather than on its next poll.
INTAKE_CHANNEL = "monazite_intake"


@dataclass(frozen=True)
class PartitionPosition:
    """How far the group has taken in one input partition."""

    next_offset: int
    #: The largest merge time taken in from the partition (ms since the epoch); 0 when none.
    stream_ms: int


@dataclass(frozen=True)
class QueuedMessage:
    broker_epoch: str
    topic: str
    partition: int
    offset: int
    #: The fold's order: (merge_ms, topic, partition, offset).
    merge_ms: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes
    correlation_id: str | None

    @property
    def queue_key(self) -> QueueKey:
        return (self.broker_epoch, self.topic, self.partition, self.offset)


QueueKey = tuple[str, str, int, int]


@dataclass
class IntakeWrite:
    """What one intake commits: messages for the fold, dead letters, and the new positions."""

    queued: list[QueuedMessage] = field(default_factory=list)
    dead_letters: list[DeadLetterRow] = field(default_factory=list)
    outbox: list[OutboxMessage] = field(default_factory=list)
    positions: dict[TopicPartitionKey, PartitionPosition] = field(default_factory=dict)
    #: Messages below a partition's position: taken in before (a redelivery after a rebalance).
    redelivered: int = 0


IntakePlan = Callable[[Mapping[TopicPartitionKey, PartitionPosition]], IntakeWrite]


class IntakeStore:
    def __init__(self, pool: asyncpg.Pool[Any], *, consumer: str) -> None:
        self._pool = pool
        self._consumer = consumer

    async def take_in(
        self, broker_epoch: str, partitions: Iterable[TopicPartitionKey], plan: IntakePlan
    ) -> IntakeWrite:
        """Commit what `plan` makes of the partitions' current positions, atomically.

        The positions are locked for the transaction, so two workers that both believe they own
        a partition (during a rebalance) take each message in once: the second sees the first's
        positions and its plan skips what the first took.
        """
        wanted = sorted(set(partitions))
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.executemany(
                "INSERT INTO consumer_offsets (consumer, broker_epoch, topic, partition,"
                " next_offset, stream_ms) VALUES ($1, $2, $3, $4, 0, 0) ON CONFLICT DO NOTHING",
                [(self._consumer, broker_epoch, t, p) for t, p in wanted],
            )
            rows = await connection.fetch(
                "SELECT topic, partition, next_offset, stream_ms FROM consumer_offsets"
                " WHERE consumer = $1 AND broker_epoch = $2"
                " AND (topic, partition) IN (SELECT * FROM unnest($3::text[], $4::int[]))"
                " ORDER BY topic, partition FOR UPDATE",
                self._consumer,
                broker_epoch,
                [t for t, _ in wanted],
                [p for _, p in wanted],
            )
            write = plan(
                {
                    (r["topic"], r["partition"]): PartitionPosition(
                        r["next_offset"], r["stream_ms"]
                    )
                    for r in rows
                }
            )
            await _write_intake(connection, write, consumer=self._consumer, epoch=broker_epoch)
            return write

    async def positions(self, broker_epoch: str) -> dict[TopicPartitionKey, PartitionPosition]:
        rows = await self._pool.fetch(
            "SELECT topic, partition, next_offset, stream_ms FROM consumer_offsets"
            " WHERE consumer = $1 AND broker_epoch = $2",
            self._consumer,
            broker_epoch,
        )
        return {
            (r["topic"], r["partition"]): PartitionPosition(r["next_offset"], r["stream_ms"])
            for r in rows
        }

    async def earliest_queued_ms(self) -> int | None:
        found: int | None = await self._pool.fetchval(
            'SELECT merge_ms FROM intake_queue ORDER BY merge_ms, topic, partition, "offset"'
            " LIMIT 1"
        )
        return found

    async def queued_before(self, merge_ms: int, *, limit: int) -> list[QueuedMessage]:
        """The first `limit` messages waiting with a merge time below `merge_ms`, in merge
        order."""
        rows = await self._pool.fetch(
            'SELECT broker_epoch, topic, partition, "offset", merge_ms, timestamp_ms, key,'
            " value, correlation_id FROM intake_queue WHERE merge_ms < $1"
            ' ORDER BY merge_ms, topic, partition, "offset" LIMIT $2',
            merge_ms,
            limit,
        )
        return [QueuedMessage(**dict(r)) for r in rows]

    async def queued_count(self) -> int:
        count: int = await self._pool.fetchval("SELECT count(*) FROM intake_queue")
        return count

    async def acquire_lease(self, holder: str, *, ttl_s: float) -> int | None:
        """Take the fold lease when it is free, expired or already ours; returns the new token,
        or None when another worker holds it."""
        token: int | None = await self._pool.fetchval(
            "INSERT INTO fold_lease (consumer, token, holder, renewed_at) VALUES ($1, 1, $2, now())"
            " ON CONFLICT (consumer) DO UPDATE SET token = fold_lease.token + 1,"
            " holder = EXCLUDED.holder, renewed_at = now()"
            " WHERE fold_lease.holder = EXCLUDED.holder"
            " OR fold_lease.renewed_at < now() - make_interval(secs => $3)"
            " RETURNING token",
            self._consumer,
            holder,
            ttl_s,
        )
        return token

    async def renew_lease(self, token: int) -> bool:
        status: str = await self._pool.execute(
            "UPDATE fold_lease SET renewed_at = now() WHERE consumer = $1 AND token = $2",
            self._consumer,
            token,
        )
        return status.endswith(" 1")

    async def release_lease(self, token: int) -> None:
        """Give the lease up at once (a clean shutdown), so a standby need not wait it out."""
        await self._pool.execute(
            "UPDATE fold_lease SET renewed_at = '-infinity' WHERE consumer = $1 AND token = $2",
            self._consumer,
            token,
        )

    async def lease_holder(self) -> tuple[str, int] | None:
        row = await self._pool.fetchrow(
            "SELECT holder, token FROM fold_lease WHERE consumer = $1", self._consumer
        )
        return (row["holder"], row["token"]) if row else None


async def _write_intake(
    connection: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any],
    write: IntakeWrite,
    *,
    consumer: str,
    epoch: str,
) -> None:
    if write.queued:
        await connection.copy_records_to_table(
            "intake_queue",
            records=[
                (
                    q.broker_epoch,
                    q.topic,
                    q.partition,
                    q.offset,
                    q.merge_ms,
                    q.timestamp_ms,
                    q.key,
                    q.value,
                    q.correlation_id,
                )
                for q in write.queued
            ],
            columns=[
                "broker_epoch",
                "topic",
                "partition",
                "offset",
                "merge_ms",
                "timestamp_ms",
                "key",
                "value",
                "correlation_id",
            ],
        )
    if write.dead_letters:
        await insert_dead_letters(connection, write.dead_letters)
    if write.outbox:
        await insert_outbox(connection, write.outbox)
    if write.positions:
        await connection.executemany(
            "UPDATE consumer_offsets SET next_offset = $5, stream_ms = $6"
            " WHERE consumer = $1 AND broker_epoch = $2 AND topic = $3 AND partition = $4",
            [
                (consumer, epoch, t, p, position.next_offset, position.stream_ms)
                for (t, p), position in write.positions.items()
            ],
        )
    if write.queued or write.dead_letters:
        await connection.execute("SELECT pg_notify($1, '')", INTAKE_CHANNEL)
