"""A reviewer's corrections to a news candidate before it is published."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from monazite_core.events import EntityRegistered, ExportControlImposed, StakeChanged
from monazite_core.news_facts import (
    CorrectionError,
    corrected_event,
    corrected_fact,
    correction_of,
    parse_assignment,
    reviewed_fact,
)
from monazite_producer.news.entities import EntityDirectory
from tests.support.news import ARTICLE_DATE, extract

#: A stake whose holding before the text implies without giving it (23.2% - 8.2%), and whose
#: seller a reviewer may want as the holder of the event instead.
STAKE = (
    "NEO Performance Materials now holds 23.2% of Niron Magnetics, having bought the 8.2% block"
    " Evac sold on Monday for US$61 million."
)


def _stake(directory: EntityDirectory) -> dict[str, Any]:
    stakes = [c for c in extract(directory, STAKE) if c.event.type == "stake_changed"]
    assert len(stakes) == 1
    return stakes[0].event.model_dump(mode="json", exclude_none=True)


def test_a_corrected_holding_keeps_the_event_id_when_no_party_changes(
    directory: EntityDirectory,
) -> None:
    extracted = _stake(directory)

    event = corrected_event(extracted, {"pct_before": "15.0"})

    assert isinstance(event, StakeChanged)
    assert (event.pct_after, event.pct_before) == (Decimal("23.2"), Decimal("15.0"))
    assert event.event_id == extracted["event_id"]
    assert event.source.evidence == extracted["source"]["evidence"]


def test_a_corrected_party_gives_the_id_the_extractor_would_have_given(
    directory: EntityDirectory,
) -> None:
    extracted = _stake(directory)
    day = extracted["occurred_at"][:10]

    event = corrected_event(extracted, {"holder_id": "evac", "pct_after": 0})

    assert event.event_id == f"news:stake_changed:evac:{extracted['target_id']}:{day}"


def test_a_corrected_day_moves_the_event_and_its_id(directory: EntityDirectory) -> None:
    extracted = _stake(directory)

    event = corrected_event(extracted, {"occurred_at": "2027-05-14"})

    assert event.occurred_at.isoformat() == "2027-05-14T00:00:00+00:00"
    assert event.event_id.endswith(":2027-05-14")


def test_null_clears_a_field_the_text_did_not_give(directory: EntityDirectory) -> None:
    extracted = _stake(directory)

    event = corrected_event(extracted, {"consideration": None})

    assert isinstance(event, StakeChanged)
    assert event.consideration is None


@pytest.mark.parametrize("owned", ["type", "event_id", "source", "schema_version"])
def test_what_the_extractor_owns_cannot_be_corrected(
    directory: EntityDirectory, owned: str
) -> None:
    with pytest.raises(CorrectionError) as refused:
        corrected_event(_stake(directory), {owned: "merger_completed"})

    assert refused.value.field == owned
    assert "reject" in str(refused.value)


def test_a_field_the_event_does_not_have_is_refused_with_the_fields_it_has(
    directory: EntityDirectory,
) -> None:
    with pytest.raises(CorrectionError) as refused:
        corrected_event(_stake(directory), {"stake_pct": 15})

    assert refused.value.field == "stake_pct"
    assert "pct_after" in str(refused.value)
    assert "recorded_at" not in str(refused.value)


@pytest.mark.parametrize(
    ("corrections", "field"),
    [
        ({"pct_after": 150}, "pct_after"),
        ({"consideration": {"amount": "sixty", "currency": "USD"}}, "consideration.amount"),
        ({"occurred_at": "last Monday"}, "occurred_at"),
    ],
)
def test_a_value_the_contract_refuses_names_its_field(
    directory: EntityDirectory, corrections: dict[str, Any], field: str
) -> None:
    with pytest.raises(CorrectionError) as refused:
        corrected_event(_stake(directory), corrections)

    assert refused.value.field == field


def test_a_correction_breaking_a_rule_of_the_whole_event_says_which_rule(
    directory: EntityDirectory,
) -> None:
    extracted = _stake(directory)

    with pytest.raises(CorrectionError) as refused:
        corrected_event(extracted, {"holder_id": extracted["target_id"]})

    assert "cannot hold a stake in itself" in str(refused.value)


def test_a_renamed_registration_gets_its_new_entity_id() -> None:
    proposed = EntityRegistered(
        event_id="news:entity:news_borealis_rare_earths_inc",
        occurred_at="2025-09-01T00:00:00Z",
        source={"publisher": "Critical Metals Daily"},
        entity_id="news_borealis_rare_earths_inc",
        name="Borealis Rare Earths Inc",
        country="ZZ",
        kind="company",
    ).model_dump(mode="json", exclude_none=True)

    event = corrected_event(
        proposed, {"entity_id": "borealis", "name": "Borealis Rare Earths", "country": "CA"}
    )

    assert isinstance(event, EntityRegistered)
    assert (event.event_id, event.country) == ("news:entity:borealis", "CA")


def test_an_id_not_derived_from_the_fields_is_kept() -> None:
    control = ExportControlImposed(
        event_id="cn-2025-heavy-licences",
        occurred_at="2025-04-04T00:00:00Z",
        source={"publisher": "MOFCOM notice"},
        control_id="cn-2025-heavy",
        jurisdiction="CN",
        elements=["Dy", "Tb"],
        stages=["metals", "magnets"],
        restriction="licence",
        effective_from="2025-04-04",
    ).model_dump(mode="json", exclude_none=True)

    event = corrected_event(control, {"elements": ["Dy", "Tb", "Sm"]})

    assert event.event_id == "cn-2025-heavy-licences"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pct_after=15", ("pct_after", 15)),
        ("holder_id=evac", ("holder_id", "evac")),
        ("pct_before=null", ("pct_before", None)),
        ('elements=["Dy", "Tb"]', ("elements", ["Dy", "Tb"])),
        ("occurred_at=2027-05-14", ("occurred_at", "2027-05-14")),
        (
            'consideration={"amount": "1", "currency": "USD"}',
            ("consideration", {"amount": "1", "currency": "USD"}),
        ),
    ],
)
def test_a_typed_assignment_reads_json_else_text(typed: str, expected: tuple[str, Any]) -> None:
    assert parse_assignment(typed) == expected


@pytest.mark.parametrize("typed", ["pct_after", "=15", ""])
def test_an_assignment_without_a_field_and_value_is_refused(typed: str) -> None:
    with pytest.raises(CorrectionError, match="FIELD=VALUE"):
        parse_assignment(typed)


NOW = datetime(2027, 6, 1, 9, 30, tzinfo=UTC)


def _accepted(directory: EntityDirectory) -> dict[str, Any]:
    """The stake as the pipeline archived it, with what the pipeline added."""
    return {**_stake(directory), "recorded_at": "2027-05-18T08:00:00Z"}


def test_an_accepted_event_is_retracted_and_replaced_by_the_corrected_fact(
    directory: EntityDirectory,
) -> None:
    accepted = _accepted(directory)

    retraction, replacement = correction_of(
        accepted, {"holder_id": "evac", "pct_after": 0}, "Evac sold; NEO bought", now=NOW
    )

    assert replacement is not None
    assert replacement.event_id.startswith("news:stake_changed:evac:")
    assert replacement.causation_id == accepted["event_id"]
    assert replacement.recorded_at is None
    assert retraction.retracted_event_id == accepted["event_id"]
    assert retraction.replaced_by == replacement.event_id
    assert (retraction.reason, retraction.occurred_at) == ("Evac sold; NEO bought", NOW)


def test_a_correction_naming_the_same_fact_gets_a_new_id_the_same_each_time(
    directory: EntityDirectory,
) -> None:
    accepted = _accepted(directory)

    first = correction_of(accepted, {"pct_before": "15.0"}, "implied holding", now=NOW)
    again = correction_of(accepted, {"pct_before": "15.0"}, "implied holding", now=NOW)

    replacement = first[1]
    assert replacement is not None
    assert replacement.event_id.startswith(f"{accepted['event_id']}:corrected:")
    assert first == again


def test_without_corrections_an_event_is_only_retracted(directory: EntityDirectory) -> None:
    retraction, replacement = correction_of(
        _accepted(directory), {}, "a rumour, not a deal", now=NOW
    )

    assert replacement is None
    assert retraction.replaced_by is None


def test_a_retraction_is_not_corrected() -> None:
    retraction, _ = correction_of(
        {
            "type": "output_reported",
            "event_id": "x",
            "occurred_at": "2027-01-01T00:00:00Z",
            "source": {"publisher": "p"},
        },
        {},
        "wrong",
        now=NOW,
    )

    with pytest.raises(CorrectionError, match="is a retraction"):
        correction_of(retraction.model_dump(mode="json"), {}, "again", now=NOW)


def test_an_approved_entry_becomes_a_labelled_fact_as_approved(
    directory: EntityDirectory,
) -> None:
    [candidate] = [c for c in extract(directory, STAKE) if c.event.type == "stake_changed"]
    entry = {
        "id": 7,
        "candidate": candidate.document(),
        "corrections": {"pct_before": "15.0"},
        "sources": [{"article": "t.txt"}, {"article": "wire.txt"}],
    }

    fact = reviewed_fact(entry)

    assert fact["fact"] == "review-7"
    assert fact["articles"] == ["t.txt", "wire.txt"]
    assert fact["type"] == "stake_changed"
    assert fact["fields"]["pct_before"] == "15.0"
    assert fact["fields"]["pct_after"] == "23.2"
    assert not {"event_id", "source", "schema_version", "type"} & set(fact["fields"])


def test_a_published_fact_corrected_by_a_person_becomes_a_labelled_fact_as_corrected(
    directory: EntityDirectory,
) -> None:
    extracted = _stake(directory)
    _retraction, replacement = correction_of(
        extracted, {"pct_before": "15.0"}, "the filing gives 15%", now=NOW
    )
    assert replacement is not None
    accepted = replacement.model_dump(mode="json", exclude_none=True)

    fact = corrected_fact(accepted, ["wire.txt", "t.txt", "wire.txt"])

    assert fact["fact"] == f"correction-{replacement.event_id}"
    assert fact["articles"] == ["t.txt", "wire.txt"]
    assert fact["fields"]["pct_before"] == "15.0"
    assert fact["fields"]["pct_after"] == "23.2"
    # Who caused the replacement is bookkeeping, not something the article states.
    assert not {"event_id", "causation_id", "source", "type"} & set(fact["fields"])


def test_a_candidate_offers_the_sentences_other_values_for_a_reviewer_to_pick(
    directory: EntityDirectory,
) -> None:
    [candidate] = [c for c in extract(directory, STAKE) if c.event.type == "stake_changed"]

    offered = candidate.document()["alternatives"]

    assert offered["pct_before"] == ["23.2", "8.2"]
    assert "evac" in offered["holder_id"]
    assert candidate.document()["event"]["pct_after"] not in offered["pct_after"]
    assert "consideration" not in offered  # the sentence gives one amount, and it was read


def test_the_text_around_the_fact_is_offered_too(directory: EntityDirectory) -> None:
    body = (
        "Niron Magnetics said NEO Performance Materials had held 9.9% of it until last week."
        f" {STAKE}"
    )
    [candidate] = [
        c
        for c in extract(directory, body)
        if c.event.type == "stake_changed" and "23.2" in c.evidence.sentence
    ]

    offered = dict(candidate.alternatives)

    assert "9.9" in offered["pct_before"]  # said in the sentence before
    assert ARTICLE_DATE in offered["occurred_at"]  # the article's own date
