"""Fan-out of the live stream: one reader follows the feed for every subscriber.

The hub keeps the newest feed rows in memory, each already rendered as a server-sent-event frame,
so a new item costs one query and one wake-up however many clients listen. A subscriber holds
only a cursor (the last sequence number it was sent): it reads the buffer after its cursor, and
when it is further behind than the buffer reaches (a resume after a long disconnect, or a
`since` far back) it pages through PostgreSQL up to what the hub has seen, then joins the buffer.
Sequence numbers are drawn in commit order, so walking them in order has no gap and no duplicate.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass

from monazite_infra.postgres.feed import FeedNotifications, FeedRow, FeedSource

log = logging.getLogger("monazite.gateway.stream")

RETRY_MS = 3000
_FETCH = 1000
_BACKFILL_WINDOW = 5000


@dataclass(frozen=True, slots=True)
class StreamItem:
    seq: int
    kind: str
    markets: frozenset[str]
    basis: str | None
    frame: bytes

    @classmethod
    def of(cls, row: FeedRow) -> StreamItem:
        frame = f"id: {row.seq}\nevent: {row.kind}\ndata: {row.document}\n\n".encode()
        return cls(row.seq, row.kind, frozenset(row.markets), row.basis, frame)


@dataclass(frozen=True, slots=True)
class StreamFilter:
    kinds: frozenset[str] | None = None
    markets: frozenset[str] | None = None
    bases: frozenset[str] | None = None

    def admits(self, item: StreamItem) -> bool:
        if self.kinds is not None and item.kind not in self.kinds:
            return False
        if self.markets is not None and self.markets.isdisjoint(item.markets):
            return False
        return self.bases is None or item.basis is None or item.basis in self.bases


class StreamHub:
    def __init__(
        self,
        reader: FeedSource,
        *,
        database_url: str | None,
        poll_s: float,
        buffer_size: int = 20_000,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        """`database_url`: where to LISTEN for new rows; None polls only. `on_commit`: called as
        soon as the processor is known to have committed, before subscribers hear of it: on a
        notification (or a new LISTEN connection) before anything is read, and on new rows found
        by a poll (a notification may be lost)."""
        self._reader = reader
        self._on_commit = on_commit
        self._notifications = (
            FeedNotifications(database_url, self._on_notify) if database_url else None
        )
        self._poll_s = poll_s
        self._buffer_size = buffer_size
        self._items: list[StreamItem] = []
        self._seqs: list[int] = []
        self._floor = 0  # the buffer holds every item with a sequence number above this
        self._head = 0  # the newest sequence number read
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self.subscribers = 0

    @property
    def head(self) -> int:
        return self._head

    async def newest(self) -> int:
        """The newest sequence number committed, asked of PostgreSQL (the hub may lag a poll)."""
        return await self._reader.head()

    async def start(self) -> None:
        self._head = self._floor = await self._reader.head()
        self._tasks = [asyncio.create_task(self._follow(), name="stream-follow")]
        if self._notifications is not None:
            self._tasks.append(
                asyncio.create_task(self._notifications.run(), name="stream-notifications")
            )

    async def stop(self) -> None:
        self._closed = True
        self._announce()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _on_notify(self) -> None:
        if self._on_commit is not None:
            self._on_commit()
        self._wake.set()

    def _announce(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _follow(self) -> None:
        # Checked as well as cancelled: on Python 3.11 `wait_for` swallows a cancellation that
        # arrives as the wake-up does (a notification during shutdown).
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_s)
            self._wake.clear()
            try:
                await self._read_new()
            except Exception as error:  # PostgreSQL away: subscribers wait, nothing is lost
                log.warning("stream feed unreadable: %s", error)

    async def _read_new(self) -> None:
        while True:
            rows = await self._reader.after(self._head, limit=_FETCH)
            if not rows:
                return
            if self._on_commit is not None:
                self._on_commit()
            for row in rows:
                item = StreamItem.of(row)
                self._items.append(item)
                self._seqs.append(item.seq)
            self._head = rows[-1].seq
            excess = len(self._items) - self._buffer_size
            if excess > 0:
                self._floor = self._seqs[excess - 1]
                del self._items[:excess], self._seqs[:excess]
            self._announce()
            if len(rows) < _FETCH:
                return

    def _buffered_after(self, cursor: int) -> list[StreamItem] | None:
        """Buffered items after `cursor` (at most a page), or None when the buffer does not reach
        back that far."""
        if cursor < self._floor:
            return None
        start = bisect.bisect_right(self._seqs, cursor)
        return self._items[start : start + _FETCH]

    async def _backfill(self, cursor: int, wanted: StreamFilter) -> tuple[list[StreamItem], int]:
        up_to = min(cursor + _BACKFILL_WINDOW, self._floor)
        rows = await self._reader.window(
            cursor,
            up_to,
            kinds=_listed(wanted.kinds),
            markets=_listed(wanted.markets),
            bases=_listed(wanted.bases),
        )
        return [StreamItem.of(r) for r in rows], up_to

    async def frames(
        self, wanted: StreamFilter, *, after: int | None, heartbeat_s: float
    ) -> AsyncGenerator[bytes, None]:
        """The frames of one subscriber: items after `after` (None: from now), and a comment
        line whenever nothing was sent for `heartbeat_s`."""
        self.subscribers += 1
        try:
            cursor = self._head if after is None else after
            yield f"retry: {RETRY_MS}\n\n".encode()
            last_sent = time.monotonic()
            while not self._closed:
                changed = self._changed
                buffered = self._buffered_after(cursor)
                if buffered is None:
                    items, cursor = await self._backfill(cursor, wanted)
                else:
                    items = buffered
                    cursor = buffered[-1].seq if buffered else cursor
                chunk = b"".join(i.frame for i in items if wanted.admits(i))
                if chunk:
                    yield chunk
                    last_sent = time.monotonic()
                if buffered is None or buffered:
                    continue  # more may be waiting
                quiet_for = time.monotonic() - last_sent
                try:
                    await asyncio.wait_for(changed.wait(), max(0.0, heartbeat_s - quiet_for))
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    last_sent = time.monotonic()
        finally:
            self.subscribers -= 1


def _listed(values: frozenset[str] | None) -> Sequence[str] | None:
    return sorted(values) if values is not None else None
