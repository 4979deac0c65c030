"""The shapes the gateway answers with, as typed dictionaries: what `json.loads` gives, typed.

Conventions of the API carry over unchanged: exact quantities (tonnes, stake percentages) are
decimal strings, shares and index figures are numbers, timestamps are RFC 3339 strings with an
offset. Typed dictionaries cost nothing at run time and keep every key the server sends.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, NotRequired, TypeAlias, TypedDict, TypeVar

Stage = Literal["mining", "separation", "metals", "magnets", "recycling"]
Measure = Literal["production", "capacity", "quota", "share"]
Basis = Literal[
    "company_control",
    "company_equity",
    "country_location",
    "country_control",
    "available_to_rest_of_world",
]
AlertKind = Literal[
    "hhi_threshold_crossed",
    "top_country_share_crossed",
    "deal_screen_triggered",
    "rest_of_world_supply_cut",
]
StreamKind = Literal["index_changed", "deal_assessed", "alert_raised", "chain_changed"]

#: An event document of any type, as the archive holds it (policies differ field by field).
EventDocument: TypeAlias = Mapping[str, Any]


class Source(TypedDict):
    publisher: str
    url: NotRequired[str | None]
    title: NotRequired[str | None]
    evidence: NotRequired[str | None]


class SupplierShare(TypedDict):
    supplier_id: str
    name: str
    tonnes: str
    share_pct: float


class Figures(TypedDict):
    """Concentration of one market on one basis; `hhi` from 0 to 10 000, shares in percent."""

    hhi: float
    cr1: float
    cr3: float
    cr4: float
    effective_suppliers: float | None
    supplier_count: int
    total_tonnes: str
    unattributed_tonnes: str
    top_suppliers: list[SupplierShare]


class Market(TypedDict):
    market_id: str
    commodity: str
    element_group: str
    stage: Stage
    periods: list[int]
    measures: list[Measure]
    bases: list[Basis]


class IndexRow(TypedDict):
    """One current index: a market on one basis, year and measure."""

    market_id: str
    commodity: str
    element_group: str
    stage: Stage
    basis: Basis
    period: int
    measure: Measure
    figures: Figures
    caused_by: list[str]
    change_id: str
    valid_from: str
    updated_at: str


class SeriesRow(TypedDict):
    """One series of a market; the provenance keys are absent from as-of answers."""

    basis: Basis
    period: int
    measure: Measure
    figures: Figures
    caused_by: NotRequired[list[str]]
    change_id: NotRequired[str]
    valid_from: NotRequired[str]
    updated_at: NotRequired[str]


class MarketIndices(TypedDict):
    market_id: str
    commodity: str | None
    element_group: str | None
    stage: Stage | None
    series: list[SeriesRow]
    as_of: NotRequired[str]
    known_at: NotRequired[str]


class HistoryRow(TypedDict):
    seq: int
    change_id: str
    basis: Basis
    period: int
    measure: Measure
    figures: Figures
    previous: Figures | None
    caused_by: list[str]
    occurred_at: str
    recorded_at: str


class DealSummary(TypedDict):
    deal_event_id: str
    deal_type: str
    acquirer_id: str | None
    subject_id: str | None
    control_changed: bool
    screens_triggered: list[str]
    summary: str
    occurred_at: str
    recorded_at: str


class Screen(TypedDict):
    name: str
    triggered: bool
    rule: str


class MarketAssessment(TypedDict):
    market_id: str
    period: int
    measure: Measure
    basis: Basis
    hhi_before: float | None
    hhi_after: float | None
    delta_hhi: float
    combined_share: float | None
    control_changed: bool
    screens: list[Screen]
    summary: str


class _Envelope(TypedDict):
    event_id: str
    schema_version: int
    occurred_at: str
    recorded_at: str | None
    source: Source
    causation_id: str | None
    correlation_id: str | None


class IndexChanged(_Envelope):
    type: Literal["index_changed"]
    market_id: str
    commodity: str
    element_group: str
    stage: Stage
    basis: Basis
    period: int
    measure: Measure
    figures: Figures
    previous: Figures | None
    caused_by: list[str]


class DealAssessed(_Envelope):
    """The full assessment of one ownership event, as `deal()` and the stream carry it."""

    type: Literal["deal_assessed"]
    deal_event_id: str
    deal_type: str
    acquirer_id: str | None
    subject_id: str | None
    controller_before: str | None
    controller_after: str | None
    control_changed: bool
    markets: list[MarketAssessment]
    screens_triggered: list[str]
    summary: str


class AlertRaised(_Envelope):
    type: Literal["alert_raised"]
    kind: AlertKind
    market_id: str | None
    basis: Basis | None
    period: int | None
    measure: Measure | None
    threshold: float | None
    value_before: float | None
    value_after: float | None
    direction: Literal["up", "down"] | None
    caused_by: list[str]
    message: str


#: What one stream item carries: the document published on the matching output topic.
StreamDocument: TypeAlias = IndexChanged | DealAssessed | AlertRaised


class Holding(TypedDict):
    """One side of a stake: the holder (in `holders`) or the target (in `holdings`)."""

    entity_id: str
    name: str | None
    pct_after: str | None
    controlling: bool | None
    event_id: str
    occurred_at: str


class Controller(TypedDict):
    entity_id: str | None
    name: str | None
    country: NotRequired[str]


class Entity(TypedDict):
    entity_id: str
    name: str
    country: str
    kind: Literal["company", "state", "fund", "person"]
    aliases: list[str]
    controller_id: str | None
    control_chain: list[str]
    registered_by: str
    merged_into: str | None
    free_float_pct: str | None
    holders: list[Holding]
    holdings: list[Holding]
    controller: Controller


class DeadLetter(TypedDict):
    id: int
    reason: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    payload: str
    dead_lettered_at: str
    redriven_at: str | None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and the cursor of the next page (None on the last)."""

    items: tuple[T, ...]
    next_cursor: str | None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


EventStatus = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True, slots=True)
class EventResult:
    """The gateway's answer for one posted event; `reason` says why a rejected one was."""

    event_id: str | None
    status: EventStatus
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """Answers to `post_events`, one per event in the order given."""

    results: tuple[EventResult, ...]

    def count(self, status: EventStatus) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def accepted(self) -> int:
        return self.count("accepted")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def rejected(self) -> tuple[EventResult, ...]:
        return tuple(r for r in self.results if r.status == "rejected")


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One item of the live stream: its sequence (strictly increasing), kind and document.

    `kind` is one of `StreamKind` today; a newer gateway may add kinds, which pass through.
    """

    seq: int
    kind: str
    data: StreamDocument
