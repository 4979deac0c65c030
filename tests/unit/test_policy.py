"""Policies and the supply they leave available to the rest of the world.

The market throughout: Dy/Tb separation in 2024, 1 000 t by national statistics, CN 800 t and
MY 200 t. Without a control in force, the rest of the world can obtain all of it:
CN 80 %, MY 20 %, HHI 6400 + 400 = 6800.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from monazite_core.events import (
    ExportControlImposed,
    Figures,
    InputEvent,
    describe_validation_error,
    parse_input_event,
)
from monazite_core.market import (
    Accepted,
    IndexKey,
    MarketState,
    Rejected,
    decide,
    figures,
    policy_events,
)
from monazite_core.policy import MarketRef, PolicyBook, covers
from tests.unit.factories import (
    DY_TB_SEPARATION_2024,
    MINING_2024,
    SEPARATION_2024,
    at,
    entity,
    export_control,
    fold,
    funding,
    lifting,
    on,
    output,
    price_floor,
    publish,
    quota,
    suspension,
    tariff,
)

DY_TB = DY_TB_SEPARATION_2024
ROUNDING = 1e-4


def dy_tb_market_events() -> list[InputEvent]:
    return [output(800, country="CN", series=DY_TB), output(200, country="MY", series=DY_TB)]


def dy_tb_market(*events: InputEvent) -> MarketState:
    return fold([*dy_tb_market_events(), *events])


def clock(day: int) -> InputEvent:
    """An event that changes no figure, only the state's valid time (its latest occurred_at)."""
    return entity("clock", "CH", day=day, event_id=f"clock:{day}")


def available(state: MarketState) -> Figures:
    return figures(state, DY_TB)["available_to_rest_of_world"]


def available_tonnes(state: MarketState) -> dict[str, Decimal]:
    return {s.supplier_id: s.tonnes for s in available(state).top_suppliers}


def licence(**kw: Any) -> ExportControlImposed:
    """China's licence regime on Dy and Tb separation (default severity: half withheld)."""
    return export_control("cn-dy-tb", "CN", elements=("Dy", "Tb"), **kw)


# --- licences and bans ----------------------------------------------------------------------


def test_licence_halves_the_jurisdictions_supply_from_its_effective_date() -> None:
    # Announced on day 5, effective from day 10.
    state = dy_tb_market(licence(day=5, effective_from=10))
    assert state.valid_date() == on(5)
    assert available(state) == figures(state, DY_TB)["country_location"]  # not yet in force

    fold([clock(9)], state)
    assert available(state).total_tonnes == 1000  # day 9: still not

    decision = decide(state, clock(10))

    # Valid time reaches day 10: CN 800 × (1 − 0.5) = 400 t, MY 200 t, 600 t in all.
    # Shares 66.67 % and 33.33 % → HHI 4444.44 + 1111.11 = 5555.56.
    assert isinstance(decision, Accepted)
    assert DY_TB in decision.touched
    assert available_tonnes(state) == {"CN": 400, "MY": 200}
    assert available(state).total_tonnes == 600
    assert available(state).hhi == pytest.approx(
        (100 * 400 / 600) ** 2 + (100 * 200 / 600) ** 2, abs=ROUNDING
    )
    assert available(state).cr1 == pytest.approx(200 / 3, abs=ROUNDING)
    # Where the supply is located has not changed.
    assert figures(state, DY_TB)["country_location"].total_tonnes == 1000


def test_a_control_in_force_when_it_arrives_applies_at_once() -> None:
    state = dy_tb_market(clock(30))

    decision = decide(state, licence(day=20, effective_from=10))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset({DY_TB})
    assert available_tonnes(state) == {"CN": 400, "MY": 200}


def test_ban_withholds_all_of_the_jurisdictions_supply() -> None:
    state = dy_tb_market(licence(restriction="ban"))

    # CN 800 × (1 − 1) = 0 t: only MY's 200 t remain, a monopoly.
    assert available_tonnes(state) == {"MY": 200}
    assert available(state).total_tonnes == 200
    assert available(state).hhi == 10_000.0


