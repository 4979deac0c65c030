"""A person's decisions on facts read from the news: approve a queued candidate (corrected field
by field), reject it, correct a fact already accepted, or add a fact the extractor missed.
Shared by `monazite review` / `monazite correct` and the gateway's `POST /v1/review/...` and
`POST /v1/events/.../correction`.

Approving locks the entry until its event is published and the decision recorded, so two people
deciding the same entry at once publish one event: the second finds the entry decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from monazite_core.events import EventRetracted, InputEvent, Source
from monazite_core.news_facts import (
    CorrectionError,
    added_event,
    corrected_event,
    correction_of,
)
from monazite_infra.postgres.news_store import NewsStore, PublishedFact, SourceRow
from monazite_infra.publisher import EventPublisher


class NoSuchReview(LookupError):
    """No review entry has that id."""


class AlreadyDecided(LookupError):
    """The review entry was approved or rejected already."""


@dataclass(frozen=True)
class Approval:
    """What approving a review entry did: the event id it stands under now, and whether that
    event was published (a fact corrected into one already published is not)."""

    event_id: str
    published: bool


@dataclass(frozen=True)
class Correction:
    """The retraction of an accepted event, and the corrected fact that replaces it, if any."""

    retraction: EventRetracted
    replacement: InputEvent | None


_STANDING = {
    "review": "waiting for review: approve it there, correcting its fields",
    "rejected": "rejected by a reviewer or retracted",
    "corrected": "retracted and replaced by its correction",
}


class AlreadyRead(LookupError):
    """A fact added by a person was read from the news before and waits for review or was
    retracted: it is decided there, not added again."""

    def __init__(self, event_id: str, state: str) -> None:
        super().__init__(f"the fact was read before as {event_id}, which is {_STANDING[state]}")
        self.event_id = event_id
        self.state = state


@dataclass(frozen=True)
class Addition:
    """What adding a fact did: the event id the fact stands under, and whether it was published
    (a fact already published from another article only gains the article as a source)."""

    event_id: str
    published: bool


class ReviewDesk:
    def __init__(self, store: NewsStore, events: EventPublisher) -> None:
        self._store = store
        self._events = events

    async def approve(
        self, review_id: int, corrections: Mapping[str, Any] | None = None
    ) -> Approval:
        """Publish a pending candidate's event, with the reviewer's corrections applied. Raises
        `NoSuchReview` or `AlreadyDecided`, or `CorrectionError` naming the field at fault
        (nothing changes). A fact corrected into one already published from another article
        gains this entry's sources and is not published again."""
        entry = await self._store.review(review_id)
        if entry is None:
            raise NoSuchReview(f"no pending review {review_id}: there is no such entry")
        if entry["status"] != "pending":
            raise AlreadyDecided(f"no pending review {review_id}: it is {entry['status']}")
        event = corrected_event(entry["candidate"]["event"], corrections or {})
        published = PublishedFact.of(event)
        async with self._store.deciding(review_id) as decision:
            if decision is None:
                raise AlreadyDecided(f"no pending review {review_id}: decided meanwhile")
            known = (
                await self._store.known_fact(
                    event.event_id, published.dedupe_key, event.occurred_at
                )
                if corrections
                else None
            )
            if known is not None and known[0] != decision.extracted_id and known[1] == "published":
                # Corrected into a fact another article already gave: one event, more sources.
                published, sent = replace(published, event_id=known[0]), False
            else:
                await self._events.publish([event])
                sent = True
            await decision.approve(published, dict(corrections) if corrections else None)
        return Approval(published.event_id, published=sent)

    async def reject(self, review_id: int, reason: str) -> None:
        """Close a pending entry unpublished, with the reason; `NoSuchReview` or
        `AlreadyDecided` when there is no pending entry."""
        async with self._store.deciding(review_id) as decision:
            if decision is not None:
                await decision.reject(reason)
                return
        entry = await self._store.review(review_id)
        if entry is None:
            raise NoSuchReview(f"no pending review {review_id}: there is no such entry")
        raise AlreadyDecided(f"no pending review {review_id}: it is {entry['status']}")

    async def correct(
        self, event_id: str, corrections: Mapping[str, Any], reason: str
    ) -> Correction:
        """Retract an accepted event and, with corrections, publish the corrected fact under a
        new id. Raises `LookupError` for an event the pipeline has not accepted,
        `CorrectionError` naming the field at fault."""
        accepted = await self._store.accepted_event(event_id)
        if accepted is None:
            raise LookupError(f"no accepted event {event_id}")
        if await self._store.already_retracted(event_id):
            # A second correction would put a second replacement beside the first.
            raise CorrectionError(
                "event_id", f"{event_id} is already retracted; correct its replacement instead"
            )
        retraction, replacement = correction_of(
            accepted, corrections, reason, now=datetime.now(UTC)
        )
        if replacement is not None and await self._store.accepted_event(replacement.event_id):
            # Another report already gave the corrected fact: publishing it again under its id
            # would be refused as a conflict, leaving only the retraction.
            raise CorrectionError(
                "event_id",
                f"the corrected fact is already accepted as {replacement.event_id}; retract"
                f" {event_id} without corrections, and correct {replacement.event_id} if its"
                " terms are wrong",
            )
        await self._events.publish([retraction, *([replacement] if replacement else [])])
        await self._store.record_correction(
            event_id, None if replacement is None else PublishedFact.of(replacement)
        )
        return Correction(retraction, replacement)

    async def add(
        self,
        event_type: str,
        fields: Mapping[str, Any],
        *,
        reported_on: date | None,
        source: SourceRow,
    ) -> Addition:
        """Publish a fact a person read in an article (`added_event`): an event of `event_type`
        with these fields, dated `reported_on` unless they give a day, with the article as its
        source and its sentence as evidence. Raises `CorrectionError` naming the field at fault.
        A fact already published from another article only gains the source; one that waits for
        review or was retracted raises `AlreadyRead` (decide it there)."""
        evidence = Source(
            publisher=source.publisher[:300],
            url=source.url,
            title=source.title,
            evidence=source.sentence[:2000],
        )
        event = added_event(event_type, fields, reported_on=reported_on, source=evidence)
        published = PublishedFact.of(event)
        known = await self._store.known_fact(
            event.event_id, published.dedupe_key, event.occurred_at
        )
        if known is not None:
            if known[1] != "published":
                raise AlreadyRead(*known)
            await self._store.add_sources(known[0], [source])
            return Addition(known[0], published=False)
        await self._events.publish([event])
        await self._store.record_fact(
            event_id=event.event_id,
            event_type=event.type,
            dedupe_key=published.dedupe_key,
            occurred_at=event.occurred_at,
            state="published",
            sources=[source],
            origin="person",
        )
        return Addition(event.event_id, published=True)
