"""A fact the extractor missed, added by a person from the article it is in."""

from __future__ import annotations

from datetime import date

import pytest

from monazite_core.events import Source
from monazite_core.news_facts import CorrectionError, added_event, added_fact, dedupe_key
from monazite_producer.news.article import quoted, read_article
from monazite_producer.news.entities import EntityDirectory
from tests.support.news import ARTICLE_DATE, extract

SOURCE = Source(publisher="Ore & Alloy Weekly", url="https://news.example/t", evidence="…")
REPORTED = date.fromisoformat(ARTICLE_DATE)


def test_an_added_fact_gets_the_id_and_key_the_extractor_gives_the_same_fact(
    directory: EntityDirectory,
) -> None:
    [read] = [
        c.event
        for c in extract(
            directory, "Lynas Rare Earths bought a 12% stake in Peak Rare Earths on Friday."
        )
        if c.event.type == "stake_changed"
    ]

    added = added_event(
        "stake_changed",
        {"holder_id": "lynas", "target_id": "peak", "pct_after": 12, "occurred_at": "2025-05-30"},
        reported_on=REPORTED,
        source=SOURCE,
    )

    # So a later article reporting the fact is recognised as the same fact, not published again.
    assert added.event_id == read.event_id
    assert dedupe_key(added) == dedupe_key(read)


def test_an_added_fact_is_dated_by_its_article_unless_a_day_is_given() -> None:
    fields = {
        "funder_id": "us_dod",
        "recipient_id": "mp",
        "instrument": "equity",
        "amount": {"amount": "400000000", "currency": "USD"},
    }

    undated = added_event("funding_awarded", fields, reported_on=REPORTED, source=SOURCE)
    dated = added_event(
        "funding_awarded",
        {**fields, "occurred_at": "2025-05-20"},
        reported_on=REPORTED,
        source=SOURCE,
    )

    assert undated.occurred_at.date() == REPORTED
    assert undated.event_id == "news:funding_awarded:us_dod:mp:equity:2025-06-03"
    assert dated.event_id == "news:funding_awarded:us_dod:mp:equity:2025-05-20"
    assert dated.source == SOURCE


@pytest.mark.parametrize(
    ("event_type", "fields", "reported_on", "field_at_fault"),
    [
        ("stake_changed", {"holder_id": "lynas"}, REPORTED, "target_id"),
        (
            "stake_changed",
            {"holder_id": "lynas", "target_id": "peak", "pct_after": 112},
            REPORTED,
            "pct_after",
        ),
        ("stake_changed", {"holder_id": "lynas", "target_id": "peak"}, None, "occurred_at"),
        ("stake_changed", {"event_id": "mine", "holder_id": "lynas"}, REPORTED, "event_id"),
        ("entity_registered", {"entity_id": "x"}, REPORTED, "type"),
        (
            "stake_changed",
            {"holder_id": "lynas", "target_id": "peak", "tonnes": 5},
            REPORTED,
            "tonnes",
        ),
    ],
)
def test_a_fact_the_contract_refuses_names_the_field_at_fault(
    event_type: str, fields: dict[str, object], reported_on: date | None, field_at_fault: str
) -> None:
    with pytest.raises(CorrectionError) as refused:
        added_event(event_type, fields, reported_on=reported_on, source=SOURCE)

    assert refused.value.field == field_at_fault


def test_an_added_fact_becomes_a_labelled_fact_of_its_articles() -> None:
    added = added_event(
        "stake_changed",
        {"holder_id": "lynas", "target_id": "peak", "pct_after": "12"},
        reported_on=REPORTED,
        source=SOURCE,
    )

    fact = added_fact(added.model_dump(mode="json"), ["t.txt"])

    assert fact == {
        "fact": f"added-{added.event_id}",
        "articles": ["t.txt"],
        "type": "stake_changed",
        "fields": {
            "occurred_at": "2025-06-03T00:00:00Z",
            "holder_id": "lynas",
            "target_id": "peak",
            "pct_after": "12",
        },
    }


def test_the_evidence_is_found_in_the_article_across_wrapped_lines() -> None:
    article = read_article(
        b"Title: T\nDate: 2025-06-03\n\nLynas bought a 12% stake\n  in Peak on Friday. It paid"
        b" cash.\n",
        "t.txt",
    )

    start, end = quoted(article, "Lynas bought a 12% stake in Peak on Friday.") or (0, 0)

    assert article.text[start:end] == "Lynas bought a 12% stake\n  in Peak on Friday."
    assert quoted(article, "Lynas bought a 15% stake") is None
    assert quoted(article, "   ") is None