def test_severity_overrides_the_default_share_withheld() -> None:
    state = dy_tb_market(licence(severity="0.2"))

    # CN 800 × (1 − 0.2) = 640 t.
    assert available_tonnes(state) == {"CN": 640, "MY": 200}


def test_two_controls_combine_multiplicatively() -> None:
    state = dy_tb_market(
        licence(),
        export_control("cn-heavy", "CN", element_groups=("dy_tb",), day=1),
    )

    # Withheld: 1 − (1 − 0.5)(1 − 0.5) = 0.75; CN 800 × 0.25 = 200 t, MY 200 t → HHI 5000.
    assert state.policies.withheld_share("CN", DY_TB.market, on(1)) == Decimal("0.75")
    assert available_tonnes(state) == {"CN": 200, "MY": 200}
    assert available(state).hhi == 5000.0


def test_a_control_of_another_jurisdiction_leaves_this_one_alone() -> None:
    state = dy_tb_market(export_control("my-dy-tb", "MY", elements=("Dy", "Tb")))

    # MY 200 × 0.5 = 100 t; CN keeps 800 t.
    assert available_tonnes(state) == {"CN": 800, "MY": 100}


def test_controls_apply_to_company_output_by_where_it_is_located() -> None:
    # A Chinese company separating in Malaysia, and one in China: only the latter is withheld.
    state = fold(
        [
            entity("cn:abroad", "CN"),
            entity("cn:home", "CN"),
            output(100, entity_id="cn:abroad", location_country="MY", series=DY_TB),
            output(300, entity_id="cn:home", series=DY_TB),
            licence(restriction="ban"),
        ]
    )

    assert available_tonnes(state) == {"MY": 100}
    # country_control still counts all 400 t for China: control is not location.
    assert figures(state, DY_TB)["country_control"].top_suppliers[0].tonnes == 400


# --- in force when ----------------------------------------------------------------------------


def test_suspension_window_restores_supply_then_the_control_resumes() -> None:
    # In force from day 0, suspended from day 20 to day 30 inclusive.
    state = dy_tb_market(licence(), suspension("cn-dy-tb", 20, 30, day=1))
    assert available(state).total_tonnes == 600  # day 1

    fold([clock(20)], state)
    assert available(state).total_tonnes == 1000  # suspended
    fold([clock(30)], state)
    assert available(state).total_tonnes == 1000  # the last day of the suspension
    fold([clock(31)], state)
    assert available(state).total_tonnes == 600  # in force again


def test_open_ended_suspension_restores_supply_for_good() -> None:
    state = dy_tb_market(licence(), suspension("cn-dy-tb", 20, day=1), clock(400))

    assert available(state).total_tonnes == 1000


def test_lifting_ends_the_control_from_its_effective_date() -> None:
    state = dy_tb_market(licence(), lifting("cn-dy-tb", 40, day=1), clock(39))
    assert available(state).total_tonnes == 600

    fold([clock(40)], state)

    assert available(state).total_tonnes == 1000


def test_effective_until_ends_the_control_after_that_day() -> None:
    state = dy_tb_market(licence(effective_until=50), clock(50))
    assert available(state).total_tonnes == 600  # inclusive

    decision = decide(state, clock(51))

    assert isinstance(decision, Accepted)
    assert DY_TB in decision.touched
    assert available(state).total_tonnes == 1000


def test_crossing_an_effective_date_publishes_the_change() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}
    publish(state, [*dy_tb_market_events(), licence(day=5, effective_from=10)], current)

    changes = publish(state, [clock(10)], current)

    [change] = changes
    assert change.basis == "available_to_rest_of_world"
    assert change.caused_by == ("clock:10",)
    assert change.previous is not None
    assert change.previous.total_tonnes == 1000
    assert change.figures.total_tonnes == 600
    assert current == {
        IndexKey(s, b): f for s in state.series() for b, f in figures(state, s).items()
    }


# --- which markets a control covers --------------------------------------------------------


