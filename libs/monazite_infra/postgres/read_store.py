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
class MarketFilter:
    """Narrows lists of things that belong to markets (alerts, deals) by the market's parts."""

    market_id: str | None = None
    commodity: str | None = None
    element_group: str | None = None
    stage: str | None = None


@dataclass(frozen=True)
class TimeRange:
    """Occurred at or after `start` and before `end` (either may be open)."""

    start: datetime | None = None
    end: datetime | None = None


class _Where:
    """SQL conditions with numbered parameters, built from optional filters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.args: list[Any] = []

    def add(self, clause: str, *values: Any) -> None:
        """`clause` with `{}` for each value, in order."""
        numbers = []
        for value in values:
            self.args.append(value)
            numbers.append(f"${len(self.args)}")
        self.clauses.append(clause.format(*numbers))

    def equal(self, column: str, value: Any) -> None:
        if value is not None:
            self.add(f"{column} = {{}}", value)

    def within(self, column: str, period: TimeRange) -> None:
        if period.start is not None:
            self.add(f"{column} >= {{}}", period.start)
        if period.end is not None:
            self.add(f"{column} < {{}}", period.end)

    def market_parts(self, column: str, markets: MarketFilter) -> None:
        self.equal(column, markets.market_id)
        for part, value in enumerate(
            (markets.commodity, markets.element_group, markets.stage), start=1
        ):
            if value is not None:
                self.add(f"split_part({column}, '.', {part}) = {{}}", value)

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""

    def limit(self, count: int) -> str:
        self.args.append(count)
        return f" LIMIT ${len(self.args)}"


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

    @property
    def pool(self) -> asyncpg.Pool[Any]:
        return self._pool

    async def ping(self) -> None:
        await self._pool.fetchval("SELECT 1")

    async def indices(
        self,
        where: IndexFilter,
        *,
        after: tuple[str, int, str, str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Current figures ordered by market, newest period first, measure and basis; `after` is
        the (market_id, period, measure, basis) of the last row of the previous page."""
        conditions = _Where()
        for column in (
            "market_id",
            "commodity",
            "element_group",
            "stage",
            "basis",
            "period",
            "measure",
        ):
            conditions.equal(column, getattr(where, column))
        if after is not None:
            market, period, measure, basis = after
            conditions.add(
                "(market_id, -period, measure, basis) > ({}, {}, {}, {})",
                market,
                -period,
                measure,
                basis,
            )
        sql = (
            "SELECT market_id, commodity, element_group, stage, basis, period, measure, figures,"
            " caused_by, change_id, valid_from, updated_at FROM index_current"
            + conditions.sql()
            + " ORDER BY market_id, -period, measure, basis"
            + (conditions.limit(limit) if limit is not None else "")
        )
        return [dict(r) for r in await self._pool.fetch(sql, *conditions.args)]

    async def markets(
        self, markets: MarketFilter, *, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        conditions = _Where()
        conditions.equal("commodity", markets.commodity)
        conditions.equal("element_group", markets.element_group)
        conditions.equal("stage", markets.stage)
        if after is not None:
            conditions.add("market_id > {}", after)
        rows = await self._pool.fetch(
            "SELECT market_id, commodity, element_group, stage,"
            " array_agg(DISTINCT period ORDER BY period) AS periods,"
            " array_agg(DISTINCT measure ORDER BY measure) AS measures,"
            " array_agg(DISTINCT basis ORDER BY basis) AS bases"
            " FROM index_current"
            + conditions.sql()
            + " GROUP BY market_id, commodity, element_group, stage ORDER BY market_id"
            + conditions.limit(limit),
            *conditions.args,
        )
        return [dict(r) for r in rows]

    async def entities(
        self,
        *,
        country: str | None,
        kind: str | None,
        controller_id: str | None,
        after: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        conditions = _Where()
        conditions.equal("country", country)
        conditions.equal("kind", kind)
        conditions.equal("controller_id", controller_id)
        if after is not None:
            conditions.add("entity_id > {}", after)
        rows = await self._pool.fetch(
            "SELECT entity_id, name, country, kind, aliases, controller_id, merged_into,"
            " free_float_pct FROM entity_current"
            + conditions.sql()
            + " ORDER BY entity_id"
            + conditions.limit(limit),
            *conditions.args,
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
        self,
        *,
        entity_id: str | None,
        triggered_only: bool,
        markets: MarketFilter,
        period: TimeRange,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Newest first; `after` is the (occurred_at, deal_event_id) of the previous page's last."""
        conditions = _Where()
        if entity_id is not None:
            conditions.add("(acquirer_id = {0} OR subject_id = {0})", entity_id)
        if triggered_only:
            conditions.add("cardinality(screens_triggered) > 0")
        if markets != MarketFilter():
            inner = _Where()
            inner.args = conditions.args  # numbered on from the outer conditions
            inner.market_parts("m->>'market_id'", markets)
            conditions.clauses.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(payload->'markets') AS m WHERE "
                + " AND ".join(inner.clauses)
                + ")"
            )
        conditions.within("occurred_at", period)
        if after is not None:
            conditions.add("(occurred_at, deal_event_id) < ({}, {})", *after)
        rows = await self._pool.fetch(
            "SELECT deal_event_id, deal_type, acquirer_id, subject_id, control_changed,"
            " screens_triggered, summary, occurred_at, recorded_at FROM deal_assessments"
            + conditions.sql()
            + " ORDER BY occurred_at DESC, deal_event_id DESC"
            + conditions.limit(limit),
            *conditions.args,
        )
        return [dict(r) for r in rows]

    async def alerts(
        self,
        *,
        kind: str | None,
        markets: MarketFilter,
        basis: str | None,
        period: TimeRange,
        before_seq: int | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Newest first, each with its `seq` (the cursor of the next page)."""
        conditions = _Where()
        conditions.equal("kind", kind)
        conditions.market_parts("market_id", markets)
        conditions.equal("basis", basis)
        conditions.within("occurred_at", period)
        if before_seq is not None:
            conditions.add("seq < {}", before_seq)
        rows = await self._pool.fetch(
            "SELECT seq, payload FROM alerts"
            + conditions.sql()
            + " ORDER BY seq DESC"
            + conditions.limit(limit),
            *conditions.args,
        )
        return [{"seq": r["seq"], **r["payload"]} for r in rows]

    async def policies(
        self,
        *,
        types: list[str],
        jurisdiction: str | None,
        entity_id: str | None,
        element_group: str | None,
        stage: str | None,
        period: TimeRange,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Newest first; `after` is the (occurred_at, event_id) of the previous page's last."""
        conditions = _Where()
        conditions.add("type = ANY({}::text[])", types)
        conditions.equal("payload->>'jurisdiction'", jurisdiction)
        if entity_id is not None:
            conditions.add(
                "{0} IN (payload->>'recipient_id', payload->>'funder_id',"
                " payload->>'beneficiary_id', payload->>'entity_id')",
                entity_id,
            )
        if element_group is not None:
            conditions.add(
                "(payload->'element_groups' ? {0} OR payload->>'element_group' = {0})",
                element_group,
            )
        if stage is not None:
            conditions.add("(payload->'stages' ? {0} OR payload->>'stage' = {0})", stage)
        conditions.within("occurred_at", period)
        if after is not None:
            conditions.add("(occurred_at, event_id) < ({}, {})", *after)
        rows = await self._pool.fetch(
            "SELECT payload FROM event_archive"
            + conditions.sql()
            + " ORDER BY occurred_at DESC, event_id DESC"
            + conditions.limit(limit),
            *conditions.args,
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
        occurred: TimeRange = TimeRange(),
        after_seq: int | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        conditions = _Where()
        conditions.equal("market_id", market_id)
        conditions.equal("basis", basis)
        conditions.equal("period", period)
        conditions.equal("measure", measure)
        conditions.within("occurred_at", occurred)
        if after_seq is not None:
            conditions.add("seq > {}", after_seq)
        rows = await self._pool.fetch(
            "SELECT seq, change_id, basis, period, measure, figures, previous, caused_by,"
            " occurred_at, recorded_at FROM index_changes"
            + conditions.sql()
            + " ORDER BY seq"
            + conditions.limit(limit),
            *conditions.args,
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
