"""Freshness: from publishing an event to the `index_changed` naming it, against raw Kafka.

    .venv/bin/python -m tests.bench.freshness [--rate 500] [--duration 10] [--warm-up 1]

Product: the real processor (`python -m monazite_processor`, started as the throughput benchmark
starts it) folds output reports of registered entities, published at a steady `--rate` through
the real `EventPublisher`; a consumer in this process reads the indices topic from its end, and an
event's freshness is the time from handing it to the publisher to the arrival of the first
`index_changed` whose `caused_by` names it. Every event moves an index: each reports a tonnage
no earlier report of its entity in its series had, at a later valid time.
Baseline, in the same run and on the same broker, before the processor starts: the very same
messages (same bytes, keys, partition count, rate and pacing) produced with a raw
`AIOKafkaProducer` (the publisher's settings) to a topic of their own and consumed with a raw
`AIOKafkaConsumer`; a message's time is from its send to its arrival.
Events of the first `--warm-up` seconds are sent but not counted. Both clients share this
process's event loop; the broker, PostgreSQL and the processor share the cores with them.
Ratio: product ÷ baseline latency, lower is better (target ≤ 5×).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import get_args

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from monazite_core.countries import ISO_COUNTRY_CODES
from monazite_core.events import EntityRegistered, InputEvent, OutputReported, Source, Stage
from monazite_infra.codec import encode
from monazite_infra.publisher import EventPublisher, partition_key
from monazite_infra.settings import Settings
from monazite_infra.topics import CAPACITY, INDICES, input_topic_for
from tests.bench.common import (
    Ratio,
    bench_data_layer,
    bench_home,
    conditions,
    create_topic,
    percentile,
    run_main,
    say,
)
from tests.bench.processor_throughput import start_processor, watch_archive

DEFAULT_RATE = 500.0  # events per second
DEFAULT_DURATION_S = 10.0
DEFAULT_WARM_UP_S = 1.0
TICK_S = 0.01  # events due within one tick are handed over together
#: How long the broker may hold a fetch of the measuring consumers (aiokafka's default). The
#: embedded broker answers a fetch late rather than as soon as a record is there, so this bounds
#: the baseline's latency: with 10 ms its p50 falls from ~140 ms to ~11 ms. The processor's own
#: consumer is Faust's, which asks for 1500 ms.
DEFAULT_FETCH_WAIT_MS = 500
TARGET = 5.0  # product ÷ baseline, at most
STALL_S = 30.0  # after the last send: no arrival for this long and the rest are missing
DRAIN_MAX_S = 180.0  # after the last send, in any case
ENTITIES = 100
ELEMENT_GROUPS = ("total_reo", "ndpr", "dytb", "lace", "smco", "yttrium")
STAGES: tuple[Stage, ...] = get_args(Stage)
PERIODS = tuple(range(2015, 2026))
SOURCE = Source(publisher="monazite freshness benchmark", url="https://example.invalid/fresh")
T0 = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Workload:
    entities: list[EntityRegistered]
    reports: list[OutputReported]


def make_workload(count: int, *, seed: int = 20_250_601) -> Workload:
    """`ENTITIES` registrations, then `count` output reports by them across many series.

    Valid times rise with each report and tonnages are unique to it, so every report replaces
    its entity's figure in its series and moves that series' indices.
    """
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    countries = sorted(ISO_COUNTRY_CODES)[:40]
    entities = [
        EntityRegistered(
            event_id=f"fresh:{run}:entity:{i}",
            occurred_at=T0,
            source=SOURCE,
            entity_id=f"fresh{i:03d}",
            name=f"Freshness Entity {i} Mining Ltd.",
            country=rng.choice(countries),
            kind="company",
        )
        for i in range(ENTITIES)
    ]
    reports = [
        OutputReported(
            event_id=f"fresh:{run}:output:{n}",
            occurred_at=T0 + timedelta(days=1, seconds=n),
            source=SOURCE,
            entity_id=f"fresh{rng.randrange(ENTITIES):03d}",
            commodity="rare_earths",
            element_group=rng.choice(ELEMENT_GROUPS),
            stage=rng.choice(STAGES),
            tonnes=Decimal(1000 + n) + Decimal(rng.randrange(100)) / 100,
            period=rng.choice(PERIODS),
            measure="production",
        )
        for n in range(count)
    ]
    return Workload(entities, reports)


def ticks(count: int, rate: float) -> list[range]:
    """Which events (by position) are sent at each tick, `rate` per second in all."""
    per_tick = rate * TICK_S
    chunks: list[range] = []
    while (first := round(len(chunks) * per_tick)) < count:
        chunks.append(range(first, min(count, round((len(chunks) + 1) * per_tick))))
    return chunks


@dataclass(frozen=True)
class Latency:
    counted: int  # events sent after the warm-up
    arrived: int  # of those, how many arrived before the drain ended
    p50_ms: float
    p99_ms: float
    max_ms: float
    send_rate: float  # events per second actually handed over
    drain_s: float  # last send → last arrival (or the drain's end)

    @property
    def missing(self) -> int:
        return self.counted - self.arrived

    def describe(self) -> str:
        text = (
            f"p50 {self.p50_ms:,.1f} ms, p99 {self.p99_ms:,.1f} ms, max {self.max_ms:,.1f} ms"
            f" over {self.arrived:,} events sent at {self.send_rate:,.0f}/s"
        )
        return text + (f", {self.missing:,} NEVER ARRIVED" if self.missing else "")


async def _tail(
    settings: Settings, topic: str, partitions: int, fetch_wait_ms: int
) -> AIOKafkaConsumer:
    """A consumer on every partition of `topic`, positioned at its current end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.require_bootstrap(),
        enable_auto_commit=False,
        fetch_max_wait_ms=fetch_wait_ms,
    )
    await consumer.start()
    assigned = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(assigned)
    await consumer.seek_to_end(*assigned)
    for partition in assigned:
        await consumer.position(partition)  # resolved now, not at the first fetch
    return consumer


