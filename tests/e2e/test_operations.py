"""Operations on the running pipeline: one `/metrics` scrape shows the gateway and the processor,
and a request's correlation id follows it from the gateway's log through Kafka to the processor's.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
from prometheus_client.parser import text_string_to_metric_families

from monazite_infra.settings import Settings
from tests.e2e.conftest import run_cli
from tests.support.services import Pipeline

Samples = list[tuple[dict[str, str], float]]


def _scrape(pipeline: Pipeline) -> Samples:
    response = pipeline.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [
        ({"name": sample.name, **sample.labels}, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def _total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        value
        for sample, value in samples
        if sample["name"] == name and all(sample.get(k) == v for k, v in labels.items())
    )


def _json_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(orjson.loads(raw))
            except orjson.JSONDecodeError:
                continue
    return lines


def test_one_scrape_shows_processed_events_freshness_lag_and_request_latency(
    pipeline: Pipeline,
) -> None:
    assert pipeline.get("/v1/indices/rare_earths.total_reo.mining").status_code == 200

    def folded_and_measured() -> Samples | None:
        samples = _scrape(pipeline)
        events = _total(samples, "monazite_processor_events_total", outcome="accepted")
        lag = [s for s, _ in samples if s["name"] == "monazite_consumer_lag_messages"]
        return samples if events > 0 and lag else None

    # The processor reports through its heartbeat, written every 2 s.
    samples: Samples = pipeline.wait_for("processor metrics in a scrape", folded_and_measured)

    assert _total(samples, "monazite_processor_events_total", type="output_reported") > 0
    assert _total(samples, "monazite_processor_freshness_seconds_count") > 0
    assert _total(samples, "monazite_processor_batch_size_count") > 0
    assert _total(samples, "monazite_processor_batch_duration_seconds_count") > 0
    assert _total(samples, "monazite_processor_workers_alive") == 1
    assert _total(samples, "monazite_processor_status_readable") == 1
    lag_topics = {s["topic"] for s, _ in samples if s["name"] == "monazite_consumer_lag_messages"}
    assert any(topic.endswith("capacity") for topic in lag_topics)
    assert (
        _total(
            samples,
            "monazite_gateway_request_duration_seconds_count",
            method="GET",
            route="/v1/indices/{market_id}",
            status_class="2xx",
        )
        >= 1
    )
    assert not [
        s for s, _ in samples if s.get("route") == "/v1/indices/rare_earths.total_reo.mining"
    ]
    # The snapshot travels in the heartbeat but stays out of the status summary.
    [worker] = pipeline.get("/v1/status").json()["processor_workers"]
    assert "metrics" not in worker


def test_a_request_id_comes_back_and_names_the_gateway_log_line(pipeline: Pipeline) -> None:
    request_id = f"ops-test-{uuid.uuid4().hex[:8]}"
    answered = pipeline.http.get(
        pipeline.gateway_url + "/v1/deals/no-such-deal", headers={"X-Request-ID": request_id}
    )
    assert answered.status_code == 404
    assert answered.headers["x-request-id"] == request_id
    assert answered.json()["correlation_id"] == request_id

    made_up = pipeline.get("/healthz").headers["x-request-id"]
    assert made_up
    assert made_up != request_id

    def logged() -> list[dict[str, Any]]:
        return [
            line
            for line in _json_lines(pipeline.gateway.log_path)
            if line.get("correlation_id") == request_id
        ]

    [line] = pipeline.wait_for("the gateway's access line", logged, timeout_s=10)
    assert line["route"] == "/v1/deals/{event_id:path}"
    assert line["status"] == 404


def test_an_ingested_event_carries_its_request_id_to_the_processor_log(
    pipeline: Pipeline, settings: Settings
) -> None:
    created = run_cli(settings, "keys", "create", f"ops-{uuid.uuid4().hex[:4]}")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    tag = uuid.uuid4().hex[:6]
    request_id = f"ops-ingest-{tag}"
    # The holder is never registered: the stake is parked, then dead-lettered (park 4 s here).
    stake = {
        "type": "stake_changed",
        "event_id": f"test:ops-stake:{tag}",
        "occurred_at": "2025-02-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "holder_id": f"never_registered_{tag}",
        "target_id": "lynas",
        "pct_after": 5,
    }
    answer = httpx.post(
        pipeline.gateway_url + "/v1/events",
        json=[stake],
        headers={"Authorization": f"Bearer {key}", "X-Request-ID": request_id},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-request-id"] == request_id

    def processor_lines() -> list[str]:
        # The worker logs in Faust's text format: the id is part of the line's text.
        lines = [
            line
            for line in pipeline.processor.log_path.read_text(errors="replace").splitlines()
            if f"correlation_id {request_id}" in line
        ]
        return lines if any(f"dead-lettered {stake['event_id']}" in x for x in lines) else []

    lines = pipeline.wait_for("the dead letter logged with its request id", processor_lines)
    assert any(f"parked {stake['event_id']}" in line for line in lines)

    def dead_lettered_counted() -> bool:
        samples = _scrape(pipeline)
        return _total(samples, "monazite_processor_events_total", outcome="dead_lettered") > 0

    pipeline.wait_for("the dead letter in the metrics", dead_lettered_counted)
