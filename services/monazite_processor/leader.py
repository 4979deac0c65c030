"""The fold: one worker of the group at a time (the lease holder) folds what every worker took in.

A standby tries for the lease on every poll; the holder renews it with every batch it commits (in
the batch's transaction) and between batches. A worker that stops cleanly gives the lease up; one
that dies loses it after `lease_s`, and a standby then restores the state (checkpoint + archive)
and carries on from the first message not folded. The batch order is fixed by `sequencing`, so a
takeover changes who folds, never what is folded or in which batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from monazite_infra.postgres.intake_store import IntakeStore, QueuedMessage
from monazite_infra.postgres.processor_store import BatchWrite, LeaseLost, TopicPartitionKey
from monazite_processor.folding import Folder, RawMessage
from monazite_processor.sequencing import fold_messages, release_frontier, window_end

log = logging.getLogger("monazite.processor")

EndOffsets = Callable[[], Awaitable[dict[TopicPartitionKey, int]]]
#: Called after each committed batch with what it folded and how long it took.
BatchListener = Callable[
    [BatchWrite, list[RawMessage], list[QueuedMessage], float], Awaitable[None]
]


class FoldLeader:
    def __init__(
        self,
        intake: IntakeStore,
        *,
        holder: str,
        broker_epoch: str,
        new_folder: Callable[[], Awaitable[Folder]],
        end_offsets: EndOffsets,
        on_batch: BatchListener,
        window_ms: int,
        margin_ms: int,
        batch_max: int,
        lease_s: float,
        poll_s: float,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.intake = intake
        self.holder = holder
        self.broker_epoch = broker_epoch
        self.new_folder = new_folder
        self.end_offsets = end_offsets
        self.on_batch = on_batch
        self.window_ms = window_ms
        self.margin_ms = margin_ms
        self.batch_max = batch_max
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.clock_ms = clock_ms
        self.folder: Folder | None = None
        self.token: int | None = None
        self._keepalive: asyncio.Future[None] | None = None
        #: Each partition's position as last seen, and when it was first seen there.
        self._seen: dict[TopicPartitionKey, tuple[int, int]] = {}
        self.wake = asyncio.Event()
        self.takeovers = 0

    @property
    def leading(self) -> bool:
        return self.token is not None and self.folder is not None

    async def run(self, should_stop: Callable[[], bool]) -> None:
        """Fold while leading, stand by otherwise, until `should_stop`."""
        try:
            while not should_stop():
                try:
                    worked = await self.step()
                except LeaseLost as lost:
                    log.warning("fold lease lost (%s): standing by", lost)
                    self._stand_down()
                    worked = False
                except Exception:
                    log.exception("fold step failed: standing down, state dropped")
                    await self.resign()
                    worked = False
                if not worked:
                    self.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wake.wait(), timeout=self.poll_s)
        finally:
            await self.resign()

    async def step(self) -> bool:
        """Take the lease if free, then fold one batch if one is ready; True when it folded."""
        if not await self._hold_lease():
            return False
        assert self.folder is not None
        assert self.token is not None
        checked_at_ms = self.clock_ms()
        end_offsets = await self.end_offsets()
        positions = await self.intake.positions(self.broker_epoch)
        for partition, position in positions.items():
            seen = self._seen.get(partition)
            if seen is None or seen[0] != position.next_offset:
                self._seen[partition] = (position.next_offset, checked_at_ms)
        frontier = release_frontier(
            end_offsets,
            positions,
            checked_at_ms=checked_at_ms,
            margin_ms=self.margin_ms,
            moved_at_ms={p: at for p, (_, at) in self._seen.items()},
        )
        earliest = await self.intake.earliest_queued_ms()
        if earliest is not None:
            # A batch is what the earliest message's window holds, in merge order, cut at
            # `batch_max`: it is ready when the window is complete, or when `batch_max` messages
            # of it are (nothing can still arrive before a message below the frontier).
            closes_at = window_end(earliest, self.window_ms)
            queued = await self.intake.queued_before(min(closes_at, frontier), limit=self.batch_max)
            if queued and (closes_at <= frontier or len(queued) == self.batch_max):
                await self._fold(queued, _at(closes_at))
                return True
        # Nothing to fold before the frontier: parked events may still have waited too long. Any
        # registration they wait for with an earlier merge time has been folded already.
        parked_until = frontier if earliest is None else min(frontier, earliest)
        if self.folder.parked and self.folder.parked_expire_by(_at(parked_until)):
            await self._fold([], _at(parked_until))
            return True
        return False

    async def _fold(self, queued: list[QueuedMessage], now: datetime) -> None:
        assert self.folder is not None
        messages = fold_messages(queued)
        started = time.perf_counter()
        batch = await self.folder.handle(
            messages,
            in_order=True,
            now=now,
            dequeued=[q.queue_key for q in queued],
            lease_token=self.token,
        )
        await self.on_batch(batch, messages, queued, time.perf_counter() - started)

    async def _hold_lease(self) -> bool:
        if self.token is not None:
            if self._keepalive is not None and self._keepalive.done():
                raise LeaseLost(f"token {self.token} was taken over")
            return self.folder is not None
        token = await self.intake.acquire_lease(self.holder, ttl_s=self.lease_s)
        if token is None:
            return False
        self.token = token
        self._keepalive = asyncio.ensure_future(self._keep_lease(token))
        started = time.perf_counter()
        # Whatever this worker folded before (an earlier lease) may be behind the database.
        self.folder = await self.new_folder()
        self.takeovers += 1
        log.info(
            "took the fold lease (token %d) and restored the state in %.2f s",
            token,
            time.perf_counter() - started,
        )
        return True

    async def _keep_lease(self, token: int) -> None:
        """Renew the lease between batches (and while restoring); returns once it is lost."""
        while True:
            await asyncio.sleep(self.lease_s / 4)
            try:
                if not await self.intake.renew_lease(token):
                    log.warning("fold lease token %d was taken over", token)
                    return
            except Exception as error:  # PostgreSQL away: the next batch's commit decides
                log.warning("fold lease not renewed: %s", error)

    def _stand_down(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
        self._keepalive = None
        self.token = None
        self.folder = None

    async def resign(self) -> None:
        """Give the lease up, so a standby takes over at once."""
        token = self.token
        self._stand_down()
        if token is not None:
            try:
                await self.intake.release_lease(token)
                log.info("gave up the fold lease (token %d)", token)
            except Exception as error:  # it then expires on its own
                log.warning("fold lease not given up: %s", error)


def _at(merge_ms: int) -> datetime:
    return datetime.fromtimestamp(merge_ms / 1000, tz=UTC)
