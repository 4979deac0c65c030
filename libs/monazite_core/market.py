"""Market state and its fold: `decide(state, event)` then the figures of every touched index.

The state is a set of last-writer-wins registers (an entity's registration, a supplier's output per
market/year/measure, the ownership graph, the policy book), each ordered by the facts' own valid
time and id. The current state therefore depends only on *which* events were accepted, never on
the order they arrived in — replays, restarts, late events and several workers all agree.

Bases, for one market in one year on one measure:
- `country_location`: national statistics when the market has them, else company output by the
  facility's location (or the company's home country);
- `company_control`: company output attributed in full to its ultimate controller;
- `company_equity`: company output split across its ultimate equity owners;
- `country_control`: company output attributed to the home country of its ultimate controller;
- `available_to_rest_of_world`: `country_location` supply net of the export controls and export
  quotas in force on the state's valid date (the latest `occurred_at` it holds).
Company-based bases count what statistics report beyond the companies as unattributed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, NamedTuple, assert_never

from monazite_core.concentration import concentration
from monazite_core.countries import OTHER_COUNTRIES
from monazite_core.events import (
    BASES,
    AssetTransferred,
    Basis,
    EntityRegistered,
    EventRetracted,
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    Figures,
    FundingAwarded,
    IndexChanged,
    InputEvent,
    JointVentureFormed,
    Measure,
    MergerCompleted,
    OutputReported,
    PolicyEvent,
    PriceFloorSet,
    QuotaSet,
    Source,
    Stage,
    StakeChanged,
    TariffImposed,
    market_id,
)
from monazite_core.ownership import OwnershipGraph
from monazite_core.policy import MarketRef, PolicyBook, available_to_rest_of_world, covers

HUNDRED = Decimal(100)


class Series(NamedTuple):
    """One index series: a market in one year on one measure (production, capacity or quota)."""

    commodity: str
    element_group: str
    stage: Stage
    period: int
    measure: Measure

    @property
    def market_id(self) -> str:
        return market_id(self.commodity, self.element_group, self.stage)

    @property
    def market(self) -> MarketRef:
        return MarketRef(self.commodity, self.element_group, self.stage)


class IndexKey(NamedTuple):
    series: Series
    basis: Basis


class _OutputKey(NamedTuple):
    supplier_kind: Literal["entity", "country", "facility"]
    supplier_id: str
    series: Series


@dataclass(frozen=True)
class Supply:
    """One supplier's figure in one series, as the latest report says."""

    event_id: str
    entity_id: str | None
    country: str | None
    facility_id: str | None
    location_country: str | None
    tonnes: Decimal
    occurred_at: datetime

    def ordering_key(self) -> tuple[datetime, str]:
        return (self.occurred_at, self.event_id)


@dataclass(frozen=True)
class Accepted:
    event: InputEvent
    touched: frozenset[Series]
    before: Mapping[Series, Mapping[Basis, Figures]] = field(default_factory=dict)
    content_hash: str = ""


@dataclass(frozen=True)
class Duplicate:
    event_id: str


@dataclass(frozen=True)
class Rejected:
    event_id: str
    reason: str
    #: Entities the event names that are not registered (yet): it may be retried once they are.
    missing_entities: tuple[str, ...] = ()


Decision = Accepted | Duplicate | Rejected


