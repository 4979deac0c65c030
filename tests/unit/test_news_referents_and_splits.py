"""The extractor on facts spread over a filing or over two sentences, on countries beyond the
usual policy makers, on national output figures, on stake and venture wordings with unequal or
described holdings, and the near misses of each that must yield nothing published."""

from __future__ import annotations

import pytest

from monazite_core.countries import ISO_COUNTRY_CODES
from monazite_producer.news.country_names import COUNTRY_NAMES, country_mentions
from monazite_producer.news.entities import EntityDirectory, country_near
from tests.support.news import ARTICLE_DATE, extract, only, published

# --- "the company" in a filing is its issuer ----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "entity_id", "tonnes"),
    [
        (
            "China Rare Earth Group: quota notice",
            "The board announces that the ministries have issued new indicators."
            " For 2025 the company has been allocated a mining quota of 41,000 tonnes.",
            "creg",
            "41000",
        ),
        (
            "Notice of quota receipt",
            "Summary of an announcement by China Northern Rare Earth (Group) High-Tech Co., Ltd.:"
            " The company received a separation quota of 120,500 tonnes for 2025.",
            "cnre",
            "120500",
        ),
        (
            "Northern Rare Earth filing",
            "Inner Mongolia officials attended the meeting. It was given a 2025 mining quota"
            " of 99,000 tonnes of rare earth oxide under China's plan.",
            "cnre",
            "99000",
        ),
    ],
)
def test_a_quota_given_to_the_company_is_the_issuers(
    directory: EntityDirectory, title: str, body: str, entity_id: str, tonnes: str
) -> None:
    document = only(extract(directory, body, title=title), "quota_set")
    assert (document["entity_id"], document["tonnes"], document["jurisdiction"]) == (
        entity_id,
        tonnes,
        "CN",
    )


def test_a_national_quota_in_a_filing_stays_the_countrys(directory: EntityDirectory) -> None:
    body = (
        "China Rare Earth Group noted the ministry's notice."
        " China set a national mining quota of 135,000 tonnes for 2025."
    )
    document = only(extract(directory, body, title="China Rare Earth Group note"), "quota_set")
    assert "entity_id" not in document


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Northern Rare Earth takes full control of Northern Jinlong",
            "Summary of an announcement by China Northern Rare Earth (Group) High-Tech Co., Ltd.:\n"
            "1. The company has completed the purchase of additional equity in Northern Jinlong"
            " from Fujian Jinlong for RMB 96 million.\n"
            "2. With the purchase, the company has taken full control of Northern Jinlong.",
        ),
        (
            "Northern Rare Earth: acquisition of equity",
            "China Northern Rare Earth said it bought more equity in Northern Jinlong from"
            " Fujian Jinlong for RMB 96 million. Following the deal, the company controls"
            " Northern Jinlong.",
        ),
        (
            "Filing: China Northern Rare Earth",
            "The company acquired further equity in Northern Jinlong for RMB 96 million,"
            " the board said. The company now takes full control of Northern Jinlong.",
        ),
    ],
)
def test_full_control_taken_by_the_issuer_carries_the_price_from_the_sentence_before(
    directory: EntityDirectory, title: str, body: str
) -> None:
    candidates = extract(directory, body, title=title)
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["controlling"]) == (
        "cnre",
        "cnre_jinlong_jv",
        True,
    )
    assert "pct_after" not in stake
    assert stake["consideration"] == {"amount": "96000000", "currency": "CNY"}
    assert published(candidates, "funding_awarded") == []


def test_the_company_with_no_issuer_names_no_buyer(directory: EntityDirectory) -> None:
    body = (
        "Lynas and Iluka both reported results. The company has taken full control of"
        " Northern Jinlong."
    )
    assert published(extract(directory, body), "stake_changed") == []


# --- suspensions dated by a weekday, and effective dates said just after -----------------------


@pytest.mark.parametrize(
    ("body", "effective_from"),
    [
        (
            "The Ministry of Commerce issued the notice on Friday.\n"
            "The export controls published on April 4, 2025 are suspended with immediate effect"
            " until June 1, 2026.",
            "2025-05-30",
        ),
        (
            "China on Friday suspended, with immediate effect, the export controls on samarium"
            " and gadolinium until June 1, 2026.",
            "2025-05-30",
        ),
        (
            "Beijing announced the step yesterday. China's export restrictions it imposed on"
            " April 4, 2025 are paused immediately until June 1, 2026.",
            "2025-06-02",
        ),
    ],
)
def test_a_suspension_with_immediate_effect_is_dated_by_its_notice(
    directory: EntityDirectory, body: str, effective_from: str
) -> None:
    document = only(
        extract(directory, body, title="China pauses rare earth export rules"),
        "export_control_suspended",
    )
    assert document["control_id"] == "cn-mofcom-2025-18"
    assert document["effective_from"] == effective_from
    assert document["effective_until"] == "2026-06-01"


