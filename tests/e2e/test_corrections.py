"""Corrections and time travel through the real pipeline."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from monazite_infra.settings import Settings
from tests.e2e.conftest import publish_events
from tests.support.services import Pipeline


def _statistic(tag: str, country: str, tonnes: int, group: str) -> dict[str, Any]:
    return {
        "type": "output_reported",
        "event_id": f"test:stat:{tag}:{country}",
        "occurred_at": "2024-06-30T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "country": country,
        "commodity": "rare_earths",
        "element_group": group,
        "stage": "metals",
        "tonnes": tonnes,
        "period": 2024,
    }


def test_a_retracted_report_stops_counting_and_history_shows_why(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    group = f"correction_probe_{tag}"
    market = f"rare_earths.{group}.metals"
    wrong = _statistic(tag, "VN", 1000, group)
    publish_events(
        settings,
        tmp_path,
        [_statistic(tag, "CN", 700, group), _statistic(tag, "JP", 300, group), wrong],
    )

    def location() -> dict[str, Any]:
        [row] = pipeline.get(f"/v1/indices/{market}", basis="country_location").json()["series"]
        figures: dict[str, Any] = row["figures"]
        return figures

    pipeline.wait_for("the three reports", lambda: location()["supplier_count"] == 3)
    retraction_id = f"test:retract:{tag}"
    publish_events(
        settings,
        tmp_path,
        [
            {
                "type": "event_retracted",
                "event_id": retraction_id,
                "occurred_at": "2025-01-15T00:00:00+00:00",
                "source": {"publisher": "monazite-tests"},
                "retracted_event_id": wrong["event_id"],
                "reason": "Vietnam's figure was a capacity, not output",
            }
        ],
    )

    pipeline.wait_for("the retraction", lambda: location()["supplier_count"] == 2)
    assert location()["hhi"] == 5800  # 70 % and 30 % once more
    history = pipeline.get(f"/v1/indices/{market}/history", basis="country_location").json()[
        "history"
    ]
    assert history[-1]["caused_by"] == [retraction_id]
    assert pipeline.get("/v1/status").json()["processor_ready"]


def test_as_of_answers_what_was_valid_then_as_the_system_knew_it(pipeline: Pipeline) -> None:
    market = "/v1/indices/rare_earths.total_reo.mining"
    params = {"period": 2024, "measure": "production", "basis": "country_location"}

    now = pipeline.get(market, **params, as_of="2026-01-01T00:00:00Z").json()
    assert round(now["series"][0]["figures"]["hhi"]) == 4924

    # USGS published the 2024 estimates on 31 January 2025: valid only from then.
    before_publication = pipeline.get(market, **params, as_of="2025-01-01T00:00:00Z").json()
    assert before_publication["series"] == []

    # Nothing had been recorded in 2020, whatever the valid time.
    unknown_then = pipeline.get(
        market, **params, as_of="2026-01-01T00:00:00Z", known_at="2020-01-01T00:00:00Z"
    ).json()
    assert unknown_then["series"] == []

    naive = pipeline.get(market, as_of="2026-01-01T00:00:00")
    assert naive.status_code == 422
    assert naive.json()["field"] == "as_of"