@dataclass
class MarketState:
    """Everything the indices are computed from. Owned and mutated by exactly one fold loop."""

    entities: dict[str, EntityRegistered] = field(default_factory=dict)
    ownership: OwnershipGraph = field(default_factory=OwnershipGraph)
    policies: PolicyBook = field(default_factory=PolicyBook)
    accepted: dict[str, str] = field(default_factory=dict)
    #: Retracted event id → the retraction. Such events stay accepted (for dedupe) but count
    #: for nothing; the state is refolded without them (`refold`).
    retracted: dict[str, EventRetracted] = field(default_factory=dict)
    valid_time: datetime | None = None
    _outputs: dict[_OutputKey, Supply] = field(default_factory=dict)
    _series_outputs: dict[Series, set[_OutputKey]] = field(default_factory=lambda: defaultdict(set))
    _entity_series: dict[str, set[Series]] = field(default_factory=lambda: defaultdict(set))
    _facility_series: dict[str, set[Series]] = field(default_factory=lambda: defaultdict(set))
    #: Figures already computed for the state as it is, by series and `ownership_only`; `decide`
    #: drops the series each event touches. A batch's deals then reuse one another's figures
    #: (a deal's figures after are the next deal's figures before) instead of recomputing them.
    _figures: dict[tuple[Series, bool], dict[Basis, Figures]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def series(self) -> list[Series]:
        return sorted(s for s, keys in self._series_outputs.items() if keys)

    def supplies_in(self, series: Series) -> list[Supply]:
        return [self._outputs[k] for k in sorted(self._series_outputs.get(series, ()))]

    def entity_name(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id

    def valid_date(self) -> date | None:
        return self.valid_time.date() if self.valid_time else None

    def owner_of(self, supply: Supply) -> str | None:
        """The entity a supply is attributed to now: facility buyer, merger survivor, itself."""
        if supply.entity_id is None:
            return None
        if supply.facility_id is not None:
            return self.ownership.facility_owner(supply.facility_id, supply.entity_id)
        return self.ownership.canonical(supply.entity_id)

    def home_country(self, entity_id: str) -> str | None:
        entity = self.entities.get(entity_id)
        return entity.country if entity else None


def decide(state: MarketState, event: InputEvent) -> Decision:
    """Fold one event into the state, or say why it is a duplicate or is rejected.

    A rejected event leaves the state exactly as it was. An accepted ownership event also
    carries the figures of every series it could move as they were before it (for assessment).
    """
    digest = event.content_hash()
    known = state.accepted.get(event.event_id)
    if known is not None:
        if known == digest:
            return Duplicate(event.event_id)
        return Rejected(
            event.event_id,
            f"conflict: event_id {event.event_id!r} was already accepted with different content",
        )
    missing = [(role, e) for role, e in _referenced_entities(event) if e not in state.entities]
    if missing:
        role, first = missing[0]
        return Rejected(
            event.event_id,
            f"{role}: unknown entity {first!r}; publish its entity_registered event first"
            " (then re-drive this one)",
            missing_entities=tuple(sorted({e for _, e in missing})),
        )
    reason = _invalid_against_state(state, event)
    if reason is not None:
        return Rejected(event.event_id, reason)
    if isinstance(event, EventRetracted):
        # Registers keep only the latest fact per key, so undoing one means folding the
        # remaining events again: the caller does that with `refold`.
        state.accepted[event.event_id] = digest
        state.retracted[event.retracted_event_id] = event
        return Accepted(event, frozenset(), {}, digest)
    before: dict[Series, Mapping[Basis, Figures]] = {}
    if isinstance(event, StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed):
        before = {s: figures(state, s, ownership_only=True) for s in _ownership_reach(state, event)}
    state.accepted[event.event_id] = digest
    touched = _fold(state, event)
    touched |= _advance_valid_time(state, event.occurred_at)
    for series in touched:
        state._figures.pop((series, False), None)
        state._figures.pop((series, True), None)
    return Accepted(event, frozenset(touched), before, digest)


# ---- validation against the state ---------------------------------------------------------


def _invalid_against_state(state: MarketState, event: InputEvent) -> str | None:
    match event:
        case EventRetracted():
            if event.retracted_event_id not in state.accepted:
                return (
                    f"retracted_event_id: no accepted event {event.retracted_event_id!r}"
                    " (publish the retraction after the event it retracts)"
                )
            if (earlier := state.retracted.get(event.retracted_event_id)) is not None:
                return (
                    f"retracted_event_id: {event.retracted_event_id!r} was already retracted"
                    f" by {earlier.event_id!r}"
                )
        case StakeChanged() if event.pct_after is not None:
            return _overfilled(state, event.target_id, {event.holder_id: event.pct_after}, event)
        case JointVentureFormed():
            return _overfilled(
                state,
                event.venture_id,
                {p.entity_id: p.pct for p in event.partners if p.pct is not None},
                event,
                field_name="partners",
            )
        case MergerCompleted():
            if state.ownership.canonical(event.survivor_id) == event.absorbed_id:
                return f"absorbed_id: {event.absorbed_id!r} already absorbed {event.survivor_id!r}"
        case ExportControlSuspended() | ExportControlLifted():
            if event.control_id not in state.policies.controls:
                return (
                    f"control_id: no export control {event.control_id!r} was imposed; publish"
                    " its export_control_imposed event first"
                )
        case _:
            pass
    return None


def _referenced_entities(event: InputEvent) -> list[tuple[str, str]]:
    match event:
        case OutputReported() if event.entity_id is not None:
            return [("entity_id", event.entity_id)]
        case StakeChanged():
            return [("holder_id", event.holder_id), ("target_id", event.target_id)]
        case MergerCompleted():
            return [("survivor_id", event.survivor_id), ("absorbed_id", event.absorbed_id)]
        case AssetTransferred():
            named = [("to_entity_id", event.to_entity_id)]
            if event.from_entity_id is not None:
                named.append(("from_entity_id", event.from_entity_id))
            return named
        case JointVentureFormed():
            return [(f"partners[{i}].entity_id", p.entity_id) for i, p in enumerate(event.partners)]
        case QuotaSet() if event.entity_id is not None:
            return [("entity_id", event.entity_id)]
        case FundingAwarded():
            return [("funder_id", event.funder_id), ("recipient_id", event.recipient_id)]
        case PriceFloorSet() if event.beneficiary_id is not None:
            return [("beneficiary_id", event.beneficiary_id)]
        case _:
            return []


def _overfilled(
    state: MarketState,
    target: str,
    new: Mapping[str, Decimal],
    event: InputEvent,
    *,
    field_name: str = "pct_after",
) -> str | None:
    stale = [
        holder
        for holder in new
        if (current := state.ownership.latest(holder, target)) is not None
        and current.ordering_key() > event.ordering_key()
    ]
    if stale:
        return None  # superseded on arrival: it changes nothing, so it cannot overfill
    others = Decimal(0)
    for holding in _registered_holdings(state, target):
        if holding[0] not in new:
            others += holding[1]
    total = others + sum(new.values(), Decimal(0))
    if total > HUNDRED:
        return (
            f"{field_name}: stakes in {target!r} would sum to {total} % (other holders already"
            f" hold {others} %); publish the other holders' reductions first or correct the"
            " percentage"
        )
    return None


def _registered_holdings(state: MarketState, target: str) -> list[tuple[str, Decimal]]:
    return [
        (h.holder_id, h.pct_after)
        for h in state.ownership.holders_registered_in(target)
        if h.pct_after is not None
    ]


# ---- the fold ---------------------------------------------------------------------------


def _fold(state: MarketState, event: InputEvent) -> set[Series]:
    match event:
        case EntityRegistered():
            current = state.entities.get(event.entity_id)
            if current is not None and current.ordering_key() > event.ordering_key():
                return set()
            state.entities[event.entity_id] = event
            return _series_owned_through(state, event.entity_id)
        case OutputReported():
            series = Series(
                event.commodity, event.element_group, event.stage, event.period, event.measure
            )
            return _record_supply(
                state,
                series,
                Supply(
                    event.event_id,
                    event.entity_id,
                    event.country,
                    event.facility_id,
                    event.location_country,
                    event.quantity,
                    event.occurred_at,
                ),
            )
        case QuotaSet():
            if event.quota_kind == "export":
                state.policies.record(event)
                return {
                    s
                    for s in state.series()
                    if s.market == MarketRef(event.commodity, event.element_group, event.stage)
                    and s.period == event.period
                }
            series = Series(
                event.commodity, event.element_group, event.stage, event.period, "quota"
            )
            state.policies.record(event)
            return _record_supply(
                state,
                series,
                Supply(
                    event.event_id,
                    event.entity_id,
                    None if event.entity_id else event.jurisdiction,
                    None,
                    event.jurisdiction if event.entity_id else None,
                    event.tonnes,
                    event.occurred_at,
                ),
            )
        case StakeChanged() | MergerCompleted() | AssetTransferred() | JointVentureFormed():
            reach_before = _ownership_reach(state, event)
            changed = _record_ownership(state, event)
            return (reach_before | _ownership_reach(state, event)) if changed else set()
        case EventRetracted():
            return set()
        case (
            ExportControlImposed()
            | ExportControlSuspended()
            | ExportControlLifted()
            | TariffImposed()
            | FundingAwarded()
            | PriceFloorSet()
        ):
            control_before = state.policies.control_of(event)
            if not state.policies.record(event):
                return set()
            controls = [c for c in (control_before, state.policies.control_of(event)) if c]
            return {s for s in state.series() for c in controls if covers(c, s.market)}
        case _:
            assert_never(event)


def _record_supply(state: MarketState, series: Series, supply: Supply) -> set[Series]:
    if supply.facility_id is not None:
        key = _OutputKey("facility", supply.facility_id, series)
    elif supply.entity_id is not None:
        key = _OutputKey("entity", supply.entity_id, series)
    else:
        key = _OutputKey("country", supply.country or OTHER_COUNTRIES, series)
    current = state._outputs.get(key)
    if current is not None and current.ordering_key() > supply.ordering_key():
        return set()
    state._outputs[key] = supply
    state._series_outputs[series].add(key)
    if supply.entity_id is not None:
        state._entity_series[supply.entity_id].add(series)
    if supply.facility_id is not None:
        state._facility_series[supply.facility_id].add(series)
    return {series}


def _record_ownership(
    state: MarketState,
    event: StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed,
) -> bool:
    match event:
        case StakeChanged():
            return state.ownership.record(event)
        case MergerCompleted():
            return state.ownership.record_merger(event)
        case AssetTransferred():
            return state.ownership.record_transfer(event)
        case JointVentureFormed():
            return state.ownership.record_venture(event)


def _ownership_reach(
    state: MarketState,
    event: StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed,
) -> set[Series]:
    """Every series whose attribution an ownership event could change."""
    match event:
        case StakeChanged():
            return _series_owned_through(state, event.target_id)
        case MergerCompleted():
            return _series_owned_through(state, event.absorbed_id) | _series_owned_through(
                state, event.survivor_id
            )
        case AssetTransferred():
            return set(state._facility_series.get(event.facility_id, set()))
        case JointVentureFormed():
            return _series_owned_through(state, event.venture_id)


def _series_owned_through(state: MarketState, entity_id: str) -> set[Series]:
    touched: set[Series] = set()
    for entity in state.ownership.controlled_below(entity_id):
        touched |= state._entity_series.get(entity, set())
        for facility in state.ownership.facilities_touching(entity):
            touched |= state._facility_series.get(facility, set())
    return touched


def _advance_valid_time(state: MarketState, occurred_at: datetime) -> set[Series]:
    """Move the state's valid time forward; series whose policies change in between are touched."""
    previous = state.valid_time
    if previous is not None and occurred_at <= previous:
        return set()
    state.valid_time = occurred_at
    if previous is None:
        return set()
    crossed = {
        d for d in state.policies.boundaries() if previous.date() < d <= occurred_at.date()
    } | {
        # the day after an inclusive end date is when the control stops applying
        d
        for d in state.policies.boundaries()
        if previous.date() < _next_day(d) <= occurred_at.date()
    }
    if not crossed:
        return set()
    return {
        s
        for s in state.series()
        for control in state.policies.controls.values()
        if covers(control, s.market)
    }


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


# ---- figures ----------------------------------------------------------------------------


def figures(
    state: MarketState, series: Series, *, ownership_only: bool = False
) -> dict[Basis, Figures]:
    """Every basis that the data of one series supports, with its figures (only the
    ownership-based ones when `ownership_only`, which is all a deal assessment needs)."""
    known = state._figures.get((series, ownership_only))
    if known is None:
        known = _figures_of(state, series, ownership_only=ownership_only)
        state._figures[(series, ownership_only)] = known
    return dict(known)


def _figures_of(
    state: MarketState, series: Series, *, ownership_only: bool
) -> dict[Basis, Figures]:
    control: dict[str, Decimal] = defaultdict(Decimal)
    equity: dict[str, Decimal] = defaultdict(Decimal)
    control_country: dict[str, Decimal] = defaultdict(Decimal)
    located: dict[str, Decimal] = defaultdict(Decimal)
    statistics: dict[str, Decimal] = defaultdict(Decimal)
    company_total = Decimal(0)
    company_supplies = 0
    unlocated = Decimal(0)
    equity_lost = Decimal(0)
    country_unknown = Decimal(0)
    for supply in state.supplies_in(series):
        owner = state.owner_of(supply)
        if owner is None:
            statistics[supply.country or OTHER_COUNTRIES] += supply.tonnes
            continue
        company_total += supply.tonnes
        company_supplies += 1
        controller = state.ownership.ultimate_controller(owner)
        control[controller] += supply.tonnes
        owners, lost = state.ownership.equity_owners(owner)
        for holder, fraction in owners.items():
            equity[holder] += supply.tonnes * fraction
        equity_lost += supply.tonnes * lost
        if (home := state.home_country(controller)) is not None:
            control_country[home] += supply.tonnes
        else:
            country_unknown += supply.tonnes
        where = supply.location_country or state.home_country(supply.entity_id or owner)
        if where is None:
            unlocated += supply.tonnes
        else:
            located[where] += supply.tonnes

    result: dict[Basis, Figures] = {}
    statistics_total = sum(statistics.values(), Decimal(0))
    if statistics:
        other = statistics.pop(OTHER_COUNTRIES, Decimal(0))
        by_country, by_country_other = dict(statistics), other
    else:
        other = located.pop(OTHER_COUNTRIES, Decimal(0))
        by_country, by_country_other = dict(located), unlocated + other
    # As for the company bases: even when all report 0 t, so a published basis never vanishes.
    if state._series_outputs.get(series) and not ownership_only:
        result["country_location"] = concentration(by_country, unattributed=by_country_other)
        if (on := state.valid_date()) is not None:
            available = available_to_rest_of_world(
                by_country, state.policies, series.market, period=series.period, on=on
            )
            result["available_to_rest_of_world"] = concentration(
                available, unattributed=by_country_other
            )
        else:
            result["available_to_rest_of_world"] = result["country_location"]
    if company_supplies:  # even at 0 t, so that a basis once published never just vanishes
        beyond = max(Decimal(0), statistics_total - company_total)
        names = {e: state.entity_name(e) for e in set(control) | set(equity)}
        result["company_control"] = concentration(control, unattributed=beyond, names=names)
        result["company_equity"] = concentration(
            _quantized(equity), unattributed=beyond + equity_lost, names=names
        )
        result["country_control"] = concentration(
            control_country, unattributed=beyond + country_unknown
        )
    return {basis: result[basis] for basis in sorted(result)}


def _quantized(quantities: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Equity splits carry long fractions; a milligram is plenty and keeps figures stable."""
    step = Decimal("0.000001")
    return {k: v.quantize(step) for k, v in quantities.items()}


def index_changes(
    state: MarketState,
    touched_by: Mapping[Series, Iterable[InputEvent]],
    current: dict[IndexKey, Figures],
    *,
    publisher: str,
    recorded_at: datetime | None = None,
) -> list[IndexChanged]:
    """Recompute every touched series; update `current` and describe each figure that moved.

    `touched_by` names, per series, the accepted events that touched it: they become the
    change's `caused_by`; its valid time is the latest of their valid times and, unless given,
    its record time the latest of their record times (so a replay reproduces it exactly).
    """
    changes: list[IndexChanged] = []
    for series in sorted(touched_by):
        causes = sorted(
            {e.event_id: e for e in touched_by[series]}.values(), key=lambda e: e.event_id
        )
        fresh = figures(state, series)
        for basis in sorted(set(fresh) | {b for b in BASES if IndexKey(series, b) in current}):
            key = IndexKey(series, basis)
            before = current.get(key)
            after = fresh.get(basis)
            if after is None:
                if before is None:
                    continue
                after = concentration({})  # its every report retracted: nothing left to count
            if after == before:
                continue
            current[key] = after
            caused_by = tuple(e.event_id for e in causes)
            fingerprint = hashlib.sha256(
                (repr(key) + "|".join(caused_by) + repr(after)).encode()
            ).hexdigest()[:20]
            changes.append(
                IndexChanged(
                    event_id=f"index_changed:{fingerprint}",
                    occurred_at=max(e.occurred_at for e in causes),
                    recorded_at=recorded_at or max(e.recorded_at or e.occurred_at for e in causes),
                    source=Source(publisher=publisher),
                    causation_id=caused_by[-1] if caused_by else None,
                    market_id=series.market_id,
                    commodity=series.commodity,
                    element_group=series.element_group,
                    stage=series.stage,
                    basis=basis,
                    period=series.period,
                    measure=series.measure,
                    figures=after,
                    previous=before,
                    caused_by=caused_by,
                )
            )
    return changes


def policy_events(state: MarketState) -> list[PolicyEvent]:
    return sorted(state.policies.events.values(), key=lambda e: e.ordering_key())


def refold(events: Iterable[InputEvent]) -> MarketState:
    """The state that `events` (in archive order) lead to once every retraction among them is
    applied: retracted events stay accepted, so that a redelivery is still a duplicate, but
    count for nothing."""
    ordered = list(events)
    retractions = {e.retracted_event_id: e for e in ordered if isinstance(e, EventRetracted)}
    state = MarketState()
    for event in ordered:
        if event.event_id in retractions:
            state.accepted[event.event_id] = event.content_hash()
            continue
        decide(state, event)
    state.retracted.update(
        {target: r for target, r in retractions.items() if r.event_id in state.accepted}
    )
    return state


def as_of(
    events: Iterable[InputEvent], *, valid_at: datetime, known_at: datetime | None = None
) -> MarketState:
    """The state valid at `valid_at` as it was known at `known_at` (bitemporal).

    Only facts recorded by `known_at` count (retractions too), and of those only the ones that
    occurred by `valid_at`; policies are evaluated on `valid_at`.
    """
    known = [e for e in events if known_at is None or (e.recorded_at or e.occurred_at) <= known_at]
    retracted = {e.retracted_event_id for e in known if isinstance(e, EventRetracted)}
    state = refold(
        e
        for e in known
        if not isinstance(e, EventRetracted)
        and e.event_id not in retracted
        and e.occurred_at <= valid_at
    )
    state.valid_time = valid_at
    return state