def test_elements_covering_only_part_of_a_group_do_not_cover_it() -> None:
    # Dy alone is half of the dy_tb group.
    state = dy_tb_market(export_control("cn-dy", "CN", elements=("Dy",)))

    assert available(state).total_tonnes == 1000


def test_naming_the_group_covers_it_whatever_the_elements() -> None:
    state = dy_tb_market(export_control("cn-dy", "CN", elements=("Dy",), element_groups=("dy_tb",)))

    assert available_tonnes(state) == {"CN": 400, "MY": 200}


@pytest.mark.parametrize(
    ("market", "covered"),
    [
        (MarketRef("rare_earths", "dy_tb", "separation"), True),
        (MarketRef("rare_earths", "dy_tb", "mining"), False),  # stage not listed
        (MarketRef("rare_earths", "heavy_reo", "separation"), False),  # Y, Gd, … not listed
        (MarketRef("rare_earths", "total_reo", "separation"), False),
        (MarketRef("rare_earths", "unknown_group", "separation"), False),
        (MarketRef("graphite", "dy_tb", "separation"), False),  # another commodity
    ],
)
def test_covers(market: MarketRef, covered: bool) -> None:
    assert covers(licence(), market) is covered


def test_seven_element_control_covers_the_groups_it_completes() -> None:
    # April 2025: Sm, Gd, Tb, Dy, Lu, Sc, Y. It completes dy_tb but not heavy_reo (Eu, Ho, …).
    april_2025 = export_control(
        "cn-2025-04",
        "CN",
        elements=("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"),
        stages=("mining", "separation", "metals", "magnets"),
    )

    assert covers(april_2025, MarketRef("rare_earths", "dy_tb", "magnets"))
    assert not covers(april_2025, MarketRef("rare_earths", "heavy_reo", "separation"))
    assert not covers(april_2025, MarketRef("rare_earths", "ndpr", "magnets"))


def test_re_imposing_a_control_on_fewer_markets_touches_the_market_it_leaves() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}
    publish(state, [*dy_tb_market_events(), licence(day=1)], current)
    assert current[IndexKey(DY_TB, "available_to_rest_of_world")].total_tonnes == 600

    # The same control, re-stated on day 2 to cover Nd and Pr only.
    narrowed = export_control("cn-dy-tb", "CN", elements=("Nd", "Pr"), day=2, event_id="v2")
    changes = publish(state, [narrowed], current)

    assert [c.basis for c in changes] == ["available_to_rest_of_world"]
    assert current[IndexKey(DY_TB, "available_to_rest_of_world")].total_tonnes == 1000
    assert available(state).total_tonnes == 1000


# --- export quotas ----------------------------------------------------------------------------


def test_export_quota_caps_the_jurisdictions_supply() -> None:
    state = dy_tb_market(quota(300, "CN", series=DY_TB, quota_kind="export"))

    # min(800, 300) = 300 t; with MY 200 t, 500 t: 60 % and 40 % → HHI 3600 + 1600 = 5200.
    assert available_tonnes(state) == {"CN": 300, "MY": 200}
    assert available(state).hhi == 5200.0


def test_export_quota_caps_what_a_control_leaves() -> None:
    tight = dy_tb_market(licence(), quota(300, "CN", series=DY_TB, quota_kind="export"))
    loose = dy_tb_market(licence(), quota(500, "CN", series=DY_TB, quota_kind="export"))

    assert available_tonnes(tight) == {"CN": 300, "MY": 200}  # min(800 × 0.5, 300) = 300
    assert available_tonnes(loose) == {"CN": 400, "MY": 200}  # min(800 × 0.5, 500) = 400


def test_export_quota_applies_to_its_year_only() -> None:
    state = dy_tb_market(quota(300, "CN", series=DY_TB._replace(period=2025), quota_kind="export"))

    assert available(state).total_tonnes == 1000


