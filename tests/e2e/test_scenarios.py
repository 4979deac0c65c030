"""POST /v1/scenarios against the real pipeline: what-if answers from the archived state, with
nothing published or stored."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from monazite_infra.settings import Settings
from tests.e2e.conftest import publish_events
from tests.support.services import Pipeline

SOURCE = {"publisher": "monazite-tests"}
WHAT_IF = {"publisher": "what-if analyst"}


def _scenario(pipeline: Pipeline, body: dict[str, Any]) -> httpx.Response:
    return pipeline.http.post(pipeline.gateway_url + "/v1/scenarios", json=body)


def _live(pipeline: Pipeline, market: str, basis: str, **params: Any) -> dict[str, Any]:
    [row] = pipeline.get(f"/v1/indices/{market}", basis=basis, **params).json()["series"]
    figures: dict[str, Any] = row["figures"]
    return figures


def _index(answer: dict[str, Any], market: str, basis: str, period: int) -> dict[str, Any]:
    [found] = [
        index
        for m in answer["markets"]
        if m["market_id"] == market
        for index in m["indices"]
        if index["basis"] == basis and index["period"] == period
    ]
    index: dict[str, Any] = found
    return index


def _market(answer: dict[str, Any], market: str) -> dict[str, Any]:
    [found] = [m for m in answer["markets"] if m["market_id"] == market]
    reported: dict[str, Any] = found
    return reported


async def _query(settings: Settings, sql: str, *args: Any) -> Any:
    connection = await asyncpg.connect(settings.require_database_url())
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


async def _topic_ends(settings: Settings) -> dict[tuple[str, int], int]:
    """The end offset of every partition of every Monazite topic."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.require_bootstrap())
    await consumer.start()
    try:
        topics = sorted(t for t in await consumer.topics() if t.startswith(settings.topic_prefix))
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends = await consumer.end_offsets(partitions)
        return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()


def _stored_and_published(settings: Settings) -> tuple[int, dict[tuple[str, int], int]]:
    archived = asyncio.run(_query(settings, "SELECT count(*) FROM event_archive"))
    return archived, asyncio.run(_topic_ends(settings))


def _separators(tag: str) -> tuple[str, list[dict[str, Any]]]:
    """Three separators of a market of their own: two Chinese (50 % and 30 %), one Malaysian."""
    group = f"scenario_probe_{tag}"
    events: list[dict[str, Any]] = []
    for name, country, tonnes in (("a", "CN", 500), ("b", "CN", 300), ("c", "MY", 200)):
        entity_id = f"sep_{name}_{tag}"
        events.append(
            {
                "type": "entity_registered",
                "event_id": f"test:scenario:{tag}:entity:{name}",
                "occurred_at": "2024-01-01T00:00:00+00:00",
                "source": SOURCE,
                "entity_id": entity_id,
                "name": f"Separator {name.upper()}",
                "country": country,
                "kind": "company",
            }
        )
        events.append(_separation(tag, group, entity_id, tonnes, f"output:{name}"))
    return f"rare_earths.{group}.separation", events


def _separation(
    tag: str, group: str, entity_id: str, tonnes: int, name: str, day: str = "2025-01-31"
) -> dict[str, Any]:
    return {
        "type": "output_reported",
        "event_id": f"test:scenario:{tag}:{name}",
        "occurred_at": f"{day}T00:00:00+00:00",
        "source": SOURCE,
        "entity_id": entity_id,
        "commodity": "rare_earths",
        "element_group": group,
        "stage": "separation",
        "tonnes": tonnes,
        "period": 2024,
    }


def _merger(survivor: str, absorbed: str) -> dict[str, Any]:
    return {
        "type": "merger_completed",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": WHAT_IF,
        "survivor_id": survivor,
        "absorbed_id": absorbed,
    }


