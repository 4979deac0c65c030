"""Small helpers to put raw bytes on a topic and read what the processor published."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def produce_raw(
    bootstrap: str, topic: str, values: list[bytes], key: bytes | None = None
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def read_topic_until(
    bootstrap: str, topic: str, predicate: Any, timeout_s: float = 30.0
) -> list[dict[str, Any]]:
    """Read the topic from the beginning until the messages read so far satisfy `predicate`."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    seen: list[dict[str, Any]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    document = orjson.loads(record.value)
                    seen.append(document)
                    if predicate(seen):
                        return seen
        raise AssertionError(
            f"no matching message on {topic} within {timeout_s} s ({len(seen)} read)"
        )
    finally:
        await consumer.stop()
