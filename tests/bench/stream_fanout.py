"""Live-stream fan-out: frames delivered per second to many subscribers, against a bare SSE app.

    .venv/bin/python -m tests.bench.stream_fanout [--subscribers 300] [--items 2000] [--batch 20]

N subscribers follow `GET /v1/stream` over loopback, opened by a raw asyncio HTTP/1.1 client in
this process that de-chunks the response and splits it into frames. Once every one has had its
`retry:` frame, K index_changed documents are written as fast as possible in writes of B items
(as the processor commits a batch), and each subscriber reads until it has K ids.
- product: one real gateway process (no processor: the feed is written by this benchmark
  through `ProcessorStore.commit`, the processor's own path: advisory lock, COPY, NOTIFY);
- baseline: a bare FastAPI app in one uvicorn process with the same settings
  (`tests.bench.bare_sse`: an asyncio.Queue per subscriber, `POST /emit` per batch).
Delivery rate = N×K frames ÷ (start of the first write → the last subscriber's last frame).
Latency = a frame's receipt − the moment the write holding it returned to the writer, over every
frame of every subscriber; the writer shares the readers' event loop, so a write whose return is
noticed late (a busy loop turn) lowers its frames' latency, below zero at times. On two cores one
Python client reading hundreds of streams is itself near the limit, so the rate ratio tends to 1
once both servers keep up; the CPU time of the server side (the server process, plus PostgreSQL
for the product) per frame delivered is reported beside it as a second ratio. Every subscriber
must receive every id exactly once and in order, and one subscriber's frames are compared byte
for byte with the documents written: any difference fails the benchmark with the evidence.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import operator
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx
import psutil

from monazite_infra.devstack import free_port, stop_process, wait_for_port
from monazite_infra.postgres.feed import FeedReader
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import BatchWrite, FeedItem, ProcessorStore
from monazite_infra.settings import Settings
from monazite_infra.stack import DataLayer
from tests.bench.bare_sse import BASIS, MARKET, feed_documents
from tests.bench.common import (
    Ratio,
    bench_data_layer,
    bench_home,
    conditions,
    percentile,
    run_main,
    say,
)
from tests.support.services import ServiceProcess, service_env

DEFAULT_SUBSCRIBERS = 300
DEFAULT_ITEMS = 2000
DEFAULT_BATCH = 20
START_TIMEOUT_S = 30.0
DELIVERY_TIMEOUT_S = 60.0  # after the last write: a subscriber still short by then lost items
CONSUMER = "monazite-bench-stream"


class StreamDefect(RuntimeError):
    """A subscriber missed, repeated or reordered items, or received other bytes than written."""


class Subscription:
    """One `GET /v1/stream` over a raw keep-alive connection: HTTP chunks in, SSE frames out."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._pending = b""  # the start of a frame whose end is in a later chunk

    @classmethod
    async def open(cls, port: int) -> Subscription:
        """Connected, with the `retry:` frame received (the server follows the feed from then)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        subscription = cls(reader, writer)
        writer.write(
            f"GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).lower()
        if not head.startswith(b"http/1.1 200") or b"transfer-encoding: chunked" not in head:
            raise RuntimeError(f"GET /v1/stream answered {head!r}")
        first = (await subscription.frames()).split(b"\n\n")
        if not first[0].startswith(b"retry:"):
            raise RuntimeError(f"GET /v1/stream began with {first[0]!r}, not a retry: frame")
        if len(first) > 1:
            raise RuntimeError(f"items arrived before any was written: {first[1][:80]!r}")
        return subscription

    async def frames(self) -> bytes:
        """The frames completed by the next chunk or chunks, joined by their blank lines (the
        last one's left off)."""
        while True:
            size = int(await self._reader.readuntil(b"\r\n"), 16)
            if size == 0:
                raise EOFError("the server ended the stream")
            chunk = await self._reader.readexactly(size + 2)
            complete, blank, self._pending = (self._pending + chunk[:-2]).rpartition(b"\n\n")
            if blank:
                return complete

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


@dataclass
class Received:
    """What one subscriber got: ids in arrival order, each with its receipt time."""

    ids: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    reads: int = 0  # chunks of items read
    frames: list[bytes] | None = None  # kept for one subscriber, compared byte for byte
    error: str | None = None


async def follow(subscription: Subscription, items: int, received: Received) -> None:
    """Read until `items` ids have arrived (more only if the server sends them together)."""
    try:
        while len(received.ids) < items:
            frames = await subscription.frames()
            now = time.perf_counter()
            # Lines, not frames: splitting on one byte is several times faster than on two, and
            # this loop is most of the load generator's work. No other line starts with "id: ".
            ids = [int(line[4:]) for line in frames.split(b"\n") if line.startswith(b"id: ")]
            received.ids += ids
            received.times += [now] * len(ids)
            received.reads += bool(ids)
            if received.frames is not None:
                received.frames += (f for f in frames.split(b"\n\n") if f.startswith(b"id: "))
    except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as error:
        received.error = f"{type(error).__name__}: {error}"


class Feed(Protocol):
    """Where the benchmark writes items: the product's feed or the baseline's queues."""

    async def write(self, documents: Sequence[str]) -> None: ...

    async def ids(self) -> list[int]:
        """The ids the written items were given, in the order written."""
        ...

    async def close(self) -> None: ...


class ProcessorFeed:
    """The feed as the processor writes it: one `ProcessorStore.commit` per batch."""

    def __init__(self, store: ProcessorStore, reader: FeedReader, epoch: str, head: int) -> None:
        self._store = store
        self._reader = reader
        self._epoch = epoch
        self._head = head

    @classmethod
    async def open(cls, settings: Settings, epoch: str) -> ProcessorFeed:
        pool = await create_pool(settings.require_database_url(), min_size=1, max_size=2)
        reader = FeedReader(pool)
        return cls(ProcessorStore(pool, consumer=CONSUMER), reader, epoch, await reader.head())

    async def write(self, documents: Sequence[str]) -> None:
        feed = [FeedItem("index_changed", [MARKET], BASIS, d) for d in documents]
        await self._store.commit(BatchWrite(feed=feed), broker_epoch=self._epoch)

    async def ids(self) -> list[int]:
        # This benchmark is the feed's only writer, and it commits one batch after another: the
        # rows in sequence order are the items in the order written.
        return [row.seq for row in await self._reader.after(self._head, limit=1_000_000)]

    async def close(self) -> None:
        await self._store.pool.close()


class BareFeed:
    """The baseline's `POST /emit`, which answers the ids it gave."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._ids: list[int] = []

    @classmethod
    async def open(cls, port: int) -> BareFeed:
        return cls(httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30))

    async def write(self, documents: Sequence[str]) -> None:
        response = await self._http.post("/emit", params={"count": len(documents)})
        response.raise_for_status()
        given = response.json()
        self._ids += range(given["first"], given["last"] + 1)

    async def ids(self) -> list[int]:
        return self._ids

    async def close(self) -> None:
        await self._http.aclose()


@dataclass(frozen=True)
class Written:
    started: float  # perf_counter when the first write began
    returned: list[float]  # perf_counter when each write returned, one per batch
    ids: list[int]


async def write_all(feed: Feed, documents: Sequence[str], batch: int) -> Written:
    """Write every document, `batch` at a time, each write as soon as the previous returned.

    In the load generator's event loop, on purpose: a writer of its own (thread or process)
    outruns what one Python client can read from hundreds of streams, and the latencies would
    then measure the backlog in this process rather than the server.
    """
    started = time.perf_counter()
    returned = []
    for first in range(0, len(documents), batch):
        await feed.write(documents[first : first + batch])
        returned.append(time.perf_counter())
    return Written(started, returned, await feed.ids())


class CpuMeter:
    """CPU seconds used by some processes between two readings; a process started meanwhile
    counts whole (PostgreSQL starts a backend for each new connection)."""

    def __init__(self, *roots: psutil.Process, children: bool = False) -> None:
        self._roots = roots
        self._children = children
        self._start = self._read()

    def _read(self) -> dict[int, float]:
        processes = list(self._roots)
        if self._children:
            processes += [c for root in self._roots for c in root.children(recursive=True)]
        seconds = {}
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                seconds[process.pid] = times.user + times.system
        return seconds

    def used(self) -> float:
        return sum(s - self._start.get(pid, 0.0) for pid, s in self._read().items())


@dataclass(frozen=True)
class Delivery:
    frames: int
    elapsed_s: float  # start of the first write → the last subscriber's last frame
    write_s: float  # start of the first write → the last write returned
    p50_ms: float
    p99_ms: float
    server_cpu_s: float  # the server process, while writing and delivering
    database_cpu_s: float  # PostgreSQL meanwhile (0 when it is not ours to watch)
    load_cpu_s: float  # this process (writer and load generator) meanwhile
    per_read: float  # items a subscriber got in one read, on average (the server's coalescing)

    @property
    def rate(self) -> float:
        return self.frames / self.elapsed_s

    @property
    def per_cpu_s(self) -> float:
        """Frames delivered per CPU second of the server side (server and PostgreSQL); not a
        number when a run is too short for the CPU clock to tick."""
        cpu_s = self.server_cpu_s + self.database_cpu_s
        return self.frames / cpu_s if cpu_s > 0 else float("nan")


async def measure(
    port: int,
    server: psutil.Process,
    database: psutil.Process | None,
    open_feed: Callable[[], Awaitable[Feed]],
    documents: Sequence[str],
    subscribers: int,
    batch: int,
) -> Delivery:
    feed = await open_feed()
    subscriptions: list[Subscription] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        subscriptions += await asyncio.wait_for(
            asyncio.gather(*(Subscription.open(port) for _ in range(subscribers))),
            START_TIMEOUT_S,
        )
        received = [Received() for _ in subscriptions]
        received[0].frames = []
        tasks += [
            asyncio.create_task(follow(s, len(documents), r))
            for s, r in zip(subscriptions, received, strict=True)
        ]
        server_cpu = CpuMeter(server)
        database_cpu = CpuMeter(database, children=True) if database else None
        own_cpu = time.process_time()
        written = await write_all(feed, documents, batch)
        await asyncio.wait(tasks, timeout=DELIVERY_TIMEOUT_S)
        own_cpu = time.process_time() - own_cpu
        cpu = (server_cpu.used(), database_cpu.used() if database_cpu else 0.0)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(s.close() for s in subscriptions))
        await feed.close()
    verify(received, written.ids, documents)
    written_at = [written.returned[k // batch] for k in range(len(written.ids))]
    latencies = sorted(
        latency for r in received for latency in map(operator.sub, r.times, written_at)
    )
    return Delivery(
        frames=len(latencies),
        elapsed_s=max(r.times[-1] for r in received) - written.started,
        write_s=written.returned[-1] - written.started,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        server_cpu_s=cpu[0],
        database_cpu_s=cpu[1],
        load_cpu_s=own_cpu,
        per_read=len(latencies) / sum(r.reads for r in received),
    )


def verify(received: list[Received], ids: list[int], documents: Sequence[str]) -> None:
    """Every subscriber got exactly `ids`, in order; the first one the very bytes written."""
    if len(ids) != len(documents):
        raise StreamDefect(f"{len(documents)} items written, {len(ids)} ids in the feed")
    problems = [
        f"subscriber {n}: {problem}"
        for n, r in enumerate(received)
        if (problem := _difference(r, ids)) is not None
    ]
    kept = received[0].frames or []
    for frame, seq, document in zip(kept, ids, documents, strict=False):
        expected = f"id: {seq}\nevent: index_changed\ndata: {document}".encode()
        if frame != expected:
            problems.append(
                f"subscriber 0, id {seq}: got {frame[:200]!r}, wrote {expected[:200]!r}"
            )
            break
    if problems:
        shown = "\n  ".join(problems[:10])
        raise StreamDefect(
            f"the stream did not deliver the {len(ids):,} items (ids {ids[0]}..{ids[-1]}) to"
            f" each of {len(received)} subscribers exactly once, in order, as written"
            f" ({len(problems)} problems):\n  {shown}"
        )


def _difference(received: Received, ids: list[int]) -> str | None:
    got = received.ids
    if got == ids:
        return None
    wanted = set(ids)
    repeated = sorted(i for i, n in Counter(got).items() if n > 1)
    missing = sorted(wanted.difference(got))
    unknown = sorted(set(got) - wanted)
    disorder = next((k for k in range(1, len(got)) if got[k] <= got[k - 1]), None)
    parts = [f"{len(got):,} ids received"]
    if missing:
        parts.append(f"{len(missing):,} missing (first {missing[:5]})")
    if repeated:
        parts.append(f"{len(repeated):,} repeated (first {repeated[:5]})")
    if unknown:
        parts.append(f"{len(unknown):,} never written (first {unknown[:5]})")
    if disorder is not None:
        parts.append(
            f"out of order at position {disorder}: {got[max(0, disorder - 2) : disorder + 2]}"
        )
    if received.error:
        parts.append(f"stream broke: {received.error}")
    elif len(got) < len(ids):
        parts.append(f"still short {DELIVERY_TIMEOUT_S:g} s after the last write")
    return ", ".join(parts)


def start_gateway(settings: Settings, log_dir: Path) -> tuple[ServiceProcess, int]:
    port = free_port()
    env = service_env(settings, MONAZITE_GATEWAY_PORT=str(port))
    gateway = ServiceProcess("monazite_gateway", env, log_dir / "gateway.log")
    gateway.start()
    try:
        _wait_healthy(port)
    except BaseException:
        gateway.stop()
        raise RuntimeError(f"the gateway did not start:\n{gateway.log_tail()}") from None
    return gateway, port


def start_bare_sse(items: int, log_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "tests.bench.bare_sse", "--port", str(port)]
    command += ["--items", str(items)]
    with (log_dir / "bare-sse.log").open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        _wait_healthy(port)
    except BaseException:
        stop_process(process)
        raise
    return process, port


def _wait_healthy(port: int) -> None:
    wait_for_port("127.0.0.1", port, timeout_s=START_TIMEOUT_S)
    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).raise_for_status()


def _postmaster(layer: DataLayer) -> psutil.Process | None:
    """The embedded PostgreSQL's main process (None when the environment names another)."""
    if layer.postgres is None:
        return None
    pid_file = layer.postgres.data_dir / "postmaster.pid"
    return psutil.Process(int(pid_file.read_text().split()[0]))


def run(
    subscribers: int = DEFAULT_SUBSCRIBERS,
    items: int = DEFAULT_ITEMS,
    batch: int = DEFAULT_BATCH,
    root: Path | None = None,
) -> list[Ratio]:
    say(
        f"== live stream fan-out ({subscribers} subscribers × {items:,} items,"
        f" {batch} per write) =="
    )
    before = conditions()
    documents = feed_documents(items)
    with bench_home("stream", root) as home, bench_data_layer(home) as layer:
        settings, epoch, database = layer.settings, layer.epoch, _postmaster(layer)
        log_dir = home / "bench-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        gateway, gateway_port = start_gateway(settings, log_dir)
        try:
            assert gateway.process is not None
            real = asyncio.run(
                measure(
                    gateway_port,
                    psutil.Process(gateway.process.pid),
                    database,
                    lambda: ProcessorFeed.open(settings, epoch),
                    documents,
                    subscribers,
                    batch,
                )
            )
        except StreamDefect as defect:
            raise StreamDefect(f"{defect}\n--- gateway log ---\n{gateway.log_tail()}") from None
        finally:
            gateway.stop()
        bare, bare_port = start_bare_sse(items, log_dir)
        try:
            baseline = asyncio.run(
                measure(
                    bare_port,
                    psutil.Process(bare.pid),
                    None,
                    lambda: BareFeed.open(bare_port),
                    documents,
                    subscribers,
                    batch,
                )
            )
        finally:
            stop_process(bare)
    rate = Ratio("stream fan-out GET /v1/stream / bare SSE", real.rate, baseline.rate, "frames/s")
    efficiency = Ratio(
        "stream fan-out per server CPU second / bare SSE",
        real.per_cpu_s,
        baseline.per_cpu_s,
        "frames/CPU-s",
    )
    say(
        f"gateway GET /v1/stream: {real.rate:,.0f} frames/s"
        f" (commit→receipt p50 {real.p50_ms:.1f} ms, p99 {real.p99_ms:.1f} ms) |"
        f" bare SSE, asyncio.Queue per subscriber: {baseline.rate:,.0f} frames/s"
        f" (emit→receipt p50 {baseline.p50_ms:.1f} ms, p99 {baseline.p99_ms:.1f} ms) |"
        f" ratio {rate.ratio:.2f}×"
    )
    say(
        f"server-side CPU: gateway {real.server_cpu_s:.2f} s + PostgreSQL"
        f" {real.database_cpu_s:.2f} s = {real.per_cpu_s:,.0f} frames/CPU-s |"
        f" bare {baseline.server_cpu_s:.2f} s = {baseline.per_cpu_s:,.0f} frames/CPU-s |"
        f" ratio {efficiency.ratio:.2f}×"
    )
    for name, delivery in (("gateway", real), ("bare", baseline)):
        say(
            f"{name}: written in {delivery.write_s:.2f} s, delivered in {delivery.elapsed_s:.2f} s,"
            f" {delivery.per_read:.1f} items per read, load generator"
            f" {delivery.load_cpu_s:.2f} CPU-s"
        )
    say(
        f"verified: each of the {subscribers} subscribers received all {items:,} ids exactly"
        " once and in order, from both servers; one subscriber's frames byte for byte"
    )
    size = sum(map(len, documents)) // len(documents)
    say(
        before
        + f" | subscribers={subscribers} | items={items:,} in writes of {batch}"
        + f" | document≈{size:,} B | product: ProcessorStore.commit → gateway hub"
        + f" (NOTIFY, poll {settings.stream_poll_s:g} s) | baseline: POST /emit"
        + " | one uvicorn process each | the writer and the load generator share one event"
        + " loop in this process, and the cores with the server and PostgreSQL"
    )
    return [rate, efficiency]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=DEFAULT_SUBSCRIBERS)
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help="items written")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="items per write")
    args = parser.parse_args(argv)
    if min(args.subscribers, args.items, args.batch) < 1:
        parser.error("--subscribers, --items and --batch must be at least 1")
    run_main(lambda: run(args.subscribers, args.items, args.batch))


if __name__ == "__main__":
    main()
