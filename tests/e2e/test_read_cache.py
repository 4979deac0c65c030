"""The gateway's read cache on the real pipeline: a change the processor commits is in the very
next GET even while pollers keep the old answer hot; If-None-Match is a 304; a cached answer never
reaches a caller without a read key."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from monazite_infra.settings import Settings
from tests.e2e.conftest import country_output, create_key, publish_events
from tests.support.services import Pipeline
from tests.support.sse import frames


def _fresh_market() -> tuple[str, str]:
    commodity = f"cachetest{uuid.uuid4().hex[:8]}"
    return commodity, f"{commodity}.total_reo.mining"


def _cache_requests(pipeline: Pipeline, outcome: str) -> float:
    text = pipeline.get("/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "monazite_gateway_read_cache_requests_total"
        and sample.labels.get("outcome") == outcome
    )


async def _poll(client: httpx.AsyncClient, path: str, stop: asyncio.Event) -> int:
    """GET `path` back to back until told to stop, keeping its answer in the cache; returns the
    number of answers."""
    answers = 0
    while not stop.is_set():
        assert (await client.get(path)).status_code == 200
        answers += 1
        await asyncio.sleep(0.01)
    return answers


async def _first_change(
    client: httpx.AsyncClient, market: str, event_id: str, connected: asyncio.Event
) -> dict[str, Any]:
    """The first index change of `market` caused by `event_id`, from the live stream."""
    url = f"/v1/stream?market_id={market}&kind=index_changed"
    async with client.stream("GET", url) as response:
        assert response.status_code == 200
        async for frame in frames(response):
            if frame.retry_ms is not None:
                connected.set()
            if frame.data is not None and event_id in frame.json()["caused_by"]:
                change: dict[str, Any] = frame.json()
                return change
    raise AssertionError("the stream ended")


async def test_a_committed_change_is_in_the_next_get_while_pollers_keep_the_old_answer_hot(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity, market = _fresh_market()
    path = f"/v1/indices/{market}"
    publish_events(settings, tmp_path, [country_output(commodity, "CN", 600)])
    pipeline.wait_for("the new market", lambda: pipeline.get(path).status_code == 200)
    hits_before = _cache_requests(pipeline, "hit")
    second = country_output(commodity, "AU", 400)

    async with httpx.AsyncClient(base_url=pipeline.gateway_url, timeout=30) as client:
        old = await client.get(path)
        old_etag = old.headers["etag"]
        assert (await client.get(path, headers={"If-None-Match": old_etag})).status_code == 304

        stop = asyncio.Event()
        pollers = [asyncio.create_task(_poll(client, path, stop)) for _ in range(3)]
        connected = asyncio.Event()
        following = asyncio.create_task(
            _first_change(client, market, second["event_id"], connected)
        )
        try:
            await asyncio.wait_for(connected.wait(), 30)
            # Not awaited before the change arrives: the command lingers after the commit.
            publishing = asyncio.create_task(
                asyncio.to_thread(publish_events, settings, tmp_path, [second])
            )
            change = await asyncio.wait_for(following, 60)
            # The stream said it is committed: the next GET must show it, cache or no cache.
            new = await client.get(path)
            await publishing
        finally:
            stop.set()
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
        assert sum(await asyncio.gather(*pollers)) > 0

        assert new.status_code == 200
        assert new.headers["etag"] != old_etag
        (row,) = [
            s
            for s in new.json()["series"]
            if (s["basis"], s["period"], s["measure"])
            == (change["basis"], change["period"], change["measure"])
        ]
        assert row["change_id"] == change["event_id"]
        assert row["figures"] == change["figures"]
        stale = await client.get(path, headers={"If-None-Match": old_etag})
        assert stale.status_code == 200
        assert stale.content == new.content
        unchanged = await client.get(path, headers={"If-None-Match": new.headers["etag"]})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged.headers["x-request-id"] != new.headers["x-request-id"]

    assert _cache_requests(pipeline, "hit") > hits_before


def test_a_cached_answer_never_reaches_a_caller_without_a_read_key(
    keyed_gateway: str, settings: Settings
) -> None:
    reader = create_key(settings, "read")
    writer = create_key(settings, "write")
    url = f"{keyed_gateway}/v1/markets"
    with httpx.Client(timeout=10) as client:
        kept = client.get(url, headers={"X-API-Key": reader})
        assert kept.status_code == 200
        assert client.get(url, headers={"X-API-Key": reader}).content == kept.content

        anonymous = client.get(url)
        assert anonymous.status_code == 401
        assert anonymous.json()["field"] == "Authorization"
        assert client.get(url, headers={"If-None-Match": kept.headers["etag"]}).status_code == 401
        assert client.get(url, headers={"Authorization": f"Bearer {writer}"}).status_code == 403
        conditional = client.get(
            url, headers={"X-API-Key": reader, "If-None-Match": kept.headers["etag"]}
        )
        assert conditional.status_code == 304
