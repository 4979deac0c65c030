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

import copy
import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal, NamedTuple, assert_never

from monazite_core.accepted import AcceptedEvents
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
_NO_OFFSET = timedelta(0)
_ID_SEPARATOR = "\n"  # never in an event id (`Identifier`)


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


SupplierKind = Literal["country", "entity", "facility"]


@dataclass(frozen=True, slots=True)
class Supply:
    """One supplier's figure in one series, as the latest report says.

    A state holds one per supplier and series (hundreds of thousands in a large state): slots,
    and strings shared with every other supply naming the same entity, country or facility.
    """

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


@dataclass(slots=True)
class _SeriesSupplies:
    series: Series  #: the one Series object the state's indices share for this series
    by_kind: dict[SupplierKind, dict[str, Supply]]

    # Pickled by columns: hundreds of thousands of supplies would otherwise be some five objects
    # each in the pickler's memo (a checkpoint's peak memory), and are a handful per series so.

    def __getstate__(self) -> tuple[Series, list[tuple[SupplierKind, _PackedSupplies]]]:
        return self.series, [(kind, _pack(by_id)) for kind, by_id in self.by_kind.items()]

    def __setstate__(
        self, state: tuple[Series, list[tuple[SupplierKind, _PackedSupplies]]]
    ) -> None:
        self.series, packed = state
        self.by_kind = {kind: _unpack(columns) for kind, columns in packed}


