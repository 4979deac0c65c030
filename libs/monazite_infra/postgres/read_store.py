"""The gateway's read side: current indices, markets and entities, straight from the read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class IndexFilter:
    market_id: str | None = None
    commodity: str | None = None
    element_group: str | None = None
    stage: str | None = None
    basis: str | None = None
    period: int | None = None
    measure: str | None = None


@dataclass(frozen=True)
class ArchiveTail:
    """Archived events after a seq, with how many rows the archive holds up to that seq (a
    reader that folded that many knows no earlier row arrived late)."""

    rows: list[tuple[int, dict[str, Any]]]
    count_through: int


@dataclass(frozen=True)
class StatusRow:
    service: str
    instance: str
    ready: bool
    heartbeat_at: datetime
    detail: dict[str, Any]


class ReadStore:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def ping(self) -> None:
        await self._pool.fetchval("SELECT 1")

    async def indices(self, where: IndexFilter) -> list[dict[str, Any]]:
        clauses, args = [], []
        for column in (
            "market_id",
            "commodity",
            "element_group",
            "stage",
            "basis",
            "period",
            "measure",
        ):
            value = getattr(where, column)
            if value is not None:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        sql = (
            "SELECT market_id, commodity, element_group, stage, basis, period, measure, figures,"
            " caused_by, change_id, valid_from, updated_at FROM index_current"
            + (" WHERE " + " AND ".join(clauses) if clauses else "")
            + " ORDER BY market_id, period DESC, measure, basis"
        )
        return [dict(r) for r in await self._pool.fetch(sql, *args)]

    async def markets(self) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT market_id, commodity, element_group, stage,"
            " array_agg(DISTINCT period ORDER BY period) AS periods,"
            " array_agg(DISTINCT measure ORDER BY measure) AS measures,"
            " array_agg(DISTINCT basis ORDER BY basis) AS bases"
            " FROM index_current GROUP BY market_id, commodity, element_group, stage"
            " ORDER BY market_id"
        )
        return [dict(r) for r in rows]

    async def market_exists(self, market_id: str) -> bool:
        return bool(
            await self._pool.fetchval(
                "SELECT EXISTS (SELECT 1 FROM index_current WHERE market_id = $1)", market_id
            )
        )

    async def entity(self, entity_id: str) -> dict[str, Any] | None:
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "SELECT entity_id, name, country, kind, aliases, controller_id, control_chain,"
                " registered_by, merged_into, free_float_pct FROM entity_current"
                " WHERE entity_id = $1",
                entity_id,
            )
            if row is None:
                return None
            holders = await connection.fetch(
                "SELECT s.holder_id AS entity_id, e.name, s.pct_after, s.controlling, s.event_id,"
                " s.occurred_at FROM stake_current s LEFT JOIN entity_current e"
                " ON e.entity_id = s.holder_id WHERE s.target_id = $1 ORDER BY s.holder_id",
                entity_id,
            )
            holdings = await connection.fetch(
                "SELECT s.target_id AS entity_id, e.name, s.pct_after, s.controlling, s.event_id,"
                " s.occurred_at FROM stake_current s LEFT JOIN entity_current e"
                " ON e.entity_id = s.target_id WHERE s.holder_id = $1 ORDER BY s.target_id",
                entity_id,
            )
            controller = await connection.fetchrow(
                "SELECT entity_id, name, country FROM entity_current WHERE entity_id = $1",
                row["controller_id"],
            )
        entity = dict(row)
        entity["holders"] = [dict(h) for h in holders]
        entity["holdings"] = [dict(h) for h in holdings]
        entity["controller"] = (
            dict(controller) if controller else {"entity_id": row["controller_id"], "name": None}
        )
        return entity

    async def service_status(self, service: str) -> list[StatusRow]:
        rows = await self._pool.fetch(
            "SELECT service, instance, ready_at IS NOT NULL AS ready, heartbeat_at, detail"
            " FROM service_status WHERE service = $1 ORDER BY heartbeat_at DESC",
            service,
        )
        return [StatusRow(**dict(r)) for r in rows]

    async def archive_count(self) -> int:
        count: int = await self._pool.fetchval("SELECT count(*) FROM event_archive")
        return count

    async def dead_letter_count(self) -> int:
        count: int = await self._pool.fetchval("SELECT count(*) FROM dead_letters")
        return count

    async def deal(self, deal_event_id: str) -> dict[str, Any] | None:
        payload: dict[str, Any] | None = await self._pool.fetchval(
            "SELECT payload FROM deal_assessments WHERE deal_event_id = $1", deal_event_id
        )
        return payload

    async def deals(
        self, *, entity_id: str | None, triggered_only: bool, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT deal_event_id, deal_type, acquirer_id, subject_id, control_changed,"
            " screens_triggered, summary, occurred_at, recorded_at FROM deal_assessments"
            " WHERE ($1::text IS NULL OR acquirer_id = $1 OR subject_id = $1)"
            " AND (NOT $2 OR cardinality(screens_triggered) > 0)"
            " ORDER BY occurred_at DESC, deal_event_id LIMIT $3",
            entity_id,
            triggered_only,
            limit,
        )
        return [dict(r) for r in rows]

    async def alerts(
        self, *, kind: str | None, market_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT payload FROM alerts WHERE ($1::text IS NULL OR kind = $1)"
            " AND ($2::text IS NULL OR market_id = $2) ORDER BY seq DESC LIMIT $3",
            kind,
            market_id,
            limit,
        )
        return [r["payload"] for r in rows]

    async def policies(
        self, *, types: list[str], jurisdiction: str | None, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT payload FROM event_archive WHERE type = ANY($1::text[])"
            " AND ($2::text IS NULL OR payload->>'jurisdiction' = $2)"
            " ORDER BY occurred_at DESC, event_id LIMIT $3",
            types,
            jurisdiction,
            limit,
        )
        return [r["payload"] for r in rows]

    async def dead_letters(
        self, *, topic: str | None, include_redriven: bool, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            'SELECT id, reason, topic, partition, "offset", event_id, payload,'
            " dead_lettered_at, redriven_at FROM dead_letters"
            " WHERE ($1::text IS NULL OR topic = $1) AND ($2 OR redriven_at IS NULL)"
            " AND ($3::bigint IS NULL OR id > $3) ORDER BY id LIMIT $4",
            topic,
            include_redriven,
            after_id,
            limit,
        )
        return [dict(r) for r in rows]

    async def index_history(
        self,
        market_id: str,
        *,
        basis: str | None,
        period: int | None,
        measure: str | None,
        after_seq: int | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT seq, change_id, basis, period, measure, figures, previous, caused_by,"
            " occurred_at, recorded_at FROM index_changes WHERE market_id = $1"
            " AND ($2::text IS NULL OR basis = $2) AND ($3::int IS NULL OR period = $3)"
            " AND ($4::text IS NULL OR measure = $4) AND ($5::bigint IS NULL OR seq > $5)"
            " ORDER BY seq LIMIT $6",
            market_id,
            basis,
            period,
            measure,
            after_seq,
            limit,
        )
        return [dict(r) for r in rows]

    async def events_by_id(self, event_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT event_id, type, occurred_at, payload FROM event_archive"
            " WHERE event_id = ANY($1::text[])",
            event_ids,
        )
        return {r["event_id"]: dict(r) for r in rows}

    async def archived_payloads(self) -> list[dict[str, Any]]:
        """Every accepted event, in archive order (for answers as of a past time)."""
        rows = await self._pool.fetch("SELECT payload FROM event_archive ORDER BY seq")
        return [r["payload"] for r in rows]

    async def archived_after(self, seq: int) -> ArchiveTail:
        """Every accepted event with a seq above `seq`, in archive order, as (seq, payload)."""
        async with (
            self._pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            rows = await connection.fetch(
                "SELECT seq, payload FROM event_archive WHERE seq > $1 ORDER BY seq", seq
            )
            count: int = await connection.fetchval(
                "SELECT count(*) FROM event_archive WHERE seq <= $1", seq
            )
        return ArchiveTail([(r["seq"], r["payload"]) for r in rows], count)

    async def archived_hashes(self, event_ids: list[str]) -> dict[str, str]:
        rows = await self._pool.fetch(
            "SELECT event_id, content_hash FROM event_archive WHERE event_id = ANY($1::text[])",
            event_ids,
        )
        return {r["event_id"]: r["content_hash"] for r in rows}
