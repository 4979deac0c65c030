"""The gateway's observability middleware on a small app: request ids, route templates, streams."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import orjson
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from monazite_gateway.observability import GatewayMetrics, install_observability
from monazite_gateway.problems import Problem, install_problem_handlers
from monazite_infra.logs import JsonFormatter


def _app() -> tuple[FastAPI, GatewayMetrics, list[float]]:
    app = FastAPI()
    install_problem_handlers(app)
    metrics = install_observability(app)
    subscribers_seen: list[float] = []

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        if item_id == "missing":
            raise Problem(404, "Not found", f"no item {item_id}", field="item_id")
        logging.getLogger("monazite.test").info("answering %s", item_id)
        return {"item_id": item_id}

    @app.get("/events")
    async def events() -> StreamingResponse:
        async def frames() -> AsyncIterator[bytes]:
            subscribers_seen.append(
                metrics.registry.get_sample_value("monazite_gateway_sse_subscribers") or 0.0
            )
            yield b"retry: 3000\n\n"
            yield b"id: 1\nevent: index_changed\ndata: {}\n\n"

        return StreamingResponse(frames(), media_type="text/event-stream")

    return app, metrics, subscribers_seen


def _samples(metrics: GatewayMetrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = generate_latest(metrics.registry).decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def _get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await client.get(path, headers=headers)


async def test_requests_are_timed_by_route_template_and_status_class() -> None:
    app, metrics, _ = _app()
    for item_id in ("a", "b", "missing"):
        await _get(app, f"/items/{item_id}")
    await _get(app, "/nowhere")

    samples = _samples(metrics)

    def count(route: str, status_class: str) -> float:
        labels = frozenset({("method", "GET"), ("route", route), ("status_class", status_class)})
        return samples.get(("monazite_gateway_request_duration_seconds_count", labels), 0)

    assert count("/items/{item_id}", "2xx") == 2
    assert count("/items/{item_id}", "4xx") == 1
    assert count("unmatched", "4xx") == 1
    assert not [name for name, labels in samples if ("route", "/items/a") in labels]
    assert samples["monazite_gateway_requests_in_flight", frozenset()] == 0


class _JsonLines(logging.Handler):
    """Formats each record as it is emitted, in the emitting task, as the gateway's handler does."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(orjson.loads(self.format(record)))


@pytest.fixture
def json_lines() -> Iterator[_JsonLines]:
    handler = _JsonLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_the_request_id_is_returned_logged_and_named_in_problems(
    json_lines: _JsonLines,
) -> None:
    app, _, _ = _app()
    answered = await _get(app, "/items/a", **{"X-Request-ID": "client-id-1"})
    missing = await _get(app, "/items/missing", **{"X-Correlation-ID": "client-id-2"})
    made_up = await _get(app, "/items/a", **{"X-Request-ID": "bad id\twith spaces"})

    assert answered.headers["x-request-id"] == "client-id-1"
    assert missing.headers["x-request-id"] == "client-id-2"
    assert missing.json()["correlation_id"] == "client-id-2"
    assert made_up.headers["x-request-id"] not in ("", "bad id\twith spaces")
    by_message = {(line["message"], line.get("correlation_id")) for line in json_lines.lines}
    assert ("answering a", "client-id-1") in by_message  # a line of the handler itself
    assert ("GET /items/missing 404", "client-id-2") in by_message  # the access line
    assert ("answering a", made_up.headers["x-request-id"]) in by_message
    access = next(line for line in json_lines.lines if line["message"] == "GET /items/missing 404")
    assert access["route"] == "/items/{item_id}"
    assert access["status"] == 404


async def test_an_event_stream_counts_as_a_subscriber_while_open_and_is_timed_to_first_byte() -> (
    None
):
    app, metrics, subscribers_seen = _app()
    streamed = await _get(app, "/events")

    assert streamed.text.startswith("retry: 3000")
    assert subscribers_seen == [1.0]
    samples = _samples(metrics)
    labels = frozenset({("method", "GET"), ("route", "/events"), ("status_class", "2xx")})
    assert samples["monazite_gateway_request_duration_seconds_count", labels] == 1
    assert samples["monazite_gateway_sse_subscribers", frozenset()] == 0
    assert samples["monazite_gateway_requests_in_flight", frozenset()] == 0


async def test_two_apps_in_one_process_keep_their_own_figures() -> None:
    first, first_metrics, _ = _app()
    _, second_metrics, _ = _app()
    await _get(first, "/items/a")
    assert any(n.endswith("_count") for n, _ in _samples(first_metrics))
    assert not [v for (n, _), v in _samples(second_metrics).items() if n.endswith("_count") and v]
