"""The fold: `decide(state, event)`, the figures it leads to and the index changes it publishes."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monazite_core.concentration import merger_delta_hhi
from monazite_core.events import (
    BASES,
    Basis,
    ElementSymbol,
    EntityRegistered,
    Figures,
    InputEvent,
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
from tests.unit.factories import (
    DY_TB_SEPARATION_2024,
    MINING_2024,
    PROPERTY,
    RECORDED,
    SEPARATION_2024,
    at,
    entity,
    export_control,
    fold,
    lifting,
    merger,
    output,
    publish,
    quota,
    registered,
    stake,
    suspension,
    tariff,
    transfer,
    venture,
)

ROUNDING = 1e-4


def all_figures(state: MarketState) -> dict[Series, dict[Basis, Figures]]:
    return {s: figures(state, s) for s in state.series()}


# --- idempotence and conflicts --------------------------------------------------------------


def test_same_event_twice_is_a_duplicate() -> None:
    state = fold([entity("lynas", "AU")])
    event = output(100, entity_id="lynas")

    assert isinstance(decide(state, event), Accepted)
    before = copy.deepcopy(state)
    assert decide(state, event) == Duplicate(event.event_id)
    assert state == before


def test_redelivery_with_another_recorded_at_is_a_duplicate() -> None:
    state = fold([entity("lynas", "AU")])
    first = output(100, entity_id="lynas", recorded_at=RECORDED)
    again = first.model_copy(update={"recorded_at": datetime(2025, 7, 1, tzinfo=UTC)})

    decide(state, first)

    assert isinstance(decide(state, again), Duplicate)


def test_same_id_with_different_content_is_rejected_as_conflict() -> None:
    state = fold([entity("lynas", "AU")])
    decide(state, output(100, entity_id="lynas", event_id="e1"))
    before = copy.deepcopy(state)

    decision = decide(state, output(999, entity_id="lynas", event_id="e1"))

    assert isinstance(decision, Rejected)
    assert "conflict" in decision.reason
    assert state == before
    assert figures(state, MINING_2024)["company_control"].total_tonnes == Decimal(100)


# --- stakes that cannot all be true ---------------------------------------------------------


def test_stakes_in_one_target_summing_above_100_are_rejected_and_state_unchanged() -> None:
    state = fold(
        registered(
            [entity("C"), output(10, entity_id="T"), stake("A", "T", 60), stake("B", "T", 30)]
        )
    )
    before = copy.deepcopy(state)

    decision = decide(state, stake("C", "T", 11))

    assert isinstance(decision, Rejected)
    assert "'T'" in decision.reason
    assert "101" in decision.reason
    assert state == before
    assert state.ownership.stake("C", "T") is None


def test_stakes_summing_to_exactly_100_are_accepted() -> None:
    state = fold(registered([entity("C"), stake("A", "T", 60), stake("B", "T", 30)]))

    assert isinstance(decide(state, stake("C", "T", 10)), Accepted)


def test_holder_raising_its_own_stake_is_not_counted_twice() -> None:
    state = fold(registered([stake("A", "T", 60, day=1), stake("B", "T", 30)]))

    assert isinstance(decide(state, stake("A", "T", 70, day=2)), Accepted)
    assert state.ownership.disclosed_total_pct("T") == 100


def test_stake_superseded_on_arrival_is_accepted_and_changes_nothing() -> None:
    state = fold(registered([stake("A", "T", 10, day=5), stake("B", "T", 90)]))
    before_owner = state.ownership.stake("A", "T")

    decision = decide(state, stake("A", "T", 60, day=1))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset()
    assert state.ownership.stake("A", "T") == before_owner


def test_older_stake_arriving_after_a_sale_does_not_revive_the_holding() -> None:
    buy = stake("A", "B", 60, day=1)
    sell = stake("A", "B", 0, day=2)
    outputs = [output(10, entity_id="A"), output(10, entity_id="B")]

    in_order = fold(registered([*outputs, buy, sell]))
    sale_first = fold(registered([*outputs, sell, buy]))

    assert sale_first.ownership.stake("A", "B") is None
    assert all_figures(sale_first) == all_figures(in_order)
    assert figures(sale_first, MINING_2024)["company_control"].hhi == 5000.0


# --- last writer wins by valid time ---------------------------------------------------------


@pytest.mark.parametrize("arrival", ["in_order", "reversed"])
def test_later_output_report_replaces_earlier_regardless_of_arrival(arrival: str) -> None:
    early = output(100, entity_id="lynas", day=1)
    late = output(250, entity_id="lynas", day=30)
    events = [early, late] if arrival == "in_order" else [late, early]

    state = fold(registered(events, "AU"))

    assert [o.event_id for o in state.supplies_in(MINING_2024)] == [late.event_id]
    assert figures(state, MINING_2024)["company_control"].total_tonnes == Decimal(250)


def test_output_reported_for_other_period_or_measure_is_another_series() -> None:
    capacity = MINING_2024._replace(measure="capacity")
    y2023 = MINING_2024._replace(period=2023)

    state = fold(
        registered(
            [
                output(100, entity_id="lynas"),
                output(300, entity_id="lynas", series=capacity),
                output(90, entity_id="lynas", series=y2023),
            ],
            "AU",
        )
    )

    assert set(state.series()) == {MINING_2024, capacity, y2023}
    assert figures(state, capacity)["company_control"].total_tonnes == Decimal(300)


def test_later_registration_replaces_earlier_regardless_of_arrival() -> None:
    old = entity("x", "AU", day=1, name="Old name")
    new = entity("x", "MY", day=9, name="New name")

    state = fold([new, old, output(5, entity_id="x")])

    assert state.entity_name("x") == "New name"
    assert figures(state, MINING_2024)["country_location"].top_suppliers[0].supplier_id == "MY"


# --- arrival order never matters ------------------------------------------------------------

ENTITIES = ("e0", "e1", "e2", "e3", "e4")
COUNTRIES = ("CN", "US", "AU", "MM")
FACILITIES = ("f0", "f1")
CONTROLS = ("c0", "c1")
POOL_SERIES = (MINING_2024, SEPARATION_2024, DY_TB_SEPARATION_2024)


class Pool(NamedTuple):
    """Events that are each valid in every arrival order once `first` is in.

    `first` holds one registration of every entity the others name and one imposition of every
    export control they suspend or lift (the prerequisites `decide` insists on); they too may
    arrive in any order among themselves. `rest` never overfills a target, never merges two
    entities both ways, and carries re-registrations, re-impositions, mergers, facility
    transfers, joint ventures, suspensions, liftings, export quotas and tariffs.
    """

    first: list[InputEvent]
    rest: list[InputEvent]


def _fits(
    pairs: list[tuple[str, str, Decimal]],
    budget: dict[str, Decimal],
    largest: dict[tuple[str, str], Decimal],
) -> bool:
    """Admit holdings only while every holder's largest disclosed stake in a target fits in 100."""
    extra: dict[str, Decimal] = {}
    for holder, target, pct in pairs:
        grow = max(Decimal(0), pct - largest.get((holder, target), Decimal(0)))
        extra[target] = extra.get(target, Decimal(0)) + grow
    if any(budget.get(t, Decimal(0)) + x > 100 for t, x in extra.items()):
        return False
    for target, x in extra.items():
        budget[target] = budget.get(target, Decimal(0)) + x
    for holder, target, pct in pairs:
        largest[(holder, target)] = max(largest.get((holder, target), Decimal(0)), pct)
    return True


