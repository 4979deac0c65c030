"""The published contracts: the AsyncAPI document of the topics and one JSON Schema per event.

They are generated from the models and the topic catalogue, so they change only when a new
version is deployed: rendered once per process and cacheable for an hour (then revalidated
with the ETag every GET answer carries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from monazite_gateway.deps import SettingsDep
from monazite_gateway.problems import Problem
from monazite_infra.contracts import asyncapi_document, event_contracts, event_schemas
from monazite_infra.settings import Settings

router = APIRouter(tags=["contracts"])

CACHE_CONTROL = "max-age=3600"
SCHEMA_MEDIA_TYPE = "application/schema+json"


@dataclass(frozen=True)
class RenderedContracts:
    asyncapi: bytes
    index: bytes
    schemas: dict[str, bytes]


@router.get("/asyncapi.json", summary="AsyncAPI 3.0 document of every client-facing topic")
async def get_asyncapi(request: Request, settings: SettingsDep) -> Response:
    return _cacheable(_rendered(request, settings).asyncapi, "application/json")


@router.get("/v1/schemas", summary="Every event type with its schema version, topic and direction")
async def list_schemas(request: Request, settings: SettingsDep) -> Response:
    return _cacheable(_rendered(request, settings).index, "application/json")


@router.get("/v1/schemas/{event_type}", summary="The JSON Schema (2020-12) of one event type")
async def get_schema(
    request: Request,
    settings: SettingsDep,
    event_type: Annotated[str, Path(max_length=64)],
) -> Response:
    schemas = _rendered(request, settings).schemas
    if event_type not in schemas:
        raise Problem(
            404,
            "Not found",
            f"no event type {event_type!r}; GET /v1/schemas lists them",
            field="event_type",
        )
    return _cacheable(schemas[event_type], SCHEMA_MEDIA_TYPE)


def _rendered(request: Request, settings: Settings) -> RenderedContracts:
    """Built on first use and kept for the life of the app: the contracts change on deploy."""
    rendered: RenderedContracts | None = getattr(request.app.state, "contracts", None)
    if rendered is None:
        rendered = _render(settings)
        request.app.state.contracts = rendered
    return rendered


def _render(settings: Settings) -> RenderedContracts:
    index: dict[str, Any] = {
        contract.event_type: {
            "schema_version": contract.schema_version,
            "topic": contract.topic.name(settings),
            "direction": contract.direction,
            "url": f"/v1/schemas/{contract.event_type}",
            "id": contract.schema_id,
        }
        for contract in event_contracts()
    }
    return RenderedContracts(
        asyncapi=orjson.dumps(asyncapi_document(settings)),
        index=orjson.dumps({"schemas": index, "count": len(index)}),
        schemas={name: orjson.dumps(schema) for name, schema in event_schemas().items()},
    )


def _cacheable(body: bytes, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={"Cache-Control": CACHE_CONTROL})
