"""Deterministic event streams for fault and scale tests: several markets, control chains."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from monazite_core.events import (
    EntityRegistered,
    InputEvent,
    OutputReported,
    Source,
    StakeChanged,
)
from monazite_core.market import MarketState, decide, figures
from monazite_infra.publisher import EventPublisher
from monazite_infra.settings import Settings

SOURCE = Source(publisher="monazite-fault-tests")
COUNTRIES = ("CN", "US", "AU", "MY", "MM", "VN", "CA", "DE", "JP", "BR")
STAGES = ("mining", "separation", "metals", "magnets")


def country_mining_output(event_id: str, country: str, tonnes: int) -> dict[str, Any]:
    """One country's 2024 rare-earth mining output, as a document on the input topic."""
    return {
        "type": "output_reported",
        "event_id": event_id,
        "occurred_at": "2025-01-31T00:00:00+00:00",
        "source": {"publisher": "test"},
        "country": country,
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": tonnes,
        "period": 2024,
    }


def event_stream(
    *,
    events: int,
    entities: int = 60,
    seed: int = 7,
    tag: str = "fault",
    commodities: tuple[str, ...] = ("rare_earths",),
) -> list[InputEvent]:
    """Registrations first, then outputs across markets and stakes that build control chains
    (ids carry `tag` so several streams can share one database). With several `commodities`,
    every company reports output in any of them, so control chains cross commodities."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    names = [f"{tag}_co_{i:03d}" for i in range(entities)]
    stream: list[InputEvent] = [
        EntityRegistered(
            event_id=f"{tag}:entity:{name}",
            occurred_at=start,
            source=SOURCE,
            entity_id=name,
            name=name.replace("_", " ").title(),
            country=rng.choice(COUNTRIES),
            kind="company",
        )
        for name in names
    ]
    held: dict[str, Decimal] = {}
    for i in range(events - len(stream)):
        when = start + timedelta(hours=i)
        if rng.random() < 0.12:
            # Groups hold companies further down the list: chains several levels deep, as real
            # ownership is, without the dense cross-holding cycles of a random graph.
            holder, target = sorted(rng.sample(names, 2))
            pct = Decimal(rng.choice((10, 20, 35, 51, 60, 75)))
            if held.get(target, Decimal(0)) + pct > 100:
                continue
            held[target] = held.get(target, Decimal(0)) + pct
            stream.append(
                StakeChanged(
                    event_id=f"{tag}:stake:{i}",
                    occurred_at=when,
                    source=SOURCE,
                    holder_id=holder,
                    target_id=target,
                    pct_after=pct,
                )
            )
        else:
            stream.append(
                OutputReported(
                    event_id=f"{tag}:output:{i}",
                    occurred_at=when,
                    source=SOURCE,
                    entity_id=rng.choice(names),
                    commodity=rng.choice(commodities) if len(commodities) > 1 else commodities[0],
                    element_group=f"{tag}_group_{rng.randrange(3)}",
                    stage=rng.choice(STAGES),
                    tonnes=Decimal(rng.randrange(1, 5000)),
                    period=rng.choice((2023, 2024)),
                )
            )
    return stream


IndexHHI = dict[tuple[str, str, int, str], float]


def uninterrupted_fold(events: list[InputEvent]) -> tuple[int, IndexHHI]:
    """What an uninterrupted run makes of `events`: how many it accepts, and the HHI of every
    index, keyed (market_id, basis, period, measure)."""
    state = MarketState()
    for event in events:
        decide(state, event)
    return len(state.accepted), {
        (s.market_id, basis, s.period, s.measure): f.hhi
        for s in state.series()
        for basis, f in figures(state, s).items()
    }


def publish_in_bursts(
    settings: Settings, events: list[InputEvent], seconds: float, *, burst: int = 50
) -> threading.Thread:
    """Publish in bursts of `burst` spread over `seconds`, in a thread, so faults and
    rebalances land mid-stream."""

    async def run() -> None:
        async with EventPublisher(settings) as publisher:
            bursts = [events[i : i + burst] for i in range(0, len(events), burst)]
            for chunk in bursts:
                await publisher.publish(chunk)
                await asyncio.sleep(seconds / len(bursts))

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    return thread
