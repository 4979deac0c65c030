"""The gateway serves the contracts without touching PostgreSQL or the broker: the app is driven
in-process (its lifespan, which opens the pool and the producer, never runs here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from monazite_gateway.app import create_app
from monazite_infra.contracts import event_contracts, event_schemas
from monazite_infra.settings import Settings

SETTINGS = Settings(
    KAFKA_BOOTSTRAP="127.0.0.1:9092", DATABASE_URL=None, MONAZITE_TOPIC_PREFIX="test.monazite."
)


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(SETTINGS))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


async def test_asyncapi_document_is_served_cacheable_with_an_etag(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/asyncapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "max-age=3600"
    document = response.json()
    assert document["asyncapi"] == "3.0.0"
    assert document["channels"]["ownership"]["address"] == "test.monazite.ownership"

    again = await gateway.get("/asyncapi.json", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "max-age=3600"


async def test_schema_index_lists_every_event_type_with_version_topic_direction_and_url(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/v1/schemas")

    assert response.status_code == 200
    index = response.json()["schemas"]
    assert sorted(index) == sorted(c.event_type for c in event_contracts())
    assert index["price_floor_set"] == {
        "schema_version": 2,
        "topic": "test.monazite.policies",
        "direction": "input",
        "url": "/v1/schemas/price_floor_set",
        "id": "https://monazite.dev/schemas/price_floor_set.v2.json",
    }
    assert index["alert_raised"]["direction"] == "output"
    assert index["dead_lettered"]["topic"] == "test.monazite.dead-letters"


async def test_each_listed_url_serves_that_types_json_schema(gateway: httpx.AsyncClient) -> None:
    schemas = event_schemas()
    index = (await gateway.get("/v1/schemas")).json()["schemas"]
    for event_type, entry in index.items():
        response = await gateway.get(entry["url"])
        assert response.status_code == 200, event_type
        assert response.headers["content-type"] == "application/schema+json"
        assert response.headers["cache-control"] == "max-age=3600"
        assert response.json() == schemas[event_type]


async def test_an_unknown_event_type_is_a_404_problem_naming_the_field(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/v1/schemas/stake_changd")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "event_type"
    assert "stake_changd" in problem["detail"]