def test_a_merger_of_two_chinese_separators_is_screened_and_nothing_is_published(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    market, base = _separators(tag)
    publish_events(settings, tmp_path, base)
    pipeline.wait_for(
        "the separators' figures",
        lambda: _live(pipeline, market, "company_control")["supplier_count"] == 3,
    )
    pipeline.wait_for(
        "the outbox to drain",
        lambda: asyncio.run(_query(settings, "SELECT count(*) FROM outbox")) == 0,
    )
    stored_before = _stored_and_published(settings)

    response = _scenario(
        pipeline, {"events": [_merger(f"sep_a_{tag}", f"sep_b_{tag}")], "markets": [market]}
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert [m["market_id"] for m in answer["markets"]] == [market]
    control = _index(answer, market, "company_control", 2024)
    # 50² + 30² + 20² = 3800 before; 80² + 20² = 6800 after; ΔHHI = 2·50·30 = 3000.
    assert control["before"] == _live(pipeline, market, "company_control")
    assert (control["before"]["hhi"], control["after"]["hhi"]) == (3800, 6800)
    assert control["delta"]["hhi"] == 3000
    assert control["caused_by"] == ["scenario-0"]
    # Both are Chinese: by location and by country of control nothing moves.
    assert {i["basis"] for i in _market(answer, market)["indices"]} == {
        "company_control",
        "company_equity",
    }
    [deal] = answer["deals"]
    assert deal["deal_event_id"] == "scenario-0"
    assert deal["control_changed"] is True
    assert f"{market}:us_2023_hhi" in deal["screens_triggered"]
    assert "deal_screen_triggered" in {a["kind"] for a in answer["alerts"]}
    summary = _market(answer, market)["summary"]
    assert "rises by 3,000 to 6,800" in summary
    assert "us_2023_hhi" in summary

    assert _stored_and_published(settings) == stored_before
    assert pipeline.get("/v1/deals/scenario-0").status_code == 404
    assert pipeline.get(f"/v1/entities/sep_b_{tag}").json()["merged_into"] is None


def test_the_scenario_base_follows_new_events_and_retractions(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    market, base = _separators(tag)
    group = market.split(".")[1]
    publish_events(settings, tmp_path, base)
    pipeline.wait_for(
        "the separators' figures",
        lambda: _live(pipeline, market, "company_control")["supplier_count"] == 3,
    )
    what_if = {"events": [_merger(f"sep_a_{tag}", f"sep_b_{tag}")], "markets": [market]}

    def before_in_scenario() -> dict[str, Any]:
        answer = _scenario(pipeline, what_if).json()
        figures: dict[str, Any] = _index(answer, market, "company_control", 2024)["before"]
        return figures

    assert before_in_scenario()["hhi"] == 3800

    # A real report raising the Malaysian separator to 1 200 t: 25² + 15² + 60² = 4450.
    larger = _separation(tag, group, f"sep_c_{tag}", 1200, "output:c:revised", "2025-06-30")
    publish_events(settings, tmp_path, [larger])
    pipeline.wait_for(
        "the revised figures", lambda: _live(pipeline, market, "company_control")["hhi"] == 4450
    )
    assert before_in_scenario() == _live(pipeline, market, "company_control")

    publish_events(
        settings,
        tmp_path,
        [
            {
                "type": "event_retracted",
                "event_id": f"test:scenario:{tag}:retract",
                "occurred_at": "2025-07-01T00:00:00+00:00",
                "source": SOURCE,
                "retracted_event_id": larger["event_id"],
                "reason": "the revision was a capacity figure",
            }
        ],
    )
    pipeline.wait_for(
        "the retraction", lambda: _live(pipeline, market, "company_control")["hhi"] == 3800
    )
    assert before_in_scenario() == _live(pipeline, market, "company_control")


def test_china_lifting_its_magnet_licences_and_banning_ore_exports(pipeline: Pipeline) -> None:
    magnets = "rare_earths.ndfeb.magnets"
    mining = "rare_earths.total_reo.mining"
    live_magnets = _live(pipeline, magnets, "available_to_rest_of_world", period=2024)
    live_mining = _live(
        pipeline, mining, "available_to_rest_of_world", period=2024, measure="production"
    )
    lifted = {
        "type": "export_control_lifted",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": WHAT_IF,
        "control_id": "cn-mofcom-2025-18",
        "effective_from": "2026-09-01",
    }
    ban = {
        "type": "export_control_imposed",
        "event_id": "what-if:cn-ore-ban",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": WHAT_IF,
        "control_id": "what-if-cn-ore-ban",
        "jurisdiction": "CN",
        "element_groups": ["total_reo"],
        "stages": ["mining"],
        "restriction": "ban",
        "effective_from": "2026-09-01",
    }

    response = _scenario(pipeline, {"events": [lifted, ban]})

    assert response.status_code == 200, response.text
    answer = response.json()
    [freed] = _market(answer, magnets)["rest_of_world"]
    assert freed["caused_by"] == ["scenario-0"]
    [china] = freed["countries"]
    # The licence regime withheld half of China's 90 points of magnet supply.
    assert (china["country"], Decimal(china["before"]), Decimal(china["after"])) == (
        "CN",
        Decimal(45),
        Decimal(90),
    )
    assert Decimal(freed["withheld_after"]) == 0
    magnet_index = _index(answer, magnets, "available_to_rest_of_world", 2024)
    assert magnet_index["before"] == live_magnets
    assert magnet_index["after"]["hhi"] > live_magnets["hhi"]

    [ore] = [
        r
        for r in _market(answer, mining)["rest_of_world"]
        if r["period"] == 2024 and r["measure"] == "production"
    ]
    china_ore = next(s for s in live_mining["top_suppliers"] if s["supplier_id"] == "CN")
    assert Decimal(ore["available_before"]) - Decimal(ore["available_after"]) == Decimal(
        china_ore["tonnes"]
    )
    assert ore["caused_by"] == ["what-if:cn-ore-ban"]
    cuts = [a for a in answer["alerts"] if a["kind"] == "rest_of_world_supply_cut"]
    assert mining in {a["market_id"] for a in cuts}
    assert (
        "supply available to the rest of the world (2024 production) falls"
        in _market(answer, mining)["summary"]
    )
    assert pipeline.get("/v1/policies", type="export_control_lifted").json()["policies"] == []


def test_invalid_or_rejected_scenarios_are_422_naming_the_event_and_field(
    pipeline: Pipeline, settings: Settings
) -> None:
    stake = {
        "type": "stake_changed",
        "occurred_at": "2026-09-01T00:00:00+00:00",
        "source": WHAT_IF,
        "holder_id": "shenghe",
        "target_id": "lynas",
        "pct_after": 20,
    }

    invalid = _scenario(pipeline, {"events": [stake, {**stake, "pct_after": 120}]})
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["field"] == "events[1].pct_after"

    unknown = _scenario(pipeline, {"events": [{**stake, "holder_id": "nobody_at_all"}]})
    assert unknown.status_code == 422
    assert unknown.json()["title"] == "Scenario rejected"
    assert unknown.json()["field"] == "events[0].holder_id"

    too_many = _scenario(pipeline, {"events": [stake] * (settings.scenario_max_events + 1)})
    assert too_many.status_code == 422
    assert too_many.json()["field"] == "events"

    no_market = _scenario(pipeline, {"events": [stake], "markets": ["rare_earths.nothing.mining"]})
    assert no_market.status_code == 422
    assert no_market.json()["field"] == "markets[0]"

    empty = _scenario(pipeline, {"events": []})
    assert empty.status_code == 422
    assert empty.json()["field"] == "events"


def test_as_of_starts_the_scenario_from_the_state_valid_then(pipeline: Pipeline) -> None:
    mining = "rare_earths.total_reo.mining"
    new_mine = {
        "type": "output_reported",
        "occurred_at": "2024-12-01T00:00:00+00:00",
        "source": WHAT_IF,
        "country": "GL",
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": 10000,
        "period": 2024,
    }

    now = _scenario(pipeline, {"events": [new_mine], "markets": [mining]}).json()
    # USGS published the 2024 figures on 31 January 2025: on 1 January they were not valid yet.
    then = _scenario(
        pipeline, {"events": [new_mine], "markets": [mining], "as_of": "2025-01-01T00:00:00Z"}
    ).json()

    assert _index(now, mining, "country_location", 2024)["before"]["supplier_count"] > 1
    assert _index(then, mining, "country_location", 2024)["before"] is None
    assert _index(then, mining, "country_location", 2024)["after"]["supplier_count"] == 1
    assert then["base"]["as_of"].startswith("2025-01-01")

    naive = _scenario(pipeline, {"events": [new_mine], "as_of": "2025-01-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["field"] == "as_of"
