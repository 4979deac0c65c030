"""A typed asyncio client for the Monazite gateway: REST reads with conditional GETs, event
ingest, and the live stream with resume.

It depends on httpx and the standard library only, so that API clients can install it without
the service's own stack.
"""

from monazite_client.client import MonaziteClient, PostableEvent
from monazite_client.errors import MonaziteError
from monazite_client.models import (
    AlertRaised,
    DeadLetter,
    DealAssessed,
    DealSummary,
    Entity,
    EventResult,
    Figures,
    HistoryRow,
    IndexChanged,
    IndexRow,
    Market,
    MarketIndices,
    Page,
    PostOutcome,
    SeriesRow,
    StreamItem,
)
from monazite_client.sse import SSEEvent, SSEParser
from monazite_client.stream import Reconnection

__all__ = [
    "AlertRaised",
    "DeadLetter",
    "DealAssessed",
    "DealSummary",
    "Entity",
    "EventResult",
    "Figures",
    "HistoryRow",
    "IndexChanged",
    "IndexRow",
    "Market",
    "MarketIndices",
    "MonaziteClient",
    "MonaziteError",
    "Page",
    "PostOutcome",
    "PostableEvent",
    "Reconnection",
    "SSEEvent",
    "SSEParser",
    "SeriesRow",
    "StreamItem",
]
