"""What-if latency: p99 of `POST /v1/scenarios` with one deal against p99 of a plain index GET.

    .venv/bin/python -m tests.bench.scenario_latency [--duration 8] [--connections 1]

The reference dataset goes through the real path (EventPublisher → broker → processor →
PostgreSQL), as in the gateway benchmark and the end-to-end tests; the processor is then stopped.
One gateway process is then loaded by the raw keep-alive client of the gateway benchmark, first
with `GET /v1/indices/{market}` (the baseline), then with a scenario of one deal between two
reference entities (Shenghe taking a controlling 51 % of Lynas): each for a warm-up second and
then a fixed duration, with the same number of connections. Every scenario answer is checked to
be a 200 before the timed runs, and to assess the deal.
Ratio: scenario p99 ÷ GET p99, lower is better (target ≤ 10×).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from tests.bench.common import Ratio, bench_data_layer, bench_home, conditions, load_main, say
from tests.bench.gateway_requests import (
    PATH,
    WARM_UP_S,
    get_request,
    load,
    load_reference_state,
    post_json_request,
)
from tests.support.services import start_pipeline

DEFAULT_DURATION_S = 8.0
DEFAULT_CONNECTIONS = 1
TARGET = 10.0  # scenario p99 ÷ GET p99, at most
SCENARIO_PATH = "/v1/scenarios"
#: One hypothetical deal between two reference entities, moving who controls a separator.
SCENARIO: dict[str, Any] = {
    "events": [
        {
            "type": "stake_changed",
            "occurred_at": "2026-09-01T00:00:00+00:00",
            "source": {"publisher": "what-if benchmark"},
            "holder_id": "shenghe",
            "target_id": "lynas",
            "pct_after": 51,
            "controlling": True,
        }
    ]
}


def run(
    duration_s: float = DEFAULT_DURATION_S,
    connections: int = DEFAULT_CONNECTIONS,
    root: Path | None = None,
) -> list[Ratio]:
    say(f"== what-if scenario latency ({connections} connections, {duration_s:g} s each) ==")
    before = conditions()
    body = orjson.dumps(SCENARIO)
    with bench_home("scenario", root) as home, bench_data_layer(home) as layer:
        pipeline = start_pipeline(layer.settings, home / "bench-logs")
        try:
            index = load_reference_state(pipeline)
            answer = pipeline.http.post(
                pipeline.gateway_url + SCENARIO_PATH,
                content=body,
                headers={"content-type": "application/json"},
            )
            if answer.status_code != 200:
                raise RuntimeError(
                    f"POST {SCENARIO_PATH} answered {answer.status_code}: {answer.text[:500]}"
                )
            assessed = answer.json()
            if [d["deal_event_id"] for d in assessed["deals"]] != ["scenario-0"]:
                raise RuntimeError(f"the scenario assessed no deal: {answer.text[:500]}")
            port = int(pipeline.gateway_url.rsplit(":", 1)[1])
            plain = asyncio.run(load(port, get_request(port, PATH), connections, duration_s))
            scenario = asyncio.run(
                load(port, post_json_request(port, SCENARIO_PATH, body), connections, duration_s)
            )
        finally:
            pipeline.stop()
    if plain.errors or scenario.errors:
        raise RuntimeError(f"non-200 answers: GET {plain.errors}, scenario {scenario.errors}")
    ratio = Ratio(
        "what-if POST /v1/scenarios p99 / GET /v1/indices/{market} p99",
        scenario.p99_ms,
        plain.p99_ms,
        "ms",
        lower_is_better=True,
        target=TARGET,
    )
    say(f"POST {SCENARIO_PATH} (one deal): {scenario.describe()}, {scenario.requests:,} answers")
    say(f"GET {PATH}: {plain.describe()}, {plain.requests:,} answers")
    say(f"p99 scenario / p99 GET: {ratio.ratio:.2f}× ({ratio.verdict()})")
    say(
        before
        + f" | scenario: 1 stake_changed (shenghe → lynas 51 %), request {len(body):,} B,"
        + f" answer {len(answer.content):,} B, {len(assessed['markets'])} markets"
        + f" | GET answer {len(index.content):,} B | connections={connections}"
        + f" | {WARM_UP_S:g} s warm-up + {duration_s:g} s measured per kind"
        + " | one gateway process; the load generator (this process) shares the cores with it"
        + " and PostgreSQL"
    )
    return [ratio]


def main(argv: list[str] | None = None) -> None:
    load_main(
        __doc__,
        run,
        duration_s=DEFAULT_DURATION_S,
        connections=DEFAULT_CONNECTIONS,
        argv=argv,
    )


if __name__ == "__main__":
    main()