#: One kind of supplier's supplies in one series, by columns (see `_pack`).
_PackedSupplies = tuple[
    str | list[str],
    str | list[str],
    list[str | None],
    list[str | None],
    list[str | None],
    list[str | None],
    str,
    list[int] | list[datetime],
]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _pack(by_id: dict[str, Supply]) -> _PackedSupplies:
    """Supplier ids, event ids and tonnes as one text each (newline-separated; tonnes as their
    exact decimal text), UTC times as microseconds, the shared strings as lists."""
    supplies = list(by_id.values())
    return (
        _joined(list(by_id)),
        _joined([s.event_id for s in supplies]),
        [s.entity_id for s in supplies],
        [s.country for s in supplies],
        [s.facility_id for s in supplies],
        [s.location_country for s in supplies],
        _ID_SEPARATOR.join(str(s.tonnes) for s in supplies),
        [(s.occurred_at - _EPOCH) // _MICROSECOND for s in supplies]
        if all(s.occurred_at.tzinfo is UTC for s in supplies)
        else [s.occurred_at for s in supplies],
    )


def _unpack(columns: _PackedSupplies) -> dict[str, Supply]:
    suppliers, event_ids, entities, countries, facilities, locations, tonnes, times = columns
    occurred = [t if isinstance(t, datetime) else _EPOCH + t * _MICROSECOND for t in times]
    return {
        sys.intern(supplier): Supply(*fields)
        for supplier, *fields in zip(
            _split(suppliers),
            _split(event_ids),
            [_shared(e) for e in entities],
            [_shared(c) for c in countries],
            [_shared(f) for f in facilities],
            [_shared(loc) for loc in locations],
            [Decimal(t) for t in tonnes.split(_ID_SEPARATOR)] if tonnes else [],
            occurred,
            strict=True,
        )
    }


def _joined(ids: list[str]) -> str | list[str]:
    """The ids as one text, unless one holds the separator (then as they are)."""
    text = _ID_SEPARATOR.join(ids)
    return text if text.count(_ID_SEPARATOR) == len(ids) - 1 else ids


def _split(ids: str | list[str]) -> list[str]:
    return ids.split(_ID_SEPARATOR) if isinstance(ids, str) else ids


@dataclass
class MarketState:
    """Everything the indices are computed from. Owned and mutated by exactly one fold loop."""

    entities: dict[str, EntityRegistered] = field(default_factory=dict)
    ownership: OwnershipGraph = field(default_factory=OwnershipGraph)
    policies: PolicyBook = field(default_factory=PolicyBook)
    #: Accepted event id → its content digest (`Event.content_digest`), in the order accepted.
    accepted: AcceptedEvents = field(default_factory=AcceptedEvents)
    #: Retracted event id → the retraction. Such events stay accepted (for dedupe) but count
    #: for nothing; the state is refolded without them (`refold`).
    retracted: dict[str, EventRetracted] = field(default_factory=dict)
    valid_time: datetime | None = None
    #: Series → kind of supplier → supplier id → its latest supply.
    _supplies: dict[Series, _SeriesSupplies] = field(default_factory=dict)
    #: Entity (facility) id → the series it supplies, as the keys of a dict: a small dict takes
    #: half the memory of a set, and there is one per entity.
    _entity_series: dict[str, dict[Series, None]] = field(default_factory=lambda: defaultdict(dict))
    _facility_series: dict[str, dict[Series, None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: Figures already computed for the state as it is, by series and `ownership_only`; `decide`
    #: drops the series each event touches. A batch's deals then reuse one another's figures
    #: (a deal's figures after are the next deal's figures before) instead of recomputing them.
    _figures: dict[tuple[Series, bool], dict[Basis, Figures]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def series(self) -> list[Series]:
        return sorted(self._supplies)

    def supplies_in(self, series: Series) -> list[Supply]:
        """Ordered by kind of supplier, then supplier id."""
        found = self._supplies.get(series)
        if found is None:
            return []
        return [
            by_id[supplier]
            for _, by_id in sorted(found.by_kind.items())
            for supplier in sorted(by_id)
        ]

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

    # A checkpoint pickles the state: the figures cache is left out (figures are recomputed on
    # demand, and a restore recomputes every one anyway).

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_figures": {}}

    def __setstate__(self, fields: dict[str, object]) -> None:
        self.__dict__.update(fields)

    def __deepcopy__(self, memo: dict[int, object]) -> MarketState:
        """A copy of everything, the figures cache too (a scenario's copy reuses its figures)."""
        copied = MarketState.__new__(MarketState)
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return copied


def decide(state: MarketState, event: InputEvent, *, describe: bool = True) -> Decision:
    """Fold one event into the state, or say why it is a duplicate or is rejected.

    A rejected event leaves the state exactly as it was. An accepted event names the series it
    touched; an accepted ownership event also carries the figures of every series it could move
    as they were before it (for assessment).

    `describe=False` only folds (a refold, which publishes and assesses nothing): the decision
    then names no series and carries no figures, which spares walking the ownership graph and
    the series on every deal and policy; the figures cache is dropped whole instead.
    """
    digest = event.content_digest()
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
        return Accepted(event, frozenset(), {}, digest.hex())
    before: dict[Series, Mapping[Basis, Figures]] = {}
    if describe and isinstance(
        event, StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed
    ):
        before = {s: figures(state, s, ownership_only=True) for s in _ownership_reach(state, event)}
    state.accepted[event.event_id] = digest
    touched = _fold(state, event, describe)
    touched |= _advance_valid_time(state, event.occurred_at, describe)
    if not describe:
        touched = set()
        state._figures.clear()
    for series in touched:
        state._figures.pop((series, False), None)
        state._figures.pop((series, True), None)
    return Accepted(event, frozenset(touched), before, digest.hex())


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


def _fold(state: MarketState, event: InputEvent, describe: bool) -> set[Series]:
    """Record the event in the registers; returns the series it touched when `describe`."""
    match event:
        case EntityRegistered():
            current = state.entities.get(event.entity_id)
            if current is not None and current.ordering_key() > event.ordering_key():
                return set()
            state.entities[event.entity_id] = event
            return _series_owned_through(state, event.entity_id) if describe else set()
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
                if not describe:
                    return set()
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
            if not describe:
                _record_ownership(state, event)
                return set()
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
            if not describe:
                return set()
            controls = [c for c in (control_before, state.policies.control_of(event)) if c]
            return _series_covered_by(state, controls)
        case _:
            assert_never(event)


def _record_supply(state: MarketState, series: Series, supply: Supply) -> set[Series]:
    kind: SupplierKind
    if supply.facility_id is not None:
        kind, supplier = "facility", supply.facility_id
    elif supply.entity_id is not None:
        kind, supplier = "entity", supply.entity_id
    else:
        kind, supplier = "country", supply.country or OTHER_COUNTRIES
    held = state._supplies.get(series)
    by_id = held.by_kind.get(kind) if held is not None else None
    current = by_id.get(supplier) if by_id is not None else None
    if current is not None and current.ordering_key() > supply.ordering_key():
        return set()
    if held is None:
        series = series._replace(
            commodity=sys.intern(series.commodity), element_group=sys.intern(series.element_group)
        )
        held = state._supplies[series] = _SeriesSupplies(series, {})
    series = held.series  # one Series object per series, however many supplies name it
    if by_id is None:
        by_id = held.by_kind[kind] = {}
    supply = _compact(supply)
    by_id[sys.intern(supplier)] = supply
    if supply.entity_id is not None:
        state._entity_series[supply.entity_id][series] = None
    if supply.facility_id is not None:
        state._facility_series[supply.facility_id][series] = None
    return {series}


def _compact(supply: Supply) -> Supply:
    """The supply with its strings shared with every other naming the same thing, and a UTC
    time without a time-zone object of its own (as the same instant and the same text)."""
    occurred = supply.occurred_at
    if occurred.tzinfo is not UTC and occurred.utcoffset() == _NO_OFFSET:
        occurred = occurred.replace(tzinfo=UTC)
    return Supply(
        supply.event_id,
        _shared(supply.entity_id),
        _shared(supply.country),
        _shared(supply.facility_id),
        _shared(supply.location_country),
        supply.tonnes,
        occurred,
    )


def _shared(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


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
            return set(state._facility_series.get(event.facility_id, ()))
        case JointVentureFormed():
            return _series_owned_through(state, event.venture_id)


def _series_owned_through(state: MarketState, entity_id: str) -> set[Series]:
    touched: set[Series] = set()
    for entity in state.ownership.controlled_below(entity_id):
        touched.update(state._entity_series.get(entity, ()))
        for facility in state.ownership.facilities_touching(entity):
            touched.update(state._facility_series.get(facility, ()))
    return touched


def _advance_valid_time(state: MarketState, occurred_at: datetime, describe: bool) -> set[Series]:
    """Move the state's valid time forward; series whose policies change in between are touched
    (named when `describe`)."""
    previous = state.valid_time
    if previous is not None and occurred_at <= previous:
        return set()
    state.valid_time = occurred_at
    if previous is None or not describe:
        return set()
    since, until = previous.date(), occurred_at.date()
    if since == until:
        return set()  # policies come into and go out of force by the day
    crossed = any(
        # the day after an inclusive end date is when the control stops applying
        since < d <= until or since < _next_day(d) <= until
        for d in state.policies.boundaries()
    )
    if not crossed:
        return set()
    return _series_covered_by(state, list(state.policies.controls.values()))


def _series_covered_by(state: MarketState, controls: list[ExportControlImposed]) -> set[Series]:
    """Every series with supplies in a market that one of `controls` covers (each market is
    checked once, however many years and measures it has)."""
    if not controls:
        return set()
    covered: dict[tuple[str, str, str], bool] = {}
    found: set[Series] = set()
    for series in state._supplies:
        market = (series.commodity, series.element_group, series.stage)
        hit = covered.get(market)
        if hit is None:
            ref = MarketRef(*market)
            hit = covered[market] = any(covers(c, ref) for c in controls)
        if hit:
            found.add(series)
    return found


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
    if series in state._supplies and not ownership_only:
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
    refolding = Refold(e for e in ordered if isinstance(e, EventRetracted))
    for event in ordered:
        refolding.add(event)
    return refolding.finish()


class Refold:
    """`refold`, fed one event at a time: for an archive read in chunks and never held whole
    (a million events take gigabytes as models, their state a fraction of it).

    `retractions` must be every retraction among the events to come (they are few: read them
    first), since an event is left out of the fold when it arrives, not afterwards.
    """

    def __init__(self, retractions: Iterable[EventRetracted] = ()) -> None:
        self.state = MarketState()
        self._retractions = {r.retracted_event_id: r for r in retractions}

    def add(self, event: InputEvent) -> None:
        if event.event_id in self._retractions:
            self.state.accepted[event.event_id] = event.content_digest()
            return
        decide(self.state, event, describe=False)

    def finish(self) -> MarketState:
        """The state, with every retraction that was itself accepted applied."""
        self.state.retracted.update(
            {
                target: r
                for target, r in self._retractions.items()
                if r.event_id in self.state.accepted
            }
        )
        return self.state


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
