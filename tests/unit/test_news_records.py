"""Deals told as records of "Key: value" lines: a deal tracker's entries, a substantial-holder
form, a register entry and a newsletter's box, each key read for the part it plays."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, published

TRACKER = """This tracker lists the transactions our team followed in the three months to March.

COMPLETED

[1]
Deal type: transfer between founding shareholders
Buyer: Ganzhou Rare Earth Group Co., Ltd.
Seller: China Iron & Steel Research Institute Group (CISRI)
Target: China Rare Earth Group Co., Ltd. (CREG)
Shares transferred: 3.9% of CREG
Price: RMB 1.37 billion
Buyer's holding: 20.33% before, 24.23% after
Seller's holding: 3.9% before, nil after
Completed: 20 March 2026 (registration of the transfer)

[2]
Deal type: statutory merger; the merged company is deregistered
Surviving entity: China Minmetals Corporation
Merged entity: GRINM (General Research Institute of Nonferrous Metals) Co., Ltd.
Consideration: RMB 2.9 billion in cash
Completed: 27 February 2026

[3]
Deal type: secondary purchase
Acquirer: Neo Performance Materials Inc. (TSX: NEO)
Target: Niron Magnetics, Inc.
Interest acquired: 8%
Completed: 14 January 2026

SIGNED, NOT COMPLETED

[4]
Buyer: Lynas Rare Earths Ltd (ASX: LYC)
Target: Energy Transition Minerals Ltd
Stake: 9%
Price: A$18 million
Signed: 24 March 2026
"""


def test_a_trackers_entries_give_the_buyers_and_sellers_holdings_and_a_merger(
    directory: EntityDirectory,
) -> None:
    candidates = extract(directory, TRACKER, day="2026-04-02")
    stakes = {d["holder_id"]: d for d in published(candidates, "stake_changed")}
    assert set(stakes) == {"ganzhou_re", "cisri"}
    assert (stakes["ganzhou_re"]["pct_before"], stakes["ganzhou_re"]["pct_after"]) == (
        "20.33",
        "24.23",
    )
    assert stakes["ganzhou_re"]["consideration"] == {"amount": "1370000000", "currency": "CNY"}
    assert (stakes["cisri"]["pct_before"], stakes["cisri"]["pct_after"]) == ("3.9", "0")
    [merger] = published(candidates, "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("minmetals", "grinm")


def test_an_entry_completed_long_ago_or_only_signed_goes_to_review(
    directory: EntityDirectory,
) -> None:
    candidates = extract(directory, TRACKER, day="2026-04-02")
    held_back = {
        c.event.model_dump()["holder_id"]: c.confidence
        for c in candidates
        if c.event.type == "stake_changed" and c.confidence < 0.7
    }
    assert set(held_back) == {"neo", "lynas"}


def test_a_substantial_holder_form_gives_the_holder_its_voting_power_and_price(
    directory: EntityDirectory,
) -> None:
    body = (
        "To: Iluka Resources Limited (ASX: ILU)\n\n1. Details of substantial holder\n"
        "Name: Apple Inc.\nThe holder became a substantial holder on 09/02/2026.\n\n"
        "2. Details of voting power\nVoting power: 5.30%\n\n"
        "3. Consideration\nA$312,000,000 in cash, paid on market.\n"
    )
    [stake] = published(extract(directory, body, day="2026-02-11"), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("apple", "iluka", "5.3")
    assert stake["consideration"] == {"amount": "312000000", "currency": "AUD"}


def test_a_register_entry_of_a_company_deregistered_by_absorption_is_a_merger(
    directory: EntityDirectory,
) -> None:
    body = (
        "The national enterprise credit information register now carries the following entry:\n"
        "Enterprise name: Ganzhou Rare Earth Group Co., Ltd.\n"
        "Registration status: deregistered\n"
        "Reason for deregistration: merger by absorption\n"
        "Absorbing party: China Rare Earth Group Co., Ltd.\n"
    )
    [merger] = published(extract(directory, body, day="2026-03-20"), "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("creg", "ganzhou_re")


def test_a_newsletter_box_gives_a_venture_with_its_partners_shares_and_controller(
    directory: EntityDirectory,
) -> None:
    body = (
        "THIS WEEK'S DEAL\n"
        "- What: Narva Loop Recycling OÜ, a new joint venture that recovers magnet scrap\n"
        "- Who: Neo Performance Materials (80%, operator and controlling shareholder) and"
        " Apple (20%)\n"
        "- Money: EUR 35m contributed by the partners at formation\n"
    )
    [venture] = published(extract(directory, body, day="2026-03-03"), "joint_venture_formed")
    assert venture["name"] == "Narva Loop Recycling OÜ"
    assert venture["partners"] == [
        {"entity_id": "neo", "pct": "80"},
        {"entity_id": "apple", "pct": "20"},
    ]
    assert venture["controlling_partner_id"] == "neo"
    assert venture["consideration"] == {"amount": "35000000", "currency": "EUR"}


def test_a_financing_box_gives_one_award_per_instrument_apiece_to_the_company_announcing(
    directory: EntityDirectory,
) -> None:
    body = (
        "USA Rare Earth, Inc. (Nasdaq: USAR) today announced that it has closed a financing with"
        " the U.S. Department of Defense and formed a joint venture with eVAC Magnetics.\n\n"
        "Financing at a glance\n"
        "- Provider: U.S. Department of Defense, Office of Strategic Capital\n"
        "- Instruments: Series A convertible preferred stock; ten-year senior secured term loan\n"
        "- Amount: US$150 million apiece\n"
        "- Closed: July 20, 2026\n\n"
        "At closing, the Department holds 9.9% of the company's voting power."
    )
    candidates = extract(directory, body, day="2026-07-21")
    awards = published(candidates, "funding_awarded")
    assert {(a["funder_id"], a["recipient_id"], a["instrument"]) for a in awards} == {
        ("us_dod", "usar", "equity"),
        ("us_dod", "usar", "loan"),
    }
    [stake] = published(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("us_dod", "usar", "9.9")


def test_a_state_lenders_register_of_signed_commitments_gives_one_award_per_entry(
    directory: EntityDirectory,
) -> None:
    body = (
        "Export Finance Australia manages the Critical Minerals Facility on the Commonwealth's"
        " behalf. This extract lists transactions signed in the month to date.\n\n"
        "Reference: CMF-26-014\nDate signed: 3 July 2026\nCounterparty: Iluka Resources Limited\n"
        "Product: Senior secured loan\nCommitment: A$120,000,000\n\n"
        "Reference: CMF-26-016\nCounterparty: Not disclosed (application under assessment)\n"
        "Product: Loan (requested)\nCommitment: None - no decision has been made\n"
    )
    [award] = published(extract(directory, body, day="2026-07-20"), "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "au_government",
        "iluka",
        "loan",
    )
    assert award["amount"] == {"amount": "120000000", "currency": "AUD"}


def test_a_list_of_tax_credit_allocations_by_an_unregistered_department(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Treasury Department and the IRS on Monday published the projects allocated credits"
        " in the third round of the Qualifying Advanced Energy Project Credit (48C). Of 104"
        " allocations worth US$6 billion in all, one is for rare earth magnets:\n\n"
        "Recipient: USA Rare Earth, Inc.\n"
        "Project: sintered NdFeB magnet line, Stillwater, Oklahoma\n"
        "Credit allocated: US$58.7 million (30% of qualified investment)\n"
    )
    [award] = published(extract(directory, body, day="2026-01-27"), "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "us_government",
        "usar",
        "tax_credit",
    )
    assert award["amount"] == {"amount": "58700000", "currency": "USD"}
