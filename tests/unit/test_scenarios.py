"""What-if scenarios on the pure core: hypothetical events folded into a copy of the state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from monazite_core.alerts import AlertRules
from monazite_core.assessment import ScreenRules
from monazite_core.events import EventRetracted, InputEvent
from monazite_core.market import Accepted, MarketState, decide, figures
from monazite_core.scenarios import (
    HypotheticalEventInvalid,
    IndexEffect,
    ScenarioResult,
    hypothetical_event,
    run_scenario,
)
from tests.unit.factories import (
    MINING_2024,
    RECORDED,
    SEPARATION_2024,
    SOURCE,
    at,
    entity,
    export_control,
    fold,
    lifting,
    merger,
    output,
    stake,
)


def scenario(state: MarketState, *events: InputEvent) -> ScenarioResult:
    return run_scenario(
        state,
        list(events),
        screen_rules=ScreenRules(),
        alert_rules=AlertRules(),
        recorded_at=RECORDED,
    )


def effect(result: ScenarioResult, basis: str, series: Any = MINING_2024) -> IndexEffect:
    [found] = [e for e in result.effects if e.basis == basis and e.series == series]
    return found


def companies(tonnes: dict[str, int], country: str = "AU") -> MarketState:
    """One company per entry, registered in `country`, each reporting its 2024 mining output."""
    events: list[InputEvent] = [entity(e, country) for e in tonnes]
    events += [output(t, entity_id=e) for e, t in tonnes.items()]
    return fold(events)


def separation_statistics(tonnes: dict[str, int], *, day: int = 10) -> MarketState:
    """National separation statistics for 2024, the state's valid time on `day`."""
    return fold(output(t, country=c, series=SEPARATION_2024, day=day) for c, t in tonnes.items())


def snapshot(state: MarketState) -> tuple[Any, ...]:
    """Everything a scenario could disturb, in comparable form."""
    return (
        dict(state.accepted),
        dict(state.entities),
        state.valid_time,
        state.series(),
        {s: figures(state, s) for s in state.series()},
        dict(state.policies.events),
        dict(state.policies.controls),
        {e: state.ownership.ultimate_controller(e) for e in state.entities},
    )


# --- what the scenario reports --------------------------------------------------------------


