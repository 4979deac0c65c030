"""Adapters against the real broker and PostgreSQL: topic creation, broker epoch, migrations."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from monazite_infra.kafka_admin import TopicMismatch, broker_epoch, ensure_topics
from monazite_infra.postgres.schema import migrate, migration_files
from monazite_infra.settings import Settings
from monazite_infra.topics import CATALOGUE
from tests.support.databases import fresh_database


async def test_every_catalogued_topic_exists_with_its_declared_partition_count(
    settings: Settings,
) -> None:
    actual = await ensure_topics(settings)
    for spec in CATALOGUE:
        assert actual[spec.name(settings)] == spec.partition_count(settings)


async def test_creating_topics_twice_changes_nothing(settings: Settings) -> None:
    assert await ensure_topics(settings) == await ensure_topics(settings)


async def test_a_topic_with_the_wrong_partition_count_is_refused(settings: Settings) -> None:
    prefix = f"mismatch{uuid.uuid4().hex[:6]}."
    other = settings.model_copy(update={"topic_prefix": prefix})
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.require_bootstrap())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(prefix + "entities", 1, 1)])
    finally:
        await admin.close()
    with pytest.raises(TopicMismatch, match="entities has 1 partitions, wants 4"):
        await ensure_topics(other)


async def test_broker_epoch_is_created_once_and_then_stable(settings: Settings) -> None:
    first = await broker_epoch(settings, create=True)
    assert first is not None
    assert await broker_epoch(settings, create=True) == first
    assert await broker_epoch(settings) == first


async def test_migrations_apply_once_and_record_their_names(settings: Settings) -> None:
    url = await fresh_database(settings.require_database_url())
    assert await migrate(url) == []  # fresh_database already migrated it
    connection = await asyncpg.connect(url)
    try:
        names = [r["name"] for r in await connection.fetch("SELECT name FROM schema_migrations")]
    finally:
        await connection.close()
    assert names == [name for name, _ in migration_files()]
