"""The published contracts: one JSON Schema per event type and an AsyncAPI 3.0 document of the
topics, generated from the same pydantic models and topic catalogue the services run on.

Nothing here is written by hand twice: a field added to a model appears in its schema, and a topic
added to the catalogue appears in the document. `contracts/schemas/` keeps a committed snapshot of
every published schema version; the contract tests compare the generated schemas with it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel

from monazite_core.events import (
    INPUT_EVENT_TYPES,
    AlertRaised,
    ChainChanged,
    DeadLettered,
    DealAssessed,
    Event,
    IndexChanged,
    parse_input_event,
)
from monazite_core.upcasting import current_version, upcast
from monazite_infra.codec import encode
from monazite_infra.contract_examples import (
    ALERT_RAISED_EXAMPLE,
    CHAIN_CHANGED_EXAMPLE,
    DEAD_LETTERED_EXAMPLE,
    DEAL_ASSESSED_EXAMPLE,
    INDEX_CHANGED_EXAMPLE,
    INPUT_EXAMPLES,
)
from monazite_infra.settings import Settings
from monazite_infra.topics import CATALOGUE, TopicSpec

JsonSchema = dict[str, Any]
Direction = Literal["input", "output"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_BASE = "https://monazite.dev/schemas/"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
#: How an AsyncAPI message names a payload written in JSON Schema 2020-12 (AsyncAPI's own schema
#: format is a draft-07 superset).
PAYLOAD_SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
CONTENT_TYPE = "application/json"
DOCUMENT_VERSION = "0.1.0"

OUTPUT_MODELS: tuple[type[BaseModel], ...] = (
    IndexChanged,
    DealAssessed,
    AlertRaised,
    ChainChanged,
    DeadLettered,
)
_OUTPUT_EXAMPLES: Mapping[type[BaseModel], Mapping[str, Any]] = {
    IndexChanged: INDEX_CHANGED_EXAMPLE,
    DealAssessed: DEAL_ASSESSED_EXAMPLE,
    AlertRaised: ALERT_RAISED_EXAMPLE,
    ChainChanged: CHAIN_CHANGED_EXAMPLE,
    DeadLettered: DEAD_LETTERED_EXAMPLE,
}


@dataclass(frozen=True)
class EventContract:
    """One published event type: its model, which way it flows, and the topic carrying it."""

    event_type: str
    model: type[BaseModel]
    direction: Direction
    topic: TopicSpec

    @property
    def schema_version(self) -> int:
        return current_version(self.event_type)

    @property
    def schema_id(self) -> str:
        return f"{SCHEMA_ID_BASE}{self.snapshot_name}"

    @property
    def snapshot_name(self) -> str:
        """The file name of this version's snapshot under `contracts/schemas/`."""
        return f"{self.event_type}.v{self.schema_version}.json"


def event_contracts() -> tuple[EventContract, ...]:
    """Every event type clients send or receive, inputs first, in catalogue order."""
    by_type = {t: spec for spec in CATALOGUE for t in spec.carries}
    flows: tuple[tuple[Direction, tuple[type[BaseModel], ...]], ...] = (
        ("input", INPUT_EVENT_TYPES),
        ("output", OUTPUT_MODELS),
    )
    contracts = []
    for direction, models in flows:
        for model in models:
            event_type = _type_name(model)
            topic = by_type.get(event_type)
            if topic is None or topic.direction != direction:
                raise ValueError(f"no {direction} topic in the catalogue carries {event_type!r}")
            contracts.append(EventContract(event_type, model, direction, topic))
    return tuple(contracts)


def contract_for(event_type: str) -> EventContract | None:
    return next((c for c in event_contracts() if c.event_type == event_type), None)


def event_schemas() -> dict[str, JsonSchema]:
    """One JSON Schema (draft 2020-12) per event type name, as published."""
    return {c.event_type: event_schema(c) for c in event_contracts()}


