"""The whole pipeline on real parts: producer → Kafka → Faust processor → PostgreSQL → gateway."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import orjson

from monazite_infra.settings import Settings
from monazite_infra.topics import CAPACITY, DEAD_LETTERS, INDICES, OWNERSHIP
from tests.e2e.conftest import run_cli
from tests.support.kafka import produce_raw, read_topic_until
from tests.support.services import Pipeline

MINING = "rare_earths.total_reo.mining"


def _series(pipeline: Pipeline, market: str, **params: Any) -> list[dict[str, Any]]:
    response = pipeline.get(f"/v1/indices/{market}", **params)
    response.raise_for_status()
    series: list[dict[str, Any]] = response.json()["series"]
    return series


def _stake(event_id: str, holder: str, target: str, pct: float, when: str) -> dict[str, Any]:
    return {
        "type": "stake_changed",
        "event_id": event_id,
        "occurred_at": when,
        "source": {"publisher": "monazite-tests"},
        "holder_id": holder,
        "target_id": target,
        "pct_after": pct,
    }


def test_reference_data_yields_usgs_country_concentration_for_2024_mining(
    pipeline: Pipeline,
) -> None:
    [row] = _series(pipeline, MINING, period=2024, measure="production", basis="country_location")
    figures = row["figures"]
    assert abs(figures["hhi"] - 4923.5) < 1.0
    assert figures["top_suppliers"][0]["supplier_id"] == "CN"
    assert abs(figures["cr1"] - 68.54) < 0.01
    assert figures["unattributed_tonnes"] == "1100"  # "Other countries" stays out of the HHI


def test_reference_data_attributes_northern_rare_earth_quota_to_baogang(pipeline: Pipeline) -> None:
    [row] = _series(pipeline, MINING, period=2024, measure="quota", basis="company_control")
    top = row["figures"]["top_suppliers"]
    assert top[0]["supplier_id"] == "baogang"
    entity = pipeline.get("/v1/entities/cnre").json()
    assert entity["controller"]["entity_id"] == "baogang"
    assert entity["control_chain"] == ["cnre", "baogang"]


def _is_deal_change(message: dict[str, Any], deal_id: str) -> bool:
    return (
        deal_id in message.get("caused_by", [])
        and message["market_id"] == MINING
        and (message["basis"], message["period"], message["measure"])
        == ("company_control", 2024, "quota")
    )


def test_published_deal_moves_company_hhi_with_its_event_id_attached(
    pipeline: Pipeline, settings: Settings, tmp_path: Any
) -> None:
    before = _series(pipeline, MINING, period=2024, measure="quota", basis="company_control")[0]
    deal_id = f"test:deal:{uuid.uuid4().hex[:8]}"
    deal = tmp_path / "deal.jsonl"
    # SASAC hands its 31.21 % of CREG to Baogang together with control of the board.
    handover = {**_stake(deal_id, "baogang", "creg", 31.21, "2025-09-01T00:00:00+00:00")}
    handover["controlling"] = True
    released = _stake(f"{deal_id}:sasac", "sasac", "creg", 0, "2025-09-01T00:00:00+00:00")
    deal.write_bytes(orjson.dumps(released) + b"\n" + orjson.dumps(handover) + b"\n")
    published = run_cli(settings, "publish", str(deal))
    assert published.returncode == 0, published.stderr

    def moved() -> dict[str, Any] | None:
        row = _series(pipeline, MINING, period=2024, measure="quota", basis="company_control")[0]
        return row if deal_id in row["caused_by"] else None

    after = pipeline.wait_for("the deal to reach the gateway", moved)
    # Baogang now controls both quota holders: 35.03 % + 14.97 % of the national quota.
    a, b = (s["share_pct"] for s in before["figures"]["top_suppliers"][:2])
    assert abs(after["figures"]["hhi"] - (before["figures"]["hhi"] + 2 * a * b)) < 0.01
    assert after["figures"]["supplier_count"] == 1

    changes = asyncio.run(
        read_topic_until(
            settings.require_bootstrap(),
            INDICES.name(settings),
            lambda seen: _is_deal_change(seen[-1], deal_id),
        )
    )
    change = changes[-1]
    assert change["type"] == "index_changed"
    assert change["previous"]["hhi"] == before["figures"]["hhi"]
    assert pipeline.get("/v1/entities/creg").json()["controller"]["entity_id"] == "baogang"


def test_bad_messages_go_to_dead_letters_and_the_processor_keeps_folding(
    pipeline: Pipeline, settings: Settings
) -> None:
    marker = uuid.uuid4().hex[:8]
    bootstrap = settings.require_bootstrap()
    good = {
        "type": "output_reported",
        "event_id": f"test:output:{marker}",
        "occurred_at": "2025-03-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "country": "CA",
        "commodity": "rare_earths",
        "element_group": f"dead_letter_probe_{marker}",
        "stage": "mining",
        "tonnes": 10,
        "period": 2024,
    }
    too_big = _stake(f"test:stake:{marker}", "sasac", "mp", 101, "2025-01-01T00:00:00+00:00")
    asyncio.run(
        produce_raw(
            bootstrap,
            CAPACITY.name(settings),
            [b"\xff not json", orjson.dumps({**good, "country": "XX"}), orjson.dumps(good)],
        )
    )
    asyncio.run(produce_raw(bootstrap, OWNERSHIP.name(settings), [orjson.dumps(too_big)]))

    letters = asyncio.run(
        read_topic_until(
            bootstrap,
            DEAD_LETTERS.name(settings),
            lambda seen: (
                {too_big["event_id"], good["event_id"]} <= {m.get("event_id") for m in seen}
                and any(m["reason"].startswith("not JSON") for m in seen)
            ),
        )
    )
    reasons = [m["reason"] for m in letters]
    assert any(r.startswith("not JSON") for r in reasons)
    assert any("country" in r and "'XX'" in r for r in reasons)
    assert any("pct_after" in r for r in reasons)
    market = f"rare_earths.dead_letter_probe_{marker}.mining"
    pipeline.wait_for(
        "the valid event after the bad ones",
        lambda: _series(pipeline, market, basis="country_location"),
    )


def test_processor_killed_and_restarted_neither_loses_nor_double_counts(
    pipeline: Pipeline, settings: Settings, tmp_path: Any
) -> None:
    marker = uuid.uuid4().hex[:8]
    group = f"restart_probe_{marker}"
    events = [
        {
            "type": "output_reported",
            "event_id": f"test:restart:{marker}:{i}",
            "occurred_at": "2025-03-01T00:00:00+00:00",
            "source": {"publisher": "monazite-tests"},
            "country": country,
            "commodity": "rare_earths",
            "element_group": group,
            "stage": "separation",
            "tonnes": tonnes,
            "period": 2024,
        }
        for i, (country, tonnes) in enumerate([("CN", 600), ("MY", 300), ("AU", 100)])
    ]
    batch = tmp_path / "restart.jsonl"
    batch.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    archived_before = pipeline.get("/v1/status").json()["events_archived"]

    assert run_cli(settings, "publish", str(batch)).returncode == 0
    pipeline.restart_processor(kill=True)
    assert run_cli(settings, "publish", str(batch)).returncode == 0  # the same events again
    pipeline.wait_ready()

    market = f"rare_earths.{group}.separation"
    [row] = pipeline.wait_for(
        "the restarted processor to fold",
        lambda: _series(pipeline, market, basis="country_location"),
    )
    assert row["figures"]["hhi"] == 6000.0**2 / 1e4 + 3000.0**2 / 1e4 + 1000.0**2 / 1e4
    assert row["figures"]["total_tonnes"] == "1000"
    status = pipeline.get("/v1/status").json()
    assert status["events_archived"] == archived_before + len(events)


def test_gateway_answers_bad_parameters_with_problem_json_naming_the_field(
    pipeline: Pipeline,
) -> None:
    bad_period = pipeline.get("/v1/indices", period="last-year")
    assert bad_period.status_code == 422
    assert bad_period.headers["content-type"] == "application/problem+json"
    assert bad_period.json()["field"] == "period"
    unknown = pipeline.get("/v1/indices/rare_earths.total_reo.smelting")
    assert unknown.status_code in (404, 422)
    assert unknown.headers["content-type"] == "application/problem+json"
    missing = pipeline.get("/v1/entities/no_such_entity")
    assert missing.status_code == 404
    assert missing.json()["field"] == "entity_id"


def test_pollers_get_an_etag_and_a_304_while_nothing_changed(pipeline: Pipeline) -> None:
    path = f"/v1/indices/{MINING}"
    first = pipeline.get(path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"

    unchanged = pipeline.http.get(pipeline.gateway_url + path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag

    other = pipeline.http.get(
        pipeline.gateway_url + path, params={"period": 2023}, headers={"If-None-Match": etag}
    )
    assert other.status_code == 200
    assert other.headers["etag"] != etag
    missing = pipeline.get("/v1/indices/rare_earths.nothing.mining")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
