"""A deterministic event history of any size for the memory and cost-of-growth benchmark.

`growth_events(events, entities)` yields `entities` registrations, then a mix that resembles years
of market news until `events` in all:
- ~88 % output reports: each company reports production and capacity in its own one to three
  markets (several commodities, element groups and stages), year after year, with revisions;
  one report in ten is national statistics;
- ~10 % stake changes building control chains: states hold groups, groups hold groups further
  down the list and operating companies (so chains are several levels deep and never cycle);
  stakes in one target never sum above 100 %;
- ~1 % policies (export controls on a fixed set of regimes, suspensions, liftings, export and
  production quotas, tariffs, funding, price floors) and ~1 % re-registrations.

Valid time runs forward over fifteen years whatever the size, so every event is accepted by the
fold and the history reads like one decade and a half of news, denser or sparser.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import get_args

from monazite_core.events import (
    Consideration,
    EntityKind,
    EntityRegistered,
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    FundingAwarded,
    InputEvent,
    Measure,
    OutputReported,
    PriceFloorSet,
    QuotaSet,
    Source,
    Stage,
    StakeChanged,
    TariffImposed,
)

SOURCE = Source(publisher="monazite growth benchmark", url="https://example.invalid/growth")
START = datetime(2010, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=15 * 365)
COUNTRIES = ("CN", "US", "AU", "MY", "MM", "VN", "CA", "DE", "JP", "BR", "IN", "ZA", "KR", "FR")
STAGES: tuple[Stage, ...] = get_args(Stage)
#: Commodity → element groups (each with its own markets at every stage).
COMMODITIES: dict[str, tuple[str, ...]] = {
    "rare_earths": ("total_reo", "light_reo", "heavy_reo", "ndpr", "dy_tb"),
    "gallium": ("primary",),
    "graphite": ("natural", "synthetic"),
    "lithium": ("carbonate", "hydroxide"),
}
MARKETS: tuple[tuple[str, str, Stage], ...] = tuple(
    (commodity, group, stage)
    for commodity, groups in COMMODITIES.items()
    for group in groups
    for stage in STAGES
)
#: Export-control regimes: imposed, re-imposed, suspended and lifted again and again, as the
#: real ones are, rather than a new regime per announcement.
CONTROL_REGIMES = 24
OUTPUT_SHARE = 0.88
STAKE_SHARE = 0.10
POLICY_SHARE = 0.01


@dataclass
class _Stakes:
    """What the generator has already said about stakes: keeps every total at or below 100 %."""

    held: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    total: dict[int, Decimal] = field(default_factory=dict)

    def room(self, holder: int, target: int) -> Decimal:
        mine = self.held.get((holder, target), Decimal(0))
        return Decimal(100) - self.total.get(target, Decimal(0)) + mine

    def set(self, holder: int, target: int, pct: Decimal) -> None:
        mine = self.held.get((holder, target), Decimal(0))
        self.total[target] = self.total.get(target, Decimal(0)) - mine + pct
        self.held[(holder, target)] = pct


@dataclass(frozen=True)
class Layout:
    """Tiers of entities, by index: states, holding groups, their subsidiaries, operating
    companies. Stakes run from one tier to the next (and, as minority stakes, between operating
    companies further down the list), so control chains are a few levels deep, as real ones are.
    """

    entities: int

    @property
    def states(self) -> int:
        return max(1, self.entities // 100)

    @property
    def holdings_end(self) -> int:
        return self.states + max(1, self.entities // 50)

    @property
    def subsidiaries_end(self) -> int:
        return self.holdings_end + max(1, self.entities // 10)

    def entity_id(self, index: int) -> str:
        return f"growth_e{index:06d}"


def growth_events(events: int, entities: int, *, seed: int = 20_250_101) -> Iterator[InputEvent]:
    """`events` events in all (the first `entities` of them registrations), deterministically."""
    if entities < 10 or events < entities:
        raise ValueError("need at least 10 entities and at least as many events as entities")
    rng = random.Random(seed)
    layout = Layout(entities)
    step = SPAN / events
    home = [rng.choice(COUNTRIES) for _ in range(entities)]
    profiles = [
        rng.sample(MARKETS, rng.choice((1, 1, 2, 2, 3))) for _ in range(entities)
    ]  # each company's own markets
    facilities = {
        i: (f"growth_f{i:06d}", rng.choice(COUNTRIES))
        for i in range(layout.subsidiaries_end, entities)
        if rng.random() < 0.2
    }
    stakes = _Stakes()
    candidates: dict[tuple[int, int], list[int]] = {}
    controls_imposed: set[int] = set()

    def when(i: int) -> datetime:
        return START + step * i

    def registration(i: int, index: int) -> EntityRegistered:
        kind: EntityKind = (
            "state" if index < layout.states else rng.choice(("company", "company", "fund"))
        )
        return EntityRegistered(
            event_id=f"growth:entity:{index}:{i}",
            occurred_at=when(i),
            source=SOURCE,
            entity_id=layout.entity_id(index),
            name=f"Growth Entity {index} Holdings",
            aliases=(f"GE{index}",),
            country=home[index],
            kind=kind,
        )

    def output(i: int) -> OutputReported:
        occurred = when(i)
        period = occurred.year - rng.choice((0, 1, 1))
        if rng.random() < 0.1:
            commodity, group, stage = rng.choice(MARKETS)
            return OutputReported(
                event_id=f"growth:stats:{i}",
                occurred_at=occurred,
                source=SOURCE,
                country=rng.choice(COUNTRIES),
                commodity=commodity,
                element_group=group,
                stage=stage,
                tonnes=Decimal(rng.randrange(100, 2_000_000)) / 10,
                period=period,
            )
        index = rng.randrange(layout.states, entities)
        commodity, group, stage = rng.choice(profiles[index])
        facility, location = facilities.get(index, (None, None))
        measure: Measure = "production" if rng.random() < 0.7 else "capacity"
        return OutputReported(
            event_id=f"growth:output:{i}",
            occurred_at=occurred,
            source=SOURCE,
            entity_id=layout.entity_id(index),
            facility_id=facility,
            location_country=location,
            commodity=commodity,
            element_group=group,
            stage=stage,
            tonnes=Decimal(rng.randrange(10, 500_000)) / 10,
            period=period,
            measure=measure,
        )

    def holders_of(target: int, lower: int, upper: int) -> list[int]:
        """The few entities that ever hold a stake in `target` (chosen once, among lower..upper):
        stakes change hands among the same holders again and again, as they do."""
        key = (target, lower)
        if key not in candidates:
            candidates[key] = [rng.randrange(lower, upper) for _ in range(rng.choice((1, 2, 3)))]
        return candidates[key]

    def stake(i: int) -> StakeChanged:
        roll = rng.random()
        if roll < 0.1:  # a state and a holding group
            target = rng.randrange(layout.states, layout.holdings_end)
            holder = rng.choice(holders_of(target, 0, layout.states))
        elif roll < 0.35:  # a holding group and a subsidiary
            target = rng.randrange(layout.holdings_end, layout.subsidiaries_end)
            holder = rng.choice(holders_of(target, layout.states, layout.holdings_end))
        elif roll < 0.9:  # a subsidiary (now and then a holding group) and an operating company
            target = rng.randrange(layout.subsidiaries_end, entities)
            holder = rng.choice(holders_of(target, layout.states, layout.subsidiaries_end))
        else:  # a minority stake between operating companies
            target = rng.randrange(layout.subsidiaries_end + 1, entities)
            holder = rng.choice(holders_of(target, layout.subsidiaries_end, target))
        room = stakes.room(holder, target)
        if roll >= 0.9:
            room = min(room, Decimal(20))
        pct = Decimal(0) if rng.random() < 0.05 else room * Decimal(rng.randrange(1, 101)) / 100
        pct = pct.quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        stakes.set(holder, target, pct)
        return StakeChanged(
            event_id=f"growth:stake:{i}",
            occurred_at=when(i),
            source=SOURCE,
            holder_id=layout.entity_id(holder),
            target_id=layout.entity_id(target),
            pct_after=pct,
            controlling=True if pct > 0 and rng.random() < 0.1 else None,
        )

    def policy(i: int) -> InputEvent:
        occurred = when(i)
        day = occurred.date()
        regime = rng.randrange(CONTROL_REGIMES)
        control_id = f"growth_control_{regime}"
        commodity = rng.choice(tuple(COMMODITIES))
        group = rng.choice(COMMODITIES[commodity])
        roll = rng.random()
        if roll < 0.3 or regime not in controls_imposed:
            controls_imposed.add(regime)
            return ExportControlImposed(
                event_id=f"growth:control:{i}",
                occurred_at=occurred,
                source=SOURCE,
                control_id=control_id,
                jurisdiction=COUNTRIES[regime % len(COUNTRIES)],
                commodity=commodity,
                element_groups=(group,),
                stages=tuple(rng.sample(STAGES, rng.randrange(1, 4))),
                restriction=rng.choice(("licence", "ban")),
                effective_from=day + timedelta(days=rng.randrange(0, 90)),
            )
        if roll < 0.4:
            start = day + timedelta(days=rng.randrange(0, 60))
            return ExportControlSuspended(
                event_id=f"growth:suspension:{i}",
                occurred_at=occurred,
                source=SOURCE,
                control_id=control_id,
                effective_from=start,
                effective_until=start + timedelta(days=rng.randrange(30, 365)),
            )
        if roll < 0.45:
            return ExportControlLifted(
                event_id=f"growth:lifting:{i}",
                occurred_at=occurred,
                source=SOURCE,
                control_id=control_id,
                effective_from=day + timedelta(days=rng.randrange(0, 180)),
            )
        if roll < 0.65:
            exporting = rng.random() < 0.5
            index = rng.randrange(layout.subsidiaries_end, entities)
            return QuotaSet(
                event_id=f"growth:quota:{i}",
                occurred_at=occurred,
                source=SOURCE,
                jurisdiction=home[index] if not exporting else rng.choice(COUNTRIES),
                entity_id=None if exporting else layout.entity_id(index),
                quota_kind="export" if exporting else "production",
                commodity=commodity,
                element_group=group,
                stage=rng.choice(STAGES),
                tonnes=Decimal(rng.randrange(1_000, 200_000)),
                period=occurred.year,
            )
        if roll < 0.8:
            return TariffImposed(
                event_id=f"growth:tariff:{i}",
                occurred_at=occurred,
                source=SOURCE,
                jurisdiction=rng.choice(COUNTRIES),
                on_origin=rng.choice(COUNTRIES),
                commodity=commodity,
                stages=(rng.choice(STAGES),),
                rate_pct=Decimal(rng.randrange(5, 100)),
                effective_from=day,
            )
        if roll < 0.92:
            return FundingAwarded(
                event_id=f"growth:funding:{i}",
                occurred_at=occurred,
                source=SOURCE,
                funder_id=layout.entity_id(rng.randrange(layout.states)),
                recipient_id=layout.entity_id(rng.randrange(layout.states, entities)),
                instrument=rng.choice(("grant", "loan", "equity", "offtake")),
                amount=Consideration(amount=Decimal(rng.randrange(1, 500)) * 10**6, currency="USD"),
            )
        return PriceFloorSet(
            event_id=f"growth:floor:{i}",
            occurred_at=occurred,
            source=SOURCE,
            jurisdiction=rng.choice(COUNTRIES),
            commodity=commodity,
            element_group=group,
            price_per_kg=Consideration(amount=Decimal(rng.randrange(20, 200)), currency="USD"),
            effective_from=day,
        )

    for i in range(entities):
        yield registration(i, i)
    for i in range(entities, events):
        roll = rng.random()
        if roll < OUTPUT_SHARE:
            yield output(i)
        elif roll < OUTPUT_SHARE + STAKE_SHARE:
            yield stake(i)
        elif roll < OUTPUT_SHARE + STAKE_SHARE + POLICY_SHARE:
            yield policy(i)
        else:
            yield registration(i, rng.randrange(entities))
