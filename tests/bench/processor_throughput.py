"""Processor throughput against a bare Faust agent on the same broker, in events per second.

    .venv/bin/python -m tests.bench.processor_throughput [--events 20000] [--max-drain 60]

Targets: processor ÷ decode-only agent ≥ 1.0×; processor ÷ table agent ≥ 3×.

Set-up: the entities the events name are registered and folded first (a processor run that is
then stopped), since the fold rejects events naming unknown entities. Then N events of a realistic
mix are produced to the input topics, and, one after the other:
- baseline 1: a bare Faust agent (same Faust settings and batching as the processor) that only
  decodes each message with orjson, under its own group from the earliest offset, timed from its
  first batch to the last message;
- baseline 2: the same agent also writing one key of a Faust table per event (`memory://` store,
  as the processor's; its changelog topic created beforehand with the input topics' partition
  count), timed until the last changelog write is acknowledged; the changelog's end offsets are
  checked to hold one record per event;
- product: `python -m monazite_processor` restarted on the set-up's group, timed from the first
  newly archived event (PostgreSQL `event_archive`, polled every 100 ms) until all N are archived
  or, to keep the run bounded, `--max-drain` seconds have passed (the rate is then over what was
  archived by then).
Both rates leave the first batch out (it is seen before the clock starts). Time to ready (spawn
to first batch) is reported separately.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import get_args

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from monazite_core.countries import ISO_COUNTRY_CODES
from monazite_core.events import (
    EntityKind,
    EntityRegistered,
    InputEvent,
    Measure,
    OutputReported,
    Source,
    Stage,
    StakeChanged,
)
from monazite_infra.codec import encode
from monazite_infra.devstack import stop_process
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ProcessorStore
from monazite_infra.publisher import partition_key
from monazite_infra.settings import Settings
from monazite_infra.topics import INPUT_TOPICS, input_topic_for
from monazite_processor.folding import Folder, Topics
from monazite_processor.replay import replay
from tests.bench.bare_faust import changelog_topic
from tests.bench.common import (
    Ratio,
    bench_data_layer,
    bench_home,
    conditions,
    create_topic,
    run_main,
    say,
)
from tests.support.services import ServiceProcess, service_env

DEFAULT_EVENTS = 20_000
CHECKPOINT_EVERY = 5_000
DEFAULT_MAX_DRAIN_S = 60.0
DECODE_TARGET = 1.0  # processor ÷ decode-only agent
TABLE_TARGET = 3.0  # processor ÷ table agent
TIMEOUT_S = 120.0  # the bare agent, overall
START_TIMEOUT_S = 60.0
STALL_TIMEOUT_S = 30.0
POLL_S = 0.1

ENTITY_COUNT = 200
STATES = 5  # entities 0..4: states holding the parent companies
PARENTS = 20  # entities 5..19: parent companies holding the operating ones
ELEMENT_GROUPS = ("total_reo", "ndpr", "dytb", "lace", "smco", "yttrium")
STAGES: tuple[Stage, ...] = get_args(Stage)
MEASURES: tuple[Measure, ...] = ("production", "production", "capacity", "quota")
SOURCE = Source(publisher="monazite benchmark", url="https://example.invalid/bench")
T0 = datetime(2015, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Workload:
    setup: list[InputEvent]  # the entity registrations, folded before the timed run
    timed: list[InputEvent]

    def kinds(self) -> str:
        counts = Counter(e.type for e in self.timed)
        return ", ".join(f"{n:,} {t}" for t, n in sorted(counts.items()))


def make_workload(count: int, *, seed: int = 20_240_601) -> Workload:
    """`count` events: ~93 % output reports, ~6 % stake changes, ~1 % re-registrations.

    Every event is accepted by the fold (every entity named is registered in the set-up, stakes
    in a target never sum above 100 %, no ownership cycles), so the archive grows by `count`.
    """
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    countries = sorted(ISO_COUNTRY_CODES)
    home = {i: rng.choice(countries[:40]) for i in range(ENTITY_COUNT)}
    markets = [(group, stage) for group in ELEMENT_GROUPS for stage in STAGES]
    serial = iter(range(1_000_000_000))

    def event_id() -> str:
        return f"bench:{run}:{next(serial)}"

    def occurred() -> datetime:
        return T0 + timedelta(days=rng.randrange(0, 3650), seconds=rng.randrange(86_400))

    def entity_event(i: int) -> EntityRegistered:
        kind: EntityKind = "state" if i < STATES else rng.choice(("company", "company", "fund"))
        return EntityRegistered(
            event_id=event_id(),
            occurred_at=occurred(),
            source=SOURCE,
            entity_id=f"ent{i:03d}",
            name=f"Benchmark Entity {i} Holdings Ltd.",
            aliases=(f"BE{i}", f"ENT-{i:03d}"),
            country=home[i],
            kind=kind,
        )

    def stake_event() -> StakeChanged:
        if rng.random() < 0.2:  # a state changes its stake in a parent company
            target = rng.randrange(STATES, PARENTS)
            holder, top = target % STATES, Decimal(80)
        else:  # one of two fixed parents changes its stake in an operating company
            target = rng.randrange(PARENTS, ENTITY_COUNT)
            holder = STATES + (target + rng.randrange(2) * 7) % (PARENTS - STATES)
            top = Decimal(49)
        pct = (top * Decimal(rng.randrange(1, 101)) / 100).quantize(Decimal("0.01"))
        return StakeChanged(
            event_id=event_id(),
            occurred_at=occurred(),
            source=SOURCE,
            holder_id=f"ent{holder:03d}",
            target_id=f"ent{target:03d}",
            pct_after=pct,
            controlling=True if rng.random() < 0.3 else None,
        )

    def output_event() -> OutputReported:
        group, stage = rng.choice(markets)
        by_entity = rng.random() < 0.85
        return OutputReported(
            event_id=event_id(),
            occurred_at=occurred(),
            source=SOURCE,
            entity_id=f"ent{rng.randrange(PARENTS, ENTITY_COUNT):03d}" if by_entity else None,
            country=None if by_entity else rng.choice(countries[:60]),
            commodity="rare_earths",
            element_group=group,
            stage=stage,
            tonnes=Decimal(rng.randrange(10, 500_000)) / 10,
            period=rng.randrange(2015, 2026),
            measure=rng.choice(MEASURES),
        )

    setup: list[InputEvent] = [entity_event(i) for i in range(ENTITY_COUNT)]
    timed: list[InputEvent] = []
    while len(timed) < count:
        roll = rng.random()
        if roll < 0.06:
            timed.append(stake_event())
        elif roll < 0.07:
            timed.append(entity_event(rng.randrange(ENTITY_COUNT)))  # a re-registration
        else:
            timed.append(output_event())
    return Workload(setup, timed)


async def produce(settings: Settings, events: list[InputEvent]) -> None:
    recorded = datetime.now(UTC)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.require_bootstrap(), acks="all", linger_ms=5
    )
    await producer.start()
    try:
        futures = []
        for event in events:
            event = event.model_copy(update={"recorded_at": recorded})
            topic = input_topic_for(event.type).name(settings)
            futures.append(
                await producer.send(topic, encode(event), key=partition_key(event).encode())
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Run:
    rate: float  # events per second after the first batch
    ready_s: float  # spawn to first batch seen
    elapsed_s: float  # first batch seen to the last event (or to the drain cap)
    done: int = 0  # events handled when the clock stopped (below the target when capped)
    table_keys: int = 0  # keys the table agent's table holds at the end


#: The table the second baseline writes one key of per event.
TABLE = "latest"


def run_bare_agent(settings: Settings, events: int, log_dir: Path, *, table: bool = False) -> Run:
    """A bare Faust agent under a group of its own, from the earliest offset, until it has seen
    `events` messages; with `table`, writing one table key per event (its changelog topic created
    first, and its end offsets checked after: one record per event)."""
    name = "bare-faust-table" if table else "bare-faust"
    result_path = log_dir / f"{name}-result.json"
    group = f"monazite-bench-{name}-{uuid.uuid4().hex[:8]}"
    partitions = {spec.partition_count(settings) for spec in INPUT_TOPICS}
    if len(partitions) != 1:
        raise RuntimeError(f"input topics differ in partition count {partitions}: no Faust table")
    [partition_count] = partitions
    changelog = changelog_topic(group, TABLE)
    if table:
        asyncio.run(create_topic(settings, changelog, partition_count))
    command = [
        sys.executable,
        "-m",
        "tests.bench.bare_faust",
        "--bootstrap",
        settings.require_bootstrap(),
        "--group",
        group,
        "--topics",
        ",".join(spec.name(settings) for spec in INPUT_TOPICS),
        "--events",
        str(events),
        "--result",
        str(result_path),
        "--batch-max",
        str(settings.processor_batch_max),
        "--batch-within",
        str(settings.processor_batch_within_s),
        "--session-timeout",
        str(settings.broker_session_timeout_s),
        "--heartbeat-interval",
        str(settings.broker_heartbeat_interval_s),
        "--partitions",
        str(partition_count),
    ]
    if table:
        command += ["--table", TABLE]
    log_path = log_dir / f"{name}.log"
    result_path.unlink(missing_ok=True)  # a result left by an earlier run is not this one's
    spawned = time.time()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not result_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"bare Faust agent did not count {events} events:\n{tail}")
            time.sleep(POLL_S)
        result = orjson.loads(result_path.read_bytes())
    finally:
        stop_process(process)
    if table:
        records = asyncio.run(_count_records(settings, changelog, partition_count, events))
        if records < events or not int(result["table_keys"]):
            raise RuntimeError(
                f"the table agent wrote {records} changelog records and holds"
                f" {result['table_keys']} keys for {events} events"
            )
    elapsed = float(result["elapsed_s"])
    return Run(
        rate=(int(result["seen"]) - int(result["first_batch"])) / elapsed,
        ready_s=float(result["first_wall"]) - spawned,
        elapsed_s=elapsed,
        table_keys=int(result["table_keys"]),
    )


async def _count_records(settings: Settings, topic: str, partitions: int, wanted: int) -> int:
    """The records on `topic`, read from its start until `wanted` are counted or none arrives
    for a few seconds (read, not taken from its end offsets: the embedded broker can report an
    end offset short of the last batch it holds)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.require_bootstrap(), enable_auto_commit=False
    )
    await consumer.start()
    try:
        assigned = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        counted = 0
        while counted < wanted:
            batch = await consumer.getmany(timeout_ms=3000)
            if not batch:
                break
            counted += sum(len(records) for records in batch.values())
        return counted
    finally:
        await consumer.stop()


