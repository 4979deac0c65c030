"""Topic creation and broker identity, on any Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from monazite_infra.settings import Settings
from monazite_infra.topics import BROKER_EPOCH, CATALOGUE


class TopicMismatch(RuntimeError):
    """A topic exists with another partition count than the catalogue declares."""


async def ensure_topics(settings: Settings) -> dict[str, int]:
    """Create every catalogued topic that is missing; check the partition count of the others."""
    wanted = {spec.name(settings): spec.partition_count(settings) for spec in CATALOGUE}
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.require_bootstrap())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, partitions, settings.replication_factor)
            for name, partitions in wanted.items()
            if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
        described = await admin.describe_topics(list(wanted))
        actual = {d["topic"]: len(d["partitions"]) for d in described}
        wrong = {n: (actual.get(n), p) for n, p in wanted.items() if actual.get(n) != p}
        if wrong:
            details = ", ".join(f"{n} has {a} partitions, wants {w}" for n, (a, w) in wrong.items())
            raise TopicMismatch(details)
        return actual
    finally:
        await admin.close()


async def broker_epoch(settings: Settings, *, create: bool = False) -> str | None:
    """The random id written once into the broker-epoch topic of this broker's lifetime.

    A memory-only broker forgets everything when it restarts; offsets stored for the previous
    epoch must then not be applied to the new one.
    """
    topic = BROKER_EPOCH.name(settings)
    bootstrap = settings.require_bootstrap()
    current = await _read_first_message(bootstrap, topic)
    if current is not None or not create:
        return current
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, uuid.uuid4().hex.encode(), partition=0)
    finally:
        await producer.stop()
    return await _read_first_message(bootstrap, topic)


async def _read_first_message(bootstrap: str, topic: str) -> str | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if end == 0:
            return None
        consumer.seek(tp, 0)
        batch = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
        records = batch.get(tp, [])
        return records[0].value.decode() if records and records[0].value else None
    finally:
        await consumer.stop()


async def broker_reachable(bootstrap: str, timeout_s: float = 3.0) -> bool:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        await asyncio.wait_for(admin.start(), timeout_s)
        await asyncio.wait_for(admin.list_topics(), timeout_s)
        return True
    except (KafkaError, OSError, TimeoutError):
        return False
    finally:
        with contextlib.suppress(KafkaError, OSError, AttributeError):
            await admin.close()
