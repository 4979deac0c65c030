"""Shares of world supply read from text: a country's or a company's percentage of a stage's
world output is an output figure of measure `share`; shares of demand, trade or a company, of
other minerals, combined shares and shares to come are not published."""

from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, fields, only, published


def test_a_country_that_accounted_for_a_share_of_world_refining_gives_a_share_figure(
    directory: EntityDirectory,
) -> None:
    body = "China accounted for 91% of the world's refined rare earths in 2022, the agency said."
    document = only(extract(directory, body), "output_reported")
    assert document["country"] == "CN"
    assert document["stage"] == "separation"
    assert document["element_group"] == "total_reo"
    assert document["period"] == 2022
    assert document["measure"] == "share"
    assert document["share_pct"] == "91"
    assert "tonnes" not in document


def test_a_countrys_share_told_as_a_possessive_gives_its_share(
    directory: EntityDirectory,
) -> None:
    body = "Myanmar's share of global rare-earth mining was 11% in 2023, by one count."
    document = only(extract(directory, body), "output_reported")
    assert (document["country"], document["stage"], document["share_pct"]) == ("MM", "mining", "11")


def test_a_share_that_came_from_a_country_belongs_to_that_country(
    directory: EntityDirectory,
) -> None:
    body = "In 2023, 68% of the world's mined rare earths came from China."
    document = only(extract(directory, body), "output_reported")
    assert (document["country"], document["stage"], document["period"]) == ("CN", "mining", 2023)
    assert document["share_pct"] == "68"


def test_a_companys_share_of_world_supply_is_the_companys(directory: EntityDirectory) -> None:
    body = "Lynas produced 11% of the world's separated NdPr oxide in 2024."
    document = only(extract(directory, body), "output_reported")
    assert document["entity_id"] == "lynas"
    assert document["element_group"] == "ndpr"
    assert "country" not in document


def test_a_share_of_magnet_output_is_of_ndfeb_magnets(directory: EntityDirectory) -> None:
    body = "Japan made 7% of the world's sintered magnets in 2024."
    document = only(extract(directory, body), "output_reported")
    assert (document["stage"], document["element_group"]) == ("magnets", "ndfeb")


@pytest.mark.parametrize(
    "body",
    [
        "China produces about 90% of the world's magnets in 2024.",
        "China refines 90% of the world's rare earths.",
        "China will account for 77% of global refining by 2030, the agency forecast.",
    ],
    ids=["approximate", "no-year", "to-come"],
)
def test_approximate_yearless_and_projected_shares_wait_for_review(
    directory: EntityDirectory, body: str
) -> None:
    candidates = extract(directory, body)
    assert published(candidates, "output_reported") == []
    [waiting] = [c for c in candidates if c.event.type == "output_reported"]
    assert fields(waiting)["measure"] == "share"


@pytest.mark.parametrize(
    "body",
    [
        "Baogang holds 9% of the world's largest rare-earth producer.",
        "China accounted for 85% of world rare-earth exports in 2024.",
        "China refined 98% of the world's primary gallium in 2024.",
        "China, Malaysia and Australia together accounted for 98% of refined output in 2023.",
        "Japan bought 30% of the world's magnet exports in 2023.",
    ],
    ids=["stake-in-a-ranked-company", "exports", "other-mineral", "combined", "purchases"],
)
def test_shares_of_something_other_than_one_suppliers_output_give_nothing(
    directory: EntityDirectory, body: str
) -> None:
    assert [c for c in extract(directory, body) if c.event.type == "output_reported"] == []


def test_the_country_that_accounted_for_a_share_is_the_one_named_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Two numbers sum up India's place in the chain. In 2024 the country accounted for 1 per"
        " cent of global rare-earth mine output."
    )
    document = only(extract(directory, body), "output_reported")
    assert (document["country"], document["stage"], document["share_pct"]) == ("IN", "mining", "1")


def test_a_share_in_tenths_made_in_a_country_last_year(directory: EntityDirectory) -> None:
    body = (
        "Its hold is tight: nine-tenths of the world's sintered magnets were made in China last"
        " year."
    )
    document = only(extract(directory, body), "output_reported")
    assert (document["country"], document["stage"], document["share_pct"]) == (
        "CN",
        "magnets",
        "90",
    )
    assert document["period"] == 2024


def test_a_figure_giving_a_country_a_share_of_world_output_gives_the_share_too(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vietnamese plants separated 1,400 tonnes of rare-earth oxides in 2024, giving the"
        " country 1% of world refined output in 2024."
    )
    shares = [d for d in published(extract(directory, body), "output_reported")]
    assert {d["measure"] for d in shares} == {"production", "share"}
    [share] = [d for d in shares if d["measure"] == "share"]
    assert (share["country"], share["share_pct"]) == ("VN", "1")


def test_a_second_share_told_with_a_country_carries_the_first_ones_stage_and_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "China accounted for 90 per cent of the world's separated rare-earth output in 2024."
        " Malaysia, home to Lynas's Kuantan plant, was a distant second with 7 per cent of"
        " global supply."
    )
    shares = {d["country"]: d for d in published(extract(directory, body), "output_reported")}
    assert (shares["MY"]["stage"], shares["MY"]["period"], shares["MY"]["share_pct"]) == (
        "separation",
        2024,
        "7",
    )
