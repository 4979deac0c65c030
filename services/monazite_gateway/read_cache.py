"""Whole GET answers kept in front of the routes: a repeated read costs no routing, no parameter
solving and no PostgreSQL round trip.

What is kept: the 200 answer (status, headers with the ETag, body) of a GET to a route declared
with `@cached_read`, under the request's scheme, host, root path, path and exact query string (a
page's Link header names all of them). Nothing else is kept: other methods, other routes, errors,
event streams, answers marked `no-store`.

Which routes: those reading only tables the processor changes in the same commit as it writes
stream feed rows and notifies (current indices, markets, history, deals, alerts, the live chain).
Entities, policies, dead letters, the review queue and blocs change without a feed row, so their
routes are not declared; nor are past-time (`as_of`/`known_at`) answers, which fold the archive.

When answers are dropped:

- all at once as soon as the stream hub learns of a commit: a notification (acted on before the
  hub reads the new rows, so a client that saw an item on `/v1/stream` never reads an answer older
  than it), or new feed rows found by the hub's poll (a notification may be lost);
- all at once when a write through this gateway (any method but GET, HEAD and OPTIONS) is not
  refused with a 4xx;
- each one `READ_CACHE_MAX_AGE_S` after it was computed, whatever happened: a missed notification
  serves an old answer for at most that long.

An answer computed while answers were being dropped is not kept: it may predate the commit.
Concurrent misses of a key kept before share one computation.

Reads behind a key: a cached answer goes only to a request showing a key with the read scope,
checked on every request (through the key cache of `auth.py`); any other request goes to the
routes, which refuse it as they always did.

If-None-Match is answered here for every GET: 304 when it names the ETag. On a miss the condition
is taken off the request, so that the routes answer in full and the answer can be kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.requests import Request

from monazite_gateway import etags
from monazite_gateway.auth import ACCESS_TOKEN_PARAM, may_read

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The longest an answer is served from memory, however quiet the processor seems.
READ_CACHE_MAX_AGE_S = 1.0
MAX_ENTRIES = 4096
MAX_BYTES = 64 * 1024 * 1024
#: A larger answer (a long page of history) is computed each time rather than crowd the rest out.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
#: Keys known to be cacheable (for sharing a computation), remembered beyond their answers.
MAX_KNOWN_KEYS = 4 * MAX_ENTRIES

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_IF_NONE_MATCH = b"if-none-match"

#: scheme, Host header, server address (the host when the header is absent), root path, path,
#: query string: everything a URL built from the request is built from.
CacheKey = tuple[str, bytes, Any, str, str, bytes]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """Which answers of one route may be kept, by the names in the query string.

    `never_with`: an answer to a query naming any of these is not kept. `only_with`: when given,
    only answers to queries naming nothing else are (the read key's access token always allowed).
    """

    never_with: frozenset[str] = frozenset()
    only_with: frozenset[str] | None = None

    def admits(self, query_string: bytes) -> bool:
        if not query_string:
            return True
        # Decoded as Starlette decodes it: `as%5Fof` is the route's `as_of`.
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        names = {name for name, _ in pairs}
        if self.only_with is not None and not names <= self.only_with | {ACCESS_TOKEN_PARAM}:
            return False
        return names.isdisjoint(self.never_with)


_POLICIES: dict[Callable[..., Any], CachePolicy] = {}


def cached_read(
    *, never_with: Iterable[str] = (), only_with: Iterable[str] | None = None
) -> Callable[[Endpoint], Endpoint]:
    """Declare a route's answers cacheable (see `CachePolicy`). Only for routes whose answers
    change solely through processor commits that notify the feed channel."""
    policy = CachePolicy(frozenset(never_with), None if only_with is None else frozenset(only_with))

    def declare(endpoint: Endpoint) -> Endpoint:
        _POLICIES[endpoint] = policy
        return endpoint

    return declare


def policy_of(route: object) -> CachePolicy | None:
    """The policy of the route that answered (None: its answers are never kept)."""
    endpoint = getattr(route, "endpoint", None)
    return _POLICIES.get(endpoint) if endpoint is not None else None


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    route: object  # the route that answered: requests served from memory are timed under it
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes | None
    computed_at: float  # when its computation started: it may reflect nothing later

    @property
    def not_modified_headers(self) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in self.headers if k != b"content-length"]


class ReadCache:
    """The answers, bounded in count, bytes and age. Used from one event loop only."""

    def __init__(
        self,
        *,
        max_age_s: float = READ_CACHE_MAX_AGE_S,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        #: Bumped by every invalidation: an answer computed across one is not kept.
        self.generation = 0
        self._answers: dict[CacheKey, CachedAnswer] = {}
        self._bytes = 0
        self._known: dict[CacheKey, None] = {}
        self._filling: dict[CacheKey, tuple[int, asyncio.Future[CachedAnswer | None]]] = {}
        self.outcomes: dict[str, int] = {"hit": 0, "shared": 0, "miss": 0, "bypass": 0}
        self.invalidations = 0

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def invalidate(self) -> None:
        """Drop every answer now, and refuse those being computed."""
        self.generation += 1
        self.invalidations += 1
        self._answers.clear()
        self._bytes = 0

    def get(self, key: CacheKey) -> CachedAnswer | None:
        answer = self._answers.get(key)
        if answer is not None and self.clock() - answer.computed_at >= self.max_age_s:
            self._drop(key)
            return None
        return answer

    def put(self, key: CacheKey, answer: CachedAnswer, *, generation: int) -> bool:
        """Keep `answer`, computed from `generation` on; False (not kept) when an invalidation
        came in between, or it is too large or already too old."""
        if generation != self.generation or len(answer.body) > MAX_ANSWER_BYTES:
            return False
        if self.clock() - answer.computed_at >= self.max_age_s:
            return False
        self._drop(key)
        while self._answers and (
            len(self._answers) >= self.max_entries
            or self._bytes + len(answer.body) > self.max_bytes
        ):
            self._drop(next(iter(self._answers)))  # the oldest kept
        self._answers[key] = answer
        self._bytes += len(answer.body)
        self._known[key] = None
        if len(self._known) > MAX_KNOWN_KEYS:
            del self._known[next(iter(self._known))]
        return True

    def known(self, key: CacheKey) -> bool:
        """Whether an answer for `key` was kept lately (its route and query are cacheable)."""
        return key in self._known

    def begin_fill(self, key: CacheKey) -> asyncio.Future[CachedAnswer | None] | None:
        """A future for the answer this request is about to compute for a key cacheable before,
        which concurrent requests can wait for; None when the key was never kept."""
        if key not in self._known:
            return None
        future: asyncio.Future[CachedAnswer | None] = asyncio.get_running_loop().create_future()
        self._filling[key] = (self.generation, future)
        return future

    def end_fill(
        self, key: CacheKey, future: asyncio.Future[CachedAnswer | None], kept: CachedAnswer | None
    ) -> None:
        if not future.done():
            future.set_result(kept)
        if self._filling.get(key, (0, None))[1] is future:
            del self._filling[key]

    def filling(self, key: CacheKey) -> asyncio.Future[CachedAnswer | None] | None:
        """The computation of `key` under way since the latest invalidation, if any."""
        under_way = self._filling.get(key)
        if under_way is None or under_way[0] != self.generation:
            return None
        return under_way[1]

    def _drop(self, key: CacheKey) -> None:
        answer = self._answers.pop(key, None)
        if answer is not None:
            self._bytes -= len(answer.body)


class ReadCacheMiddleware:
    """Pure ASGI, inside the observability middleware (every request keeps its id, its timing and
    its log line) and outside the routes."""

    def __init__(self, app: ASGIApp, cache: ReadCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method != "GET":
            if method in _SAFE_METHODS:
                await self.app(scope, receive, send)
            else:
                await self._write(scope, receive, send)
            return
        host = b""
        wanted: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == _IF_NONE_MATCH:
                wanted = value
        key: CacheKey = (
            scope["scheme"],
            host,
            scope.get("server"),
            scope.get("root_path", ""),
            scope["path"],
            scope["query_string"],
        )
        cache = self.cache
        answer = cache.get(key)
        under_way = cache.filling(key) if answer is None else None
        # Only a request that may read is answered from memory, or computes for others.
        allowed = (answer is not None or cache.known(key)) and await self._may_read(scope)
        if allowed and answer is None and under_way is not None:
            answer = await asyncio.shield(under_way)
            if answer is not None:
                cache.outcomes["shared"] += 1
                await _answer(answer, wanted, scope, send)
                return
        elif allowed and answer is not None:
            cache.outcomes["hit"] += 1
            await _answer(answer, wanted, scope, send)
            return
        await self._compute(key, wanted, scope, receive, send, lead=allowed)

    async def _may_read(self, scope: Scope) -> bool:
        try:
            return await may_read(Request(scope))
        except Exception:  # the key store unreadable: the routes answer, with the reason
            return False

    async def _compute(
        self,
        key: CacheKey,
        wanted: bytes | None,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        lead: bool,
    ) -> None:
        """Ask the routes; keep a cacheable answer; apply If-None-Match to any full answer.
        `lead`: concurrent requests for the key may wait for this answer."""
        cache = self.cache
        generation = cache.generation
        computed_at = cache.clock()
        if wanted is not None:
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != _IF_NONE_MATCH]
        shared = cache.begin_fill(key) if lead else None
        held: Message | None = None
        body = bytearray()
        kept: CachedAnswer | None = None
        outcome = "bypass"

        async def hold(message: Message) -> None:
            nonlocal held, kept, outcome
            kind = message["type"]
            if kind == "http.response.start":
                if message["status"] == 200 and not _event_stream(message.get("headers", ())):
                    held = message  # until the body is complete
                else:
                    await send(message)
                return
            if held is None:
                await send(message)
                return
            if kind != "http.response.body":  # an extension message: pass everything on
                await send(held)
                held = None
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = tuple((bytes(k).lower(), bytes(v)) for k, v in held["headers"])
            etag = next((v for k, v in headers if k == b"etag"), None)
            answer = CachedAnswer(scope.get("route"), headers, bytes(body), etag, computed_at)
            policy = policy_of(answer.route)
            if (
                policy is not None
                and policy.admits(scope["query_string"])
                and not _forbids_keeping(headers)
            ):
                outcome = "miss"
                if cache.put(key, answer, generation=generation):
                    kept = answer
            held = None
            await _answer(answer, wanted, scope, send)

        try:
            await self.app(scope, receive, hold)
        finally:
            if shared is not None:
                cache.end_fill(key, shared, kept)
            cache.outcomes[outcome] += 1

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A write may change what reads answer: drop every answer before the client can read
        the write's own answer (a 4xx refused it: nothing changed)."""

        async def invalidating(message: Message) -> None:
            if message["type"] == "http.response.start" and not 400 <= message["status"] < 500:
                self.cache.invalidate()
            await send(message)

        await self.app(scope, receive, invalidating)


async def _answer(answer: CachedAnswer, wanted: bytes | None, scope: Scope, send: Send) -> None:
    scope["route"] = answer.route
    if wanted is not None and answer.etag is not None and etags.matches(answer.etag, wanted):
        headers = answer.not_modified_headers
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": list(answer.headers)})
    await send({"type": "http.response.body", "body": answer.body})


def _event_stream(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    return any(
        bytes(k).lower() == b"content-type" and v.startswith(b"text/event-stream")
        for k, v in headers
    )


def _forbids_keeping(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    return any(k == b"cache-control" and (b"no-store" in v or b"private" in v) for k, v in headers)


class ReadCacheCollector:
    """The cache's figures for `/metrics`, read at scrape time (nothing is counted per request
    but a plain integer)."""

    def __init__(self, cache: ReadCache) -> None:
        self.cache = cache

    def collect(self) -> Iterable[Metric]:
        requests = CounterMetricFamily(
            "monazite_gateway_read_cache_requests",
            "GET requests by what the read cache did: hit (answered from memory), shared (waited"
            " for the same answer being computed), miss (computed by a cacheable route; kept"
            " unless an invalidation came meanwhile), bypass (answered by the routes, never kept:"
            " another route or query, an error, a stream).",
            labels=["outcome"],
        )
        for outcome, count in self.cache.outcomes.items():
            requests.add_metric([outcome], count)
        invalidations = CounterMetricFamily(
            "monazite_gateway_read_cache_invalidations",
            "Times every cached answer was dropped: a processor commit or a write through this"
            " gateway.",
        )
        invalidations.add_metric([], self.cache.invalidations)
        entries = GaugeMetricFamily(
            "monazite_gateway_read_cache_entries", "Answers held now (expired ones included)."
        )
        entries.add_metric([], len(self.cache))
        size = GaugeMetricFamily(
            "monazite_gateway_read_cache_bytes", "Bytes of answer bodies held now."
        )
        size.add_metric([], self.cache.size_bytes)
        return [requests, invalidations, entries, size]
