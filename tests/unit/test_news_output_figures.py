"""Output and capacity are read figure by figure: every tonnage gets its own producer, year,
stage and measure, so a table written as prose ("Brazil and India each mined …", "For Brazil
that compares with …", "India's figure is …") gives one event per figure."""

from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def _by_country(documents: list[dict[str, object]]) -> dict[tuple[object, object], object]:
    return {(d["country"], d["period"]): d["tonnes"] for d in documents}


def test_each_name_of_a_list_gets_the_figure_they_each_produced(
    directory: EntityDirectory,
) -> None:
    body = (
        "Global rare-earth mine production rose again last year, the survey found."
        " Brazil, India and Vietnam each mined about 2,900 tonnes in 2024."
    )
    documents = published(extract(directory, body), "output_reported")
    assert documents == []  # "about": sent to review, not published
    body = body.replace("about", "an estimated")
    documents = published(extract(directory, body), "output_reported")
    assert _by_country(documents) == {
        ("BR", 2024): "2900",
        ("IN", 2024): "2900",
        ("VN", 2024): "2900",
    }
    assert {d["stage"] for d in documents} == {"mining"}


def test_later_sentences_comparing_figures_give_each_countrys_earlier_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "The new tables put world mine output of rare earths at a record last year."
        " Brazil and India each produced an estimated 2,900 tonnes in 2024."
        " For Brazil that is well above the 80 tonnes it was credited with for 2023;"
        " India's figure compares with its 2023 level of 2,600 tonnes."
        " Malaysia moved the other way, falling to 130 tonnes from 200 tonnes a year earlier."
    )
    documents = published(extract(directory, body, day="2025-02-10"), "output_reported")
    assert _by_country(documents) == {
        ("BR", 2024): "2900",
        ("IN", 2024): "2900",
        ("BR", 2023): "80",
        ("IN", 2023): "2600",
        ("MY", 2023): "200",
    }


def test_world_output_and_an_agency_named_after_a_country_are_nobodys_figures(
    directory: EntityDirectory,
) -> None:
    body = (
        "The US Geological Survey put world mine output at 390,000 tonnes in 2024, up from"
        " 376,000 tonnes in 2023."
    )
    assert published(extract(directory, body), "output_reported") == []


def test_a_financial_year_and_a_part_of_the_figure_in_the_same_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas delivered 9,500 tonnes of rare-earth oxide in the year to 30 June 2025, of which"
        " 6,600 tonnes was NdPr, the company said."
    )
    documents = published(extract(directory, body, day="2025-08-20"), "output_reported")
    assert sorted((d["element_group"], d["tonnes"], d["period"]) for d in documents) == [
        ("ndpr", "6600", 2025),
        ("total_reo", "9500", 2025),
    ]
    assert {(d["entity_id"], d["stage"], d["measure"]) for d in documents} == {
        ("lynas", "separation", "production")
    }


def test_a_company_speaking_in_the_first_person_is_the_producer(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo opened its new magnet line in Estonia this spring. We asked an engineer there"
        " about it. Is it running? Yes: the line gives us 800 tonnes a year of sintered"
        " magnets, and that capacity is available now, in 2025."
    )
    document = only(
        extract(directory, body, title="An interview on Neo's magnets"), "output_reported"
    )
    assert (document["entity_id"], document["measure"], document["tonnes"]) == (
        "neo",
        "capacity",
        "800",
    )
    assert document["period"] == 2025


def test_a_plan_in_the_next_clause_does_not_date_the_stated_capacity(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance Materials runs a sintered magnet plant in Narva. The plant has a"
        " nameplate capacity of 2,000 tonnes of NdFeB magnets a year; the company wants to"
        " reach 5,000 tonnes by 2030."
    )
    document = only(extract(directory, body), "output_reported")
    assert (document["tonnes"], document["period"]) == ("2000", 2025)