def _log_excerpt(service: ServiceProcess, lines: int = 40) -> str:
    """The end of a worker's log without mode's timer-drift chatter (a loaded machine's noise)."""
    kept = [line for line in service.log_tail(1000).splitlines() if "woke up too late" not in line]
    return "\n".join(kept[-lines:])


def _crashed(service: ServiceProcess) -> bool:
    """The worker is up but its agent crashed (Faust keeps the process alive, folding nothing)."""
    return "Crashed reason=" in service.log_tail(200)


async def watch_archive(
    url: str,
    target: int,
    spawned: float,
    service: ServiceProcess,
    *,
    already: int = 0,
    max_drain_s: float = float("inf"),
) -> Run:
    """Poll until `target` events are archived; the clock starts when more than `already` are.

    Stops early, with the rate so far, once the clock has run `max_drain_s` (keeps the whole
    benchmark bounded in time when the processor is slow).

    Fails when the processor exits, its agent crashes, it archives nothing within START_TIMEOUT_S
    or makes no progress for STALL_TIMEOUT_S.
    """
    connection = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        first_count, first_at, first_wall, last_count = 0, 0.0, 0.0, already
        polls = 0
        while True:
            count: int = await connection.fetchval("SELECT count(*) FROM event_archive")
            now = time.monotonic()
            if count > already and not first_count:
                first_count, first_at, first_wall = count, now, time.time()
            if count >= target or (first_count and now - first_at >= max_drain_s):
                elapsed = now - first_at
                rate = (count - first_count) / elapsed if elapsed else float("nan")
                return Run(rate, first_wall - spawned, elapsed, count - already)
            if count > last_count:
                last_count, deadline = count, now + STALL_TIMEOUT_S
            polls += 1
            exited = service.process is not None and service.process.poll() is not None
            if now > deadline or exited or (polls % 10 == 0 and _crashed(service)):
                dead: int = await connection.fetchval("SELECT count(*) FROM dead_letters")
                raise RuntimeError(
                    f"processor archived {count}/{target} events ({dead} dead letters)"
                    f" after {now - first_at if first_count else 0.0:.0f} s"
                    f"{' (exited)' if exited else ''}\n{_log_excerpt(service)}"
                )
            await asyncio.sleep(POLL_S)
    finally:
        await connection.close()


