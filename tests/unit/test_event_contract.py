"""The published event contract: what validation accepts and rejects, and how events hash."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from monazite_core.events import (
    EntityRegistered,
    OutputReported,
    StakeChanged,
    parse_input_event,
)
from tests.unit.factories import output, stake


def output_document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "output_reported",
        "event_id": "usgs-2025:cn",
        "occurred_at": "2025-01-31T00:00:00Z",
        "source": {"publisher": "USGS", "title": "Mineral Commodity Summaries 2025"},
        "country": "CN",
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": "270000",
        "period": 2024,
    }
    document.update(overrides)
    return {k: v for k, v in document.items() if v is not None}


def stake_document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "stake_changed",
        "event_id": "deal-1",
        "occurred_at": "2024-03-01T09:00:00+08:00",
        "source": {"publisher": "SSE filing"},
        "holder_id": "cn:baogang",
        "target_id": "cn:cnre",
        "pct_after": "38.5",
    }
    document.update(overrides)
    return {k: v for k, v in document.items() if v is not None}


def test_valid_documents_parse_to_their_event_types() -> None:
    assert isinstance(parse_input_event(output_document()), OutputReported)
    assert isinstance(parse_input_event(stake_document()), StakeChanged)
    registered = parse_input_event(
        {
            "type": "entity_registered",
            "event_id": "reg-1",
            "occurred_at": "2024-01-01T00:00:00Z",
            "source": {"publisher": "registry"},
            "entity_id": "cn:baogang",
            "name": "Baotou Iron and Steel (Group)",
            "country": "CN",
            "kind": "state",
        }
    )
    assert isinstance(registered, EntityRegistered)


def test_quantities_are_exact_decimals() -> None:
    event = parse_input_event(output_document(tonnes="0.1"))

    assert isinstance(event, OutputReported)
    assert event.tonnes == Decimal("0.1")


def test_output_needs_entity_or_country() -> None:
    with pytest.raises(pydantic.ValidationError, match="exactly one of entity_id"):
        parse_input_event(output_document(country=None))


def test_output_cannot_name_both_entity_and_country() -> None:
    with pytest.raises(pydantic.ValidationError, match="exactly one of entity_id"):
        parse_input_event(output_document(entity_id="au:lynas"))


def test_location_country_applies_to_entity_output_only() -> None:
    with pytest.raises(pydantic.ValidationError, match="location_country"):
        parse_input_event(output_document(location_country="MY"))

    event = parse_input_event(
        output_document(country=None, entity_id="au:lynas", location_country="MY")
    )
    assert isinstance(event, OutputReported)
    assert event.location_country == "MY"


@pytest.mark.parametrize("code", ["XX", "UK", "cn", "CHN"])
def test_unknown_country_code_is_rejected_and_named(code: str) -> None:
    with pytest.raises(pydantic.ValidationError) as error:
        parse_input_event(output_document(country=code))

    assert repr(code) in str(error.value)


def test_the_european_union_may_impose_a_tariff_but_is_never_a_supplier() -> None:
    tariff = {
        "type": "tariff_imposed",
        "event_id": "eu-ndfeb-duty",
        "occurred_at": "2026-04-14T00:00:00Z",
        "source": {"publisher": "European Commission"},
        "jurisdiction": "EU",
        "on_origin": "CN",
        "stages": ["magnets"],
        "rate_pct": "27.9",
        "effective_from": "2026-04-16",
    }
    assert parse_input_event(tariff).model_dump()["jurisdiction"] == "EU"
    with pytest.raises(pydantic.ValidationError) as error:
        parse_input_event({**tariff, "on_origin": "EU"})
    assert "'EU'" in str(error.value)
    with pytest.raises(pydantic.ValidationError):
        parse_input_event(output_document(country="EU"))


def test_other_countries_code_zz_is_accepted() -> None:
    event = parse_input_event(output_document(country="ZZ", tonnes="1100"))

    assert isinstance(event, OutputReported)
    assert event.country == "ZZ"


def test_negative_tonnes_are_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="tonnes"):
        parse_input_event(output_document(tonnes="-1"))


@pytest.mark.parametrize("pct", ["100.01", "101", "-1"])
def test_pct_after_outside_0_to_100_is_rejected(pct: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="pct_after"):
        parse_input_event(stake_document(pct_after=pct))


@pytest.mark.parametrize("pct", ["0", "100"])
def test_pct_after_bounds_are_accepted(pct: str) -> None:
    event = parse_input_event(stake_document(pct_after=pct))

    assert isinstance(event, StakeChanged)
    assert event.pct_after == Decimal(pct)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="occurred_at"):
        parse_input_event(output_document(occurred_at="2025-01-31T00:00:00"))


def test_naive_recorded_at_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="recorded_at"):
        parse_input_event(output_document(recorded_at="2025-01-31T00:00:00"))


def test_holder_cannot_be_its_own_target() -> None:
    with pytest.raises(pydantic.ValidationError, match="itself"):
        parse_input_event(stake_document(target_id="cn:baogang"))


def test_stake_needs_a_percentage_or_a_control_flag() -> None:
    with pytest.raises(pydantic.ValidationError, match="controlling"):
        parse_input_event(stake_document(pct_after=None))


def test_undisclosed_purchase_with_control_flag_is_accepted() -> None:
    event = parse_input_event(
        stake_document(
            pct_after=None,
            controlling=True,
            consideration={"amount": "1000000000", "currency": "CNY"},
        )
    )

    assert isinstance(event, StakeChanged)
    assert event.pct_after is None
    assert event.consideration is not None
    assert event.consideration.amount == Decimal("1e9")


@pytest.mark.parametrize(
    "document",
    [
        output_document(unexpected="field"),
        output_document(type="unknown_event"),
        output_document(stage="refining"),
        output_document(element_group="Total REO"),
        output_document(event_id=" leading-space"),
        stake_document(consideration={"amount": "0", "currency": "CNY"}),
        stake_document(consideration={"amount": "5", "currency": "yuan"}),
    ],
)
def test_malformed_documents_are_rejected(document: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        parse_input_event(document)


def test_events_are_immutable() -> None:
    event = output(10, entity_id="x")

    with pytest.raises(pydantic.ValidationError):
        event.tonnes = Decimal(20)  # type: ignore[misc]


def test_content_hash_ignores_recorded_at() -> None:
    first = output(10, entity_id="x", recorded_at=datetime(2025, 1, 1, tzinfo=UTC))
    redelivered = first.model_copy(update={"recorded_at": datetime(2025, 2, 1, tzinfo=UTC)})
    unstamped = first.model_copy(update={"recorded_at": None})

    assert first.content_hash() == redelivered.content_hash() == unstamped.content_hash()


@pytest.mark.parametrize(
    "change",
    [
        {"tonnes": Decimal(11)},
        {"occurred_at": datetime(2024, 1, 2, tzinfo=UTC)},
        {"causation_id": "other"},
    ],
)
def test_content_hash_changes_with_what_the_event_says(change: dict[str, Any]) -> None:
    event = output(10, entity_id="x")

    assert event.model_copy(update=change).content_hash() != event.content_hash()


def test_content_hash_survives_a_json_round_trip() -> None:
    event = stake("cn:baogang", "cn:cnre", "38.5", consideration=("1000000000", "CNY"))

    again = parse_input_event(event.model_dump(mode="json"))

    assert again == event
    assert again.content_hash() == event.content_hash()


def test_ordering_key_is_valid_time_then_id() -> None:
    early = output(10, entity_id="x", day=1, event_id="b")
    late = output(10, entity_id="x", day=2, event_id="a")
    same_time = output(10, entity_id="x", day=1, event_id="c")

    assert early.ordering_key() < same_time.ordering_key() < late.ordering_key()


def test_content_hash_treats_equal_numbers_and_instants_as_the_same_content() -> None:
    from monazite_core.events import parse_input_event

    base = {
        "type": "output_reported",
        "event_id": "spelling",
        "occurred_at": "2025-01-31T00:00:00+00:00",
        "source": {"publisher": "test"},
        "country": "CN",
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": 30,
        "period": 2024,
    }
    respelled = {**base, "tonnes": "30.0", "occurred_at": "2025-01-31T08:00:00+08:00"}
    assert parse_input_event(base).content_hash() == parse_input_event(respelled).content_hash()
    assert (
        parse_input_event(base).content_hash()
        != parse_input_event({**base, "tonnes": 31}).content_hash()
    )
