"""Bring up the data layer: the embedded broker and PostgreSQL unless external ones are configured,
then migrations, topics and the broker epoch."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from monazite_infra.devstack import EmbeddedBroker, EmbeddedPostgres
from monazite_infra.kafka_admin import broker_epoch, ensure_topics
from monazite_infra.postgres.schema import migrate
from monazite_infra.settings import Settings


@dataclass
class DataLayer:
    settings: Settings
    broker: EmbeddedBroker | None
    postgres: EmbeddedPostgres | None
    epoch: str

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()
        if self.postgres is not None:
            self.postgres.stop()


async def prepare(settings: Settings) -> str:
    """Migrate the schema, create the topics and return the broker epoch (creating it if new)."""
    await migrate(settings.require_database_url())
    await ensure_topics(settings)
    epoch = await broker_epoch(settings, create=True)
    assert epoch is not None
    return epoch


def start_data_layer(settings: Settings) -> DataLayer:
    broker = postgres = None
    try:
        if not settings.kafka_bootstrap:
            broker = EmbeddedBroker.start(settings.home / "logs")
        if not settings.database_url:
            postgres = EmbeddedPostgres.start(settings.home / "pgdata")
        effective = settings.model_copy(
            update={
                "kafka_bootstrap": settings.kafka_bootstrap
                or (broker.bootstrap if broker else None),
                "database_url": settings.database_url or (postgres.url if postgres else None),
            }
        )
        epoch = asyncio.run(prepare(effective))
        return DataLayer(effective, broker, postgres, epoch)
    except BaseException:
        with contextlib.suppress(Exception):
            if broker is not None:
                broker.stop()
            if postgres is not None:
                postgres.stop()
        raise
