"""The extractor reads who did what from the words around the verb and from the sentences
nearby: merger roles, a venture's details given after it is formed, an unnamed government, a
control named by its commodity, a year given only by the title. Each in wordings of its own."""

from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.quantities import find_money
from tests.support.news import ARTICLE_DATE, extract, only, published

# --- mergers: which side survives ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "The absorption of Ganzhou Rare Earth Group into China Rare Earth Group was completed"
        " on Monday.",
        "Ganzhou Rare Earth Group has been merged into China Rare Earth Group, the two said.",
        "China Rare Earth Group has absorbed Ganzhou Rare Earth Group, completing the merger.",
        "Ganzhou Rare Earth Group was absorbed by China Rare Earth Group on Monday.",
        "Ganzhou Rare Earth Group and China Rare Earth Group completed their merger on Monday."
        " China Rare Earth Group is the surviving entity.",
        "Ganzhou Rare Earth Group completed its merger with China Rare Earth Group on Monday."
        " Ganzhou Rare Earth Group has since been dissolved.",
    ],
)
def test_the_survivor_of_a_merger_is_read_from_the_wording(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "merger_completed")
    assert (document["survivor_id"], document["absorbed_id"]) == ("creg", "ganzhou_re")


# --- ventures: details in the sentences after the one forming it -----------------------------


def test_a_ventures_name_shares_and_money_may_follow_the_sentence_forming_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas and Iluka have set up a joint venture to refine heavy rare earths, the companies"
        " said on Friday. The venture, Western Heavy Oxides, will be held 60% by Iluka and 40% by"
        " Lynas. The partners will invest A$90 million in it over two years."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Western Heavy Oxides"
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        ("iluka", "60"),
        ("lynas", "40"),
    ]
    assert document["controlling_partner_id"] == "iluka"
    assert document["consideration"] == {"amount": "90000000", "currency": "AUD"}


def test_a_share_followed_by_by_belongs_to_the_partner_after_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance and Lynas formed a joint venture on Friday, owned 35% by Neo Performance"
        " and 65% by Lynas."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        ("lynas", "65"),
        ("neo", "35"),
    ]


# --- funding: the government unnamed, prices that are not money given ------------------------


def test_the_government_unnamed_is_the_registered_government_of_the_country_in_context(
    directory: EntityDirectory,
) -> None:
    body = (
        "Australia will back a heavy rare-earth refinery, the resources minister said on"
        " Friday. The government has agreed to lend Iluka A$400 million for the project."
    )
    document = only(extract(directory, body), "funding_awarded")
    assert (document["funder_id"], document["recipient_id"]) == ("au_government", "iluka")
    assert document["instrument"] == "loan"
    assert document["amount"] == {"amount": "400000000", "currency": "AUD"}


def test_a_guaranteed_price_per_kilogram_is_not_funding(directory: EntityDirectory) -> None:
    body = (
        "The US Department of Defense will guarantee MP Materials US$110 per kg for its NdPr"
        " oxide for ten years, the company said on Friday."
    )
    assert published(extract(directory, body), "funding_awarded") == []


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("paid 95 billion dong for the plant", "95000000000", "VND"),
        ("a loan of 12 billion yen", "12000000000", "JPY"),
        ("worth 300 million ringgit", "300000000", "MYR"),
        ("for HK$1.5 billion", "1500000000", "HKD"),
        ("NZ$20m", "20000000", "NZD"),
    ],
)
def test_money_in_more_currencies(text: str, amount: str, currency: str) -> None:
    [money] = find_money(text)
    assert (str(money.amount), money.currency) == (amount, currency)


def test_a_conversion_in_brackets_is_not_the_sum_paid(directory: EntityDirectory) -> None:
    body = (
        "Shenghe Resources bought the rest of Vietnam Rare Earth Company on Friday for 95"
        " billion dong (roughly US$3.7 million)."
    )
    document = only(extract(directory, body), "stake_changed")
    assert document["consideration"] == {"amount": "95000000000", "currency": "VND"}


