"""Deal assessment: the structural screens, hand-worked, and what the summary says.

As in the processor: the subject's controller is read before `decide`, the figures before come
from `Accepted.before`, and the assessment is made on the state after the deal.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from monazite_core.assessment import (
    ScreenRules,
    assess_deal,
    controller_of_subject,
)
from monazite_core.events import Basis, DealAssessed, InputEvent, MarketAssessment, OwnershipEvent
from monazite_core.market import Accepted, MarketState, decide, figures
from tests.unit.factories import (
    MINING_2024,
    RECORDED,
    entity,
    fold,
    merger,
    output,
    stake,
    transfer,
)

ROUNDING = 1e-4


def assess(
    state: MarketState, deal: OwnershipEvent, rules: ScreenRules | None = None
) -> DealAssessed:
    controller_before = controller_of_subject(state, deal)
    decision = decide(state, deal)
    assert isinstance(decision, Accepted), decision
    return assess_deal(
        state,
        deal,
        decision.before,
        controller_before,
        recorded_at=RECORDED,
        publisher="monazite",
        rules=rules,
    )


def on_basis(assessment: DealAssessed, basis: Basis) -> MarketAssessment:
    [found] = [
        m
        for m in assessment.markets
        if m.basis == basis and m.market_id == MINING_2024.market_id and m.period == 2024
    ]
    return found


def triggered(market: MarketAssessment) -> set[str]:
    return {s.name for s in market.screens if s.triggered}


def market_of(tonnes: dict[str, int], country: str = "AU") -> MarketState:
    """One company per entry, all registered in `country`, reporting the given mining output."""
    events: list[InputEvent] = [entity(e, country) for e in tonnes]
    events += [output(t, entity_id=e) for e, t in tonnes.items()]
    return fold(events)


# --- US 2023 Merger Guidelines -------------------------------------------------------------

# Each market is 100 t, so tonnes are percentage shares; A buys all of D (so the equity basis
# moves exactly as the control basis does). ΔHHI of combining shares a and d is 2·a·d.
US_CASES = [
    pytest.param(
        # Before: 30² + 20² + 20² + 10² + 10² + 10² = 900 + 400 + 400 + 300 = 2000.
        # After A 40: 1600 + 400 + 400 + 100 + 100 = 2600; Δ = 2·30·10 = 600; combined 40 %.
        {"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10},
        (2000.0, 2600.0, 600.0, 40.0),
        {"us_2023_hhi", "us_2023_share"},
        id="both",
    ),
    pytest.param(
        # Before: 40² + 20² + 15² + 10² + 10² + 5² = 1600 + 400 + 225 + 100 + 100 + 25 = 2450.
        # After A 25: 1600 + 400 + 625 + 100 + 25 = 2750; Δ = 2·15·10 = 300; combined 25 % ≤ 30.
        {"A": 15, "B": 40, "C": 20, "D": 10, "E": 10, "F": 5},
        (2450.0, 2750.0, 300.0, 25.0),
        {"us_2023_hhi"},
        id="hhi-only",
    ),
    pytest.param(
        # Before: 25² + 6² + 6 × 10² + 9² = 625 + 36 + 600 + 81 = 1342.
        # After A 31: 961 + 600 + 81 = 1642 ≤ 1800; Δ = 2·25·6 = 300; combined 31 % > 30.
        {"A": 25, "D": 6, "B": 10, "C": 10, "E": 10, "F": 10, "G": 10, "H": 10, "I": 9},
        (1342.0, 1642.0, 300.0, 31.0),
        {"us_2023_share"},
        id="share-only",
    ),
    pytest.param(
        # Before: 20² + 10² + 20² + 5 × 10² = 400 + 100 + 400 + 500 = 1400.
        # After A 30: 900 + 400 + 500 = 1800, not above 1800; combined 30 %, not above 30;
        # Δ = 2·20·10 = 400. On both thresholds: neither screen triggers.
        {"A": 20, "D": 10, "B": 20, "C": 10, "E": 10, "F": 10, "G": 10, "H": 10},
        (1400.0, 1800.0, 400.0, 30.0),
        set(),
        id="at-both-thresholds",
    ),
    pytest.param(
        # Before: 40² + 10² + 5² + 9 × 5² = 1600 + 100 + 25 + 225 = 1950.
        # After A 15: 1600 + 225 + 225 = 2050 > 1800, but Δ = 2·10·5 = 100, not above 100.
        {"A": 10, "D": 5, "B": 40, **{f"s{i}": 5 for i in range(9)}},
        (1950.0, 2050.0, 100.0, 15.0),
        set(),
        id="delta-at-threshold",
    ),
]


@pytest.mark.parametrize(("shares", "numbers", "screens"), US_CASES)
def test_us_2023_screens(
    shares: dict[str, int],
    numbers: tuple[float, float, float, float],
    screens: set[str],
) -> None:
    state = market_of(shares)
    hhi_before, hhi_after, delta, combined = numbers

    assessment = assess(state, stake("A", "D", 100, day=1))

    for basis in ("company_control", "company_equity"):
        m = on_basis(assessment, basis)
        assert m.hhi_before == pytest.approx(hhi_before, abs=ROUNDING)
        assert m.hhi_after == pytest.approx(hhi_after, abs=ROUNDING)
        assert m.delta_hhi == pytest.approx(delta, abs=ROUNDING)
        assert m.combined_share == pytest.approx(combined, abs=ROUNDING)
        assert triggered(m) == screens
        assert {s.name for s in m.screens} == {"us_2023_hhi", "us_2023_share"}
    assert assessment.control_changed
    assert assessment.controller_before == "D"
    assert assessment.controller_after == "A"
    expected = {f"rare_earths.total_reo.mining:{name}" for name in screens}
    assert expected <= set(assessment.screens_triggered)


def test_minority_purchase_moves_the_equity_basis_only() -> None:
    # A 30 %, D 10 % of 100 t; A buys 40 % of D: no control (not above half).
    state = market_of({"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10})

    assessment = assess(state, stake("A", "D", 40, day=1))

    assert not assessment.control_changed
    assert on_basis(assessment, "company_control").delta_hhi == 0
    # Equity: A 30 + 4 = 34, D keeps 6: Δ = 34² + 6² − 30² − 10² = 1156 + 36 − 900 − 100 = 192.
    equity = on_basis(assessment, "company_equity")
    assert equity.delta_hhi == pytest.approx(192, abs=ROUNDING)
    assert equity.combined_share == pytest.approx(34, abs=ROUNDING)
    # Post HHI 2192 > 1800, Δ 192 > 100, combined 34 % > 30: the equity screens both trigger.
    assert triggered(equity) == {"us_2023_hhi", "us_2023_share"}
    assert triggered(on_basis(assessment, "company_control")) == set()


def test_screen_thresholds_are_configurable() -> None:
    state = market_of({"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10})

    strict = ScreenRules(us_post_hhi=3000.0, us_combined_share_pct=50.0)
    assessment = assess(state, stake("A", "D", 100, day=1), rules=strict)

    # Post HHI 2600 ≤ 3000, combined 40 % ≤ 50: no US screen triggers. (All six companies are
    # Australian, so AU's 100 % still trips the EU screen on country_control.)
    assert triggered(on_basis(assessment, "company_control")) == set()
    assert triggered(on_basis(assessment, "company_equity")) == set()
    assert assessment.screens_triggered == (
        "rare_earths.total_reo.mining:eu_crma_single_third_country",
    )


# --- EU Critical Raw Materials Act ---------------------------------------------------------


@pytest.mark.parametrize(
    ("acquirer_country", "screen_triggers"),
    [("CN", True), ("DE", False)],
)
def test_eu_crma_single_third_country_on_country_control(
    acquirer_country: str, screen_triggers: bool
) -> None:
    # Acquirer 60 t, a US company 30 t, a French one 10 t. The acquirer takes 60 % of the US
    # company: its home country then controls 60 + 30 = 90 % > 65 %.
    state = fold(
        [
            entity("acquirer", acquirer_country),
            entity("us:target", "US"),
            entity("fr:other", "FR"),
            output(60, entity_id="acquirer"),
            output(30, entity_id="us:target"),
            output(10, entity_id="fr:other"),
        ]
    )

    assessment = assess(state, stake("acquirer", "us:target", 60, day=1))

    country = on_basis(assessment, "country_control")
    assert [s.name for s in country.screens] == ["eu_crma_single_third_country"]
    assert triggered(country) == ({"eu_crma_single_third_country"} if screen_triggers else set())
    # Before: 60² + 30² + 10² = 4600; after: 90² + 10² = 8200; Δ = 2·60·30 = 3600.
    assert country.hhi_before == 4600.0
    assert country.hhi_after == 8200.0
    assert country.combined_share == 90.0
    assert country.control_changed


def test_eu_crma_screen_is_not_triggered_at_exactly_65_percent() -> None:
    state = fold(
        [
            entity("cn:a", "CN"),
            entity("us:b", "US"),
            entity("us:c", "US"),
            output(65, entity_id="cn:a"),
            output(35, entity_id="us:b"),
        ]
    )

    assessment = assess(state, stake("us:c", "us:b", 20, day=1))

    assert triggered(on_basis(assessment, "country_control")) == set()


# --- the motivating case -------------------------------------------------------------------

BAOGANG, CNRE, HKSCC, CREG, LYNAS, MP = (
    "cn:baogang",
    "cn:cnre",
    "hk:hkscc",
    "cn:creg",
    "au:lynas",
    "us:mp",
)


def rare_earth_market() -> MarketState:
    """Baogang controls China Northern Rare Earth with 40 % disclosed; HKSCC holds 10 %.

    Mining 2024, 237 000 t: CNRE 120 000, CREG 60 000, MP 45 000, Lynas 12 000.
    """
    return fold(
        [
            entity(BAOGANG, "CN", name="Baotou Iron and Steel (Group)", kind="state"),
            entity(CNRE, "CN", name="China Northern Rare Earth"),
            entity(HKSCC, "HK", name="HKSCC Nominees", kind="fund"),
            entity(CREG, "CN", name="China Rare Earth Group"),
            entity(LYNAS, "AU", name="Lynas Rare Earths"),
            entity(MP, "US", name="MP Materials"),
            stake(BAOGANG, CNRE, 40, controlling=True, day=1, event_id="baogang-cnre-1"),
            stake(HKSCC, CNRE, 10, day=1, event_id="hkscc-cnre-1"),
            output(120_000, entity_id=CNRE),
            output(60_000, entity_id=CREG),
            output(45_000, entity_id=MP),
            output(12_000, entity_id=LYNAS, location_country="MY"),
        ]
    )


def test_controller_raising_its_stake_changes_equity_but_not_control() -> None:
    state = rare_earth_market()
    raise_to_45 = stake(
        BAOGANG,
        CNRE,
        45,
        controlling=True,
        consideration=("1000000000", "CNY"),
        day=200,
        event_id="baogang-cnre-2",
    )

    assessment = assess(state, raise_to_45)

    assert assessment.deal_event_id == "baogang-cnre-2"
    assert assessment.event_id == "deal_assessed:baogang-cnre-2"
    assert assessment.causation_id == "baogang-cnre-2"
    assert (assessment.acquirer_id, assessment.subject_id) == (BAOGANG, CNRE)
    assert assessment.controller_before == assessment.controller_after == BAOGANG
    assert not assessment.control_changed
    assert on_basis(assessment, "company_control").delta_hhi == 0
    assert on_basis(assessment, "country_control").delta_hhi == 0
    # Equity, in thousand tonnes of 237: before CNRE's float 60 (50 %), CREG 60, Baogang 48,
    # MP 45, HKSCC 12, Lynas 12; after Baogang 54, CNRE's float 54 (45 %).
    # ΔHHI = (54² + 54² − 60² − 48²) × 100²/237² = (5832 − 5904) × 10 000/56 169 = −12.82.
    equity = on_basis(assessment, "company_equity")
    assert equity.delta_hhi == pytest.approx(-720_000 / 56_169, abs=1e-3)
    assert equity.delta_hhi != 0
    assert triggered(on_basis(assessment, "company_control")) == set()
    assert triggered(equity) == set()
    assert all(not m.control_changed for m in assessment.markets)
    assert "already controlled" in assessment.summary
    assert "unchanged" in assessment.summary
    assert assessment.summary.startswith(
        "Baotou Iron and Steel (Group) already controlled China Northern Rare Earth,"
        " so control did not change; company_control and country_control concentration"
        " unchanged; "
    )
    assert "company_equity: HHI falls by 13" in assessment.summary


def test_undisclosed_raise_by_the_controller_cannot_move_the_equity_basis() -> None:
    state = rare_earth_market()
    equity_before = figures(state, MINING_2024)["company_equity"]
    undisclosed = stake(
        BAOGANG,
        CNRE,
        controlling=True,
        consideration=("1000000000", "CNY"),
        day=200,
        event_id="baogang-cnre-2",
    )

    assessment = assess(state, undisclosed)

    assert not assessment.control_changed
    assert all(m.delta_hhi == 0 for m in assessment.markets)
    # The last disclosed 40 % stands: Baogang still owns 48 000 t of CNRE's output.
    assert figures(state, MINING_2024)["company_equity"] == equity_before
    assert "already controlled" in assessment.summary
    assert "company_control and company_equity and country_control concentration unchanged" in (
        assessment.summary
    )
    assert assessment.summary.endswith(
        "the stake percentage is undisclosed, so the equity basis cannot move."
    )
    holding = state.ownership.stake(BAOGANG, CNRE)
    assert holding is not None
    assert holding.pct_after == Decimal(40)
    assert holding.event_id == "baogang-cnre-2"


def test_change_of_control_is_named_in_the_summary() -> None:
    state = rare_earth_market()

    assessment = assess(state, stake(CNRE, CREG, 60, day=300, event_id="cnre-creg"))

    assert assessment.controller_before == CREG
    assert assessment.controller_after == BAOGANG
    assert assessment.control_changed
    assert assessment.summary.startswith(
        "control of China Rare Earth Group passes from China Rare Earth Group to"
        " Baotou Iron and Steel (Group)"
    )
    # company_control: Baogang's group 120 + 60 = 180 of 237: Δ = 2·(120/237)·(60/237)·100².
    control = on_basis(assessment, "company_control")
    assert control.delta_hhi == pytest.approx(2 * 12_000 / 237 * 6_000 / 237, abs=1e-3)
    assert control.combined_share == pytest.approx(100 * 180 / 237, abs=ROUNDING)
    assert control.control_changed
    assert not on_basis(assessment, "company_equity").control_changed


def test_merger_is_assessed_from_the_absorbed_entitys_controller() -> None:
    state = market_of({"S": 50, "X": 30, "R": 20})

    assessment = assess(state, merger("S", "X", day=1))

    assert (assessment.acquirer_id, assessment.subject_id) == ("S", "X")
    assert (assessment.controller_before, assessment.controller_after) == ("X", "S")
    # 3800 → 6800: Δ = 2·50·30 = 3000; combined 80 %.
    control = on_basis(assessment, "company_control")
    assert control.delta_hhi == 3000.0
    assert triggered(control) == {"us_2023_hhi", "us_2023_share"}


def test_facility_transfer_is_assessed_from_the_sellers_controller() -> None:
    state = fold(
        [
            entity("A", "AU"),
            entity("B", "US"),
            entity("C", "CN"),
            output(40, entity_id="A", facility_id="mine-1"),
            output(60, entity_id="B"),
        ]
    )

    assessment = assess(state, transfer("mine-1", "B", from_entity_id="A", day=1))

    assert (assessment.controller_before, assessment.controller_after) == ("A", "B")
    assert assessment.control_changed
    # 40² + 60² = 5200 → 10 000: Δ = 2·40·60 = 4800.
    assert on_basis(assessment, "company_control").delta_hhi == 4800.0


def test_deal_touching_no_reported_output_says_so() -> None:
    state = fold([entity("A"), entity("B")])

    assessment = assess(state, stake("A", "B", 70, day=1))

    assert assessment.markets == ()
    assert assessment.screens_triggered == ()
    assert assessment.summary == (
        "control of B passes from B to A; no market with reported output is affected."
    )
