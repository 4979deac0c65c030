"""The fold's order is a function of the topics' content: merge times, the release frontier and
the windows do not depend on how messages were split between workers or batches."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import orjson
from hypothesis import given
from hypothesis import strategies as st

from monazite_infra.postgres.intake_store import PartitionPosition, QueuedMessage
from monazite_processor.folding import RawMessage
from monazite_processor.sequencing import plan_intake, release_frontier, window_end

NOW = datetime(2026, 1, 1, tzinfo=UTC)
EVENT = orjson.dumps(
    {
        "type": "entity_registered",
        "event_id": "e:1",
        "occurred_at": "2025-01-01T00:00:00Z",
        "source": {"publisher": "tests"},
        "entity_id": "acme",
        "name": "Acme",
        "country": "AU",
        "kind": "company",
    }
)


def _message(
    partition: int, offset: int, timestamp_ms: int | None, value: bytes = EVENT
) -> RawMessage:
    return RawMessage("in.entities", partition, offset, timestamp_ms, b"k", value)


def _plan(
    messages: list[RawMessage], positions: dict[tuple[str, int], PartitionPosition] | None = None
) -> tuple[list[QueuedMessage], dict[tuple[str, int], PartitionPosition], int]:
    write = plan_intake(
        messages,
        positions or {},
        broker_epoch="epoch",
        correlation_ids={("in.entities", 0, 1): "req-1"},
        now=NOW,
        dead_letter_topic="dead",
    )
    return write.queued, write.positions, len(write.dead_letters)


def test_merge_time_never_goes_back_within_a_partition() -> None:
    queued, positions, _ = _plan(
        [_message(0, 0, 5_000), _message(0, 1, 3_000), _message(0, 2, 9_000)]
    )
    assert [q.merge_ms for q in queued] == [5_000, 5_000, 9_000]
    assert [q.timestamp_ms for q in queued] == [5_000, 3_000, 9_000]
    assert positions == {("in.entities", 0): PartitionPosition(3, 9_000)}
    assert queued[1].correlation_id == "req-1"


def test_messages_below_the_position_are_skipped_as_redelivered() -> None:
    write = plan_intake(
        [_message(0, 0, 1_000), _message(0, 1, 2_000), _message(0, 2, 3_000)],
        {("in.entities", 0): PartitionPosition(2, 2_500)},
        broker_epoch="epoch",
        correlation_ids={},
        now=NOW,
        dead_letter_topic="dead",
    )
    assert write.redelivered == 2
    assert [(q.offset, q.merge_ms) for q in write.queued] == [(2, 3_000)]


def test_a_message_that_is_no_event_is_dead_lettered_and_still_moves_the_position() -> None:
    queued, positions, dead = _plan([_message(1, 0, 1_000, b"{not json"), _message(1, 1, 2_000)])
    assert dead == 1
    assert [q.offset for q in queued] == [1]
    assert positions[("in.entities", 1)] == PartitionPosition(2, 2_000)


def test_a_message_without_a_timestamp_takes_the_intake_time() -> None:
    queued, _, _ = _plan([_message(0, 0, None)])
    assert queued[0].merge_ms == int(NOW.timestamp() * 1000)
    assert queued[0].timestamp_ms is None


def test_the_frontier_waits_for_a_partition_with_messages_left_to_read() -> None:
    positions = {("t", 0): PartitionPosition(10, 7_000), ("t", 1): PartitionPosition(4, 9_000)}
    ends = {("t", 0): 12, ("t", 1): 4}
    assert release_frontier(ends, positions, checked_at_ms=10_000, margin_ms=500) == 7_000


def test_the_frontier_of_partitions_read_to_their_end_trails_the_check_by_the_margin() -> None:
    positions = {("t", 0): PartitionPosition(12, 7_000)}
    ends = {("t", 0): 12, ("t", 1): 0}  # partition 1 never had a message
    assert release_frontier(ends, positions, checked_at_ms=10_000, margin_ms=500) == 9_500


def test_a_partition_read_to_its_end_but_still_moving_holds_the_frontier_at_its_stream_time() -> (
    None
):
    """A broker may report an end offset inside the last record batch: until a partition's
    position has stood still for a margin, only its stream time bounds what it can bring."""
    positions = {("t", 0): PartitionPosition(12, 7_000)}
    ends = {("t", 0): 12}
    moving = {("t", 0): 9_800}
    still = {("t", 0): 9_400}
    assert (
        release_frontier(ends, positions, checked_at_ms=10_000, margin_ms=500, moved_at_ms=moving)
        == 7_000
    )
    assert (
        release_frontier(ends, positions, checked_at_ms=10_000, margin_ms=500, moved_at_ms=still)
        == 9_500
    )


def test_a_partition_nobody_has_read_yet_holds_the_frontier_at_zero() -> None:
    assert release_frontier({("t", 0): 3}, {}, checked_at_ms=10_000, margin_ms=0) == 0


def test_windows_are_aligned_on_multiples_of_their_length() -> None:
    assert window_end(0, 50) == 50
    assert window_end(49, 50) == 50
    assert window_end(50, 50) == 100


@st.composite
def _partitions(draw: st.DrawFn) -> list[list[RawMessage]]:
    count = draw(st.integers(1, 4))
    partitions = []
    for p in range(count):
        stamps = draw(st.lists(st.integers(1, 10_000), max_size=12))
        partitions.append([_message(p, offset, ts) for offset, ts in enumerate(stamps)])
    return partitions


@given(_partitions(), st.integers(0, 2**32), st.integers(1, 5))
def test_what_is_queued_does_not_depend_on_how_the_messages_were_split_or_redelivered(
    partitions: list[list[RawMessage]], seed: int, takes: int
) -> None:
    """One worker taking everything at once, or several taking interleaved pieces with
    redeliveries after a rebalance, queue the same messages with the same merge times."""
    everything = [m for partition in partitions for m in partition]
    at_once, _, _ = _plan(everything)

    rng = random.Random(seed)
    cursors = [0] * len(partitions)
    positions: dict[tuple[str, int], PartitionPosition] = {}
    pieces: list[QueuedMessage] = []
    while any(c < len(p) for c, p in zip(cursors, partitions, strict=True)):
        batch: list[RawMessage] = []
        for p, partition in enumerate(partitions):
            if cursors[p] >= len(partition):
                continue
            # A new owner may be handed messages its predecessor already took in.
            start = max(0, cursors[p] - rng.randrange(0, 3))
            end = min(len(partition), cursors[p] + rng.randrange(1, takes + 1))
            batch.extend(partition[start:end])
            cursors[p] = end
        rng.shuffle(batch)
        queued, moved, _ = _plan(batch, positions)
        positions.update(moved)
        pieces.extend(queued)

    def order(q: QueuedMessage) -> tuple[int, str, int, int]:
        return (q.merge_ms, q.topic, q.partition, q.offset)

    assert sorted(pieces, key=order) == sorted(at_once, key=order)