def test_a_line_the_company_will_build_is_a_plan(directory: EntityDirectory) -> None:
    body = (
        "Lynas reported a record quarter. It will build a separation line with a designed"
        " capacity of 3,000 tonnes of oxide per year."
    )
    assert published(extract(directory, body), "output_reported") == []


def test_a_second_figure_of_the_sentence_keeps_the_stage_and_a_distant_annual_is_no_capacity(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vietnam mined 300 tonnes of rare-earth ore in 2024, the survey says in its annual"
        " commodity summary released last month, down from 600 tonnes in 2023."
    )
    documents = published(extract(directory, body), "output_reported")
    assert _by_country(documents) == {("VN", 2024): "300", ("VN", 2023): "600"}
    assert {(d["stage"], d["measure"]) for d in documents} == {("mining", "production")}


def test_what_a_factory_will_make_is_a_plan(directory: EntityDirectory) -> None:
    body = (
        "Neo broke ground on a magnet factory this week that it says will make 2,000 tonnes of"
        " sintered magnets a year in its first phase."
    )
    assert published(extract(directory, body), "output_reported") == []


def test_a_fact_box_gives_each_rows_labelled_figure_in_the_unit_and_year_of_its_heading(
    directory: EntityDirectory,
) -> None:
    body = (
        "A few countries with large deposits mine very little.\n"
        "MINE PRODUCTION AND RESERVES\n"
        "(tonnes of REO; production is the survey's estimate for 2024)\n"
        "Brazil ........ production 20 ....... reserves 21,000,000\n"
        "Greenland ..... production 0 ........ reserves 1,500,000"
    )
    documents = published(extract(directory, body), "output_reported")
    assert _by_country(documents) == {("BR", 2024): "20", ("GL", 2024): "0"}
    assert {(d["stage"], d["measure"]) for d in documents} == {("mining", "production")}


def test_a_table_with_a_column_per_year_gives_one_figure_per_cell(
    directory: EntityDirectory,
) -> None:
    body = (
        "Mine production of rare earths, thousand tonnes of REO:\n"
        "| Country | 2023 | 2024 |\n"
        "|---|---|---|\n"
        "| Myanmar | 43 | 31 |\n"
        "| Thailand | 3.6 | 13 |"
    )
    documents = published(extract(directory, body), "output_reported")
    assert _by_country(documents) == {
        ("MM", 2023): "43000",
        ("MM", 2024): "31000",
        ("TH", 2023): "3600",
        ("TH", 2024): "13000",
    }


def test_a_companys_report_with_its_output_as_subject_is_the_companys(
    directory: EntityDirectory,
) -> None:
    body = (
        "Total rare-earth oxide production for FY2025 was 10,000 tonnes, of which 6,000 tonnes"
        " was NdPr."
    )
    documents = published(
        extract(directory, body, title="Lynas Rare Earths: quarterly activities report"),
        "output_reported",
    )
    assert sorted((d["entity_id"], d["element_group"], d["tonnes"]) for d in documents) == [
        ("lynas", "ndpr", "6000"),
        ("lynas", "total_reo", "10000"),
    ]


def test_a_country_referred_to_as_the_island_and_a_plant_as_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Take Madagascar. By the survey's reckoning the island mined 1,900 tonnes of rare-earth"
        " oxide in 2024, a touch below the 2,000 tonnes it mined in 2023."
    )
    documents = published(extract(directory, body), "output_reported")
    assert _by_country(documents) == {("MG", 2024): "1900", ("MG", 2023): "2000"}


def test_the_company_speaking_of_its_plant_as_it(directory: EntityDirectory) -> None:
    body = (
        "Chief executive: First, our separation plant in Estonia. In calendar 2024 it produced"
        " 2,000 tonnes of separated rare-earth oxides."
    )
    document = only(
        extract(directory, body, title="Neo Performance Materials: earnings call"),
        "output_reported",
    )
    assert (document["entity_id"], document["stage"], document["period"]) == (
        "neo",
        "separation",
        2024,
    )


