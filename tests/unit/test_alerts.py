"""Alerts: thresholds crossed between two figures of one index, and deals failing a screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monazite_core.alerts import AlertRules, alerts_for_change, alerts_for_deal
from monazite_core.assessment import assess_deal, controller_of_subject
from monazite_core.concentration import concentration
from monazite_core.events import AlertRaised, Basis, Figures, IndexChanged, Source
from monazite_core.market import Accepted, IndexKey, MarketState, decide
from tests.unit.factories import (
    DY_TB_SEPARATION_2024,
    RECORDED,
    at,
    entity,
    export_control,
    fold,
    output,
    publish,
    stake,
)

RULES = AlertRules()


def change(
    basis: Basis,
    before: dict[str, int] | None,
    after: dict[str, int],
    *,
    unattributed_before: int = 0,
    unattributed_after: int = 0,
) -> IndexChanged:
    """An index change of the mining 2024 index between two markets given in tonnes."""

    def figures(tonnes: dict[str, int], unattributed: int) -> Figures:
        return concentration(
            {k: Decimal(v) for k, v in tonnes.items()}, unattributed=Decimal(unattributed)
        )

    return IndexChanged(
        event_id=f"index_changed:{basis}",
        occurred_at=at(3),
        recorded_at=RECORDED,
        source=Source(publisher="monazite"),
        causation_id="deal-1",
        market_id="rare_earths.total_reo.mining",
        commodity="rare_earths",
        element_group="total_reo",
        stage="mining",
        basis=basis,
        period=2024,
        measure="production",
        figures=figures(after, unattributed_after),
        previous=None if before is None else figures(before, unattributed_before),
        caused_by=("deal-1",),
    )


def alerts(c: IndexChanged, rules: AlertRules = RULES) -> list[AlertRaised]:
    return alerts_for_change(c, rules, recorded_at=RECORDED, publisher="monazite")


# A 30 and seven suppliers of 10: 900 + 7 × 100 = 1600. A then takes one of them:
# A 40 and six of 10: 1600 + 6 × 100 = 2200. Only the 1 800 level lies in between.
BELOW_1800 = {"A": 30, **{f"s{i}": 10 for i in range(7)}}
ABOVE_1800 = {"A": 40, **{f"s{i}": 10 for i in range(6)}}


# --- HHI levels -----------------------------------------------------------------------------


def test_hhi_crossing_1800_upward_raises_one_alert() -> None:
    c = change("company_control", BELOW_1800, ABOVE_1800)
    assert (c.previous and c.previous.hhi, c.figures.hhi) == (1600.0, 2200.0)

    [alert] = alerts(c)

    assert alert.kind == "hhi_threshold_crossed"
    assert alert.direction == "up"
    assert alert.threshold == 1800.0
    assert (alert.value_before, alert.value_after) == (1600.0, 2200.0)
    assert alert.basis == "company_control"
    assert alert.market_id == "rare_earths.total_reo.mining"
    assert (alert.period, alert.measure) == (2024, "production")
    assert alert.caused_by == ("deal-1",)
    assert alert.causation_id == c.event_id
    assert alert.occurred_at == c.occurred_at
    assert "rose above 1,800" in alert.message
    assert alert.event_id.startswith("alert:")


def test_hhi_crossing_1800_downward_raises_one_alert_going_down() -> None:
    [alert] = alerts(change("company_control", ABOVE_1800, BELOW_1800))

    assert (alert.kind, alert.direction, alert.threshold) == ("hhi_threshold_crossed", "down", 1800)
    assert "fell below 1,800" in alert.message


def test_no_alert_on_first_figures() -> None:
    assert alerts(change("company_control", None, ABOVE_1800)) == []
    assert alerts(change("country_location", None, {"CN": 90, "US": 10})) == []


def test_no_alert_without_a_crossing() -> None:
    assert alerts(change("company_control", BELOW_1800, BELOW_1800)) == []
    # A 30, B 20 and five of 10: 900 + 400 + 500 = 1800 — reaching the level is not crossing it.
    at_level = {"A": 30, "B": 20, **{f"s{i}": 10 for i in range(5)}}
    assert alerts(change("company_control", BELOW_1800, at_level)) == []
    # A 35, six of 10 and one of 5: 1225 + 600 + 25 = 1850 — just above it.
    above = {"A": 35, **{f"s{i}": 10 for i in range(6)}, "t": 5}
    assert [a.threshold for a in alerts(change("company_control", BELOW_1800, above))] == [1800]


def test_a_jump_across_several_levels_raises_one_alert_per_level() -> None:
    # Ten equal suppliers (HHI 1000 — on the level counts as not above it) → A 50 and five
    # of 10 (2500 + 500 = 3000): crosses 1000, 1800 and 2500.
    ten = {f"s{i}": 10 for i in range(10)}
    merged = {"A": 50, **{f"s{i}": 10 for i in range(5)}}

    raised = alerts(change("company_control", ten, merged))

    assert [(a.threshold, a.direction) for a in raised] == [
        (1000.0, "up"),
        (1800.0, "up"),
        (2500.0, "up"),
    ]
    assert len({a.event_id for a in raised}) == 3


# --- top country share ----------------------------------------------------------------------


def test_top_country_share_crossing_65_on_a_country_basis() -> None:
    # CN 60 → 70 % (HHI 3600 + 1600 = 5200 → 4900 + 900 = 5800: no HHI level in between).
    [alert] = alerts(change("country_control", {"CN": 60, "US": 40}, {"CN": 70, "US": 30}))

    assert alert.kind == "top_country_share_crossed"
    assert alert.threshold == 65.0
    assert alert.direction == "up"
    assert (alert.value_before, alert.value_after) == (60.0, 70.0)
    assert "top country CN rose above 65 %" in alert.message


@pytest.mark.parametrize("basis", ["country_location", "available_to_rest_of_world"])
def test_top_country_share_is_watched_on_every_country_basis(basis: Basis) -> None:
    raised = alerts(change(basis, {"CN": 70, "US": 30}, {"CN": 60, "US": 40}))

    assert [(a.kind, a.direction) for a in raised if a.kind != "rest_of_world_supply_cut"] == [
        ("top_country_share_crossed", "down")
    ]


def test_top_share_crossing_on_a_company_basis_is_not_a_country_alert() -> None:
    assert alerts(change("company_control", {"a": 60, "b": 40}, {"a": 70, "b": 30})) == []


# --- supply available to the rest of the world --------------------------------------------


def test_rest_of_world_cut_above_10_percent_raises_an_alert() -> None:
    # CN 800 + MY 200 = 1 000 t → CN 400 + MY 200 = 600 t: cut 40 %.
    # (CN 80 → 66.7 % stays above 65; HHI 6800 → 5556 stays above 2500.)
    [alert] = alerts(
        change("available_to_rest_of_world", {"CN": 800, "MY": 200}, {"CN": 400, "MY": 200})
    )

    assert alert.kind == "rest_of_world_supply_cut"
    assert alert.direction == "down"
    assert alert.threshold == 10.0
    assert (alert.value_before, alert.value_after) == (1000.0, 600.0)
    assert "cut by 40.0 %" in alert.message


def test_rest_of_world_cut_of_exactly_10_percent_raises_none() -> None:
    # 1 000 t → 900 t: cut 10 %, not above 10. (CN 80 → 77.8 %; HHI 6800 → 6049.)
    c = change("available_to_rest_of_world", {"CN": 800, "MY": 200}, {"CN": 700, "MY": 200})

    assert alerts(c) == []


def test_rest_of_world_cut_ignores_unattributed_supply() -> None:
    # 900 t attributed + 100 t of other countries → 450 t + 100 t: the supply named fell by 50 %.
    [alert] = alerts(
        change(
            "available_to_rest_of_world",
            {"CN": 900},
            {"CN": 450},
            unattributed_before=100,
            unattributed_after=100,
        )
    )

    assert alert.kind == "rest_of_world_supply_cut"
    assert (alert.value_before, alert.value_after) == (900.0, 450.0)


def test_rest_of_world_cut_is_watched_on_that_basis_only() -> None:
    c = change("country_location", {"CN": 800, "MY": 200}, {"CN": 400, "MY": 200})

    assert all(a.kind != "rest_of_world_supply_cut" for a in alerts(c))


def test_a_ban_coming_into_force_raises_a_rest_of_world_alert_end_to_end() -> None:
    state = MarketState()
    current: dict[IndexKey, Figures] = {}
    publish(
        state,
        [
            output(800, country="CN", series=DY_TB_SEPARATION_2024),
            output(200, country="MY", series=DY_TB_SEPARATION_2024),
        ],
        current,
    )

    ban = export_control("cn-ban", "CN", elements=("Dy", "Tb"), restriction="ban", day=1)
    [c] = publish(state, [ban], current)
    raised = alerts(c)

    # 1 000 t → MY's 200 t: cut 80 %; CN's 80 % top share gives way to MY's 100 % (no crossing
    # of 65 downward: the top supplier is now MY at 100 %); HHI 6800 → 10 000.
    assert [a.kind for a in raised] == ["rest_of_world_supply_cut"]
    assert raised[0].caused_by == ("control:cn-ban:1",)
    assert (raised[0].value_before, raised[0].value_after) == (1000.0, 200.0)


# --- deals ------------------------------------------------------------------------------------


def test_alerts_for_deal_yield_one_alert_per_triggered_screen() -> None:
    # Six German companies (A 30, B 20, C 20, D 10, E 10, F 10 t); A buys all of D:
    # HHI 2000 → 2600, Δ 600, combined 40 % — both US screens on both company bases; DE is an
    # EU member, so the EU screen stays quiet.
    shares = {"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10}
    state = fold(
        [
            *(entity(e, "DE") for e in shares),
            *(output(t, entity_id=e) for e, t in shares.items()),
        ]
    )
    deal = stake("A", "D", 100, day=1, event_id="deal-1")
    controller_before = controller_of_subject(state, deal)
    decision = decide(state, deal)
    assert isinstance(decision, Accepted)
    assessment = assess_deal(
        state,
        deal,
        decision.before,
        controller_before,
        recorded_at=RECORDED,
        publisher="monazite",
    )

    raised = alerts_for_deal(assessment, recorded_at=RECORDED, publisher="monazite")

    # Each message reads "deal deal-1 triggers <screen> (<rule>): <market summary>".
    assert sorted((a.basis or "", a.message.split()[3]) for a in raised) == [
        ("company_control", "us_2023_hhi"),
        ("company_control", "us_2023_share"),
        ("company_equity", "us_2023_hhi"),
        ("company_equity", "us_2023_share"),
    ]
    assert len({a.event_id for a in raised}) == 4
    for a in raised:
        assert a.kind == "deal_screen_triggered"
        assert a.caused_by == ("deal-1",)
        assert a.causation_id == "deal-1"
        assert a.direction == "up"
        assert (a.value_before, a.value_after) == (2000.0, 2600.0)
        assert a.occurred_at == deal.occurred_at
    # Deterministic: the same assessment gives the same alert ids.
    again = alerts_for_deal(assessment, recorded_at=RECORDED, publisher="monazite")
    assert [a.event_id for a in again] == [a.event_id for a in raised]


def test_deal_with_no_triggered_screen_raises_no_alert() -> None:
    state = fold(
        [
            entity("A", "DE"),
            entity("B", "FR"),
            entity("C", "IT"),
            output(50, entity_id="A"),
            output(30, entity_id="B"),
            output(20, entity_id="C"),
        ]
    )
    # A minority stake of 5 % in C: equity A 50 + 1 = 51, C 19; HHI 3800 → 2601 + 900 + 361 =
    # 3862, Δ 62 ≤ 100; control does not move.
    deal = stake("A", "C", 5, day=1)
    controller_before = controller_of_subject(state, deal)
    decision = decide(state, deal)
    assert isinstance(decision, Accepted)
    assessment = assess_deal(
        state, deal, decision.before, controller_before, recorded_at=RECORDED, publisher="m"
    )

    assert alerts_for_deal(assessment, recorded_at=RECORDED, publisher="m") == []


def test_screen_that_held_before_the_deal_raises_no_alert() -> None:
    # CN controls 90 % of supply before and after a minority stake between two Chinese
    # companies: the EU screen holds on country_control, but the deal moved nothing there.
    state = fold(
        [
            entity("cn:a", "CN"),
            entity("cn:b", "CN"),
            entity("us:c", "US"),
            output(50, entity_id="cn:a"),
            output(40, entity_id="cn:b"),
            output(10, entity_id="us:c"),
        ]
    )
    # Equity a 50 + 0.4, b 39.6: HHI 4200 → 2540.16 + 1568.16 + 100 = 4208.32, Δ 8.32 ≤ 100.
    deal = stake("cn:a", "cn:b", 1, day=1)
    controller_before = controller_of_subject(state, deal)
    decision = decide(state, deal)
    assert isinstance(decision, Accepted)
    assessment = assess_deal(
        state, deal, decision.before, controller_before, recorded_at=RECORDED, publisher="m"
    )

    assert "rare_earths.total_reo.mining:eu_crma_single_third_country" in (
        assessment.screens_triggered
    )
    assert alerts_for_deal(assessment, recorded_at=RECORDED, publisher="m") == []