@pytest.mark.parametrize(
    ("body", "effective_from"),
    [
        (
            "Vietnam has banned exports of dysprosium oxide, the trade ministry said."
            " The ban took effect yesterday.",
            "2025-06-02",
        ),
        (
            "Chile prohibits the export of unprocessed lanthanum ore. The measure comes into"
            " force on July 1, 2025.",
            "2025-07-01",
        ),
        (
            "Indonesian authorities banned exports of neodymium metal.\n"
            "It took effect on Friday, officials said.",
            "2025-05-30",
        ),
    ],
)
def test_an_export_ban_takes_its_effective_date_from_the_next_sentence(
    directory: EntityDirectory, body: str, effective_from: str
) -> None:
    document = only(extract(directory, body), "export_control_imposed")
    assert document["effective_from"] == effective_from
    assert document["restriction"] == "ban"


def test_a_next_sentence_about_something_else_does_not_date_the_ban(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vietnam has banned exports of terbium oxide, the trade ministry said."
        " Prices of terbium rose 3% from June 1, 2025, traders said."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert document["effective_from"] == ARTICLE_DATE


# --- countries by every ISO name and demonym ---------------------------------------------------


def test_every_iso_country_has_an_english_name() -> None:
    assert set(COUNTRY_NAMES) == ISO_COUNTRY_CODES
    assert all(COUNTRY_NAMES[code] for code in ISO_COUNTRY_CODES)


@pytest.mark.parametrize(
    ("body", "jurisdiction"),
    [
        ("Laos has banned exports of terbium and dysprosium oxide from July 1, 2025.", "LA"),
        ("Chile's government prohibits the export of raw neodymium ore.", "CL"),
        (
            "Kazakhstan imposed export licences on samarium and gadolinium metals, the Kazakh"
            " ministry said.",
            "KZ",
        ),
        ("Tanzania banned exports of unprocessed rare earth concentrate.", "TZ"),
    ],
)
def test_an_export_ban_by_any_country_is_read(
    directory: EntityDirectory, body: str, jurisdiction: str
) -> None:
    assert only(extract(directory, body), "export_control_imposed")["jurisdiction"] == (
        jurisdiction
    )


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Refiners in New Mexico and North America", []),
        ("A plant in Papua New Guinea, not Guinea", ["PG", "GN"]),
        ("priced in US$ and A$ but shipped to the US", ["US"]),
        ("a South Korean buyer and a Swiss trader", ["KR", "CH"]),
        ("turkey and chad on the menu", []),
    ],
)
def test_country_names_are_read_whole_and_capitalised(text: str, codes: list[str]) -> None:
    assert [m.code for m in country_mentions(text)] == codes


def test_a_new_organisation_takes_its_nationality_from_any_iso_demonym() -> None:
    sentence = "Chilean developer Andes Rare Earths Ltd signed the deal."
    start = sentence.index("Andes")
    assert country_near(sentence, start, start + len("Andes Rare Earths Ltd")) == "CL"


# --- output of a country, not of a company whose mine is named --------------------------------


@pytest.mark.parametrize(
    ("body", "facts"),
    [
        (
            "One: the United States produced 45,000 tonnes of rare earth oxide in mine"
            " concentrate in 2024, nearly all of it from Mountain Pass in California.",
            [("US", "45000", 2024)],
        ),
        (
            "Myanmar's mine output fell to 31,000 tonnes of rare earth oxide in 2024, from"
            " 43,000 tonnes of rare earth oxide in 2023.",
            [("MM", "31000", 2024), ("MM", "43000", 2023)],
        ),
        (
            "Laos mined 2,500 tonnes of rare earth ore in 2024, the survey said.",
            [("LA", "2500", 2024)],
        ),
        (
            "Australia's mine production rose to 13,000 tonnes of rare earth oxide in 2024.",
            [("AU", "13000", 2024)],
        ),
    ],
)
def test_national_output_is_the_countrys(
    directory: EntityDirectory, body: str, facts: list[tuple[str, str, int]]
) -> None:
    documents = published(extract(directory, body), "output_reported")
    assert sorted((d.get("country"), d["tonnes"], d["period"]) for d in documents) == sorted(facts)
    assert all("entity_id" not in d and d["stage"] == "mining" for d in documents)


