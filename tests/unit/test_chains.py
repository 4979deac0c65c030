"""Whole-chain views on hand-checked chains: integration, bloc shares, dependency, bottlenecks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monazite_core.chains import (
    DEFAULT_BLOCS,
    Bloc,
    UnknownBloc,
    UnknownCommodity,
    UnknownCountry,
    chain_view,
    dependency,
    integration_score,
)
from monazite_core.events import OutputReported
from monazite_core.market import MarketState, Series
from tests.unit.factories import SOURCE, at, entity, export_control, fold, output, stake


def _series(stage: str, group: str = "total_reo", measure: str = "production") -> Series:
    return Series("rare_earths", group, stage, 2024, measure)  # type: ignore[arg-type]


MINING = _series("mining")
SEPARATION = _series("separation")
MAGNETS = _series("magnets", "ndfeb")


def _group_at_three_stages() -> MarketState:
    """Group `g` (JP) mines 100 t, separates 80 t through a 60 %-held subsidiary and makes 160 t
    of magnets; `x` (AU) mines 300 t."""
    return fold(
        [
            entity("g", "JP"),
            entity("g_sep", "JP"),
            entity("x", "AU"),
            stake("g", "g_sep", 60),
            output(100, entity_id="g", series=MINING),
            output(300, entity_id="x", series=MINING),
            output(80, entity_id="g_sep", series=SEPARATION),
            output(160, entity_id="g", series=MAGNETS),
        ]
    )


def test_a_group_at_three_stages_is_integrated_end_to_end_with_its_share_at_each() -> None:
    view = chain_view(_group_at_three_stages(), "rare_earths")
    group = view.companies[0]

    assert group.controller_id == "g"
    assert [(p.stage, p.tonnes, p.share_pct) for p in group.stages] == [
        ("mining", Decimal(100), 25.0),
        ("separation", Decimal(80), 100.0),
        ("magnets", Decimal(160), 100.0),
    ]
    # separation: min(1, 100/80) = 1; magnets: min(1, 80/160) = 0.5; mean 0.75
    assert group.integration_score == 0.75
    assert view.end_to_end == ("g",)
    assert [(c.controller_id, c.end_to_end) for c in view.companies] == [
        ("g", True),
        ("x", False),
    ]
    assert view.countries[0].controller_id == "JP"


def test_a_missing_middle_stage_breaks_the_integration_score() -> None:
    held = {"mining": Decimal(100), "magnets": Decimal(50)}
    stages = ("mining", "separation", "magnets")

    # separation: absent (0); magnets: nothing of its own upstream feeds it (0)
    assert integration_score(held, stages) == 0.0  # type: ignore[arg-type]
    assert integration_score({"mining": Decimal(1)}, stages) == 0.0  # type: ignore[arg-type]


def _bloc_chain(*extra: object) -> MarketState:
    """By country: mining CN 60 / US 40; separation CN 90 / MY 10; magnets CN 80 / JP 20."""
    return fold(
        [
            output(60, country="CN", series=MINING),
            output(40, country="US", series=MINING),
            output(90, country="CN", series=SEPARATION),
            output(10, country="MY", series=SEPARATION),
            output(80, country="CN", series=MAGNETS),
            output(20, country="JP", series=MAGNETS),
            *extra,  # type: ignore[list-item]
        ]
    )


def test_bloc_shares_per_stage_are_located_shares_of_the_world_total() -> None:
    view = chain_view(_bloc_chain(), "rare_earths")

    shares = {
        (stage.stage, share.bloc): share.located_pct
        for stage in view.stages
        for share in stage.blocs
    }
    assert shares[("mining", "china")] == 60.0
    assert shares[("separation", "china")] == 90.0
    assert shares[("magnets", "allied")] == 20.0
    assert shares[("separation", "allied")] == 0.0  # Malaysia is not in the allied bloc
    assert all(stage.blocs[0].controlled_pct is None for stage in view.stages)


def test_a_bloc_bottlenecked_at_separation() -> None:
    found = dependency(_bloc_chain(), "rare_earths", on="china", for_="allied")

    assert [(s.stage, s.outside, s.outside_pct) for s in found.stages] == [
        ("mining", Decimal(40), 40.0),
        ("separation", Decimal(10), 10.0),
        ("magnets", Decimal(20), 20.0),
    ]
    assert found.bottleneck is not None
    assert (found.bottleneck.stage, found.bottleneck.tonnes) == ("separation", Decimal(10))
    assert found.bottleneck.share_pct == 10.0
    assert [s.within_for_pct for s in found.stages] == [40.0, 0.0, 20.0]
    assert "narrowest at separation (10.0 %" in found.summary
    assert found.stages[1].caused_by  # the events behind the figure


def test_supply_abroad_controlled_from_the_bloc_counts_as_the_blocs() -> None:
    state = _bloc_chain(
        entity("cn_owner", "CN"),
        entity("my_plant", "MY"),
        stake("cn_owner", "my_plant", 100),
        output(6, entity_id="my_plant", series=SEPARATION),
    )

    found = dependency(state, "rare_earths", on="china", for_="allied")

    assert found.stages[1].outside == Decimal(4)  # 10 t in Malaysia, 6 of them held from China
    assert found.bottleneck is not None
    assert found.bottleneck.share_pct == 4.0


def test_an_export_control_moves_the_bottleneck() -> None:
    """Separation outside China is 30 %, magnets 20 %: magnets bound the chain — until Malaysia
    bans separated exports."""
    base = [
        output(60, country="CN", series=MINING),
        output(40, country="US", series=MINING),
        output(70, country="CN", series=SEPARATION),
        output(30, country="MY", series=SEPARATION),
        output(80, country="CN", series=MAGNETS),
        output(20, country="JP", series=MAGNETS),
    ]
    before = dependency(fold(base), "rare_earths", on="china", for_="allied")
    ban = export_control(
        "my-ban", "MY", element_groups=("total_reo",), stages=("separation",), restriction="ban"
    )
    after = dependency(fold([*base, ban]), "rare_earths", on="china", for_="allied")

    assert before.bottleneck is not None
    assert before.bottleneck.stage == "magnets"
    assert after.bottleneck is not None
    assert (after.bottleneck.stage, after.bottleneck.share_pct) == ("separation", 0.0)
    assert after.bottleneck_without_controls == before.bottleneck
    assert after.stages[1].controls_in_force == (ban.event_id,)
    assert ban.event_id in after.stages[1].caused_by


def test_the_blocs_own_export_controls_narrow_only_what_others_can_obtain() -> None:
    licence = export_control(
        "cn-magnets", "CN", element_groups=("ndfeb",), stages=("magnets",), restriction="licence"
    )
    found = dependency(_bloc_chain(licence), "rare_earths", on="china", for_="allied")

    magnets = found.stages[2]
    assert (magnets.outside_available_pct, magnets.obtainable_pct) == (20.0, 60.0)  # 20 + 80/2
    assert found.obtainable_bottleneck is not None
    assert found.obtainable_bottleneck.stage == "magnets"


def test_unknown_bloc_and_commodity_are_named() -> None:
    state = _bloc_chain()

    with pytest.raises(UnknownBloc) as bloc:
        dependency(state, "rare_earths", on="atlantis", for_="allied")
    with pytest.raises(UnknownCommodity) as commodity:
        chain_view(state, "unobtainium")

    assert bloc.value.name == "atlantis"
    assert commodity.value.commodity == "unobtainium"


def test_a_bloc_with_an_unknown_country_code_is_refused_naming_it() -> None:
    with pytest.raises(UnknownCountry) as refused:
        Bloc.of("quad", "Quad", ["US", "JP", "XX", "IN"])

    assert refused.value.code == "XX"
    assert Bloc.of("quad", "Quad", ["us", "JP", "AU", "IN"]).countries == {"US", "JP", "AU", "IN"}


def test_default_blocs_nest_as_documented() -> None:
    assert DEFAULT_BLOCS["eu"].countries < DEFAULT_BLOCS["allied"].countries
    assert "US" in DEFAULT_BLOCS["allied"].countries
    assert "CN" not in DEFAULT_BLOCS["allied"].countries


def _share(country: str, pct: int) -> OutputReported:
    return OutputReported(
        event_id=f"share:{country}",
        occurred_at=at(0),
        source=SOURCE,
        country=country,
        commodity="rare_earths",
        stage="separation",
        element_group="total_reo",
        period=2023,
        measure="share",
        share_pct=Decimal(pct),
    )


def test_world_series_prefers_national_statistics_over_a_few_companies() -> None:
    """A company's separation output in 2024 does not stand for the world when 2023 shares do."""
    state = fold(
        [
            entity("lyn", "AU"),
            output(11, entity_id="lyn", series=SEPARATION, location_country="MY"),
            _share("CN", 92),
            _share("MY", 8),
        ]
    )

    (stage,) = chain_view(state, "rare_earths").stages

    assert (stage.period, stage.measure, stage.unit, stage.world_coverage) == (
        2023,
        "share",
        "pct_points",
        True,
    )
    assert [b.located_pct for b in stage.blocs if b.bloc == "china"] == [92.0]
    production = chain_view(state, "rare_earths", measure="production").stages[0]
    assert (production.period, production.world_coverage) == (2024, False)
