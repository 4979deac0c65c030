"""Candidate events: an event in the published contract plus what the extractor knows about it.

A candidate is written as one JSON line, an envelope around the event so that the event itself
stays exactly what `monazite publish` and the processor accept:

    {"event": {…}, "confidence": 0.9, "evidence": {"article": …, "sentence": …, "start": …,
     "end": …}, "sources": [{…}], "amount_usd": {…}, "notes": […], "dedupe_key": "…"}

`sources` lists every article that reported the fact (the first is the event's own `source`);
the same deal read in two articles is one candidate with two sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from monazite_core.events import (
    EntityRegistered,
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
    Source,
    StakeChanged,
    TariffImposed,
)
from monazite_producer.news.fx import UsdValue

#: Two reports of one fact whose dates lie at most this far apart are the same fact.
SAME_FACT_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Evidence:
    article: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sighting:
    """One article's report of a fact: its source and where in it the fact is said."""

    source: Source
    evidence: Evidence


@dataclass(frozen=True)
class Candidate:
    event: InputEvent
    confidence: float
    evidence: Evidence
    notes: tuple[str, ...] = ()
    amount_usd: UsdValue | None = None
    sightings: tuple[Sighting, ...] = field(default=())

    @property
    def dedupe_key(self) -> str:
        return dedupe_key(self.event)

    def with_sighting(self, other: Candidate) -> Candidate:
        """This candidate, also reported by `other` (its confidence rises with the confirmation)."""
        confidence = round(max(self.confidence, other.confidence), 2)
        return replace(self, confidence=confidence, sightings=self.sightings + other.sightings)

    def document(self) -> dict[str, Any]:
        """The JSON line of this candidate."""
        usd = self.amount_usd
        return {
            "event": self.event.model_dump(mode="json", exclude_none=True),
            "confidence": self.confidence,
            "evidence": _evidence(self.evidence),
            "sources": [
                {
                    **s.source.model_dump(mode="json", exclude_none=True, exclude={"evidence"}),
                    **_evidence(s.evidence),
                }
                for s in self.sightings
            ],
            "amount_usd": None
            if usd is None
            else {
                "amount": str(usd.amount),
                "rate": str(usd.rate),
                "rate_date": usd.rate_date.isoformat(),
                "rate_source": usd.rate_source,
            },
            "notes": list(self.notes),
            "dedupe_key": self.dedupe_key,
        }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "article": evidence.article,
        "sentence": evidence.sentence,
        "start": evidence.start,
        "end": evidence.end,
    }


#: The fields naming each kind of event the extractor makes, in its event id.
ID_FIELDS: dict[str, tuple[str, ...]] = {
    "stake_changed": ("holder_id", "target_id"),
    "merger_completed": ("survivor_id", "absorbed_id"),
    "joint_venture_formed": ("venture_id",),
    "funding_awarded": ("funder_id", "recipient_id", "instrument"),
    "export_control_imposed": ("control_id",),
    "export_control_suspended": ("control_id",),
    "export_control_lifted": ("control_id",),
    "quota_set": ("jurisdiction", "entity_id", "quota_kind", "stage", "period"),
    "price_floor_set": ("jurisdiction", "beneficiary_id", "element_group"),
    "output_reported": ("entity_id", "country", "element_group", "stage", "period", "measure"),
    "tariff_imposed": ("jurisdiction", "on_origin", "commodity"),
}


def news_event_id(event_type: str, fields: dict[str, Any], occurred: date) -> str:
    """The id of an event read from the news: its kind, the fields naming it, and its date."""
    parts = [str(fields[k]) for k in ID_FIELDS[event_type] if fields.get(k) is not None]
    return ":".join(["news", event_type, *parts, occurred.isoformat()])


def dedupe_key(event: InputEvent) -> str:
    """What makes two reports the same fact: the type and its parties (dates are compared apart,
    within `SAME_FACT_WINDOW`)."""
    match event:
        case EntityRegistered():
            parts: tuple[object, ...] = (event.entity_id,)
        case StakeChanged():
            parts = (event.holder_id, event.target_id)
        case MergerCompleted():
            parts = (event.survivor_id, event.absorbed_id)
        case JointVentureFormed():
            parts = tuple(sorted(p.entity_id for p in event.partners))
        case FundingAwarded():
            parts = (event.funder_id, event.recipient_id, event.instrument)
        case ExportControlImposed():
            parts = (
                event.jurisdiction,
                event.commodity,
                *sorted(event.elements),
                *sorted(event.element_groups),
            )
        case ExportControlSuspended() | ExportControlLifted():
            parts = (event.control_id,)
        case QuotaSet():
            parts = (
                event.jurisdiction,
                event.entity_id or "-",
                event.quota_kind,
                event.element_group,
                event.stage,
                event.period,
            )
        case TariffImposed():
            parts = (event.jurisdiction, event.on_origin or "-", event.commodity, *event.stages)
        case PriceFloorSet():
            parts = (event.jurisdiction or "-", event.beneficiary_id or "-", event.element_group)
        case OutputReported():
            supplier = event.entity_id or event.country
            parts = (supplier, event.market_id, event.period, event.measure)
        case _:
            parts = (event.event_id,)
    return ":".join([event.type, *(str(p) for p in parts)])


def same_fact(a: Candidate, b: Candidate) -> bool:
    if a.dedupe_key != b.dedupe_key:
        return False
    if isinstance(a.event, EntityRegistered):
        return True
    return abs(a.event.occurred_at - b.event.occurred_at) <= SAME_FACT_WINDOW


def _terms(candidate: Candidate) -> int:
    """How many of its event's fields a report gives."""
    return len(candidate.event.model_dump(exclude_none=True))


def merge_reports(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per fact: later reports of a fact become further sources of the first."""
    merged: list[Candidate] = []
    for candidate in candidates:
        for index, kept in enumerate(merged):
            if same_fact(kept, candidate):
                already = {s.evidence.article for s in kept.sightings}
                if candidate.evidence.article in already:
                    # One article saying it twice is one source, not a confirmation; the surer
                    # report, else the fuller one (a headline gives fewer terms than the body).
                    if (candidate.confidence, _terms(candidate)) > (kept.confidence, _terms(kept)):
                        merged[index] = replace(candidate, sightings=kept.sightings)
                else:
                    merged[index] = kept.with_sighting(candidate)
                break
        else:
            merged.append(candidate)
    return merged


@dataclass(frozen=True)
class PublishPolicy:
    """Which candidates are published at once and which wait for a person: those below the
    threshold, and every candidate of a kind the operator sends to review however sure the rules
    are (a kind the extractor is known to get wrong on unseen text)."""

    threshold: float
    review_kinds: frozenset[str] = frozenset()

    def publishes(self, candidate: Candidate) -> bool:
        return (
            candidate.confidence >= self.threshold and candidate.event.type not in self.review_kinds
        )
