"""Gateway request rate against a bare FastAPI app serving the same number of bytes: full GET
answers, and 304 answers to a GET with If-None-Match.

    .venv/bin/python -m tests.bench.gateway_requests [--duration 8] [--connections 16]

Target: 304 answers per second at least the bare app's (≥ 1.0×). p99 latency of both kinds is
reported for both servers.

The reference dataset goes through the real path (EventPublisher → broker → processor →
PostgreSQL); the processor is then stopped so that only the server under test and the load
generator use the cores. Each server (the real gateway, then a bare FastAPI app answering a
static JSON document of the real response's size, both one uvicorn process with the same
settings) is loaded for a warm-up second and then a fixed duration by a raw asyncio HTTP/1.1
keep-alive client in this process, with a fixed number of concurrent connections: first full
GETs, then GETs naming the ETag of the answer in If-None-Match (each server's own ETag; the bare
app tags its answer with a digest of its body, as the gateway does, and answers 304 with no
body).
"""

from __future__ import annotations

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
    load_main,
    percentile,
    say,
)
from tests.support.services import Pipeline, start_pipeline

MARKET = "rare_earths.total_reo.mining"
PATH = f"/v1/indices/{MARKET}"
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "events.jsonl"
DEFAULT_DURATION_S = 8.0
WARM_UP_S = 1.0
DEFAULT_CONNECTIONS = 16
NO_BODY = (b"204", b"304")  # statuses whose answers never carry a body
NOT_MODIFIED_TARGET = 1.0  # gateway ÷ bare FastAPI, 304 answers per second


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int  # answers with another status than expected
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s

    def describe(self) -> str:
        return f"{self.rate:,.0f} req/s (p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms)"


def get_request(port: int, path: str, *headers: tuple[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post_json_request(port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(
    port: int,
    request: bytes,
    expect: bytes,
    warm_until: float,
    stop_at: float,
    latencies: list[float],
) -> int:
    """One keep-alive connection sending requests back to back; returns the count of answers
    with another status than `expect`."""
    errors = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (started := time.perf_counter()) < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0 if status in NO_BODY else None
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
                if status != expect:
                    errors += 1
    finally:
        writer.close()
        await writer.wait_closed()
    return errors


async def load(
    port: int, request: bytes, connections: int, duration_s: float, *, expect: int = 200
) -> Load:
    """`connections` keep-alive connections sending `request` back to back for a warm-up
    second and then `duration_s`; only the latter's answers count."""
    latencies: list[float] = []
    warm_until = time.perf_counter() + WARM_UP_S
    stop_at = warm_until + duration_s
    status = str(expect).encode()
    errors = await asyncio.gather(
        *(
            _connection(port, request, status, warm_until, stop_at, latencies)
            for _ in range(connections)
        )
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


def load_reference_state(pipeline: Pipeline) -> httpx.Response:
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
    return response


def start_bare_fastapi(size: int, log_dir: Path) -> tuple[subprocess.Popen[bytes], int, str]:
    """The baseline server answering `size` bytes; its port and the ETag of its answer."""
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
        etag = same.headers["etag"]
        _check_not_modified(f"http://127.0.0.1:{port}", etag)
    except BaseException:
        stop_process(process)
        raise
    return process, port, etag


def _check_not_modified(base_url: str, etag: str) -> None:
    """GET with If-None-Match answers 304, with no body and the same ETag."""
    answer = httpx.get(base_url + PATH, headers={"If-None-Match": etag}, timeout=10)
    if answer.status_code != 304 or answer.content or answer.headers.get("etag") != etag:
        raise RuntimeError(
            f"{base_url} answered If-None-Match with {answer.status_code},"
            f" {len(answer.content)} B, ETag {answer.headers.get('etag')} (sent {etag})"
        )


@dataclass(frozen=True)
class Measured:
    """One server's GET and 304 loads."""

    full: Load
    not_modified: Load


def measure_server(port: int, etag: str, connections: int, duration_s: float) -> Measured:
    full = asyncio.run(load(port, get_request(port, PATH), connections, duration_s))
    conditional = get_request(port, PATH, ("If-None-Match", etag))
    not_modified = asyncio.run(load(port, conditional, connections, duration_s, expect=304))
    return Measured(full, not_modified)


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
            response = load_reference_state(pipeline)
            etag = response.headers["etag"]
            _check_not_modified(pipeline.gateway_url, etag)
            gateway_port = int(pipeline.gateway_url.rsplit(":", 1)[1])
            real = measure_server(gateway_port, etag, connections, duration_s)
            bare, bare_port, bare_etag = start_bare_fastapi(len(response.content), log_dir)
            baseline = measure_server(bare_port, bare_etag, connections, duration_s)
        finally:
            if bare is not None:
                stop_process(bare)
            pipeline.stop()
    wrong = {
        f"{server} {kind}": answers.errors
        for server, measured in (("gateway", real), ("baseline", baseline))
        for kind, answers in (("GET", measured.full), ("304", measured.not_modified))
        if answers.errors
    }
    if wrong:
        raise RuntimeError(f"answers with another status than expected: {wrong}")
    ratios = [
        Ratio(
            "gateway GET /v1/indices/{market} / bare FastAPI",
            real.full.rate,
            baseline.full.rate,
            "req/s",
        ),
        Ratio(
            "gateway 304 (If-None-Match) / bare FastAPI 304",
            real.not_modified.rate,
            baseline.not_modified.rate,
            "req/s",
            target=NOT_MODIFIED_TARGET,
        ),
        Ratio(
            "gateway GET p99 latency / bare FastAPI",
            real.full.p99_ms,
            baseline.full.p99_ms,
            "ms",
            lower_is_better=True,
        ),
        Ratio(
            "gateway 304 p99 latency / bare FastAPI 304",
            real.not_modified.p99_ms,
            baseline.not_modified.p99_ms,
            "ms",
            lower_is_better=True,
        ),
    ]
    get_rate, not_modified_rate = ratios[0], ratios[1]
    say(
        f"GET /v1/indices/{{market}}: gateway {real.full.describe()} |"
        f" bare FastAPI same size {baseline.full.describe()} |"
        f" ratio {get_rate.ratio:.2f}× ({get_rate.verdict()})"
    )
    say(
        f"GET with If-None-Match → 304: gateway {real.not_modified.describe()} |"
        f" bare FastAPI {baseline.not_modified.describe()} |"
        f" ratio {not_modified_rate.ratio:.2f}× ({not_modified_rate.verdict()})"
    )
    say(
        f"p99 latency (lower is better): GET gateway {real.full.p99_ms:.1f} ms vs bare"
        f" {baseline.full.p99_ms:.1f} ms ({ratios[2].ratio:.2f}×); 304 gateway"
        f" {real.not_modified.p99_ms:.1f} ms vs bare {baseline.not_modified.p99_ms:.1f} ms"
        f" ({ratios[3].ratio:.2f}×)"
    )
    say(
        before
        + f" | response={len(response.content):,} B | connections={connections}"
        + f" | {WARM_UP_S:g} s warm-up + {duration_s:g} s measured per server and kind"
        + " | one uvicorn process each | the load generator (this process) shares the cores"
        + " with the server and PostgreSQL"
    )
    return ratios


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
