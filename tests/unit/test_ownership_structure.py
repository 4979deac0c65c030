"""Market structure in depth: mergers, facility transfers, joint ventures and effective equity.

Every expected figure is worked by hand in the comments; one market of 100 t is used wherever it
can be, so that tonnes read as percentage shares.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pydantic
import pytest

from monazite_core.events import (
    Basis,
    Figures,
    InputEvent,
    describe_validation_error,
    parse_input_event,
)
from monazite_core.market import Accepted, MarketState, Rejected, decide, figures
from tests.unit.factories import (
    MINING_2024,
    entity,
    fold,
    merger,
    output,
    registered,
    stake,
    transfer,
    venture,
)

EXACT = 1e-9


def basis(state: MarketState, name: Basis) -> Figures:
    return figures(state, MINING_2024)[name]


def tonnes_by_supplier(f: Figures) -> dict[str, Decimal]:
    return {s.supplier_id: s.tonnes for s in f.top_suppliers}


# --- mergers --------------------------------------------------------------------------------


def merging_market_events() -> list[InputEvent]:
    return [
        entity("S", "CN"),
        entity("X", "AU"),
        entity("R", "US"),
        output(50, entity_id="S"),
        output(30, entity_id="X"),
        output(20, entity_id="R"),
    ]


def merging_market() -> MarketState:
    return fold(merging_market_events())


def test_absorbed_entitys_output_counts_as_the_survivors_on_company_control() -> None:
    state = merging_market()
    # Before: S 50, X 30, R 20 of 100 t → HHI = 50² + 30² + 20² = 2500 + 900 + 400 = 3800.
    assert basis(state, "company_control").hhi == 3800.0

    decision = decide(state, merger("S", "X", day=1))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset({MINING_2024})
    # After: S 50 + 30 = 80, R 20 → HHI = 6400 + 400 = 6800 = 3800 + 2·50·30.
    control = basis(state, "company_control")
    assert tonnes_by_supplier(control) == {"S": 80, "R": 20}
    assert control.hhi == 6800.0
    # Equity follows: S has no holders, so it owns all 80 t.
    assert tonnes_by_supplier(basis(state, "company_equity")) == {"S": 80, "R": 20}
    # country_control: X's 30 t now count for the survivor's home, CN 50 + 30 = 80, US 20 …
    assert tonnes_by_supplier(basis(state, "country_control")) == {"CN": 80, "US": 20}
    # … while country_location does not move: X's mine is still in Australia.
    assert tonnes_by_supplier(basis(state, "country_location")) == {"CN": 50, "AU": 30, "US": 20}


def test_merger_moves_the_absorbed_entitys_holdings_to_the_survivor() -> None:
    # X holds 30 % of T and 60 % of U; S holds 25 % of T. T and U report 10 t each.
    state = fold(
        registered(
            [
                stake("X", "T", 30),
                stake("X", "U", 60),
                stake("S", "T", 25),
                output(10, entity_id="T"),
                output(10, entity_id="U"),
            ]
        )
    )
    g = state.ownership
    assert g.direct_controller("T") is None  # 30 % and 25 %: nobody above half
    assert g.ultimate_controller("U") == "X"

    fold([merger("S", "X", day=1)], state)

    # S now holds its own 25 % plus X's 30 % of T = 55 %, above half: S controls T.
    [in_t] = g.holders_of("T")
    assert (in_t.holder_id, in_t.pct_after) == ("S", Decimal(55))
    assert g.direct_controller("T") == "S"
    # X's 60 % of U is S's now.
    assert [(h.target_id, h.pct_after) for h in g.holdings_of("S")] == [
        ("T", Decimal(55)),
        ("U", Decimal(60)),
    ]
    assert g.holdings_of("X") == g.holdings_of("S")  # X *is* S from now on
    assert g.ultimate_controller("U") == "S"
    # The registers keep what each event said.
    registered_x = g.stake("X", "T")
    assert registered_x is not None
    assert registered_x.pct_after == 30
    # company_control: T's and U's 10 t each now count for S.
    assert tonnes_by_supplier(basis(state, "company_control")) == {"S": 20}
    # company_equity: T's 10 t: S owns 55 % = 5.5 t, T's float 45 % = 4.5 t;
    # U's 10 t: S owns 60 % = 6 t, U's float 4 t.  S: 5.5 + 6 = 11.5 t.
    assert tonnes_by_supplier(basis(state, "company_equity")) == {
        "S": Decimal("11.5"),
        "T": Decimal("4.5"),
        "U": Decimal(4),
    }


def test_holdings_between_the_merging_parties_disappear() -> None:
    # S holds 10 % of X and X holds 5 % of S; after the merger each is S holding itself.
    state = fold(registered([stake("S", "X", 10), stake("X", "S", 5)]))
    g = state.ownership
    assert g.free_float_pct("S") == 95  # 100 − X's 5 %

    fold([merger("S", "X", day=1)], state)

    assert g.holders_of("S") == []
    assert g.holdings_of("S") == []
    assert g.free_float_pct("S") == 100
    assert g.equity_owners("X") == ({"S": Decimal(1)}, Decimal(0))


def test_control_chain_shows_the_absorbed_entity_then_the_survivor() -> None:
    # P holds 60 % of S; X is absorbed into S: X → S → P.
    state = fold(registered([stake("P", "S", 60), merger("S", "X", day=1)]))

    assert state.ownership.control_chain("X") == ["X", "S", "P"]
    assert state.ownership.ultimate_controller("X") == "P"
    assert state.ownership.canonical("X") == "S"


def test_absorbed_entitys_output_reaches_the_survivors_controller() -> None:
    state = merging_market()
    fold([entity("P", "JP"), stake("P", "S", 70), merger("S", "X", day=1)], state)

    # P controls S, S absorbed X: P 50 + 30 = 80 t, R 20 t; JP 80 on country_control.
    assert tonnes_by_supplier(basis(state, "company_control")) == {"P": 80, "R": 20}
    assert tonnes_by_supplier(basis(state, "country_control")) == {"JP": 80, "US": 20}
    # Equity: P owns 70 % of S's 80 t = 56 t, S's float 24 t.
    assert tonnes_by_supplier(basis(state, "company_equity")) == {"P": 56, "S": 24, "R": 20}


def test_merging_back_the_other_way_is_rejected_naming_absorbed_id() -> None:
    state = merging_market()
    fold([merger("S", "X", day=1)], state)
    before = copy.deepcopy(state)

    decision = decide(state, merger("X", "S", day=2))

    assert isinstance(decision, Rejected)
    assert decision.reason == "absorbed_id: 'S' already absorbed 'X'"
    assert state == before


def test_merger_of_an_unregistered_entity_is_rejected_naming_the_field() -> None:
    state = merging_market()

    decision = decide(state, merger("S", "ghost", day=1))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("absorbed_id: unknown entity 'ghost'")


def test_entity_cannot_absorb_itself() -> None:
    with pytest.raises(pydantic.ValidationError, match="absorbed_id: an entity cannot absorb"):
        merger("S", "S")


def test_merger_arriving_before_the_absorbed_output_gives_the_same_figures() -> None:
    registrations, outputs = merging_market_events()[:3], merging_market_events()[3:]
    absorb = merger("S", "X", day=1)

    in_order = fold([*registrations, *outputs, absorb])
    merger_first = fold([*registrations, absorb, *outputs])

    assert figures(merger_first, MINING_2024) == figures(in_order, MINING_2024)


def test_stakes_in_the_absorbed_entity_disappear_with_its_shares() -> None:
    """After a merger the absorbed entity's shares no longer exist: P's 60 % of X gives it
    nothing in the survivor S (what P received instead would be a fact of its own)."""
    # P holds 60 % of X, Q holds 60 % of S; S reports 100 t; X is absorbed into S.
    state = fold(
        registered(
            [
                stake("P", "X", 60),
                stake("Q", "S", 60),
                output(100, entity_id="S"),
                merger("S", "X", day=1),
            ]
        )
    )
    g = state.ownership

    assert {h.holder_id: h.pct_after for h in g.holders_of("S")} == {"Q": 60}
    assert g.free_float_pct("S") == 40
    assert g.ultimate_controller("S") == "Q"
    assert g.ultimate_controller("X") == "Q"  # X is S now, and Q controls S
    equity = basis(state, "company_equity")
    assert equity.total_tonnes == 100
    assert tonnes_by_supplier(equity) == {"Q": 60, "S": 40}


# --- asset transfers ------------------------------------------------------------------------


def facility_market() -> MarketState:
    # A (AU) reports 40 t from mine-1, which sits in Australia; B (US) reports 60 t.
    return fold(
        [
            entity("A", "AU"),
            entity("B", "US"),
            entity("C", "CN"),
            output(40, entity_id="A", facility_id="mine-1", location_country="AU"),
            output(60, entity_id="B"),
        ]
    )


def test_transferred_facility_output_moves_to_the_buyer() -> None:
    state = facility_market()
    assert tonnes_by_supplier(basis(state, "company_control")) == {"A": 40, "B": 60}
    assert tonnes_by_supplier(basis(state, "country_control")) == {"AU": 40, "US": 60}

    decision = decide(state, transfer("mine-1", "C", from_entity_id="A", day=1))

    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset({MINING_2024})
    # The 40 t follow the mine to C (a CN company): C 40, B 60 on company_control …
    assert tonnes_by_supplier(basis(state, "company_control")) == {"C": 40, "B": 60}
    assert tonnes_by_supplier(basis(state, "company_equity")) == {"C": 40, "B": 60}
    # … and CN 40, US 60 on country_control (HHI 1600 + 3600 = 5200 either way) …
    assert tonnes_by_supplier(basis(state, "country_control")) == {"CN": 40, "US": 60}
    assert basis(state, "country_control").hhi == 5200.0
    # … while the mine stays in Australia.
    assert tonnes_by_supplier(basis(state, "country_location")) == {"AU": 40, "US": 60}


def test_transferred_facility_output_reaches_the_buyers_controller() -> None:
    state = facility_market()
    fold([entity("P", "JP"), stake("P", "C", 51), transfer("mine-1", "C", day=1)], state)

    assert tonnes_by_supplier(basis(state, "company_control")) == {"P": 40, "B": 60}
    assert tonnes_by_supplier(basis(state, "country_control")) == {"JP": 40, "US": 60}
    assert state.ownership.facilities_touching("C") == {"mine-1"}


def test_later_report_for_a_facility_replaces_the_earlier_whoever_reports_it() -> None:
    state = facility_market()
    fold([transfer("mine-1", "C", from_entity_id="A", day=1)], state)

    # C reports 50 t for mine-1 on day 5: the mine is one supplier, so the market holds
    # 50 + 60 = 110 t, not 40 + 50 + 60 = 150 t.
    fold(
        [output(50, entity_id="C", facility_id="mine-1", location_country="AU", day=5)],
        state,
    )
    assert tonnes_by_supplier(basis(state, "company_control")) == {"C": 50, "B": 60}
    assert basis(state, "company_control").total_tonnes == 110

    # A's report for an earlier day, arriving late, changes nothing.
    late = output(45, entity_id="A", facility_id="mine-1", location_country="AU", day=2)
    decision = decide(state, late)
    assert isinstance(decision, Accepted)
    assert decision.touched == frozenset()
    assert tonnes_by_supplier(basis(state, "company_control")) == {"C": 50, "B": 60}


def test_later_transfer_of_a_facility_replaces_the_earlier_regardless_of_arrival() -> None:
    to_c = transfer("mine-1", "C", day=1)
    back_to_b = transfer("mine-1", "B", day=2)

    in_order = fold([to_c, back_to_b], facility_market())
    reversed_ = fold([back_to_b, to_c], facility_market())

    # B owns the mine last: B 60 + 40 = 100 t.
    assert tonnes_by_supplier(basis(in_order, "company_control")) == {"B": 100}
    assert figures(reversed_, MINING_2024) == figures(in_order, MINING_2024)


def test_transfer_to_an_unregistered_buyer_is_rejected_naming_the_field() -> None:
    state = facility_market()

    decision = decide(state, transfer("mine-1", "ghost", from_entity_id="A", day=1))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("to_entity_id: unknown entity 'ghost'")


# --- joint ventures -------------------------------------------------------------------------


def test_joint_venture_registers_each_partners_stake() -> None:
    state = fold(registered([venture("jv", {"P": 60, "Q": 40})]))
    g = state.ownership

    p, q = g.stake("P", "jv"), g.stake("Q", "jv")
    assert p is not None
    assert q is not None
    assert (p.pct_after, q.pct_after) == (Decimal(60), Decimal(40))
    assert g.free_float_pct("jv") == 0  # 100 − 60 − 40
    assert g.direct_controller("jv") == "P"  # 60 % is above half


def test_joint_venture_of_equal_partners_is_uncontrolled() -> None:
    state = fold(registered([venture("jv", {"P": 50, "Q": 50})]))

    assert state.ownership.direct_controller("jv") is None


def test_controlling_partner_confers_control_even_with_a_minority() -> None:
    # P 60 %, Q 40 % and named the controlling partner: the explicit flag wins over a majority.
    state = fold(
        registered(
            [
                entity("jv", "MY"),
                venture("jv", {"P": 60, "Q": 40}, controlling_partner_id="Q"),
                output(100, entity_id="jv"),
            ]
        )
    )

    assert state.ownership.direct_controller("jv") == "Q"
    # The venture's 100 t: all to Q on company_control; 60/40 on company_equity.
    assert tonnes_by_supplier(basis(state, "company_control")) == {"Q": 100}
    assert tonnes_by_supplier(basis(state, "company_equity")) == {"P": 60, "Q": 40}


def test_undisclosed_split_gives_control_but_no_equity() -> None:
    state = fold(
        registered(
            [
                entity("jv", "MY"),
                venture("jv", {"P": None, "Q": None}, controlling_partner_id="P"),
                output(100, entity_id="jv"),
            ]
        )
    )

    assert state.ownership.ultimate_controller("jv") == "P"
    # No disclosed percentage: the venture's own float keeps all of its equity.
    assert tonnes_by_supplier(basis(state, "company_equity")) == {"jv": 100}


def test_partners_summing_above_100_are_rejected_by_the_model() -> None:
    with pytest.raises(pydantic.ValidationError, match="partners: percentages sum to 110"):
        venture("jv", {"P": 60, "Q": 50})

    document = venture("jv", {"P": 60, "Q": 40}).model_dump(mode="json")
    document["partners"][1]["pct"] = "50"
    with pytest.raises(pydantic.ValidationError) as error:
        parse_input_event(document)
    assert "partners: percentages sum to 110, above 100" in describe_validation_error(error.value)


def test_venture_holdings_plus_existing_stakes_above_100_are_rejected_by_decide() -> None:
    # Z already holds 30 % of jv; partners of 50 % and 30 % would make 30 + 50 + 30 = 110 %.
    state = fold(registered([stake("Z", "jv", 30), entity("P"), entity("Q")]))
    before = copy.deepcopy(state)

    decision = decide(state, venture("jv", {"P": 50, "Q": 30}, day=1))

    assert isinstance(decision, Rejected)
    assert "'jv'" in decision.reason
    assert "110" in decision.reason
    assert state == before
    # 30 + 40 + 30 = 100 % fits exactly.
    assert isinstance(decide(state, venture("jv", {"P": 40, "Q": 30}, day=1)), Accepted)


def test_venture_with_an_unregistered_partner_is_rejected_naming_the_partner() -> None:
    state = fold([entity("P")])

    decision = decide(state, venture("jv", {"P": 50, "ghost": 50}))

    assert isinstance(decision, Rejected)
    assert decision.reason.startswith("partners[1].entity_id: unknown entity 'ghost'")


# --- effective equity -----------------------------------------------------------------------


def equity_chain() -> MarketState:
    # A holds 60 % of B, B holds 50 % of C; C reports 100 t.
    return fold(registered([stake("A", "B", 60), stake("B", "C", 50), output(100, entity_id="C")]))


def test_equity_is_the_product_of_stakes_along_the_chain() -> None:
    state = equity_chain()

    # Of C's equity, holders own 50 %: C's own float keeps 50 %.
    # B owns 50 %; B's holders own 60 % of B: A gets 50 % × 60 % = 30 %,
    # B's own float 50 % × 40 % = 20 %.
    # 50 + 30 + 20 = 100 %.
    assert state.ownership.equity_owners("C") == (
        {"C": Decimal("0.5"), "B": Decimal("0.2"), "A": Decimal("0.3")},
        Decimal(0),
    )


def test_company_equity_splits_output_along_the_chain() -> None:
    state = equity_chain()

    equity = basis(state, "company_equity")

    # C 50 t, A 30 t, B 20 t → HHI = 2500 + 900 + 400 = 3800.
    assert tonnes_by_supplier(equity) == {"C": 50, "A": 30, "B": 20}
    assert [s.supplier_id for s in equity.top_suppliers] == ["C", "A", "B"]
    assert equity.hhi == 3800.0
    assert equity.total_tonnes == 100
    assert equity.unattributed_tonnes == 0
    # company_control: B's 50 % is not above half, so C is its own controller.
    assert tonnes_by_supplier(basis(state, "company_control")) == {"C": 100}


def test_cross_holding_cycle_converges_to_the_geometric_series() -> None:
    # A holds 30 % of B, B holds 20 % of A.
    state = fold(registered([stake("A", "B", 30), stake("B", "A", 20)]))

    # A unit of B's equity: B's float keeps 0.7, A gets 0.3; of that, A's float keeps 0.8 and
    # B gets 0.2 back: 0.3 × 0.2 = 0.06 returns to B per round, so B receives in all
    # 1 + 0.06 + 0.06² + … = 1/(1 − 0.06) = 1/0.94.
    #   B's float: 0.7/0.94 = 0.7446808510…   A: 0.3 × 0.8/0.94 = 0.24/0.94 = 0.2553191489…
    owners, lost = state.ownership.equity_owners("B")
    assert float(owners["B"]) == pytest.approx(0.7 / 0.94, abs=EXACT)
    assert float(owners["A"]) == pytest.approx(0.24 / 0.94, abs=EXACT)
    assert float(lost) == pytest.approx(0, abs=EXACT)
    # A unit of A's equity: A keeps 0.8/0.94, B gets 0.2 × 0.7/0.94 = 0.14/0.94.
    owners, _ = state.ownership.equity_owners("A")
    assert float(owners["A"]) == pytest.approx(0.8 / 0.94, abs=EXACT)
    assert float(owners["B"]) == pytest.approx(0.14 / 0.94, abs=EXACT)


def test_full_cross_holding_cycle_terminates_and_its_equity_is_unattributed() -> None:
    # A holds 100 % of B and B holds 100 % of A: the equity circulates forever.
    state = fold(
        registered([stake("A", "B", 100), stake("B", "A", 100), output(10, entity_id="B")])
    )

    assert state.ownership.equity_owners("B") == ({}, Decimal(1))
    assert state.ownership.control_chain("B") == ["B", "A"]
    equity = basis(state, "company_equity")
    assert equity.supplier_count == 0
    assert equity.unattributed_tonnes == 10
    assert equity.total_tonnes == 10


def test_an_outside_holder_drains_a_full_cycle() -> None:
    # A holds 100 % of B; B holds 60 % of A and Z the other 40 %.
    # A unit reaching A sends 0.4 to Z and 0.6 round the cycle back to A:
    # Z gets 0.4 × (1 + 0.6 + 0.6² + …) = 0.4/(1 − 0.6) = 1.
    state = fold(registered([stake("A", "B", 100), stake("B", "A", 60), stake("Z", "A", 40)]))

    owners, lost = state.ownership.equity_owners("B")

    assert set(owners) == {"Z"}
    assert float(owners["Z"]) == pytest.approx(1, abs=EXACT)
    assert float(lost) == pytest.approx(0, abs=EXACT)


# --- free float -----------------------------------------------------------------------------


def test_free_float_is_what_no_recorded_holder_owns() -> None:
    state = fold(
        registered(
            [stake("A", "T", 30), stake("B", "T", "25.5"), stake("C", "T", controlling=True)]
        )
    )
    g = state.ownership

    assert g.free_float_pct("T") == Decimal("44.5")  # 100 − 30 − 25.5; C discloses nothing
    assert g.free_float_pct("A") == 100  # nobody holds A


def test_free_float_returns_when_a_holder_sells_out() -> None:
    state = fold(registered([stake("A", "T", 30, day=1), stake("A", "T", 0, day=2)]))

    assert state.ownership.free_float_pct("T") == 100


# --- country of control ---------------------------------------------------------------------


def test_country_control_counts_output_for_the_ultimate_controllers_home() -> None:
    # us:mine (US) reports 70 t and is 60 % held by cn:parent (CN); au:other (AU) reports 30 t.
    state = fold(
        [
            entity("cn:parent", "CN"),
            entity("us:mine", "US"),
            entity("au:other", "AU"),
            stake("cn:parent", "us:mine", 60),
            output(70, entity_id="us:mine"),
            output(30, entity_id="au:other"),
        ]
    )

    # Control: CN 70, AU 30 → HHI 4900 + 900 = 5800; location: US 70, AU 30 (same HHI).
    country_control = basis(state, "country_control")
    assert tonnes_by_supplier(country_control) == {"CN": 70, "AU": 30}
    assert country_control.hhi == 5800.0
    assert tonnes_by_supplier(basis(state, "country_location")) == {"US": 70, "AU": 30}


def test_country_control_follows_de_facto_control_through_a_chain() -> None:
    # cn:top holds 20 % of hk:mid with a controlling flag; hk:mid holds 51 % of us:mine.
    state = fold(
        [
            entity("cn:top", "CN"),
            entity("hk:mid", "HK"),
            entity("us:mine", "US"),
            stake("cn:top", "hk:mid", 20, controlling=True),
            stake("hk:mid", "us:mine", 51),
            output(10, entity_id="us:mine"),
        ]
    )

    assert state.ownership.control_chain("us:mine") == ["us:mine", "hk:mid", "cn:top"]
    assert tonnes_by_supplier(basis(state, "country_control")) == {"CN": 10}
