"""Holdings as reports and filings give them: two holders' moves in one sentence, a filing's
holding before and after a deal some lines apart, the rest that was not yet held, and a deal
told in passing inside a clause describing someone else."""

from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_two_holdings_moving_in_one_sentence_share_the_company_held(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas's stake in Iluka drops from 12 per cent to 7 per cent, while Shenghe's climbs"
        " from 3 per cent to 8 per cent."
    )
    documents = published(extract(directory, body), "stake_changed")
    assert sorted(
        (d["holder_id"], d["target_id"], d["pct_before"], d["pct_after"]) for d in documents
    ) == [("lynas", "iluka", "12", "7"), ("shenghe", "iluka", "3", "8")]


def test_a_filing_gives_the_holding_before_and_after_the_deal_on_separate_lines(
    directory: EntityDirectory,
) -> None:
    body = (
        "Announcement on the completion of a share increase.\n"
        "1. Holding before the increase: China Minmetals held 20.5% of the Company's total share"
        " capital.\n"
        "2. China Minmetals bought 40,000,000 shares on the exchange for a total consideration"
        " of RMB 900 million.\n"
        "3. Holding after the increase: 22.25%."
    )
    document = only(
        extract(directory, body, title="China Rare Earth Group: share increase by a holder"),
        "stake_changed",
    )
    assert (document["holder_id"], document["target_id"]) == ("minmetals", "creg")
    assert (document["pct_before"], document["pct_after"]) == ("20.5", "22.25")
    assert document["consideration"] == {"amount": "900000000", "currency": "CNY"}


