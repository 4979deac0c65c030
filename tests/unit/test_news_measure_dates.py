"""When a measure applies from: a measure told as one to come, with no date of its own, is not
published with the day of the report as its start; a measure in force, or one whose start the
text gives, is."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, fields, only, published


def test_a_tariff_to_come_without_a_start_date_waits_for_review(
    directory: EntityDirectory,
) -> None:
    body = (
        "Canada will charge a 20 per cent surtax on rare-earth permanent magnets made in China,"
        " the finance department said on Friday."
    )
    candidates = extract(directory, body)
    assert published(candidates, "tariff_imposed") == []
    [waiting] = [c for c in candidates if c.event.type == "tariff_imposed"]
    assert fields(waiting)["rate_pct"] == "20"
    assert any("no date" in note for note in waiting.notes)


def test_a_tariff_to_come_with_its_start_date_is_published(directory: EntityDirectory) -> None:
    body = (
        "Canada will charge a 20 per cent surtax on rare-earth permanent magnets made in China"
        " from July 1, the finance department said on Friday."
    )
    assert only(extract(directory, body), "tariff_imposed")["effective_from"] == "2025-07-01"


def test_an_export_ban_to_come_without_a_date_waits_for_review(
    directory: EntityDirectory,
) -> None:
    body = (
        "Malaysia will ban exports of unprocessed rare-earth ore, the trade ministry said on"
        " Friday."
    )
    candidates = extract(directory, body)
    assert published(candidates, "export_control_imposed") == []
    [waiting] = [c for c in candidates if c.event.type == "export_control_imposed"]
    assert fields(waiting)["restriction"] == "ban"


def test_an_export_ban_to_come_with_its_date_is_published(directory: EntityDirectory) -> None:
    body = (
        "Malaysia will ban exports of unprocessed rare-earth ore from July 1, the trade ministry"
        " said on Friday."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["effective_from"], document["stages"]) == ("2025-07-01", ["mining"])


def test_a_ban_already_in_force_is_published_from_the_day_it_was_reported(
    directory: EntityDirectory,
) -> None:
    body = (
        "Malaysia has banned exports of unprocessed rare-earth ore, the trade ministry said on"
        " Friday."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert document["effective_from"] == "2025-05-30"


def test_a_tariff_from_the_same_date_as_a_measure_two_sentences_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Lynas will be guaranteed A$120 a kilogram for NdPr oxide from 1 July under the federal"
        " budget. The Commonwealth will pay the difference when prices fall below it. The budget"
        " also puts a 5% tariff on permanent magnets imported from China, from the same date."
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["on_origin"]) == ("AU", "CN")
    assert document["effective_from"] == "2025-07-01"


def test_a_tariff_equal_to_a_fraction_of_the_value_is_that_rate(
    directory: EntityDirectory,
) -> None:
    body = (
        "Brazil has approved an import tariff equal to a quarter of the customs value on"
        " permanent magnets from China, applying from 1 July."
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["rate_pct"]) == ("BR", "25")


def test_goods_named_in_a_tariffs_reason_are_not_the_goods_charged(
    directory: EntityDirectory,
) -> None:
    body = (
        "American rare-earth concentrate will attract a 15% duty on entry into China from"
        " July 1, the State Council Tariff Commission said, in response to US duties on Chinese"
        " magnets."
    )
    assert only(extract(directory, body), "tariff_imposed")["stages"] == ["mining"]
