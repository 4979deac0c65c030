"""The processor's fold loop: decode a batch, fold it into the market state, persist it atomically.

Effectively once: each input message is skipped when its offset is below the offset committed with
the state (a redelivery after a crash), and each event is folded at most once by id (a producer
that published it twice). State, read models, outbound messages and offsets commit in one
PostgreSQL transaction; outbound messages leave through the outbox only after that commit.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import zlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
import orjson
import pydantic

from monazite_core.alerts import AlertRules, alerts_for_change, alerts_for_deal
from monazite_core.assessment import ScreenRules, assess_deal, controller_of_subject
from monazite_core.chains import chain_changes, chain_view
from monazite_core.events import (
    AlertRaised,
    AssetTransferred,
    Basis,
    ChainView,
    DeadLettered,
    EntityRegistered,
    EventRetracted,
    Figures,
    IndexChanged,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    OwnershipEvent,
    StakeChanged,
    describe_validation_error,
    figures_document,
    parse_input_event,
)
from monazite_core.market import (
    Accepted,
    Duplicate,
    IndexKey,
    MarketState,
    Refold,
    Rejected,
    Series,
    decide,
    figures,
    index_changes,
)
from monazite_infra.codec import decode, encode
from monazite_infra.postgres.processor_store import (
    AlertRow,
    ArchivedEvent,
    BatchWrite,
    ChainRow,
    Checkpoint,
    DeadLetterRow,
    DealRow,
    EntityRow,
    FeedItem,
    IndexRow,
    OutboxMessage,
    ParkedRow,
    ProcessorStore,
    StakeRow,
)
from monazite_infra.topics import ENTITIES

log = logging.getLogger("monazite.processor")
_T = TypeVar("_T")

PUBLISHER = "monazite-processor"
#: Bump when the shape of MarketState changes: older checkpoints are then ignored (replayed).
SNAPSHOT_FORMAT = 4
TRANSIENT_DB_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
)


@dataclass(frozen=True)
class RawMessage:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes | None
    #: The fold-order time of a taken-in message (see intake.py); None: not taken in.
    merge_ms: int | None = None


@dataclass(frozen=True)
class Topics:
    indices: str
    deals: str
    alerts: str
    dead_letters: str
    #: None: chain views are stored and streamed but sent to no topic.
    chains: str | None = None


@dataclass(frozen=True)
class ParkedEvent:
    """An event naming entities not registered yet, waiting for their registration."""

    event: InputEvent
    message: RawMessage
    parked_at: datetime
    missing: tuple[str, ...]


@dataclass
class _BatchWork:
    batch: BatchWrite
    now: datetime
    batch_seq: int
    touched: dict[Series, list[InputEvent]] = field(default_factory=lambda: defaultdict(list))
    entities_moved: set[str] = field(default_factory=set)
    retractions: list[InputEvent] = field(default_factory=list)


OWNERSHIP_EVENTS = (StakeChanged, MergerCompleted, AssetTransferred, JointVentureFormed)


class Folder:
    """Owns the market state of this worker and everything that keeps it consistent."""

    def __init__(
        self,
        store: ProcessorStore,
        topics: Topics,
        *,
        broker_epoch: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        alert_rules: AlertRules | None = None,
        screen_rules: ScreenRules | None = None,
        park_seconds: float = 30.0,
        checkpoint_every: int = 50_000,
    ) -> None:
        self.park_seconds = park_seconds
        self.checkpoint_every = checkpoint_every
        self.events_since_checkpoint = 0
        self.batch_seq = 0
        self.parked: dict[str, ParkedEvent] = {}
        self._handling = asyncio.Lock()
        self._refold_after: _BatchWork | None = None
        self.alert_rules = alert_rules or AlertRules()
        self.screen_rules = screen_rules or ScreenRules()
        self.store = store
        self.topics = topics
        self.broker_epoch = broker_epoch
        self.clock = clock
        self.state = MarketState()
        self.current: dict[IndexKey, Figures] = {}
        #: The default-bloc chain view of every commodity, as last published.
        self.chains: dict[str, ChainView] = {}
        self.next_offsets: dict[tuple[str, int], int] = {}
        self.events_folded = 0

    async def restore(self, *, use_checkpoint: bool = True) -> int:
        """Restore the state: the latest checkpoint, then the archived batches after it.

        Returns how many archived events were folded (those the checkpoint did not cover).
        """
        checkpoint = await self.store.latest_checkpoint() if use_checkpoint else None
        snapshot = _load_snapshot(checkpoint) if checkpoint is not None else None
        if snapshot is not None:
            self.state, self.current, self.batch_seq = snapshot
            self.events_since_checkpoint = 0
            log.info("restored checkpoint of batch %d", self.batch_seq)
        after = self.batch_seq
        # Read in chunks and never held whole: a million archived events are gigabytes as
        # models, their state a fraction of that.
        if snapshot is None or await self._retractions(after_batch=after):
            # A retraction undoes an event: only a fold of everything without it is right.
            self.state, restored = await self._refold_archive([], count_after=after)
        else:
            restored = 0
            async for chunk in self.store.archived(after_batch=after):
                for archived in chunk:
                    decision = decide(self.state, parse_input_event(archived.payload))
                    if isinstance(decision, Rejected):  # the archive only holds accepted events
                        raise RuntimeError(f"archive inconsistent: {decision.reason}")
                    restored += 1
        self.events_since_checkpoint += restored
        self.batch_seq = max(self.batch_seq, await self.store.latest_batch_seq())
        self.current = {
            IndexKey(series, basis): value
            for series in self.state.series()
            for basis, value in figures(self.state, series).items()
        }
        self.chains = {
            commodity: chain_view(self.state, commodity)
            for commodity in sorted({s.commodity for s in self.state.series()})
        }
        self.next_offsets = await self.store.next_offsets(self.broker_epoch)
        for row in await self.store.parked_events():
            event = parse_input_event(row.payload)
            message = RawMessage(row.topic, row.partition, row.offset, None, None, None)
            self.parked[event.event_id] = ParkedEvent(
                event, message, row.parked_at, tuple(row.missing)
            )
        return restored

    def fold(
        self, messages: Sequence[RawMessage], *, in_order: bool = False, now: datetime | None = None
    ) -> BatchWrite:
        """Fold one batch into the state and describe everything it must persist.

        `in_order`: the messages are already in their fold order, each to be folded exactly
        once as given: archived events being replayed (an event that waited for its entity was
        archived after messages with higher offsets, so the redelivery check must not apply), or
        messages the intake took in, which did the redelivery check itself.
        `now`: the batch's time (parked events expire against it); the clock when None.
        """
        batch = BatchWrite()
        now = now or self.clock()
        work = _BatchWork(batch, now, self.batch_seq + 1)
        for message in messages if in_order else _registrations_first(messages):
            if not in_order:
                tp = (message.topic, message.partition)
                if message.offset < self.next_offsets.get(tp, 0):
                    continue  # redelivered: already folded and committed
                self.next_offsets[tp] = max(self.next_offsets.get(tp, 0), message.offset + 1)
                batch.next_offsets[tp] = self.next_offsets[tp]
            event, reason = decode_message(message)
            if event is None:
                self._dead_letter(batch, message, reason or "undecodable", None, now)
                continue
            if event.recorded_at is None:
                event = event.model_copy(update={"recorded_at": _message_time(message, now)})
            self._fold_event(work, event, message)
        self._retry_parked(work)
        if work.retractions:
            self._refold_after = work  # finished by `prepare`, which may read the archive
            return batch
        self._publish_changes(batch, work.touched, now)
        self._publish_chains(batch, work.touched)
        batch.entities.extend(self._entity_rows(work.entities_moved))
        self._close_batch(batch, work)
        return batch

    def _publish_changes(
        self, batch: BatchWrite, touched: Mapping[Series, Sequence[InputEvent]], now: datetime
    ) -> None:
        for change in index_changes(self.state, touched, self.current, publisher=PUBLISHER):
            batch.indices.append(_index_row(change))
            document = encode(change)
            batch.outbox.append(
                OutboxMessage(self.topics.indices, change.market_id.encode(), document)
            )
            batch.feed.append(
                FeedItem(change.type, [change.market_id], change.basis, document.decode())
            )
            for alert in alerts_for_change(
                change, self.alert_rules, recorded_at=change.recorded_at or now, publisher=PUBLISHER
            ):
                self._raise(batch, alert)

    def _publish_chains(
        self, batch: BatchWrite, touched: Mapping[Series, Sequence[InputEvent]]
    ) -> None:
        """Recompute the chain of every commodity the batch touched; store, publish and stream
        each that changed, with its alerts."""
        by_commodity: dict[str, list[InputEvent]] = defaultdict(list)
        for series, events in touched.items():
            by_commodity[series.commodity].extend(events)
        for update in chain_changes(self.state, by_commodity, self.chains, publisher=PUBLISHER):
            change = update.change
            assert change.recorded_at is not None
            document = encode(change)
            batch.chains.append(
                ChainRow(
                    commodity=change.commodity,
                    change_id=change.event_id,
                    document=orjson.loads(document),
                    caused_by=list(change.caused_by),
                    valid_from=change.occurred_at,
                    updated_at=change.recorded_at,
                )
            )
            if self.topics.chains is not None:
                batch.outbox.append(
                    OutboxMessage(self.topics.chains, change.commodity.encode(), document)
                )
            markets = sorted({stage.market_id for stage in change.chain.stages})
            batch.feed.append(FeedItem(change.type, markets, None, document.decode()))
            for alert in update.alerts:
                self._raise(batch, alert)

    def _close_batch(self, batch: BatchWrite, work: _BatchWork) -> None:
        if batch.archived:
            self.batch_seq = work.batch_seq
            self.events_since_checkpoint += len(batch.archived)
            if self.events_since_checkpoint >= self.checkpoint_every:
                batch.checkpoint = self.checkpoint()

    def checkpoint(self) -> Checkpoint:
        """A snapshot of everything the fold holds, as of the latest batch."""
        self.events_since_checkpoint = 0
        return Checkpoint(
            batch_seq=self.batch_seq,
            events=len(self.state.accepted),
            format=SNAPSHOT_FORMAT,
            state=zlib.compress(
                pickle.dumps((self.state, self.current, self.batch_seq), protocol=5), level=1
            ),
        )

    def _fold_event(
        self, work: _BatchWork, event: InputEvent, message: RawMessage, *, parked: bool = False
    ) -> bool:
        """Decide one event; returns False when it waits (parked) for an entity to arrive."""
        controller_before = (
            controller_of_subject(self.state, event)
            if isinstance(event, OWNERSHIP_EVENTS)
            else None
        )
        match decide(self.state, event):
            case Accepted(event=accepted, touched=series, before=before, content_hash=digest):
                self.events_folded += 1
                work.batch.archived.append(_archived(accepted, message, work.batch_seq, digest))
                for s in series:
                    work.touched[s].append(accepted)
                work.entities_moved |= self._entities_moved_by(accepted)
                if isinstance(accepted, EventRetracted):
                    work.retractions.append(accepted)
                if isinstance(accepted, OWNERSHIP_EVENTS):
                    self._assess(work.batch, accepted, before, controller_before)
            case Duplicate():
                pass
            case Rejected(missing_entities=missing) if missing and not parked:
                # Topics are consumed in parallel: a registration published first may still
                # be on its way. Wait for it (persisted with the offsets) rather than reject.
                waiting = ParkedEvent(event, message, _merge_time(message, work.now), missing)
                self.parked[event.event_id] = waiting
                work.batch.parked.append(_parked_row(waiting))
                return False
            case Rejected(reason=why):
                self._dead_letter(work.batch, message, why, event, work.now)
        return True

    def _retry_parked(self, work: _BatchWork) -> None:
        """Fold parked events whose entities arrived; dead-letter those that waited too long."""
        progress = True
        while progress and self.parked:
            progress = False
            for event_id, waiting in sorted(self.parked.items()):
                ready = all(e in self.state.entities for e in waiting.missing)
                expired = (work.now - waiting.parked_at).total_seconds() > self.park_seconds
                if not ready and not expired:
                    continue
                del self.parked[event_id]
                work.batch.unparked.append(event_id)
                self._fold_event(work, waiting.event, waiting.message, parked=True)
                progress = True

    def _assess(
        self,
        batch: BatchWrite,
        deal: OwnershipEvent,
        before: Mapping[Series, Mapping[Basis, Figures]],
        controller_before: str | None,
    ) -> None:
        # Derived facts are recorded when their cause was: a replay reproduces them exactly.
        recorded_at = deal.recorded_at or deal.occurred_at
        assessment = assess_deal(
            self.state,
            deal,
            before,
            controller_before,
            recorded_at=recorded_at,
            publisher=PUBLISHER,
            rules=self.screen_rules,
        )
        batch.deals.append(
            DealRow(
                deal_event_id=assessment.deal_event_id,
                deal_type=assessment.deal_type,
                acquirer_id=assessment.acquirer_id,
                subject_id=assessment.subject_id,
                control_changed=assessment.control_changed,
                screens_triggered=list(assessment.screens_triggered),
                summary=assessment.summary,
                payload=assessment.model_dump(mode="json"),
                occurred_at=assessment.occurred_at,
                recorded_at=recorded_at,
            )
        )
        key = assessment.deal_event_id.encode()
        document = encode(assessment)
        batch.outbox.append(OutboxMessage(self.topics.deals, key, document))
        batch.feed.append(
            FeedItem(
                assessment.type,
                sorted({m.market_id for m in assessment.markets}),
                None,
                document.decode(),
            )
        )
        for alert in alerts_for_deal(assessment, recorded_at=recorded_at, publisher=PUBLISHER):
            self._raise(batch, alert)
        for holding in self._holdings_written_by(deal):
            batch.stakes.append(holding)

    def _raise(self, batch: BatchWrite, alert: AlertRaised) -> None:
        batch.alerts.append(
            AlertRow(
                alert_id=alert.event_id,
                kind=alert.kind,
                market_id=alert.market_id,
                basis=alert.basis,
                caused_by=list(alert.caused_by),
                message=alert.message,
                payload=alert.model_dump(mode="json"),
                occurred_at=alert.occurred_at,
                recorded_at=alert.recorded_at or alert.occurred_at,
            )
        )
        key = (alert.market_id or alert.kind).encode()
        document = encode(alert)
        batch.outbox.append(OutboxMessage(self.topics.alerts, key, document))
        markets = [alert.market_id] if alert.market_id else []
        batch.feed.append(FeedItem(alert.type, markets, alert.basis, document.decode()))

    def _holdings_written_by(self, deal: OwnershipEvent) -> list[StakeRow]:
        """The registered holdings a deal wrote, as the stake read model keeps them."""
        if isinstance(deal, StakeChanged):
            pairs = [(deal.holder_id, deal.target_id)]
        elif isinstance(deal, JointVentureFormed):
            pairs = [(p.entity_id, deal.venture_id) for p in deal.partners]
        else:
            return []
        rows = []
        for holder, target in pairs:
            holding = self.state.ownership.latest(holder, target)
            if holding is not None:
                rows.append(
                    StakeRow(
                        holder,
                        target,
                        holding.pct_after,
                        holding.controlling,
                        holding.event_id,
                        holding.occurred_at,
                        ended=holding.ended,
                    )
                )
        return rows

    def _entities_moved_by(self, event: InputEvent) -> set[str]:
        ownership = self.state.ownership
        match event:
            case EntityRegistered():
                return {event.entity_id}
            case StakeChanged():
                return set(ownership.controlled_below(event.target_id))
            case MergerCompleted():
                return set(ownership.controlled_below(event.survivor_id)) | {event.absorbed_id}
            case JointVentureFormed():
                return set(ownership.controlled_below(event.venture_id))
            case _:
                return set()

    async def handle(
        self,
        messages: Sequence[RawMessage],
        *,
        in_order: bool = False,
        now: datetime | None = None,
        dequeued: Sequence[tuple[str, str, int, int]] = (),
        lease_token: int | None = None,
    ) -> BatchWrite:
        """Fold, commit (retrying while PostgreSQL is away: the processor pauses, never skips).

        Serialised: the agent's batches and the timer that retries parked events take turns.
        `dequeued` and `lease_token` commit with the batch (see `FoldLeader`); a lost lease
        raises `LeaseLost`, after which this folder's state is ahead of the database's and
        must be dropped.
        """
        async with self._handling:
            batch = await self.prepare(messages, in_order=in_order, now=now)
            batch.dequeued.extend(dequeued)
            batch.lease_token = lease_token
            await retry_transient(lambda: self.store.commit(batch, broker_epoch=self.broker_epoch))
            return batch

    def parked_expire_by(self, now: datetime) -> bool:
        """Whether a parked event will have waited too long at `now`."""
        return any(
            (now - waiting.parked_at).total_seconds() > self.park_seconds
            for waiting in self.parked.values()
        )

    async def prepare(
        self, messages: Sequence[RawMessage], *, in_order: bool = False, now: datetime | None = None
    ) -> BatchWrite:
        """Fold a batch; when it retracts events, fold everything again without them."""
        batch = self.fold(messages, in_order=in_order, now=now)
        work, self._refold_after = self._refold_after, None
        if work is not None:
            await self._refold(batch, work)
        return batch

    async def _retractions(self, *, after_batch: int = 0) -> list[EventRetracted]:
        found = []
        async for chunk in self.store.archived(after_batch=after_batch, of_type="event_retracted"):
            for archived in chunk:
                event = parse_input_event(archived.payload)
                assert isinstance(event, EventRetracted)
                found.append(event)
        return found

    async def _refold_archive(
        self, more: Sequence[InputEvent], *, count_after: int = 0
    ) -> tuple[MarketState, int]:
        """The state of every archived event, then `more`, with every retraction applied; and
        how many archived events came after batch `count_after`."""
        retractions = [
            *await self._retractions(),
            *(e for e in more if isinstance(e, EventRetracted)),
        ]
        refolding = Refold(retractions)
        counted = 0
        async for chunk in self.store.archived():
            for archived in chunk:
                refolding.add(parse_input_event(archived.payload))
                counted += archived.batch_seq > count_after
        for event in more:
            refolding.add(event)
        return refolding.finish(), counted

    async def _refold(self, batch: BatchWrite, work: _BatchWork) -> None:
        """Replace the state by a fold of every accepted event less the retracted ones, and
        publish every figure that moved (caused by the retractions, and by whatever else the
        batch touched)."""
        this_batch = [parse_input_event(a.payload) for a in batch.archived]
        self.state, _ = await self._refold_archive(this_batch)
        series = set(self.state.series()) | {key.series for key in self.current}
        causes = {s: [*work.touched.get(s, []), *work.retractions] for s in series}
        self._publish_changes(batch, causes, work.now)
        self._publish_chains(batch, causes)
        batch.entities.extend(self._entity_rows(set(self.state.entities)))
        self._close_batch(batch, work)

    def _dead_letter(
        self,
        batch: BatchWrite,
        message: RawMessage,
        reason: str,
        event: InputEvent | None,
        now: datetime,
    ) -> None:
        row, announcement = dead_letter(message, reason, event, now, topic=self.topics.dead_letters)
        batch.dead_letters.append(row)
        batch.outbox.append(announcement)

    def _entity_rows(self, affected: set[str]) -> list[EntityRow]:
        rows = []
        ownership = self.state.ownership
        for entity_id in sorted(affected):
            entity = self.state.entities.get(entity_id)
            chain = ownership.control_chain(entity_id)
            merged_into = ownership.canonical(entity_id)
            rows.append(
                EntityRow(
                    entity_id=entity_id,
                    name=entity.name if entity else None,
                    country=entity.country if entity else None,
                    kind=entity.kind if entity else None,
                    aliases=list(entity.aliases) if entity else [],
                    controller_id=chain[-1],
                    control_chain=chain,
                    registered_by=entity.event_id if entity else None,
                    merged_into=merged_into if merged_into != entity_id else None,
                    free_float_pct=ownership.free_float_pct(entity_id),
                )
            )
        return rows


def dead_letter(
    message: RawMessage, reason: str, event: InputEvent | None, now: datetime, *, topic: str
) -> tuple[DeadLetterRow, OutboxMessage]:
    """The dead-letter row of a message and its announcement on the dead-letter topic."""
    raw = message.value or (encode(event) if event is not None else b"")
    payload = raw.decode("utf-8", errors="replace")
    event_id = event.event_id if event is not None else _event_id_of(message.value)
    log.warning(
        "dead letter %s:%s@%s: %s", message.topic, message.partition, message.offset, reason
    )
    letter = DeadLettered(
        reason=reason,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        event_id=event_id,
        payload=payload,
        dead_lettered_at=now,
    )
    key = f"{message.topic}:{message.partition}".encode()
    return (
        DeadLetterRow(
            reason, message.topic, message.partition, message.offset, event_id, payload, now
        ),
        OutboxMessage(topic, key, encode(letter)),
    )


async def retry_transient(operation: Callable[[], Awaitable[_T]]) -> _T:
    """Run `operation` until PostgreSQL answers: a worker pauses while it is away, never skips."""
    delay = 0.2
    while True:
        try:
            return await operation()
        except TRANSIENT_DB_ERRORS as error:
            log.warning("PostgreSQL unavailable (%s); retrying in %.1f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def decode_message(message: RawMessage) -> tuple[InputEvent | None, str | None]:
    if not message.value:
        return None, "empty message: expected one JSON event"
    try:
        document = decode(message.value)
    except orjson.JSONDecodeError as error:
        return None, f"not JSON: {error}"
    try:
        return parse_input_event(document), None
    except pydantic.ValidationError as error:
        return None, describe_validation_error(error)


def _event_id_of(value: bytes | None) -> str | None:
    try:
        document = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        return None
    found = document.get("event_id") if isinstance(document, dict) else None
    return found if isinstance(found, str) else None


def _merge_time(message: RawMessage, fallback: datetime) -> datetime:
    if message.merge_ms is None:
        return fallback
    return datetime.fromtimestamp(message.merge_ms / 1000, tz=UTC)


def _message_time(message: RawMessage, fallback: datetime) -> datetime:
    if message.timestamp_ms is None or message.timestamp_ms <= 0:
        return fallback
    return datetime.fromtimestamp(message.timestamp_ms / 1000, tz=UTC)


def _archived(
    event: InputEvent, message: RawMessage, batch_seq: int, content_hash: str
) -> ArchivedEvent:
    payload: dict[str, Any] = event.model_dump(mode="json")
    assert event.recorded_at is not None
    return ArchivedEvent(
        event_id=event.event_id,
        type=event.type,
        schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        content_hash=content_hash,
        payload=payload,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        batch_seq=batch_seq,
    )


def _load_snapshot(
    checkpoint: Checkpoint,
) -> tuple[MarketState, dict[IndexKey, Figures], int] | None:
    """The state of a checkpoint, or None when it was written by another snapshot format."""
    if checkpoint.format != SNAPSHOT_FORMAT:
        log.warning("checkpoint format %d is not %d: replaying", checkpoint.format, SNAPSHOT_FORMAT)
        return None
    # The snapshot was written by this processor into its own database: trusted input.
    state, current, batch_seq = pickle.loads(zlib.decompress(checkpoint.state))
    return state, current, batch_seq


def _parked_row(waiting: ParkedEvent) -> ParkedRow:
    return ParkedRow(
        event_id=waiting.event.event_id,
        payload=waiting.event.model_dump(mode="json"),
        topic=waiting.message.topic,
        partition=waiting.message.partition,
        offset=waiting.message.offset,
        parked_at=waiting.parked_at,
        missing=list(waiting.missing),
    )


def _registrations_first(messages: Sequence[RawMessage]) -> list[RawMessage]:
    """Entity registrations of a batch are folded before the rest (a stable sort, so each
    partition keeps its order): events on other topics that name a new entity then find it."""
    return sorted(messages, key=lambda m: not m.topic.endswith(ENTITIES.suffix))


def _index_row(change: IndexChanged) -> IndexRow:
    assert change.recorded_at is not None
    return IndexRow(
        change_id=change.event_id,
        market_id=change.market_id,
        basis=change.basis,
        period=change.period,
        measure=change.measure,
        commodity=change.commodity,
        element_group=change.element_group,
        stage=change.stage,
        figures=figures_document(change.figures),
        previous=figures_document(change.previous) if change.previous else None,
        caused_by=list(change.caused_by),
        occurred_at=change.occurred_at,
        recorded_at=change.recorded_at,
    )