@pytest.mark.parametrize(
    "body",
    [
        "MP Materials produced 45,000 tonnes of rare earth oxide at Mountain Pass in 2024.",
        "At Mountain Pass in the United States, MP Materials produced 45,000 tonnes of rare"
        " earth oxide in 2024.",
        "Lynas, which ships to Japan, produced 10,000 tonnes of rare earth oxide in 2024.",
    ],
)
def test_a_company_named_before_the_verb_keeps_its_output(
    directory: EntityDirectory, body: str
) -> None:
    [document] = published(extract(directory, body), "output_reported")
    assert "country" not in document
    assert document["entity_id"] in ("mp", "lynas")


def test_a_country_that_imports_produces_nothing(directory: EntityDirectory) -> None:
    body = "The United States imported 9,000 tonnes of rare earth compounds in 2024."
    assert published(extract(directory, body), "output_reported") == []


# --- stake wordings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Shenghe Resources, which already held 90% of Vietnam Rare Earth Company, has bought"
            " the rest of the Hanoi-based processor for 85 million yuan.",
            {"target_id": "vietnam_re", "pct_before": "90", "pct_after": "100"},
        ),
        (
            "Shenghe Resources bought the rest of Vietnam Rare Earth Company for 85 million yuan.",
            {"target_id": "vietnam_re", "pct_after": "100"},
        ),
        (
            "Shenghe Resources, which owned 51% of Vietnam Rare Earth Company, acquired the"
            " remaining shares of the processor for 85 million yuan.",
            {"target_id": "vietnam_re", "pct_before": "51", "pct_after": "100"},
        ),
    ],
)
def test_buying_the_rest_ends_at_all_of_it(
    directory: EntityDirectory, body: str, expected: dict[str, str]
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert document["holder_id"] == "shenghe"
    assert {k: document.get(k) for k in expected} == expected
    assert document["consideration"] == {"amount": "85000000", "currency": "CNY"}


@pytest.mark.parametrize(
    "body",
    [
        "Shenghe said it had cut its holding in Energy Transition Minerals, the developer of the"
        " Kvanefjeld project in southern Greenland, to 4.5% from 9%.",
        "Shenghe Resources reduced its stake in Energy Transition Minerals from 9% to 4.5%.",
        "Shenghe Resources sold shares in Energy Transition Minerals, lowering its holding to"
        " 4.5%, down from 9%.",
    ],
)
def test_a_stake_cut_gives_the_holding_before_and_after(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("shenghe", "etm")
    assert (document["pct_before"], document["pct_after"]) == ("9", "4.5")


@pytest.mark.parametrize(
    "body",
    [
        "Iluka Resources took a majority stake in Energy Transition Minerals for A$38 million.",
        "Iluka Resources takes a majority of Energy Transition Minerals for A$38 million.",
        "Iluka Resources has taken full control of Energy Transition Minerals for A$38 million.",
    ],
)
def test_a_controlling_purchase_without_a_percentage_is_controlling(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["controlling"]) == (
        "iluka",
        "etm",
        True,
    )
    assert "pct_after" not in document
    assert document["consideration"] == {"amount": "38000000", "currency": "AUD"}


@pytest.mark.parametrize(
    "body",
    [
        "Following the placement, Shenghe Resources holds 9.9% of Energy Transition Minerals.",
        "After the share issue, Shenghe Resources now owns 9.9% of Energy Transition Minerals.",
        "With the subscription completed, Shenghe Resources holds 9.9% of Energy Transition"
        " Minerals.",
    ],
)
def test_a_holding_a_deal_just_made_is_a_stake_change(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["pct_after"]) == ("shenghe", "9.9")


@pytest.mark.parametrize(
    "body",
    [
        "Shenghe Resources holds 9.9% of Energy Transition Minerals.",
        "Baotou Steel controls China Northern Rare Earth, as it has for years.",
        "Shenghe Resources, which already held 90% of Vietnam Rare Earth Company, reported"
        " higher sales.",
    ],
)
def test_a_stake_held_and_not_changed_gives_nothing(directory: EntityDirectory, body: str) -> None:
    assert published(extract(directory, body), "stake_changed") == []


# --- ventures with unequal shares --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Lynas Rare Earths and e-VAC formed Palmetto Rare Earth Metals, a 60:40 joint venture.",
        "Lynas and e-VAC set up a joint venture, Palmetto Rare Earth Metals, in which Lynas will"
        " hold 60% and e-VAC 40%.",
        "Lynas Rare Earths and e-VAC this week formed Palmetto Rare Earth Metals, a company that"
        " will make metal for e-VAC.\nQ: Who owns what?\nA: Lynas owns 60 per cent of Palmetto"
        " Rare Earth Metals and e-VAC owns the other 40 per cent.",
        "Lynas and e-VAC agreed a joint venture called Palmetto Rare Earth Metals, split 60/40"
        " between them.",
    ],
)
def test_an_unequal_venture_gives_each_partner_its_share(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Palmetto Rare Earth Metals"
    assert {p["entity_id"]: p.get("pct") for p in document["partners"]} == {
        "lynas": "60",
        "evac": "40",
    }
    assert document["controlling_partner_id"] == "lynas"


@pytest.mark.parametrize(
    "body",
    [
        # A partnership with no new organisation named is not a venture.
        "Lynas and e-VAC formed a partnership to supply metal.",
        # One company forming a subsidiary is no venture.
        "Lynas formed Palmetto Rare Earth Metals to make metal.",
    ],
)
def test_forming_without_two_founders_and_a_new_name_is_no_venture(
    directory: EntityDirectory, body: str
) -> None:
    assert published(extract(directory, body), "joint_venture_formed") == []


def test_later_shares_that_exceed_the_whole_are_not_taken(directory: EntityDirectory) -> None:
    body = (
        "Lynas and e-VAC formed Palmetto Rare Earth Metals, a joint venture."
        " Lynas owns 60% of the venture and e-VAC owns 60% of its offtake."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert all("pct" not in p for p in document["partners"])


def test_a_ratio_that_is_not_a_split_is_not_read_as_shares(directory: EntityDirectory) -> None:
    body = "Lynas and e-VAC set up a joint venture, Palmetto Rare Earth Metals, at 10:30 today."
    document = only(extract(directory, body), "joint_venture_formed")
    assert all("pct" not in p for p in document["partners"])


# --- false positives: equity bought, capacity planned, hedges describing something else --------


@pytest.mark.parametrize(
    "body",
    [
        "Iluka Resources completed the purchase of additional equity in Energy Transition"
        " Minerals from Shenghe Resources for A$20 million.",
        "Iluka Resources acquired new equity in Energy Transition Minerals from Shenghe"
        " Resources for A$20 million.",
        "Iluka Resources bought equity in Energy Transition Minerals from Shenghe Resources for"
        " A$20 million.",
    ],
)
def test_equity_bought_from_a_holder_funds_no_one(directory: EntityDirectory, body: str) -> None:
    assert published(extract(directory, body), "funding_awarded") == []


def test_equity_granted_by_a_state_is_still_funding(directory: EntityDirectory) -> None:
    body = "The Australian government will provide A$50 million of equity to Lynas."
    assert published(extract(directory, body), "funding_awarded") != []


@pytest.mark.parametrize(
    "body",
    [
        "Northern Jinlong is building a separation line designed for 5,000 tonnes of rare earth"
        " oxide a year, due to start in 2026.",
        "Lynas has a separation plant under construction with a capacity of 5,000 tonnes a year"
        " in 2026.",
        "A magnet line being built by MP Materials has a capacity of 7,000 tonnes a year in 2027.",
    ],
)
def test_a_capacity_still_being_built_is_not_published(
    directory: EntityDirectory, body: str
) -> None:
    assert published(extract(directory, body), "output_reported") == []


def test_a_capacity_in_the_present_is_the_articles_year(directory: EntityDirectory) -> None:
    body = (
        "Furthest along is MP Materials, whose Independence plant has an initial capacity of"
        " 1,000 tonnes of NdFeB magnets a year."
    )
    document = only(extract(directory, body, day="2025-09-25"), "output_reported")
    assert (document["entity_id"], document["period"], document["measure"]) == (
        "mp",
        2025,
        "capacity",
    )


@pytest.mark.parametrize(
    ("body", "is_published"),
    [
        (
            "Vietnam has banned exports of dysprosium oxide from June 1, 2025, to keep it for a"
            " magnet industry it hopes to build.",
            True,
        ),
        ("Vietnam said it hopes to ban exports of dysprosium oxide from June 1, 2025.", False),
        ("Vietnam announced the ban it could impose on exports of dysprosium oxide.", False),
    ],
)
def test_a_hedge_counts_only_where_it_bears_on_the_fact(
    directory: EntityDirectory, body: str, is_published: bool
) -> None:
    assert bool(published(extract(directory, body), "export_control_imposed")) is is_published


# --- a company's home town is not the company ----------------------------------------------------


def test_a_town_named_as_where_a_company_is_based_is_not_the_company_of_the_same_name(
    directory: EntityDirectory,
) -> None:
    body = (
        "Baotou Iron and Steel Group has no plan to reduce its holding in China Northern Rare"
        " Earth, the steelmaker said."
        " The Baotou-based producer gave a first look at last year's operations."
        " The company mined 204,300 tonnes of rare-earth oxide in 2026."
    )
    outputs = published(extract(directory, body), "output_reported")
    assert [d.get("entity_id") for d in outputs if d.get("entity_id") == "baogang"] == []