# --- negations that deny nothing, and acquisitions as nouns ----------------------------------


def test_a_negation_describing_the_shares_bought_is_not_a_denial(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance on Friday completed its acquisition of the shares in Niron Magnetics that"
        " it did not own yet, for US$30 million, making Niron Magnetics a wholly owned subsidiary."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("neo", "niron")
    assert document["pct_after"] == "100"


def test_a_plain_negation_still_denies(directory: EntityDirectory) -> None:
    body = "Neo Performance has not bought a stake in Niron Magnetics, a spokesman said on Friday."
    assert extract(directory, body) == []


# --- export controls: other commodities, licence requirements, suspensions -------------------


def test_a_lifting_that_names_two_commodities_lifts_each_recorded_control(
    directory: EntityDirectory,
) -> None:
    body = (
        "China will scrap its export licensing for germanium and gallium from 1 January 2026,"
        " the commerce ministry said on Friday."
    )
    lifted = published(extract(directory, body), "export_control_lifted")
    assert sorted(d["control_id"] for d in lifted) == [
        "cn-mofcom-2023-gallium",
        "cn-mofcom-2023-germanium",
    ]
    assert {d["effective_from"] for d in lifted} == {"2026-01-01"}


@pytest.mark.parametrize(
    "body",
    [
        "Malaysia will require exporters to obtain a licence for dysprosium and terbium oxides"
        " from 1 September 2025, the trade ministry said on Friday.",
        "Under rules published on Friday, exporters must apply for a permit to ship dysprosium"
        " and terbium oxides out of Malaysia from 1 September 2025.",
    ],
)
def test_a_licence_requirement_on_exporters_is_an_export_control(
    directory: EntityDirectory, body: str
) -> None:
    document = only(extract(directory, body), "export_control_imposed")
    assert document["jurisdiction"] == "MY"
    assert sorted(document["elements"]) == ["Dy", "Tb"]
    assert document["restriction"] == "licence"
    assert document["stages"] == ["separation"]
    assert document["effective_from"] == "2025-09-01"


def test_a_suspensions_end_may_be_given_in_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "China has suspended the licence requirement it imposed on seven rare earths in April,"
        " with immediate effect. The suspension lasts until 31 March 2026."
    )
    document = only(
        extract(directory, body, title="China pauses rare-earth export licensing"),
        "export_control_suspended",
    )
    assert document["control_id"] == "cn-mofcom-2025-18"
    assert document["effective_from"] == ARTICLE_DATE
    assert document["effective_until"] == "2026-03-31"


# --- quotas: other words for a quota, and the year from the title ----------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Beijing has permitted 150,000 tonnes of rare-earth oxide to be extracted in the first"
        " half of 2025.",
        "China set its 2025 rare-earth mining allowance at 150,000 tonnes of rare earth oxide.",
        "China's first allocation of 2025 lets miners dig 150,000 tonnes of rare earths.",
    ],
)
def test_a_quota_worded_as_an_allowance_is_a_quota_of_the_mining_stage(
    directory: EntityDirectory, body: str
) -> None:
    [document] = [
        d
        for d in published(extract(directory, body), "quota_set")
        if d["stage"] == "mining" and d["tonnes"] == "150000"
    ]
    assert (document["jurisdiction"], document["period"]) == ("CN", 2025)
    assert published(extract(directory, body), "output_reported") == []


def test_a_quota_sentence_without_a_year_takes_the_titles_year(
    directory: EntityDirectory,
) -> None:
    body = "China Northern Rare Earth was allocated a mining quota of 100,000 tonnes."
    document = only(
        extract(directory, body, title="Beijing's 2026 quotas", day="2025-12-30"), "quota_set"
    )
    assert (document["entity_id"], document["period"], document["tonnes"]) == (
        "cnre",
        2026,
        "100000",
    )


# --- stakes told over several sentences or clauses -------------------------------------------


