"""Candidate events from article text: the rules, entity resolution, and merging of reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from monazite_core.events import EntityRegistered, StakeChanged
from monazite_producer.news.article import read_article
from monazite_producer.news.candidates import Candidate, merge_reports
from monazite_producer.news.entities import EntityDirectory, normalise
from monazite_producer.news.extract import DEFAULT_THRESHOLD, extract_article
from monazite_producer.news_files import CORPUS, load_fx
from tests.support.news import extract, fields


def test_the_motivating_purchase_is_one_stake_change_without_a_percentage(
    directory: EntityDirectory,
) -> None:
    article = read_article((CORPUS / "01-baogang-northern-rare-earth.txt").read_bytes(), "01.txt")
    [candidate] = extract_article(article, directory, load_fx())

    event = candidate.event
    assert isinstance(event, StakeChanged)
    assert (event.holder_id, event.target_id) == ("baogang", "cnre")
    assert event.pct_after is None
    assert event.pct_before is None
    assert event.consideration is not None
    assert (event.consideration.amount, event.consideration.currency) == (Decimal(10**9), "CNY")
    assert candidate.evidence.sentence.startswith("BAOTOU, June 3, 2025 - Baotou Steel spent")
    span = article.text[candidate.evidence.start : candidate.evidence.end]
    assert span == candidate.evidence.sentence
    assert candidate.confidence >= DEFAULT_THRESHOLD
    assert candidate.amount_usd is not None
    assert candidate.amount_usd.rate_source == "pboc-2025-04-30"
    assert event.source.title
    assert event.source.url
    assert event.source.evidence


@pytest.mark.parametrize(
    "spelling",
    [
        "China Northern Rare Earth (Group) High-Tech Co., Ltd.",
        "Northern Rare Earth",
        "northern rare-earth",
        "CNRE",
    ],
)
def test_names_resolve_through_case_punctuation_suffixes_and_aliases(
    directory: EntityDirectory, spelling: str
) -> None:
    [mention] = directory.mentions(f"Shares of {spelling} rose.")
    assert mention.entity_id == "cnre"
    assert not mention.proposed


def test_legal_suffixes_and_us_spellings_normalise_away() -> None:
    assert normalise("MP Materials Corp.") == normalise("mp materials")
    assert normalise("U.S. Department of Defense") == normalise(
        "United States Department of Defense"
    )


def test_a_short_ticker_must_match_its_case(directory: EntityDirectory) -> None:
    assert [m.entity_id for m in directory.mentions("MP said so")] == ["mp"]
    assert directory.mentions("the mp said so") == []


def test_an_unknown_company_is_proposed_for_registration_not_dropped(
    directory: EntityDirectory,
) -> None:
    candidates = extract(
        directory,
        "USA Rare Earth acquired a 30% stake in Canadian explorer Borealis Rare Earths Inc"
        " for C$45 million on Monday.",
    )
    registration = next(c for c in candidates if isinstance(c.event, EntityRegistered))
    stake = next(c for c in candidates if isinstance(c.event, StakeChanged))
    assert fields(registration)["entity_id"] == fields(stake)["target_id"]
    assert fields(registration)["country"] == "CA"
    assert max(registration.confidence, stake.confidence) < DEFAULT_THRESHOLD


def test_a_rumour_stays_below_the_threshold_and_a_denial_yields_nothing(
    directory: EntityDirectory,
) -> None:
    [rumour] = extract(
        directory, "Lynas Rare Earths is reportedly in talks to buy a 25% stake in Iluka Resources."
    )
    assert rumour.confidence < DEFAULT_THRESHOLD
    assert (
        extract(
            directory, "MP Materials denied that Shenghe had sold its entire stake in MP Materials."
        )
        == []
    )


def test_a_percentage_of_something_else_is_not_a_stake(directory: EntityDirectory) -> None:
    [candidate] = extract(
        directory,
        "Lynas Rare Earths bought shares in Peak Rare Earths for A$20 million, paying a 30%"
        " premium; Peak's shares rose 12%.",
    )
    assert "pct_after" not in fields(candidate)
    assert candidate.confidence < DEFAULT_THRESHOLD  # no percentage and no word on control


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Shenghe Resources agreed to acquire the rest of Peak Rare Earths for A$158 million.",
            {"pct_after": "100"},
        ),
        (
            "China Minmetals took a majority stake in Ganzhou Rare Earth Group for 2.1bn yuan.",
            {"controlling": True},
        ),
        (
            "Shenghe Resources cut its holding in MP Materials from 7.75% to 5%.",
            {"pct_before": "7.75", "pct_after": "5"},
        ),
    ],
)
def test_rest_of_majority_and_from_to_wordings(
    directory: EntityDirectory, sentence: str, expected: dict[str, Any]
) -> None:
    [candidate] = extract(directory, sentence)
    document = fields(candidate)
    assert {k: document.get(k) for k in expected} == expected


def test_two_deals_in_one_article_are_two_candidates(directory: EntityDirectory) -> None:
    candidates = extract(
        directory,
        "Lynas Rare Earths bought a 12% stake in Peak Rare Earths for A$20 million.\n"
        "In a separate deal, Iluka Resources took a 19.9% stake in Energy Transition Minerals"
        " for A$11 million.",
    )
    assert sorted(
        (c.event.holder_id, c.event.target_id, str(c.event.pct_after))
        for c in candidates
        if isinstance(c.event, StakeChanged)
    ) == [
        ("iluka", "etm", "19.9"),
        ("lynas", "peak", "12"),
    ]


def test_element_names_become_symbols_and_the_stages_come_from_the_forms(
    directory: EntityDirectory,
) -> None:
    [candidate] = extract(
        directory,
        "China imposed export controls on terbium and dysprosium metals and magnets, with effect"
        " from April 4, 2025.",
        day="2025-04-04",
    )
    document = fields(candidate)
    assert document["elements"] == ["Tb", "Dy"]
    assert document["stages"] == ["metals", "magnets"]
    assert document["effective_from"] == "2025-04-04"


def test_a_suspension_names_the_recorded_control_it_suspends(directory: EntityDirectory) -> None:
    [candidate] = extract(
        directory,
        "China suspended the October export controls on holmium and erbium from November 7, 2025"
        " until November 10, 2026.",
        day="2025-11-07",
    )
    assert fields(candidate)["control_id"] == "cn-mofcom-2025-oct"
    assert fields(candidate)["effective_until"] == "2026-11-10"


def test_one_quota_per_stage_in_either_word_order(directory: EntityDirectory) -> None:
    candidates = extract(
        directory,
        "China set its 2024 rare earth quotas at 135,000 tonnes for mining and 127,000 tonnes"
        " for smelting and separation.",
        day="2024-02-06",
    )
    assert sorted((fields(c)["stage"], fields(c)["tonnes"]) for c in candidates) == [
        ("mining", "135000"),
        ("separation", "127000"),
    ]


def test_the_same_deal_in_two_articles_is_one_candidate_with_two_sources(
    directory: EntityDirectory,
) -> None:
    articles = ["01-baogang-northern-rare-earth.txt", "02-baogang-second-report.txt"]
    found: list[Candidate] = []
    for name in articles:
        found += extract_article(read_article((CORPUS / name).read_bytes(), name), directory)
    [merged] = merge_reports(found)
    assert [s.evidence.article for s in merged.sightings] == articles
    assert merged.document()["sources"][1]["publisher"] == "Critical Metals Daily"


def test_every_emitted_event_validates_as_the_published_contract(
    directory: EntityDirectory,
) -> None:
    from monazite_core.events import parse_input_event

    for path in sorted(Path(CORPUS).iterdir()):
        for candidate in extract_article(read_article(path.read_bytes(), path.name), directory):
            document = candidate.document()
            assert parse_input_event(document["event"]) == candidate.event
            assert 0 <= document["confidence"] <= 1