@st.composite
def event_pools(draw: st.DrawFn) -> Pool:
    days = st.integers(0, 5)
    rest: list[InputEvent] = []
    for i in range(draw(st.integers(1, 10))):
        by_entity = draw(st.booleans())
        supplier = draw(st.sampled_from(ENTITIES if by_entity else (*COUNTRIES, "ZZ")))
        rest.append(
            output(
                draw(st.integers(0, 1000)),
                entity_id=supplier if by_entity else None,
                country=None if by_entity else supplier,
                location_country=(draw(st.sampled_from((None, *COUNTRIES))) if by_entity else None),
                facility_id=(
                    draw(st.sampled_from((None, None, *FACILITIES))) if by_entity else None
                ),
                series=draw(st.sampled_from(POOL_SERIES)),
                day=draw(days),
                event_id=f"out{i}",
            )
        )
    # Few entities in the ownership graph, so that one holder's stake in one target often
    # changes several times (a purchase, a sale to zero, …) and control chains form.
    budget: dict[str, Decimal] = {}
    largest: dict[tuple[str, str], Decimal] = {}
    for i in range(draw(st.integers(0, 12))):
        holder, target = draw(st.permutations(ENTITIES[:3]))[:2]
        pct = draw(st.sampled_from((None, 0, 0, 20, 50, 60, 60, 80)))
        controlling = draw(st.sampled_from((None, True, False)))
        if pct is None and controlling is None:
            controlling = True
        s = stake(holder, target, pct, controlling=controlling, day=draw(days), event_id=f"st{i}")
        if _fits([(holder, target, s.pct_after or Decimal(0))], budget, largest):
            rest.append(s)
    for i in range(draw(st.integers(0, 2))):
        venture_id, *candidates = draw(st.permutations(ENTITIES[:4]))[:3]
        partners = {p: draw(st.sampled_from((10, 20, 40, 50))) for p in candidates}
        jv = venture(
            venture_id,
            partners,
            controlling_partner_id=draw(st.sampled_from((None, *partners))),
            day=draw(days),
            event_id=f"jv{i}",
        )
        if _fits([(p, venture_id, Decimal(pct)) for p, pct in partners.items()], budget, largest):
            rest.append(jv)
    for i in range(draw(st.integers(0, 2))):
        # The survivor is always the entity listed first, so no two mergers undo each other.
        survivor, absorbed = sorted(draw(st.permutations(ENTITIES[:4]))[:2])
        rest.append(merger(survivor, absorbed, day=draw(days), event_id=f"merger{i}"))
    for i in range(draw(st.integers(0, 3))):
        rest.append(
            transfer(
                draw(st.sampled_from(FACILITIES)),
                draw(st.sampled_from(ENTITIES)),
                from_entity_id=draw(st.sampled_from((None, *ENTITIES))),
                day=draw(days),
                event_id=f"transfer{i}",
            )
        )

    def control(control_id: str, event_id: str) -> InputEvent:
        start = draw(st.integers(0, 6))
        coverages: tuple[tuple[tuple[ElementSymbol, ...], tuple[str, ...]], ...] = (
            (("Dy", "Tb"), ()),
            (("Dy",), ()),
            ((), ("total_reo",)),
            (("Nd", "Pr"), ("dy_tb",)),
        )
        elements, groups = draw(st.sampled_from(coverages))
        return export_control(
            control_id,
            draw(st.sampled_from(COUNTRIES[:2])),
            stages=draw(st.sampled_from((("separation",), ("mining",), ("mining", "separation")))),
            restriction=draw(st.sampled_from(("licence", "ban"))),
            severity=draw(st.sampled_from((None, "0.3"))),
            effective_from=start,
            effective_until=draw(st.sampled_from((None, start, start + 2))),
            day=draw(days),
            event_id=event_id,
            elements=elements,
            element_groups=groups,
        )

    controls = draw(st.lists(st.sampled_from(CONTROLS), max_size=2, unique=True))
    first: list[InputEvent] = [control(c, f"impose:{c}") for c in controls]
    for i in range(draw(st.integers(0, 2)) if controls else 0):
        rest.append(control(draw(st.sampled_from(controls)), f"reimpose{i}"))
    for i in range(draw(st.integers(0, 3)) if controls else 0):
        start = draw(st.integers(0, 6))
        if draw(st.booleans()):
            until = draw(st.sampled_from((None, start, start + 1)))
            rest.append(
                suspension(
                    draw(st.sampled_from(controls)), start, until, day=draw(days), event_id=f"s{i}"
                )
            )
        else:
            rest.append(
                lifting(draw(st.sampled_from(controls)), start, day=draw(days), event_id=f"l{i}")
            )
    for i in range(draw(st.integers(0, 2))):
        rest.append(
            quota(
                draw(st.integers(0, 500)),
                draw(st.sampled_from(COUNTRIES)),
                series=draw(st.sampled_from(POOL_SERIES)),
                quota_kind="export",
                day=draw(days),
                event_id=f"quota{i}",
            )
        )
    if draw(st.booleans()):
        rest.append(tariff(day=draw(days), event_id="tariff"))
    named = dict.fromkeys(
        e for event in rest for e in registered([event]) if isinstance(e, EntityRegistered)
    )
    referenced = sorted({e.entity_id for e in named})
    for entity_id in referenced:
        first.append(
            entity(
                entity_id,
                draw(st.sampled_from(COUNTRIES)),
                day=draw(days),
                event_id=f"reg:{entity_id}",
            )
        )
    for i in range(draw(st.integers(0, 4)) if referenced else 0):
        rest.append(
            entity(
                draw(st.sampled_from(referenced)),
                draw(st.sampled_from(COUNTRIES)),
                day=draw(days),
                name=f"name {i}",
                event_id=f"rereg{i}",
            )
        )
    return Pool(first, rest)