def test_a_takeovers_earlier_holding_whole_ownership_and_price_come_from_the_sentences_after(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance has completed its takeover of Niron Magnetics, the company said on"
        " Friday. Neo Performance previously owned 30 per cent of the magnet start-up. It now"
        " wholly owns the business. The price of the shares came to US$85 million, it said."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("neo", "niron")
    assert (document["pct_before"], document["pct_after"]) == ("30", "100")
    assert document["consideration"] == {"amount": "85000000", "currency": "USD"}


def test_a_term_sheets_price_is_not_the_price_of_the_deal(directory: EntityDirectory) -> None:
    body = (
        "Neo Performance completed its takeover of Niron Magnetics on Friday. Last year Neo"
        " Performance signed a non-binding term sheet to buy a third of Niron Magnetics for"
        " US$20 million."
    )
    [document] = published(extract(directory, body), "stake_changed")
    assert "consideration" not in document


def test_each_holding_that_moved_in_one_sentence_is_its_own_stake(
    directory: EntityDirectory,
) -> None:
    body = (
        "After the transfer, Minmetals' stake in China Rare Earth Group fell from 31% to 25%,"
        " while SASAC's equity interest in China Rare Earth Group rose from 20% to 26%."
    )
    stakes = {
        d["holder_id"]: (d["target_id"], d["pct_before"], d["pct_after"])
        for d in published(extract(directory, body), "stake_changed")
    }
    assert stakes == {"minmetals": ("creg", "31", "25"), "sasac": ("creg", "20", "26")}


# --- funding and floors whose parties the sentence leaves to the article ---------------------


def test_a_state_buying_securities_funds_the_company_the_article_is_about(
    directory: EntityDirectory,
) -> None:
    body = (
        "MP Materials said on Friday that it had agreed a financing package. The DoD is"
        " subscribing for US$250 million of new convertible preferred shares."
    )
    document = only(
        extract(directory, body, title="MP Materials agrees financing"), "funding_awarded"
    )
    assert (document["funder_id"], document["recipient_id"], document["instrument"]) == (
        "us_dod",
        "mp",
        "equity",
    )


def test_a_price_a_state_guarantees_per_kilogram_is_a_price_floor(
    directory: EntityDirectory,
) -> None:
    body = "Under the deal the Pentagon guarantees MP Materials US$110 per kg for NdPr oxide."
    document = only(extract(directory, body), "price_floor_set")
    assert document["beneficiary_id"] == "mp"
    assert document["price_per_kg"] == {"amount": "110", "currency": "USD"}


# --- controls on other commodities, and their dates ------------------------------------------


def test_a_licence_exporters_of_two_other_commodities_will_need_is_one_control_each(
    directory: EntityDirectory,
) -> None:
    body = (
        "Exporters of antimony and graphite will need a licence from China's commerce ministry"
        " from September 15, the ministry said on Friday."
    )
    controls = published(extract(directory, body, day="2025-06-03"), "export_control_imposed")
    assert sorted(d["commodity"] for d in controls) == ["antimony", "graphite"]
    assert {d["effective_from"] for d in controls} == {"2025-09-15"}
    assert {d["jurisdiction"] for d in controls} == {"CN"}


def test_a_lifting_dated_by_when_the_requirement_ends(directory: EntityDirectory) -> None:
    body = (
        "China will scrap the export licensing of graphite, the ministry said on Friday. The"
        " requirement ends at the start of 2026."
    )
    document = only(extract(directory, body), "export_control_lifted")
    assert document["control_id"] == "cn-mofcom-2023-graphite"
    assert document["effective_from"] == "2026-01-01"


def test_a_control_spoken_of_as_standing_is_not_news(directory: EntityDirectory) -> None:
    body = (
        "The licensing of dysprosium and terbium exports that China introduced in April is"
        " untouched, and exporters still need a licence for both."
    )
    assert published(extract(directory, body), "export_control_imposed") == []


# --- output: parts of a figure, and capacity of a plant's first phase ------------------------


def test_a_part_of_an_output_figure_in_the_next_sentence_is_its_own_figure(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas produced 9,000 tonnes of rare-earth oxide at its separation plant in 2024. Of"
        " that, 6,100t was NdPr."
    )
    figures = {
        d["element_group"]: d["tonnes"]
        for d in published(extract(directory, body), "output_reported")
    }
    assert figures == {"total_reo": "9000", "ndpr": "6100"}


def test_the_capacity_of_a_plants_first_phase_is_the_company_named_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance opened a magnet factory on Friday. The first phase has an annual"
        " capacity of 2,000 tonnes of magnets, and output can later be raised to 5,000 tonnes."
    )
    [document] = published(extract(directory, body), "output_reported")
    assert (document["entity_id"], document["stage"], document["tonnes"]) == (
        "neo",
        "magnets",
        "2000",
    )
    assert (document["measure"], document["period"]) == ("capacity", 2025)


