"""The topic catalogue: every topic Monazite reads or writes, with its key and partition count.

Topics are always created explicitly (the embedded broker's auto-created topics get mismatched
partition counts, which Faust refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monazite_infra.settings import Settings

Direction = Literal["input", "output", "meta"]


@dataclass(frozen=True)
class TopicSpec:
    suffix: str
    direction: Direction
    key: str
    carries: tuple[str, ...]
    description: str
    partitions: int | None = None  # None: the configured input partition count

    def name(self, settings: Settings) -> str:
        return settings.topic_prefix + self.suffix

    def partition_count(self, settings: Settings) -> int:
        return self.partitions if self.partitions is not None else settings.input_partitions


ENTITIES = TopicSpec(
    "entities", "input", "entity_id", ("entity_registered",), "Companies, states, funds, persons."
)
OWNERSHIP = TopicSpec(
    "ownership",
    "input",
    "target_id (absorbed_id, facility_id, venture_id)",
    ("stake_changed", "merger_completed", "asset_transferred", "joint_venture_formed"),
    "Stakes and deals; keyed by what changes hands so its changes stay in order.",
)
POLICIES = TopicSpec(
    "policies",
    "input",
    "control_id (jurisdiction, recipient_id)",
    (
        "export_control_imposed",
        "export_control_suspended",
        "export_control_lifted",
        "quota_set",
        "tariff_imposed",
        "funding_awarded",
        "price_floor_set",
    ),
    "Export controls, quotas, tariffs, funding and price floors.",
)
CAPACITY = TopicSpec(
    "capacity",
    "input",
    "market_id",
    ("output_reported",),
    "Production, capacity and quota per supplier, market and year.",
)
CORRECTIONS = TopicSpec(
    "corrections",
    "input",
    "retracted_event_id",
    ("event_retracted",),
    "Retractions of accepted events (a correction: the retraction plus the new fact).",
)
INDICES = TopicSpec(
    "indices",
    "output",
    "market_id",
    ("index_changed",),
    "Every change of an index figure, with the events that caused it.",
)
DEALS = TopicSpec(
    "deals",
    "output",
    "deal event_id",
    ("deal_assessed",),
    "One assessment per ownership-changing event: HHI before and after, screens, in words.",
)
ALERTS = TopicSpec(
    "alerts",
    "output",
    "market_id",
    ("alert_raised",),
    "Threshold crossings, failed screens and policy cuts, with the events that caused them.",
)
CHAINS = TopicSpec(
    "chains",
    "output",
    "commodity",
    ("chain_changed",),
    "Whole-chain views: integration per controller, bloc shares per stage, the bottleneck outside"
    " China, whenever they change.",
)
DEAD_LETTERS = TopicSpec(
    "dead-letters",
    "output",
    "source topic:partition",
    ("dead_lettered",),
    "Messages that could not be accepted, with the reason.",
    partitions=1,
)
REVIEW = TopicSpec(
    "review",
    "meta",
    "event_id",
    (),
    "News candidates below the publishing threshold, waiting for a person (monazite review):"
    " the extractor's envelope, not an event a client sends or receives.",
    partitions=1,
)
BROKER_EPOCH = TopicSpec(
    "broker-epoch",
    "meta",
    "none",
    (),
    "One random id per broker lifetime: tells a restarted stack that offsets it stored are stale.",
    partitions=1,
)

CATALOGUE: tuple[TopicSpec, ...] = (
    ENTITIES,
    OWNERSHIP,
    CAPACITY,
    POLICIES,
    CORRECTIONS,
    INDICES,
    DEALS,
    ALERTS,
    CHAINS,
    DEAD_LETTERS,
    REVIEW,
    BROKER_EPOCH,
)
INPUT_TOPICS: tuple[TopicSpec, ...] = tuple(t for t in CATALOGUE if t.direction == "input")

_BY_EVENT_TYPE = {event_type: spec for spec in INPUT_TOPICS for event_type in spec.carries}


def input_topic_for(event_type: str) -> TopicSpec:
    """The input topic that carries events of `event_type`."""
    try:
        return _BY_EVENT_TYPE[event_type]
    except KeyError:
        raise ValueError(f"no input topic carries events of type {event_type!r}") from None
