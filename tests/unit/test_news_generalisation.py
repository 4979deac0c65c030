"""The extractor on wordings its corpus does not use: each class of phrasing in several forms,
and the near misses that must yield nothing (or nothing published)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from monazite_core.events import EntityRegistered
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import DEFAULT_THRESHOLD
from monazite_producer.news.quantities import find_dates, relative_date
from monazite_producer.news.reading import ELEMENTS
from tests.support.news import ARTICLE_DATE, extract, fields, only, published

# --- export controls worded as prohibitions, and controls on know-how ----------------------------


@pytest.mark.parametrize(
    ("body", "title", "jurisdiction", "stages"),
    [
        (
            "Under Notice No. 7, Japan's trade ministry prohibits the export of know-how for"
            " refining dysprosium and for making sintered magnets.",
            "Test",
            "JP",
            ["separation", "magnets"],
        ),
        (
            "3. The order bars the export of technology used to separate rare earths and to cast"
            " rare-earth alloys, effective immediately.",
            "India adds rare-earth processing technology to its export ban list",
            "IN",
            ["separation", "metals"],
        ),
        (
            "Canberra's new rules forbid the export of manufacturing techniques for neodymium"
            " magnets, officials said.",
            "Test",
            "AU",
            ["magnets"],
        ),
    ],
)
def test_a_ban_on_know_how_is_a_technology_control(
    directory: EntityDirectory, body: str, title: str, jurisdiction: str, stages: list[str]
) -> None:
    document = only(extract(directory, body, title=title), "export_control_imposed")
    assert document["commodity"] == "rare_earth_technology"
    assert document["element_groups"] == ["all"]
    assert document["elements"] == []
    assert document["restriction"] == "ban"
    assert document["jurisdiction"] == jurisdiction
    assert document["stages"] == stages
    assert document["effective_from"] == ARTICLE_DATE


@pytest.mark.parametrize(
    ("body", "jurisdiction", "stages", "effective"),
    [
        (
            "Vietnam's ban on exporting raw rare earth ore came into force last Friday, officials"
            " said, ending shipments of concentrate to separation plants in China.",
            "VN",
            ["mining"],
            "2025-05-30",
        ),
        (
            "A prohibition on exporting unrefined rare earths, imposed by India, took effect this"
            " past Monday.",
            "IN",
            ["mining"],
            "2025-06-02",
        ),
        (
            "Exports of rare-earth oxides and metals are now prohibited, Malaysia's trade ministry"
            " announced on Monday.",
            "MY",
            ["separation", "metals"],
            "2025-06-02",
        ),
    ],
)
def test_a_ban_on_rare_earths_as_a_whole_covers_every_element(
    directory: EntityDirectory, body: str, jurisdiction: str, stages: list[str], effective: str
) -> None:
    document = only(extract(directory, body), "export_control_imposed")
    assert document["commodity"] == "rare_earths"
    assert document["jurisdiction"] == jurisdiction
    assert document["elements"] == list(ELEMENTS.values())
    assert document["restriction"] == "ban"
    assert document["stages"] == stages
    assert document["effective_from"] == effective


@pytest.mark.parametrize(
    "body",
    [
        # A threat, not a measure.
        "Malaysia could ban exports of unprocessed rare earths next year.",
        # Background: no measure is being taken.
        "China's export controls on rare earths have rattled buyers in Japan.",
        # A subset the text does not list: the elements cannot be read from it.
        "China said exports of some rare earths are restricted from now on.",
        # Know-how for something else.
        "The notice prohibits the export of technology for making solar panels.",
    ],
)
def test_threats_background_and_unlisted_subsets_publish_no_export_control(
    directory: EntityDirectory, body: str
) -> None:
    assert published(extract(directory, body), "export_control_imposed") == []


# --- relative dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("last Tuesday", date(2025, 5, 27)),  # the article's own day is "today", not "last"
        ("on Tuesday", date(2025, 6, 3)),
        ("last Wednesday", date(2025, 5, 28)),
        ("this past Sunday", date(2025, 6, 1)),
        ("last Monday", date(2025, 6, 2)),
    ],
)
def test_last_weekday_is_the_latest_such_day_before_the_article(words: str, expected: date) -> None:
    assert relative_date(words, date(2025, 6, 3)) == expected


def test_last_week_gives_no_day() -> None:
    assert find_dates("the rules took effect last week", article_date=date(2025, 6, 3)) == []


# --- capacity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Lynas Rare Earths commissioned a heavy rare earths separation circuit with a"
            " nameplate capacity of 1,500 tonnes per year in 2025.",
            {
                "entity_id": "lynas",
                "stage": "separation",
                "element_group": "heavy_reo",
                "tonnes": "1500",
                "period": 2025,
            },
        ),
        (
            "Neo Performance Materials said its Narva site will have a starting capacity of 2,500"
            " tonnes a year of neodymium-iron-boron magnets in 2026.",
            {
                "entity_id": "neo",
                "stage": "magnets",
                "element_group": "ndfeb",
                "tonnes": "2500",
                "period": 2026,
            },
        ),
        (
            "MP Materials opened a magnet factory in Texas.\n"
            "The factory has an annual capacity of 1,000 tonnes of NdFeB magnets for 2025.",
            {
                "entity_id": "mp",
                "stage": "magnets",
                "element_group": "ndfeb",
                "tonnes": "1000",
                "period": 2025,
            },
        ),
    ],
)
def test_capacity_in_other_wordings(
    directory: EntityDirectory, body: str, expected: dict[str, Any]
) -> None:
    document = only(extract(directory, body), "output_reported")
    assert document["measure"] == "capacity"
    assert {k: document[k] for k in expected} == expected


def test_a_company_named_only_in_the_sentence_before_is_published_below_full_confidence(
    directory: EntityDirectory,
) -> None:
    [candidate] = extract(
        directory,
        "MP Materials opened a magnet factory in Texas.\n"
        "The factory has an annual capacity of 1,000 tonnes of NdFeB magnets for 2025.",
    )
    assert DEFAULT_THRESHOLD <= candidate.confidence < 0.9
    assert any("does not name the company" in note for note in candidate.notes)


@pytest.mark.parametrize(
    "body",
    [
        "Lynas Rare Earths ran its Kalgoorlie plant at a capacity utilisation of 80% in 2024.",
        # Sales are not output, and "a year earlier" dates a figure, it is not a rate.
        "Lynas Rare Earths sold 10,000 tonnes of rare-earth oxide in 2024, up from 8,000 tonnes"
        " a year earlier.",
        # Two companies before: "the plant" could be either's.
        "Lynas Rare Earths and Iluka Resources toured the site.\n"
        "The plant has a capacity of 2,000 tonnes of oxide a year in 2025.",
        # A plan.
        "MP Materials aims to reach a capacity of 10,000 tonnes of magnets a year in 2028.",
    ],
)
def test_utilisation_sales_ambiguous_plants_and_plans_publish_no_capacity(
    directory: EntityDirectory, body: str
) -> None:
    assert published(extract(directory, body), "output_reported") == []


def test_an_annual_report_does_not_make_production_a_capacity(directory: EntityDirectory) -> None:
    document = only(
        extract(
            directory,
            "Lynas Rare Earths produced 10,500 tonnes of rare-earth oxide in 2024, according to"
            " its annual report.",
        ),
        "output_reported",
    )
    assert document["measure"] == "production"


# --- stakes: before and after in any order, and holdings of the votes ----------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Iluka Resources lowered its interest in Energy Transition Minerals to 10% from 19.9%.",
            {"holder_id": "iluka", "target_id": "etm", "pct_before": "19.9", "pct_after": "10"},
        ),
        (
            "Shenghe Resources raised its holding in Peak Rare Earths to 19.9%, up from 12%, for"
            " A$8 million.",
            {"holder_id": "shenghe", "target_id": "peak", "pct_before": "12", "pct_after": "19.9"},
        ),
        (
            "Vacuumschmelze sold shares in Niron Magnetics, cutting its stake to 8 per cent from"
            " 12 per cent.",
            {"holder_id": "evac", "target_id": "niron", "pct_before": "12", "pct_after": "8"},
        ),
    ],
)
def test_a_stake_change_gives_the_percentages_before_and_after_in_either_order(
    directory: EntityDirectory, body: str, expected: dict[str, Any]
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert {k: document.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("body", "holder", "target", "pct"),
    [
        (
            "Apple has acquired 4,200,000 shares of MP Materials, giving it 5.1% of the voting"
            " power, for US$90 million.",
            "apple",
            "mp",
            "5.1",
        ),
        (
            "Iluka Resources bought 3 million shares in Peak Rare Earths and now controls 7.3% of"
            " the votes.",
            "iluka",
            "peak",
            "7.3",
        ),
        (
            "Substantial holder notice: Neo Performance Materials acquired a relevant interest in"
            " Iluka Resources amounting to 5.4% of issued capital for A$40 million.",
            "neo",
            "iluka",
            "5.4",
        ),
    ],
)
def test_a_share_of_the_votes_or_the_capital_is_the_holding(
    directory: EntityDirectory, body: str, holder: str, target: str, pct: str
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        holder,
        target,
        pct,
    )


@pytest.mark.parametrize(
    "body",
    [
        "Shenghe Resources denied it would raise its stake in Peak Rare Earths to 20%.",
        "Lynas Rare Earths bought shares in Peak Rare Earths for A$5 million even as interest"
        " rates rose to 5% from 4%.",
        "MP Materials bought shares in Niron Magnetics for US$10 million, and shareholders"
        " holding 70% of the voting power approved the deal.",
    ],
)
def test_denials_rates_and_other_holders_percentages_are_not_the_holding(
    directory: EntityDirectory, body: str
) -> None:
    for candidate in extract(directory, body):
        assert "pct_after" not in fields(candidate)
        assert "pct_before" not in fields(candidate)


# --- joint ventures: the venture's own name and an equal split ------------------------------------


@pytest.mark.parametrize(
    ("body", "name", "partners"),
    [
        (
            "Iluka Resources and Neo Performance Materials formed Kalgoorlie Magnet Metals, a"
            " 50:50 joint venture, to make alloy in Western Australia.",
            "Kalgoorlie Magnet Metals",
            ("iluka", "neo"),
        ),
        (
            "Shenghe Resources and Peak Rare Earths set up a joint venture called Tanga"
            " Separation, with equal stakes, to refine ore in Tanzania.",
            "Tanga Separation",
            ("peak", "shenghe"),
        ),
        (
            "The joint venture Pilbara Oxide Co, split evenly between Lynas Rare Earths and Iluka"
            " Resources, started work in May 2025.",
            "Pilbara Oxide Co",
            ("iluka", "lynas"),
        ),
    ],
)
def test_an_equally_owned_venture_has_two_partners_at_half_each_and_no_controller(
    directory: EntityDirectory, body: str, name: str, partners: tuple[str, str]
) -> None:
    candidates = extract(directory, body)
    document = only(candidates, "joint_venture_formed")
    assert document["name"] == name
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        (partners[0], "50"),
        (partners[1], "50"),
    ]
    assert "controlling_partner_id" not in document
    # The venture is not one of its own partners, nor an organisation to register.
    assert not [c for c in candidates if isinstance(c.event, EntityRegistered)]


def test_an_equal_split_of_three_partners_invents_no_percentage(
    directory: EntityDirectory,
) -> None:
    document = only(
        extract(
            directory,
            "Lynas Rare Earths, Iluka Resources and Neo Performance Materials formed an equally"
            " owned joint venture.",
        ),
        "joint_venture_formed",
    )
    assert len(document["partners"]) == 3
    assert all("pct" not in partner for partner in document["partners"])


def test_an_unequal_split_written_as_a_ratio_is_not_read_as_halves(
    directory: EntityDirectory,
) -> None:
    document = only(
        extract(
            directory,
            "Lynas Rare Earths and Iluka Resources formed a 60:40 joint venture.",
        ),
        "joint_venture_formed",
    )
    assert all(partner.get("pct") != "50" for partner in document["partners"])


# --- tariffs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Japan will levy a 15% duty on neodymium magnets imported from China from April 1,"
            " 2026.",
            {
                "jurisdiction": "JP",
                "on_origin": "CN",
                "stages": ["magnets"],
                "rate_pct": "15",
                "effective_from": "2026-04-01",
            },
        ),
        (
            "Washington raised the tariff on Chinese rare-earth magnets to 50 per cent with effect"
            " from 1 January 2026.",
            {
                "jurisdiction": "US",
                "on_origin": "CN",
                "stages": ["magnets"],
                "rate_pct": "50",
                "effective_from": "2026-01-01",
            },
        ),
        (
            "OTTAWA, June 3, 2025 - Canada imposed a 25 per cent surtax on US$2 billion a year of"
            " rare earth oxides of Chinese origin on Monday.",
            {
                "jurisdiction": "CA",
                "on_origin": "CN",
                "stages": ["separation"],
                "rate_pct": "25",
                "effective_from": "2025-06-02",
            },
        ),
    ],
)
def test_a_tariff_gives_who_charges_whose_goods_at_what_rate_from_when(
    directory: EntityDirectory, body: str, expected: dict[str, Any]
) -> None:
    document = only(extract(directory, body), "tariff_imposed")
    assert {k: document.get(k) for k in expected} == expected
    assert document["commodity"] == "rare_earths"


@pytest.mark.parametrize(
    "body",
    [
        "Tariffs could be imposed on Chinese magnets, the White House said.",
        "A 25% tariff on Chinese magnets was proposed by US lawmakers.",
        "US imports of Chinese magnets grew 18% last year despite the tariff.",
        "Washington cut the tariff on Chinese magnets to 10%.",
        "The United States imposed a 25% tariff on Chinese steel.",
        "Tariff revenue on magnet imports increased to 18% of customs receipts.",
    ],
)
def test_threats_proposals_trade_flows_cuts_and_other_goods_publish_no_tariff(
    directory: EntityDirectory, body: str
) -> None:
    assert published(extract(directory, body), "tariff_imposed") == []


# --- the country of an organisation not registered yet ------------------------------------------


@pytest.mark.parametrize(
    ("body", "country"),
    [
        (
            "The Australian Government will lend A$50 million to Kimberley Rare Earths, the"
            " Canadian explorer, under a pact signed with Japan.",
            "CA",
        ),
        (
            "Apple signed a supply agreement with Fenix Magnetics, a Vietnamese producer, for"
            " US$30 million.",
            "VN",
        ),
        (
            "Lynas Rare Earths bought a 10% stake in Atlas Minerals, which is based in Canada,"
            " for US$4 million.",
            "CA",
        ),
        (
            "Neo Performance Materials sold a 20% stake in Pioneer Rare Earths to buyers in China"
            " for US$8 million.",
            "ZZ",
        ),
    ],
)
def test_the_nationality_beside_a_new_organisation_wins_over_other_countries(
    directory: EntityDirectory, body: str, country: str
) -> None:
    [registration] = [
        fields(c) for c in extract(directory, body) if isinstance(c.event, EntityRegistered)
    ]
    assert registration["country"] == country
