"""Candidate events: an event in the published contract plus what the extractor knows about it.

A candidate is written as one JSON line, an envelope around the event so that the event itself
stays exactly what `monazite publish` and the processor accept:

    {"event": {…}, "confidence": 0.9, "evidence": {"article": …, "sentence": …, "start": …,
     "end": …}, "sources": [{…}], "amount_usd": {…}, "notes": […], "dedupe_key": "…",
     "alternatives": {"pct_before": ["8.2"], …}}

`alternatives` (present when there are any) offers a reviewer, for each field the text around the
fact could fill otherwise, the other values of that kind it gives.

`sources` lists every article that reported the fact (the first is the event's own `source`);
the same deal read in two articles is one candidate with two sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from monazite_core.events import (
    EntityRegistered,
    InputEvent,
    Source,
)
from monazite_core.news_facts import dedupe_key
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
    #: For a field the rules may have read wrong, the other values of its kind the text around
    #: the fact gives (percentages, tonnages, amounts, dates, organisations), to pick from.
    alternatives: tuple[tuple[str, tuple[Any, ...]], ...] = ()

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
            **(
                {"alternatives": {name: list(values) for name, values in self.alternatives}}
                if self.alternatives
                else {}
            ),
        }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "article": evidence.article,
        "sentence": evidence.sentence,
        "start": evidence.start,
        "end": evidence.end,
    }


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