async def measure(
    settings: Settings,
    topic: str,
    partitions: int,
    ids_in: Callable[[bytes], Iterable[str]],
    event_ids: Sequence[str],
    send: Callable[[range], Awaitable[object]],
    rate: float,
    warm_up_s: float,
    fetch_wait_ms: int,
) -> Latency:
    """Send the events tick by tick (`send` gets the positions due) while reading `topic`; an
    event's latency is from its tick to the first message on `topic` that `ids_in` says names
    it."""
    consumer = await _tail(settings, topic, partitions, fetch_wait_ms)
    wanted = set(event_ids)
    arrivals: dict[str, float] = {}
    last_arrival = time.perf_counter()
    sending = True

    async def collect() -> None:
        nonlocal last_arrival
        while sending or len(arrivals) < len(wanted):
            batch = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    for event_id in ids_in(record.value or b"null"):
                        if event_id in wanted and event_id not in arrivals:
                            arrivals[event_id] = now
                            last_arrival = now

    collector = asyncio.create_task(collect())
    sent_at: dict[str, float] = {}
    try:
        schedule = ticks(len(event_ids), rate)
        sends: list[asyncio.Task[object]] = []
        started = time.perf_counter()
        for k, positions in enumerate(schedule):
            delay = started + k * TICK_S - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.perf_counter()
            for position in positions:
                sent_at[event_ids[position]] = now
            sends.append(asyncio.create_task(_awaited(send(positions))))
            if collector.done():
                collector.result()  # raises what stopped it
        await asyncio.gather(*sends)
        finished = time.perf_counter()
        sending = False
        send_rate = len(event_ids) / (finished - started)
        last_arrival = max(last_arrival, finished)
        while not collector.done():
            now = time.perf_counter()
            if now - last_arrival > STALL_S or now - finished > DRAIN_MAX_S:
                break
            await asyncio.sleep(0.05)
        if collector.done():
            collector.result()  # raises what stopped it, if anything did
        drain_s = max(arrivals.values(), default=finished) - finished
    finally:
        collector.cancel()
        await asyncio.gather(collector, return_exceptions=True)
        await consumer.stop()
    counted_from = started + warm_up_s
    counted = [i for i in event_ids if sent_at[i] >= counted_from]
    latencies = sorted(arrivals[i] - sent_at[i] for i in counted if i in arrivals)
    return Latency(
        counted=len(counted),
        arrived=len(latencies),
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        max_ms=(latencies[-1] if latencies else float("nan")) * 1000,
        send_rate=send_rate,
        drain_s=max(0.0, drain_s),
    )


