"""Publishing news candidates with a person in the loop, and watching a drop folder.

A candidate at or above the threshold is published to its input topic; one below it, or one of
a kind the operator sends to review whatever its confidence (`PublishPolicy.review_kinds`), is
queued for review (a row in `news_review` and its envelope on the `monazite.review` topic) and
published only when a person approves it. Before either, the fact is looked up by its dedupe
key: a fact already published or queued gains the new article as a source and nothing is
published again. Entity registrations go first, so that an approved event never waits for its
entity.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import asyncpg
import orjson
import pydantic
from aiokafka import AIOKafkaProducer

from monazite_core.events import (
    EntityRegistered,
    EventRetracted,
    ExportControlImposed,
    InputEvent,
    StakeChanged,
    parse_input_event,
)
from monazite_infra.postgres.news_store import NewsStore, SourceRow
from monazite_infra.publisher import EventPublisher
from monazite_infra.review_desk import ReviewDesk
from monazite_infra.settings import Settings
from monazite_infra.topics import REVIEW
from monazite_producer.jsonl import parse_file
from monazite_producer.news.article import UnreadableArticle
from monazite_producer.news.candidates import Candidate, PublishPolicy
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.fx import FxRates
from monazite_producer.news_files import ARTICLE_SUFFIXES, DEFAULT_REFERENCE, extract_one

Route = Literal["published", "queued", "known"]
#: Where `monazite watch` moves a file it cannot read, with `<name>.reason.txt` beside it.
UNREADABLE_FOLDER = "unreadable"


@dataclass(frozen=True)
class Outcome:
    event_id: str
    route: Route
    confidence: float
    #: for a known fact: the event id it was filed under
    known_as: str | None = None


def _sources(candidate: Candidate) -> list[SourceRow]:
    return [
        SourceRow(
            article=s.evidence.article,
            publisher=s.source.publisher,
            url=s.source.url,
            title=s.source.title,
            sentence=s.evidence.sentence,
            start=s.evidence.start,
            end=s.evidence.end,
        )
        for s in candidate.sightings
    ]


class NewsPublisher:
    """Routes candidates to their topic or the review queue; approves and rejects reviews."""

    def __init__(self, settings: Settings, pool: asyncpg.Pool[Any]) -> None:
        self._settings = settings
        self.store = NewsStore(pool)
        self._events = EventPublisher(settings)
        self._review = AIOKafkaProducer(bootstrap_servers=settings.require_bootstrap(), acks="all")
        #: a person's decisions on queued candidates and accepted facts
        self.desk = ReviewDesk(self.store, self._events)

    async def __aenter__(self) -> NewsPublisher:
        await self._events.__aenter__()
        await self._review.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._review.stop()
        await self._events.__aexit__()

    async def directory(self, reference: Path | None = DEFAULT_REFERENCE) -> EntityDirectory:
        """Entities to resolve against: the reference file and everything the pipeline accepted."""
        events: list[InputEvent] = list(parse_file(reference).events) if reference else []
        types = ("entity_registered", "stake_changed", "export_control_imposed", "event_retracted")
        for document in await self.store.archived_documents(types):
            try:
                event = parse_input_event(document)
            except pydantic.ValidationError:
                continue
            if isinstance(
                event, EntityRegistered | StakeChanged | ExportControlImposed | EventRetracted
            ):
                events.append(event)
        return EntityDirectory.from_events(events)

    async def submit(self, candidates: Iterable[Candidate], policy: PublishPolicy) -> list[Outcome]:
        ordered = sorted(candidates, key=lambda c: not isinstance(c.event, EntityRegistered))
        outcomes = []
        for candidate in ordered:
            event = candidate.event
            known = await self.store.known_fact(
                event.event_id, candidate.dedupe_key, event.occurred_at
            )
            if known is not None:
                await self.store.add_sources(known[0], _sources(candidate))
                outcomes.append(Outcome(event.event_id, "known", candidate.confidence, known[0]))
                continue
            if policy.publishes(candidate):
                await self._events.publish([event])
                route: Route = "published"
            else:
                document = candidate.document()
                await self._review.send_and_wait(
                    REVIEW.name(self._settings),
                    orjson.dumps(document),
                    key=event.event_id.encode(),
                )
                route = "queued"
            await self.store.record_fact(
                event_id=event.event_id,
                event_type=event.type,
                dedupe_key=candidate.dedupe_key,
                occurred_at=event.occurred_at,
                state="published" if route == "published" else "review",
                sources=_sources(candidate),
                candidate=candidate.document(),
                confidence=candidate.confidence,
            )
            outcomes.append(Outcome(event.event_id, route, candidate.confidence))
        return outcomes


@dataclass(frozen=True)
class FileReport:
    name: str
    message: str
    outcomes: tuple[Outcome, ...] = ()


async def watch_once(
    folder: Path,
    publisher: NewsPublisher,
    directory: EntityDirectory,
    fx: FxRates | None,
    policy: PublishPolicy,
) -> list[FileReport]:
    """Handle every article file in `folder` not handled before (by content digest)."""
    reports = []
    for path in await asyncio.to_thread(_article_files, folder):
        try:
            raw = await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            reports.append(FileReport(path.name, f"cannot read: {error}"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if await publisher.store.file_handled(digest):
            continue
        try:
            candidates = extract_one(path.name, raw, directory, fx)
        except UnreadableArticle as error:
            _set_aside(folder, path, str(error))
            await publisher.store.mark_file(digest, path.name, "unreadable", str(error))
            reports.append(FileReport(path.name, f"moved to {UNREADABLE_FOLDER}/: {error}"))
            continue
        outcomes = await publisher.submit(candidates, policy)
        summary = describe(outcomes)
        await publisher.store.mark_file(digest, path.name, "extracted", summary)
        reports.append(FileReport(path.name, summary, tuple(outcomes)))
    return reports


def _article_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )


def _set_aside(folder: Path, path: Path, reason: str) -> None:
    aside = folder / UNREADABLE_FOLDER
    aside.mkdir(exist_ok=True)
    shutil.move(str(path), aside / path.name)
    (aside / f"{path.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")


def describe(outcomes: list[Outcome]) -> str:
    counts = {
        route: sum(1 for o in outcomes if o.route == route)
        for route in ("published", "queued", "known")
    }
    return (
        f"{counts['published']} published, {counts['queued']} queued for review,"
        f" {counts['known']} already known (source added)"
    )


async def watch(
    folder: Path,
    publisher: NewsPublisher,
    fx: FxRates | None,
    policy: PublishPolicy,
    *,
    interval: float,
    report: Callable[[FileReport], None],
    once: bool = False,
) -> None:
    """Watch `folder` until cancelled (or one pass with `once`), reporting every file handled."""
    while True:
        directory = await publisher.directory()
        for file_report in await watch_once(folder, publisher, directory, fx, policy):
            report(file_report)
        if once:
            return
        await asyncio.sleep(interval)
