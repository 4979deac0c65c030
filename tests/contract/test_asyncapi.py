"""The AsyncAPI document has the 3.0.0 shape clients and generators rely on, and says the truth
about the topics: addresses, partitions, messages, and examples valid against their schemas."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError

from monazite_infra.contract_examples import COPIED_FROM, ILLUSTRATIVE_PUBLISHER, INPUT_EXAMPLES
from monazite_infra.contracts import (
    PAYLOAD_SCHEMA_FORMAT,
    asyncapi_document,
    event_contracts,
    event_schemas,
)
from monazite_infra.settings import Settings
from monazite_infra.topics import BROKER_EPOCH, CATALOGUE

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(
    KAFKA_BOOTSTRAP="kafka-1.internal:9092,kafka-2.internal:9092",
    MONAZITE_TOPIC_PREFIX="prod.monazite.",
    MONAZITE_INPUT_PARTITIONS=6,
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document(SETTINGS)


def resolve(document: dict[str, Any], reference: str) -> Any:
    assert reference.startswith("#/"), f"{reference}: not a reference inside the document"
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        assert isinstance(node, dict), f"{reference}: does not resolve"
        assert part in node, f"{reference}: does not resolve"
        node = node[part]
    return node


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def payload_validator(document: dict[str, Any], message: dict[str, Any]) -> Draft202012Validator:
    """A validator of the message's payload schema, resolving its references in the document."""
    payload = message["payload"]
    assert payload["schemaFormat"] == PAYLOAD_SCHEMA_FORMAT
    # The document itself is the root resource: unknown keywords (asyncapi, channels, …) are
    # ignored, and every `#/components/schemas/...` reference resolves against it.
    root = {**document, "$ref": payload["schema"]["$ref"]}
    return Draft202012Validator(root)


def test_document_is_asyncapi_3_0_0_with_info_and_a_default_content_type(
    document: dict[str, Any],
) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert document["defaultContentType"] == "application/json"
    assert set(document) <= {
        "asyncapi",
        "id",
        "info",
        "servers",
        "defaultContentType",
        "channels",
        "operations",
        "components",
    }


def test_servers_are_the_configured_bootstrap_servers_over_kafka(document: dict[str, Any]) -> None:
    servers = document["servers"]
    assert [s["host"] for s in servers.values()] == [
        "kafka-1.internal:9092",
        "kafka-2.internal:9092",
    ]
    assert {s["protocol"] for s in servers.values()} == {"kafka"}


def test_without_a_known_broker_the_document_names_no_server() -> None:
    assert "servers" not in asyncapi_document(Settings(KAFKA_BOOTSTRAP=None))


def test_every_client_topic_is_a_channel_at_its_real_address_with_its_partition_count(
    document: dict[str, Any],
) -> None:
    channels = document["channels"]
    by_address = {c["address"]: c for c in channels.values()}
    for topic in CATALOGUE:
        if topic.direction == "meta":  # Monazite's own bookkeeping (broker epoch, review queue)
            continue
        channel = by_address.get(topic.name(SETTINGS))
        assert channel is not None, f"{topic.name(SETTINGS)} has no channel"
        kafka = channel["bindings"]["kafka"]
        assert kafka["topic"] == topic.name(SETTINGS)
        assert kafka["partitions"] == topic.partition_count(SETTINGS)
        assert sorted(channel["messages"]) == sorted(topic.carries)
    assert by_address["prod.monazite.dead-letters"]["bindings"]["kafka"]["partitions"] == 1
    assert by_address["prod.monazite.indices"]["bindings"]["kafka"]["partitions"] == 6
    # The broker epoch is Monazite's own bookkeeping, not for clients.
    assert BROKER_EPOCH.name(SETTINGS) not in by_address
    assert all(channel["address"] for channel in channels.values())


def test_operations_send_inputs_and_receive_outputs_through_their_own_channel_messages(
    document: dict[str, Any],
) -> None:
    directions = {c.event_type: c.direction for c in event_contracts()}
    covered = set()
    for operation_id, operation in document["operations"].items():
        channel_ref = operation["channel"]["$ref"]
        assert resolve(document, channel_ref)["address"], operation_id
        assert operation["messages"], operation_id
        for message_ref in operation["messages"]:
            # AsyncAPI 3: an operation's messages are messages of its channel.
            assert message_ref["$ref"].startswith(channel_ref + "/messages/"), operation_id
            message = resolve(document, resolve(document, message_ref["$ref"])["$ref"])
            expected = "send" if directions[message["name"]] == "input" else "receive"
            assert operation["action"] == expected, f"{operation_id}: {message['name']}"
            covered.add(message["name"])
    assert covered == set(directions)


def test_every_reference_resolves_inside_the_document(document: dict[str, Any]) -> None:
    found = list(references(document))
    assert len(found) > 50
    for reference in found:
        resolve(document, reference)


def test_every_message_is_json_keyed_and_has_an_example_valid_against_its_payload(
    document: dict[str, Any],
) -> None:
    messages = document["components"]["messages"]
    assert sorted(messages) == sorted(c.event_type for c in event_contracts())
    for name, message in messages.items():
        assert message["contentType"] == "application/json"
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["examples"], name
        validator = payload_validator(document, message)
        for example in message["examples"]:
            errors = [e.message for e in validator.iter_errors(example["payload"])]
            assert errors == [], f"{name} example: {errors}"
            assert example["payload"]["type"] == name


def test_an_invalid_payload_fails_its_message_schema(document: dict[str, Any]) -> None:
    message = document["components"]["messages"]["stake_changed"]
    validator = payload_validator(document, message)
    wrong = copy.deepcopy(message["examples"][0]["payload"])
    wrong["pct_after"] = 150
    wrong["source"] = {"url": "https://example.org"}

    problems = {tuple(e.absolute_path) for e in validator.iter_errors(wrong)}

    assert ("pct_after",) in problems
    assert ("source",) in problems


def test_every_component_schema_is_a_valid_2020_12_schema(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # the name of the schema at fault matters more
            pytest.fail(f"{name}: {error}")


def test_standalone_schemas_validate_the_examples_on_their_own() -> None:
    schemas = event_schemas()
    document = asyncapi_document(SETTINGS)
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        example = document["components"]["messages"][name]["examples"][0]["payload"]
        Draft202012Validator(schema).validate(example)
    with pytest.raises(ValidationError):
        Draft202012Validator(schemas["index_changed"]).validate({"type": "index_changed"})


def test_input_examples_copied_from_data_files_are_still_the_lines_there() -> None:
    lines: dict[str, dict[str, Any]] = {}
    for relative in set(COPIED_FROM.values()):
        for line in (REPO_ROOT / relative).read_text().splitlines():
            event = json.loads(line)
            lines[event["event_id"]] = event
    for event_type, example in INPUT_EXAMPLES.items():
        if example["event_id"] in COPIED_FROM:
            assert lines.get(example["event_id"]) == example, event_type
        else:
            # Not copied from the data: it must say it is illustrative, or cite a real source.
            assert example["source"]["publisher"] == ILLUSTRATIVE_PUBLISHER or example[
                "source"
            ].get("url"), event_type
