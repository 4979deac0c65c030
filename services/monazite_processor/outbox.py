"""Publishes what the fold committed to the outbox, then forgets it: at least once, in order."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer

from monazite_infra.postgres.processor_store import ProcessorStore


class OutboxRelay:
    def __init__(self, store: ProcessorStore, producer: AIOKafkaProducer) -> None:
        self._store = store
        self._producer = producer
        self._lock = asyncio.Lock()

    async def drain(self) -> int:
        """Publish every pending message; returns how many were published."""
        async with self._lock:
            total = 0
            while pending := await self._store.pending_outbox():
                futures = [
                    await self._producer.send(message.topic, message.value, key=message.key)
                    for _, message in pending
                ]
                await asyncio.gather(*futures)
                await self._store.delete_outbox(pending[-1][0])
                total += len(pending)
            return total
