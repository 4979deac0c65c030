"""`monazite_client` against the real pipeline: typed reads, conditional GETs, ingest with a write
key, and following the live stream across a gateway killed mid-stream."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from monazite_client import MonaziteClient, MonaziteError, Reconnection, StreamItem
from monazite_infra.settings import Settings
from tests.e2e.conftest import country_output, publish_events, run_cli
from tests.support.services import Pipeline

MINING = "rare_earths.total_reo.mining"


class WireLog(httpx.AsyncBaseTransport):
    """The real network transport, noting each request and the status it got on the wire."""

    def __init__(self) -> None:
        self._network = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._network.handle_async_request(request)
        self.exchanges.append((request, response.status_code))
        return response

    async def aclose(self) -> None:
        await self._network.aclose()


def write_key(settings: Settings) -> str:
    created = run_cli(settings, "keys", "create", f"client-{uuid.uuid4().hex[:4]}")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


async def eventually(what: str, check: Callable[[], Any], timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def test_the_client_reads_indices_markets_and_entities_as_typed_documents(
    pipeline: Pipeline,
) -> None:
    async with MonaziteClient(pipeline.gateway_url) as monazite:
        page = await monazite.indices(
            stage="mining", basis="country_location", period=2024, measure="production"
        )
        market = await monazite.market(
            MINING, basis="country_location", period=2024, measure="production"
        )
        market_ids = [m["market_id"] async for m in monazite.iter_markets()]
        cnre = await monazite.entity("cnre")
        with pytest.raises(MonaziteError) as missing:
            await monazite.market("rare_earths.nothing.mining")

    row = next(r for r in page if r["market_id"] == MINING)
    assert row["figures"]["hhi"] == pytest.approx(4923.5464, abs=1e-4)
    assert row["figures"]["top_suppliers"][0]["supplier_id"] == "CN"
    assert row["figures"]["total_tonnes"] == "393950"
    assert [s["figures"] for s in market["series"]] == [row["figures"]]
    assert MINING in market_ids
    assert cnre["controller_id"] == "baogang"
    assert (missing.value.status, missing.value.field) == (404, "market_id")


async def test_the_client_asks_for_chains_dependencies_blocs_and_what_if(
    pipeline: Pipeline,
) -> None:
    async with MonaziteClient(pipeline.gateway_url) as monazite:
        chain = await monazite.chain("rare_earths")
        dependency = await monazite.dependency("rare_earths", on="china", for_="allied")
        blocs = {b["name"] for b in await monazite.blocs()}
        merger = {
            "type": "merger_completed",
            "occurred_at": "2026-09-01T00:00:00+00:00",
            "source": {"publisher": "what-if"},
            "survivor_id": "creg",
            "absorbed_id": "cnre",
        }
        answer = await monazite.scenario([merger], markets=["rare_earths.total_reo.mining"])
        with pytest.raises(MonaziteError) as refused:
            await monazite.scenario([{**merger, "absorbed_id": "no_such_company"}])
    assert [s["stage"] for s in chain["stages"]][:2] == ["mining", "separation"]
    assert dependency["bottleneck"]["stage"] == "separation"
    assert {"china", "allied"} <= blocs
    [deal] = answer["deals"]
    assert deal["screens_triggered"]
    assert [m["market_id"] for m in answer["markets"]] == ["rare_earths.total_reo.mining"]
    assert (refused.value.status, refused.value.field) == (422, "events[0].absorbed_id")


async def test_polling_an_unchanged_market_is_a_304_on_the_wire_yet_returns_the_figures(
    pipeline: Pipeline,
) -> None:
    wire = WireLog()
    async with MonaziteClient(pipeline.gateway_url, transport=wire) as monazite:
        first = await monazite.market(MINING, period=2024, measure="production")
        second = await monazite.market(MINING, period=2024, measure="production")

    assert [status for _, status in wire.exchanges] == [200, 304]
    assert wire.exchanges[1][0].headers["if-none-match"]
    assert second == first
    assert second["series"]  # the figures themselves, not an empty 304 body


async def test_following_the_stream_across_a_killed_gateway_misses_and_repeats_nothing(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity = f"clientstream{uuid.uuid4().hex[:8]}"
    market_id = f"{commodity}.total_reo.mining"
    wire = WireLog()
    items: list[StreamItem] = []
    async with MonaziteClient(
        pipeline.gateway_url, api_key=write_key(settings), transport=wire
    ) as monazite:

        async def follow() -> None:
            stream = monazite.follow(
                market_ids=[market_id],
                kinds=["index_changed"],
                since=0,
                heartbeat_s=1.0,  # the pipeline fixture's MONAZITE_STREAM_HEARTBEAT_S
                reconnection=Reconnection(delay_s=0.2, max_delay_s=1.0),
            )
            async for item in stream:
                items.append(item)

        def caused(event: dict[str, Any]) -> bool:
            return any(event["event_id"] in _causes(i) for i in items)

        following = asyncio.create_task(follow())
        try:
            before = country_output(commodity, "CN", 100)
            posted = await monazite.post_events([before, country_output(commodity, "US", 50)])
            assert posted.accepted == 2
            await eventually("the first changes on the stream", lambda: caused(before))

            await asyncio.to_thread(pipeline.gateway.kill)
            last_seen = items[-1].seq
            # Folded while no gateway serves the stream: only a resume can deliver these.
            during = [country_output(commodity, "AU", 30), country_output(commodity, "MM", 20)]
            await asyncio.to_thread(publish_events, settings, tmp_path, during)
            await asyncio.to_thread(pipeline.gateway.start)

            after = country_output(commodity, "IN", 10)
            await eventually("the gateway back", lambda: _answers(monazite))
            assert (await monazite.post_events([after])).accepted == 1
            await eventually("the last change on the stream", lambda: caused(after))

            history = [h async for h in monazite.iter_history(market_id)]
            await eventually(
                "every change of the market on the stream", lambda: len(items) >= len(history)
            )
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)

    seqs = [i.seq for i in items]
    assert seqs == sorted(set(seqs))  # strictly increasing: no repeat
    streamed = [i.data["event_id"] for i in items]
    assert len(set(streamed)) == len(streamed)
    assert sorted(streamed) == sorted(h["change_id"] for h in history)  # no gap
    assert all(caused(e) for e in during)
    resumed = [
        request.headers.get("last-event-id")
        for request, _ in wire.exchanges
        if request.url.path == "/v1/stream"
    ]
    assert resumed[0] is None
    assert str(last_seen) in resumed[1:]
    assert pipeline.gateway.starts >= 2


def _causes(item: StreamItem) -> list[str]:
    data = item.data
    return [] if data["type"] == "deal_assessed" else data["caused_by"]


async def _answers(monazite: MonaziteClient) -> bool:
    try:
        await monazite.markets()
    except (httpx.HTTPError, MonaziteError):
        return False
    return True
