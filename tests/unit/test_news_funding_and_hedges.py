"""Funding by state lenders that are not registered, guarantees of loans, and the wordings that
make a deal talk, history or a deal given up rather than news."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_a_state_export_bank_that_is_not_registered_stands_for_its_government(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Export-Import Bank of the United States has approved a US$90 million loan for"
        " Niron Magnetics to equip its Minnesota plant."
    )
    document = only(extract(directory, body), "funding_awarded")
    assert (document["funder_id"], document["recipient_id"]) == ("us_government", "niron")
    assert document["instrument"] == "loan"


def test_a_state_fund_read_as_a_new_organisation_is_its_government(
    directory: EntityDirectory,
) -> None:
    body = (
        "The National Reconstruction Fund Corporation has invested A$80m in Lynas Rare Earths"
        " through a placement of new shares, the Australian industry minister said."
    )
    document = only(extract(directory, body), "funding_awarded")
    assert (document["funder_id"], document["instrument"]) == ("au_government", "equity")


def test_a_guarantee_covering_loans_is_a_guarantee(directory: EntityDirectory) -> None:
    body = (
        "The US Department of Defense has approved a guarantee covering US$80 million of"
        " commercial bank loans for USA Rare Earth."
    )
    document = only(extract(directory, body), "funding_awarded")
    assert document["instrument"] == "guarantee"
    assert document["amount"] == {"amount": "80000000", "currency": "USD"}


def test_a_buyer_in_advanced_talks_has_not_agreed_anything(directory: EntityDirectory) -> None:
    body = (
        "Apple is in advanced talks to prepay as much as US$150 million for magnets from"
        " Neo Performance Materials, two people said."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_a_buyer_that_ended_talks_bought_nothing(directory: EntityDirectory) -> None:
    body = (
        "Lynas Rare Earths has ended talks to buy the 80% of Peak Rare Earths it does not own,"
        " the company said."
    )
    assert [c for c in extract(directory, body) if c.event.type == "stake_changed"] == []


def test_funding_said_to_be_unaffected_is_not_news(directory: EntityDirectory) -> None:
    body = (
        "Iluka Resources said its A$1.65 billion loan from the Australian government was"
        " unaffected by a cost review."
    )
    assert published(extract(directory, body), "funding_awarded") == []


def test_a_purchase_in_early_last_year_is_history(directory: EntityDirectory) -> None:
    body = (
        "In early 2024 Baogang Group spent ¥1 billion buying shares of China Northern Rare Earth."
    )
    assert published(extract(directory, body), "stake_changed") == []
