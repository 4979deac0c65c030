"""The ownership graph: who controls whom, directly and ultimately."""

from __future__ import annotations

import pytest

from monazite_core.events import StakeChanged
from monazite_core.ownership import OwnershipGraph
from tests.unit.factories import stake


def graph(*stakes: StakeChanged) -> OwnershipGraph:
    g = OwnershipGraph()
    for s in stakes:
        g.record(s)
    return g


@pytest.mark.parametrize("pct", ["50.01", "51", "100"])
def test_majority_stake_confers_control(pct: str) -> None:
    g = graph(stake("A", "B", pct))

    assert g.direct_controller("B") == "A"
    assert g.ultimate_controller("B") == "A"


@pytest.mark.parametrize("pct", ["0.5", "49.99", "50"])
def test_stake_of_at_most_half_does_not_confer_control(pct: str) -> None:
    g = graph(stake("A", "B", pct))

    assert g.direct_controller("B") is None
    assert g.ultimate_controller("B") == "B"


def test_two_equal_halves_leave_the_target_uncontrolled() -> None:
    g = graph(stake("A", "T", 50), stake("B", "T", 50))

    assert g.direct_controller("T") is None


def test_explicit_controlling_flag_without_percentage_confers_control() -> None:
    g = graph(stake("A", "B", controlling=True))

    assert g.direct_controller("B") == "A"


def test_explicit_controlling_flag_with_minority_stake_confers_control() -> None:
    g = graph(stake("A", "B", 30, controlling=True))

    assert g.direct_controller("B") == "A"


def test_controlling_false_overrides_a_majority() -> None:
    g = graph(stake("trustee", "B", 80, controlling=False))

    assert g.direct_controller("B") is None
    assert g.ultimate_controller("B") == "B"


def test_explicit_flag_beats_a_larger_majority_holder() -> None:
    g = graph(stake("big", "T", 60), stake("flagged", "T", 20, controlling=True))

    assert g.direct_controller("T") == "flagged"


def test_pct_before_alone_does_not_confer_control() -> None:
    g = graph(stake("A", "B", pct_before=80))

    assert g.direct_controller("B") is None


def test_latest_stake_of_a_holder_replaces_its_earlier_one() -> None:
    g = graph(stake("A", "B", 70, day=1), stake("A", "B", 40, day=2))

    assert g.direct_controller("B") is None
    current = g.stake("A", "B")
    assert current is not None
    assert current.pct_after == 40


def test_chain_is_followed_to_the_top() -> None:
    g = graph(stake("A", "B", 60), stake("B", "C", 51), stake("X", "A", 10))

    assert g.control_chain("C") == ["C", "B", "A"]
    assert g.ultimate_controller("C") == "A"
    assert g.ultimate_controller("B") == "A"
    assert g.ultimate_controller("A") == "A"


def test_chain_stops_below_a_non_controlling_holder() -> None:
    g = graph(stake("A", "B", 40), stake("B", "C", 60))

    assert g.ultimate_controller("C") == "B"


def test_cross_holding_cycle_terminates() -> None:
    g = graph(stake("A", "B", 60), stake("B", "A", 60))

    chain_a = g.control_chain("A")
    chain_b = g.control_chain("B")

    assert chain_a == ["A", "B"]
    assert chain_b == ["B", "A"]
    assert g.ultimate_controller("A") in {"A", "B"}
    assert set(g.controlled_below("A")) == {"A", "B"}


def test_longer_cycle_with_a_tail_terminates() -> None:
    g = graph(
        stake("A", "B", 60),
        stake("B", "C", 60),
        stake("C", "A", 60),
        stake("C", "D", 60),
    )

    chain = g.control_chain("D")

    assert chain[0] == "D"
    assert len(chain) == len(set(chain)) == 4


def test_zero_stake_removes_the_holding() -> None:
    g = graph(stake("A", "B", 60, day=1), stake("A", "B", 0, day=2))

    assert g.stake("A", "B") is None
    assert g.holders_of("B") == []
    assert g.holdings_of("A") == []
    assert g.direct_controller("B") is None
    assert list(g.controlled_below("A")) == ["A"]


def test_zero_stake_with_controlling_flag_keeps_control() -> None:
    g = graph(stake("A", "B", 0, controlling=True))

    assert g.direct_controller("B") == "A"


def test_disclosed_total_sums_known_percentages_only() -> None:
    g = graph(stake("A", "T", 30), stake("B", "T", "25.5"), stake("C", "T", controlling=True))

    assert g.disclosed_total_pct("T") == 55.5
    assert g.disclosed_total_pct("T", excluding_holder="A") == 25.5


def test_controlled_below_walks_every_holding_downwards() -> None:
    g = graph(stake("A", "B", 10), stake("B", "C", 60), stake("Z", "A", 60))

    assert set(g.controlled_below("A")) == {"A", "B", "C"}
    assert "Z" not in set(g.controlled_below("A"))
