"""Pipeline metrics: what a batch counts, how a heartbeat snapshot renders as Prometheus text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from monazite_gateway.observability import ProcessorSnapshotCollector
from monazite_infra.pipeline_metrics import (
    Histogram,
    PartitionLag,
    PipelineMetrics,
    parse_metrics,
)
from monazite_infra.postgres.processor_store import (
    ArchivedEvent,
    BatchWrite,
    DeadLetterRow,
    IndexRow,
    ParkedRow,
)
from monazite_infra.postgres.read_store import StatusRow
from monazite_processor.batch_metrics import (
    BatchRecorder,
    MessageOrigin,
    correlation_id_from_headers,
)
from monazite_processor.folding import RawMessage

AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
TOPIC = "monazite.capacity"


def _message(offset: int, event_type: str = "output_reported", *, sent_ms: int = 0) -> RawMessage:
    value = orjson.dumps({"type": event_type, "event_id": f"e{offset}"})
    return RawMessage(TOPIC, 0, offset, sent_ms or None, None, value)


def _archived(offset: int, event_type: str = "output_reported") -> ArchivedEvent:
    return ArchivedEvent(
        event_id=f"e{offset}",
        type=event_type,
        schema_version=1,
        occurred_at=AT,
        recorded_at=AT,
        content_hash="h",
        payload={},
        topic=TOPIC,
        partition=0,
        offset=offset,
        batch_seq=1,
    )


def _index_change(*caused_by: str) -> IndexRow:
    return IndexRow(
        change_id="c",
        market_id="rare_earths.total_reo.mining",
        basis="country_location",
        period=2024,
        measure="production",
        commodity="rare_earths",
        element_group="total_reo",
        stage="mining",
        figures={},
        previous=None,
        caused_by=list(caused_by),
        occurred_at=AT,
        recorded_at=AT,
    )


def _parked(offset: int) -> ParkedRow:
    return ParkedRow(
        event_id=f"e{offset}",
        payload={"type": "stake_changed"},
        topic=TOPIC,
        partition=0,
        offset=offset,
        parked_at=AT,
        missing=["acme"],
    )


def _counts(metrics: PipelineMetrics) -> dict[tuple[str, str], int]:
    return {(r.type, r.outcome): r.count for r in metrics.events}


def test_a_batch_counts_each_message_once_by_type_and_outcome() -> None:
    metrics = PipelineMetrics()
    messages = [_message(0), _message(1), _message(2, "stake_changed"), _message(3)]
    letter = DeadLetterRow("bad", TOPIC, 0, 3, "e3", '{"type": "output_reported"}', AT)
    batch = BatchWrite(archived=[_archived(0)], dead_letters=[letter], parked=[_parked(2)])

    BatchRecorder(metrics).record(batch, messages, {}, committed_at=AT, duration_s=0.02)

    assert _counts(metrics) == {
        ("output_reported", "accepted"): 1,
        ("output_reported", "duplicate"): 1,  # offset 1: neither archived, parked nor rejected
        ("stake_changed", "parked"): 1,
        ("output_reported", "dead_lettered"): 1,
    }
    assert metrics.batch_size.count == 1
    assert metrics.batch_size.sum == 4
    assert metrics.batch_duration_s.sum == pytest.approx(0.02)


def test_freshness_runs_from_the_message_timestamp_to_the_commit_of_the_index_change() -> None:
    metrics = PipelineMetrics()
    sent_ms = int((AT - timedelta(milliseconds=300)).timestamp() * 1000)
    messages = [_message(0, sent_ms=sent_ms), _message(1, sent_ms=sent_ms)]
    origins = {(TOPIC, 0, m.offset): MessageOrigin(m.timestamp_ms, None) for m in messages}
    # Event e1 was accepted but moved no index: no freshness for it.
    batch = BatchWrite(archived=[_archived(0), _archived(1)], indices=[_index_change("e0")])

    BatchRecorder(metrics).record(batch, messages, origins, committed_at=AT, duration_s=0.01)

    assert metrics.freshness_s.count == 1
    assert metrics.freshness_s.sum == pytest.approx(0.3)


def test_a_parked_event_keeps_its_origin_until_it_settles_in_a_later_batch() -> None:
    metrics = PipelineMetrics()
    recorder = BatchRecorder(metrics)
    sent_ms = int((AT - timedelta(seconds=2)).timestamp() * 1000)
    first = [_message(5, "stake_changed", sent_ms=sent_ms)]
    origins = {(TOPIC, 0, 5): MessageOrigin(sent_ms, "req-42")}
    recorder.record(BatchWrite(parked=[_parked(5)]), first, origins, committed_at=AT, duration_s=0)

    # The retry of parked events is a batch without messages.
    later = AT + timedelta(seconds=1)
    settled = BatchWrite(archived=[_archived(5, "stake_changed")], indices=[_index_change("e5")])
    recorder.record(settled, [], {}, committed_at=later, duration_s=0)

    assert _counts(metrics) == {("stake_changed", "parked"): 1, ("stake_changed", "accepted"): 1}
    assert metrics.freshness_s.sum == pytest.approx(3.0)
    assert metrics.batch_size.count == 1  # the empty retry is no batch of messages


def test_dead_letters_and_parked_events_are_logged_with_their_correlation_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    messages = [_message(7), _message(8, "stake_changed")]
    origins = {
        (TOPIC, 0, 7): MessageOrigin(None, "req-dead"),
        (TOPIC, 0, 8): MessageOrigin(None, "req-parked"),
    }
    letter = DeadLetterRow("unknown market", TOPIC, 0, 7, "e7", "{}", AT)
    batch = BatchWrite(dead_letters=[letter], parked=[_parked(8)])

    with caplog.at_level("INFO", logger="monazite.processor"):
        BatchRecorder(PipelineMetrics()).record(
            batch, messages, origins, committed_at=AT, duration_s=0
        )

    by_id = {getattr(r, "correlation_id", None): r.getMessage() for r in caplog.records}
    assert "unknown market" in by_id["req-dead"]
    assert by_id["req-parked"].startswith("parked e8")


def test_unknown_event_types_share_one_label() -> None:
    metrics = PipelineMetrics()
    metrics.count_event("made_up_type", "dead_lettered")
    metrics.count_event(None, "dead_lettered")
    assert _counts(metrics) == {("unknown", "dead_lettered"): 2}


def test_correlation_id_is_read_from_kafka_headers_in_either_shape() -> None:
    assert correlation_id_from_headers([("other", b"x"), ("correlation_id", b"r-1")]) == "r-1"
    assert correlation_id_from_headers({"correlation_id": b"r-2"}) == "r-2"
    assert correlation_id_from_headers(None) is None
    assert correlation_id_from_headers([("correlation_id", b"")]) is None


def test_histogram_buckets_are_cumulative_with_inf_last() -> None:
    histogram = Histogram.empty((0.1, 1.0))
    for value in (0.05, 0.1, 0.5, 7.0):
        histogram.observe(value)
    assert histogram.cumulative() == [(0.1, 2), (1.0, 3), (float("inf"), 4)]


def test_a_snapshot_of_another_shape_is_ignored_not_fatal() -> None:
    assert parse_metrics({"freshness_s": {"bounds": [1.0], "counts": [1]}}) is None
    assert parse_metrics("garbage") is None
    assert parse_metrics(PipelineMetrics().document()) == PipelineMetrics()


def _worker(instance: str, metrics: PipelineMetrics, *, age_s: float, now: datetime) -> StatusRow:
    return StatusRow(
        service="processor",
        instance=instance,
        ready=True,
        heartbeat_at=now - timedelta(seconds=age_s),
        detail={"events_folded": 1, "metrics": orjson.loads(orjson.dumps(metrics.document()))},
    )


def _samples(workers: list[StatusRow], now: datetime) -> list[tuple[dict[str, str], float]]:
    """Every sample of the exposition, as ({"name": …, label: …}, value)."""
    text = generate_latest(ProcessorSnapshotCollector(workers, now=now)).decode()
    return [
        ({"name": sample.name, **sample.labels}, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def test_worker_snapshots_render_as_prometheus_counters_histograms_and_lag() -> None:
    now = AT
    fresh = PipelineMetrics()
    fresh.count_event("output_reported", "accepted", 5)
    fresh.freshness_s.observe(0.2)
    fresh.freshness_s.observe(0.4)
    fresh.consumer_lag = [PartitionLag(topic=TOPIC, partition=1, end_offset=10, committed_offset=7)]
    fresh.lag_measured_at = now
    older_lag = PipelineMetrics(
        consumer_lag=[PartitionLag(topic=TOPIC, partition=1, end_offset=10, committed_offset=0)],
        lag_measured_at=now - timedelta(seconds=5),
    )
    gone = PipelineMetrics()
    gone.count_event("output_reported", "accepted", 99)
    workers = [
        _worker("a:1", fresh, age_s=1, now=now),
        _worker("b:2", older_lag, age_s=20, now=now),
        _worker("c:3", gone, age_s=3600, now=now),
    ]

    samples = _samples(workers, now)

    def value(name: str, **labels: str) -> float:
        found = [v for s, v in samples if s == {"name": name, **labels}]
        assert len(found) == 1, (name, labels, found)
        return found[0]

    assert (
        value(
            "monazite_processor_events_total",
            worker="a:1",
            type="output_reported",
            outcome="accepted",
        )
        == 5
    )
    assert value("monazite_processor_freshness_seconds_count", worker="a:1") == 2
    assert value("monazite_processor_freshness_seconds_bucket", worker="a:1", le="0.25") == 1
    assert value("monazite_processor_freshness_seconds_bucket", worker="a:1", le="+Inf") == 2
    assert value("monazite_processor_freshness_seconds_sum", worker="a:1") == pytest.approx(0.6)
    # The latest lag measurement wins; a worker silent for an hour is left out entirely.
    assert value("monazite_consumer_lag_messages", topic=TOPIC, partition="1") == 3
    assert value("monazite_processor_workers_alive") == 1
    assert value("monazite_processor_ready", worker="b:2") == 0  # 20 s without a heartbeat
    assert not [s for s, _ in samples if s.get("worker") == "c:3"]