def chronological(pool: Pool) -> list[InputEvent]:
    """Prerequisites first, then the rest in the order of their valid time."""
    return sorted(pool.first, key=lambda e: e.ordering_key()) + sorted(
        pool.rest, key=lambda e: e.ordering_key()
    )


def arrivals(pool: Pool, rnd: random.Random) -> list[list[InputEvent]]:
    """Other arrival orders: reversed and shuffled (prerequisites always first)."""
    in_order = chronological(pool)
    first, rest = in_order[: len(pool.first)], in_order[len(pool.first) :]
    orders = [first[::-1] + rest[::-1]]
    for _ in range(2):
        orders.append(rnd.sample(first, len(first)) + rnd.sample(rest, len(rest)))
    return orders


@PROPERTY
@given(event_pools(), st.randoms(use_true_random=False))
def test_final_figures_do_not_depend_on_arrival_order(pool: Pool, rnd: random.Random) -> None:
    reference = fold(chronological(pool))
    expected = all_figures(reference)

    for arrival in arrivals(pool, rnd):
        state = fold(arrival)
        assert all_figures(state) == expected
        for e in ENTITIES:
            assert state.ownership.ultimate_controller(
                e
            ) == reference.ownership.ultimate_controller(e)
            assert state.ownership.equity_owners(e) == reference.ownership.equity_owners(e)


