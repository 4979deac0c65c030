from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from monazite_infra.devstack import free_port
from monazite_infra.settings import Settings
from tests.support.services import Pipeline, ServiceProcess, service_env, start_pipeline


def country_output(
    commodity: str, country: str, tonnes: int, *, stage: str = "mining"
) -> dict[str, Any]:
    """A country's 2025 output in `commodity` (tests use a commodity of their own, so the
    market they move is theirs alone); its id names the commodity and country."""
    return {
        "type": "output_reported",
        "event_id": f"test:output:{commodity}:{stage}:{country}",
        "occurred_at": "2025-06-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "country": country,
        "commodity": commodity,
        "element_group": "total_reo",
        "stage": stage,
        "tonnes": tonnes,
        "period": 2025,
    }


def publish_events(settings: Settings, directory: Path, events: list[dict[str, Any]]) -> None:
    """Write the events as a JSON Lines file in `directory` and publish it with the CLI."""
    path = directory / f"{uuid.uuid4().hex[:8]}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    result = run_cli(settings, "publish", str(path))
    assert result.returncode == 0, result.stderr


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monazite_cli", *args],
        env=service_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


def create_key(settings: Settings, *scopes: str) -> str:
    """A new API key's secret, made with `monazite keys create` (write scope when none given)."""
    args = ["keys", "create", f"tests-{uuid.uuid4().hex[:4]}"]
    for scope in scopes:
        args += ["--scope", scope]
    created = run_cli(settings, *args)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def pipeline(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, repo_root: Path
) -> Iterator[Pipeline]:
    """Processor and gateway as child processes, with the reference dataset published and folded."""
    # A short wait for late entity registrations keeps the dead-letter tests quick.
    running = start_pipeline(
        settings,
        tmp_path_factory.mktemp("pipeline-logs"),
        MONAZITE_PARK_SECONDS="4",
        MONAZITE_STREAM_HEARTBEAT_S="1",
    )
    try:
        running.wait_ready()
        published = run_cli(settings, "publish", str(repo_root / "data/reference/events.jsonl"))
        assert published.returncode == 0, published.stderr
        reference_count = sum(
            1 for line in (repo_root / "data/reference/events.jsonl").open() if line.strip()
        )
        running.wait_for(
            "the reference data to be folded",
            lambda: running.get("/v1/status").json()["events_archived"] >= reference_count,
        )
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def keyed_gateway(
    pipeline: Pipeline, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second gateway on the same data, configured to ask readers for a key
    (one per test module, stopped when the module is done)."""
    port = free_port()
    env = service_env(settings, MONAZITE_GATEWAY_PORT=str(port), MONAZITE_READ_ACCESS="key")
    log_path = tmp_path_factory.mktemp("keyed-gateway") / "gateway.log"
    gateway = ServiceProcess("monazite_gateway", env, log_path)
    gateway.start()
    url = f"http://127.0.0.1:{port}"
    try:
        pipeline.wait_for(
            "the keyed gateway", lambda: httpx.get(f"{url}/readyz").status_code == 200
        )
        yield url
    finally:
        gateway.stop()
