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