def event_schema(contract: EventContract) -> JsonSchema:
    # Inputs are described as Monazite *reads* them (validation mode): what a producer may send,
    # e.g. a decimal as a JSON number or a string, and fields with defaults left out. Outputs are
    # described as Monazite *writes* them (serialization mode): decimals always as strings, every
    # defaulted field present. The codec drops null values on every topic, so a field that may be
    # null is also a field that may be absent.
    if contract.direction == "input":
        generated = contract.model.model_json_schema(mode="validation")
        # `type` has a default in each model, but it is the discriminator readers dispatch on.
        _require(generated, "type")
    else:
        generated = contract.model.model_json_schema(mode="serialization")
        for definition in _object_schemas(generated):
            _require_exactly_the_non_nullable(definition)
    properties = generated.get("properties", {})
    if "schema_version" in properties:
        # Readers lift older versions before validating (upcasting.py); what they validate and
        # writers write is exactly the current version, which the models check but cannot show.
        properties["schema_version"]["const"] = contract.schema_version
        properties["schema_version"]["default"] = contract.schema_version
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": contract.schema_id,
        "title": generated.pop("title", contract.model.__name__),
        "x-event-type": contract.event_type,
        "x-schema-version": contract.schema_version,
        "x-direction": contract.direction,
        **generated,
    }


