"""Whole-chain views: vertical integration, bloc shares and dependency between blocs.

A chain is the stages of one commodity in order: mining → separation → metals → magnets
(recycling is a parallel source, not a link, and is left out). Every figure is computed from the
market state by the same registers as the indices, so it is reproducible as of any time.

Which series stands for a stage (bloc shares and dependency): among the series of the stage in
the representative element group (`total_reo`, else `ndfeb` — magnets are reported as NdFeB —,
else any group), those with national statistics first (their total is the world's; a series of a
few companies is not), then the latest period, then production before share. Quotas and
capacities stand for a stage only when asked for by `measure`: a quota covers one jurisdiction and
a capacity is not output. Share series are in percentage points of world supply, so chain
comparisons are made on percentages; tonnes are given where the stage is known in tonnes.

Vertical integration: each ultimate controller (company_control basis) and each country of
control is present at a stage when it controls supply there, in its best series of the stage:
production before quota before capacity, then the latest period, then the representative group
(a company that reports only a sub-group, e.g. NdPr oxide, is present with that). Its share is
its part of that series' total. Integration score, over the span of stages with data from its
first to its last stage: the mean, over each stage after the first, of min(1, own tonnes at the
stage before / own tonnes at the stage) — how much of its own output its own upstream could feed
(0 for a stage it is absent from; 0 for a controller at one stage). Quantities are as reported
(t REO, t of magnets), so the score ignores yields.

Dependency of bloc B on bloc A, per stage (see `DependencyStage`): supply outside A is what is
neither located in A nor controlled from A (unattributed "other countries" count as outside);
it is then taken net of the export controls in force where it is located (policy.py), and what
B can obtain at all adds what A's own export controls still release. The bottleneck is the stage
with the smallest share of world supply outside A (ties: the upstream stage).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from monazite_core.countries import EU_MEMBERS, ISO_COUNTRY_CODES, OTHER_COUNTRIES
from monazite_core.events import (
    OWNERSHIP_EVENT_TYPES,
    AlertKind,
    AlertRaised,
    BlocShare,
    Bottleneck,
    ChainChanged,
    ChainStage,
    ChainUnit,
    ChainView,
    ControllerIntegration,
    Dependency,
    DependencyStage,
    InputEvent,
    Measure,
    Source,
    Stage,
    StagePresence,
    market_id,
)
from monazite_core.market import MarketState, Series
from monazite_core.policy import available_to_rest_of_world

CHAIN_STAGES: tuple[Stage, ...] = ("mining", "separation", "metals", "magnets")
REPRESENTATIVE_GROUPS: tuple[str, ...] = ("total_reo", "ndfeb")
#: Measures that may stand for a stage's world supply by default, preferred first.
WORLD_MEASURES: tuple[Measure, ...] = ("production", "share")
#: Measures a controller's presence is read from by default, preferred first.
PRESENCE_MEASURES: tuple[Measure, ...] = ("production", "quota", "capacity")
DEFAULT_ON = "china"
DEFAULT_FOR = "allied"
_ZERO = Decimal(0)


#: Bloc names are lower-case slugs, like commodities.
BLOC_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class UnknownBloc(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no bloc {name!r}")
        self.name = name


class UnknownCommodity(LookupError):
    def __init__(self, commodity: str) -> None:
        super().__init__(f"no data for commodity {commodity!r}")
        self.commodity = commodity


class UnknownCountry(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        self.code = code


@dataclass(frozen=True)
class Bloc:
    """A named group of countries (ISO 3166-1 alpha-2)."""

    name: str
    label: str
    countries: frozenset[str]

    @classmethod
    def of(cls, name: str, label: str, countries: Iterable[str]) -> Bloc:
        """A bloc whose every code is a known country; `UnknownCountry` names the first that is
        not (`ZZ`, "other countries", is not a country one can group)."""
        codes = [c.strip().upper() if isinstance(c, str) else c for c in countries]
        for code in codes:
            if not isinstance(code, str) or code not in ISO_COUNTRY_CODES:
                raise UnknownCountry(str(code))
        if not codes:
            raise ValueError("countries: a bloc needs at least one country")
        return cls(name, label, frozenset(codes))


#: The United States and the market economies that coordinate critical-mineral supply with it
#: (EU members, Australia, Canada, India, Japan, Norway, South Korea, United Kingdom) — close to
#: the Minerals Security Partnership's membership. Taiwan and Switzerland are left out: neither
#: is a party to that coordination, and both are small in this chain.
ALLIED_COUNTRIES: frozenset[str] = EU_MEMBERS | frozenset("US AU CA IN JP NO KR GB".split())

DEFAULT_BLOCS: Mapping[str, Bloc] = {
    "china": Bloc("china", "China", frozenset({"CN"})),
    "united_states": Bloc("united_states", "United States", frozenset({"US"})),
    "eu": Bloc("eu", "European Union", EU_MEMBERS),
    "allied": Bloc("allied", "United States and allies", ALLIED_COUNTRIES),
}


# ---- what a series holds, split for chain views -------------------------------------------


@dataclass(frozen=True)
class _CompanySupply:
    controller: str
    controller_country: str | None
    location: str | None
    tonnes: Decimal


@dataclass(frozen=True)
class _Split:
    """One series: supply by country of location, company supply by controller, and totals."""

    series: Series
    located: Mapping[str, Decimal]
    unattributed: Decimal
    companies: tuple[_CompanySupply, ...]
    has_statistics: bool
    caused_by: tuple[str, ...]

    @property
    def world(self) -> Decimal:
        return sum(self.located.values(), _ZERO) + self.unattributed

    @property
    def company_basis_total(self) -> Decimal:
        """The total of the company bases: companies plus what statistics report beyond them."""
        return max(self.world, sum((c.tonnes for c in self.companies), _ZERO))


#: Splits already made while building one view (its stages and its integration read the same
#: series): series → split.
_Splits = dict[Series, "_Split"]


def _split(state: MarketState, series: Series, made: _Splits | None = None) -> _Split:
    if made is not None and series in made:
        return made[series]
    split = _split_anew(state, series)
    if made is not None:
        made[series] = split
    return split


def _split_anew(state: MarketState, series: Series) -> _Split:
    statistics: dict[str, Decimal] = defaultdict(Decimal)
    located: dict[str, Decimal] = defaultdict(Decimal)
    unlocated = _ZERO
    companies: list[_CompanySupply] = []
    causes: list[str] = []
    for supply in state.supplies_in(series):
        causes.append(supply.event_id)
        owner = state.owner_of(supply)
        if owner is None:
            statistics[supply.country or OTHER_COUNTRIES] += supply.tonnes
            continue
        controller = state.ownership.ultimate_controller(owner)
        where = supply.location_country or state.home_country(supply.entity_id or owner)
        companies.append(
            _CompanySupply(controller, state.home_country(controller), where, supply.tonnes)
        )
        if where is None:
            unlocated += supply.tonnes
        else:
            located[where] += supply.tonnes
    by_country, remainder = (statistics, _ZERO) if statistics else (located, unlocated)
    other = by_country.pop(OTHER_COUNTRIES, _ZERO)
    return _Split(
        series,
        {c: t for c, t in sorted(by_country.items())},
        remainder + other,
        tuple(companies),
        bool(statistics),
        tuple(sorted(set(causes))),
    )


def _pct(part: Decimal, whole: Decimal) -> float:
    return round(float(100 * part / whole), 4) if whole > 0 else 0.0


def _unit(series: Series) -> ChainUnit:
    return "pct_points" if series.measure == "share" else "t"


def _group_rank(element_group: str) -> int:
    if element_group in REPRESENTATIVE_GROUPS:
        return len(REPRESENTATIVE_GROUPS) - REPRESENTATIVE_GROUPS.index(element_group)
    return 0


def _commodity_series(state: MarketState, commodity: str) -> list[Series]:
    found = [s for s in state.series() if s.commodity == commodity]
    if not found:
        raise UnknownCommodity(commodity)
    return found


def _world_series(
    state: MarketState,
    candidates: Sequence[Series],
    stage: Stage,
    period: int | None,
    measure: Measure | None,
    made: _Splits | None = None,
) -> _Split | None:
    measures = (measure,) if measure is not None else WORLD_MEASURES
    splits = [
        _split(state, s, made)
        for s in candidates
        if s.stage == stage
        and s.measure in measures
        and (period is None or s.period == period)
        and state.supplies_in(s)
    ]
    if not splits:
        return None
    return max(
        splits,
        key=lambda x: (
            x.has_statistics,
            _group_rank(x.series.element_group),
            x.series.period,
            -measures.index(x.series.measure),
            x.series.element_group,
        ),
    )


# ---- the views ------------------------------------------------------------------------------


def chain_view(
    state: MarketState,
    commodity: str,
    blocs: Mapping[str, Bloc] = DEFAULT_BLOCS,
    *,
    period: int | None = None,
    measure: Measure | None = None,
    on: str | None = DEFAULT_ON,
    for_: str = DEFAULT_FOR,
) -> ChainView:
    """Everything about one commodity's chain: stages with bloc shares, integration per company
    and per country of control, and (when `on` is given) the dependency of `for_` on `on`."""
    candidates = _commodity_series(state, commodity)
    made: _Splits = {}
    worlds = _stage_worlds(state, candidates, period, measure, made)
    stages = tuple(
        ChainStage(
            stage=split.series.stage,
            market_id=split.series.market_id,
            period=split.series.period,
            measure=split.series.measure,
            unit=_unit(split.series),
            total=split.world,
            world_coverage=split.has_statistics,
            blocs=tuple(_bloc_share(split, bloc) for bloc in blocs.values()),
            caused_by=split.caused_by + _controls_behind(state, split),
            control_known_pct=_pct(
                sum((c.tonnes for c in split.companies), _ZERO), split.company_basis_total
            ),
        )
        for split in worlds
    )
    companies, countries = vertical_integration(
        state, commodity, period=period, measure=measure, made=made
    )
    dependency_view = (
        _dependency(state, commodity, worlds, _bloc(blocs, on), _bloc(blocs, for_))
        if on is not None
        else None
    )
    return ChainView(
        commodity=commodity,
        stages=stages,
        companies=companies,
        countries=countries,
        end_to_end=tuple(c.controller_id for c in companies if c.end_to_end),
        dependency=dependency_view,
    )


def bloc_shares(
    state: MarketState,
    commodity: str,
    blocs: Mapping[str, Bloc] = DEFAULT_BLOCS,
    *,
    period: int | None = None,
    measure: Measure | None = None,
) -> tuple[ChainStage, ...]:
    """Per stage, the share of supply located in and controlled from each bloc."""
    return chain_view(state, commodity, blocs, period=period, measure=measure, on=None).stages


def dependency(
    state: MarketState,
    commodity: str,
    *,
    on: str,
    for_: str,
    blocs: Mapping[str, Bloc] = DEFAULT_BLOCS,
    period: int | None = None,
    measure: Measure | None = None,
) -> Dependency:
    """How far bloc `for_` can go along the chain without bloc `on`, stage by stage."""
    bloc_on, bloc_for = _bloc(blocs, on), _bloc(blocs, for_)
    worlds = _stage_worlds(state, _commodity_series(state, commodity), period, measure)
    return _dependency(state, commodity, worlds, bloc_on, bloc_for)


def _bloc(blocs: Mapping[str, Bloc], name: str) -> Bloc:
    try:
        return blocs[name]
    except KeyError:
        raise UnknownBloc(name) from None


def _stage_worlds(
    state: MarketState,
    candidates: Sequence[Series],
    period: int | None,
    measure: Measure | None,
    made: _Splits | None = None,
) -> list[_Split]:
    return [
        split
        for stage in CHAIN_STAGES
        if (split := _world_series(state, candidates, stage, period, measure, made)) is not None
    ]


def _bloc_share(split: _Split, bloc: Bloc) -> BlocShare:
    located = sum((t for c, t in split.located.items() if c in bloc.countries), _ZERO)
    controlled = sum(
        (c.tonnes for c in split.companies if c.controller_country in bloc.countries), _ZERO
    )
    return BlocShare(
        bloc=bloc.name,
        located_pct=_pct(located, split.world),
        controlled_pct=_pct(controlled, split.company_basis_total) if split.companies else None,
    )


def _controls_behind(state: MarketState, split: _Split) -> tuple[str, ...]:
    """The export controls in force on the state's valid date that cover the stage's market."""
    on = state.valid_date()
    if on is None:
        return ()
    book = state.policies
    found = {
        book.controls[control_id].event_id
        for country in split.located
        for control_id in book.controls_in_force(country, split.series.market, on)
    }
    return tuple(sorted(found))


def vertical_integration(
    state: MarketState,
    commodity: str,
    *,
    period: int | None = None,
    measure: Measure | None = None,
    made: _Splits | None = None,
) -> tuple[tuple[ControllerIntegration, ...], tuple[ControllerIntegration, ...]]:
    """Per ultimate controller, then per country of control: stages held, share at each, score.

    Sorted by the number of stages held, then the score, then the id."""
    candidates = _commodity_series(state, commodity)
    measures = (measure,) if measure is not None else PRESENCE_MEASURES
    by_company: dict[str, dict[Series, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_country: dict[str, dict[Series, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    totals: dict[Series, Decimal] = {}
    for series in candidates:
        if (
            series.stage not in CHAIN_STAGES
            or series.measure not in measures
            or (period is not None and series.period != period)
        ):
            continue
        split = _split(state, series, made)
        totals[series] = split.company_basis_total
        for company in split.companies:
            by_company[company.controller][series] += company.tonnes
            if company.controller_country is not None:
                by_country[company.controller_country][series] += company.tonnes
    stages_with_data = [
        stage for stage in CHAIN_STAGES if any(s.stage == stage for s in candidates)
    ]
    companies = _integrations(
        by_company, totals, measures, stages_with_data, name=state.entity_name
    )
    countries = _integrations(by_country, totals, measures, stages_with_data, name=str)
    return companies, countries


def _integrations(
    holdings: Mapping[str, Mapping[Series, Decimal]],
    totals: Mapping[Series, Decimal],
    measures: Sequence[Measure],
    stages_with_data: Sequence[Stage],
    *,
    name: Callable[[str], str],
) -> tuple[ControllerIntegration, ...]:
    found = []
    for controller, held in holdings.items():
        presence = []
        for stage in CHAIN_STAGES:
            at_stage = [(s, t) for s, t in held.items() if s.stage == stage and t > 0]
            if not at_stage:
                continue
            series, tonnes = max(
                at_stage,
                key=lambda item: (
                    -measures.index(item[0].measure),
                    item[0].period,
                    _group_rank(item[0].element_group),
                    item[1],
                    item[0].element_group,
                ),
            )
            presence.append(
                StagePresence(
                    stage=stage,
                    market_id=series.market_id,
                    period=series.period,
                    measure=series.measure,
                    tonnes=tonnes,
                    share_pct=_pct(tonnes, totals[series]),
                )
            )
        if not presence:
            continue
        present = {p.stage for p in presence}
        found.append(
            ControllerIntegration(
                controller_id=controller,
                name=name(controller),
                stages=tuple(presence),
                integration_score=integration_score(
                    {p.stage: p.tonnes for p in presence}, stages_with_data
                ),
                end_to_end=len(stages_with_data) >= 2 and present >= set(stages_with_data),
            )
        )
    return tuple(
        sorted(found, key=lambda c: (-len(c.stages), -c.integration_score, c.controller_id))
    )


def integration_score(held: Mapping[Stage, Decimal], stages_with_data: Sequence[Stage]) -> float:
    """Mean over the stages after the controller's first (up to its last, among the stages
    with data) of min(1, own tonnes at the stage before / own tonnes at the stage); a stage it
    is absent from counts 0. A controller at one stage scores 0."""
    present = [s for s in stages_with_data if held.get(s, _ZERO) > 0]
    if len(present) < 2:
        return 0.0
    first, last = stages_with_data.index(present[0]), stages_with_data.index(present[-1])
    span = list(stages_with_data[first : last + 1])
    coverages = []
    for upstream, stage in itertools.pairwise(span):
        own, below = held.get(stage, _ZERO), held.get(upstream, _ZERO)
        coverages.append(min(Decimal(1), below / own) if own > 0 else _ZERO)
    return round(float(sum(coverages, _ZERO) / len(coverages)), 4)


def _dependency(
    state: MarketState, commodity: str, worlds: Sequence[_Split], on: Bloc, for_: Bloc
) -> Dependency:
    stages = tuple(_dependency_stage(state, split, on, for_) for split in worlds)
    with_controls = _narrowest(stages, lambda s: (s.outside_available, s.outside_available_pct))
    without = _narrowest(stages, lambda s: (s.outside, s.outside_pct))
    obtainable = _narrowest(stages, lambda s: (s.obtainable, s.obtainable_pct))
    return Dependency(
        commodity=commodity,
        on=on.name,
        for_bloc=for_.name,
        stages=stages,
        bottleneck=with_controls,
        bottleneck_without_controls=without,
        obtainable_bottleneck=obtainable,
        summary=_summary(commodity, on, for_, with_controls, without, obtainable),
    )


def _dependency_stage(state: MarketState, split: _Split, on: Bloc, for_: Bloc) -> DependencyStage:
    series = split.series
    # Supply located outside `on` but controlled from it is `on`'s (at most what the country
    # of location reports, when statistics and companies overlap).
    controlled_from_on: dict[str, Decimal] = defaultdict(Decimal)
    for company in split.companies:
        if (
            company.location is not None
            and company.location not in on.countries
            and company.controller_country in on.countries
        ):
            controlled_from_on[company.location] += company.tonnes
    valid = state.valid_date()
    available = (
        available_to_rest_of_world(
            split.located, state.policies, series.market, period=series.period, on=valid
        )
        if valid is not None
        else dict(split.located)
    )
    outside = outside_available = obtainable = within_for = split.unattributed
    for country, tonnes in split.located.items():
        released = available.get(country, tonnes) / tonnes if tonnes > 0 else Decimal(1)
        if country in on.countries:
            obtainable += tonnes * released
            continue
        theirs = min(tonnes, controlled_from_on.get(country, _ZERO))
        free = tonnes - theirs
        outside += free
        outside_available += free * released
        obtainable += tonnes * released
        if country in for_.countries:
            within_for += free
    within_for -= split.unattributed  # "other countries" are not known to be in `for`
    world = split.world
    controls = _controls_behind(state, split)
    return DependencyStage(
        stage=series.stage,
        market_id=series.market_id,
        period=series.period,
        measure=series.measure,
        unit=_unit(series),
        world=world,
        outside=outside,
        outside_pct=_pct(outside, world),
        outside_available=_quantized(outside_available),
        outside_available_pct=_pct(outside_available, world),
        obtainable=_quantized(obtainable),
        obtainable_pct=_pct(obtainable, world),
        within_for=within_for,
        within_for_pct=_pct(within_for, world),
        controls_in_force=controls,
        caused_by=split.caused_by + controls,
    )


def _quantized(value: Decimal) -> Decimal:
    """Withheld shares multiply out to long fractions; a milligram is plenty."""
    return value.quantize(Decimal("0.000001")).normalize()


def _narrowest(
    stages: Sequence[DependencyStage],
    measure: Callable[[DependencyStage], tuple[Decimal, float]],
) -> Bottleneck | None:
    if not stages:
        return None
    # min keeps the first of equals: the upstream stage wins a tie.
    narrowest = min(stages, key=lambda s: measure(s)[1])
    tonnes, share = measure(narrowest)
    return Bottleneck(
        stage=narrowest.stage,
        market_id=narrowest.market_id,
        share_pct=share,
        tonnes=tonnes if narrowest.unit == "t" else None,
    )


def _summary(
    commodity: str,
    on: Bloc,
    for_: Bloc,
    with_controls: Bottleneck | None,
    without: Bottleneck | None,
    obtainable: Bottleneck | None,
) -> str:
    if with_controls is None or without is None or obtainable is None:
        return f"{commodity}: no stage has data"
    text = (
        f"{commodity}: outside {on.label}, the chain is narrowest at {with_controls.stage}"
        f" ({with_controls.share_pct:.1f} % of world supply"
        f"{_tonnes(with_controls)})"
    )
    if (without.stage, without.share_pct) != (with_controls.stage, with_controls.share_pct):
        text += (
            f"; without export controls at {without.stage}"
            f" ({without.share_pct:.1f} %{_tonnes(without)})"
        )
    text += (
        f". With the export controls of {on.label} in force, {for_.label} can obtain at most"
        f" {obtainable.share_pct:.1f} % of world supply at {obtainable.stage}."
    )
    return text


def _tonnes(bottleneck: Bottleneck) -> str:
    return f", {bottleneck.tonnes:,.0f} t" if bottleneck.tonnes is not None else ""


def presence(view: ChainView) -> set[tuple[str, Stage]]:
    """Every (company controller, stage) the view shows supply at."""
    return {(c.controller_id, p.stage) for c in view.companies for p in c.stages}


def stage_market(commodity: str, stage: Stage) -> str:
    return market_id(commodity, REPRESENTATIVE_GROUPS[0], stage)


# ---- live: what the processor publishes when a chain changes --------------------------------


@dataclass(frozen=True)
class ChainUpdate:
    change: ChainChanged
    previous: ChainView | None
    alerts: tuple[AlertRaised, ...]


def chain_changes(
    state: MarketState,
    touched_by: Mapping[str, Iterable[InputEvent]],
    current: dict[str, ChainView],
    *,
    publisher: str,
) -> list[ChainUpdate]:
    """Recompute the default-bloc chain of every touched commodity; update `current` and
    describe each chain that changed, with the alerts it raises.

    Like index changes, a change is caused by the accepted events that touched the commodity:
    its id digests its content and causes, its valid time is theirs and its record time the
    latest of theirs, so a replay reproduces it exactly.
    """
    updates = []
    for commodity in sorted(touched_by):
        causes = sorted({e.event_id: e for e in touched_by[commodity]}.values(), key=_event_key)
        try:
            fresh = chain_view(state, commodity)
        except UnknownCommodity:
            continue  # every report of it retracted: nothing left to draw
        before = current.get(commodity)
        if fresh == before or not causes:
            continue
        current[commodity] = fresh
        caused_by = tuple(e.event_id for e in causes)
        fingerprint = hashlib.sha256(
            (commodity + "|".join(caused_by) + repr(fresh)).encode()
        ).hexdigest()[:20]
        change = ChainChanged(
            event_id=f"chain_changed:{fingerprint}",
            occurred_at=max(e.occurred_at for e in causes),
            recorded_at=max(e.recorded_at or e.occurred_at for e in causes),
            source=Source(publisher=publisher),
            causation_id=caused_by[-1],
            commodity=commodity,
            chain=fresh,
            caused_by=caused_by,
        )
        alerts = _chain_alerts(change, before, causes, publisher)
        updates.append(ChainUpdate(change, before, alerts))
    return updates


def _event_key(event: InputEvent) -> str:
    return event.event_id


def _chain_alerts(
    change: ChainChanged,
    before: ChainView | None,
    causes: Sequence[InputEvent],
    publisher: str,
) -> tuple[AlertRaised, ...]:
    """A moved bottleneck of the default dependency, and every stage a deal brought a company
    controller to (that already held another stage: a step of vertical integration). The first
    view of a commodity raises none."""
    if before is None:
        return ()
    after = change.chain
    raised: list[AlertRaised] = []
    old, new = before.dependency, after.dependency
    for label, old_neck, new_neck in (
        (
            "outside {on}, the chain",
            old.bottleneck if old else None,
            new.bottleneck if new else None,
        ),
        (
            "what {for_} can obtain with {on}'s export controls",
            old.obtainable_bottleneck if old else None,
            new.obtainable_bottleneck if new else None,
        ),
    ):
        if old_neck is None or new_neck is None or old_neck.stage == new_neck.stage:
            continue
        assert new is not None
        stage = next(s for s in new.stages if s.stage == new_neck.stage)
        what = label.format(on=new.on, for_=new.for_bloc)
        raised.append(
            _chain_alert(
                change,
                "chain_bottleneck_moved",
                f"{what}|{new_neck.stage}",
                market=stage.market_id,
                period=stage.period,
                measure=stage.measure,
                value_before=old_neck.share_pct,
                value_after=new_neck.share_pct,
                direction="down" if new_neck.share_pct < old_neck.share_pct else "up",
                caused_by=change.caused_by,
                message=f"{change.commodity}: {what} is now narrowest at {new_neck.stage}"
                f" ({new_neck.share_pct:.1f} % of world supply) instead of {old_neck.stage}"
                f" ({old_neck.share_pct:.1f} %)",
                publisher=publisher,
            )
        )
    deals = tuple(e.event_id for e in causes if isinstance(e, OWNERSHIP_EVENT_TYPES))
    if deals:
        held_before = presence(before)
        controllers_before = {controller for controller, _ in held_before}
        for company in after.companies:
            if company.controller_id not in controllers_before:
                continue
            for held in company.stages:
                if (company.controller_id, held.stage) in held_before:
                    continue
                raised.append(
                    _chain_alert(
                        change,
                        "vertical_integration_step",
                        f"{company.controller_id}|{held.stage}",
                        market=held.market_id,
                        period=held.period,
                        measure=held.measure,
                        value_before=0.0,
                        value_after=held.share_pct,
                        direction="up",
                        caused_by=deals,
                        message=f"{change.commodity}: {company.name} now holds supply at"
                        f" {held.stage} ({held.share_pct:.1f} % of {held.market_id}"
                        f" {held.period}, {held.measure}) besides"
                        f" {', '.join(p.stage for p in company.stages if p.stage != held.stage)}",
                        publisher=publisher,
                    )
                )
    return tuple(raised)


def _chain_alert(
    change: ChainChanged,
    kind: AlertKind,
    key: str,
    *,
    market: str,
    period: int,
    measure: Measure,
    value_before: float,
    value_after: float,
    direction: Literal["up", "down"],
    caused_by: tuple[str, ...],
    message: str,
    publisher: str,
) -> AlertRaised:
    digest = hashlib.sha256(f"{change.event_id}|{kind}|{key}".encode()).hexdigest()[:20]
    return AlertRaised(
        event_id=f"alert:{digest}",
        occurred_at=change.occurred_at,
        recorded_at=change.recorded_at,
        source=Source(publisher=publisher),
        causation_id=change.event_id,
        kind=kind,
        market_id=market,
        basis="company_control" if kind == "vertical_integration_step" else None,
        period=period,
        measure=measure,
        threshold=None,
        value_before=value_before,
        value_after=value_after,
        direction=direction,
        caused_by=caused_by,
        message=message,
    )
