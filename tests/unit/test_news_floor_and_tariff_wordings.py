"""Price floors and tariffs in the wordings of notices and tables: a company "paid at least" a
price, a minimum purchase price in won, a rate right after the duty in a row, and a rate told in
the sentence after the duty."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_a_company_to_be_paid_at_least_a_price_per_kilogram_has_a_floor(
    directory: EntityDirectory,
) -> None:
    body = (
        "Neo Performance Materials will be paid at least €90 a kilogram for NdPr oxide under a"
        " support scheme approved by the European Commission. The guaranteed minimum applies"
        " from October 1."
    )
    document = only(extract(directory, body), "price_floor_set")
    assert (document["jurisdiction"], document["beneficiary_id"]) == ("EU", "neo")
    assert document["price_per_kg"] == {"amount": "90", "currency": "EUR"}
    assert document["effective_from"] == "2025-10-01"


def test_a_minimum_purchase_price_in_won_is_a_floor(directory: EntityDirectory) -> None:
    body = (
        "A minimum purchase price of ₩160,000 per kilogram for NdPr oxide will apply from July 1,"
        " South Korea's trade ministry said."
    )
    document = only(extract(directory, body), "price_floor_set")
    assert document["jurisdiction"] == "KR"
    assert document["price_per_kg"] == {"amount": "160000", "currency": "KRW"}


def test_a_row_giving_the_rate_right_after_the_duty_is_a_tariff(
    directory: EntityDirectory,
) -> None:
    body = (
        "Turkey | NdFeB permanent magnets of Chinese origin | additional duty 20% | from 1 July"
        " 2025 | Presidential Decree"
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["on_origin"], document["rate_pct"]) == (
        "TR",
        "CN",
        "20",
    )


def test_a_duty_whose_rate_is_told_in_the_sentence_after(directory: EntityDirectory) -> None:
    body = (
        "Rare-earth metals made in China will attract a countervailing duty from 1 July, under a"
        " regulation in the Official Journal. The rate: 17%, for all Chinese exporters."
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["rate_pct"], document["stages"]) == (
        "EU",
        "17",
        ["metals"],
    )


def test_a_tariffs_rate_told_in_a_sentence_of_its_own_after_the_goods(
    directory: EntityDirectory,
) -> None:
    body = (
        "Canada moved first. Since June 10, sintered NdFeB permanent magnets have carried a"
        " surtax at the border when they are of Chinese origin. The rate, set by the Department"
        " of Finance in an order published the same day, is 25 per cent of the customs value."
    )
    tariff = only(extract(directory, body, day="2026-06-24"), "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["on_origin"], tariff["rate_pct"]) == ("CA", "CN", "25")
    assert (tariff["stages"], tariff["effective_from"]) == (["magnets"], "2026-06-10")


def test_a_duty_whose_goods_the_sentence_before_names_and_whose_firms_charge_nothing(
    directory: EntityDirectory,
) -> None:
    body = (
        "South Korea published the final decision on June 2. It covers oxides of neodymium and"
        " terbium exported from the People's Republic of China. The definitive duty is 16.4 per"
        " cent, a single rate for all Chinese exporters, and applies to goods entering Korea"
        " from July 1."
    )
    tariff = only(extract(directory, body, day="2026-06-24"), "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["on_origin"], tariff["rate_pct"]) == ("KR", "CN", "16.4")
    assert (tariff["stages"], tariff["effective_from"]) == (["separation"], "2026-07-01")


def test_a_notification_fixing_the_duty_gives_its_rate_and_start(
    directory: EntityDirectory,
) -> None:
    body = (
        "India's step was the least expected. A customs notification imposes an anti-dumping"
        " duty on rare-earth permanent magnets originating in China. Notification 38 fixes the"
        " duty at 23.8 per cent of the assessable value and took effect on June 20."
    )
    tariff = only(extract(directory, body, day="2026-06-24"), "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["rate_pct"], tariff["effective_from"]) == (
        "IN",
        "23.8",
        "2026-06-20",
    )


def test_the_commission_in_an_article_naming_the_european_commission_is_the_union(
    directory: EntityDirectory,
) -> None:
    body = (
        "The European Commission and Neo Performance Materials met today. The Commission will"
        " guarantee Neo a minimum price of EUR 88 per kilogram for NdPr oxide separated at"
        " Silmet, from 1 January 2027."
    )
    floor = only(extract(directory, body, day="2026-05-20"), "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"]) == ("EU", "neo")


def test_a_figure_first_line_of_a_round_up_gives_an_import_tax_and_a_stockpile_order(
    directory: EntityDirectory,
) -> None:
    body = (
        "16% - Brazil's import tax on sintered NdFeB magnets from 1 July, up from 2% now.\n\n"
        "US$38.4m - the Defense Logistics Agency order for NdFeB magnets from USA Rare Earth's"
        " Stillwater plant in Oklahoma, placed for the National Defense Stockpile."
    )
    candidates = extract(directory, body, day="2026-06-26")
    tariff = only(candidates, "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["rate_pct"], tariff["effective_from"]) == (
        "BR",
        "16",
        "2026-07-01",
    )
    award = only(candidates, "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "us_dod",
        "usar",
        "offtake",
    )


def test_a_floor_a_department_not_registered_announces_has_no_beneficiary_and_does_not_fail(
    directory: EntityDirectory,
) -> None:
    body = (
        "OTTAWA - The federal government will guarantee Canadian producers of"
        " neodymium-praseodymium oxide a minimum price of C$140 a kilogram from January 1 next"
        " year, Natural Resources Canada announced on Wednesday."
    )
    floor = only(extract(directory, body, day="2026-06-17"), "price_floor_set")
    assert (floor["jurisdiction"], floor["effective_from"]) == ("CA", "2027-01-01")
    assert "beneficiary_id" not in floor


def test_paying_a_company_the_difference_below_a_price_is_a_floor(
    directory: EntityDirectory,
) -> None:
    body = (
        "Natural Resources Canada said on Tuesday that it would pay Neo the difference whenever"
        " the market price of NdPr oxide falls below C$150 a kilogram, for oxide delivered from"
        " April 1 next year."
    )
    floor = only(extract(directory, body, day="2026-06-02"), "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"]) == ("CA", "neo")
    assert floor["price_per_kg"] == {"amount": "150", "currency": "CAD"}


def test_a_round_ups_items_under_country_labels_in_capitals(
    directory: EntityDirectory,
) -> None:
    body = (
        "Three governments moved on rare earths this week.\n\n"
        "SOUTH KOREA. The state stockpiler KOMIR will pay no less than 150,000 won a kilogram for"
        " neodymium-praseodymium oxide bought for the public reserve from the start of 2027.\n\n"
        "THAILAND. The Department of Primary Industries and Mines has capped exports of"
        " rare-earth concentrate at 9,500 tonnes of contained oxide for 2027.\n\n"
        "TURKIYE. The Trade Ministry has imposed an additional 22.5 per cent duty on sintered"
        " permanent magnets from China, from the first day of next month."
    )
    candidates = extract(directory, body, day="2026-11-20")
    floor = only(candidates, "price_floor_set")
    assert (floor["jurisdiction"], floor["price_per_kg"]["currency"]) == ("KR", "KRW")
    quota = only(candidates, "quota_set")
    assert (quota["jurisdiction"], quota["quota_kind"], quota["stage"], quota["tonnes"]) == (
        "TH",
        "export",
        "mining",
        "9500",
    )
    tariff = only(candidates, "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["rate_pct"]) == ("TR", "22.5")


def test_importers_paying_an_extra_rate_and_a_separate_duty_on_metals_described_by_use(
    directory: EntityDirectory,
) -> None:
    body = (
        "Canberra slaps dumping duties on Chinese magnets\n\n"
        "Importers of Chinese permanent magnets will pay an extra 14.2 per cent from 1 March after"
        " the Australian government accepted the Anti-Dumping Commission's finding. Rare-earth"
        " metals and alloys from China, the feedstock that magnet makers melt and cast, will"
        " attract a separate dumping duty of 9.5 per cent from the same date."
    )
    tariffs = published(extract(directory, body, day="2027-02-10"), "tariff_imposed")
    assert {(t["jurisdiction"], t["rate_pct"], tuple(t["stages"])) for t in tariffs} == {
        ("AU", "14.2", ("magnets",)),
        ("AU", "9.5", ("metals",)),
    }


def test_a_floor_in_australian_dollars_with_no_government_named_is_australias(
    directory: EntityDirectory,
) -> None:
    body = (
        "- Guarantees that Lynas will be paid not less than A$125 a kilogram for NdPr oxide it"
        " sells into the Strategic Reserve, from 1 July 2026."
    )
    floor = only(extract(directory, body, day="2026-05-13"), "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"]) == ("AU", "lynas")


def test_a_floor_per_pound_made_up_by_the_difference_is_a_price_per_kilogram_to_the_cent(
    directory: EntityDirectory,
) -> None:
    body = (
        "The Defense Department will make up the difference whenever Lynas's realised price for"
        " NdPr oxide falls below $50 a pound, from October 1."
    )
    floor = only(extract(directory, body, day="2026-07-15"), "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"]) == ("US", "lynas")
    assert floor["price_per_kg"] == {"amount": "110.23", "currency": "USD"}


def test_paying_a_company_no_less_than_a_price_per_tonne_is_a_floor(
    directory: EntityDirectory,
) -> None:
    body = (
        "From 1 October, the European Commission's platform will pay Neo Performance Materials no"
        " less than €94,000 per tonne for NdPr oxide from Sillamäe."
    )
    floor = only(extract(directory, body, day="2026-09-10"), "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"]) == ("EU", "neo")
    assert floor["price_per_kg"] == {"amount": "94", "currency": "EUR"}


def test_a_floor_whose_arrangement_starts_two_sentences_on_and_a_ministers_grant(
    directory: EntityDirectory,
) -> None:
    body = (
        "Under the arrangement, the company that mines rare earths at Mt Weld will receive a"
        " guaranteed minimum of A$126,000 per tonne for NdPr oxide it sells to the Reserve. Where"
        " the price realised is below that level, the Reserve will pay the difference. The"
        " arrangement starts on 1 July 2026 and runs for ten years.\n\n"
        "On 8 May 2026 the Minister awarded Lynas Rare Earths a grant of A$45.5 million for a"
        " heavy rare-earth separation circuit at Kalgoorlie in Western Australia."
    )
    candidates = extract(directory, body, day="2026-05-13")
    floor = only(candidates, "price_floor_set")
    assert (floor["jurisdiction"], floor["beneficiary_id"], floor["effective_from"]) == (
        "AU",
        "lynas",
        "2026-07-01",
    )
    award = only(candidates, "funding_awarded")
    assert (award["funder_id"], award["recipient_id"], award["instrument"]) == (
        "au_government",
        "lynas",
        "grant",
    )


def test_a_floor_guaranteed_as_of_a_day_in_the_coming_weeks_starts_then(
    directory: EntityDirectory,
) -> None:
    body = (
        "As of July 1 the Department of Defense guarantees Lynas a minimum price of $110 per"
        " kilogram of NdPr oxide produced at its Seadrift, Texas plant."
    )
    document = only(extract(directory, body, day="2027-06-17"), "price_floor_set")
    assert (document["beneficiary_id"], document["effective_from"]) == ("lynas", "2027-07-01")


def test_a_floor_no_government_is_named_for_goes_to_review(directory: EntityDirectory) -> None:
    body = (
        "As of July 1 the department guarantees Lynas a minimum price of $110 per kilogram of"
        " NdPr oxide produced at its Seadrift, Texas plant."
    )
    assert published(extract(directory, body, day="2027-06-17"), "price_floor_set") == []
