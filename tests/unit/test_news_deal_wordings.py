"""Deals in the wordings of wire copy: more verbs of buying, a buyer named after the target
("was sold to", "the acquisition of … by"), a seller's whole stake bought, a holding whose size
or target is told in the sentence next to the deal, and a venture's full name, price and
controlling partner told around it."""

from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


@pytest.mark.parametrize(
    "verb", ["snapped up", "picked up", "scooped up", "secured", "amassed", "topped up to"]
)
def test_verbs_of_buying_beyond_buy_and_acquire_give_a_stake(
    directory: EntityDirectory, verb: str
) -> None:
    body = f"Lynas Rare Earths {verb} 12% of Peak Rare Earths on Monday."
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "lynas",
        "peak",
        "12",
    )


def test_a_holding_sold_to_a_buyer_is_the_buyers(directory: EntityDirectory) -> None:
    body = (
        "A holding of 6.1 per cent in Iluka Resources was sold to Apple Inc. overnight for"
        " A$480 million, brokers said."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "apple",
        "iluka",
        "6.1",
    )


def test_the_acquisition_of_a_share_by_a_buyer_is_the_buyers(directory: EntityDirectory) -> None:
    body = "The acquisition of 25 percent of Peak Rare Earths by Neo Performance Materials closed."
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "neo",
        "peak",
        "25",
    )


def test_buying_a_sellers_stake_gives_the_buyer_the_stake_and_leaves_the_seller_none(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas Rare Earths has bought Iluka Resources' stake in Peak Rare Earths. The 7% holding"
        " cost the Kalgoorlie refiner A$22 million."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert stakes["lynas"]["target_id"] == "peak"
    assert stakes["lynas"]["pct_after"] == "7"
    assert stakes["lynas"]["consideration"] == {"amount": "22000000", "currency": "AUD"}
    assert stakes["iluka"]["target_id"] == "peak"
    assert (stakes["iluka"]["pct_before"], stakes["iluka"]["pct_after"]) == ("7", "0")


def test_shares_that_changed_hands_belong_to_the_buyer_of_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "A quarter of Peak Rare Earths has changed hands. Shenghe Resources bought the shares"
        " from a group of Tanzanian investors and paid A$90 million for them."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "shenghe",
        "peak",
        "25",
    )


def test_a_ventures_full_name_price_and_controlling_partner_are_read_around_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka Resources and Lynas Rare Earths have set up Geraldton Heavy Rare Earth"
        " Separation, a joint venture owned equally by the two. The partners will invest A$200"
        " million between them."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Geraldton Heavy Rare Earth Separation"
    assert document["consideration"] == {"amount": "200000000", "currency": "AUD"}


def test_the_partner_said_to_control_the_venture_after_it_is_formed_controls_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance Materials and Niron Magnetics have created Narva Nitride Magnets, a"
        " joint venture for a pilot line in Estonia. Neo will control the venture's board, and"
        " the partners did not disclose how the €40m venture is split."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["controlling_partner_id"] == "neo"
    assert document["consideration"] == {"amount": "40000000", "currency": "EUR"}


