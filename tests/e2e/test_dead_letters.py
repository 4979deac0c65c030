"""The quarantine: dead letters are listed with their reason and re-driven after a fix."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson

from monazite_infra.settings import Settings
from tests.e2e.conftest import publish_events, run_cli
from tests.support.services import Pipeline


def test_a_stake_naming_an_unknown_holder_is_quarantined_then_redriven_after_the_fix(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    holder = f"late_holder_{tag}"
    stake = {
        "type": "stake_changed",
        "event_id": f"test:late-stake:{tag}",
        "occurred_at": "2025-02-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "holder_id": holder,
        "target_id": "lynas",
        "pct_after": 5,
    }
    publish_events(settings, tmp_path, [stake])

    def quarantined() -> list[dict[str, Any]]:
        letters = pipeline.get("/v1/dead-letters").json()["dead_letters"]
        return [d for d in letters if d["event_id"] == stake["event_id"]]

    [letter] = pipeline.wait_for("the dead letter", quarantined, timeout_s=60)
    assert letter["reason"].startswith(f"holder_id: unknown entity '{holder}'")
    assert orjson.loads(letter["payload"])["event_id"] == stake["event_id"]
    assert letter["topic"].endswith("ownership")

    registration = {
        "type": "entity_registered",
        "event_id": f"test:entity:{holder}",
        "occurred_at": "2020-01-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "entity_id": holder,
        "name": "Late Holder",
        "country": "JP",
        "kind": "fund",
    }
    publish_events(settings, tmp_path, [registration])
    pipeline.wait_for(
        "the registration", lambda: pipeline.get(f"/v1/entities/{holder}").status_code == 200
    )
    redriven = run_cli(settings, "redrive", "--id", str(letter["id"]))
    assert redriven.returncode == 0, redriven.stderr
    assert "1 dead letters re-driven" in redriven.stdout

    pipeline.wait_for(
        "the re-driven stake to be assessed",
        lambda: pipeline.get(f"/v1/deals/{stake['event_id']}").status_code == 200,
    )
    assert quarantined() == []
    history = pipeline.get("/v1/dead-letters", include_redriven="true").json()["dead_letters"]
    assert any(d["id"] == letter["id"] and d["redriven_at"] for d in history)
