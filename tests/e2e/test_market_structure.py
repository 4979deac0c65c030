"""Market structure through the real pipeline: deal assessments, policies, alerts, five bases."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson

from monazite_infra.settings import Settings
from tests.e2e.conftest import publish_events, run_cli
from tests.support.services import Pipeline

SOURCE = {"publisher": "monazite-tests"}


def _entity(entity_id: str, country: str) -> dict[str, Any]:
    return {
        "type": "entity_registered",
        "event_id": f"test:entity:{entity_id}",
        "occurred_at": "2020-01-01T00:00:00+00:00",
        "source": SOURCE,
        "entity_id": entity_id,
        "name": entity_id.replace("_", " ").title(),
        "country": country,
        "kind": "company",
    }


def _output(entity_id: str, group: str, tonnes: int) -> dict[str, Any]:
    return {
        "type": "output_reported",
        "event_id": f"test:output:{entity_id}:{group}",
        "occurred_at": "2025-01-31T00:00:00+00:00",
        "source": SOURCE,
        "entity_id": entity_id,
        "commodity": "rare_earths",
        "element_group": group,
        "stage": "separation",
        "tonnes": tonnes,
        "period": 2024,
    }


def _stake(event_id: str, holder: str, target: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "stake_changed",
        "event_id": event_id,
        "occurred_at": fields.pop("occurred_at", "2025-06-01T00:00:00+00:00"),
        "source": SOURCE,
        "holder_id": holder,
        "target_id": target,
        **fields,
    }


def _deal(pipeline: Pipeline, event_id: str) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        response = pipeline.get(f"/v1/deals/{event_id}")
        return response.json() if response.status_code == 200 else None

    found: dict[str, Any] = pipeline.wait_for(f"the assessment of {event_id}", ready)
    return found


def test_baogang_raising_its_stake_in_a_company_it_controls_reads_right(
    pipeline: Pipeline, settings: Settings, repo_root: Path
) -> None:
    result = run_cli(
        settings, "publish", str(repo_root / "data/examples/baogang_stake_increase.jsonl")
    )
    assert result.returncode == 0, result.stderr
    deal_id = orjson.loads((repo_root / "data/examples/baogang_stake_increase.jsonl").read_text())[
        "event_id"
    ]

    assessment = _deal(pipeline, deal_id)

    assert assessment["control_changed"] is False
    assert assessment["controller_before"] == assessment["controller_after"] == "baogang"
    control = [
        m for m in assessment["markets"] if m["basis"] in ("company_control", "country_control")
    ]
    assert control
    assert all(m["delta_hhi"] == 0 for m in control)
    assert "already controlled" in assessment["summary"]
    assert "undisclosed" in assessment["summary"]


def test_a_controller_raising_a_disclosed_stake_moves_only_the_equity_basis(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    group = f"equity_probe_{tag}"
    parent, child, rival = f"parent_{tag}", f"child_{tag}", f"rival_{tag}"
    raise_id = f"test:raise:{tag}"
    publish_events(
        settings,
        tmp_path,
        [
            _entity(parent, "CN"),
            _entity(child, "CN"),
            _entity(rival, "AU"),
            _output(child, group, 600),
            _output(rival, group, 400),
            _stake(f"test:hold:{tag}", parent, child, pct_after=40, controlling=True),
        ],
    )
    market = f"rare_earths.{group}.separation"
    pipeline.wait_for(
        "the first figures", lambda: pipeline.get(f"/v1/indices/{market}").status_code == 200
    )
    publish_events(
        settings,
        tmp_path,
        [
            _stake(
                raise_id,
                parent,
                child,
                pct_after=45,
                pct_before=40,
                controlling=True,
                occurred_at="2025-07-01T00:00:00+00:00",
                consideration={"amount": "1000000000", "currency": "CNY"},
            )
        ],
    )

    assessment = _deal(pipeline, raise_id)
    by_basis = {m["basis"]: m for m in assessment["markets"]}
    assert by_basis["company_control"]["delta_hhi"] == 0
    assert by_basis["country_control"]["delta_hhi"] == 0
    # Equity: parent 40 % → 45 % of the child's 600 t, i.e. 240 t → 270 t of 1000 t; the child's
    # float 360 t → 330 t; the rival 400 t. HHI 24²+36²+40² = 3472 → 27²+33²+40² = 3418.
    assert abs(by_basis["company_equity"]["hhi_before"] - 3472) < 0.01
    assert abs(by_basis["company_equity"]["hhi_after"] - 3418) < 0.01
    assert assessment["control_changed"] is False
    assert "already controlled" in assessment["summary"]


def test_a_deal_that_fails_a_screen_raises_an_alert_linked_to_it(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    group = f"screen_probe_{tag}"
    buyer, seller, other = f"buyer_{tag}", f"seller_{tag}", f"other_{tag}"
    deal_id = f"test:takeover:{tag}"
    publish_events(
        settings,
        tmp_path,
        [
            _entity(buyer, "US"),
            _entity(seller, "US"),
            _entity(other, "DE"),
            _output(buyer, group, 300),
            _output(seller, group, 300),
            _output(other, group, 400),
        ],
    )
    market = f"rare_earths.{group}.separation"
    pipeline.wait_for(
        "the first figures", lambda: pipeline.get(f"/v1/indices/{market}").status_code == 200
    )
    publish_events(settings, tmp_path, [_stake(deal_id, buyer, seller, pct_after=100)])

    assessment = _deal(pipeline, deal_id)
    control = next(m for m in assessment["markets"] if m["basis"] == "company_control")
    # 30/30/40 → 60/40: HHI 3400 → 5200, Δ = 2·30·30 = 1800; combined share 60 %.
    assert control["delta_hhi"] == 1800
    assert control["combined_share"] == 60
    assert {s["name"] for s in control["screens"] if s["triggered"]} == {
        "us_2023_hhi",
        "us_2023_share",
    }
    assert assessment["control_changed"] is True

    def screen_alerts() -> list[dict[str, Any]]:
        alerts = pipeline.get("/v1/alerts", kind="deal_screen_triggered", market_id=market).json()
        return [a for a in alerts["alerts"] if deal_id in a["caused_by"]]

    alerts = pipeline.wait_for("the screen alert", screen_alerts)
    assert {a["basis"] for a in alerts} >= {"company_control"}

    history = pipeline.get(
        f"/v1/indices/{market}/history", basis="company_control", period=2024
    ).json()["history"]
    assert [round(h["figures"]["hhi"]) for h in history] == [3400, 5200]
    assert history[-1]["caused_by"] == [deal_id]
    explained = pipeline.get(
        f"/v1/indices/{market}/explain",
        basis="company_control",
        period=2024,
        **{"from": "2025-02-01T00:00:00Z", "to": "2025-12-31T00:00:00Z"},
    ).json()
    assert explained["hhi_from"] == 3400
    assert explained["hhi_to"] == 5200
    [step] = explained["steps"]
    assert step["delta_hhi"] == 1800
    assert step["events"][0]["event_id"] == deal_id
    assert step["events"][0]["type"] == "stake_changed"


def test_an_export_control_cuts_rest_of_world_supply_and_says_so(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    group = f"control_probe_{tag}"
    market = f"rare_earths.{group}.separation"
    statistics = [
        {
            "type": "output_reported",
            "event_id": f"test:stat:{tag}:{country}",
            "occurred_at": "2025-01-31T00:00:00+00:00",
            "source": SOURCE,
            "country": country,
            "commodity": "rare_earths",
            "element_group": group,
            "stage": "separation",
            "tonnes": tonnes,
            "period": 2024,
        }
        for country, tonnes in (("CN", 900), ("MY", 100))
    ]
    publish_events(settings, tmp_path, statistics)
    pipeline.wait_for(
        "the first figures", lambda: pipeline.get(f"/v1/indices/{market}").status_code == 200
    )
    control_id = f"test-control-{tag}"
    publish_events(
        settings,
        tmp_path,
        [
            {
                "type": "export_control_imposed",
                "event_id": f"test:control:{tag}",
                "occurred_at": "2025-04-04T00:00:00+00:00",
                "source": SOURCE,
                "control_id": control_id,
                "jurisdiction": "CN",
                "element_groups": [group],
                "stages": ["separation"],
                "restriction": "ban",
                "effective_from": "2025-04-04",
            }
        ],
    )

    def row_figures() -> dict[str, Any] | None:
        [row] = pipeline.get(f"/v1/indices/{market}", basis="available_to_rest_of_world").json()[
            "series"
        ]
        return row if f"test:control:{tag}" in row["caused_by"] else None

    row = pipeline.wait_for("the rest-of-world figures to move", row_figures)
    assert row["figures"]["top_suppliers"][0]["supplier_id"] == "MY"
    assert row["figures"]["hhi"] == 10000
    [location] = pipeline.get(f"/v1/indices/{market}", basis="country_location").json()["series"]
    assert location["figures"]["top_suppliers"][0]["supplier_id"] == "CN"

    cut = pipeline.wait_for(
        "the supply-cut alert",
        lambda: pipeline.get(
            "/v1/alerts", kind="rest_of_world_supply_cut", market_id=market
        ).json()["alerts"],
    )
    assert f"test:control:{tag}" in cut[0]["caused_by"]
    policies = pipeline.get("/v1/policies", type="export_control_imposed", jurisdiction="CN")
    assert control_id in {p["control_id"] for p in policies.json()["policies"]}


def test_every_basis_is_served_for_a_market_with_company_data(pipeline: Pipeline) -> None:
    bases = {
        row["basis"]
        for row in pipeline.get(
            "/v1/indices/rare_earths.total_reo.mining", period=2024, measure="quota"
        ).json()["series"]
    }
    assert bases == {
        "company_control",
        "company_equity",
        "country_location",
        "country_control",
        "available_to_rest_of_world",
    }


def test_unknown_deal_is_a_404_naming_the_event(pipeline: Pipeline) -> None:
    response = pipeline.get("/v1/deals/no-such-deal")
    assert response.status_code == 404
    assert response.json()["field"] == "event_id"