@PROPERTY
@given(event_pools(), st.randoms(use_true_random=False))
def test_published_index_changes_end_at_the_current_figures(pool: Pool, rnd: random.Random) -> None:
    """Every series whose figures an event changes is among the series it touches."""
    arrival = rnd.choice([chronological(pool), *arrivals(pool, rnd)])
    state = MarketState()
    current: dict[IndexKey, Figures] = {}

    publish(state, arrival, current)

    assert current == {
        IndexKey(s, basis): f for s in state.series() for basis, f in figures(state, s).items()
    }


# --- company control ------------------------------------------------------------------------


def test_company_control_attributes_subsidiary_output_to_ultimate_controller() -> None:
    state = fold(
        [
            entity("parent", name="Parent Group"),
            entity("sub"),
            entity("subsub"),
            entity("rival"),
            stake("parent", "sub", 51),
            stake("sub", "subsub", controlling=True),
            output(60, entity_id="subsub"),
            output(20, entity_id="sub"),
            output(20, entity_id="rival"),
        ]
    )

    f = figures(state, MINING_2024)["company_control"]

    assert f.supplier_count == 2
    assert [(s.supplier_id, s.name, s.tonnes) for s in f.top_suppliers] == [
        ("parent", "Parent Group", Decimal(80)),
        ("rival", "rival", Decimal(20)),
    ]
    assert f.hhi == 80**2 + 20**2


def test_minority_stake_does_not_merge_output() -> None:
    state = fold(
        registered([stake("A", "B", 49), output(50, entity_id="A"), output(50, entity_id="B")])
    )

    assert figures(state, MINING_2024)["company_control"].hhi == 5000.0


