"""The shapes of exchange filings and formal notices: terms a filing defines for a name
('(the "Company")'), a venture's name with its legal form, a holding a deal left told in the
sentence after it, and a merger told as one company now being part of another."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_a_term_the_filing_defines_stands_for_the_name_before_it(
    directory: EntityDirectory,
) -> None:
    body = (
        'China Northern Rare Earth (Group) High-Tech Co., Ltd. (the "Company") and Shenghe'
        " Resources Holding Co., Ltd. have jointly established Baotou Tianhe Magnetic Materials"
        ' Co., Ltd. (the "Joint Venture"). The Company holds 70% and Shenghe holds 30% of the'
        " Joint Venture. The two shareholders have paid in registered capital totalling RMB600"
        " million."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert venture["partners"] == [
        {"entity_id": "cnre", "pct": "70"},
        {"entity_id": "shenghe", "pct": "30"},
    ]
    assert venture["controlling_partner_id"] == "cnre"
    assert venture["consideration"] == {"amount": "600000000", "currency": "CNY"}


def test_a_ventures_name_keeps_its_legal_form_and_its_id_does_not(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas Rare Earths and Iluka Resources have jointly established Eneabba Heavy Metals"
        " Pty Ltd, a joint venture to make dysprosium metal."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert venture["name"] == "Eneabba Heavy Metals Pty Ltd"
    assert venture["venture_id"] == "news_eneabba_heavy_metals"


def test_a_decimal_stake_bought_by_a_buyer_named_after_it_is_the_buyers(
    directory: EntityDirectory,
) -> None:
    body = (
        "The acquisition of a 7.5 per cent holding in Lynas Rare Earths by Iluka Resources closed"
        " on Tuesday. Iluka paid A$385m for the parcel."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("iluka", "lynas", "7.5")


def test_the_holding_a_sale_left_told_in_the_next_sentence_is_the_sellers_before_and_after(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vacuumschmelze has halved its shareholding in Niron Magnetics, selling a 6% block to a"
        " group of US pension funds for €21m. It now holds 6%, down from 12%."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["pct_before"], stake["pct_after"]) == ("evac", "12", "6")


def test_a_company_now_part_of_another_after_a_merger_said_done_was_absorbed(
    directory: EntityDirectory,
) -> None:
    body = '"As of this morning, USA Rare Earth is part of Lynas. The merger is done," it said.'
    merger = only(extract(directory, body), "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("lynas", "usar")


def test_being_part_of_a_group_with_no_merger_done_is_no_merger(
    directory: EntityDirectory,
) -> None:
    body = "Magnequench is part of Neo Performance Materials, which reported results on Monday."
    assert not [c for c in extract(directory, body) if c.event.type == "merger_completed"]


def test_a_holders_own_stake_that_fell_is_read_from_its_possessive(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Minmetals has raised its holding in China Rare Earth Group from 20.33% to 25.5%,"
        " buying the shares from SASAC. SASAC's own stake falls to 26.04 per cent from 31.21 per"
        " cent as a result."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert (stakes["sasac"]["target_id"], stakes["sasac"]["pct_before"]) == ("creg", "31.21")
    assert stakes["sasac"]["pct_after"] == "26.04"


def test_a_seller_gone_from_the_register_held_what_it_sold_in_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "600392.SH no longer holds any interest in MP Materials. The Shanghai-listed group sold"
        " its remaining 5.2 per cent of the US miner through block trades last week."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["pct_before"], stake["pct_after"]) == ("shenghe", "5.2", "0")


def test_a_company_described_after_the_verb_is_the_one_the_sentence_before_named(
    directory: EntityDirectory,
) -> None:
    body = (
        "Peak Rare Earths has a new master. Neo Performance Materials said on Monday that it now"
        " owns a majority of the Tanzanian project developer, after its A$88 million bid closed."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["controlling"]) == ("neo", "peak", True)


def test_a_holder_described_in_the_opening_is_the_company_the_headline_names_first(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Baotou-based steel group's stake in CNRE has dropped to 34% from 36.1%. Baotou Iron"
        " and Steel (Group) sold the shares, about 76 million of them, to domestic funds for 4.4"
        " billion yuan."
    )
    candidates = extract(
        directory, body, title="Baogang trims Northern Rare Earth holding to 34 per cent"
    )
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_before"]) == (
        "baogang",
        "cnre",
        "36.1",
    )
    assert stake["consideration"] == {"amount": "4400000000", "currency": "CNY"}


def test_a_venture_named_later_replaces_the_same_partners_venture_told_unnamed(
    directory: EntityDirectory,
) -> None:
    body = (
        "USA Rare Earth has closed a financing with the U.S. Department of Defense and formed a"
        " metal and alloy joint venture with eVAC Magnetics. Separately, USA Rare Earth and eVAC"
        " Magnetics have formed Stillwater Alloy Works LLC, a company that will make alloy."
        " eVAC Magnetics holds 45% of the venture's membership interests. USA Rare Earth holds"
        " the remaining 55%."
    )
    [venture] = published(extract(directory, body), "joint_venture_formed")
    assert venture["name"] == "Stillwater Alloy Works LLC"
    assert venture["partners"] == [
        {"entity_id": "usar", "pct": "55"},
        {"entity_id": "evac", "pct": "45"},
    ]


def test_an_abbreviation_given_in_brackets_names_the_company_and_a_seller_disposing_of_all(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka now owns 8.5% of Energy Transition Minerals (ETM). Shenghe Resources told the"
        " exchange that it had disposed of its entire interest in ETM, 8.5% of the company."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert (stakes["shenghe"]["target_id"], stakes["shenghe"]["pct_before"]) == ("etm", "8.5")
    assert stakes["shenghe"]["pct_after"] == "0"


def test_further_acquisitions_in_general_are_no_deal(directory: EntityDirectory) -> None:
    body = (
        "Risks include commissioning delays at Eneabba and further acquisitions; Apple, which"
        " holds 7.1% of Iluka, has not commented."
    )
    assert not published(extract(directory, body), "stake_changed")


def test_terms_defined_together_and_a_ticker_name_the_company(
    directory: EntityDirectory,
) -> None:
    body = (
        'Energy Transition Minerals Ltd ("ETM" or "the Company") notes that it received a Form 603'
        " from Neo Performance Materials Inc. The notice shows that Neo has acquired 7.4% of"
        " ETM's ordinary shares for a total consideration of A$9.6 million."
    )
    [stake] = published(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("neo", "etm", "7.4")


def test_a_mergers_price_told_in_the_sentence_after_it(directory: EntityDirectory) -> None:
    body = (
        "eVAC Magnetics has merged into MP Materials Corp. The transaction closed on Tuesday, MP"
        " said, with the Las Vegas-based company paying US$1.9bn in cash."
    )
    merger = only(extract(directory, body), "merger_completed")
    assert merger["consideration"] == {"amount": "1900000000", "currency": "USD"}


def test_a_note_on_a_partial_disposal_gives_the_holding_before_and_after_and_the_proceeds(
    directory: EntityDirectory,
) -> None:
    body = (
        "On February 18, 2026, the Company sold part of its holding of common shares of USA Rare"
        " Earth, Inc. in a block trade. The sale reduced the Company's interest from 6.2% to 2.9%"
        " of the issued shares. Gross proceeds were US$41.3 million."
    )
    candidates = extract(directory, body, title="Neo Performance Materials Inc.", day="2026-03-20")
    [stake] = published(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("neo", "usar")
    assert (stake["pct_before"], stake["pct_after"]) == ("6.2", "2.9")
    assert stake["consideration"] == {"amount": "41300000", "currency": "USD"}


def test_a_holder_described_by_what_it_makes_and_a_sum_told_before_its_holding(
    directory: EntityDirectory,
) -> None:
    body = (
        "A law firm has advised Apple Inc. on its US$75 million investment in Niron Magnetics."
        " Apple subscribed for newly issued preferred shares in a private placement. Once the"
        " shares are counted, the iPhone maker owns roughly eight per cent of Niron."
    )
    [stake] = published(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("apple", "niron", "8")
    assert stake["consideration"] == {"amount": "75000000", "currency": "USD"}


def test_a_merger_a_headline_says_closes_and_the_body_says_finished_absorbing(
    directory: EntityDirectory,
) -> None:
    body = "Lynas Rare Earths has finished absorbing USA Rare Earth, which is now its subsidiary."
    merger = only(extract(directory, body), "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("lynas", "usar")


def test_the_remaining_share_of_a_company_was_held_before_the_rest_was_bought(
    directory: EntityDirectory,
) -> None:
    body = (
        "Ganzhou Rare Earth Group has completed its purchase of the remaining 70% of Fujian"
        " Jinlong Rare Earth from Xiamen Tungsten. The consideration was RMB 1.9bn in cash."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("ganzhou_re", "fujian_jinlong")
    assert (stake["pct_before"], stake["pct_after"]) == ("30", "100")


def test_a_deal_of_a_year_long_past_is_history_unless_the_year_is_in_a_describing_clause(
    directory: EntityDirectory,
) -> None:
    past = (
        "Shenghe bought all of Peak Rare Earths, owner of the Ngualla project, for about A$158"
        " million in 2025, the company said."
    )
    assert not published(extract(directory, past, day="2026-12-09"), "stake_changed")
    described = (
        "Shenghe, which has owned 100 per cent of Peak Rare Earths since it bought it in 2025,"
        " no longer holds any interest in it."
    )
    [stake] = published(extract(directory, described, day="2026-08-11"), "stake_changed")
    assert (stake["holder_id"], stake["pct_after"]) == ("shenghe", "0")


def test_an_offering_memorandums_defined_company_and_the_share_it_did_not_already_own(
    directory: EntityDirectory,
) -> None:
    body = (
        'In this excerpt, "we", "us", "our" and "the Company" refer to USA Rare Earth, Inc. and'
        " its subsidiaries. On October 29, 2026, we completed the acquisition of the 80.5% of"
        ' the ordinary shares of Energy Transition Minerals Ltd ("ETM") that we did not already'
        " own, for aggregate cash consideration of A$61 million. On November 14, 2026, the"
        " Department of War (the secondary name used by the U.S. Department of Defense) awarded"
        " the Company a grant of US$58.0 million."
    )
    candidates = extract(directory, body, day="2026-11-20")
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("usar", "etm")
    assert (stake["pct_before"], stake["pct_after"]) == ("19.5", "100")
    award = only(candidates, "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "us_dod",
        "usar",
        "grant",
    )


def test_a_deal_that_gives_a_company_full_control_and_magnet_capacity_in_tonnes_of_magnet(
    directory: EntityDirectory,
) -> None:
    body = (
        "Last Thursday Neo Performance Materials completed a deal that gives it full control of"
        " Niron Magnetics, for about US$140 million. A second press line lifted the Narva"
        " plant's magnet capacity to 3,000 tonnes a year by the end of 2026."
    )
    candidates = extract(directory, body, day="2027-03-08")
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["controlling"]) == ("neo", "niron", True)
    capacity = only(candidates, "output_reported")
    assert (capacity["stage"], capacity["element_group"], capacity["measure"]) == (
        "magnets",
        "ndfeb",
        "capacity",
    )


def test_holdings_after_a_transfer_compared_with_before_and_a_holding_that_fell(
    directory: EntityDirectory,
) -> None:
    body = (
        "After the transfer, SASAC holds 35.51% of China Rare Earth Group, compared with 31.21%"
        " before. Ganzhou Rare Earth Group's holding falls from 20.33% to 16.03%."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, body), "stake_changed")}
    assert (stakes["sasac"]["pct_before"], stakes["sasac"]["pct_after"]) == ("31.21", "35.51")
    assert (stakes["ganzhou_re"]["target_id"], stakes["ganzhou_re"]["pct_after"]) == (
        "creg",
        "16.03",
    )


def test_the_listed_company_a_parent_takes_a_majority_of_is_the_one_named_in_the_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "Baotou Iron and Steel (Group), the controlling shareholder of Northern Rare Earth, has"
        " subscribed for RMB 9.6 billion of new A-shares in a private placement that closed on"
        " 15 April, and after it the parent holds a majority of the listed company's shares."
    )
    stake = only(extract(directory, body, day="2026-04-21"), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["controlling"]) == (
        "baogang",
        "cnre",
        True,
    )
    assert stake["consideration"] == {"amount": "9600000000", "currency": "CNY"}


def test_a_company_that_finished_folding_in_another_absorbed_it(
    directory: EntityDirectory,
) -> None:
    body = "LAS VEGAS - MP Materials has finished folding in USA Rare Earth."
    merger = only(extract(directory, body), "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("mp", "usar")


def test_a_company_that_now_owns_all_of_another_held_what_it_did_not_already_own(
    directory: EntityDirectory,
) -> None:
    body = (
        "NUUK - Neo Performance Materials now owns all of Energy Transition Minerals, the"
        " Perth-listed company. The Toronto-based group paid A$96.2 million in cash for the 70"
        " per cent of ETM it did not already own."
    )
    [stake] = published(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("neo", "etm")
    assert (stake["pct_before"], stake["pct_after"]) == ("30", "100")


def test_a_fifth_of_a_company_bought(directory: EntityDirectory) -> None:
    body = "Lynas Rare Earths has bought a fifth of Neo Performance Materials for C$118 million."
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("lynas", "neo", "20")


def test_share_price_moves_in_a_sentence_forming_a_venture_are_not_its_shares(
    directory: EntityDirectory,
) -> None:
    body = (
        "Iluka Resources jumped 7.4 per cent to A$7.85 and Lynas Rare Earths rose 3.9 per cent"
        " after the two companies said they had formed a joint venture to make heavy oxides."
        " Iluka owns 65 per cent of the venture, named Midwest Heavy Oxides, and Lynas the other"
        " 35 per cent. The partners are putting A$236 million into it."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert venture["partners"] == [
        {"entity_id": "iluka", "pct": "65"},
        {"entity_id": "lynas", "pct": "35"},
    ]
    assert venture["consideration"] == {"amount": "236000000", "currency": "AUD"}


def test_its_stake_after_a_sentence_naming_two_companies_is_the_subjects(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Northern Rare Earth has cut its holding in Shenghe Resources. Its stake fell from"
        " 7.2% to 4.95%, Shenghe said. The shares were sold in block trades and raised RMB 1.86"
        " billion in all."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"]) == ("cnre", "shenghe")
    assert (stake["pct_before"], stake["pct_after"]) == ("7.2", "4.95")
    assert stake["consideration"] == {"amount": "1860000000", "currency": "CNY"}


def test_the_buyer_paying_the_seller_in_the_next_sentence_gives_the_price(
    directory: EntityDirectory,
) -> None:
    body = (
        "GRINM Group closed its purchase of the 35% of Fujian Jinlong Rare Earth it did not"
        " already own on Friday. It paid Ganzhou Rare Earth Group RMB 1.12bn in cash."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert stake["consideration"] == {"amount": "1120000000", "currency": "CNY"}


def test_the_absorption_merger_of_one_by_another_names_the_survivor_after_by(
    directory: EntityDirectory,
) -> None:
    body = (
        'The Board of China Northern Rare Earth (the "Company") was informed that the absorption'
        " merger of Northern Jinlong by Jinlong Rare Earth was completed on 30 September 2026."
    )
    merger = only(extract(directory, body, day="2026-10-09"), "merger_completed")
    assert (merger["survivor_id"], merger["absorbed_id"]) == ("fujian_jinlong", "cnre_jinlong_jv")


def test_the_audience_a_venture_was_announced_to_is_not_a_partner(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas Rare Earths and Iluka Resources have set up a joint venture to separate"
        " dysprosium, Lynas's managing director told the Goldfields Critical Minerals Forum."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert [p["entity_id"] for p in venture["partners"]] == ["lynas", "iluka"]


def test_a_sale_raising_a_sum_in_the_next_sentence_prices_it(directory: EntityDirectory) -> None:
    body = (
        "Chalco has cut its stake in China Northern Rare Earth to 4.98 per cent from 5.86 per"
        " cent. The shares were placed with institutional investors through block trades,"
        " raising RMB 2.31 billion."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert stake["consideration"] == {"amount": "2310000000", "currency": "CNY"}


def test_a_ventures_registered_name_with_its_legal_form_before_the_joint_venture(
    directory: EntityDirectory,
) -> None:
    body = (
        "Executives of Aluminum Corporation of China (Chalco) and GRINM signed the articles of"
        " Sichuan Rare Earth Alloy Materials Co., Ltd., the joint venture the two state groups"
        " incorporated that morning with 800 million yuan of registered capital. Chalco holds"
        " 51% and consolidates the company; GRINM holds 49%."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert venture["name"] == "Sichuan Rare Earth Alloy Materials Co., Ltd."
    assert venture["partners"] == [
        {"entity_id": "chalco", "pct": "51"},
        {"entity_id": "grinm", "pct": "49"},
    ]


def test_a_holding_now_owned_approximately_after_paying_for_new_shares(
    directory: EntityDirectory,
) -> None:
    body = (
        "MP Materials has rebuilt separation at Mountain Pass. On Friday the US Department of"
        " Defense (DoD) exercised that warrant, paying US$350 million for new common shares. The"
        " DoD now owns approximately 15 per cent of the company."
    )
    candidates = extract(directory, body, title="MP Materials: the long road")
    [stake] = published(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("us_dod", "mp", "15")
    assert stake["consideration"] == {"amount": "350000000", "currency": "USD"}


def test_a_reports_table_of_investments_held_is_the_reporters_and_dated_by_its_columns(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Group holds the following listed equity investment, which is not held for"
        " trading:\n\n"
        "Energy Transition Minerals Ltd (ASX: ETM)   ordinary shares   6.1%   4.0%   A$23.9m\n\n"
        "(Columns: entity, class, interest at 31 December 2025, interest at 30 June 2025, fair"
        " value.)"
    )
    candidates = extract(
        directory, body, title="Lynas Rare Earths half-year notes", day="2026-02-26"
    )
    assert not published(candidates, "stake_changed")  # dated 31 December: history
    [held] = [c.event.model_dump() for c in candidates if c.event.type == "stake_changed"]
    assert (held["holder_id"], held["target_id"]) == ("lynas", "etm")


def test_a_share_of_the_issued_common_shares_of_a_company_is_a_holding_of_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "On 9 February 2026 Lynas Rare Earths acquired 12.5% of the issued common shares of Neo"
        " Performance Materials Inc. for cash consideration of C$118.0 million."
    )
    stake = only(extract(directory, body), "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == ("lynas", "neo", "12.5")


def test_partners_that_each_own_half_and_together_put_in_a_sum(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance Materials and Vacuumschmelze have set up Baltic Magnet Alloys OÜ,"
        " registered in Narva on Tuesday. Each owns half and neither controls it. Together they"
        " have put in EUR 40 million."
    )
    venture = only(extract(directory, body), "joint_venture_formed")
    assert venture["partners"] == [
        {"entity_id": "neo", "pct": "50"},
        {"entity_id": "evac", "pct": "50"},
    ]
    assert venture["consideration"] == {"amount": "40000000", "currency": "EUR"}


def test_a_sellers_whole_stake_sold_off_it_and_one_holding_no_equity_in_it(
    directory: EntityDirectory,
) -> None:
    alert = (
        "Lynas (LYC) has bought 90% of Vietnam Rare Earth Co (VTRE) off Shenghe, US$75m cash,"
        " closed yesterday.\nShenghe: no longer has any shareholding in VTRE."
    )
    stakes = {d["holder_id"]: d for d in published(extract(directory, alert), "stake_changed")}
    assert (stakes["shenghe"]["pct_before"], stakes["shenghe"]["pct_after"]) == ("90", "0")
    notice = (
        "Northern Jinlong (Baotou) Rare Earth Co., Ltd. has become a wholly-owned subsidiary of"
        " the Company, and Fujian Jinlong holds no equity in it after the transaction."
    )
    [exit_] = published(extract(directory, notice), "stake_changed")
    assert (exit_["holder_id"], exit_["target_id"], exit_["pct_after"]) == (
        "fujian_jinlong",
        "cnre_jinlong_jv",
        "0",
    )


def test_a_company_merged_into_the_company_of_a_filing_is_absorbed_by_its_issuer(
    directory: EntityDirectory,
) -> None:
    body = (
        "USA Rare Earth, Inc. (Nasdaq: USAR) filed a current report on Form 8-K on Monday."
        " Under the Agreement and Plan of Merger dated November 14, 2024, Niron Magnetics"
        " merged with and into the Company, with the Company continuing as the surviving"
        " corporation."
    )
    document = only(
        extract(directory, body, title="USA Rare Earth 8-K: merger closes"), "merger_completed"
    )
    assert (document["survivor_id"], document["absorbed_id"]) == ("usar", "niron")
