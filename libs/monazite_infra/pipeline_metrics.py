"""The processor's own measurements: kept in memory by each worker, written into its heartbeat
(`service_status.detail["metrics"]`) and rendered by the gateway's `/metrics`, so that one scrape
of the gateway shows the whole pipeline.

Counters and histograms are cumulative since the worker started, as Prometheus expects; a
restarted worker starts again from zero, which Prometheus reads as a counter reset.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from monazite_infra.topics import INPUT_TOPICS

EventOutcome = Literal["accepted", "duplicate", "dead_lettered", "parked"]

#: Event types a label may take; anything else (undecodable input) is counted as "unknown",
#: so a producer sending garbage cannot grow the number of series without bound.
KNOWN_EVENT_TYPES = frozenset(t for spec in INPUT_TOPICS for t in spec.carries)
UNKNOWN_EVENT_TYPE = "unknown"

#: Ingest to committed index change, in seconds: sub-second when healthy, minutes when stuck.
FRESHNESS_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
#: Messages per batch, up to the largest MONAZITE_BATCH_MAX worth having.
BATCH_SIZE_BUCKETS = (1.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0)
#: Fold plus PostgreSQL commit of one batch, in seconds.
BATCH_DURATION_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def event_type_label(event_type: object) -> str:
    return (
        event_type
        if isinstance(event_type, str) and event_type in KNOWN_EVENT_TYPES
        else (UNKNOWN_EVENT_TYPE)
    )


class Histogram(BaseModel):
    """Observations counted per bucket: `counts[i]` holds those ≤ `bounds[i]` and above the
    bound before it; the last count holds those above every bound (+Inf)."""

    bounds: tuple[float, ...]
    counts: list[int]
    sum: float = 0.0

    @model_validator(mode="after")
    def _one_count_per_bucket(self) -> Histogram:
        if len(self.counts) != len(self.bounds) + 1:
            raise ValueError(f"{len(self.bounds)} bounds need {len(self.bounds) + 1} counts")
        if list(self.bounds) != sorted(set(self.bounds)):
            raise ValueError("bounds must increase")
        return self

    @classmethod
    def empty(cls, bounds: tuple[float, ...]) -> Histogram:
        return cls(bounds=bounds, counts=[0] * (len(bounds) + 1))

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.sum += value

    @property
    def count(self) -> int:
        return sum(self.counts)

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, observations ≤ it) for every bound and +Inf: Prometheus' `le` buckets."""
        running = 0
        rows = []
        for bound, count in zip((*self.bounds, float("inf")), self.counts, strict=True):
            running += count
            rows.append((bound, running))
        return rows


class EventCount(BaseModel):
    type: str
    outcome: EventOutcome
    count: int = Field(ge=0)


class PartitionLag(BaseModel):
    """How far the committed state is behind one input partition: the partition's end offset
    minus the next offset committed with the state (messages not yet folded)."""

    topic: str
    partition: int
    end_offset: int
    committed_offset: int

    @property
    def lag(self) -> int:
        return max(0, self.end_offset - self.committed_offset)


class PipelineMetrics(BaseModel):
    """Everything one processor worker measured since it started."""

    events: list[EventCount] = Field(default_factory=list)
    freshness_s: Histogram = Field(default_factory=lambda: Histogram.empty(FRESHNESS_BUCKETS_S))
    batch_size: Histogram = Field(default_factory=lambda: Histogram.empty(BATCH_SIZE_BUCKETS))
    batch_duration_s: Histogram = Field(
        default_factory=lambda: Histogram.empty(BATCH_DURATION_BUCKETS_S)
    )
    consumer_lag: list[PartitionLag] = Field(default_factory=list)
    lag_measured_at: datetime | None = None

    def count_event(self, event_type: object, outcome: EventOutcome, n: int = 1) -> None:
        label = event_type_label(event_type)
        for row in self.events:
            if row.type == label and row.outcome == outcome:
                row.count += n
                return
        self.events.append(EventCount(type=label, outcome=outcome, count=n))

    def events_counted(self, outcome: EventOutcome | None = None) -> int:
        return sum(r.count for r in self.events if outcome is None or r.outcome == outcome)

    def document(self) -> dict[str, Any]:
        """The JSON document carried in the heartbeat."""
        return self.model_dump(mode="json")


def parse_metrics(document: object) -> PipelineMetrics | None:
    """A worker's metrics from its heartbeat detail; None when absent or of another shape (a
    worker of an older or newer version must not break the scrape)."""
    if not isinstance(document, dict):
        return None
    try:
        return PipelineMetrics.model_validate(document)
    except ValueError:
        return None
