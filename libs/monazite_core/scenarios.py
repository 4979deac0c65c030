"""What-if scenarios: hypothetical input events folded into a copy of the market state.

A scenario runs the processor's own fold (`decide`, `index_changes`, `assess_deal`, the alert
rules) over a deep copy of a state, as if the hypothetical events arrived together in one batch,
and describes the difference: every index figure that would move (before, after, deltas), the
assessment of every ownership event, the alerts that would be raised and, on the
`available_to_rest_of_world` basis, how much supply the rest of the world would gain or lose.
The state given is never modified, and nothing is published: the result is only a description.

Retractions are not simulated: undoing an accepted event needs every archived event (a refold),
which a state does not carry.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import pydantic

from monazite_core.alerts import AlertRules, alerts_for_change, alerts_for_deal
from monazite_core.assessment import ScreenRules, assess_deal, controller_of_subject
from monazite_core.events import (
    AlertRaised,
    AssetTransferred,
    Basis,
    DealAssessed,
    EventRetracted,
    Figures,
    IndexChanged,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    StakeChanged,
    parse_input_event,
)
from monazite_core.market import (
    Accepted,
    Duplicate,
    IndexKey,
    MarketState,
    Rejected,
    Series,
    decide,
    figures,
    index_changes,
)
from monazite_core.policy import available_to_rest_of_world

SCENARIO_PUBLISHER = "monazite-scenario"
ROW_BASIS: Basis = "available_to_rest_of_world"
_DELTA_NAMES = ("hhi", "cr1", "cr3", "cr4", "effective_suppliers", "supplier_count", "total_tonnes")


# ---- hypothetical events ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with a hypothetical event, named by its path in the request."""

    field: str
    message: str


