"""The news producer's tables: facts and their sources, the review queue, files already handled.

Facts are found again by their dedupe key (type and parties) and a date window, so the same deal
reported by a second article adds a source to the first fact instead of becoming a new event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import asyncpg
import pydantic

from monazite_core.events import InputEvent, parse_input_event
from monazite_core.news_facts import dedupe_key

ReviewStatus = Literal["pending", "approved", "rejected"]
#: Reports of one fact whose dates lie at most this far apart are the same fact.
SAME_FACT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class SourceRow:
    article: str
    publisher: str
    url: str | None
    title: str | None
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class FactRecord:
    """Where a candidate stands: `new` when it was not known, else the fact it repeats."""

    event_id: str
    new: bool
    state: str


@dataclass(frozen=True)
class PublishedFact:
    """The fact an approved review entry was published as."""

    event_id: str
    event_type: str
    dedupe_key: str
    occurred_at: datetime

    @classmethod
    def of(cls, event: InputEvent) -> PublishedFact:
        return cls(event.event_id, event.type, dedupe_key(event), event.occurred_at)


#: The articles that reported the news fact `f`, as a column of a query over `news_facts f`.
_ARTICLES_OF_FACT = (
    "array(SELECT DISTINCT s.article FROM news_sources s"
    " WHERE s.event_id = f.event_id ORDER BY s.article) AS articles"
)


class NewsStore:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def known_fact(
        self, event_id: str, dedupe_key: str, occurred_at: datetime
    ) -> tuple[str, str] | None:
        """(event id, state) of the fact this candidate repeats, if one is recorded."""
        row = await self._pool.fetchrow(
            "SELECT event_id, state FROM news_facts WHERE event_id = $1"
            " OR (dedupe_key = $2 AND occurred_at BETWEEN $3 AND $4)"
            " ORDER BY (event_id = $1) DESC, recorded_at LIMIT 1",
            event_id,
            dedupe_key,
            occurred_at - SAME_FACT_WINDOW,
            occurred_at + SAME_FACT_WINDOW,
        )
        return None if row is None else (row["event_id"], row["state"])

    async def record_fact(
        self,
        *,
        event_id: str,
        event_type: str,
        dedupe_key: str,
        occurred_at: datetime,
        state: Literal["published", "review"],
        sources: list[SourceRow],
        candidate: dict[str, Any] | None = None,
        confidence: float | None = None,
        origin: Literal["extracted", "person"] = "extracted",
    ) -> None:
        """A new fact with its sources (and its review entry when it waits for a person);
        `origin` says whether the extractor found it or a person added it."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "INSERT INTO news_facts (event_id, event_type, dedupe_key, occurred_at, state,"
                " origin) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING",
                event_id,
                event_type,
                dedupe_key,
                occurred_at,
                state,
                origin,
            )
            await _insert_sources(connection, event_id, sources)
            if state == "review" and candidate is not None:
                await connection.execute(
                    "INSERT INTO news_review (event_id, event_type, confidence, candidate)"
                    " SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM news_review"
                    " WHERE event_id = $1 AND status = 'pending')",
                    event_id,
                    event_type,
                    confidence,
                    candidate,
                )

    async def add_sources(self, event_id: str, sources: list[SourceRow]) -> int:
        """Further articles reporting a known fact; answers how many were new."""
        async with self._pool.acquire() as connection, connection.transaction():
            return await _insert_sources(connection, event_id, sources)

    async def sources(self, event_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT article, publisher, url, title, sentence, start_char, end_char"
            " FROM news_sources WHERE event_id = $1 ORDER BY recorded_at, article",
            event_id,
        )
        return [dict(r) for r in rows]

    async def reviews(
        self, *, status: ReviewStatus | None, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """Review entries in queue order, each with the sources of its fact."""
        rows = await self._pool.fetch(
            "SELECT r.review_id, r.event_id, r.event_type, r.confidence, r.candidate,"
            " r.status, r.reason, r.queued_at, r.decided_at, r.corrections,"
            " r.published_event_id,"
            " coalesce((SELECT json_agg(json_build_object('article', s.article, 'publisher',"
            " s.publisher, 'url', s.url, 'title', s.title, 'sentence', s.sentence, 'start',"
            " s.start_char, 'end', s.end_char) ORDER BY s.recorded_at, s.article)"
            " FROM news_sources s WHERE s.event_id = r.event_id), '[]')::jsonb AS sources"
            " FROM news_review r"
            " WHERE ($1::text IS NULL OR r.status = $1)"
            " AND ($2::bigint IS NULL OR r.review_id > $2)"
            " ORDER BY r.review_id LIMIT $3",
            status,
            after_id,
            limit,
        )
        return [
            {
                "id": row["review_id"],
                "event_id": row["event_id"],
                "type": row["event_type"],
                "confidence": row["confidence"],
                "status": row["status"],
                "reason": row["reason"],
                "queued_at": row["queued_at"],
                "decided_at": row["decided_at"],
                "corrections": row["corrections"],
                "published_event_id": row["published_event_id"],
                "candidate": _in_contract_order(row["candidate"]),
                "sources": row["sources"],
            }
            for row in rows
        ]

    async def review(self, review_id: int) -> dict[str, Any] | None:
        found = await self.reviews(status=None, after_id=review_id - 1, limit=1)
        return found[0] if found and found[0]["id"] == review_id else None

    @asynccontextmanager
    async def deciding(self, review_id: int) -> AsyncIterator[ReviewDecision | None]:
        """The pending entry `review_id`, locked in a transaction until the decision is made
        (of two people deciding it at once, the second finds it decided), or None when there is
        no pending entry with that id. Nothing is recorded if the block raises."""
        async with self._pool.acquire() as connection, connection.transaction():
            extracted_id = await connection.fetchval(
                "SELECT event_id FROM news_review WHERE review_id = $1 AND status = 'pending'"
                " FOR UPDATE",
                review_id,
            )
            yield (
                None
                if extracted_id is None
                else ReviewDecision(connection, review_id, str(extracted_id))
            )

    async def accepted_event(self, event_id: str) -> dict[str, Any] | None:
        """The payload of an event the pipeline accepted, as archived."""
        payload: dict[str, Any] | None = await self._pool.fetchval(
            "SELECT payload FROM event_archive WHERE event_id = $1", event_id
        )
        return payload

    async def already_retracted(self, event_id: str) -> bool:
        """Whether the event was retracted: archived as such, or a news fact marked corrected or
        rejected by `record_correction` (before the processor has archived the retraction)."""
        found: bool = await self._pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM event_archive WHERE type = 'event_retracted'"
            " AND payload->>'retracted_event_id' = $1)"
            " OR EXISTS (SELECT 1 FROM news_facts WHERE event_id = $1"
            " AND state IN ('corrected', 'rejected'))",
            event_id,
        )
        return found

    async def record_correction(self, retracted_id: str, replacement: PublishedFact | None) -> None:
        """A published news fact was retracted (and replaced): the fact as read is marked, so a
        later article repeating the misreading publishes nothing, and the replacement is recorded
        with its sources, so a later article reporting the corrected fact is recognised."""
        async with self._pool.acquire() as connection, connection.transaction():
            known = await connection.execute(
                "UPDATE news_facts SET state = $2 WHERE event_id = $1",
                retracted_id,
                "rejected" if replacement is None else "corrected",
            )
            if replacement is None or not known.endswith(" 1"):
                return
            await connection.execute(
                "INSERT INTO news_facts (event_id, event_type, dedupe_key, occurred_at, state)"
                " VALUES ($1, $2, $3, $4, 'published') ON CONFLICT (event_id) DO NOTHING",
                replacement.event_id,
                replacement.event_type,
                replacement.dedupe_key,
                replacement.occurred_at,
            )
            await _copy_sources(connection, retracted_id, replacement.event_id)

    async def added_facts(self) -> list[tuple[dict[str, Any], list[str]]]:
        """The facts a person added from an article, as the pipeline accepted them, each with
        the articles that reported it (a fact not archived yet is left out until it is)."""
        rows = await self._pool.fetch(
            f"SELECT a.payload, {_ARTICLES_OF_FACT}"
            " FROM news_facts f JOIN event_archive a ON a.event_id = f.event_id"
            " WHERE f.origin = 'person' AND f.state = 'published' ORDER BY a.seq"
        )
        return [(row["payload"], list(row["articles"])) for row in rows]

    async def corrected_facts(self) -> list[tuple[dict[str, Any], list[str]]]:
        """The replacements of published news facts a person corrected (`monazite correct`), as
        the pipeline accepted them, each with the articles that reported the fact. A correction
        whose retraction or replacement is not archived yet is left out until it is."""
        rows = await self._pool.fetch(
            f"SELECT replacement.payload, {_ARTICLES_OF_FACT}"
            " FROM news_facts f"
            " JOIN event_archive retraction ON retraction.type = 'event_retracted'"
            " AND retraction.payload->>'retracted_event_id' = f.event_id"
            " JOIN event_archive replacement"
            " ON replacement.event_id = retraction.payload->>'replaced_by'"
            " WHERE f.state = 'corrected' ORDER BY retraction.seq"
        )
        return [(row["payload"], list(row["articles"])) for row in rows]

    async def archived_documents(self, types: tuple[str, ...]) -> list[dict[str, Any]]:
        """Accepted events of these types, in archive order (the entities the pipeline knows)."""
        rows = await self._pool.fetch(
            "SELECT payload FROM event_archive WHERE type = ANY($1::text[]) ORDER BY seq",
            list(types),
        )
        return [row["payload"] for row in rows]

    async def file_handled(self, content_sha256: str) -> bool:
        return bool(
            await self._pool.fetchval(
                "SELECT EXISTS (SELECT 1 FROM news_files WHERE content_sha256 = $1)",
                content_sha256,
            )
        )

    async def mark_file(
        self,
        content_sha256: str,
        name: str,
        outcome: Literal["extracted", "unreadable"],
        detail: str,
    ) -> None:
        await self._pool.execute(
            "INSERT INTO news_files (content_sha256, name, outcome, detail) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (content_sha256) DO NOTHING",
            content_sha256,
            name,
            outcome,
            detail,
        )