def start_processor(settings: Settings, group: str, log_dir: Path) -> ServiceProcess:
    """`python -m monazite_processor` on consumer group `group`, logging under `log_dir`."""
    env = service_env(
        settings, MONAZITE_PROCESSOR_GROUP=group, MONAZITE_CHECKPOINT_EVERY=str(CHECKPOINT_EVERY)
    )
    service = ServiceProcess("monazite_processor", env, log_dir / "processor.log")
    service.start()
    return service


def run_processor(
    settings: Settings,
    group: str,
    target: int,
    log_dir: Path,
    *,
    already: int = 0,
    max_drain_s: float = float("inf"),
) -> Run:
    """Run the real processor until `target` events are archived, then stop it (SIGTERM)."""
    spawned = time.time()
    service = start_processor(settings, group, log_dir)
    try:
        return asyncio.run(
            watch_archive(
                settings.require_database_url(),
                target,
                spawned,
                service,
                already=already,
                max_drain_s=max_drain_s,
            )
        )
    finally:
        service.stop()


def run(
    events: int = DEFAULT_EVENTS,
    root: Path | None = None,
    max_drain_s: float = DEFAULT_MAX_DRAIN_S,
) -> list[Ratio]:
    say(f"== processor throughput ({events:,} events) ==")
    before = conditions()
    with bench_home("processor", root) as home, bench_data_layer(home) as layer:
        settings = layer.settings
        log_dir = home / "bench-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        workload = make_workload(events)
        group = f"monazite-bench-processor-{uuid.uuid4().hex[:8]}"
        setup = len(workload.setup)
        asyncio.run(produce(settings, workload.setup))
        run_processor(settings, group, setup, log_dir)
        started = time.monotonic()
        asyncio.run(produce(settings, workload.timed))
        say(
            f"set-up: {setup} entities folded; produced {events:,} events in "
            f"{time.monotonic() - started:.1f} s: {workload.kinds()}"
        )
        bare = run_bare_agent(settings, setup + events, log_dir)
        table = run_bare_agent(settings, setup + events, log_dir, table=True)
        real = run_processor(
            settings, group, setup + events, log_dir, already=setup, max_drain_s=max_drain_s
        )
        own = settings.model_copy(update={"processor_group": group})
        replayed = asyncio.run(replay(own))
        restore = asyncio.run(_restore_times(own))
    ratio = Ratio(
        "processor throughput / bare Faust agent (decode only)",
        real.rate,
        bare.rate,
        "events/s",
        target=DECODE_TARGET,
    )
    table_ratio = Ratio(
        "processor throughput / bare Faust agent (one table write per event)",
        real.rate,
        table.rate,
        "events/s",
        target=TABLE_TARGET,
    )
    replay_ratio = Ratio(
        "replay from the archive / live processor",
        replayed.events_per_second,
        real.rate,
        "events/s",
    )
    say(
        f"processor throughput: {real.rate:,.0f} events/s | "
        f"bare Faust agent (decode only): {bare.rate:,.0f} events/s | ratio {ratio.ratio:.2f}×"
        f" ({ratio.verdict()})"
    )
    say(
        f"processor throughput: {real.rate:,.0f} events/s | bare Faust agent writing one key of"
        f" a memory:// table per event ({table.table_keys:,} keys, changelog acknowledged):"
        f" {table.rate:,.0f} events/s | ratio {table_ratio.ratio:.2f}× ({table_ratio.verdict()})"
    )
    say(
        f"time to first batch: processor {real.ready_s:.1f} s, decode-only agent"
        f" {bare.ready_s:.1f} s, table agent {table.ready_s:.1f} s; drain after first batch:"
        f" processor {real.elapsed_s:.1f} s, decode-only agent {bare.elapsed_s:.2f} s,"
        f" table agent {table.elapsed_s:.2f} s"
    )
    if real.done < events:
        say(
            f"note: processor drain capped at {max_drain_s:g} s (--max-drain): rate over the"
            f" {real.done:,} of {events:,} events archived by then"
        )
    say(
        f"replay from the archive: {replayed.events:,} events at"
        f" {replayed.events_per_second:,.0f} events/s"
        f" ({'equal to' if replayed.identical else 'DIFFERENT from'} the live read models)"
        f" | live processor {real.rate:,.0f} events/s | ratio {replay_ratio.ratio:.1f}×"
    )
    say(
        f"state restore at restart: {restore.from_checkpoint_s:.2f} s from the latest checkpoint"
        f" (+ {restore.tail_events:,} events after it) vs {restore.from_archive_s:.2f} s"
        f" replaying all {restore.archive_events:,} archived events"
    )
    say(
        before
        + f" | events={events:,} | partitions/input topic={settings.input_partitions}"
        + f" ({len(INPUT_TOPICS)} input topics) | batch={settings.processor_batch_max}"
        + f"/{settings.processor_batch_within_s}s | broker, PostgreSQL and consumer share the cores"
    )
    return [ratio, table_ratio, replay_ratio]


