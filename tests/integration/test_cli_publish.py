"""`monazite publish FILE`: every line validated, bad ones reported by number, good ones sent."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import orjson

from monazite_infra.settings import Settings
from monazite_infra.topics import OWNERSHIP
from tests.support.kafka import read_topic_until


def _publish(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monazite_cli", "publish", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_publish_reports_each_invalid_line_and_publishes_the_valid_ones(
    settings: Settings, tmp_path: Path
) -> None:
    event_id = f"test:cli:{uuid.uuid4().hex[:8]}"
    valid = {
        "type": "stake_changed",
        "event_id": event_id,
        "occurred_at": "2025-07-10T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "holder_id": "us_dod",
        "target_id": "cli_probe_target",
        "pct_after": 15,
    }
    lines = [
        orjson.dumps(valid).decode(),
        "{not json",
        orjson.dumps({**valid, "event_id": "other", "pct_after": 150}).decode(),
        "",
        orjson.dumps({**valid, "event_id": "naive", "occurred_at": "2025-07-10T00:00"}).decode(),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP": settings.require_bootstrap(),
        "MONAZITE_HOME": str(tmp_path),
    }

    result = _publish(path, env)

    assert result.returncode == 1
    assert f"{path}:2: not JSON" in result.stderr
    assert f"{path}:3: stake_changed.pct_after: Input should be less than or equal to 100" in (
        result.stderr
    )
    assert f"{path}:5: stake_changed.occurred_at" in result.stderr
    assert "3 invalid lines were not published" in result.stderr
    assert "published 1 events" in result.stdout
    seen = asyncio.run(
        read_topic_until(
            settings.require_bootstrap(),
            OWNERSHIP.name(settings),
            lambda messages: any(m["event_id"] == event_id for m in messages),
        )
    )
    published = next(m for m in seen if m["event_id"] == event_id)
    assert published["recorded_at"]  # set on ingest


def test_publish_without_a_running_stack_says_how_to_start_one(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP", "DATABASE_URL")}
    env["MONAZITE_HOME"] = str(tmp_path / "nowhere")

    result = _publish(path, env)

    assert result.returncode == 1
    assert "monazite up" in result.stderr