class HypotheticalEventInvalid(ValueError):
    """A hypothetical event fails the event contract (the same models ingest validates with)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = tuple(errors)


def scenario_event_id(index: int) -> str:
    """The id given to the `index`-th hypothetical event (from 0) when it names none."""
    return f"scenario-{index}"


def hypothetical_event(
    document: Any, *, index: int, recorded_at: datetime, path: str = "events"
) -> InputEvent:
    """Validate one hypothetical event as ingest does, after filling in what a what-if may
    leave out: `event_id` (`scenario-<index>`) and `recorded_at`.

    Raises `HypotheticalEventInvalid`, naming each field as `events[<index>].<field>`.
    """
    where = f"{path}[{index}]"
    if not isinstance(document, Mapping):
        raise HypotheticalEventInvalid([FieldError(where, "expected one event (a JSON object)")])
    filled = dict(document)
    if filled.get("event_id") is None:
        filled["event_id"] = scenario_event_id(index)
    if filled.get("recorded_at") is None:
        filled["recorded_at"] = recorded_at
    try:
        return parse_input_event(filled)
    except pydantic.ValidationError as error:
        event_type = filled.get("type")
        raise HypotheticalEventInvalid(
            [_field_error(where, problem, event_type) for problem in error.errors()]
        ) from None


def _field_error(where: str, problem: Any, event_type: Any) -> FieldError:
    location = list(problem["loc"])
    message: str = problem["msg"]
    if location and location[0] == event_type:
        location = location[1:]  # the discriminated union's branch, not a field
    if not location and problem["type"].startswith("union_tag"):
        location = ["type"]
    if not location:
        # Model-level checks name their field first: "Value error, share_pct: measure …".
        text = message.removeprefix("Value error, ")
        named, _, rest = text.partition(": ")
        if rest and named.replace("_", "").isalnum():
            location, message = [named], rest
        else:
            message = text
    path = where
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return FieldError(path, message)


# ---- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedEvent:
    """A hypothetical event the fold accepted, and the series it touched (none when a later
    fact about the same key already supersedes it)."""

    index: int
    event_id: str
    type: str
    touched: tuple[Series, ...]


@dataclass(frozen=True)
class RejectedEvent:
    """A hypothetical event the processor would not fold, and why (as it would dead-letter it)."""

    index: int
    event_id: str
    field: str
    reason: str


@dataclass(frozen=True)
class IndexEffect:
    """One index figure that would move: its figures before and after the scenario."""

    series: Series
    basis: Basis
    before: Figures | None
    after: Figures
    caused_by: tuple[str, ...]

    @property
    def delta_hhi(self) -> float | None:
        return None if self.before is None else round(self.after.hhi - self.before.hhi, 4)

    def deltas(self) -> dict[str, float | Decimal | int | None]:
        """After minus before of every figure (None for a new index, or where one side has none)."""
        before, after = self.before, self.after
        if before is None:
            return dict.fromkeys(_DELTA_NAMES)
        effective = (
            None
            if before.effective_suppliers is None or after.effective_suppliers is None
            else round(after.effective_suppliers - before.effective_suppliers, 4)
        )
        return {
            "hhi": round(after.hhi - before.hhi, 4),
            "cr1": round(after.cr1 - before.cr1, 4),
            "cr3": round(after.cr3 - before.cr3, 4),
            "cr4": round(after.cr4 - before.cr4, 4),
            "effective_suppliers": effective,
            "supplier_count": after.supplier_count - before.supplier_count,
            "total_tonnes": after.total_tonnes - before.total_tonnes,
        }


@dataclass(frozen=True)
class CountrySupplyChange:
    country: str
    before_tonnes: Decimal
    after_tonnes: Decimal


@dataclass(frozen=True)
class RestOfWorldEffect:
    """Supply of one series the rest of the world could still obtain, before and after.

    available = the `available_to_rest_of_world` total less its unattributed remainder;
    withheld = `country_location` supply less what is available (what export controls and
    quotas keep back). Countries are those among the largest suppliers whose figure moves.
    """

    series: Series
    available_before: Decimal
    available_after: Decimal
    withheld_before: Decimal | None
    withheld_after: Decimal | None
    countries: tuple[CountrySupplyChange, ...]
    caused_by: tuple[str, ...]

    @property
    def change_tonnes(self) -> Decimal:
        return self.available_after - self.available_before

    @property
    def change_pct(self) -> float | None:
        if self.available_before == 0:
            return None
        return round(float(100 * self.change_tonnes / self.available_before), 4)


@dataclass(frozen=True)
class ScenarioResult:
    applied: tuple[AppliedEvent, ...]
    rejected: tuple[RejectedEvent, ...]
    effects: tuple[IndexEffect, ...]
    deals: tuple[DealAssessed, ...]
    alerts: tuple[AlertRaised, ...]
    rest_of_world: tuple[RestOfWorldEffect, ...]

    def market_ids(self) -> list[str]:
        """Every market the scenario moves, assesses or alerts on."""
        found = {e.series.market_id for e in self.effects}
        found |= {r.series.market_id for r in self.rest_of_world}
        found |= {m.market_id for d in self.deals for m in d.markets}
        found |= {a.market_id for a in self.alerts if a.market_id is not None}
        return sorted(found)

    def restricted_to(self, market_ids: Collection[str]) -> ScenarioResult:
        """The same result reporting only the given markets (a deal keeps its summary but only
        its assessments, and triggered screens, of those markets)."""
        wanted = set(market_ids)
        deals = []
        for deal in self.deals:
            markets = tuple(m for m in deal.markets if m.market_id in wanted)
            screens = tuple(s for s in deal.screens_triggered if s.split(":")[0] in wanted)
            deals.append(deal.model_copy(update={"markets": markets, "screens_triggered": screens}))
        return replace(
            self,
            effects=tuple(e for e in self.effects if e.series.market_id in wanted),
            rest_of_world=tuple(r for r in self.rest_of_world if r.series.market_id in wanted),
            deals=tuple(deals),
            alerts=tuple(a for a in self.alerts if a.market_id in wanted),
        )

    def summary(self, market_id: str) -> str:
        """One sentence on what the scenario does to a market: its largest HHI move, the
        supply left to the rest of the world, screens triggered and alerts raised."""
        effects = [e for e in self.effects if e.series.market_id == market_id]
        parts: list[str] = []
        moved = [e for e in effects if e.delta_hhi is not None and abs(e.delta_hhi) >= 0.01]
        if moved:
            largest = max(moved, key=lambda e: (abs(e.delta_hhi or 0.0), e.basis))
            delta = largest.delta_hhi or 0.0
            verb = "rises" if delta > 0 else "falls"
            s = largest.series
            parts.append(
                f"HHI on {largest.basis} ({s.period} {s.measure}) {verb} by {abs(delta):,.0f}"
                f" to {largest.after.hhi:,.0f}"
            )
            if len(moved) > 1:
                parts.append(_count(len(moved) - 1, "other index moves", "other indices move"))
        new = [e for e in effects if e.before is None]
        if new:
            parts.append(_count(len(new), "new index appears", "new indices appear"))
        for row in self.rest_of_world:
            if row.series.market_id != market_id or row.change_tonnes == 0:
                continue
            verb = "rises" if row.change_tonnes > 0 else "falls"
            pct = f" by {abs(row.change_pct):.1f} %" if row.change_pct is not None else ""
            unit = "points" if row.series.measure == "share" else "t"
            parts.append(
                f"supply available to the rest of the world ({row.series.period}"
                f" {row.series.measure}) {verb}{pct}, {row.available_before:,.0f} →"
                f" {row.available_after:,.0f} {unit}"
            )
        screens = sorted(
            {
                screen.name
                for deal in self.deals
                for m in deal.markets
                if m.market_id == market_id
                for screen in m.screens
                if screen.triggered
            }
        )
        if screens:
            parts.append(f"the deal triggers {', '.join(screens)}")
        alerts = [a for a in self.alerts if a.market_id == market_id]
        if alerts:
            parts.append(_count(len(alerts), "alert would be raised", "alerts would be raised"))
        if not parts:
            parts.append("no figure moves")
        return f"{market_id}: " + "; ".join(parts) + "."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ---- running a scenario -------------------------------------------------------------------


def run_scenario(
    state: MarketState,
    events: Sequence[InputEvent],
    *,
    screen_rules: ScreenRules,
    alert_rules: AlertRules,
    recorded_at: datetime,
    publisher: str = SCENARIO_PUBLISHER,
) -> ScenarioResult:
    """Fold `events`, in order, into a copy of `state` and describe what would change.

    As in the processor: each ownership event is assessed against the figures just before it;
    index figures are compared before and after the whole scenario (one batch), and alerts are
    raised on those changes. Rejected events leave the copy as it was and are reported.
    """
    world = copy.deepcopy(state)
    applied: list[AppliedEvent] = []
    rejected: list[RejectedEvent] = []
    deals: list[DealAssessed] = []
    alerts: list[AlertRaised] = []
    touched: dict[Series, list[InputEvent]] = defaultdict(list)
    for index, event in enumerate(events):
        if isinstance(event, EventRetracted):
            rejected.append(
                RejectedEvent(
                    index,
                    event.event_id,
                    "type",
                    "event_retracted cannot be simulated: a retraction refolds the whole"
                    " archive; leave the event out of the scenario instead",
                )
            )
            continue
        deal = (
            event
            if isinstance(
                event, StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed
            )
            else None
        )
        controller_before = controller_of_subject(world, deal) if deal is not None else None
        match _decide_hypothetical(world, event):
            case Accepted(touched=series, before=figures_before_deal):
                for s in series:
                    touched[s].append(event)
                applied.append(
                    AppliedEvent(index, event.event_id, event.type, tuple(sorted(series)))
                )
                if deal is not None:
                    assessment = assess_deal(
                        world,
                        deal,
                        figures_before_deal,
                        controller_before,
                        recorded_at=recorded_at,
                        publisher=publisher,
                        rules=screen_rules,
                    )
                    deals.append(assessment)
                    alerts += alerts_for_deal(
                        assessment, recorded_at=recorded_at, publisher=publisher
                    )
            case RejectedEvent() as refusal:
                rejected.append(replace(refusal, index=index))
    # Before = the figures of the given state; `index_changes` moves `current` to after.
    original = {IndexKey(s, b): f for s in touched for b, f in figures(state, s).items()}
    current = dict(original)
    changes = index_changes(world, touched, current, publisher=publisher, recorded_at=recorded_at)
    for change in changes:
        alerts += alerts_for_change(
            change, alert_rules, recorded_at=recorded_at, publisher=publisher
        )
    return ScenarioResult(
        applied=tuple(applied),
        rejected=tuple(rejected),
        effects=tuple(_effect(change) for change in changes),
        deals=tuple(deals),
        alerts=tuple(alerts),
        rest_of_world=tuple(
            _rest_of_world(change, (state, original), (world, current))
            for change in changes
            if change.basis == ROW_BASIS
        ),
    )


def _decide_hypothetical(world: MarketState, event: InputEvent) -> Accepted | RejectedEvent:
    match decide(world, event):
        case Accepted() as accepted:
            return accepted
        case Duplicate():
            return RejectedEvent(
                -1,
                event.event_id,
                "event_id",
                f"event_id: {event.event_id!r} is already accepted with the same content, so it"
                " would change nothing; give the hypothetical event another id",
            )
        case Rejected(reason=reason, missing_entities=missing):
            if missing:
                named = reason.split(";")[0]
                reason = (
                    f"{named}; register it in an entity_registered event earlier in the scenario"
                )
            return RejectedEvent(-1, event.event_id, _field_of(event, reason), reason)


def _field_of(event: InputEvent, reason: str) -> str:
    """The field a rejection reason names first ("pct_after: …", "partners[0].entity_id: …");
    a conflict is about the event id."""
    named = reason.split(": ", 1)[0]
    if named.split("[")[0].split(".")[0] in type(event).model_fields:
        return named
    return "event_id"


def _series_of(change: IndexChanged) -> Series:
    return Series(
        change.commodity, change.element_group, change.stage, change.period, change.measure
    )


def _effect(change: IndexChanged) -> IndexEffect:
    return IndexEffect(
        _series_of(change), change.basis, change.previous, change.figures, change.caused_by
    )


def _rest_of_world(
    change: IndexChanged,
    before: tuple[MarketState, Mapping[IndexKey, Figures]],
    after: tuple[MarketState, Mapping[IndexKey, Figures]],
) -> RestOfWorldEffect:
    series = _series_of(change)
    located = IndexKey(series, "country_location")
    available_before = _supplied(change.previous)
    available_after = _supplied(change.figures)
    located_before = before[1].get(located)
    located_after = after[1].get(located)
    return RestOfWorldEffect(
        series=series,
        available_before=available_before,
        available_after=available_after,
        withheld_before=None
        if located_before is None
        else _supplied(located_before) - available_before,
        withheld_after=None
        if located_after is None
        else _supplied(located_after) - available_after,
        countries=_country_changes(
            _available_by_country(before[0], series, located_before),
            _available_by_country(after[0], series, located_after),
        ),
        caused_by=change.caused_by,
    )


def _withheld(located: Figures | None, available: Decimal) -> Decimal | None:
    return None if located is None else _supplied(located) - available


def _supplied(value: Figures | None) -> Decimal:
    if value is None:
        return Decimal(0)
    return value.total_tonnes - value.unattributed_tonnes


@dataclass(frozen=True)
class _Listed:
    """Supply per country of the largest suppliers; `complete` when no supplier is left out."""

    tonnes: dict[str, Decimal]
    complete: bool


def _available_by_country(state: MarketState, series: Series, located: Figures | None) -> _Listed:
    """What the largest producing countries could still export, by the policies of `state`.

    Taken from the location figures rather than the rest-of-world ones, so that a country whose
    whole supply is withheld still shows (at 0 t) instead of dropping out of the list.
    """
    if located is None:
        return _Listed({}, True)
    produced = {s.supplier_id: s.tonnes for s in located.top_suppliers}
    complete = len(produced) >= located.supplier_count
    on = state.valid_date()
    if on is None:
        return _Listed(produced, complete)
    available = available_to_rest_of_world(
        produced, state.policies, series.market, period=series.period, on=on
    )
    return _Listed(available, complete)


def _country_changes(was: _Listed, now: _Listed) -> tuple[CountrySupplyChange, ...]:
    """Countries whose available supply moves; one missing from a list counts as 0 only when
    that list is complete."""
    changes = []
    for country in sorted(set(was.tonnes) | set(now.tonnes)):
        before_t = was.tonnes.get(country, Decimal(0) if was.complete else None)
        after_t = now.tonnes.get(country, Decimal(0) if now.complete else None)
        if before_t is not None and after_t is not None and before_t != after_t:
            changes.append(CountrySupplyChange(country, before_t, after_t))
    return tuple(changes)