def test_a_control_imposed_by_a_country_described_as_already_dominant_is_news(
    directory: EntityDirectory,
) -> None:
    body = (
        "China, which already dominates supply, imposed export licences on dysprosium and"
        " terbium oxides from 1 September 2025, the ministry said on Friday."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert sorted(document["elements"]) == ["Dy", "Tb"]


def test_a_ventures_shares_may_be_given_by_partners_in_the_sentence_after_the_one_naming_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas has formed a joint venture with Iluka Resources, the two said on Friday. The"
        " venture, Kalgoorlie Oxide Partners, will refine mixed carbonate. Iluka owns 60% and"
        " names the chair; Lynas holds the remaining 40%."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        ("iluka", "60"),
        ("lynas", "40"),
    ]
    assert document["controlling_partner_id"] == "iluka"


def test_a_venture_the_company_speaking_formed_with_shares_in_words(
    directory: EntityDirectory,
) -> None:
    body = (
        "In May we completed the formation of Kalgoorlie Heavy Oxides, a joint venture with"
        " MP Materials. Iluka owns sixty-five per cent of the venture; MP holds the remaining"
        " thirty-five per cent. Between them the partners have committed A$80 million."
    )
    document = only(
        extract(directory, body, title="Iluka Resources: letter from the chair"),
        "joint_venture_formed",
    )
    assert document["name"] == "Kalgoorlie Heavy Oxides"
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        ("iluka", "65"),
        ("mp", "35"),
    ]
    assert document["consideration"] == {"amount": "80000000", "currency": "AUD"}


def test_a_merger_reported_as_done_with_a_would_of_reported_speech_and_money_from_history(
    directory: EntityDirectory,
) -> None:
    body = (
        "Shenghe Resources said Peak Rare Earths, the company it took private last year for"
        " A$150 million, had been merged into Shenghe and would cease to exist."
    )
    document = only(extract(directory, body), "merger_completed")
    assert (document["survivor_id"], document["absorbed_id"]) == ("shenghe", "peak")
    assert "consideration" not in document


def test_a_merger_implemented_when_the_absorbed_company_ceased_to_exist(
    directory: EntityDirectory,
) -> None:
    body = (
        "Energy Transition Minerals ceased to exist as a listed company on Wednesday, when its"
        " merger into Iluka Resources was implemented."
    )
    document = only(extract(directory, body), "merger_completed")
    assert (document["survivor_id"], document["absorbed_id"]) == ("iluka", "etm")


def test_a_venture_of_three_with_shares_over_two_sentences_and_one_partner_holding_the_rest(
    directory: EntityDirectory,
) -> None:
    body = (
        "MP Materials, Lynas Rare Earths and Apple have formed Gulf Coast Recovery, a venture"
        " that will recycle magnets in Texas. MP holds 50 per cent and will run the plant."
        " Lynas has 30 per cent, and the iPhone maker owns the remaining fifth. The partners"
        " have committed US$120 million between them."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Gulf Coast Recovery"
    assert sorted((p["entity_id"], p["pct"]) for p in document["partners"]) == [
        ("apple", "20"),
        ("lynas", "30"),
        ("mp", "50"),
    ]
    assert document["consideration"] == {"amount": "120000000", "currency": "USD"}
