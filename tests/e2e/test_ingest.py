"""POST /v1/events: write keys, per-event answers, limits; and the gateway killed mid-ingest."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from monazite_client import MonaziteClient, MonaziteError
from monazite_gateway.routes.ingest import RateLimiter
from monazite_infra.settings import Settings
from tests.e2e.conftest import create_key
from tests.support.services import Pipeline
from tests.support.streams import event_stream, uninterrupted_fold


def _event(event_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "entity_registered",
        "event_id": event_id,
        "occurred_at": "2020-01-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "entity_id": event_id.replace(":", "_"),
        "name": "Ingest Probe",
        "country": "FR",
        "kind": "company",
        **fields,
    }


async def _archived_with_prefix(settings: Settings, prefix: str) -> int:
    connection = await asyncpg.connect(settings.require_database_url())
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM event_archive WHERE starts_with(event_id, $1)", prefix
        )
        return count
    finally:
        await connection.close()


async def test_ingest_answers_each_event_and_needs_a_writecreate_key(
    pipeline: Pipeline, settings: Settings
) -> None:
    tag = uuid.uuid4().hex[:6]
    batch = [_event(f"ingest:{tag}:a"), _event(f"ingest:{tag}:b", country="XX")]

    async with MonaziteClient(pipeline.gateway_url) as anonymous:
        with pytest.raises(MonaziteError) as unauthorized:
            await anonymous.post_events(batch)
    assert (unauthorized.value.status, unauthorized.value.field) == (401, "Authorization")
    async with MonaziteClient(pipeline.gateway_url, api_key=create_key(settings, "read")) as reader:
        with pytest.raises(MonaziteError) as forbidden:
            await reader.post_events(batch)
    assert forbidden.value.status == 403
    assert forbidden.value.problem["status"] == 403  # answered as application/problem+json

    async with MonaziteClient(
        pipeline.gateway_url, api_key=create_key(settings, "write")
    ) as writer:
        first = await writer.post_events(batch)
        assert [r.status for r in first.results] == ["accepted", "rejected"]
        assert "country" in (first.results[1].reason or "")

        entity = batch[0]["entity_id"]
        pipeline.wait_for(
            "the ingested entity",
            lambda: pipeline.get(f"/v1/entities/{entity}").status_code == 200,
        )
        again = await writer.post_events([batch[0], {**batch[0], "name": "Other"}])
        assert [r.status for r in again.results] == ["duplicate", "rejected"]
        assert (again.results[1].reason or "").startswith("conflict")

        with pytest.raises(MonaziteError) as too_big:
            await writer.post_events([_event(f"ingest:{tag}:c", name=" " * 2_000_000)])
    assert too_big.value.status == 413
    assert too_big.value.field == "body"


def test_the_rate_limiter_refills_over_a_minute() -> None:
    limiter = RateLimiter(per_minute=2)
    assert limiter.allow("k", now=0.0) == 0
    assert limiter.allow("k", now=0.0) == 0
    assert limiter.allow("k", now=0.0) == pytest.approx(30.0)  # one token every 30 s
    assert limiter.allow("k", now=30.0) == 0
    assert limiter.allow("other", now=30.0) == 0


def test_gateway_killed_during_ingest_neither_loses_nor_doubles_an_event(
    pipeline: Pipeline, settings: Settings
) -> None:
    tag = f"gw{uuid.uuid4().hex[:4]}"
    events = event_stream(events=1500, entities=40, tag=tag, seed=5)
    documents = [orjson.loads(orjson.dumps(e.model_dump(mode="json"))) for e in events]
    writer = {"Authorization": f"Bearer {create_key(settings, 'write')}"}
    url = pipeline.gateway_url + "/v1/events"
    posted: list[int] = []

    def client() -> None:
        # A client that retries a batch until it gets an answer: a batch whose answer was lost
        # with the gateway is sent again, so the gateway must count it once.
        with httpx.Client(timeout=10) as http:
            for start in range(0, len(documents), 50):
                while True:
                    try:
                        response = http.post(
                            url, json=documents[start : start + 50], headers=writer
                        )
                        if response.status_code == 200:
                            posted.append(start)
                            break
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.2)
                time.sleep(0.1)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    for _ in range(2):
        time.sleep(1.5)
        pipeline.gateway.kill()
        time.sleep(0.5)
        pipeline.gateway.start()
    thread.join(240)
    assert not thread.is_alive()

    accepted, expected = uninterrupted_fold(events)

    def observed() -> dict[tuple[Any, ...], float] | None:
        rows = [
            r
            for r in pipeline.get("/v1/indices", commodity="rare_earths").json()["indices"]
            if r["element_group"].startswith(f"{tag}_")
        ]
        found = {
            (r["market_id"], r["basis"], r["period"], r["measure"]): r["figures"]["hhi"]
            for r in rows
        }
        return found if found == expected else None

    pipeline.wait_for("the ingested stream to be folded", observed, timeout_s=180)
    assert len(posted) == len(range(0, len(documents), 50))
    archived = asyncio.run(_archived_with_prefix(settings, f"{tag}:"))
    assert archived == accepted  # each event archived once, none lost
    assert pipeline.gateway.starts >= 3