def test_a_ventures_name_stands_before_a_description_that_gives_its_size(
    directory: EntityDirectory,
) -> None:
    body = (
        "Shenghe Resources and Ganzhou Rare Earth Group have formed Jiangxi Heavy Rare Earth"
        " Separation, a 1.2 billion yuan joint venture to separate dysprosium."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Jiangxi Heavy Rare Earth Separation"


def test_an_interest_sold_to_a_buyer_keeps_its_size(directory: EntityDirectory) -> None:
    body = (
        "A 14 percent interest in Niron Magnetics was sold to Neo Performance Materials last"
        " Thursday for 42 million dollars."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "neo",
        "niron",
        "14",
    )


def test_a_shareholding_that_a_seller_held_is_the_sellers_whole_holding_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Minmetals has taken over the entire 20.33% shareholding that Aluminum Corporation"
        " of China held in China Rare Earth Group, paying RMB7.1bn. The transfer lifts"
        " Minmetals' stake in CREG from 20.33% to 40.66%."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert (stakes["chalco"]["pct_before"], stakes["chalco"]["pct_after"]) == ("20.33", "0")
    assert (stakes["minmetals"]["pct_before"], stakes["minmetals"]["pct_after"]) == (
        "20.33",
        "40.66",
    )
    assert stakes["minmetals"]["consideration"] == {"amount": "7100000000", "currency": "CNY"}


def test_a_controlling_interest_is_control(directory: EntityDirectory) -> None:
    body = (
        "China Northern Rare Earth said it had acquired a controlling interest in Fujian Jinlong"
        " Rare Earth for ¥2.4bn."
    )
    document = only(extract(directory, body), "stake_changed")
    assert document["controlling"] is True
    assert "pct_after" not in document


def test_a_holding_raised_from_a_figure_to_a_fraction(directory: EntityDirectory) -> None:
    body = (
        "Baotou Iron and Steel has raised its stake in China Northern Rare Earth from 36.1% to"
        " two-fifths. The parent bought the extra shares for a total of RMB4.9bn."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["pct_before"], document["pct_after"]) == ("36.1", "40")
    assert document["consideration"] == {"amount": "4900000000", "currency": "CNY"}


def test_new_shares_that_give_the_buyer_a_share_of_the_capital_after_a_price_per_share(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vacuumschmelze has subscribed for 40 million new USA Rare Earth shares at US$12.50 each,"
        " for a total of US$500 million. Once issued, the shares give the German group 8.4"
        " percent of USAR's enlarged capital."
    )
    document = only(extract(directory, body), "stake_changed")
    assert document["pct_after"] == "8.4"
    assert document["consideration"] == {"amount": "500000000", "currency": "USD"}


def test_a_ventures_name_in_apposition_after_its_partners(directory: EntityDirectory) -> None:
    body = (
        "A joint venture between Lynas and German magnet maker Vacuumschmelze, Goldfields Magnet"
        " Metals, was registered on Tuesday with A$80 million of starting capital."
    )
    document = only(extract(directory, body), "joint_venture_formed")
    assert document["name"] == "Goldfields Magnet Metals"
    assert [p["entity_id"] for p in document["partners"]] == ["lynas", "evac"]


def test_a_holding_a_buyer_now_holds_after_buying_preferred_stock_is_its_stake(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Pentagon now holds 8% of eVAC Magnetics after buying US$120m of newly issued"
        " preferred stock convertible into common shares."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "us_dod",
        "evac",
        "8",
    )


def test_a_company_that_said_it_now_owns_a_share_of_another_by_its_code(
    directory: EntityDirectory,
) -> None:
    body = (
        "600111.SH said on Thursday it now owns 6.2% of 600392.SH, after buying shares through"
        " block trades. Total cost: CNY 2.1 billion."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "cnre",
        "shenghe",
        "6.2",
    )
    assert document["consideration"] == {"amount": "2100000000", "currency": "CNY"}


def test_a_holding_built_up_from_a_figure_for_a_sum_in_total(directory: EntityDirectory) -> None:
    body = (
        "Apple now owns 2.9% of MP Materials. The iPhone maker built up that holding from 1.2%"
        " by buying shares on the market, for about US$250 million in total."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["pct_before"], document["pct_after"]) == ("1.2", "2.9")
    assert document["consideration"] == {"amount": "250000000", "currency": "USD"}


def test_a_table_of_holdings_before_and_after_with_holder_and_company_columns(
    directory: EntityDirectory,
) -> None:
    body = (
        "Changes in holdings notified this week:\n"
        "| Holder | Company | Before | After | Consideration |\n"
        "|---|---|---|---|---|\n"
        "| Neo Performance Materials | Iluka Resources | - | 4.8% | A$190.0m |\n"
        "| Shenghe Resources | Peak Rare Earths | 19.9% | 100% | A$96m |"
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert (stakes["neo"]["target_id"], stakes["neo"]["pct_after"]) == ("iluka", "4.8")
    assert "pct_before" not in stakes["neo"]
    assert (stakes["shenghe"]["pct_before"], stakes["shenghe"]["pct_after"]) == ("19.9", "100")


def test_a_speaker_of_a_transcript_saying_we_own_a_share_and_its_price_when_asked(
    directory: EntityDirectory,
) -> None:
    body = (
        "HOST: How much of Neo do you own today?\n"
        "MP MATERIALS CFO: After the block trade, we own 10.4 per cent of Neo Performance"
        " Materials.\n"
        "HOST: And what did that cost?\n"
        "MP MATERIALS CFO: C$91 million, all cash."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "mp",
        "neo",
        "10.4",
    )
    assert document["consideration"] == {"amount": "91000000", "currency": "CAD"}


@pytest.mark.parametrize(
    ("body", "holder", "target", "pct_after"),
    [
        ("Apple has bought 5% of MP Materials, lifting its holding to 8.1%.", "apple", "mp", "8.1"),
        ("Shenghe sold 3% of Peak Rare Earths, cutting its holding to 9%.", "shenghe", "peak", "9"),
        (
            "Neo increased its shareholding in Niron Magnetics by 4 percentage points to 14%.",
            "neo",
            "niron",
            "14",
        ),
        ("Shenghe reduced its stake in MP Materials by half, to 3.1%.", "shenghe", "mp", "3.1"),
    ],
)
def test_the_holding_a_deal_took_the_holder_to_is_its_holding_after_not_the_part_traded(
    directory: EntityDirectory, body: str, holder: str, target: str, pct_after: str
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        holder,
        target,
        pct_after,
    )