def test_a_groups_report_gives_its_output_and_its_capacity_at_the_end_of_the_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "In 2024 the Group's smelting and separation plants produced 16,000 tonnes of separated"
        " rare-earth oxides. The Group's designed separation capacity stood at 18,000 tonnes of"
        " REO a year at the end of 2024, compared with 15,000 tonnes in 2022."
    )
    documents = published(
        extract(directory, body, title="Shenghe Resources: 2024 report, operations"),
        "output_reported",
    )
    this_year = sorted((d["measure"], d["tonnes"]) for d in documents if d["period"] == 2024)
    assert this_year == [("capacity", "18000"), ("production", "16000")]
    assert {d["entity_id"] for d in documents} == {"shenghe"}


# --- each figure keeps its own qualifiers --------------------------------------------------------


def test_a_years_figure_after_a_quarters_figure_is_still_the_years_output(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas Rare Earths produced 2,811 tonnes of NdPr oxide in the March quarter and 10,655"
        " tonnes of total rare-earth oxide in the 2026 financial year."
    )
    document = only(extract(directory, body, day="2027-05-12"), "output_reported")
    assert (document["entity_id"], document["tonnes"], document["period"]) == (
        "lynas",
        "10655",
        2026,
    )
    assert document["element_group"] == "total_reo"


def test_a_figure_compared_with_the_one_before_counts_the_same_elements(
    directory: EntityDirectory,
) -> None:
    body = (
        "MP Materials said its NdPr oxide output rose 45% to 2,310 tonnes in 2026, from 1,294"
        " tonnes in 2025."
    )
    documents = published(extract(directory, body, day="2027-05-12"), "output_reported")
    assert sorted((d["period"], d["tonnes"], d["element_group"]) for d in documents) == [
        (2025, "1294", "ndpr"),
        (2026, "2310", "ndpr"),
    ]


def test_the_country_output_is_in_is_its_producer(directory: EntityDirectory) -> None:
    body = "Mine production in Myanmar slipped to 31,000 tonnes of rare-earth oxide in 2026."
    document = only(extract(directory, body, day="2027-05-12"), "output_reported")
    assert (document["country"], document["tonnes"], document["stage"]) == ("MM", "31000", "mining")


@pytest.mark.parametrize(
    ("body", "share"),
    [
        (
            "China's smelting and separation output reached 254,000 tonnes in 2026, 90% of the"
            " world's separated supply.",
            ("CN", "separation", "90"),
        ),
        (
            "China's share of world mine production fell to 61% in 2026, with Australia at 9%.",
            ("AU", "mining", "9"),
        ),
    ],
)
def test_a_share_of_world_supply_told_beside_another_figure_is_its_suppliers(
    directory: EntityDirectory, body: str, share: tuple[str, str, str]
) -> None:
    shares = [
        d
        for d in published(extract(directory, body, day="2027-05-12"), "output_reported")
        if d["measure"] == "share"
    ]
    assert share in [(d["country"], d["stage"], d["share_pct"]) for d in shares]


def test_a_figure_revised_up_to_a_number_is_that_number_exactly(
    directory: EntityDirectory,
) -> None:
    body = "China's 2026 mine output has been revised up to 272,000 t from 265,000 t."
    document = only(extract(directory, body, day="2028-03-06"), "output_reported")
    assert (document["country"], document["period"], document["tonnes"]) == ("CN", 2026, "272000")


RESULTS_RELEASE = """MP Materials Corp. (NYSE: MP) today announced its results for the full year \
ended December 31, 2027.

Full Year 2027 Highlights

- Separated NdPr oxide production of 3,180 metric tons, versus 2,420 metric tons in 2026.

Fourth Quarter 2027 Highlights

- Separated NdPr oxide production of 846 metric tons.
"""


def test_a_highlight_under_a_years_heading_is_that_years_output_and_a_quarters_is_not(
    directory: EntityDirectory,
) -> None:
    documents = published(
        extract(
            directory, RESULTS_RELEASE, title="MP Materials full year results", day="2028-02-24"
        ),
        "output_reported",
    )
    assert sorted((d["entity_id"], d["period"], d["tonnes"]) for d in documents) == [
        ("mp", 2026, "2420"),
        ("mp", 2027, "3180"),
    ]


