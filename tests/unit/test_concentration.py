"""Concentration maths against hand computations and as properties."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monazite_core.concentration import TOP_SUPPLIERS_LISTED, concentration, merger_delta_hhi
from tests.unit.factories import PROPERTY

# USGS Mineral Commodity Summaries 2025: rare-earth mine production 2024, t REO.
USGS_2024_MINE_PRODUCTION = {
    "CN": Decimal(270_000),
    "US": Decimal(45_000),
    "MM": Decimal(31_000),
    "AU": Decimal(13_000),
    "NG": Decimal(13_000),
    "TH": Decimal(13_000),
    "IN": Decimal(2_900),
    "RU": Decimal(2_500),
    "MG": Decimal(2_000),
    "VN": Decimal(300),
    "MY": Decimal(130),
    "BR": Decimal(20),
}
USGS_2024_OTHER = Decimal(1_100)

ROUNDING = 1e-4  # figures are published to four decimals


def test_four_suppliers_30_30_20_20_match_hand_computation() -> None:
    f = concentration({"a": Decimal(30), "b": Decimal(30), "c": Decimal(20), "d": Decimal(20)})

    assert f.hhi == 2600.0
    assert f.cr1 == 30.0
    assert f.cr3 == 80.0
    assert f.cr4 == 100.0
    assert f.effective_suppliers == pytest.approx(10_000 / 2600, abs=ROUNDING)
    assert f.supplier_count == 4
    assert f.total_tonnes == Decimal(100)
    assert f.unattributed_tonnes == Decimal(0)


def test_shares_depend_on_proportions_not_units() -> None:
    tonnes = concentration({"a": Decimal(3000), "b": Decimal(3000), "c": Decimal(2000)})
    scaled = concentration({"a": Decimal("0.3"), "b": Decimal("0.3"), "c": Decimal("0.2")})

    assert (tonnes.hhi, tonnes.cr1, tonnes.cr3) == (scaled.hhi, scaled.cr1, scaled.cr3)


def test_monopoly_has_hhi_10000_and_one_effective_supplier() -> None:
    f = concentration({"only": Decimal(1234)})

    assert f.hhi == 10_000.0
    assert f.cr1 == f.cr3 == f.cr4 == 100.0
    assert f.effective_suppliers == 1.0
    assert f.supplier_count == 1


def test_usgs_2024_mine_production_by_country() -> None:
    f = concentration(USGS_2024_MINE_PRODUCTION, unattributed=USGS_2024_OTHER)

    assert f.total_tonnes == Decimal(393_950)
    assert f.unattributed_tonnes == USGS_2024_OTHER
    assert f.hhi == pytest.approx(4924, abs=1)
    assert f.cr1 == pytest.approx(68.5, abs=0.05)
    assert f.supplier_count == 12
    assert f.top_suppliers[0].supplier_id == "CN"
    assert f.top_suppliers[0].share_pct == pytest.approx(68.5366, abs=ROUNDING)
    assert len(f.top_suppliers) == TOP_SUPPLIERS_LISTED


def test_unattributed_remainder_counts_in_total_but_is_never_squared_in() -> None:
    f = concentration({"a": Decimal(50)}, unattributed=Decimal(50))

    # a has 50 % of the market; squaring the remainder in would give 5000.
    assert f.hhi == 2500.0
    assert f.cr1 == 50.0
    assert f.cr4 == 50.0
    assert f.supplier_count == 1
    assert f.total_tonnes == Decimal(100)
    assert all(s.supplier_id == "a" for s in f.top_suppliers)


def test_usgs_other_countries_are_not_a_supplier() -> None:
    with_other = concentration(USGS_2024_MINE_PRODUCTION, unattributed=USGS_2024_OTHER)
    as_a_supplier = concentration({**USGS_2024_MINE_PRODUCTION, "ZZ": USGS_2024_OTHER})

    assert with_other.supplier_count == as_a_supplier.supplier_count - 1
    assert with_other.cr1 == as_a_supplier.cr1
    assert with_other.hhi == pytest.approx(
        as_a_supplier.hhi - (1100 * 100 / 393_950) ** 2, abs=ROUNDING
    )


def test_zero_output_suppliers_are_ignored() -> None:
    with_zeros = concentration({"a": Decimal(60), "b": Decimal(40), "idle": Decimal(0)})
    without = concentration({"a": Decimal(60), "b": Decimal(40)})

    assert with_zeros == without
    assert with_zeros.supplier_count == 2


def test_negative_output_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        concentration({"a": Decimal(10), "b": Decimal(-1)})


def test_negative_unattributed_remainder_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        concentration({"a": Decimal(10)}, unattributed=Decimal(-1))


def test_empty_market_has_no_concentration() -> None:
    f = concentration({})

    assert f.hhi == 0.0
    assert f.effective_suppliers is None
    assert f.supplier_count == 0
    assert f.top_suppliers == ()


def test_ties_rank_by_supplier_id() -> None:
    f = concentration({"b": Decimal(1), "c": Decimal(1), "a": Decimal(1)})

    assert [s.supplier_id for s in f.top_suppliers] == ["a", "b", "c"]


def test_names_label_top_suppliers_and_default_to_id() -> None:
    f = concentration({"cn:baogang": Decimal(2), "x": Decimal(1)}, names={"cn:baogang": "Baogang"})

    assert [(s.supplier_id, s.name) for s in f.top_suppliers] == [
        ("cn:baogang", "Baogang"),
        ("x", "x"),
    ]


def test_merger_delta_is_two_a_b() -> None:
    assert merger_delta_hhi(30.0, 20.0) == 1200.0
    assert merger_delta_hhi(0.0, 70.0) == 0.0


# --- properties -------------------------------------------------------------------------------

tonnes = st.decimals(min_value=1, max_value=1_000_000, places=2, allow_nan=False)
markets = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=3), tonnes, min_size=1, max_size=15
)
remainders = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False)


@PROPERTY
@given(markets)
def test_hhi_is_positive_and_at_most_10000(quantities: dict[str, Decimal]) -> None:
    f = concentration(quantities)

    assert 0 < f.hhi <= 10_000


@PROPERTY
@given(markets, remainders, st.randoms(use_true_random=False))
def test_figures_do_not_depend_on_supplier_order(
    quantities: dict[str, Decimal], unattributed: Decimal, rnd: random.Random
) -> None:
    items = list(quantities.items())
    rnd.shuffle(items)

    assert concentration(dict(items), unattributed=unattributed) == concentration(
        quantities, unattributed=unattributed
    )


@PROPERTY
@given(
    markets.filter(lambda q: len(q) >= 2),
    remainders,
    st.data(),
)
def test_merging_two_suppliers_raises_hhi_by_two_a_b(
    quantities: dict[str, Decimal], unattributed: Decimal, data: st.DataObject
) -> None:
    a_id, b_id = data.draw(st.permutations(sorted(quantities)))[:2]
    before = concentration(quantities, unattributed=unattributed)
    merged = {k: v for k, v in quantities.items() if k != b_id}
    merged[a_id] = quantities[a_id] + quantities[b_id]
    after = concentration(merged, unattributed=unattributed)

    total = before.total_tonnes
    a = float(quantities[a_id] * 100 / total)
    b = float(quantities[b_id] * 100 / total)
    assert after.total_tonnes == total
    assert after.hhi - before.hhi == pytest.approx(merger_delta_hhi(a, b), abs=3 * ROUNDING)


@PROPERTY
@given(markets, remainders)
def test_concentration_ratios_are_ordered(
    quantities: dict[str, Decimal], unattributed: Decimal
) -> None:
    f = concentration(quantities, unattributed=unattributed)

    assert 0 < f.cr1 <= f.cr3 <= f.cr4 <= 100


@PROPERTY
@given(markets)
def test_effective_suppliers_lie_between_one_and_supplier_count(
    quantities: dict[str, Decimal],
) -> None:
    f = concentration(quantities)

    assert f.effective_suppliers is not None
    assert 1 - ROUNDING <= f.effective_suppliers <= f.supplier_count + ROUNDING


@PROPERTY
@given(markets)
def test_equal_suppliers_behave_like_their_number(quantities: dict[str, Decimal]) -> None:
    f = concentration(dict.fromkeys(quantities, Decimal(7)))

    assert f.effective_suppliers == pytest.approx(len(quantities), abs=ROUNDING)
    assert f.hhi == pytest.approx(10_000 / len(quantities), abs=ROUNDING)