def test_stake_change_touches_series_of_target_and_everything_below() -> None:
    state = fold(
        registered(
            [
                stake("mid", "leaf", 60),
                output(10, entity_id="leaf", series=SEPARATION_2024),
                output(10, entity_id="mid"),
                output(10, entity_id="top", series=MINING_2024._replace(period=2023)),
            ]
        )
    )

    decision = decide(state, stake("top", "mid", 70))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset({MINING_2024, SEPARATION_2024})


def test_company_output_beside_national_statistics_leaves_the_rest_unattributed() -> None:
    state = fold(
        registered(
            [
                output(1000, country="CN"),
                output(200, country="US"),
                output(600, entity_id="A"),
                output(300, entity_id="B"),
            ]
        )
    )

    f = figures(state, MINING_2024)["company_control"]

    assert f.total_tonnes == Decimal(1200)
    assert f.unattributed_tonnes == Decimal(300)
    assert f.hhi == pytest.approx(50**2 + 25**2, abs=ROUNDING)


# --- the motivating case --------------------------------------------------------------------

BAOGANG, CNRE, CREG, LYNAS, MP = "cn:baogang", "cn:cnre", "cn:creg", "au:lynas", "us:mp"


def rare_earth_market() -> list[InputEvent]:
    return [
        entity(BAOGANG, "CN", name="Baotou Iron and Steel (Group)", kind="state"),
        entity(CNRE, "CN", name="China Northern Rare Earth"),
        entity(CREG, "CN", name="China Rare Earth Group"),
        entity(LYNAS, "AU", name="Lynas Rare Earths"),
        entity(MP, "US", name="MP Materials"),
        stake(BAOGANG, CNRE, controlling=True, day=1, event_id="baogang-cnre-1"),
        output(120_000, entity_id=CNRE),
        output(60_000, entity_id=CREG),
        output(45_000, entity_id=MP),
        output(12_000, entity_id=LYNAS, location_country="MY"),
    ]


def test_raising_a_stake_of_an_existing_controller_leaves_control_hhi_unchanged() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}
    publish(state, rare_earth_market(), current)
    before = figures(state, MINING_2024)

    raise_stake = stake(
        BAOGANG,
        CNRE,
        controlling=True,
        consideration=("1000000000", "CNY"),
        day=200,
        event_id="baogang-cnre-2",
    )
    decision = decide(state, raise_stake)

    assert isinstance(decision, Accepted)
    assert MINING_2024 in decision.touched
    assert figures(state, MINING_2024) == before
    changes = index_changes(
        state,
        {s: [raise_stake] for s in decision.touched},
        current,
        recorded_at=RECORDED,
        publisher="monazite",
    )
    assert changes == []
    assert before["company_control"].top_suppliers[0].supplier_id == BAOGANG


def test_new_majority_acquisition_raises_control_hhi_by_two_a_b() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}
    publish(state, rare_earth_market(), current)
    before = figures(state, MINING_2024)["company_control"]
    total = float(before.total_tonnes)
    a = 100 * 120_000 / total  # Baogang group, through CNRE
    b = 100 * 60_000 / total  # CREG

    acquisition = stake(CNRE, CREG, 60, day=300, event_id="cnre-creg")
    changes = publish(state, [acquisition], current)

    after = figures(state, MINING_2024)["company_control"]
    assert after.hhi - before.hhi == pytest.approx(merger_delta_hhi(a, b), abs=3 * ROUNDING)
    assert after.top_suppliers[0].supplier_id == BAOGANG
    assert after.top_suppliers[0].tonnes == Decimal(180_000)
    assert after.supplier_count == before.supplier_count - 1
    # The location bases do not move (every tonne stays where it was mined) and neither does
    # country_control (both groups are Chinese). company_equity moves too: CNRE now owns 60 %
    # of CREG's 60 000 t (36 000 t), CREG's own float keeps 24 000 t.
    by_basis = {c.basis: c for c in changes}
    assert set(by_basis) == {"company_control", "company_equity"}
    equity = by_basis["company_equity"].figures
    assert {s.supplier_id: s.tonnes for s in equity.top_suppliers}[CNRE] == 120_000 + 36_000
    assert {s.supplier_id: s.tonnes for s in equity.top_suppliers}[CREG] == 24_000
    change = by_basis["company_control"]
    assert change.caused_by == ("cnre-creg",)
    assert change.causation_id == "cnre-creg"
    assert change.previous == before
    assert change.figures == after
    assert change.occurred_at == at(300)
    assert change.market_id == "rare_earths.total_reo.mining"


