"""Money, percentages, tonnes, dates and articles as the news extractor reads them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from monazite_producer.news.article import MAX_ARTICLE_BYTES, UnreadableArticle, read_article
from monazite_producer.news.fx import FxRates
from monazite_producer.news.quantities import find_dates, find_money, find_percentages, find_tonnes


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("CNY 1 billion", "1000000000", "CNY"),
        ("RMB 153 million", "153000000", "CNY"),
        ("¥2.5bn", "2500000000", "CNY"),
        ("1 billion yuan", "1000000000", "CNY"),
        ("US$400m", "400000000", "USD"),
        ("$94.1 million", "94100000", "USD"),
        ("A$1.25bn", "1250000000", "AUD"),
        ("C$45 million", "45000000", "CAD"),
        ("€75m", "75000000", "EUR"),
        ("£10 thousand", "10000", "GBP"),
        ("USD 1,250,000", "1250000", "USD"),
    ],
)
def test_amounts_are_read_with_their_currency_and_scale(
    text: str, amount: str, currency: str
) -> None:
    [money] = find_money(f"it paid {text} for it")
    assert (money.amount, money.currency) == (Decimal(amount), currency)


def test_a_number_without_a_currency_is_not_money() -> None:
    assert find_money("it sold 2,000 shares in 2024") == []


def test_hedged_figures_are_marked_approximate() -> None:
    [converted] = find_money("CNY 1 billion (about US$138 million)")[1:]
    [share] = find_percentages("a stake of roughly 15%")
    assert converted.approximate
    assert share.approximate
    assert share.value == Decimal(15)


def test_tonnages_in_tonnes_and_kilotonnes() -> None:
    found = [t.value for t in find_tonnes("45,455 tonnes, 94.5 kt and 12 thousand tonnes")]
    assert found == [Decimal(45455), Decimal(94500), Decimal(12000)]


def test_absolute_and_relative_dates_against_the_article_date() -> None:
    thursday = date(2025, 7, 10)
    found = find_dates(
        "on 9 July 2025, June 3, 2025, yesterday and on Monday", article_date=thursday
    )
    assert [d.value for d in found] == [
        date(2025, 7, 9),
        date(2025, 6, 3),
        date(2025, 7, 9),
        date(2025, 7, 7),
    ]


def test_dollar_conversion_uses_the_latest_rate_on_or_before_the_day() -> None:
    rates = FxRates.parse(
        "currency,date,per_usd,source\nCNY,2025-04-30,7.2,a\nCNY,2025-08-21,7.1,b\n"
    )
    usd = rates.to_usd(Decimal(1_000_000_000), "CNY", date(2025, 6, 3))
    assert usd is not None
    assert (usd.amount, usd.rate_source) == (Decimal("138888888.89"), "a")
    assert rates.to_usd(Decimal(1), "JPY", date(2025, 6, 3)) is None


def test_headers_and_dateline_give_title_date_and_url() -> None:
    article = read_article(
        b"Title: A deal\nURL: https://news.example/a\n\n"
        b"PERTH, December 18, 2024 - The Australian government agreed to lend Iluka a further"
        b" sum for its refinery, and the company said it was pleased with the terms.",
        "a.txt",
    )
    assert (article.title, article.url, article.published) == (
        "A deal",
        "https://news.example/a",
        date(2024, 12, 18),
    )
    assert article.source_publisher == "news.example"


def test_html_loses_its_markup_and_scripts_but_keeps_its_metadata() -> None:
    article = read_article(
        b'<html><head><title>T</title><meta property="article:published_time"'
        b' content="2025-07-11T08:00:00Z"><meta property="og:site_name" content="Wire"></head>'
        b"<body><p>The Pentagon will invest in the company, and the miner said that it was"
        b" glad of the money.</p><script>var x = 'secret';</script></body></html>",
        "a.html",
    )
    assert article.published == date(2025, 7, 11)
    assert article.publisher == "Wire"
    assert "secret" not in article.text
    assert "Pentagon" in article.text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"\xff\xfe\xfa broken", "not UTF-8"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), "too large"),
        (
            "稀土集团以十亿元增持北方稀土股份，这是新再融资政策下的首笔购股交易。".encode() * 3,
            "not English",
        ),
        (
            b"Le groupe a annonce une prise de participation dans la societe, selon un"
            b" communique publie mardi par la direction generale du groupe minier.",
            "not English",
        ),
    ],
)
def test_input_that_is_not_an_article_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(UnreadableArticle, match=reason):
        read_article(raw, "bad")


def test_exact_fractions_in_words_are_percentages_and_thirds_are_not() -> None:
    text = "It took a fifth of the shares, three-quarters of the votes and a third of the board."
    assert [q.value for q in find_percentages(text)] == [Decimal(20), Decimal(75)]


def test_a_bare_month_is_the_latest_one_or_in_a_future_sentence_the_next() -> None:
    article = date(2025, 11, 5)
    [past] = find_dates("The deal was struck in July.", article_date=article)
    assert (past.value, past.precision) == (date(2025, 7, 1), "month")
    [earlier] = find_dates("The rules came in in December.", article_date=article)
    assert earlier.value == date(2024, 12, 1)
    [ahead] = find_dates("The line will start in March.", article_date=article)
    assert ahead.value == date(2026, 3, 1)


def test_percentages_in_words() -> None:
    text = "It owns seventy per cent, the partner thirty-five percent and a fund twelve per cent."
    assert [q.value for q in find_percentages(text)] == [Decimal(70), Decimal(35), Decimal(12)]


def test_a_pages_navigation_sidebar_related_links_and_footer_are_not_the_article() -> None:
    page = (
        "<html><head><title>Lynas opens plant</title>"
        '<meta property="article:published_time" content="2025-06-03"></head><body>'
        "<nav>Home | Markets</nav><aside><h3>Related</h3><ul><li>US 25% tariff on magnets"
        "</li></ul></aside><article><p>Lynas opened its new separation plant in Kalgoorlie on"
        " Friday.</p>"
        '<div class="related-stories"><p>China bans exports</p></div></article>'
        "<footer>All rights reserved.</footer></body></html>"
    )
    article = read_article(page.encode(), "page.html")
    assert "Lynas opened its new separation plant in Kalgoorlie on Friday." in article.text
    for noise in ("Home | Markets", "US 25% tariff", "China bans exports", "All rights"):
        assert noise not in article.text


def test_a_weekday_from_which_a_measure_will_apply_is_the_next_one() -> None:
    [day] = find_dates(
        "Magnets will carry a duty from Thursday, the Commission said.",
        article_date=date(2026, 4, 14),
    )
    assert day.value == date(2026, 4, 16)


def test_a_yearless_day_a_measure_announced_in_the_present_starts_from_is_ahead() -> None:
    [day] = find_dates("LAOS BANS EXPORTS OF ORE FROM APRIL 1", article_date=date(2026, 2, 24))
    assert day.value == date(2026, 4, 1)


def test_a_yearless_day_month_after_with_effect_from_is_the_nearer_one() -> None:
    [ahead] = find_dates("It goes up with effect from 1 July.", article_date=date(2026, 3, 10))
    assert ahead.value == date(2026, 7, 1)
    [past] = find_dates("It went up with effect from 1 February.", article_date=date(2026, 3, 10))
    assert past.value == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("paying twenty-seven million dollars for the stake", "27000000", "USD"),
        ("a loan of six hundred and twenty million dollars", "620000000", "USD"),
        ("thirty-five and a half million euros", "35500000", "EUR"),
    ],
)
def test_money_written_in_words(text: str, amount: str, currency: str) -> None:
    [money] = find_money(text)
    assert (money.amount, money.currency) == (Decimal(amount), currency)


def test_a_scale_word_alone_is_not_an_amount() -> None:
    assert find_money("the deal was worth a million dollars to someone") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nine point five percent of Niron", "9.5"),
        ("thirty-five per cent of the company", "35"),
        ("one hundred per cent", "100"),
    ],
)
def test_percentages_written_in_words(text: str, value: str) -> None:
    [share] = find_percentages(text)
    assert share.value == Decimal(value)


def test_tonnages_written_in_words_once_beside_their_digits() -> None:
    assert [q.value for q in find_tonnes("two thousand four hundred and ten tonnes")] == [
        Decimal(2410)
    ]
    assert [q.value for q in find_tonnes("1,500 (one thousand five hundred) tonnes")] == [
        Decimal(1500)
    ]


def test_dates_written_with_slashes_are_read_day_first_unless_only_month_first_fits() -> None:
    assert [d.value for d in find_dates("on 09/02/2026 and 29/06/2026 and 06/29/2026")] == [
        date(2026, 2, 9),
        date(2026, 6, 29),
        date(2026, 6, 29),
    ]
