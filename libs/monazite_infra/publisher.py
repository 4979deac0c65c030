"""Publishes validated input events to the topic of their family, keyed for ordering."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import assert_never

from aiokafka import AIOKafkaProducer

from monazite_core.events import (
    AssetTransferred,
    EntityRegistered,
    EventRetracted,
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    FundingAwarded,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    OutputReported,
    PriceFloorSet,
    QuotaSet,
    StakeChanged,
    TariffImposed,
)
from monazite_infra.codec import encode
from monazite_infra.settings import Settings
from monazite_infra.topics import input_topic_for

#: The Kafka header naming the request (or conversation) that published a message.
CORRELATION_HEADER = "correlation_id"


def partition_key(event: InputEvent) -> str:
    """The key that keeps related events in one partition, in order."""
    match event:
        case EntityRegistered():
            return event.entity_id
        case StakeChanged():
            return event.target_id
        case MergerCompleted():
            return event.absorbed_id
        case AssetTransferred():
            return event.facility_id
        case JointVentureFormed():
            return event.venture_id
        case OutputReported():
            return event.market_id
        case ExportControlImposed() | ExportControlSuspended() | ExportControlLifted():
            return event.control_id
        case QuotaSet() | TariffImposed():
            return event.jurisdiction
        case FundingAwarded():
            return event.recipient_id
        case PriceFloorSet():
            return event.jurisdiction or event.beneficiary_id or event.commodity
        case EventRetracted():
            return event.retracted_event_id
        case _:
            assert_never(event)


class EventPublisher:
    """A started producer plus the routing from event type to topic."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._producer = AIOKafkaProducer(
            bootstrap_servers=settings.require_bootstrap(), acks="all", linger_ms=5
        )

    async def __aenter__(self) -> EventPublisher:
        await self._producer.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._producer.stop()

    async def publish(
        self,
        events: Iterable[InputEvent],
        *,
        now: datetime | None = None,
        correlation_id: str | None = None,
    ) -> int:
        """Publish every event (recorded_at set on ingest when absent); waits for the broker.

        `correlation_id` (the request that brought the events) travels as the Kafka header
        `correlation_id` of each message, for the processor's log lines about them.
        """
        recorded = now or datetime.now(UTC)
        headers = [(CORRELATION_HEADER, correlation_id.encode())] if correlation_id else None
        futures = []
        for event in events:
            if event.recorded_at is None:
                event = event.model_copy(update={"recorded_at": recorded})
            topic = input_topic_for(event.type).name(self._settings)
            futures.append(
                await self._producer.send(
                    topic, encode(event), key=partition_key(event).encode(), headers=headers
                )
            )
        for future in futures:
            await future
        return len(futures)