def test_the_part_not_yet_held_gives_the_holding_before_a_full_takeover(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka will own all of Peak Rare Earths once its offer for the 85 per cent it does not"
        " already hold closes on Friday."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("iluka", "peak")
    assert (document["pct_before"], document["pct_after"]) == ("15", "100")


def test_a_purchase_told_in_a_clause_describing_a_company_is_background(
    directory: EntityDirectory,
) -> None:
    body = (
        "Alongside Energy Transition Minerals, which it bought outright two years ago, Lynas"
        " now runs three projects outside Malaysia."
    )
    candidates = extract(directory, body)
    assert published(candidates, "stake_changed") == []
    [held] = [c for c in candidates if c.event.type == "stake_changed"]
    document = held.event.model_dump()
    assert (document["holder_id"], document["target_id"]) == ("lynas", "etm")


def test_a_before_and_after_table_gives_each_holder_whose_stake_moved(
    directory: EntityDirectory,
) -> None:
    body = (
        "The board announces a change in the shareholders of China Rare Earth Group (CREG)."
        " GRINM has transferred its CREG equity to China Minmetals, which paid a consideration"
        " of RMB 800 million.\n"
        "| Shareholder | Holding before | Holding after |\n"
        "|---|---|---|\n"
        "| SASAC | 31.21% | 31.21% |\n"
        "| China Minmetals | 20.33% | 24.23% |\n"
        "| GRINM | 3.90% | 0.00% |"
    )
    documents = published(extract(directory, body), "stake_changed")
    moved = {(d["holder_id"], d["target_id"], d["pct_before"], d["pct_after"]) for d in documents}
    assert moved == {("minmetals", "creg", "20.33", "24.23"), ("grinm", "creg", "3.9", "0")}
    [paid] = [d for d in documents if d["holder_id"] == "minmetals"]
    assert paid["consideration"] == {"amount": "800000000", "currency": "CNY"}


def test_the_conglomerate_that_opened_the_sentence_before_is_the_buyer(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Minmetals now owns all of GRINM. The conglomerate said on Friday that it had"
        " completed the purchase of the 40% of GRINM it did not already hold, paying RMB 3"
        " billion."
    )
    documents = published(extract(directory, body), "stake_changed")
    assert [
        (d["holder_id"], d["target_id"], d.get("pct_before"), d["pct_after"]) for d in documents
    ] == [("minmetals", "grinm", "60", "100")]


def test_a_table_of_deals_gives_the_completed_rows_and_sends_talks_to_review(
    directory: EntityDirectory,
) -> None:
    body = (
        "Our weekly log of ownership changes.\n"
        "| Date | Buyer | Company | Stake | Value | Status |\n"
        "|---|---|---|---|---|---|\n"
        "| 2 Jun | Lynas | Iluka Resources | 5% -> 8% | A$90m | completed |\n"
        "| 3 Jun | Shenghe Resources | Peak Rare Earths | 19.9% | n.d. | talks reported |"
    )
    candidates = extract(directory, body)
    [done] = published(candidates, "stake_changed")
    assert (done["holder_id"], done["target_id"], done["pct_before"], done["pct_after"]) == (
        "lynas",
        "iluka",
        "5",
        "8",
    )
    assert done["consideration"] == {"amount": "90000000", "currency": "AUD"}
    held_back = [c for c in candidates if c.event.type == "stake_changed" and c.confidence < 0.7]
    assert [c.event.model_dump()["target_id"] for c in held_back] == ["peak"]


def test_the_company_speaking_bought_the_part_it_did_not_own(
    directory: EntityDirectory,
) -> None:
    body = (
        "On Tuesday we closed the purchase of the 65 per cent of Niron Magnetics that we did"
        " not already own. The price was US$84 million."
    )
    document = only(
        extract(directory, body, title="Neo Performance Materials: earnings call"),
        "stake_changed",
    )
    assert (document["holder_id"], document["target_id"]) == ("neo", "niron")
    assert (document["pct_before"], document["pct_after"]) == ("35", "100")


def test_a_holding_fallen_to_one_figure_from_another_told_of_a_company_described(
    directory: EntityDirectory,
) -> None:
    body = (
        "GRINM, the state-owned research group, has sold most of its shares in China Rare Earth"
        " Group. The research group's holding has fallen to 1.5 per cent from 3.9 per cent, the"
        " size of the stake it took when the group was founded in December 2021."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("grinm", "creg")
    assert (document["pct_before"], document["pct_after"]) == ("3.9", "1.5")


def test_an_arrangement_acquiring_every_share_not_held_with_the_earlier_holding_after(
    directory: EntityDirectory,
) -> None:
    body = (
        "The court approved a plan by which VAC Group acquires every common share of Neo"
        " Performance Materials that it did not already hold. VAC held 10.5 per cent of Neo"
        " before the transaction. It pays C$1.2 billion in cash for the remaining 89.5 per cent."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("evac", "neo")
    assert (document["pct_before"], document["pct_after"]) == ("10.5", "100")
    assert document["consideration"] == {"amount": "1200000000", "currency": "CAD"}


def test_a_seller_that_no_longer_holds_any_interest_named_by_a_short_name(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka Resources has taken full control of Peak Rare Earths after buying it from"
        " Shenghe Resources for A$200 million. Shenghe, which has owned 100 per cent of Peak"
        " since 2025, no longer holds any interest in it."
    )
    documents = published(extract(directory, body), "stake_changed")
    seller = [d for d in documents if d["holder_id"] == "shenghe"]
    assert [(d["target_id"], d["pct_before"], d["pct_after"]) for d in seller] == [
        ("peak", "100", "0")
    ]


def test_a_company_now_wholly_owned_by_another_with_its_earlier_holding_after(
    directory: EntityDirectory,
) -> None:
    body = (
        "Energy Transition Minerals, the company that has spent years trying to mine in"
        " Greenland, is now wholly owned by Lynas Rare Earths. Lynas had held 15 per cent of"
        " ETM since last June. For the rest of the shares it paid A$80 million."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"]) == ("lynas", "etm")
    assert (document["pct_before"], document["pct_after"]) == ("15", "100")


def test_a_seller_that_now_holds_none_of_the_company_sold_its_stake(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Rare Earth Group has taken full control of Vietnam Rare Earth Company by buying"
        " the whole of Shenghe Resources' 80 per cent stake. Shenghe, which had owned the shares"
        " since 2022, now holds none of the company."
    )
    documents = published(extract(directory, body), "stake_changed")
    seller = [d for d in documents if d["holder_id"] == "shenghe"]
    assert [(d["target_id"], d["pct_before"], d["pct_after"]) for d in seller] == [
        ("vietnam_re", "80", "0")
    ]


# --- the holding before, however the text gives it ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "holding"),
    [
        (
            "Shenghe Resources now owns 15.3% of Energy Transition Minerals, up from 9.4%, after"
            " taking part in a A$12 million placement.",
            ("shenghe", "etm", "9.4", "15.3"),
        ),
        (
            "Neo Performance Materials bought 8.2 million shares of Niron Magnetics, taking its"
            " stake to 11 per cent. Before the purchase it held 6 per cent.",
            ("neo", "niron", "6", "11"),
        ),
        (
            "Lynas bought 4 million shares of Peak Rare Earths, lifting its holding to 9.9%."
            " The miner previously owned 4.95%.",
            ("lynas", "peak", "4.95", "9.9"),
        ),
        (
            "Baotou Iron and Steel Group now controls 41.6% of Northern Rare Earth, having held"
            " 38.9% before it spent RMB 1.5 billion on new shares.",
            ("baogang", "cnre", "38.9", "41.6"),
        ),
        (
            "Vacuumschmelze raised its holding in Niron Magnetics by 5 percentage points to 17%,"
            " paying US$22 million.",
            ("evac", "niron", "12", "17"),
        ),
        (
            "Ganzhou Rare Earth Group cut its stake in China Rare Earth Group by two percentage"
            " points to 18.23%.",
            ("ganzhou_re", "creg", "20.23", "18.23"),
        ),
        (
            "USA Rare Earth doubled its stake in Niron Magnetics to 20 per cent.",
            ("usar", "niron", "10", "20"),
        ),
    ],
)
def test_the_holding_before_the_deal_is_read_from_how_the_text_gives_it(
    directory: EntityDirectory, body: str, holding: tuple[str, str, str, str]
) -> None:
    document = only(extract(directory, body), "stake_changed")
    assert (
        document["holder_id"],
        document["target_id"],
        document["pct_before"],
        document["pct_after"],
    ) == holding


def test_a_holding_that_moved_to_a_figure_is_its_holding_after(
    directory: EntityDirectory,
) -> None:
    body = "Shenghe Resources' stake in MP Materials fell to 3.1% after the sale, a filing showed."
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "shenghe",
        "mp",
        "3.1",
    )
    assert "pct_before" not in document


def test_a_new_substantial_holder_with_its_stake_is_a_stake_bought(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas has become a substantial holder of Peak Rare Earths with a 6.1% stake, bought for"
        " A$14 million."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["pct_after"]) == (
        "lynas",
        "peak",
        "6.1",
    )


def test_becoming_the_largest_shareholder_after_a_package_does_not_price_the_stake_by_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "The U.S. government has become the largest shareholder in USA Rare Earth after a"
        " US$1.6 billion support package closed on Tuesday."
    )
    assert published(extract(directory, body), "stake_changed") == []


def test_a_holding_now_against_before_belongs_to_the_shareholder_the_sentence_before_describes(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka Resources, Lynas's largest shareholder, did not take part. On the enlarged share"
        " count its holding is 5.0%, compared with 5.5% before the placement."
    )
    document = only(extract(directory, body, title="Lynas completes placement"), "stake_changed")
    assert (
        document["holder_id"],
        document["target_id"],
        document["pct_before"],
        document["pct_after"],
    ) == ("iluka", "lynas", "5.5", "5.0")


def test_what_the_sales_brought_in_is_the_price_of_the_stake_just_told(
    directory: EntityDirectory,
) -> None:
    body = (
        "Baotou Iron and Steel has reduced its holding in China Northern Rare Earth to 35.6 per"
        " cent from 38.1 per cent through block trades. The sales brought in 3.62 billion yuan."
    )
    document = only(extract(directory, body), "stake_changed")
    assert document["consideration"] == {"amount": "3620000000", "currency": "CNY"}


def test_becoming_the_controlling_shareholder_by_new_capital_is_control_bought(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Minmetals said it has become the controlling shareholder of Ganzhou Rare Earth"
        " Group after subscribing 2.8 billion yuan of new capital on Monday."
    )
    document = only(extract(directory, body), "stake_changed")
    assert (document["holder_id"], document["target_id"], document["controlling"]) == (
        "minmetals",
        "ganzhou_re",
        True,
    )
    assert document["consideration"] == {"amount": "2800000000", "currency": "CNY"}


def test_a_capital_increase_then_the_holdings_it_left_give_each_holders_move(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Minmetals has put 6.0 billion yuan of new capital into the state rare-earth"
        " champion. The notice gives the numbers: after the increase, Minmetals holds 27.4 per"
        " cent of CREG's registered capital, against 20.33 per cent before. The State-owned"
        " Assets Supervision and Administration Commission did not put in money, so its direct"
        " holding is diluted to 28.44 per cent from 31.21 per cent."
    )
    documents = published(extract(directory, body), "stake_changed")
    assert sorted(
        (d["holder_id"], d["target_id"], d["pct_before"], d["pct_after"], d.get("consideration"))
        for d in documents
    ) == [
        ("minmetals", "creg", "20.33", "27.4", {"amount": "6000000000", "currency": "CNY"}),
        ("sasac", "creg", "31.21", "28.44", None),
    ]


def test_a_negation_before_so_does_not_deny_what_follows_but_a_plain_one_still_does(
    directory: EntityDirectory,
) -> None:
    denied = "Shenghe Resources did not buy 5% of MP Materials, the company said."
    assert published(extract(directory, denied), "stake_changed") == []


def test_a_price_told_after_another_companys_stake_is_not_the_earlier_stakes(
    directory: EntityDirectory,
) -> None:
    body = (
        "After the increase, Minmetals holds 27.4 per cent of China Rare Earth Group, against"
        " 20.33 per cent before. Baotou Iron and Steel has reduced its holding in China Northern"
        " Rare Earth to 35.6 per cent from 38.1 per cent through block trades. The sales brought"
        " in 3.62 billion yuan."
    )
    prices = {
        d["holder_id"]: d.get("consideration")
        for d in published(extract(directory, body), "stake_changed")
    }
    assert prices == {
        "minmetals": None,
        "baogang": {"amount": "3620000000", "currency": "CNY"},
    }
