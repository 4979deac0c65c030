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


REGISTER_WATCH = """Each line gives, in this order: the form, the holder, the company and its code,
voting power now, voting power in the holder's previous notice, the date of the change, and the
consideration as stated on the form.

604 · Apple Inc. · Iluka Resources (ILU) · 7.10% · 5.30% · 29/06/2026 · A$96.3m on market
603 · MP Materials Corp. · Lynas Rare Earths (LYC) · 5.02% · n/a · 01/07/2026 · A$512.6m
604 · Lynas Rare Earths Ltd · Energy Transition Minerals (ETM) · 8.80% · 6.10% · 14/04/2026 · A$7.9m
"""


def test_rows_of_holdings_read_their_columns_in_the_order_the_lines_above_give(
    directory: EntityDirectory,
) -> None:
    candidates = extract(directory, REGISTER_WATCH, day="2026-07-03")
    stakes = {d["holder_id"]: d for d in published(candidates, "stake_changed")}
    assert set(stakes) == {"apple", "mp"}  # the April change is history
    assert (stakes["apple"]["target_id"], stakes["apple"]["pct_before"]) == ("iluka", "5.3")
    assert stakes["apple"]["pct_after"] == "7.1"
    assert stakes["apple"]["consideration"] == {"amount": "96300000", "currency": "AUD"}
    assert (stakes["mp"]["target_id"], stakes["mp"]["pct_after"]) == ("lynas", "5.02")
    assert "pct_before" not in stakes["mp"]


def test_a_filings_table_of_holders_before_and_after_is_of_the_issuer(
    directory: EntityDirectory,
) -> None:
    body = (
        "The shareholdings of the two parties are set out below (shares held and percentage,"
        " first before and then after the transfer):\n\n"
        "Baotou Iron and Steel (Group) Co., Ltd.    1,391,775,000    38.50%    1,156,800,000"
        "    32.00%\n"
    )
    candidates = extract(
        directory, body, title="China Northern Rare Earth: transfer completed", day="2026-05-28"
    )
    [stake] = published(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("baogang", "cnre")
    assert (stake["pct_before"], stake["pct_after"]) == ("38.5", "32")


def test_a_register_with_changes_in_points_gives_the_holders_that_moved_in_the_company_named(
    directory: EntityDirectory,
) -> None:
    body = (
        "SASAC has raised its direct holding in China Rare Earth Group to 41.21% from 31.21%."
        " The register, as the notice sets it out (shareholder, level of ownership, change in"
        " percentage points this month, holding after the transfers):\n\n"
        "China Minmetals Corporation   central enterprise   0.00   24.23%\n"
        "Ganzhou Rare Earth Group Co., Ltd.   Jiangxi provincial enterprise   -5.00   19.23%\n"
        "Aluminum Corporation of China   central enterprise   -5.00   15.33%\n"
    )
    stakes = {
        d["holder_id"]: d
        for d in published(extract(directory, body, day="2026-12-08"), "stake_changed")
    }
    assert set(stakes) == {"sasac", "ganzhou_re", "chalco"}
    assert {d["target_id"] for d in stakes.values()} == {"creg"}
    assert (stakes["chalco"]["pct_before"], stakes["chalco"]["pct_after"]) == ("20.33", "15.33")


def test_the_state_assets_commission_is_known_without_the_body_it_reports_to(
    directory: EntityDirectory,
) -> None:
    body = (
        "The State-owned Assets Supervision and Administration Commission has raised its direct"
        " holding in China Rare Earth Group to 41.21% from 31.21%. Two founders sold. Chalco"
        " said so. Ganzhou agreed. SASAC paid RMB 3.4 billion for the ten points."
    )
    stakes = published(extract(directory, body, day="2026-12-08"), "stake_changed")
    sasac = next(d for d in stakes if d["holder_id"] == "sasac")
    assert sasac["consideration"] == {"amount": "3400000000", "currency": "CNY"}


def test_a_header_whose_only_year_heads_a_change_column_leaves_the_year_to_the_title(
    directory: EntityDirectory,
) -> None:
    body = (
        "Figures are tonnes of rare-earth oxide equivalent contained in mine output.\n\n"
        "TABLE 3. RARE-EARTH MINE PRODUCTION BY COUNTRY, 2027\n\n"
        "  Country                  t REO     Change on 2026\n"
        "  China                  290,000              +6.6%\n"
        "  Australia               24,300             +12.5%\n"
        "  World total            434,000              +5.3%\n"
    )
    documents = published(extract(directory, body, day="2028-03-06"), "output_reported")
    assert _figures(documents) == {
        ("CN", "mining", "total_reo", 2027, "290000"),
        ("AU", "mining", "total_reo", 2027, "24300"),
    }
