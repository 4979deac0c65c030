"""The five bases of one market, worked by hand on one small market."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monazite_core.events import BASES, Basis, Figures
from monazite_core.market import MarketState, figures
from tests.unit.factories import (
    MINING_2024,
    entity,
    export_control,
    fold,
    output,
    stake,
)

ROUNDING = 1e-4


def market() -> MarketState:
    """100 t in all, so tonnes read as percentage shares.

    - us:mine (US) mines 50 t in the US and is 60 % held by cn:parent (CN, a state body);
    - au:lynas (AU) mines 30 t in Malaysia;
    - us:other (US) mines 20 t in the US.
    """
    return fold(
        [
            entity("cn:parent", "CN", kind="state"),
            entity("us:mine", "US"),
            entity("au:lynas", "AU"),
            entity("us:other", "US"),
            stake("cn:parent", "us:mine", 60),
            output(50, entity_id="us:mine"),
            output(30, entity_id="au:lynas", location_country="MY"),
            output(20, entity_id="us:other"),
        ]
    )


def tonnes(f: Figures) -> dict[str, Decimal]:
    return {s.supplier_id: s.tonnes for s in f.top_suppliers}


def test_every_basis_is_computed_for_company_output() -> None:
    assert set(figures(market(), MINING_2024)) == set(BASES)


@pytest.mark.parametrize(
    ("basis", "expected", "hhi"),
    [
        # us:mine's 50 t go to its controller cn:parent: 50² + 30² + 20² = 3800.
        ("company_control", {"cn:parent": 50, "au:lynas": 30, "us:other": 20}, 3800.0),
        # cn:parent owns 60 % of 50 t = 30 t, us:mine's float 20 t: 30² + 30² + 20² + 20² = 2600.
        (
            "company_equity",
            {"cn:parent": 30, "au:lynas": 30, "us:mine": 20, "us:other": 20},
            2600.0,
        ),
        # Where the mines are: US 50 + 20 = 70, MY 30: 70² + 30² = 5800.
        ("country_location", {"US": 70, "MY": 30}, 5800.0),
        # Home of the ultimate controller: CN 50, AU 30, US 20: 3800.
        ("country_control", {"CN": 50, "AU": 30, "US": 20}, 3800.0),
        # No export control in force: everything located is available, as country_location.
        ("available_to_rest_of_world", {"US": 70, "MY": 30}, 5800.0),
    ],
)
def test_hand_worked_bases(basis: Basis, expected: dict[str, int], hhi: float) -> None:
    f = figures(market(), MINING_2024)[basis]

    assert tonnes(f) == {k: Decimal(v) for k, v in expected.items()}
    assert f.hhi == pytest.approx(hhi, abs=ROUNDING)
    assert f.total_tonnes == 100
    assert f.unattributed_tonnes == 0


def test_controls_apply_where_the_supply_is_not_who_controls_it() -> None:
    state = market()
    # A US ban on mining exports of every rare earth: the US-located 70 t are withheld, the
    # Malaysian 30 t (mined by an Australian company) are not; cn:parent's control of us:mine
    # does not make its 50 t Chinese supply.
    fold(
        [
            export_control(
                "us-ban",
                "US",
                element_groups=("total_reo",),
                stages=("mining",),
                restriction="ban",
                day=1,
            )
        ],
        state,
    )

    f = figures(state, MINING_2024)

    assert tonnes(f["available_to_rest_of_world"]) == {"MY": 30}
    assert f["available_to_rest_of_world"].total_tonnes == 30
    assert f["country_location"] == figures(market(), MINING_2024)["country_location"]


def test_statistics_beside_companies_leave_the_rest_unattributed_on_company_bases() -> None:
    state = market()
    # National statistics say 150 t were mined in all (US 90, MY 40, ZZ 20): 150 − 100 t the
    # companies report = 50 t that no company can be named for.
    fold(
        [
            output(90, country="US"),
            output(40, country="MY"),
            output(20, country="ZZ"),
        ],
        state,
    )

    f = figures(state, MINING_2024)

    company_bases: tuple[Basis, ...] = ("company_control", "company_equity", "country_control")
    for company_basis in company_bases:
        assert f[company_basis].total_tonnes == 150
        assert f[company_basis].unattributed_tonnes == 50
    # company_control shares 50/150, 30/150, 20/150:
    # 33.33² + 20² + 13.33² = 1111.11 + 400 + 177.78 = 1688.89 (the 50 t are never squared in).
    assert f["company_control"].hhi == pytest.approx(
        (100 * 50 / 150) ** 2 + (100 * 30 / 150) ** 2 + (100 * 20 / 150) ** 2, abs=ROUNDING
    )
    # country_location takes the statistics: US 90, MY 40 and 20 t of "other countries".
    assert tonnes(f["country_location"]) == {"US": 90, "MY": 40}
    assert f["country_location"].unattributed_tonnes == 20
    assert f["country_location"].total_tonnes == 150
