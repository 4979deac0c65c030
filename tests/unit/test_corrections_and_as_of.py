"""Retractions undo an event's effect; as-of answers see only what was valid and known."""

from __future__ import annotations

from datetime import UTC, datetime

from monazite_core.events import EventRetracted, InputEvent, Source
from monazite_core.market import (
    Accepted,
    Duplicate,
    MarketState,
    Rejected,
    as_of,
    decide,
    figures,
    refold,
)
from tests.unit.factories import MINING_2024, output

SOURCE = Source(publisher="unit tests")


def _retract(target: str, event_id: str = "retraction-1") -> EventRetracted:
    return EventRetracted(
        event_id=event_id,
        occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
        recorded_at=datetime(2025, 3, 1, tzinfo=UTC),
        source=SOURCE,
        retracted_event_id=target,
        reason="figure misread from the filing",
    )


def _hhi(state: MarketState) -> float:
    return figures(state, MINING_2024)["country_location"].hhi


def test_a_retracted_output_counts_for_nothing_after_refold() -> None:
    cn = output(700, country="CN", event_id="cn")
    us = output(300, country="US", event_id="us")
    wrong = output(1000, country="AU", event_id="au-wrong")
    state = refold([cn, us, wrong, _retract("au-wrong")])
    # 70/30 as if the Australian report had never been made: 4900 + 900 = 5800.
    assert _hhi(state) == 5800
    assert "au-wrong" in state.retracted
    assert isinstance(decide(state, wrong), Duplicate)  # a redelivery does not revive it


def test_a_retraction_is_accepted_once_and_only_for_an_accepted_event() -> None:
    state = MarketState()
    assert isinstance(decide(state, output(700, country="CN", event_id="cn")), Accepted)
    unknown = decide(state, _retract("never-seen"))
    assert isinstance(unknown, Rejected)
    assert unknown.reason.startswith("retracted_event_id: no accepted event 'never-seen'")
    assert isinstance(decide(state, _retract("cn")), Accepted)
    again = decide(state, _retract("cn", event_id="retraction-2"))
    assert isinstance(again, Rejected)
    assert "already retracted by 'retraction-1'" in again.reason


def test_a_correction_is_a_retraction_plus_the_new_fact() -> None:
    wrong = output(1000, country="CN", event_id="cn-v1")
    fixed = output(700, country="CN", event_id="cn-v2")
    us = output(300, country="US", event_id="us")
    correction = _retract("cn-v1").model_copy(update={"replaced_by": "cn-v2"})
    assert _hhi(refold([wrong, us, correction, fixed])) == _hhi(refold([fixed, us]))


def test_as_of_sees_only_what_had_occurred_and_was_known() -> None:
    on_time = output(700, country="CN", event_id="cn").model_copy(
        update={"recorded_at": datetime(2024, 2, 1, tzinfo=UTC)}
    )
    # Occurred in January 2024 but learned only in June 2025: a late event.
    late = output(300, country="US", event_id="us-late").model_copy(
        update={"recorded_at": datetime(2025, 6, 1, tzinfo=UTC)}
    )
    events = [on_time, late]
    valid = datetime(2024, 12, 31, tzinfo=UTC)

    known_before = as_of(events, valid_at=valid, known_at=datetime(2025, 1, 1, tzinfo=UTC))
    known_after = as_of(events, valid_at=valid, known_at=datetime(2025, 7, 1, tzinfo=UTC))
    before_it_happened = as_of(events, valid_at=datetime(2023, 1, 1, tzinfo=UTC))

    assert _hhi(known_before) == 10_000  # China alone, as the system knew it then
    assert _hhi(known_after) == 5800  # the late report lands in 2024, where it belongs
    assert before_it_happened.series() == []


def test_as_of_ignores_a_retraction_not_yet_known() -> None:
    cn = output(700, country="CN", event_id="cn").model_copy(
        update={"recorded_at": datetime(2024, 2, 1, tzinfo=UTC)}
    )
    us = output(300, country="US", event_id="us").model_copy(
        update={"recorded_at": datetime(2024, 2, 1, tzinfo=UTC)}
    )
    retraction = _retract("us")  # recorded 2025-03-01
    valid = datetime(2024, 12, 31, tzinfo=UTC)
    events: list[InputEvent] = [cn, us, retraction]
    assert _hhi(as_of(events, valid_at=valid, known_at=datetime(2025, 1, 1, tzinfo=UTC))) == 5800
    assert _hhi(as_of(events, valid_at=valid, known_at=datetime(2025, 4, 1, tzinfo=UTC))) == 10_000
