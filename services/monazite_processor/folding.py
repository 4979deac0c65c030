"""The processor's fold loop: decode a batch, fold it into the market state, persist it atomically.

Effectively once: each input message is skipped when its offset is below the offset committed with
the state (a redelivery after a crash), and each event is folded at most once by id (a producer
that published it twice). State, read models, outbound messages and offsets commit in one
PostgreSQL transaction; outbound messages leave through the outbox only after that commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pydantic

from monazite_core.events import (
    DeadLettered,
    EntityRegistered,
    Figures,
    IndexChanged,
    InputEvent,
    StakeChanged,
    describe_validation_error,
    parse_input_event,
)
from monazite_core.market import (
    Accepted,
    Duplicate,
    IndexKey,
    MarketState,
    Rejected,
    Series,
    decide,
    figures,
    index_changes,
)
from monazite_infra.codec import decode, encode
from monazite_infra.postgres.processor_store import (
    ArchivedEvent,
    BatchWrite,
    DeadLetterRow,
    EntityRow,
    IndexRow,
    OutboxMessage,
    ProcessorStore,
    StakeRow,
)

log = logging.getLogger("monazite.processor")

PUBLISHER = "monazite-processor"
_TRANSIENT_DB_ERRORS = (
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


@dataclass(frozen=True)
class Topics:
    indices: str
    dead_letters: str


class Folder:
    """Owns the market state of this worker and everything that keeps it consistent."""

    def __init__(
        self,
        store: ProcessorStore,
        topics: Topics,
        *,
        broker_epoch: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.topics = topics
        self.broker_epoch = broker_epoch
        self.clock = clock
        self.state = MarketState()
        self.current: dict[IndexKey, Figures] = {}
        self.next_offsets: dict[tuple[str, int], int] = {}
        self.events_folded = 0

    async def restore(self) -> int:
        """Rebuild the state from the archive and load the offsets it reflects."""
        restored = 0
        async for chunk in self.store.archived_payloads():
            for payload in chunk:
                decision = decide(self.state, parse_input_event(payload))
                if isinstance(decision, Rejected):  # the archive only holds accepted events
                    raise RuntimeError(f"archive inconsistent: {decision.reason}")
                restored += 1
        for series in self.state.series():
            for basis, value in figures(self.state, series).items():
                self.current[IndexKey(series, basis)] = value
        self.next_offsets = await self.store.next_offsets(self.broker_epoch)
        return restored

    def fold(self, messages: Sequence[RawMessage]) -> BatchWrite:
        """Fold one batch into the state and describe everything it must persist."""
        batch = BatchWrite()
        now = self.clock()
        touched: dict[Series, list[InputEvent]] = defaultdict(list)
        stake_targets: set[str] = set()
        registered: set[str] = set()
        for message in messages:
            tp = (message.topic, message.partition)
            if message.offset < self.next_offsets.get(tp, 0):
                continue  # redelivered: already folded and committed
            self.next_offsets[tp] = message.offset + 1
            batch.next_offsets[tp] = message.offset + 1
            event, reason = _decode(message)
            if event is not None:
                if event.recorded_at is None:
                    event = event.model_copy(update={"recorded_at": _message_time(message, now)})
                decision = decide(self.state, event)
                match decision:
                    case Accepted(event=accepted, touched=series):
                        self.events_folded += 1
                        batch.archived.append(_archived(accepted, message))
                        for s in series:
                            touched[s].append(accepted)
                        if isinstance(accepted, StakeChanged):
                            stake_targets.add(accepted.target_id)
                            batch.stakes.append(_stake_row(accepted))
                        elif isinstance(accepted, EntityRegistered):
                            registered.add(accepted.entity_id)
                        continue
                    case Duplicate():
                        continue
                    case Rejected(reason=why):
                        reason = why
            self._dead_letter(batch, message, reason or "unknown", event, now)
        for change in index_changes(
            self.state, touched, self.current, recorded_at=now, publisher=PUBLISHER
        ):
            batch.indices.append(_index_row(change))
            batch.outbox.append(
                OutboxMessage(self.topics.indices, change.market_id.encode(), encode(change))
            )
        batch.entities.extend(self._entity_rows(registered, stake_targets))
        self._drop_ended_stakes(batch)
        return batch

    async def handle(self, messages: Sequence[RawMessage]) -> BatchWrite:
        """Fold, commit (retrying while PostgreSQL is away: the processor pauses, never skips)."""
        batch = self.fold(messages)
        await _retry_transient(lambda: self.store.commit(batch, broker_epoch=self.broker_epoch))
        return batch

    def _dead_letter(
        self,
        batch: BatchWrite,
        message: RawMessage,
        reason: str,
        event: InputEvent | None,
        now: datetime,
    ) -> None:
        payload = (message.value or b"").decode("utf-8", errors="replace")
        event_id = event.event_id if event is not None else _event_id_of(message.value)
        log.warning(
            "dead letter %s:%s@%s: %s", message.topic, message.partition, message.offset, reason
        )
        batch.dead_letters.append(
            DeadLetterRow(
                reason, message.topic, message.partition, message.offset, event_id, payload, now
            )
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
        batch.outbox.append(OutboxMessage(self.topics.dead_letters, key, encode(letter)))

    def _entity_rows(self, registered: set[str], stake_targets: set[str]) -> list[EntityRow]:
        affected: set[str] = set(registered)
        for target in stake_targets:
            affected.update(self.state.ownership.controlled_below(target))
        rows = []
        for entity_id in sorted(affected):
            entity = self.state.entities.get(entity_id)
            chain = self.state.ownership.control_chain(entity_id)
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
                )
            )
        return rows

    def _drop_ended_stakes(self, batch: BatchWrite) -> None:
        kept = []
        for row in batch.stakes:
            if self.state.ownership.stake(row.holder_id, row.target_id) is None:
                batch.removed_stakes.append((row.holder_id, row.target_id))
            else:
                kept.append(row)
        batch.stakes = kept


async def _retry_transient(operation: Callable[[], Awaitable[None]]) -> None:
    delay = 0.2
    while True:
        try:
            await operation()
            return
        except _TRANSIENT_DB_ERRORS as error:
            log.warning("PostgreSQL unavailable (%s); retrying in %.1f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _decode(message: RawMessage) -> tuple[InputEvent | None, str | None]:
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


def _message_time(message: RawMessage, fallback: datetime) -> datetime:
    if message.timestamp_ms is None or message.timestamp_ms <= 0:
        return fallback
    return datetime.fromtimestamp(message.timestamp_ms / 1000, tz=UTC)


def _archived(event: InputEvent, message: RawMessage) -> ArchivedEvent:
    payload: dict[str, Any] = event.model_dump(mode="json")
    assert event.recorded_at is not None
    return ArchivedEvent(
        event_id=event.event_id,
        type=event.type,
        schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        content_hash=event.content_hash(),
        payload=payload,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
    )


def _stake_row(stake: StakeChanged) -> StakeRow:
    return StakeRow(
        stake.holder_id,
        stake.target_id,
        stake.pct_after,
        stake.controlling,
        stake.event_id,
        stake.occurred_at,
    )


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
        figures=change.figures.model_dump(mode="json"),
        previous=change.previous.model_dump(mode="json") if change.previous else None,
        caused_by=list(change.caused_by),
        occurred_at=change.occurred_at,
        recorded_at=change.recorded_at,
    )
