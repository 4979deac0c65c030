"""The Faust processor: one agent folds every input topic into the market state in batches."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from monazite_infra.kafka_admin import broker_epoch
from monazite_infra.pipeline_metrics import PipelineMetrics
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ProcessorStore
from monazite_infra.settings import Settings
from monazite_infra.topics import ALERTS, CHAINS, DEAD_LETTERS, DEALS, INDICES, INPUT_TOPICS
from monazite_processor.batch_metrics import (
    BatchRecorder,
    Coordinates,
    MessageOrigin,
    coordinates,
    correlation_id_from_headers,
    measure_lag,
)
from monazite_processor.folding import Folder, RawMessage, Topics
from monazite_processor.outbox import OutboxRelay

log = logging.getLogger("monazite.processor")

HEARTBEAT_INTERVAL_S = 2.0


class Runtime:
    """What the agent needs once started: the folder, the outbox relay and the readiness flags."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.instance = f"{socket.gethostname()}:{os.getpid()}"
        self.folder: Folder | None = None
        self.relay: OutboxRelay | None = None
        self.store: ProcessorStore | None = None
        self.assigned = False
        self.metrics = PipelineMetrics()
        self.recorder = BatchRecorder(self.metrics)
        # Asks the broker for end offsets only (no group, no commits): the consumer lag.
        self.offsets_probe: AIOKafkaConsumer | None = None
        self._started = asyncio.Lock()

    async def ensure_started(self) -> Folder:
        async with self._started:
            if self.folder is not None:
                return self.folder
            settings = self.settings
            pool = await create_pool(settings.require_database_url(), min_size=1, max_size=4)
            self.store = ProcessorStore(pool, consumer=settings.processor_group)
            epoch = await broker_epoch(settings, create=True)
            assert epoch is not None
            folder = Folder(
                self.store,
                Topics(
                    INDICES.name(settings),
                    DEALS.name(settings),
                    ALERTS.name(settings),
                    DEAD_LETTERS.name(settings),
                    CHAINS.name(settings),
                ),
                broker_epoch=epoch,
                alert_rules=settings.alert_rules(),
                park_seconds=settings.park_seconds,
                checkpoint_every=settings.checkpoint_every,
                screen_rules=settings.screen_rules(),
            )
            restored = await folder.restore()
            producer = AIOKafkaProducer(
                bootstrap_servers=settings.require_bootstrap(), acks="all", linger_ms=2
            )
            await producer.start()
            self.offsets_probe = AIOKafkaConsumer(
                bootstrap_servers=settings.require_bootstrap(), enable_auto_commit=False
            )
            await self.offsets_probe.start()
            self.relay = OutboxRelay(self.store, producer)
            await self.relay.drain()
            log.info("restored %d archived events; broker epoch %s", restored, epoch)
            self.folder = folder
            return folder

    async def beat_until_stopped(self, app: faust.App) -> None:
        """Tell the gateway (through PostgreSQL) that this worker is alive and what it has done."""
        while not app.should_stop:
            try:
                await self.heartbeat()
                await self.retry_parked()
            except Exception as error:  # a missed heartbeat must never stop the worker
                log.warning("heartbeat failed: %s", error)
            await asyncio.sleep(HEARTBEAT_INTERVAL_S)

    async def retry_parked(self) -> None:
        """Parked events expire even when no new message arrives to trigger a batch."""
        if self.folder is not None and self.folder.parked and self.relay is not None:
            await self.fold_batch(self.folder, [], {})
            await self.relay.drain()

    async def fold_batch(
        self,
        folder: Folder,
        messages: Sequence[RawMessage],
        origins: dict[Coordinates, MessageOrigin],
    ) -> None:
        """Fold and commit one batch, and account for what it did."""
        started = time.perf_counter()
        batch = await folder.handle(messages)
        duration_s = time.perf_counter() - started
        self.recorder.record(
            batch, messages, origins, committed_at=datetime.now(UTC), duration_s=duration_s
        )

    async def measure_lag(self) -> None:
        if self.store is None or self.folder is None or self.offsets_probe is None:
            return
        settings = self.settings
        self.metrics.consumer_lag = await measure_lag(
            self.offsets_probe,
            {spec.name(settings): spec.partition_count(settings) for spec in INPUT_TOPICS},
            await self.store.next_offsets(self.folder.broker_epoch),
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
        detail: dict[str, Any] = {
            "events_folded": self.folder.events_folded if self.folder else 0,
            "assigned": self.assigned,
            "metrics": self.metrics.document(),
        }
        await self.store.heartbeat(
            service="processor",
            instance=self.instance,
            ready=self.folder is not None and self.assigned,
            detail=detail,
        )


def create_app(settings: Settings) -> faust.App:
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
    )
    runtime = Runtime(settings)
    inputs = app.topic(
        *(spec.name(settings) for spec in INPUT_TOPICS),
        value_serializer="raw",
        key_serializer="raw",
    )

    @app.agent(inputs)
    async def fold(stream: faust.StreamT[bytes]) -> None:
        folder = await runtime.ensure_started()
        heartbeats = asyncio.ensure_future(runtime.beat_until_stopped(app))
        relay = runtime.relay
        assert relay is not None
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
            origins = {
                coordinates(m): MessageOrigin(
                    m.timestamp_ms, correlation_id_from_headers(e.message.headers)
                )
                for m, e in zip(messages, events, strict=True)
            }
            await runtime.fold_batch(folder, messages, origins)
            await relay.drain()
        heartbeats.cancel()

    def on_assigned(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        runtime.assigned = True
        log.info("partitions assigned: %s", args[0] if args else "")

    app.on_partitions_assigned.connect(on_assigned)

    app.monazite_runtime = runtime  # type: ignore[attr-defined]
    return app
