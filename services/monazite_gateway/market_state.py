"""The market state what-if scenarios start from, folded by the gateway from the event archive.

The gateway holds no processor state, so it keeps its own: a fold of the archived events in
archive order (the order the processor folded them in), cached and brought up to date on each
use by folding only the rows archived since. A retraction among the new rows, or a row that
appeared below the cached position (a transaction that committed late), means the cached state
can no longer be extended: everything is folded again. One lock keeps concurrent requests from
folding the same rows twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from monazite_core import market
from monazite_core.events import InputEvent, parse_input_event
from monazite_core.market import MarketState, Rejected
from monazite_infra.postgres.read_store import ArchiveTail

log = logging.getLogger("monazite.gateway")


class ArchiveReader(Protocol):
    async def archived_after(self, seq: int) -> ArchiveTail: ...

    async def archived_payloads(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class BaseState:
    """A state to run a scenario on, and what it reflects.

    `state` is shared: read it, or copy it (as `run_scenario` does), without awaiting in
    between — a later refresh folds new events into the same object.
    """

    state: MarketState
    archive_seq: int | None
    events_folded: int
    as_of: datetime | None = None


class MarketStateCache:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._state = MarketState()
        self._seq = 0
        self._folded = 0

    async def current(self, archive: ArchiveReader) -> BaseState:
        """The state of every event archived so far."""
        async with self._lock:
            tail = await archive.archived_after(self._seq)
            if tail.count_through != self._folded or _retracts(tail) or not self._extend(tail):
                everything = await archive.archived_after(0)
                self._state = market.refold(_events(everything))
                self._seq = everything.rows[-1][0] if everything.rows else 0
                self._folded = len(everything.rows)
            return BaseState(self._state, self._seq, self._folded)

    def _extend(self, tail: ArchiveTail) -> bool:
        """Fold the new rows into the cached state; False when one is refused (the state then
        drifted from the processor's and must be folded again from the start)."""
        for event in _events(tail):
            if isinstance(market.decide(self._state, event), Rejected):
                log.warning("archived event %s refused by the cached state", event.event_id)
                return False
        if tail.rows:
            self._seq = tail.rows[-1][0]
            self._folded += len(tail.rows)
        return True


async def state_as_of(
    archive: ArchiveReader, valid_at: datetime | None, known_at: datetime | None = None
) -> BaseState:
    """The state valid at `valid_at` (default now) as the system knew it at `known_at` (default
    now), folded afresh from the archive (not cached: each time is its own state)."""
    valid_at = valid_at or datetime.now(UTC)
    events = [parse_input_event(p) for p in await archive.archived_payloads()]
    state = market.as_of(events, valid_at=valid_at, known_at=known_at)
    return BaseState(state, None, len(events), valid_at)


def _events(tail: ArchiveTail) -> list[InputEvent]:
    return [parse_input_event(payload) for _, payload in tail.rows]


def _retracts(tail: ArchiveTail) -> bool:
    return any(payload.get("type") == "event_retracted" for _, payload in tail.rows)
