"""Market state and its fold: `decide(state, event)` then the figures of every touched index.

The state is a set of last-writer-wins registers (an entity's registration, a supplier's output per
market/year/measure, a holder's stake per target), each ordered by the facts' own valid time and
id. The current state therefore depends only on *which* events were accepted, never on the order
they arrived in — replays, restarts, late events and several workers all reach the same figures.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple, assert_never

from monazite_core.concentration import concentration
from monazite_core.countries import OTHER_COUNTRIES
from monazite_core.events import (
    Basis,
    EntityRegistered,
    Figures,
    IndexChanged,
    InputEvent,
    Measure,
    OutputReported,
    Source,
    Stage,
    StakeChanged,
    market_id,
)
from monazite_core.ownership import OwnershipGraph

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


class IndexKey(NamedTuple):
    series: Series
    basis: Basis


class _OutputKey(NamedTuple):
    supplier_kind: Literal["entity", "country"]
    supplier_id: str
    series: Series


@dataclass(frozen=True)
class Accepted:
    event: InputEvent
    touched: frozenset[Series]


@dataclass(frozen=True)
class Duplicate:
    event_id: str


@dataclass(frozen=True)
class Rejected:
    event_id: str
    reason: str


Decision = Accepted | Duplicate | Rejected


@dataclass
class MarketState:
    """Everything the indices are computed from. Owned and mutated by exactly one fold loop."""

    entities: dict[str, EntityRegistered] = field(default_factory=dict)
    ownership: OwnershipGraph = field(default_factory=OwnershipGraph)
    accepted: dict[str, str] = field(default_factory=dict)
    _outputs: dict[_OutputKey, OutputReported] = field(default_factory=dict)
    _series_outputs: dict[Series, set[_OutputKey]] = field(default_factory=lambda: defaultdict(set))
    _entity_series: dict[str, set[Series]] = field(default_factory=lambda: defaultdict(set))

    def series(self) -> list[Series]:
        return sorted(s for s, keys in self._series_outputs.items() if keys)

    def outputs_in(self, series: Series) -> list[OutputReported]:
        return [self._outputs[k] for k in sorted(self._series_outputs.get(series, ()))]

    def entity_name(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id


def decide(state: MarketState, event: InputEvent) -> Decision:
    """Fold one event into the state, or say why it is a duplicate or is rejected.

    A rejected event leaves the state exactly as it was.
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
    reason = _invalid_against_state(state, event)
    if reason is not None:
        return Rejected(event.event_id, reason)
    state.accepted[event.event_id] = digest
    return Accepted(event, frozenset(_fold(state, event)))


def _invalid_against_state(state: MarketState, event: InputEvent) -> str | None:
    if isinstance(event, StakeChanged) and event.pct_after is not None:
        current = state.ownership.latest(event.holder_id, event.target_id)
        if current is not None and current.ordering_key() > event.ordering_key():
            return None  # superseded on arrival: it changes nothing, so it cannot overfill
        others = state.ownership.disclosed_total_pct(
            event.target_id, excluding_holder=event.holder_id
        )
        if others + event.pct_after > HUNDRED:
            return (
                f"pct_after: stakes in {event.target_id!r} would sum to {others + event.pct_after}"
                f" % (other holders already hold {others} %); publish the other holders'"
                " reductions first or correct the percentage"
            )
    return None


def _fold(state: MarketState, event: InputEvent) -> set[Series]:
    match event:
        case EntityRegistered():
            current = state.entities.get(event.entity_id)
            if current is not None and current.ordering_key() > event.ordering_key():
                return set()
            state.entities[event.entity_id] = event
            return _series_controlled_through(state, event.entity_id)
        case OutputReported():
            series = Series(
                event.commodity, event.element_group, event.stage, event.period, event.measure
            )
            key = (
                _OutputKey("entity", event.entity_id, series)
                if event.entity_id is not None
                else _OutputKey("country", event.country or OTHER_COUNTRIES, series)
            )
            current_output = state._outputs.get(key)
            if current_output is not None and current_output.ordering_key() > event.ordering_key():
                return set()
            state._outputs[key] = event
            state._series_outputs[series].add(key)
            if event.entity_id is not None:
                state._entity_series[event.entity_id].add(series)
            return {series}
        case StakeChanged():
            current_stake = state.ownership.latest(event.holder_id, event.target_id)
            if current_stake is not None and current_stake.ordering_key() > event.ordering_key():
                return set()
            touched_before = _series_controlled_through(state, event.target_id)
            state.ownership.record(event)
            return touched_before | _series_controlled_through(state, event.target_id)
        case _:
            assert_never(event)


def _series_controlled_through(state: MarketState, entity_id: str) -> set[Series]:
    touched: set[Series] = set()
    for entity in state.ownership.controlled_below(entity_id):
        touched |= state._entity_series.get(entity, set())
    return touched


def figures(state: MarketState, series: Series) -> dict[Basis, Figures]:
    """Every basis that the data of one series supports, with its figures."""
    company: dict[str, Decimal] = defaultdict(Decimal)
    located: dict[str, Decimal] = defaultdict(Decimal)
    company_unlocated = Decimal(0)
    statistics: dict[str, Decimal] = defaultdict(Decimal)
    for output in state.outputs_in(series):
        if output.entity_id is not None:
            company[state.ownership.ultimate_controller(output.entity_id)] += output.tonnes
            entity = state.entities.get(output.entity_id)
            where = output.location_country or (entity.country if entity else None)
            if where is None:
                company_unlocated += output.tonnes
            else:
                located[where] += output.tonnes
        else:
            statistics[output.country or OTHER_COUNTRIES] += output.tonnes

    result: dict[Basis, Figures] = {}
    statistics_total = sum(statistics.values(), Decimal(0))
    if statistics:
        other = statistics.pop(OTHER_COUNTRIES, Decimal(0))
        result["country_location"] = concentration(statistics, unattributed=other)
    elif located or company_unlocated:
        result["country_location"] = concentration(located, unattributed=company_unlocated)
    if company:
        company_total = sum(company.values(), Decimal(0))
        result["company_control"] = concentration(
            company,
            unattributed=max(Decimal(0), statistics_total - company_total),
            names={c: state.entity_name(c) for c in company},
        )
    return result


def index_changes(
    state: MarketState,
    touched_by: Mapping[Series, Iterable[InputEvent]],
    current: dict[IndexKey, Figures],
    *,
    recorded_at: datetime,
    publisher: str,
) -> list[IndexChanged]:
    """Recompute every touched series; update `current` and describe each figure that moved.

    `touched_by` names, per series, the accepted events that touched it: they become the
    change's `caused_by` and its valid time is the latest of theirs.
    """
    changes: list[IndexChanged] = []
    for series in sorted(touched_by):
        causes = sorted(
            {e.event_id: e for e in touched_by[series]}.values(), key=lambda e: e.event_id
        )
        fresh = figures(state, series)
        for basis in sorted(set(fresh) | {k.basis for k in current if k.series == series}):
            key = IndexKey(series, basis)
            before = current.get(key)
            after = fresh.get(basis)
            if after is None or after == before:
                continue
            current[key] = after
            caused_by = tuple(e.event_id for e in causes)
            fingerprint = hashlib.sha256(
                (repr(key) + "|".join(caused_by) + after.model_dump_json()).encode()
            ).hexdigest()[:20]
            changes.append(
                IndexChanged(
                    event_id=f"index_changed:{fingerprint}",
                    occurred_at=max(e.occurred_at for e in causes),
                    recorded_at=recorded_at,
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
