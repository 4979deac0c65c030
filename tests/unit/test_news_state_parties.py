"""A state body named once and then called "the department": its purchase of new shares both
funds the company and gives it a stake; funding a company already has is background."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_a_state_body_buying_new_shares_funds_the_company_and_takes_a_stake(
    directory: EntityDirectory,
) -> None:
    body = (
        "The US Department of Defense will buy magnets from Niron Magnetics under a ten-year"
        " contract, the company said on Friday. Alongside the contract the department is"
        " subscribing for US$30 million of newly issued Niron Magnetics shares, which will give"
        " it a 6.5 per cent stake."
    )
    candidates = extract(directory, body)
    funding = only(candidates, "funding_awarded")
    assert (funding["funder_id"], funding["recipient_id"], funding["instrument"]) == (
        "us_dod",
        "niron",
        "equity",
    )
    assert funding["amount"] == {"amount": "30000000", "currency": "USD"}
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == (
        "us_dod",
        "niron",
        "6.5",
    )


def test_a_company_buying_a_stake_in_another_is_not_funding(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas is subscribing for A$30 million of newly issued Iluka shares, which will give it"
        " a 2 per cent stake, the companies said on Friday."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_funding_a_company_already_has_is_background(directory: EntityDirectory) -> None:
    body = (
        "Lynas already has a US$258 million contract and a US$120 million grant from the"
        " US Department of Defense for its Texas plant, which is due to open in 2026."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_a_state_subscribing_for_new_shares_funds_the_company(
    directory: EntityDirectory,
) -> None:
    body = "The Commonwealth has subscribed for A$150 million of new shares in Iluka Resources."
    document = only(extract(directory, body), "funding_awarded")
    assert (document["funder_id"], document["recipient_id"], document["instrument"]) == (
        "au_government",
        "iluka",
        "equity",
    )


def test_loans_already_provided_are_history(directory: EntityDirectory) -> None:
    body = (
        "The package builds on the A$900 million in loans already provided to Lynas by the"
        " Commonwealth in 2023."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_a_price_floor_agreed_in_one_sentence_may_take_its_terms_from_the_next(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Government has agreed a price floor with Lynas Rare Earths for the NdPr oxide of"
        " its Kalgoorlie plant. From 1 March 2026, if the market price falls below A$120 per"
        " kilogram, the Commonwealth will pay Lynas the difference."
    )
    document = only(
        extract(directory, body, title="Canberra backs Australian NdPr"), "price_floor_set"
    )
    assert (document["beneficiary_id"], document["element_group"]) == ("lynas", "ndpr")
    assert document["price_per_kg"] == {"amount": "120", "currency": "AUD"}
    assert (document["jurisdiction"], document["effective_from"]) == ("AU", "2026-03-01")


def test_a_scheme_whose_name_runs_on_is_not_proposed_as_an_organisation(
    directory: EntityDirectory,
) -> None:
    body = (
        "The package builds on the A$900 million in loans provided to Lynas in 2023 and on the"
        " Critical Minerals Strategic Reserve."
    )
    assert [c for c in extract(directory, body) if c.event.type == "entity_registered"] == []


def test_a_state_named_in_a_clause_of_time_is_not_the_funder(
    directory: EntityDirectory,
) -> None:
    body = (
        "MP Materials said on Friday it had raised US$500 million from an equity offering, its"
        " first since the US Department of Defense became its largest shareholder."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_a_deal_named_by_its_month_is_history_months_later(directory: EntityDirectory) -> None:
    body = (
        "The January agreement gave the US Department of Defense US$200 million of preferred"
        " stock in MP Materials."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_an_unregistered_department_stands_for_its_government_buying_and_lending(
    directory: EntityDirectory,
) -> None:
    body = (
        "WASHINGTON - The support package for USA Rare Earth closed on Tuesday. The Energy"
        " Department paid US$300 million for newly issued common shares that give it a tenth of"
        " USAR. The federal government is also lending the company US$900 million."
    )
    candidates = extract(directory, body)
    funding = sorted(
        (d["funder_id"], d["recipient_id"], d["instrument"], d["amount"]["amount"])
        for d in published(candidates, "funding_awarded")
    )
    assert funding == [
        ("us_government", "usar", "equity", "300000000"),
        ("us_government", "usar", "loan", "900000000"),
    ]
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == (
        "us_government",
        "usar",
        "10",
    )


def test_the_department_named_in_a_notice_header_funds_and_sets_a_floor_for_the_company(
    directory: EntityDirectory,
) -> None:
    body = (
        "Agency: Department of Defense.\n"
        "Summary: The Department has entered into an agreement with Neo Performance Materials."
        " Under the agreement the Department guarantees a minimum price of US$100 per kilogram"
        " for NdPr oxide produced at the company's plant. The floor applies from July 1, 2025."
        " Separately, the Department's Office of Strategic Capital has approved a direct loan of"
        " US$50 million to Neo Performance Materials."
    )
    candidates = extract(directory, body)
    floor = only(candidates, "price_floor_set")
    assert (floor["beneficiary_id"], floor["jurisdiction"]) == ("neo", "US")
    loan = only(candidates, "funding_awarded")
    assert (loan["funder_id"], loan["recipient_id"], loan["instrument"]) == (
        "us_dod",
        "neo",
        "loan",
    )


def test_a_company_paying_for_new_shares_takes_a_stake_and_funds_no_one(
    directory: EntityDirectory,
) -> None:
    body = (
        "USA Rare Earth has bought 12% of Energy Transition Minerals, paying A$20 million for"
        " new shares issued in a placement."
    )
    candidates = extract(directory, body)
    assert published(candidates, "funding_awarded") == []
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("usar", "etm", "12")


def test_a_company_agreeing_to_buy_product_from_another_funds_it_by_offtake(
    directory: EntityDirectory,
) -> None:
    body = (
        "Apple has agreed to buy US$200 million of rare-earth magnets from Vacuumschmelze over"
        " five years, the magnet maker said on Tuesday."
    )
    document = only(extract(directory, body), "funding_awarded")
    assert (document["funder_id"], document["recipient_id"], document["instrument"]) == (
        "apple",
        "evac",
        "offtake",
    )


def test_a_floor_raised_with_effect_from_a_yearless_day_and_terms_left_untouched(
    directory: EntityDirectory,
) -> None:
    body = (
        "The minimum price that the Pentagon guarantees for MP Materials' NdPr oxide goes up to"
        " US$120 per kilogram from US$110, with effect from 1 August. The other parts of the"
        " package are untouched: the US$150 million loan from the US Department of Defense to"
        " MP Materials for heavy-rare-earth separation."
    )
    candidates = extract(directory, body)
    floor = only(candidates, "price_floor_set")
    assert (floor["beneficiary_id"], floor["effective_from"]) == ("mp", "2025-08-01")
    assert floor["price_per_kg"] == {"amount": "120", "currency": "USD"}
    assert published(candidates, "funding_awarded") == []
