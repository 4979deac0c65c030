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


def test_one_sum_for_each_of_two_instruments_is_two_awards_from_the_government_of_the_release(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Australian Government has today finalised A$225 million in support. Lynas Rare"
        " Earths has been awarded a grant and a loan of A$40 million each, the grant from the"
        " Critical Minerals Accelerator and the loan from the Facility."
    )
    awards = published(extract(directory, body, day="2026-04-21"), "funding_awarded")
    assert {(a["funder_id"], a["recipient_id"], a["instrument"]) for a in awards} == {
        ("au_government", "lynas", "grant"),
        ("au_government", "lynas", "loan"),
    }
    assert {a["amount"]["amount"] for a in awards} == {"40000000"}


def test_a_state_fund_not_registered_buying_new_shares_is_its_governments_stake_and_equity(
    directory: EntityDirectory,
) -> None:
    body = (
        "And the National Reconstruction Fund Corporation has subscribed A$25 million for new"
        " shares in Energy Transition Minerals, the owner of a deposit in southern Greenland."
        " After the placement, which settled this morning, the Corporation holds about 6 per"
        " cent of Energy Transition Minerals."
    )
    candidates = extract(directory, body, day="2026-04-21")
    [stake] = published(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == (
        "au_government",
        "etm",
        "6",
    )
    [award] = published(candidates, "funding_awarded")
    assert (award["funder_id"], award["instrument"]) == ("au_government", "equity")


def test_a_sum_in_words_opening_with_a_hundred_and_a_state_lender_guaranteeing_for_the_speaker(
    directory: EntityDirectory,
) -> None:
    body = (
        "Last week we signed a supply agreement with Apple. Under it, Apple commits to buy a"
        " hundred and twenty million US dollars' worth of separated dysprosium and terbium oxides"
        " from Eneabba. Export Finance Australia, acting for the Commonwealth, has guaranteed"
        " A$175 million of the commercial bank tranche."
    )
    candidates = extract(directory, body, title="Iluka Resources Limited - Investor Day")
    awards = {a["instrument"]: a for a in published(candidates, "funding_awarded")}
    assert awards["offtake"]["amount"] == {"amount": "120000000", "currency": "USD"}
    assert (awards["guarantee"]["funder_id"], awards["guarantee"]["recipient_id"]) == (
        "au_government",
        "iluka",
    )


def test_a_buyer_paying_the_company_speaking_and_a_question_is_not_a_deal(
    directory: EntityDirectory,
) -> None:
    body = (
        "MD: Yes. Apple has agreed to buy two hundred and ten million US dollars' worth of"
        " separated dysprosium and terbium oxide from us over six years.\n\n"
        "IR: Last one. Is Apple taking shares in Lynas?"
    )
    candidates = extract(directory, body, title="Lynas Rare Earths webinar transcript")
    [award] = published(candidates, "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "apple",
        "lynas",
        "offtake",
    )
    assert not published(candidates, "stake_changed")


def test_a_state_lenders_loan_to_a_company_is_not_from_a_mine_named_after_from(
    directory: EntityDirectory,
) -> None:
    body = (
        "Export Finance Australia, the Commonwealth's export credit agency, has approved a A$185"
        " million loan to Lynas for the Kalgoorlie plant, which prepares feedstock from the Mt"
        " Weld mine."
    )
    [award] = published(extract(directory, body), "funding_awarded")
    assert (award["funder_id"], award["recipient_id"]) == ("au_government", "lynas")


def test_a_guarantee_from_the_loan_programs_office_is_a_guarantee(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Department of Energy's Loan Programs Office said on Monday it had issued a federal"
        " guarantee covering US$150 million of a bank loan to USA Rare Earth."
    )
    [award] = published(extract(directory, body), "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "us_government",
        "usar",
        "guarantee",
    )


def test_a_budget_papers_bare_dollars_are_australian_and_the_government_gives_the_grant(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Government is providing $14.5 million over three years from 2027-28 to Lynas Rare"
        " Earths Ltd as a grant under the Critical Minerals Development Program, for its"
        " Kalgoorlie facility in Western Australia."
    )
    candidates = extract(
        directory, body, title="Budget 2027-28, Budget Paper No. 2: Australian critical minerals"
    )
    [award] = published(candidates, "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "au_government",
        "lynas",
        "grant",
    )
    assert award["amount"] == {"amount": "14500000", "currency": "AUD"}