async def _awaited(awaitable: Awaitable[object]) -> object:
    return await awaitable


def _caused_by(value: bytes) -> list[str]:
    caused: list[str] = orjson.loads(value).get("caused_by", [])
    return caused


def _event_id(value: bytes) -> list[str]:
    return [str(orjson.loads(value)["event_id"])]


async def raw_kafka(
    settings: Settings,
    reports: list[OutputReported],
    rate: float,
    warm_up_s: float,
    fetch_wait_ms: int,
) -> tuple[Latency, float]:
    """The baseline: the reports' bytes, keys and pacing, through raw aiokafka clients."""
    recorded = datetime.now(UTC)
    messages = [
        (partition_key(r).encode(), encode(r.model_copy(update={"recorded_at": recorded})))
        for r in reports
    ]
    topic = f"{settings.topic_prefix}bench-freshness-raw-{uuid.uuid4().hex[:8]}"
    partitions = CAPACITY.partition_count(settings)
    await create_topic(settings, topic, partitions)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.require_bootstrap(), acks="all", linger_ms=5
    )
    await producer.start()

    async def send(positions: range) -> None:
        futures = [
            await producer.send(topic, messages[p][1], key=messages[p][0]) for p in positions
        ]
        for future in futures:
            await future

    try:
        latency = await measure(
            settings,
            topic,
            partitions,
            _event_id,
            [r.event_id for r in reports],
            send,
            rate,
            warm_up_s,
            fetch_wait_ms,
        )
    finally:
        await producer.stop()
    size = sum(len(value) for _, value in messages) / len(messages)
    return latency, size


async def through_processor(
    settings: Settings,
    reports: list[OutputReported],
    rate: float,
    warm_up_s: float,
    fetch_wait_ms: int,
) -> tuple[Latency, int]:
    """The product: the reports through the publisher, the processor and its outbox."""
    changes = 0

    def caused_by(value: bytes) -> list[str]:
        nonlocal changes
        changes += 1
        return _caused_by(value)

    events: list[InputEvent] = list(reports)
    async with EventPublisher(settings) as publisher:

        async def send(positions: range) -> None:
            await publisher.publish([events[p] for p in positions])

        latency = await measure(
            settings,
            INDICES.name(settings),
            INDICES.partition_count(settings),
            caused_by,
            [r.event_id for r in reports],
            send,
            rate,
            warm_up_s,
            fetch_wait_ms,
        )
    return latency, changes


async def _publish(settings: Settings, events: Sequence[InputEvent]) -> None:
    async with EventPublisher(settings) as publisher:
        await publisher.publish(events)


async def _dead_letters(settings: Settings) -> int:
    connection = await asyncpg.connect(settings.require_database_url())
    try:
        count: int = await connection.fetchval("SELECT count(*) FROM dead_letters")
        return count
    finally:
        await connection.close()


