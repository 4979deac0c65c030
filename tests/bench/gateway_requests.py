"""Gateway request rate against a bare FastAPI app serving the same number of bytes.

    .venv/bin/python -m tests.bench.gateway_requests [--duration 8] [--connections 16]

The reference dataset goes through the real path (EventPublisher → broker → processor →
PostgreSQL); the processor is then stopped so that only the server under test and the load
generator use the cores. Each server (the real gateway, then a bare FastAPI app answering a
static JSON document of the real response's size, both one uvicorn process with the same
settings) is loaded for a warm-up second and then a fixed duration by a raw asyncio HTTP/1.1
keep-alive client in this process, with a fixed number of concurrent connections.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from monazite_infra.devstack import free_port, stop_process, wait_for_port
from monazite_infra.publisher import EventPublisher
from monazite_infra.settings import Settings
from monazite_producer.jsonl import parse_file
from tests.bench.common import (
    Ratio,
    bench_data_layer,
    bench_home,
    conditions,
    percentile,
    run_main,
    say,
)
from tests.support.services import Pipeline, start_pipeline

MARKET = "rare_earths.total_reo.mining"
PATH = f"/v1/indices/{MARKET}"
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "events.jsonl"
DEFAULT_DURATION_S = 8.0
WARM_UP_S = 1.0
DEFAULT_CONNECTIONS = 16


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s


async def _connection(
    port: int, request: bytes, warm_until: float, stop_at: float, latencies: list[float]
) -> int:
    """One keep-alive connection sending requests back to back; returns the non-200 count."""
    errors = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (started := time.perf_counter()) < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise RuntimeError(f"response without Content-Length: {head!r}")
            await reader.readexactly(length)
            finished = time.perf_counter()
            if warm_until <= started and finished <= stop_at:
                latencies.append(finished - started)
                if head[9:12] != b"200":
                    errors += 1
    finally:
        writer.close()
        await writer.wait_closed()
    return errors


async def load(port: int, connections: int, duration_s: float) -> Load:
    request = f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    latencies: list[float] = []
    warm_until = time.perf_counter() + WARM_UP_S
    stop_at = warm_until + duration_s
    errors = await asyncio.gather(
        *(_connection(port, request, warm_until, stop_at, latencies) for _ in range(connections))
    )
    latencies.sort()
    return Load(
        requests=len(latencies),
        errors=sum(errors),
        duration_s=duration_s,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
    )


async def publish_reference(settings: Settings) -> int:
    parsed = parse_file(REFERENCE)
    if parsed.errors:
        raise RuntimeError(f"{REFERENCE} has invalid lines: {parsed.errors[:3]}")
    async with EventPublisher(settings) as publisher:
        return await publisher.publish(parsed.events)


def load_reference_state(pipeline: Pipeline) -> bytes:
    """Fold the reference data with the real processor, stop it; return the measured response."""
    pipeline.wait_ready()
    published = asyncio.run(publish_reference(pipeline.settings))

    def handled() -> dict[str, Any] | None:
        status: dict[str, Any] = pipeline.get("/v1/status").json()
        done = status["events_archived"] + status["dead_letters"] >= published
        return status if done else None

    status = pipeline.wait_for("the reference data to be folded", handled)
    pipeline.processor.stop()  # only the gateway and the load generator use the cores now
    response = pipeline.get(PATH)
    response.raise_for_status()
    say(
        f"folded {published} reference events ({status['events_archived']} archived,"
        f" {status['dead_letters']} dead-lettered); GET {PATH} is {len(response.content):,} bytes"
    )
    return response.content


def start_bare_fastapi(size: int, log_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "tests.bench.bare_fastapi", "--port", str(port)]
    command += ["--size", str(size)]
    with (log_dir / "bare-fastapi.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_for_port("127.0.0.1", port, timeout_s=30)
        same = httpx.get(f"http://127.0.0.1:{port}{PATH}", timeout=10)
        if same.status_code != 200 or len(same.content) != size:
            raise RuntimeError(f"baseline answered {same.status_code}, {len(same.content)} B")
    except BaseException:
        stop_process(process)
        raise
    return process, port


def run(
    duration_s: float = DEFAULT_DURATION_S,
    connections: int = DEFAULT_CONNECTIONS,
    root: Path | None = None,
) -> list[Ratio]:
    say(f"== gateway requests ({connections} connections, {duration_s:g} s each) ==")
    before = conditions()
    with bench_home("gateway", root) as home, bench_data_layer(home) as layer:
        log_dir = home / "bench-logs"
        pipeline = start_pipeline(layer.settings, log_dir)
        bare: subprocess.Popen[bytes] | None = None
        try:
            body = load_reference_state(pipeline)
            gateway_port = int(pipeline.gateway_url.rsplit(":", 1)[1])
            real = asyncio.run(load(gateway_port, connections, duration_s))
            bare, bare_port = start_bare_fastapi(len(body), log_dir)
            baseline = asyncio.run(load(bare_port, connections, duration_s))
        finally:
            if bare is not None:
                stop_process(bare)
            pipeline.stop()
    if real.errors or baseline.errors:
        raise RuntimeError(f"non-200 answers: gateway {real.errors}, baseline {baseline.errors}")
    ratio = Ratio(
        "gateway GET /v1/indices/{market} / bare FastAPI", real.rate, baseline.rate, "req/s"
    )
    say(
        f"gateway GET /v1/indices/{{market}}: {real.rate:,.0f} req/s "
        f"(p50 {real.p50_ms:.1f} ms, p99 {real.p99_ms:.1f} ms) | "
        f"bare FastAPI same size: {baseline.rate:,.0f} req/s "
        f"(p50 {baseline.p50_ms:.1f} ms, p99 {baseline.p99_ms:.1f} ms) | ratio {ratio.ratio:.2f}×"
    )
    say(
        before
        + f" | response={len(body):,} B | connections={connections} | {WARM_UP_S:g} s warm-up"
        + f" + {duration_s:g} s measured per server | one uvicorn process each"
        + " | the load generator (this process) shares the cores with the server"
        + " and PostgreSQL"
    )
    return [ratio]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="seconds")
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS)
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.connections < 1:
        parser.error("--duration must be positive and --connections at least 1")
    run_main(lambda: run(args.duration, args.connections))


if __name__ == "__main__":
    main()
