"""Following `GET /v1/stream` across disconnects: resume after the last sequence seen.

Each connection sends `Last-Event-ID` with the highest `seq` delivered so far, so the gateway
starts right after it; anything at or below it that arrives anyway (a gateway replaying its
window) is dropped. Together: no gap and no duplicate, however often the connection breaks.
A connection silent for longer than `idle_timeout_s` (three missed heartbeats by default) is
treated as dead, because a half-open TCP connection can stay silent forever.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import httpx

from monazite_client.errors import MonaziteError
from monazite_client.models import StreamDocument, StreamItem
from monazite_client.sse import SSEEvent, SSEParser

STREAM_PATH = "/v1/stream"
#: What the gateway asks for in its first frame; used until a `retry:` line says otherwise.
DEFAULT_RETRY_S = 3.0


@dataclass(frozen=True, slots=True)
class Reconnection:
    """How to come back after a disconnect.

    `delay_s` None follows the server's `retry:` advice; consecutive failures double the delay up
    to `max_delay_s`, and after `max_attempts` consecutive failures (None: never) the last error
    is raised. An attempt that delivered an item resets the count.
    """

    delay_s: float | None = None
    max_delay_s: float = 30.0
    max_attempts: int | None = None

    def delay(self, failures: int, server_retry_s: float | None) -> float:
        base = self.delay_s if self.delay_s is not None else (server_retry_s or DEFAULT_RETRY_S)
        backed_off = min(self.max_delay_s, base * 2.0 ** max(failures - 1, 0))
        # A little jitter, so that every client of a restarted gateway does not return at once.
        return backed_off * random.uniform(0.8, 1.0)


class _Retryable(Exception):
    """An answer worth trying again later (overload, gateway restarting)."""

    def __init__(self, error: MonaziteError) -> None:
        super().__init__(str(error))
        self.error = error


async def follow_stream(
    http: httpx.AsyncClient,
    *,
    market_ids: Sequence[str] = (),
    kinds: Sequence[str] = (),
    bases: Sequence[str] = (),
    since: int | None = None,
    idle_timeout_s: float = 45.0,
    reconnection: Reconnection | None = None,
) -> AsyncGenerator[StreamItem, None]:
    """Every stream item matching the filters, in sequence order, reconnecting as needed.

    With `since` None the stream starts at the first item after the first connection; before any
    item has arrived a reconnection can only ask for "from now on" again.
    """
    policy = reconnection or Reconnection()
    filters: dict[str, Any] = {"market_id": list(market_ids), "kind": list(kinds)}
    filters["basis"] = list(bases)
    last_seq: int | None = None
    failures = 0
    server_retry_s: float | None = None
    while True:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        params = dict(filters)
        if last_seq is not None:
            headers["Last-Event-ID"] = str(last_seq)
        elif since is not None:
            params["since"] = since
        wait_s: float | None = None
        try:
            async with http.stream(
                "GET", STREAM_PATH, params=params, headers=headers, timeout=_stream_timeout(http)
            ) as response:
                if response.status_code == 204:  # the server's way of saying "do not reconnect"
                    return
                await _check_answer(response)
                parser = SSEParser()
                chunks = response.aiter_bytes()
                while True:
                    try:
                        async with asyncio.timeout(idle_timeout_s):
                            chunk = await anext(chunks)
                    except StopAsyncIteration:
                        break
                    for event in parser.feed(chunk):
                        item = _stream_item(event)
                        if item is None or (last_seq is not None and item.seq <= last_seq):
                            continue
                        last_seq = item.seq
                        failures = 0
                        yield item
                    if parser.retry_ms is not None:
                        server_retry_s = parser.retry_ms / 1000
            last_error: Exception = ConnectionError("the stream ended")
        except _Retryable as retryable:
            last_error = retryable.error
            wait_s = retryable.error.retry_after_s
        except (httpx.TransportError, TimeoutError) as error:
            last_error = error
        failures += 1
        if policy.max_attempts is not None and failures > policy.max_attempts:
            raise last_error
        await asyncio.sleep(
            wait_s if wait_s is not None else policy.delay(failures, server_retry_s)
        )


def _stream_timeout(http: httpx.AsyncClient) -> httpx.Timeout:
    # Reads wait as long as it takes: the idle watchdog decides when silence means a dead line.
    return httpx.Timeout(http.timeout.connect, read=None, write=http.timeout.write, pool=None)


async def _check_answer(response: httpx.Response) -> None:
    if response.status_code != 200:
        await response.aread()
        error = MonaziteError.from_response(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(error)
        raise error
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/event-stream"):
        await response.aread()
        raise MonaziteError(
            response.status_code,
            "Not an event stream",
            f"expected text/event-stream, got {content_type or 'no content type'}",
            field="content-type",
        )


def _stream_item(event: SSEEvent) -> StreamItem | None:
    """The typed item, or None for frames without a sequence (not part of the contract)."""
    if event.id is None or not event.id.isdigit():
        return None
    document = cast(StreamDocument, json.loads(event.data))
    return StreamItem(seq=int(event.id), kind=event.event, data=document)
