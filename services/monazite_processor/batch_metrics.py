"""What each committed batch did, for operators: events per outcome, freshness, batch size and
duration (into the worker's PipelineMetrics), and a log line with the correlation id of every
event dead-lettered or parked. Consumer lag is probed from the broker on the heartbeat.

The fold reports its work as a BatchWrite; this module reads it and never changes it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from monazite_infra.pipeline_metrics import EventOutcome, PartitionLag, PipelineMetrics
from monazite_infra.postgres.processor_store import BatchWrite
from monazite_infra.publisher import CORRELATION_HEADER
from monazite_processor.folding import RawMessage

log = logging.getLogger("monazite.processor")

Coordinates = tuple[str, int, int]


@dataclass(frozen=True)
class MessageOrigin:
    """What the fold does not carry: when the broker took the message, and for which request."""

    timestamp_ms: int | None
    correlation_id: str | None


def coordinates(message: RawMessage) -> Coordinates:
    return (message.topic, message.partition, message.offset)


def correlation_id_from_headers(headers: object) -> str | None:
    """The `correlation_id` header of a Kafka message (a list of pairs or a mapping)."""
    pairs: Iterable[Any]
    if isinstance(headers, Mapping):
        pairs = headers.items()
    elif isinstance(headers, list | tuple):
        pairs = headers
    else:
        return None
    for pair in pairs:
        if isinstance(pair, tuple | list) and len(pair) == 2 and pair[0] == CORRELATION_HEADER:
            value = pair[1]
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            return text or None
    return None


class BatchRecorder:
    """Accounts every committed batch into `metrics`."""

    def __init__(self, metrics: PipelineMetrics) -> None:
        self.metrics = metrics
        # Parked events settle in a later batch, when their message is no longer in hand.
        self._waiting: dict[Coordinates, MessageOrigin] = {}

    def record(
        self,
        batch: BatchWrite,
        messages: Sequence[RawMessage],
        origins: Mapping[Coordinates, MessageOrigin],
        *,
        committed_at: datetime,
        duration_s: float,
    ) -> None:
        known = {**self._waiting, **origins}
        outcomes: Counter[tuple[str, EventOutcome]] = Counter()
        settled: set[Coordinates] = set()
        accepted_at: dict[str, Coordinates] = {}
        for archived in batch.archived:
            where = (archived.topic, archived.partition, archived.offset)
            outcomes[archived.type, "accepted"] += 1
            settled.add(where)
            accepted_at[archived.event_id] = where
        for letter in batch.dead_letters:
            where = (letter.topic, letter.partition, letter.offset)
            outcomes[_type_of(letter.payload), "dead_lettered"] += 1
            settled.add(where)
            correlation_id = _correlation(known, where)
            # In the text as well: the worker's log is Faust's plain-text format, not JSON.
            log.warning(
                "dead-lettered %s (%s:%s@%s, correlation_id %s): %s",
                letter.event_id or "an undecodable message",
                *where,
                correlation_id or "none",
                letter.reason,
                extra={"correlation_id": correlation_id},
            )
        for parked in batch.parked:
            where = (parked.topic, parked.partition, parked.offset)
            outcomes[str(parked.payload.get("type")), "parked"] += 1
            self._waiting[where] = known.get(where, MessageOrigin(None, None))
            correlation_id = _correlation(known, where)
            log.info(
                "parked %s (%s:%s@%s, correlation_id %s) until %s registered",
                parked.event_id,
                *where,
                correlation_id or "none",
                ", ".join(parked.missing),
                extra={"correlation_id": correlation_id},
            )
        parked_now = {(p.topic, p.partition, p.offset) for p in batch.parked}
        for message in messages:
            where = coordinates(message)
            if where not in settled and where not in parked_now:
                # Folded before (same id and content) or delivered again below the committed
                # offset: either way nothing new.
                outcomes[_type_of(message.value), "duplicate"] += 1
        for where in settled:
            self._waiting.pop(where, None)
        for (event_type, outcome), count in sorted(outcomes.items()):
            self.metrics.count_event(event_type, outcome, count)
        self._observe_freshness(batch, accepted_at, known, committed_at)
        if messages:
            self.metrics.batch_size.observe(len(messages))
            self.metrics.batch_duration_s.observe(duration_s)

    def _observe_freshness(
        self,
        batch: BatchWrite,
        accepted_at: Mapping[str, Coordinates],
        known: Mapping[Coordinates, MessageOrigin],
        committed_at: datetime,
    ) -> None:
        """Once per event that moved an index in this batch: its ingest to this commit."""
        causes = {cause for change in batch.indices for cause in change.caused_by}
        committed_ms = committed_at.timestamp() * 1000
        for event_id in causes:
            where = accepted_at.get(event_id)
            origin = known.get(where) if where is not None else None
            if origin is not None and origin.timestamp_ms:
                # Clocks of the producer and this host may disagree by a little: never negative.
                self.metrics.freshness_s.observe(
                    max(0.0, committed_ms - origin.timestamp_ms) / 1000
                )


async def measure_lag(
    consumer: AIOKafkaConsumer,
    partitions: Mapping[str, int],
    committed: Mapping[tuple[str, int], int],
) -> list[PartitionLag]:
    """End offset of every input partition (`partitions`: topic to partition count) against
    the next offset committed with the state."""
    wanted = [TopicPartition(topic, p) for topic, count in partitions.items() for p in range(count)]
    ends: Mapping[TopicPartition, int] = await consumer.end_offsets(wanted)
    return [
        PartitionLag(
            topic=tp.topic,
            partition=tp.partition,
            end_offset=ends[tp],
            committed_offset=committed.get((tp.topic, tp.partition), 0),
        )
        for tp in wanted
        if tp in ends
    ]


def _correlation(known: Mapping[Coordinates, MessageOrigin], where: Coordinates) -> str | None:
    origin = known.get(where)
    return origin.correlation_id if origin is not None else None


def _type_of(value: bytes | str | None) -> str:
    try:
        document = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        return ""
    found = document.get("type") if isinstance(document, dict) else None
    return found if isinstance(found, str) else ""
