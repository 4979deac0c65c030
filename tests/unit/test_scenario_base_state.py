"""The gateway's scenario base: a fold of the archive, extended by new rows, refolded when it
must be. An in-memory archive stands in for the read store (the same two methods)."""

from __future__ import annotations

import asyncio
from typing import Any

from monazite_core.events import EventRetracted, InputEvent
from monazite_core.market import MarketState, figures
from monazite_gateway.market_state import MarketStateCache
from monazite_infra.postgres.read_store import ArchiveTail
from tests.unit.factories import MINING_2024, SOURCE, at, output


class InMemoryArchive:
    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[str, Any]]] = []
        self.rows_read = 0

    def archive(self, event: InputEvent, seq: int | None = None) -> None:
        seq = seq if seq is not None else (self.rows[-1][0] + 1 if self.rows else 1)
        self.rows.append((seq, event.model_dump(mode="json")))
        self.rows.sort(key=lambda row: row[0])

    async def archived_after(self, seq: int) -> ArchiveTail:
        await asyncio.sleep(0)  # a real read yields to other requests
        tail = [row for row in self.rows if row[0] > seq]
        self.rows_read += len(tail)
        return ArchiveTail(tail, sum(1 for row in self.rows if row[0] <= seq))

    async def archived_payloads(self) -> list[dict[str, Any]]:
        return [payload for _, payload in self.rows]


def hhi(state: MarketState) -> float:
    return figures(state, MINING_2024)["country_location"].hhi


def test_only_rows_archived_since_the_last_use_are_folded() -> None:
    archive, cache = InMemoryArchive(), MarketStateCache()
    archive.archive(output(60, country="CN", event_id="cn"))
    archive.archive(output(40, country="US", event_id="us"))

    first = asyncio.run(cache.current(archive))
    archive.archive(output(100, country="AU", event_id="au"))
    second = asyncio.run(cache.current(archive))

    assert (first.archive_seq, second.archive_seq, second.events_folded) == (2, 3, 3)
    assert archive.rows_read == 3
    assert hhi(second.state) == 900 + 400 + 2500  # 30 %, 20 %, 50 %


def test_a_retraction_refolds_everything_without_the_retracted_event() -> None:
    archive, cache = InMemoryArchive(), MarketStateCache()
    archive.archive(output(60, country="CN", event_id="cn"))
    archive.archive(output(40, country="US", event_id="us"))
    asyncio.run(cache.current(archive))

    archive.archive(
        EventRetracted(
            event_id="retract-us",
            occurred_at=at(1),
            source=SOURCE,
            retracted_event_id="us",
            reason="wrong",
        )
    )
    base = asyncio.run(cache.current(archive))

    assert hhi(base.state) == 10_000  # only China is left
    assert archive.rows_read == 2 + 1 + 3  # the first fold, the new row, then all again


def test_a_row_committed_below_the_cached_position_refolds_everything() -> None:
    archive, cache = InMemoryArchive(), MarketStateCache()
    archive.archive(output(60, country="CN", event_id="cn"), seq=1)
    archive.archive(output(40, country="US", event_id="us"), seq=3)
    asyncio.run(cache.current(archive))

    archive.archive(output(100, country="AU", event_id="au"), seq=2)  # a late transaction
    base = asyncio.run(cache.current(archive))

    assert "au" in base.state.accepted
    assert (base.archive_seq, base.events_folded) == (3, 3)


def test_concurrent_requests_fold_the_archive_once() -> None:
    archive, cache = InMemoryArchive(), MarketStateCache()
    for n, country in enumerate(("CN", "US", "AU", "MM")):
        archive.archive(output(10 + n, country=country, event_id=country))

    async def together() -> list[int | None]:
        bases = await asyncio.gather(*(cache.current(archive) for _ in range(5)))
        return [b.archive_seq for b in bases]

    assert asyncio.run(together()) == [4] * 5
    assert archive.rows_read == 4
