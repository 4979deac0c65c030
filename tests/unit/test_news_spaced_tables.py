"""Output tables laid out with spaces rather than bars: a statistics release's rows by country
under lines giving the year and unit, and a company's operating table under a header of
years, where only the full-year output columns are figures of output."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, published

STATISTICS = """Table 1 gives provisional 2025 figures.
Quantities are in tonnes of rare-earth oxide.

China        mine production               270,000     +0.0
Malaysia     separated oxides                9,400     +4.4
World        mine production (rounded)     412,000     +5.1
"""

OPERATING_TABLE = """The company released its operating update for the year on Thursday,
and the figures for the quarter and the year are in the table below, with those of the year before.

Operating metrics (metric tons)

                                    Q4 2025    Q4 2024       2025       2024
Rare earth oxide in concentrate      12,140     11,420     46,310     45,455
NdPr oxide                              802        571      2,944      1,294
NdPr oxide sales volume                 779        512      2,801      1,324
"""


def _figures(documents: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {
        (
            d.get("country") or d.get("entity_id"),
            d["stage"],
            d["element_group"],
            d["period"],
            d["tonnes"],
        )
        for d in documents
    }


def test_rows_by_country_take_year_and_unit_from_the_lines_above_and_skip_the_world_total(
    directory: EntityDirectory,
) -> None:
    documents = published(extract(directory, STATISTICS), "output_reported")
    assert _figures(documents) == {
        ("CN", "mining", "total_reo", 2025, "270000"),
        ("MY", "separation", "total_reo", 2025, "9400"),
    }


def test_a_companys_table_gives_its_full_year_output_by_product_and_not_its_sales(
    directory: EntityDirectory,
) -> None:
    candidates = extract(
        directory, OPERATING_TABLE, title="MP Materials posts record NdPr year", day="2026-02-19"
    )
    assert _figures(published(candidates, "output_reported")) == {
        ("mp", "mining", "total_reo", 2025, "46310"),
        ("mp", "mining", "total_reo", 2024, "45455"),
        ("mp", "separation", "ndpr", 2025, "2944"),
        ("mp", "separation", "ndpr", 2024, "1294"),
    }


def test_a_table_with_no_unit_said_gives_no_figures(directory: EntityDirectory) -> None:
    body = "Figures for 2025.\n\nChina        mine production               270,000     +0.0\n"
    assert not published(extract(directory, body), "output_reported")


def test_praseodymium_neodymium_metal_is_ndpr(directory: EntityDirectory) -> None:
    body = (
        "Figures are in tonnes.\n\nMain product     Production 2025     Sales 2025\n"
        "Praseodymium-neodymium metal      9,730      9,655\n"
    )
    candidates = extract(directory, body, title="Shenghe Resources annual report")
    assert _figures(published(candidates, "output_reported")) == {
        ("shenghe", "metals", "ndpr", 2025, "9730")
    }
