"""The order of the fold, as a function of the input topics' content alone.

Every worker of the group takes in the partitions Kafka assigned it; one worker folds. For three
workers to give exactly what one gives, through any rebalance, the fold must not see the order in
which messages happened to be taken in. So:

- each taken-in message gets a *merge time*: the larger of its own timestamp and the largest
  merge time taken in from its partition before it (so merge times never go back within a
  partition, whatever the producers' clocks did);
- the fold takes messages in (merge time, topic, partition, offset) order, one *window* of merge
  time per batch (cut into pieces of at most `batch_max` in that order), and only once no message
  can still arrive into the batch: every input partition has taken in a message past it, or has
  nothing more to read and the batch's messages are older than a margin before that was seen.
  A window holding more than `batch_max` messages gives its first piece as soon as that piece is
  complete, so a backlog folds in full batches without waiting for window ends.

The margin is an assumption about the world: a message reaches the broker within `margin` of its
timestamp. A message later than that is still folded exactly once, in the next batch; only the
order it is folded in may then differ from another run's.

Pure: no I/O, no clock (times are arguments).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from monazite_infra.postgres.intake_store import (
    IntakeWrite,
    PartitionPosition,
    QueuedMessage,
)
from monazite_infra.postgres.processor_store import TopicPartitionKey
from monazite_processor.folding import RawMessage, dead_letter, decode_message


def release_frontier(
    end_offsets: Mapping[TopicPartitionKey, int],
    positions: Mapping[TopicPartitionKey, PartitionPosition],
    *,
    checked_at_ms: int,
    margin_ms: int,
    moved_at_ms: Mapping[TopicPartitionKey, int] | None = None,
) -> int:
    """The merge time below which no message can still be taken in.

    Every partition can only bring messages at or after its stream time. One that looks read to
    its end (`end_offsets`, asked of the broker at `checked_at_ms`, before `positions` were read)
    can only bring messages produced after the check, so it is past `checked_at_ms - margin_ms`
    — provided its position has not moved for a margin (`moved_at_ms`: when this worker last saw
    it move): a broker may report an end offset inside its last record batch (the embedded one
    does), and a partition still being taken in is then not at its end.
    """
    moved = moved_at_ms or {}
    frontier = checked_at_ms - margin_ms
    for partition, end_offset in end_offsets.items():
        position = positions.get(partition, PartitionPosition(0, 0))
        quiet = moved.get(partition, 0) <= checked_at_ms - margin_ms
        if position.next_offset < end_offset or not quiet:
            frontier = min(frontier, position.stream_ms)
    return frontier


def window_end(merge_ms: int, window_ms: int) -> int:
    """The end (exclusive) of the fold window holding `merge_ms`."""
    return (merge_ms // window_ms + 1) * window_ms


def plan_intake(
    messages: Sequence[RawMessage],
    positions: Mapping[TopicPartitionKey, PartitionPosition],
    *,
    broker_epoch: str,
    correlation_ids: Mapping[tuple[str, int, int], str | None],
    now: datetime,
    dead_letter_topic: str,
) -> IntakeWrite:
    """What taking `messages` in writes, given the group's positions in their partitions:
    each message past its partition's position is queued for the fold with its merge time, or
    dead-lettered when it is no event at all; the positions move past every message."""
    write = IntakeWrite()
    moved = dict(positions)
    now_ms = int(now.timestamp() * 1000)
    for message in sorted(messages, key=lambda m: (m.topic, m.partition, m.offset)):
        partition = (message.topic, message.partition)
        position = moved.get(partition, PartitionPosition(0, 0))
        if message.offset < position.next_offset:
            write.redelivered += 1
            continue
        stamped = (
            message.timestamp_ms if message.timestamp_ms and message.timestamp_ms > 0 else None
        )
        merge_ms = max(stamped if stamped is not None else now_ms, position.stream_ms)
        moved[partition] = PartitionPosition(message.offset + 1, merge_ms)
        event, reason = decode_message(message)
        if event is None or message.value is None:
            row, announcement = dead_letter(
                message, reason or "undecodable", None, now, topic=dead_letter_topic
            )
            write.dead_letters.append(row)
            write.outbox.append(announcement)
            continue
        write.queued.append(
            QueuedMessage(
                broker_epoch=broker_epoch,
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                merge_ms=merge_ms,
                timestamp_ms=stamped,
                key=message.key,
                value=message.value,
                correlation_id=correlation_ids.get(
                    (message.topic, message.partition, message.offset)
                ),
            )
        )
    write.positions = {p: moved[p] for p in moved if moved[p] != positions.get(p)}
    return write


def fold_messages(queued: Sequence[QueuedMessage]) -> list[RawMessage]:
    """Queued messages as the folder takes them, in the order given."""
    return [
        RawMessage(q.topic, q.partition, q.offset, q.timestamp_ms, q.key, q.value, q.merge_ms)
        for q in queued
    ]