def test_merger_raising_hhi_triggers_the_us_screen() -> None:
    # 100 t in all, so tonnes are shares: 30² + 3·20²… = 2000 before; A absorbing D (10 %)
    # makes A 40 %: 1600 + 400 + 400 + 100 + 100 = 2600, ΔHHI = 2·30·10 = 600.
    state = companies({"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10})

    result = scenario(state, merger("A", "D", day=30, event_id="whatif:merger"))

    control = effect(result, "company_control")
    assert (control.before and control.before.hhi, control.after.hhi) == (2000.0, 2600.0)
    assert control.deltas()["hhi"] == 600.0
    assert control.caused_by == ("whatif:merger",)
    [deal] = result.deals
    assert deal.control_changed
    assert f"{MINING_2024.market_id}:us_2023_hhi" in deal.screens_triggered
    assert f"{MINING_2024.market_id}:us_2023_share" in deal.screens_triggered
    kinds = [a.kind for a in result.alerts]
    assert kinds.count("deal_screen_triggered") == 4  # two screens on each company basis
    assert "hhi_threshold_crossed" in kinds  # 2000 → 2600 crosses 2500
    summary = result.summary(MINING_2024.market_id)
    assert "rises by 600 to 2,600" in summary
    assert "us_2023_hhi" in summary


def test_export_ban_cuts_rest_of_world_supply() -> None:
    state = separation_statistics({"CN": 700, "US": 200, "AU": 100})
    ban = export_control(
        "whatif-ban",
        element_groups=("total_reo",),
        stages=("separation",),
        restriction="ban",
        effective_from=20,
        day=20,
    )

    result = scenario(state, ban)

    [row] = result.rest_of_world
    assert row.series == SEPARATION_2024
    assert (row.available_before, row.available_after) == (Decimal(1000), Decimal(300))
    assert row.change_pct == -70.0
    assert (row.withheld_before, row.withheld_after) == (Decimal(0), Decimal(700))
    assert [(c.country, c.before_tonnes, c.after_tonnes) for c in row.countries] == [
        ("CN", Decimal(700), Decimal(0))
    ]
    assert "rest_of_world_supply_cut" in {a.kind for a in result.alerts}
    assert "falls by 70.0 %" in result.summary(SEPARATION_2024.market_id)
    # Where the supply is located does not change.
    assert {e.basis for e in result.effects} == {"available_to_rest_of_world"}


def test_lifting_a_control_gives_the_rest_of_the_world_its_supply_back() -> None:
    state = fold(
        [
            *(
                output(t, country=c, series=SEPARATION_2024)
                for c, t in {"CN": 800, "MY": 200}.items()
            ),
            export_control("cn-licence", element_groups=("total_reo",), stages=("separation",)),
        ]
    )

    result = scenario(state, lifting("cn-licence", effective_from=5, day=5))

    [row] = result.rest_of_world
    assert (row.available_before, row.available_after) == (Decimal(600), Decimal(1000))
    assert row.withheld_after == 0


def test_new_plant_lowers_hhi() -> None:
    # 60² + 40² = 5200; with a new 100 t plant of C the shares are 30, 20, 50: 3800.
    state = companies({"A": 60, "B": 40})

    result = scenario(
        state,
        entity("C", "AU", event_id="whatif:c"),
        output(100, entity_id="C", event_id="whatif:plant"),
    )

    control = effect(result, "company_control")
    assert (control.before and control.before.hhi, control.after.hhi) == (5200.0, 3800.0)
    assert control.deltas()["supplier_count"] == 1
    assert control.caused_by == ("whatif:plant",)
    assert "falls by 1,400 to 3,800" in result.summary(MINING_2024.market_id)
    assert result.deals == ()


def test_a_scenario_leaves_the_given_state_untouched() -> None:
    state = fold(
        [
            *(
                output(t, country=c, series=SEPARATION_2024)
                for c, t in {"CN": 800, "MY": 200}.items()
            ),
            export_control("cn-licence", element_groups=("total_reo",), stages=("separation",)),
        ]
    )
    state = fold(
        [entity("A"), entity("B"), output(60, entity_id="A"), output(40, entity_id="B")], state
    )
    before = snapshot(state)
    plant = output(100, entity_id="B", event_id="whatif:bigger-b", day=3)

    scenario(
        state,
        merger("A", "B", day=2, event_id="whatif:merger"),
        plant,
        stake("A", "B", 20, day=2, event_id="whatif:stake"),
        lifting("cn-licence", effective_from=4, day=4),
        entity("C", event_id="whatif:c"),
    )

    assert snapshot(state) == before
    # The hypothetical events were never accepted by the original: the real one still is.
    assert isinstance(decide(state, plant), Accepted)


def test_rejected_events_are_reported_with_the_reason_and_the_rest_still_applies() -> None:
    state = companies({"A": 60, "B": 40})
    state = fold([stake("A", "B", 70, day=1)], state)

    result = scenario(
        state,
        stake("C", "B", 50, day=2, event_id="whatif:unknown-holder"),
        stake("A", "B", 70, day=1),  # already accepted: a duplicate changes nothing
        output(10, entity_id="A", day=3, event_id="whatif:more"),
    )

    unknown, duplicate = result.rejected
    assert (unknown.index, unknown.field) == (0, "holder_id")
    assert "unknown entity 'C'" in unknown.reason
    assert "earlier in the scenario" in unknown.reason
    assert (duplicate.index, duplicate.field) == (1, "event_id")
    assert [a.event_id for a in result.applied] == ["whatif:more"]


def test_stakes_overfilling_a_target_are_rejected_naming_pct_after() -> None:
    state = companies({"A": 60, "B": 40, "C": 1})
    state = fold([stake("A", "B", 70, day=1)], state)

    [rejected] = scenario(state, stake("C", "B", 40, day=2, event_id="whatif:c")).rejected

    assert rejected.field == "pct_after"
    assert "110" in rejected.reason


def test_retractions_are_not_simulated() -> None:
    state = companies({"A": 60})
    retraction = EventRetracted(
        event_id="whatif:retract",
        occurred_at=at(5),
        source=SOURCE,
        retracted_event_id=next(iter(state.accepted)),
        reason="what if it was wrong",
    )

    [rejected] = scenario(state, retraction).rejected

    assert rejected.field == "type"


def test_restricting_to_markets_keeps_only_their_figures_and_screens() -> None:
    state = companies({"A": 30, "B": 20, "C": 20, "D": 10, "E": 10, "F": 10})
    state = fold(
        [
            output(50, entity_id="D", series=SEPARATION_2024),
            output(50, entity_id="A", series=SEPARATION_2024),
        ],
        state,
    )

    result = scenario(state, merger("A", "D", day=30)).restricted_to([SEPARATION_2024.market_id])

    assert {e.series.market_id for e in result.effects} == {SEPARATION_2024.market_id}
    [deal] = result.deals
    assert {m.market_id for m in deal.markets} == {SEPARATION_2024.market_id}
    assert all(s.startswith(SEPARATION_2024.market_id) for s in deal.screens_triggered)
    assert {a.market_id for a in result.alerts} <= {SEPARATION_2024.market_id}


def test_a_market_the_scenario_does_not_move_says_so() -> None:
    result = scenario(companies({"A": 60, "B": 40}))

    assert result.summary(MINING_2024.market_id) == f"{MINING_2024.market_id}: no figure moves."


# --- hypothetical events ----------------------------------------------------------------------


def _merger_document(**fields: Any) -> dict[str, Any]:
    return {
        "type": "merger_completed",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": {"publisher": "what-if"},
        "survivor_id": "creg",
        "absorbed_id": "cnre",
        **fields,
    }


def test_hypothetical_events_get_an_id_and_a_record_time_when_they_name_none() -> None:
    event = hypothetical_event(_merger_document(), index=3, recorded_at=RECORDED)

    assert event.event_id == "scenario-3"
    assert event.recorded_at == RECORDED
    named = hypothetical_event(_merger_document(event_id="mine"), index=3, recorded_at=RECORDED)
    assert named.event_id == "mine"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (_merger_document(absorbed_id="creg"), "events[2].absorbed_id"),
        (_merger_document(occurred_at="2026-09-01T00:00:00"), "events[2].occurred_at"),
        (_merger_document(type="merger_planned"), "events[2].type"),
        (_merger_document(extra=1), "events[2].extra"),
        ([1, 2], "events[2]"),
    ],
)
def test_invalid_hypothetical_events_name_the_field_at_fault(document: Any, field: str) -> None:
    with pytest.raises(HypotheticalEventInvalid) as raised:
        hypothetical_event(document, index=2, recorded_at=RECORDED)

    assert raised.value.errors[0].field == field


def test_joint_venture_partner_errors_name_the_partner() -> None:
    document = {
        "type": "joint_venture_formed",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": {"publisher": "what-if"},
        "venture_id": "v",
        "partners": [{"entity_id": "a", "pct": -1}],
    }

    with pytest.raises(HypotheticalEventInvalid) as raised:
        hypothetical_event(document, index=0, recorded_at=RECORDED)

    assert raised.value.errors[0].field == "events[0].partners[0].pct"
