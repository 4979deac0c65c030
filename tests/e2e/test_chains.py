"""Whole-chain views on the real pipeline with the reference data: the headline along the chain,
the bottleneck outside China, export controls moving it, a deal as a step of integration, blocs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from monazite_infra.settings import Settings
from tests.e2e.conftest import create_key, publish_events
from tests.support.services import Pipeline

SOURCE = {"publisher": "monazite-tests"}


def _chain(pipeline: Pipeline, commodity: str = "rare_earths", **params: Any) -> dict[str, Any]:
    answer = pipeline.get(f"/v1/chains/{commodity}", **params)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def _located(chain: dict[str, Any], bloc: str) -> dict[str, float]:
    return {
        stage["stage"]: share["located_pct"]
        for stage in chain["stages"]
        for share in stage["blocs"]
        if share["bloc"] == bloc
    }


def _dependency(pipeline: Pipeline, **params: Any) -> dict[str, Any]:
    answer = pipeline.get("/v1/chains/rare_earths/dependency", **params)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def test_chinas_share_rises_from_mining_to_the_later_stages(pipeline: Pipeline) -> None:
    chain = _chain(pipeline)

    china = _located(chain, "china")
    assert china == {"mining": 68.5366, "separation": 92.0, "magnets": 90.0}
    assert china["mining"] < china["magnets"] < china["separation"]
    assert [(s["stage"], s["period"], s["measure"]) for s in chain["stages"]] == [
        ("mining", 2024, "production"),
        ("separation", 2023, "share"),
        ("magnets", 2024, "share"),
    ]
    assert chain["change_id"].startswith("chain_changed:")
    # MP Materials mines and separates (NdPr oxide); no company is recorded making magnets.
    mp = next(c for c in chain["companies"] if c["controller_id"] == "mp")
    assert [p["stage"] for p in mp["stages"]] == ["mining", "separation"]
    assert chain["end_to_end"] == []


def test_the_live_answer_is_what_the_processor_published_and_equals_a_fresh_fold(
    pipeline: Pipeline,
) -> None:
    live = _chain(pipeline)
    computed = _chain(pipeline, bloc=["china", "united_states", "eu", "allied"])

    for part in ("stages", "companies", "countries", "dependency"):
        assert computed[part] == live[part], part


def test_outside_china_the_chain_is_narrowest_at_separation(pipeline: Pipeline) -> None:
    found = _dependency(pipeline, on="china", **{"for": "allied"})

    assert found["bottleneck"] == {
        "stage": "separation",
        "market_id": "rare_earths.total_reo.separation",
        "share_pct": 8.0,
    }
    magnets = next(s for s in found["stages"] if s["stage"] == "magnets")
    # China's April 2025 licence regime (severity 0.5) covers NdFeB magnets: 10 + 90 / 2
    assert magnets["obtainable_pct"] == 55.0
    assert magnets["controls_in_force"] == ["ref:policy:cn-mofcom-2025-18"]
    assert found["obtainable_bottleneck"]["stage"] == "magnets"
    assert "narrowest at separation" in found["summary"]


def _control(control_id: str, jurisdiction: str, restriction: str) -> dict[str, Any]:
    return {
        "event_id": f"test:chains:{control_id}",
        "type": "export_control_imposed",
        "occurred_at": "2025-12-02T00:00:00+00:00",
        "source": SOURCE,
        "control_id": control_id,
        "jurisdiction": jurisdiction,
        "element_groups": ["total_reo"],
        "stages": ["separation"],
        "restriction": restriction,
        "effective_from": "2025-12-02",
    }


def _retraction(control: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": f"{control['event_id']}:retracted",
        "type": "event_retracted",
        "occurred_at": "2025-12-03T00:00:00+00:00",
        "source": SOURCE,
        "retracted_event_id": control["event_id"],
        "reason": "a hypothetical control, withdrawn by the test",
    }


def test_export_controls_narrow_the_chain_and_move_its_bottleneck(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    malaysia = _control(f"my-ban-{suffix}", "MY", "ban")
    china = _control(f"cn-ban-{suffix}", "CN", "ban")
    try:
        publish_events(settings, tmp_path, [malaysia])
        narrowed = pipeline.wait_for(
            "Malaysia's ban to narrow the chain outside China",
            lambda: (d := _dependency(pipeline))["bottleneck"]["share_pct"] == 3.0 and d,
        )
        separation = next(s for s in narrowed["stages"] if s["stage"] == "separation")
        assert separation["outside_pct"] == 8.0  # without controls
        assert malaysia["event_id"] in separation["caused_by"]

        publish_events(settings, tmp_path, [china])
        moved = pipeline.wait_for(
            "China's ban to move what the allies can obtain to separation",
            lambda: (
                (d := _dependency(pipeline))["obtainable_bottleneck"]["stage"] == "separation" and d
            ),
        )
        assert moved["obtainable_bottleneck"]["share_pct"] == 3.0
        alerts = pipeline.get("/v1/alerts", kind="chain_bottleneck_moved").json()["alerts"]
        assert any(china["event_id"] in a["caused_by"] for a in alerts), alerts
    finally:
        publish_events(settings, tmp_path, [_retraction(malaysia), _retraction(china)])
    pipeline.wait_for(
        "the retractions to restore the reference chain",
        lambda: (
            _dependency(pipeline)["obtainable_bottleneck"]["stage"] == "magnets"
            and _dependency(pipeline)["bottleneck"]["share_pct"] == 8.0
        ),
    )


def test_a_deal_that_brings_a_miner_to_separation_is_a_step_of_integration(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    commodity = f"chain_test_{suffix}"
    miner, separator = f"miner_{suffix}", f"separator_{suffix}"

    def entity(entity_id: str, country: str) -> dict[str, Any]:
        return {
            "event_id": f"test:chains:entity:{entity_id}",
            "type": "entity_registered",
            "occurred_at": "2024-01-01T00:00:00+00:00",
            "source": SOURCE,
            "entity_id": entity_id,
            "name": entity_id,
            "country": country,
            "kind": "company",
        }

    def output(entity_id: str, stage: str, tonnes: int) -> dict[str, Any]:
        return {
            "event_id": f"test:chains:output:{entity_id}:{stage}",
            "type": "output_reported",
            "occurred_at": "2024-06-01T00:00:00+00:00",
            "source": SOURCE,
            "entity_id": entity_id,
            "commodity": commodity,
            "element_group": "total_reo",
            "stage": stage,
            "period": 2024,
            "tonnes": tonnes,
        }

    publish_events(settings, tmp_path, [entity(miner, "AU"), entity(separator, "JP")])
    publish_events(
        settings, tmp_path, [output(miner, "mining", 100), output(separator, "separation", 50)]
    )
    pipeline.wait_for(
        "the new chain",
        lambda: (
            pipeline.get(f"/v1/chains/{commodity}").status_code == 200
            and len(_chain(pipeline, commodity)["companies"]) == 2
        ),
    )
    deal = {
        "event_id": f"test:chains:stake:{suffix}",
        "type": "stake_changed",
        "occurred_at": "2024-07-01T00:00:00+00:00",
        "source": SOURCE,
        "holder_id": miner,
        "target_id": separator,
        "pct_after": 60,
    }
    publish_events(settings, tmp_path, [deal])

    integrated = pipeline.wait_for(
        "the miner to hold separation",
        lambda: (c := _chain(pipeline, commodity))["end_to_end"] == [miner] and c,
    )
    assert integrated["companies"][0]["integration_score"] == 1.0
    alerts = pipeline.get("/v1/alerts", kind="vertical_integration_step").json()["alerts"]
    [step] = [a for a in alerts if deal["event_id"] in a["caused_by"]]
    assert step["market_id"] == f"{commodity}.total_reo.separation"


def test_unknown_commodity_and_bloc_are_404_naming_them(pipeline: Pipeline) -> None:
    unknown_commodity = pipeline.get("/v1/chains/unobtainium")
    unknown_bloc = pipeline.get("/v1/chains/rare_earths/dependency", on="atlantis")
    unknown_selected = pipeline.get("/v1/chains/rare_earths", bloc="atlantis")

    assert unknown_commodity.status_code == 404
    assert unknown_commodity.headers["content-type"].startswith("application/problem+json")
    assert unknown_commodity.json()["field"] == "commodity"
    assert "unobtainium" in unknown_commodity.json()["detail"]
    assert (unknown_bloc.status_code, unknown_bloc.json()["field"]) == (404, "on")
    assert "atlantis" in unknown_bloc.json()["detail"]
    assert (unknown_selected.status_code, unknown_selected.json()["field"]) == (404, "bloc")


def test_blocs_are_listed_stored_used_and_deleted_with_a_write_key(
    pipeline: Pipeline, settings: Settings
) -> None:
    name = f"quad_{uuid.uuid4().hex[:6]}"
    url = f"{pipeline.gateway_url}/v1/blocs/{name}"
    writer = {"Authorization": f"Bearer {create_key(settings, 'write')}"}
    body = {"label": "Quad", "countries": ["US", "JP", "AU", "IN"]}

    unauthorized = pipeline.http.put(url, json=body)
    unknown_code = pipeline.http.put(
        url, json={"countries": ["US", "JP", "XX", "IN"]}, headers=writer
    )
    default = pipeline.http.put(f"{pipeline.gateway_url}/v1/blocs/china", json=body, headers=writer)
    created = pipeline.http.put(url, json=body, headers=writer)

    assert unauthorized.status_code == 401
    assert (unknown_code.status_code, unknown_code.json()["field"]) == (422, "countries[2]")
    assert "'XX'" in unknown_code.json()["detail"]
    assert default.status_code == 409
    assert created.status_code == 201
    listed = {b["name"]: b for b in pipeline.get("/v1/blocs").json()["blocs"]}
    assert listed[name]["countries"] == ["AU", "IN", "JP", "US"]
    assert listed["allied"]["origin"] == "default"
    found = _dependency(pipeline, on="china", **{"for": name})
    assert found["for_bloc"] == name
    mining = next(s for s in found["stages"] if s["stage"] == "mining")
    assert mining["within_for_pct"] == 15.4588  # US 45 000 + AU 13 000 + IN 2 900 of 393 950 t

    deleted = pipeline.http.delete(url, headers=writer)
    assert deleted.status_code == 204
    assert pipeline.http.delete(url, headers=writer).status_code == 404
    assert pipeline.get("/v1/chains/rare_earths/dependency", **{"for": name}).status_code == 404
