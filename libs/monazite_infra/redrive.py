"""Re-drive dead letters: send their payloads again to the topic they came from, after a fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer


@dataclass(frozen=True)
class Redriven:
    dead_letter_id: int
    topic: str
    event_id: str | None


async def redrive(
    pool: asyncpg.Pool[Any],
    bootstrap: str,
    *,
    ids: list[int] | None = None,
    reason_contains: str | None = None,
) -> list[Redriven]:
    """Republish pending dead letters (all, or those chosen) and mark them re-driven.

    The payload goes back unchanged: the fix is elsewhere (a missing entity registered, a
    conflicting event corrected). If it fails again it comes back as a new dead letter.
    """
    rows = await pool.fetch(
        "SELECT id, topic, event_id, payload FROM dead_letters WHERE redriven_at IS NULL"
        " AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))"
        " AND ($2::text IS NULL OR strpos(reason, $2) > 0) ORDER BY id",
        ids,
        reason_contains,
    )
    if not rows:
        return []
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for row in rows:
            key = row["event_id"].encode() if row["event_id"] else None
            await producer.send_and_wait(row["topic"], row["payload"].encode(), key=key)
            await pool.execute(
                "UPDATE dead_letters SET redriven_at = $2 WHERE id = $1",
                row["id"],
                datetime.now(UTC),
            )
    finally:
        await producer.stop()
    return [Redriven(r["id"], r["topic"], r["event_id"]) for r in rows]