async def _insert_sources(
    connection: asyncpg.pool.PoolConnectionProxy[Any], event_id: str, sources: list[SourceRow]
) -> int:
    added = 0
    for source in sources:
        status = await connection.execute(
            "INSERT INTO news_sources (event_id, article, publisher, url, title, sentence,"
            " start_char, end_char) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT DO NOTHING",
            event_id,
            source.article,
            source.publisher,
            source.url,
            source.title,
            source.sentence,
            source.start,
            source.end,
        )
        added += status.endswith(" 1")
    return added


class ReviewDecision:
    """A person's decision on one locked pending entry (see `NewsStore.deciding`)."""

    def __init__(
        self, connection: asyncpg.pool.PoolConnectionProxy[Any], review_id: int, extracted_id: str
    ) -> None:
        self._connection = connection
        self.review_id = review_id
        #: the event id the candidate was queued under, as extracted
        self.extracted_id = extracted_id

    async def reject(self, reason: str) -> None:
        """Close the entry unpublished; the fact as read is marked rejected."""
        await self._connection.execute(
            "UPDATE news_review SET status = 'rejected', reason = $2, decided_at = now()"
            " WHERE review_id = $1",
            self.review_id,
            reason,
        )
        await self._connection.execute(
            "UPDATE news_facts SET state = 'rejected' WHERE event_id = $1", self.extracted_id
        )

    async def approve(self, published: PublishedFact, corrections: dict[str, Any] | None) -> None:
        """Close the entry as approved, its event published as `published` (the fact as
        extracted, or corrected by the reviewer). A corrected fact under a new id is recorded
        with the extracted fact's sources, and the extracted fact is marked `corrected`."""
        connection = self._connection
        await connection.execute(
            "UPDATE news_review SET status = 'approved', corrections = $2,"
            " published_event_id = $3, decided_at = now() WHERE review_id = $1",
            self.review_id,
            corrections,
            published.event_id,
        )
        if published.event_id == self.extracted_id:
            await connection.execute(
                "UPDATE news_facts SET state = 'published', dedupe_key = $2, occurred_at = $3"
                " WHERE event_id = $1",
                self.extracted_id,
                published.dedupe_key,
                published.occurred_at,
            )
            return
        await connection.execute(
            "UPDATE news_facts SET state = 'corrected' WHERE event_id = $1", self.extracted_id
        )
        await connection.execute(
            "INSERT INTO news_facts (event_id, event_type, dedupe_key, occurred_at, state)"
            " VALUES ($1, $2, $3, $4, 'published') ON CONFLICT (event_id) DO NOTHING",
            published.event_id,
            published.event_type,
            published.dedupe_key,
            published.occurred_at,
        )
        await _copy_sources(connection, self.extracted_id, published.event_id)


async def _copy_sources(
    connection: asyncpg.pool.PoolConnectionProxy[Any], from_id: str, to_id: str
) -> None:
    await connection.execute(
        "INSERT INTO news_sources (event_id, article, publisher, url, title, sentence,"
        " start_char, end_char, recorded_at) SELECT $2, article, publisher, url, title,"
        " sentence, start_char, end_char, recorded_at FROM news_sources"
        " WHERE event_id = $1 ON CONFLICT DO NOTHING",
        from_id,
        to_id,
    )


def _in_contract_order(candidate: dict[str, Any]) -> dict[str, Any]:
    """The candidate with its event's fields in the contract's order (PostgreSQL keeps JSON keys
    in its own), so that people and clients read them as the contract lists them."""
    try:
        event = parse_input_event(candidate["event"])
    except (KeyError, pydantic.ValidationError):
        return candidate
    return {**candidate, "event": event.model_dump(mode="json", exclude_none=True)}