def test_a_reports_comparative_in_brackets_is_the_year_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance Materials' separation facility in Estonia separated 1,860 tonnes of"
        " rare earth oxides during 2027 (2026 - 1,720 tonnes)."
    )
    documents = published(extract(directory, body, day="2028-03-10"), "output_reported")
    assert sorted((d["period"], d["tonnes"]) for d in documents) == [
        (2026, "1720"),
        (2027, "1860"),
    ]


def test_tonnes_a_company_obtained_from_its_feed_are_its_output(
    directory: EntityDirectory,
) -> None:
    body = (
        "Shenghe Resources obtained 31,400 tonnes of separated rare-earth oxides from its"
        " concentrate feed in 2027, a record."
    )
    document = only(extract(directory, body, day="2028-04-12"), "output_reported")
    assert (document["entity_id"], document["stage"], document["tonnes"], document["period"]) == (
        "shenghe",
        "separation",
        "31400",
        2027,
    )


def test_a_year_opening_the_clause_is_every_figures_in_it_but_not_a_compared_ones(
    directory: EntityDirectory,
) -> None:
    body = (
        "For the full year 2027 Mountain Pass mined 46,320 t of REO in concentrate and separated"
        " 2,810 t of NdPr oxide. In 2026 Lynas produced 10,000 t of rare-earth oxide, up from"
        " 9,000 t."
    )
    documents = published(extract(directory, body, day="2028-02-28"), "output_reported")
    assert sorted((d["entity_id"], d["stage"], d["period"], d["tonnes"]) for d in documents) == [
        ("lynas", "separation", 2026, "10000"),
        ("mp", "mining", 2027, "46320"),
        ("mp", "separation", 2027, "2810"),
    ]


def test_shares_listed_sentence_by_sentence_carry_what_the_first_measured(
    directory: EntityDirectory,
) -> None:
    body = (
        "- China was responsible for 88% of the world's separated rare-earth oxide in 2027.\n"
        "- Malaysia, which in practice means Lynas's Kuantan plant, held 5.1%.\n"
        "- At the mine, Australia's 24.3kt of REO in 2027 amounted to 5.6% of world supply.\n"
    )
    shares = {
        (d["country"], d["stage"], d["share_pct"])
        for d in published(extract(directory, body, day="2028-04-20"), "output_reported")
        if d["measure"] == "share"
    }
    assert shares == {
        ("CN", "separation", "88"),
        ("MY", "separation", "5.1"),
        ("AU", "mining", "5.6"),
    }


def test_a_country_owning_a_company_by_possessive_is_not_whose_figure_it_is(
    directory: EntityDirectory,
) -> None:
    body = (
        "eVAC Magnetics, the US subsidiary of Germany's Vacuumschmelze, said its plant in Sumter"
        " can now make 3,000 tonnes of magnets a year."
    )
    document = only(extract(directory, body, day="2028-03-03"), "output_reported")
    assert (document.get("entity_id"), document.get("country"), document["measure"]) == (
        "evac",
        None,
        "capacity",
    )


@pytest.mark.parametrize(
    ("body", "stage"),
    [
        (
            "Vietnam Rare Earth said its separation plant can now handle 5,000 tonnes of REO a"
            " year, after a second solvent-extraction train came online.",
            "separation",
        ),
        (
            "Burma, the second-largest source of ore for Chinese separators, produced 28,000 t"
            " of rare-earth ore in 2025.",
            "mining",
        ),
    ],
)
def test_a_figure_takes_the_stage_named_nearest_before_it_outside_a_description(
    directory: EntityDirectory, body: str, stage: str
) -> None:
    document = only(extract(directory, body, day="2026-01-30"), "output_reported")
    assert document["stage"] == stage
