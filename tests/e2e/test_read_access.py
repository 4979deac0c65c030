"""MONAZITE_READ_ACCESS=key: reads need a key with the read scope; probes, contracts, metrics and
the page stay open."""

from __future__ import annotations

import httpx

from monazite_infra.settings import Settings
from tests.e2e.conftest import create_key, run_cli
from tests.support.services import Pipeline


def test_reads_without_a_key_are_refused_naming_the_authorization_header(
    keyed_gateway: str,
) -> None:
    for path in ("/v1/indices", "/v1/markets", "/v1/deals", "/v1/stream", "/v1/entities/cnre"):
        answer = httpx.get(keyed_gateway + path)
        assert answer.status_code == 401, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == "Authorization"


def test_a_read_key_reads_and_a_write_only_key_is_forbidden(
    keyed_gateway: str, settings: Settings
) -> None:
    reader = create_key(settings, "read")
    writer = create_key(settings, "write")
    answer = httpx.get(f"{keyed_gateway}/v1/markets", headers={"X-API-Key": reader})
    assert answer.status_code == 200
    assert answer.json()["count"] > 0
    refused = httpx.get(
        f"{keyed_gateway}/v1/markets", headers={"Authorization": f"Bearer {writer}"}
    )
    assert refused.status_code == 403
    assert refused.json()["field"] == "Authorization"


def test_a_browser_stream_passes_its_read_key_as_access_token(
    keyed_gateway: str, settings: Settings
) -> None:
    reader = create_key(settings, "read")
    with httpx.stream(
        "GET", f"{keyed_gateway}/v1/stream", params={"access_token": reader}, timeout=10
    ) as response:
        assert response.status_code == 200
        assert next(response.iter_lines()) == "retry: 3000"


def test_probes_contracts_metrics_and_the_page_stay_open(keyed_gateway: str) -> None:
    for path in ("/healthz", "/readyz", "/asyncapi.json", "/v1/schemas", "/metrics", "/"):
        assert httpx.get(keyed_gateway + path).status_code == 200, path


def test_a_revoked_read_key_stops_working(keyed_gateway: str, settings: Settings) -> None:
    reader = create_key(settings, "read")
    key_id = reader.split("_")[1]
    assert run_cli(settings, "keys", "revoke", key_id).returncode == 0
    # Revocation reaches a gateway that never saw the key at once (and others within seconds).
    answer = httpx.get(f"{keyed_gateway}/v1/markets", headers={"X-API-Key": reader})
    assert answer.status_code == 401


def test_reads_stay_open_by_default(pipeline: Pipeline) -> None:
    assert pipeline.get("/v1/markets").status_code == 200
