"""The Faust processor worker. Any number of them form one consumer group: each takes in the
input partitions Kafka assigns it (`take_in` agent), and the one holding the fold lease folds
everything taken in, in an order fixed by the topics' content (`fold` task; see sequencing.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka

from monazite_infra.kafka_admin import broker_epoch
from monazite_infra.pipeline_metrics import PipelineMetrics
from monazite_infra.postgres.intake_store import (
    IntakeStore,
    IntakeWrite,
    PartitionPosition,
    QueuedMessage,
)
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import BatchWrite, ProcessorStore
from monazite_infra.settings import Settings
from monazite_infra.topics import ALERTS, CHAINS, DEAD_LETTERS, DEALS, INDICES, INPUT_TOPICS
from monazite_processor.batch_metrics import (
    BatchRecorder,
    MessageOrigin,
    coordinates,
    correlation_id_from_headers,
    measure_lag,
)
from monazite_processor.folding import Folder, RawMessage, Topics, retry_transient
from monazite_processor.leader import FoldLeader
from monazite_processor.outbox import OutboxRelay
from monazite_processor.sequencing import plan_intake

log = logging.getLogger("monazite.processor")

HEARTBEAT_INTERVAL_S = 2.0

Correlations = Mapping[tuple[str, int, int], str | None]


class Runtime:
    """What a worker needs once started: its intake, the fold leader it may become, the outbox
    relay, and the readiness flags."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.instance = f"{socket.gethostname()}:{os.getpid()}"
        self.store: ProcessorStore | None = None
        self.intake: IntakeStore | None = None
        self.leader: FoldLeader | None = None
        self.relay: OutboxRelay | None = None
        self.broker_epoch: str | None = None
        self.assigned = False
        #: Messages this worker took in (queued for the fold or dead-lettered).
        self.taken_in = 0
        self.metrics = PipelineMetrics()
        self.recorder = BatchRecorder(self.metrics)
        # Asks the broker for end offsets only (no group, no commits): lag and the fold frontier.
        self.offsets_probe: AIOKafkaConsumer | None = None
        self._started = asyncio.Lock()

    @property
    def input_partitions(self) -> list[TopicPartition]:
        settings = self.settings
        return [
            TopicPartition(spec.name(settings), p)
            for spec in INPUT_TOPICS
            for p in range(spec.partition_count(settings))
        ]

    async def ensure_started(self) -> FoldLeader:
        async with self._started:
            if self.leader is not None:
                return self.leader
            settings = self.settings
            pool = await create_pool(settings.require_database_url(), min_size=2, max_size=6)
            self.store = ProcessorStore(pool, consumer=settings.processor_group)
            self.intake = IntakeStore(pool, consumer=settings.processor_group)
            epoch = await broker_epoch(settings, create=True)
            assert epoch is not None
            self.broker_epoch = epoch
            producer = AIOKafkaProducer(
                bootstrap_servers=settings.require_bootstrap(), acks="all", linger_ms=2
            )
            await producer.start()
            self.offsets_probe = AIOKafkaConsumer(
                bootstrap_servers=settings.require_bootstrap(), enable_auto_commit=False
            )
            await self.offsets_probe.start()
            self.relay = OutboxRelay(self.store, producer)
            self.leader = FoldLeader(
                self.intake,
                holder=self.instance,
                broker_epoch=epoch,
                new_folder=self.restored_folder,
                end_offsets=self.end_offsets,
                on_batch=self.after_batch,
                window_ms=settings.fold_window_ms,
                margin_ms=settings.fold_margin_ms,
                batch_max=settings.processor_batch_max,
                lease_s=settings.fold_lease_s,
                poll_s=settings.fold_poll_s,
            )
            log.info("worker %s started; broker epoch %s", self.instance, epoch)
            return self.leader

    async def restored_folder(self) -> Folder:
        """A folder holding the state as committed (checkpoint, then the archive after it)."""
        settings = self.settings
        assert self.store is not None
        assert self.broker_epoch is not None
        folder = Folder(
            self.store,
            Topics(
                INDICES.name(settings),
                DEALS.name(settings),
                ALERTS.name(settings),
                DEAD_LETTERS.name(settings),
                CHAINS.name(settings),
            ),
            broker_epoch=self.broker_epoch,
            alert_rules=settings.alert_rules(),
            park_seconds=settings.park_seconds,
            checkpoint_every=settings.checkpoint_every,
            screen_rules=settings.screen_rules(),
        )
        restored = await folder.restore()
        log.info("restored %d archived events", restored)
        if self.relay is not None:
            await self.relay.drain()  # what a predecessor committed but did not publish
        return folder

    async def end_offsets(self) -> dict[tuple[str, int], int]:
        assert self.offsets_probe is not None
        ends = await self.offsets_probe.end_offsets(self.input_partitions)
        return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}

    async def take_in(self, messages: Sequence[RawMessage], correlations: Correlations) -> None:
        """Record this worker's messages for the fold (or dead-letter them), once each."""
        assert self.intake is not None
        assert self.broker_epoch is not None
        epoch = self.broker_epoch
        now = datetime.now(UTC)
        dead_letter_topic = DEAD_LETTERS.name(self.settings)

        def plan(positions: Mapping[tuple[str, int], PartitionPosition]) -> IntakeWrite:
            return plan_intake(
                messages,
                positions,
                broker_epoch=epoch,
                correlation_ids=correlations,
                now=now,
                dead_letter_topic=dead_letter_topic,
            )

        write = await retry_transient(
            lambda: self.intake_store().take_in(
                epoch, {(m.topic, m.partition) for m in messages}, plan
            )
        )
        self.taken_in += len(write.queued) + len(write.dead_letters)
        if write.dead_letters:
            origins = {where: MessageOrigin(None, cid) for where, cid in correlations.items()}
            self.recorder.record(
                BatchWrite(dead_letters=write.dead_letters),
                [],
                origins,
                committed_at=now,
                duration_s=0.0,
            )
        if self.leader is not None:
            self.leader.wake.set()

    def intake_store(self) -> IntakeStore:
        assert self.intake is not None
        return self.intake

    async def after_batch(
        self,
        batch: BatchWrite,
        messages: list[RawMessage],
        queued: list[QueuedMessage],
        duration_s: float,
    ) -> None:
        """Account for a committed fold batch and publish what it produced."""
        origins = {
            (q.topic, q.partition, q.offset): MessageOrigin(q.timestamp_ms, q.correlation_id)
            for q in queued
        }
        self.recorder.record(
            batch, messages, origins, committed_at=datetime.now(UTC), duration_s=duration_s
        )
        if self.relay is not None:
            await self.relay.drain()

    async def beat_until_stopped(self, app: faust.App) -> None:
        """Tell the gateway (through PostgreSQL) that this worker is alive and what it has done."""
        while not app.should_stop:
            try:
                await self.heartbeat()
                if self.leader is not None and self.leader.leading and self.relay is not None:
                    await self.relay.drain()  # dead letters the intake committed
            except Exception as error:  # a missed heartbeat must never stop the worker
                log.warning("heartbeat failed: %s", error)
            await asyncio.sleep(HEARTBEAT_INTERVAL_S)

    async def measure_lag(self) -> None:
        if self.store is None or self.offsets_probe is None or self.broker_epoch is None:
            return
        settings = self.settings
        self.metrics.consumer_lag = await measure_lag(
            self.offsets_probe,
            {spec.name(settings): spec.partition_count(settings) for spec in INPUT_TOPICS},
            await self.store.next_offsets(self.broker_epoch),
        )
        self.metrics.lag_measured_at = datetime.now(UTC)

    async def heartbeat(self) -> None:
        if self.store is None:
            return
        try:
            # Bounded: a slow broker must not hold up the heartbeat that says we are alive.
            await asyncio.wait_for(self.measure_lag(), timeout=HEARTBEAT_INTERVAL_S)
        except Exception as error:  # the heartbeat itself matters more than the lag figure
            log.warning("consumer lag not measured: %s", error)
        leader = self.leader
        folder = leader.folder if leader is not None else None
        detail: dict[str, Any] = {
            "events_folded": folder.events_folded if folder is not None else 0,
            "assigned": self.assigned,
            "taken_in": self.taken_in,
            "role": "folding" if leader is not None and leader.leading else "standby",
            "metrics": self.metrics.document(),
        }
        await self.store.heartbeat(
            service="processor",
            instance=self.instance,
            ready=leader is not None and (self.assigned or leader.leading),
            detail=detail,
        )


