"""The live stream's source: the feed the processor commits, read in sequence order, and a LISTEN
connection that says when there is more."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg

from monazite_infra.postgres.processor_store import FEED_CHANNEL

log = logging.getLogger("monazite.feed")


@dataclass(frozen=True, slots=True)
class FeedRow:
    seq: int
    kind: str
    markets: tuple[str, ...]
    basis: str | None
    document: str


class FeedSource(Protocol):
    """What a stream reader reads: `FeedReader` on PostgreSQL, or a stand-in in tests."""

    async def head(self) -> int: ...

    async def after(self, seq: int, *, limit: int) -> list[FeedRow]: ...

    async def window(
        self,
        after: int,
        up_to: int,
        *,
        kinds: Sequence[str] | None,
        markets: Sequence[str] | None,
        bases: Sequence[str] | None,
    ) -> list[FeedRow]: ...


class FeedReader:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def head(self) -> int:
        """The newest committed sequence number (0 for an empty feed)."""
        head: int | None = await self._pool.fetchval("SELECT max(seq) FROM stream_feed")
        return head or 0

    async def after(self, seq: int, *, limit: int) -> list[FeedRow]:
        rows = await self._pool.fetch(
            "SELECT seq, kind, markets, basis, document FROM stream_feed WHERE seq > $1"
            " ORDER BY seq LIMIT $2",
            seq,
            limit,
        )
        return [_row(r) for r in rows]

    async def window(
        self,
        after: int,
        up_to: int,
        *,
        kinds: Sequence[str] | None,
        markets: Sequence[str] | None,
        bases: Sequence[str] | None,
    ) -> list[FeedRow]:
        """The rows in (after, up_to] that pass the filters (None: any)."""
        rows = await self._pool.fetch(
            "SELECT seq, kind, markets, basis, document FROM stream_feed"
            " WHERE seq > $1 AND seq <= $2"
            " AND ($3::text[] IS NULL OR kind = ANY($3::text[]))"
            " AND ($4::text[] IS NULL OR markets && $4::text[])"
            " AND ($5::text[] IS NULL OR basis IS NULL OR basis = ANY($5::text[]))"
            " ORDER BY seq",
            after,
            up_to,
            kinds,
            markets,
            bases,
        )
        return [_row(r) for r in rows]


def _row(record: asyncpg.Record) -> FeedRow:
    return FeedRow(
        seq=record["seq"],
        kind=record["kind"],
        markets=tuple(record["markets"]),
        basis=record["basis"],
        document=record["document"],
    )


class FeedNotifications:
    """Calls `wake` whenever the processor commits feed rows; reconnects after losing PostgreSQL.

    Notifications only make the stream prompt: readers also poll, so a lost notification delays
    an item by one poll interval and never loses it.
    """

    def __init__(self, database_url: str, wake: Callable[[], None]) -> None:
        self._database_url = database_url
        self._wake = wake

    async def run(self) -> None:
        delay = 0.5
        while True:
            try:
                connection = await asyncpg.connect(self._database_url)
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("stream notifications unavailable (%s); polling meanwhile", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            delay = 0.5
            await self._listen(connection)

    async def _listen(self, connection: asyncpg.Connection[Any]) -> None:
        """Until the connection is lost."""
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(FEED_CHANNEL, lambda *_args: self._wake())
            self._wake()  # anything committed while not listening is read now
            await lost.wait()
        finally:
            await connection.close()