def run(
    rate: float = DEFAULT_RATE,
    duration_s: float = DEFAULT_DURATION_S,
    warm_up_s: float = DEFAULT_WARM_UP_S,
    root: Path | None = None,
    fetch_wait_ms: int = DEFAULT_FETCH_WAIT_MS,
) -> list[Ratio]:
    count = round(rate * (warm_up_s + duration_s))
    say(
        f"== freshness: publish → index_changed ({rate:g} events/s for {duration_s:g} s"
        f" after {warm_up_s:g} s warm-up, {count:,} events) =="
    )
    before = conditions()
    workload = make_workload(count)
    with bench_home("freshness", root) as home, bench_data_layer(home) as layer:
        settings = layer.settings
        log_dir = home / "bench-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        baseline, size = asyncio.run(
            raw_kafka(settings, workload.reports, rate, warm_up_s, fetch_wait_ms)
        )
        group = f"monazite-bench-freshness-{uuid.uuid4().hex[:8]}"
        spawned = time.time()
        processor = start_processor(settings, group, log_dir)
        try:
            asyncio.run(_publish(settings, workload.entities))
            asyncio.run(
                watch_archive(settings.require_database_url(), ENTITIES, spawned, processor)
            )
            real, changes = asyncio.run(
                through_processor(settings, workload.reports, rate, warm_up_s, fetch_wait_ms)
            )
            dead = asyncio.run(_dead_letters(settings))
        finally:
            processor.stop()
    ratios = [
        Ratio(
            f"freshness {name} publish→index_changed / raw aiokafka produce→consume",
            value,
            base,
            "ms",
            lower_is_better=True,
            target=TARGET,
        )
        for name, value, base in (
            ("p50", real.p50_ms, baseline.p50_ms),
            ("p99", real.p99_ms, baseline.p99_ms),
        )
    ]
    say(f"processor, publish → index_changed naming the event: {real.describe()}")
    say(f"raw aiokafka, produce → consume of the same messages: {baseline.describe()}")
    for ratio in ratios:
        say(f"{ratio.name}: {ratio.ratio:.2f}× ({ratio.verdict()})")
    say(
        f"drain after the last send: processor {real.drain_s:.1f} s, raw {baseline.drain_s:.2f} s"
        f" | {changes:,} index_changed messages read | {dead} dead letters"
    )
    if real.missing or baseline.missing:
        say(
            f"note: {real.missing:,} events never named by an index_changed and"
            f" {baseline.missing:,} raw messages never consumed (waited until {STALL_S:g} s"
            " without an arrival)"
        )
    say(
        before
        + f" | rate={rate:g}/s in ticks of {TICK_S * 1000:g} ms | duration={duration_s:g} s"
        + f" + {warm_up_s:g} s warm-up | message≈{size:,.0f} B"
        + f" | partitions={CAPACITY.partition_count(settings)}"
        + f" | measuring consumers' fetch_max_wait_ms={fetch_wait_ms}"
        + f" | batch={settings.processor_batch_max}/{settings.processor_batch_within_s}s"
        + f" | entities={ENTITIES} | series={len(ELEMENT_GROUPS) * len(STAGES) * len(PERIODS)}"
        + f" | topic {input_topic_for('output_reported').name(settings)}"
        + " | publisher, consumer and broker share the cores with PostgreSQL and the processor"
    )
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="events per second")
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="seconds")
    parser.add_argument("--warm-up", type=float, default=DEFAULT_WARM_UP_S, help="seconds")
    parser.add_argument(
        "--fetch-wait-ms",
        type=int,
        default=DEFAULT_FETCH_WAIT_MS,
        help="fetch_max_wait_ms of the measuring consumers (both sides)",
    )
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.warm_up < 0 or args.fetch_wait_ms < 0:
        parser.error(
            "--rate and --duration must be positive, --warm-up and --fetch-wait-ms not negative"
        )
    run_main(lambda: run(args.rate, args.duration, args.warm_up, fetch_wait_ms=args.fetch_wait_ms))


if __name__ == "__main__":
    main()
