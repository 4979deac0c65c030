"""Output figures whose year or stage is told around them: a country's figure after another's
with its year, and mines that produced a tonnage of oxide equivalent."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, published


def test_a_figure_without_a_year_after_a_figure_with_one_takes_its_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "China's rare-earth mines produced an estimated 270,000 tonnes of oxide equivalent in"
        " 2024, the survey said. Burma produced 31,000 t, the survey estimated."
    )
    figures = {d["country"]: d for d in published(extract(directory, body), "output_reported")}
    assert (figures["CN"]["stage"], figures["CN"]["period"]) == ("mining", 2024)
    assert (figures["MM"]["tonnes"], figures["MM"]["period"]) == ("31000", 2024)
    assert figures["MM"]["stage"] == "mining"


def test_a_list_of_labelled_figures_carries_on_the_first_items_output(
    directory: EntityDirectory,
) -> None:
    body = (
        "Australia: mines produced 18,000 t of REO in 2024, a jump driven by Mt Weld.\n"
        "Thailand: 9,100 t, down a quarter, as customs checks tightened."
    )
    figures = {d["country"]: d for d in published(extract(directory, body), "output_reported")}
    assert (figures["TH"]["tonnes"], figures["TH"]["period"], figures["TH"]["stage"]) == (
        "9100",
        2024,
        "mining",
    )


def test_a_line_that_turned_out_a_tonnage_produced_it(directory: EntityDirectory) -> None:
    body = "USA Rare Earth's Stillwater line turned out 85 tonnes of finished magnets in 2024."
    [figure] = published(extract(directory, body), "output_reported")
    assert (figure["entity_id"], figure["stage"], figure["tonnes"]) == ("usar", "magnets", "85")


def test_figures_for_the_year_just_spoken_of_in_two_clauses_of_one_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "On 26 January, China Rare Earth Group held its work conference. The report said that"
        " 2025 was the year of deep integration. The group's mines delivered 36,820 tonnes of"
        " rare-earth oxide over the year, while its smelting and separation enterprises turned"
        " out 43,150 tonnes of rare-earth oxide."
    )
    figures = published(extract(directory, body, day="2026-01-28"), "output_reported")
    assert {(f["entity_id"], f["stage"], f["period"], f["tonnes"]) for f in figures} == {
        ("creg", "mining", 2025, "36820"),
        ("creg", "separation", 2025, "43150"),
    }


def test_what_a_plant_is_able_to_do_up_to_a_figure_is_its_capacity_stated_exactly(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo confirmed that the debottlenecking of its Silmet plant was completed in April. As a"
        " result, Silmet is able to separate up to 4,000 tonnes of light rare-earth oxides in"
        " 2026."
    )
    [figure] = published(extract(directory, body, day="2026-05-20"), "output_reported")
    assert (figure["entity_id"], figure["measure"], figure["tonnes"]) == ("neo", "capacity", "4000")


def test_a_company_that_separated_a_tonnage_in_a_year_produced_it(
    directory: EntityDirectory,
) -> None:
    body = "Jinlong separated 6,300 tonnes of rare-earth oxide in 2025, by our reading."
    [figure] = published(extract(directory, body, day="2026-11-03"), "output_reported")
    assert (figure["entity_id"], figure["stage"], figure["period"], figure["tonnes"]) == (
        "fujian_jinlong",
        "separation",
        2025,
        "6300",
    )


def test_last_years_figure_compared_with_an_earlier_year_is_for_last_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Mountain Pass mine in California produced 47,310 metric tons of rare-earth oxide in"
        " concentrate last year, a record and roughly 4% more than in 2024."
    )
    [figure] = published(extract(directory, body, day="2026-02-26"), "output_reported")
    assert (figure["entity_id"], figure["period"], figure["tonnes"]) == ("mp", 2025, "47310")


def test_a_plant_able_by_a_date_to_turn_out_a_yearly_tonnage_has_that_capacity(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas Rare Earths said its separation plant at Kuantan in Malaysia was able, by the end"
        " of June, to turn out 10,500 tonnes of NdPr oxide a year."
    )
    [figure] = published(extract(directory, body, day="2026-08-20"), "output_reported")
    assert (figure["entity_id"], figure["measure"], figure["element_group"]) == (
        "lynas",
        "capacity",
        "ndpr",
    )


def test_the_stage_of_the_words_right_after_a_figure_wins_over_a_later_one(
    directory: EntityDirectory,
) -> None:
    body = (
        "GRINM's metals division turned out 4,260 tonnes of NdPr metal in 2025, most of it sold"
        " to magnet makers in the Yangtze delta."
    )
    [figure] = published(extract(directory, body, day="2026-09-15"), "output_reported")
    assert (figure["entity_id"], figure["stage"], figure["element_group"]) == (
        "grinm",
        "metals",
        "ndpr",
    )


def test_a_second_figure_after_and_its_takes_the_year_of_the_first(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Northern Rare Earth mined rare-earth concentrate containing 204,300 tonnes of"
        " rare-earth oxide in 2026, and its smelting and separation plants produced 76,950 tonnes"
        " of separated rare-earth products."
    )
    figures = published(extract(directory, body, day="2027-01-21"), "output_reported")
    assert {(f["stage"], f["period"], f["tonnes"]) for f in figures} == {
        ("mining", 2026, "204300"),
        ("separation", 2026, "76950"),
    }


def test_a_quarters_figure_is_not_the_years_output_but_twelve_months_are(
    directory: EntityDirectory,
) -> None:
    quarter = (
        "MP Materials produced 12,140 tonnes of rare-earth oxide in concentrate in the fourth"
        " quarter of 2025."
    )
    assert not published(extract(directory, quarter, day="2026-02-19"), "output_reported")
    year = (
        "Lynas Rare Earths finished its 2024 financial year, the twelve months to 30 June, with"
        " 10,908 tonnes of total rare-earth oxide produced at its separation plant in Kuantan."
    )
    [figure] = published(extract(directory, year, day="2024-07-20"), "output_reported")
    assert (figure["entity_id"], figure["tonnes"]) == ("lynas", "10908")