def _consumer_with_fetch_wait(fetch_max_wait_ms: int) -> type[faust_aiokafka.Consumer]:
    """Faust's aiokafka consumer with a fetch wait of our choosing (Faust fixes 1.5 s)."""

    class IntakeConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> AIOKafkaConsumer:
            consumer = super()._create_worker_consumer(transport)
            # Read when the consumer starts its fetcher, so setting it here takes effect.
            consumer._fetch_max_wait_ms = fetch_max_wait_ms
            return consumer

    class IntakeConsumer(faust_aiokafka.Consumer):
        def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
            return IntakeConsumerThread(self, loop=self.loop, beacon=self.beacon)

    return IntakeConsumer


def create_app(settings: Settings) -> faust.App:
    datadir = settings.home / "faust"
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.processor_group,
        broker=f"kafka://{settings.require_bootstrap()}",
        value_serializer="raw",
        key_serializer="raw",
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.broker_session_timeout_s,
        broker_heartbeat_interval=settings.broker_heartbeat_interval_s,
        broker_commit_interval=1.0,
        producer_acks=-1,
        store="memory://",
        # Faust keeps a data directory even with memory stores: under the home, not the cwd.
        datadir=str(datadir),
    )
    app.transport.Consumer = _consumer_with_fetch_wait(settings.fetch_max_wait_ms)  # type: ignore[misc]
    runtime = Runtime(settings)
    inputs = app.topic(
        *(spec.name(settings) for spec in INPUT_TOPICS),
        value_serializer="raw",
        key_serializer="raw",
    )

    @app.agent(inputs)
    async def take_in(stream: faust.StreamT[bytes]) -> None:
        await runtime.ensure_started()
        batches = cast("faust.Stream[bytes]", stream).take_events(
            settings.processor_batch_max, within=settings.processor_batch_within_s
        )
        async for events in batches:
            messages = [
                RawMessage(
                    e.message.topic,
                    e.message.partition,
                    e.message.offset,
                    int(e.message.timestamp * 1000) if e.message.timestamp else None,
                    e.message.key,
                    e.message.value,
                )
                for e in events
            ]
            correlations = {
                coordinates(m): correlation_id_from_headers(e.message.headers)
                for m, e in zip(messages, events, strict=True)
            }
            await runtime.take_in(messages, correlations)

    @app.task  # type: ignore[untyped-decorator]  # faust's decorator is untyped
    async def fold() -> None:
        leader = await runtime.ensure_started()
        heartbeats = asyncio.ensure_future(runtime.beat_until_stopped(app))
        try:
            await leader.run(lambda: bool(app.should_stop))
        finally:
            heartbeats.cancel()

    async def give_up_lease(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        if runtime.leader is not None:
            await runtime.leader.resign()

    app.on_before_shutdown.connect(give_up_lease)

    def on_assigned(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        runtime.assigned = True
        log.info("partitions assigned: %s", args[0] if args else "")

    app.on_partitions_assigned.connect(on_assigned)

    app.monazite_runtime = runtime  # type: ignore[attr-defined]
    return app