@dataclass(frozen=True)
class RestoreTimes:
    from_checkpoint_s: float
    tail_events: int
    from_archive_s: float
    archive_events: int


async def _restore_times(settings: Settings) -> RestoreTimes:
    """How long a restarting processor takes to restore its state, with and without checkpoint."""
    pool = await create_pool(settings.require_database_url(), min_size=1, max_size=2)
    try:
        store = ProcessorStore(pool, consumer=settings.processor_group)
        topics = Topics("bench.indices", "bench.deals", "bench.alerts", "bench.dead-letters")
        started = time.perf_counter()
        tail = await Folder(store, topics, broker_epoch="bench").restore()
        from_checkpoint = time.perf_counter() - started
        started = time.perf_counter()
        everything = await Folder(store, topics, broker_epoch="bench").restore(use_checkpoint=False)
        return RestoreTimes(from_checkpoint, tail, time.perf_counter() - started, everything)
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events to fold")
    parser.add_argument(
        "--max-drain",
        type=float,
        default=DEFAULT_MAX_DRAIN_S,
        help="stop timing the processor after this many seconds (rate over what it archived)",
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.max_drain <= 0:
        parser.error("--events and --max-drain must be positive")
    run_main(lambda: run(args.events, max_drain_s=args.max_drain))


if __name__ == "__main__":
    main()