def asyncapi_document(settings: Settings) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every topic clients use, written from a client's side.

    An AsyncAPI document describes one application; this one describes any Monazite client: it
    *sends* input events (operations `send`) and *receives* output events (operations `receive`).
    The broker-epoch topic is internal to Monazite's own processes and is left out.
    """
    contracts = event_contracts()
    schemas: dict[str, JsonSchema] = {}
    shared_definitions: dict[str, JsonSchema] = {}
    messages: dict[str, Any] = {}
    for contract in contracts:
        schemas[contract.event_type] = _hoisted(
            event_schema(contract), contract.event_type, shared_definitions
        )
        messages[contract.event_type] = _message(contract)
    schemas.update(shared_definitions)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in _client_topics():
        carried = [c for c in contracts if c.topic is topic]
        channel_id = _channel_id(topic)
        channels[channel_id] = {
            "address": topic.name(settings),
            "title": topic.name(settings),
            "description": topic.description,
            "messages": {
                c.event_type: {"$ref": f"#/components/messages/{c.event_type}"} for c in carried
            },
            "bindings": {
                "kafka": {
                    "topic": topic.name(settings),
                    "partitions": topic.partition_count(settings),
                    "replicas": settings.replication_factor,
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        action = "send" if topic.direction == "input" else "receive"
        operations[f"{action}_{channel_id.replace('-', '_')}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": _operation_summary(action, topic, settings),
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{c.event_type}"} for c in carried
            ],
        }

    document: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:monazite:events",
        "info": {
            "title": "Monazite events",
            "version": DOCUMENT_VERSION,
            "description": (
                "The Kafka topics of Monazite, seen from a client: producers send input events"
                " (entities, ownership, capacity, policies, corrections) and subscribers receive"
                " what Monazite derives from them (index changes, deal assessments, alerts, dead"
                " letters). Values are UTF-8 JSON, keys UTF-8 strings; null fields are left out."
                " Every event carries `type` and (except dead letters) `schema_version`; readers"
                " must ignore fields they do not know, so that adding an optional field is not a"
                " breaking change."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
    servers = _servers(settings)
    if servers:
        document["servers"] = servers
    return document


def example_payload(contract: EventContract) -> dict[str, Any]:
    """The example document of one event type, validated against its model.

    Input examples are kept as a producer wrote them, lifted to the current schema version
    where the reference line is older; output examples are re-encoded by the codec, so they are
    exactly what a subscriber receives.
    """
    if contract.direction == "input":
        document: dict[str, Any] = upcast(copy.deepcopy(INPUT_EXAMPLES[contract.event_type]))
        parse_input_event(document)
        return document
    model = contract.model.model_validate(_OUTPUT_EXAMPLES[contract.model])
    payload: dict[str, Any] = orjson.loads(encode(model))
    return payload


def _message(contract: EventContract) -> dict[str, Any]:
    description = (contract.model.__doc__ or "").strip()
    message: dict[str, Any] = {
        "name": contract.event_type,
        "title": contract.model.__name__,
        "summary": description.splitlines()[0] if description else contract.event_type,
        "contentType": CONTENT_TYPE,
        "payload": {
            "schemaFormat": PAYLOAD_SCHEMA_FORMAT,
            "schema": {"$ref": f"#/components/schemas/{contract.event_type}"},
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"UTF-8 partition key: {contract.topic.key}",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [
            {
                "name": f"{contract.event_type}_example",
                "summary": f"A {contract.event_type} event",
                "payload": example_payload(contract),
            }
        ],
        "x-schema-version": contract.schema_version,
        "x-schema-id": contract.schema_id,
    }
    if issubclass(contract.model, Event):
        message["correlationId"] = {
            "description": "The conversation the event belongs to, when its producer named one.",
            "location": "$message.payload#/correlation_id",
        }
    return message


def _client_topics() -> list[TopicSpec]:
    return [t for t in CATALOGUE if t.direction in ("input", "output")]


def _channel_id(topic: TopicSpec) -> str:
    return topic.suffix


def _operation_summary(action: str, topic: TopicSpec, settings: Settings) -> str:
    if action == "send":
        return f"Publish input events to {topic.name(settings)}, keyed by {topic.key}."
    return f"Consume what Monazite publishes on {topic.name(settings)}."


def _servers(settings: Settings) -> dict[str, Any]:
    if not settings.kafka_bootstrap:
        return {}
    hosts = [h.strip() for h in settings.kafka_bootstrap.split(",") if h.strip()]
    return {
        f"broker-{number}": {
            "host": host,
            "protocol": "kafka",
            "description": "A bootstrap server of the Kafka cluster Monazite runs on.",
        }
        for number, host in enumerate(hosts, start=1)
    }


def _type_name(model: type[BaseModel]) -> str:
    default = model.model_fields["type"].default
    if not isinstance(default, str):
        raise TypeError(f"{model.__name__} has no literal `type` default")
    return default


def _require(schema: JsonSchema, field: str) -> None:
    required: list[str] = schema.setdefault("required", [])
    if field not in required:
        required.insert(0, field)


def _object_schemas(schema: JsonSchema) -> Iterator[JsonSchema]:
    yield schema
    yield from schema.get("$defs", {}).values()


def _require_exactly_the_non_nullable(definition: JsonSchema) -> None:
    properties: dict[str, JsonSchema] = definition.get("properties", {})
    if properties:
        definition["required"] = [n for n, p in properties.items() if not _admits_null(p)]


def _admits_null(schema: JsonSchema) -> bool:
    if schema.get("type") == "null":
        return True
    return any(_admits_null(option) for option in schema.get("anyOf", ()))


def _hoisted(schema: JsonSchema, event_type: str, shared: dict[str, JsonSchema]) -> JsonSchema:
    """The schema as a component of the AsyncAPI document: its `$defs` moved to
    `components.schemas` (shared by name between types where identical, named after the type
    where not) and every reference pointed there. `$id` and `$schema` go, since a `$ref` inside a
    resource with its own `$id` would resolve against that id instead of the document."""
    body = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}
    definitions: dict[str, JsonSchema] = schema.get("$defs", {})
    renamed = {
        name: name
        if shared.get(name, _repointed(definition, {})) == _repointed(definition, {})
        else f"{event_type}.{name}"
        for name, definition in definitions.items()
    }
    for name, definition in definitions.items():
        shared[renamed[name]] = _repointed(definition, renamed)
    hoisted: JsonSchema = _repointed(body, renamed)
    return hoisted


def _repointed(node: Any, renamed: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        result = {k: _repointed(v, renamed) for k, v in node.items()}
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            name = reference.removeprefix("#/$defs/")
            result["$ref"] = f"#/components/schemas/{renamed.get(name, name)}"
        return result
    if isinstance(node, list):
        return [_repointed(v, renamed) for v in node]
    return node


class SnapshotConflict(RuntimeError):
    """A committed schema snapshot differs from what the same version generates now."""


def snapshot_text(schema: JsonSchema) -> str:
    """The committed form of a schema: indented JSON, field order kept, one trailing newline."""
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2).decode() + "\n"


def write_snapshots(directory: Path) -> list[str]:
    """Write the snapshot of every current schema version that has none yet; returns the names
    written. A published version is never rewritten: when a snapshot exists with other content,
    nothing is written and `SnapshotConflict` names every schema to give a new version."""
    directory.mkdir(parents=True, exist_ok=True)
    missing: list[tuple[Path, JsonSchema]] = []
    changed: list[str] = []
    for contract in event_contracts():
        schema = event_schema(contract)
        path = directory / contract.snapshot_name
        if not path.exists():
            missing.append((path, schema))
        elif orjson.loads(path.read_bytes()) != schema:
            changed.append(contract.snapshot_name)
    if changed:
        raise SnapshotConflict(
            f"{', '.join(changed)}: the schema changed but its schema_version did not. A published"
            " version never changes: bump the type's version in"
            " libs/monazite_core/upcasting.py (CURRENT_VERSIONS, with an upcaster from the old"
            " version for an input) and publish again; the old snapshot stays."
        )
    for path, schema in missing:
        path.write_text(snapshot_text(schema))
    return [path.name for path, _ in missing]