def test_index_changes_report_first_figures_with_no_previous() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}

    changes = publish(state, [entity(LYNAS, "AU"), output(10, entity_id=LYNAS)], current)

    assert {c.basis for c in changes} == set(BASES)
    assert all(c.previous is None for c in changes)


def test_index_change_ids_are_deterministic() -> None:
    first = publish(MarketState(), rare_earth_market(), {})
    second = publish(MarketState(), rare_earth_market(), {})

    assert [c.event_id for c in first] == [c.event_id for c in second]


# --- country location -----------------------------------------------------------------------


def test_country_location_uses_national_statistics_when_present() -> None:
    state = fold(
        [
            entity(LYNAS, "AU"),
            output(12_000, entity_id=LYNAS),
            output(270_000, country="CN"),
            output(13_000, country="AU"),
            output(1_100, country="ZZ"),
        ]
    )

    f = figures(state, MINING_2024)["country_location"]

    assert f.total_tonnes == Decimal(284_100)
    assert f.unattributed_tonnes == Decimal(1_100)
    assert [s.supplier_id for s in f.top_suppliers] == ["CN", "AU"]
    assert f.top_suppliers[1].tonnes == Decimal(13_000)


def test_country_location_falls_back_to_facility_location_then_home_country() -> None:
    state = fold(
        [
            entity(LYNAS, "AU"),
            entity(MP, "US"),
            output(30, entity_id=LYNAS, location_country="MY"),
            output(20, entity_id=MP),
            output(50, entity_id=LYNAS, series=SEPARATION_2024),
        ]
    )

    mining = figures(state, MINING_2024)["country_location"]
    separation = figures(state, SEPARATION_2024)["country_location"]

    assert {s.supplier_id: s.tonnes for s in mining.top_suppliers} == {
        "MY": Decimal(30),
        "US": Decimal(20),
    }
    assert [s.supplier_id for s in separation.top_suppliers] == ["AU"]


def test_output_of_an_unregistered_entity_is_rejected_naming_the_field() -> None:
    state = fold([entity(MP, "US"), output(60, entity_id=MP)])
    before = copy.deepcopy(state)

    decision = decide(state, output(40, entity_id="unknown"))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("entity_id: unknown entity 'unknown'")
    assert decision.missing_entities == ("unknown",)
    assert state == before
    f = figures(state, MINING_2024)["country_location"]
    assert f.total_tonnes == Decimal(60)
    assert f.unattributed_tonnes == 0


def test_stake_between_unregistered_entities_names_the_first_and_lists_both() -> None:
    state = fold([entity("A")])

    decision = decide(state, stake("C", "B", 10))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("holder_id: unknown entity 'C'")
    assert decision.missing_entities == ("B", "C")


def test_output_of_an_entity_registered_later_is_accepted_once_re_driven() -> None:
    state = MarketState()
    event = output(40, entity_id="x")

    assert isinstance(decide(state, event), Rejected)
    fold([entity("x", "VN"), event], state)

    assert figures(state, MINING_2024)["country_location"].top_suppliers[0].supplier_id == "VN"


def test_re_registering_an_entity_moves_its_output_to_its_new_home_country() -> None:
    state = fold([entity("x", "AU", day=0), output(40, entity_id="x")])

    decision = decide(state, entity("x", "VN", day=1))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset({MINING_2024})
    f = figures(state, MINING_2024)["country_location"]
    assert f.top_suppliers[0].supplier_id == "VN"
    assert f.unattributed_tonnes == 0


def test_statistics_alone_give_no_company_basis() -> None:
    state = fold([output(100, country="CN")])

    # With no export control in force, supply available to the rest of the world is all of it.
    assert set(figures(state, MINING_2024)) == {"country_location", "available_to_rest_of_world"}
    f = figures(state, MINING_2024)
    assert f["available_to_rest_of_world"] == f["country_location"]
