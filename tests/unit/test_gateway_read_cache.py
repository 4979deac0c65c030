"""The gateway's read cache on a small app layered as the gateway is (observability, cache, ETag,
routes): what is kept and under which key, what drops it, what is never kept, 304s, read keys."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query, Response
from fastapi.responses import StreamingResponse
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from monazite_gateway.auth import KeyCache, ReadAccess
from monazite_gateway.etags import ETagMiddleware
from monazite_gateway.observability import install_observability
from monazite_gateway.problems import Problem, install_problem_handlers
from monazite_gateway.read_cache import (
    CachedAnswer,
    CachePolicy,
    ReadCache,
    ReadCacheCollector,
    ReadCacheMiddleware,
    cached_read,
)
from monazite_gateway.streaming import StreamFilter, StreamHub
from monazite_infra.postgres.api_keys import ApiKey
from tests.support.feeds import MemoryFeed

READER = "mnz_reader_secret"
WRITER = "mnz_writer_secret"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Keys:
    """Stands in for the API key store."""

    revoked: set[str] = field(default_factory=set)

    async def authenticate(self, secret: str) -> ApiKey | None:
        scopes = {READER: ["read"], WRITER: ["write"]}.get(secret)
        if scopes is None or secret in self.revoked:
            return None
        return ApiKey(secret, secret, scopes, datetime(2025, 1, 1, tzinfo=UTC), None)


@dataclass
class Gateway:
    app: FastAPI
    cache: ReadCache
    clock: Clock
    keys: Keys
    calls: Counter[str]
    #: Set by a test to hold `/v1/slow` until released.
    release: asyncio.Event = field(default_factory=asyncio.Event)
    #: Called by `/v1/indices/{market_id}` while it computes (a commit arriving meanwhile).
    during: list[Any] = field(default_factory=list)

    async def get(self, path: str, **headers: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.get(path, headers=headers)

    async def request(self, method: str, path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.request(method, path)

    def samples(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        text = generate_latest(self.app.state.metrics.registry).decode()
        return {
            (s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }


def _gateway(read_access: str = "open") -> Gateway:
    clock = Clock()
    cache = ReadCache(clock=clock)
    keys = Keys()
    calls: Counter[str] = Counter()
    app = FastAPI()
    gateway = Gateway(app, cache, clock, keys, calls)
    app.state.settings = SimpleNamespace(read_access=read_access)
    app.state.key_cache = KeyCache(seconds=0)  # every request asks the key store
    app.state.api_keys = keys
    app.add_middleware(ETagMiddleware)
    app.add_middleware(ReadCacheMiddleware, cache=cache)
    metrics = install_observability(app)
    metrics.registry.register(ReadCacheCollector(cache))
    install_problem_handlers(app)
    router = APIRouter(prefix="/v1")

    @router.get("/indices/{market_id}")
    @cached_read(never_with=("as_of",))
    async def market(market_id: str, as_of: str | None = None) -> dict[str, Any]:
        calls[market_id] += 1
        for action in gateway.during:
            action()
        if market_id == "missing":
            raise Problem(404, "Not found", "no market", field="market_id")
        # The same answer each time, as a read model that did not change.
        return {"market_id": market_id, "as_of": as_of}

    @router.get("/chains/{commodity}")
    @cached_read(only_with=())
    async def chain(commodity: str, bloc: Annotated[list[str] | None, Query()] = None) -> Any:
        calls[commodity] += 1
        return {"commodity": commodity, "bloc": bloc, "computed": calls[commodity]}

    @router.get("/slow")
    @cached_read()
    async def slow() -> dict[str, int]:
        calls["slow"] += 1
        await gateway.release.wait()
        return {"computed": calls["slow"]}

    @router.get("/entities")
    async def entities() -> dict[str, int]:
        calls["entities"] += 1
        return {"computed": calls["entities"]}

    @router.get("/stream")
    @cached_read()
    async def stream() -> StreamingResponse:
        calls["stream"] += 1

        async def frames() -> AsyncIterator[bytes]:
            yield b"retry: 3000\n\n"

        return StreamingResponse(frames(), media_type="text/event-stream")

    @router.get("/private")
    @cached_read()
    async def private() -> Response:
        calls["private"] += 1
        return Response(b"{}", media_type="application/json", headers={"Cache-Control": "no-store"})

    @router.put("/blocs/{name}")
    async def put_bloc(name: str) -> dict[str, str]:
        if name == "default":
            raise Problem(409, "Conflict", "a default bloc", field="name")
        return {"name": name}

    app.include_router(router, dependencies=[ReadAccess])
    return gateway


async def test_a_repeated_get_is_answered_from_memory_with_its_own_request_id() -> None:
    gateway = _gateway()
    first = await gateway.get("/v1/indices/a.b.c")
    second = await gateway.get("/v1/indices/a.b.c", **{"X-Request-ID": "poller-7"})

    assert gateway.calls["a.b.c"] == 1
    assert second.status_code == 200
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] == "poller-7"
    assert first.headers["x-request-id"] not in ("", "poller-7")
    samples = gateway.samples()
    timed = frozenset(
        {("method", "GET"), ("route", "/v1/indices/{market_id}"), ("status_class", "2xx")}
    )
    assert samples["monazite_gateway_request_duration_seconds_count", timed] == 2
    assert (
        samples["monazite_gateway_read_cache_requests_total", frozenset({("outcome", "hit")})] == 1
    )
    assert (
        samples["monazite_gateway_read_cache_requests_total", frozenset({("outcome", "miss")})] == 1
    )


async def test_if_none_match_naming_the_cached_etag_is_a_304_without_the_route() -> None:
    gateway = _gateway()
    etag = (await gateway.get("/v1/indices/a.b.c")).headers["etag"]

    answer = await gateway.get("/v1/indices/a.b.c", **{"If-None-Match": f'"other", W/{etag}'})
    assert answer.status_code == 304
    assert answer.content == b""
    assert answer.headers["etag"] == etag
    assert "content-length" not in answer.headers or answer.headers["content-length"] == "0"
    assert answer.headers["x-request-id"]
    changed = await gateway.get("/v1/indices/a.b.c", **{"If-None-Match": '"other"'})
    assert changed.status_code == 200
    assert changed.headers["etag"] == etag
    assert gateway.calls["a.b.c"] == 1


async def test_a_conditional_get_that_misses_is_answered_304_and_the_answer_kept() -> None:
    gateway = _gateway()
    etag = (await gateway.get("/v1/indices/a.b.c")).headers["etag"]
    gateway.cache.invalidate()

    assert (await gateway.get("/v1/indices/a.b.c", **{"If-None-Match": etag})).status_code == 304
    assert (await gateway.get("/v1/indices/a.b.c", **{"If-None-Match": etag})).status_code == 304
    assert (await gateway.get("/v1/indices/a.b.c")).status_code == 200
    assert gateway.calls["a.b.c"] == 2


async def test_answers_are_kept_by_exact_path_query_and_host() -> None:
    gateway = _gateway()
    for path in ("/v1/indices/a.b.c", "/v1/indices/x.y.z", "/v1/indices/a.b.c?basis=x"):
        await gateway.get(path)
        await gateway.get(path)
    await gateway.get("/v1/indices/a.b.c", Host="replica.example")

    assert gateway.calls == Counter({"a.b.c": 3, "x.y.z": 1})
    assert len(gateway.cache) == 4


async def test_an_invalidation_drops_every_answer() -> None:
    gateway = _gateway()
    await gateway.get("/v1/indices/a.b.c")
    await gateway.get("/v1/chains/lithium")
    gateway.cache.invalidate()

    await gateway.get("/v1/indices/a.b.c")
    assert gateway.calls["a.b.c"] == 2
    assert (await gateway.get("/v1/chains/lithium")).json()["computed"] == 2


async def test_an_answer_computed_across_an_invalidation_is_not_kept() -> None:
    gateway = _gateway()
    gateway.during.append(gateway.cache.invalidate)  # a commit while the route reads
    await gateway.get("/v1/indices/a.b.c")
    gateway.during.clear()

    await gateway.get("/v1/indices/a.b.c")
    await gateway.get("/v1/indices/a.b.c")
    assert gateway.calls["a.b.c"] == 2


async def test_no_answer_outlives_the_age_bound() -> None:
    gateway = _gateway()
    await gateway.get("/v1/indices/a.b.c")
    gateway.clock.now += gateway.cache.max_age_s * 0.9
    await gateway.get("/v1/indices/a.b.c")
    assert gateway.calls["a.b.c"] == 1
    gateway.clock.now += gateway.cache.max_age_s * 0.2
    await gateway.get("/v1/indices/a.b.c")
    assert gateway.calls["a.b.c"] == 2


@pytest.mark.parametrize(
    "path",
    [
        "/v1/indices/a.b.c?as_of=2025-01-01T00:00:00Z",  # a query the route never keeps
        "/v1/indices/a.b.c?as%5Fof=2025-01-01T00:00:00Z",  # the same, percent-encoded
        "/v1/chains/lithium?bloc=eu",  # only the live view is kept
        "/v1/indices/missing",  # an error
        "/v1/entities",  # a route not declared
        "/v1/stream",  # an event stream
        "/v1/private",  # a route saying no-store
    ],
)
async def test_what_is_never_kept(path: str) -> None:
    gateway = _gateway()
    first = await gateway.get(path)
    second = await gateway.get(path)

    assert sum(gateway.calls.values()) == 2
    assert second.status_code == first.status_code
    assert len(gateway.cache) == 0


async def test_other_methods_pass_through_and_a_write_drops_every_answer() -> None:
    gateway = _gateway()
    await gateway.get("/v1/indices/a.b.c")
    refused = await gateway.request("PUT", "/v1/blocs/default")
    assert refused.status_code == 409
    assert len(gateway.cache) == 1  # a refused write changed nothing

    assert (await gateway.request("PUT", "/v1/blocs/mine")).status_code == 200
    assert len(gateway.cache) == 0
    await gateway.get("/v1/indices/a.b.c")
    assert gateway.calls["a.b.c"] == 2


async def test_behind_a_read_key_a_kept_answer_reaches_only_a_reader() -> None:
    gateway = _gateway(read_access="key")
    kept = await gateway.get("/v1/indices/a.b.c", **{"X-API-Key": READER})
    assert kept.status_code == 200

    anonymous = await gateway.get("/v1/indices/a.b.c")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["field"] == "Authorization"
    conditional = await gateway.get("/v1/indices/a.b.c", **{"If-None-Match": kept.headers["etag"]})
    assert conditional.status_code == 401
    assert (await gateway.get("/v1/indices/a.b.c", Authorization="Bearer nope")).status_code == 401
    assert (
        await gateway.get("/v1/indices/a.b.c", Authorization=f"Bearer {WRITER}")
    ).status_code == 403

    again = await gateway.get("/v1/indices/a.b.c", Authorization=f"Bearer {READER}")
    assert again.status_code == 200
    assert again.content == kept.content
    assert gateway.calls["a.b.c"] == 1

    gateway.keys.revoked.add(READER)
    assert (await gateway.get("/v1/indices/a.b.c", **{"X-API-Key": READER})).status_code == 401


async def test_a_read_key_in_the_query_is_part_of_the_key_and_allowed_on_the_live_view() -> None:
    gateway = _gateway(read_access="key")
    path = f"/v1/chains/lithium?access_token={READER}"
    assert (await gateway.get(path)).status_code == 200
    assert (await gateway.get(path)).json()["computed"] == 1
    assert (await gateway.get("/v1/chains/lithium")).status_code == 401


async def test_concurrent_misses_of_a_key_kept_before_share_one_computation() -> None:
    gateway = _gateway()
    gateway.release.set()
    await gateway.get("/v1/slow")
    gateway.cache.invalidate()  # a commit: every poller asks again at once
    gateway.release.clear()

    pending = [asyncio.create_task(gateway.get("/v1/slow")) for _ in range(5)]
    await asyncio.sleep(0.05)
    gateway.release.set()
    answers = await asyncio.gather(*pending)

    assert gateway.calls["slow"] == 2
    assert {a.json()["computed"] for a in answers} == {2}
    shared = frozenset({("outcome", "shared")})
    assert gateway.samples()["monazite_gateway_read_cache_requests_total", shared] == 4


def test_the_cache_stays_within_its_bounds() -> None:
    clock = Clock()
    cache = ReadCache(max_entries=3, max_bytes=250, clock=clock)

    def answer(size: int) -> CachedAnswer:
        return CachedAnswer(None, (), b"x" * size, None, clock())

    for n in range(5):
        assert cache.put(("http", b"h", None, "", f"/{n}", b""), answer(10), generation=0)
    assert len(cache) == 3
    assert cache.get(("http", b"h", None, "", "/0", b"")) is None  # the oldest went first
    assert cache.put(("http", b"h", None, "", "/big", b""), answer(245), generation=0)
    assert len(cache) == 1
    assert cache.size_bytes == 245
    assert not cache.put(("http", b"h", None, "", "/stale", b""), answer(1), generation=-1)


def test_policies_decode_query_names_as_the_routes_do() -> None:
    live_only = CachePolicy(only_with=frozenset())
    assert live_only.admits(b"")
    assert live_only.admits(b"access_token=k")
    assert not live_only.admits(b"period=2025")
    no_times = CachePolicy(never_with=frozenset({"as_of", "known_at"}))
    assert no_times.admits(b"basis=company_control&period=2025")
    assert not no_times.admits(b"known%5Fat=2025-01-01T00%3A00%3A00Z")
    assert not no_times.admits(b"basis=x&as_of")


async def test_the_stream_hub_reports_a_commit_before_its_subscribers_hear_of_it() -> None:
    feed = MemoryFeed()
    commits: list[int] = []
    hub = StreamHub(
        feed, database_url=None, poll_s=0.01, on_commit=lambda: commits.append(len(feed.rows))
    )
    await hub.start()
    try:
        frames = hub.frames(StreamFilter(), after=None, heartbeat_s=30)
        assert await anext(frames) == b"retry: 3000\n\n"
        feed.append("index_changed", ["m.total_reo.mining"], None, "{}")
        frame = await asyncio.wait_for(anext(frames), 5)
        assert frame.startswith(b"id: 1\n")
        assert commits == [1]  # reported before the frame was handed out
        hub._on_notify()  # a notification: reported at once, before the feed is read
        assert commits == [1, 1]
        await frames.aclose()
    finally:
        await hub.stop()