def test_production_quota_is_indexed_as_its_own_measure_and_caps_nothing() -> None:
    state = dy_tb_market(quota(700, "CN", series=DY_TB))

    quota_series = DY_TB._replace(measure="quota")
    assert set(state.series()) == {DY_TB, quota_series}
    assert available(state).total_tonnes == 1000
    located = figures(state, quota_series)["country_location"]
    assert {s.supplier_id: s.tonnes for s in located.top_suppliers} == {"CN": 700}


# --- policies that move no figure ---------------------------------------------------------


def test_tariff_funding_and_price_floor_are_kept_and_move_nothing() -> None:
    state = fold(
        [
            entity("us:dod", "US", kind="state"),
            entity("us:mp", "US"),
            output(45_000, entity_id="us:mp"),
            output(270_000, country="CN"),
        ]
    )
    before = {s: figures(state, s) for s in state.series()}
    events: list[InputEvent] = [
        tariff(day=0, event_id="tariff-1"),
        funding("us:dod", "us:mp", event_id="funding-1"),
        price_floor("us:mp", event_id="floor-1"),
    ]

    for event in events:
        decision = decide(state, event)
        assert isinstance(decision, Accepted), decision
        assert decision.touched == frozenset()

    assert {s: figures(state, s) for s in state.series()} == before
    assert set(state.policies.events) == {"tariff-1", "funding-1", "floor-1"}
    assert [e.event_id for e in policy_events(state)] == ["floor-1", "funding-1", "tariff-1"]


def test_funding_of_an_unregistered_recipient_is_rejected_naming_the_field() -> None:
    state = fold([entity("us:dod", "US", kind="state")])

    decision = decide(state, funding("us:dod", "us:ghost"))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("recipient_id: unknown entity 'us:ghost'")


@pytest.mark.parametrize("event", [suspension("never-imposed", 1), lifting("never-imposed", 1)])
def test_suspending_or_lifting_an_unknown_control_is_rejected_naming_control_id(
    event: InputEvent,
) -> None:
    state = dy_tb_market(licence())
    before = copy.deepcopy(state)

    decision = decide(state, event)

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("control_id: no export control 'never-imposed'")
    assert state == before


def test_effective_until_before_effective_from_is_rejected_by_the_model() -> None:
    with pytest.raises(pydantic.ValidationError, match="effective_until"):
        licence(effective_from=10, effective_until=9)

    document = licence(effective_from=10).model_dump(mode="json")
    document["effective_until"] = on(9).isoformat()
    with pytest.raises(pydantic.ValidationError) as error:
        parse_input_event(document)
    reason = describe_validation_error(error.value)
    assert "effective_until: 2024-01-10 is before effective_from 2024-01-11" in reason


def test_control_must_name_what_it_covers() -> None:
    with pytest.raises(pydantic.ValidationError, match="elements"):
        export_control("empty", "CN")


# --- the policy book on its own -------------------------------------------------------------


def test_later_version_of_a_control_replaces_the_earlier_regardless_of_arrival() -> None:
    early = licence(day=1)
    late = licence(day=2, restriction="ban", event_id="v2")
    book, reversed_book = PolicyBook(), PolicyBook()

    assert book.record(early)
    assert book.record(late)
    assert reversed_book.record(late)
    assert not reversed_book.record(early)  # superseded on arrival

    for b in (book, reversed_book):
        assert b.controls["cn-dy-tb"].restriction == "ban"
        assert b.withheld_share("CN", DY_TB.market, on(3)) == 1


def test_withheld_share_is_zero_outside_the_jurisdiction_and_the_markets_covered() -> None:
    book = PolicyBook()
    book.record(licence())

    assert book.withheld_share("CN", DY_TB.market, on(0)) == Decimal("0.5")
    assert book.withheld_share("MY", DY_TB.market, on(0)) == 0
    assert book.withheld_share("CN", MINING_2024.market, on(0)) == 0
    assert book.withheld_share("CN", SEPARATION_2024.market, on(0)) == 0  # total_reo
    assert book.controls_in_force("CN", DY_TB.market, at(0).date()) == ["cn-dy-tb"]
