"""What the gateway reads and writes about chains: the processor's chain_current read model and
the blocs users stored through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class StoredBloc:
    name: str
    label: str
    countries: list[str]
    updated_at: datetime


class ChainStore:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def chain_current(self, commodity: str) -> dict[str, Any] | None:
        """The latest chain_changed document of a commodity, as the processor published it."""
        document: dict[str, Any] | None = await self._pool.fetchval(
            "SELECT document FROM chain_current WHERE commodity = $1", commodity
        )
        return document

    async def commodities(self) -> list[str]:
        rows = await self._pool.fetch("SELECT commodity FROM chain_current ORDER BY commodity")
        return [r["commodity"] for r in rows]

    async def blocs(self) -> list[StoredBloc]:
        rows = await self._pool.fetch(
            "SELECT name, label, countries, updated_at FROM blocs ORDER BY name"
        )
        return [StoredBloc(**dict(r)) for r in rows]

    async def put_bloc(self, name: str, label: str, countries: list[str]) -> bool:
        """Store a bloc; returns whether it is new."""
        created: bool = await self._pool.fetchval(
            "INSERT INTO blocs (name, label, countries) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET label = EXCLUDED.label,"
            " countries = EXCLUDED.countries, updated_at = now()"
            " RETURNING (xmax = 0)",
            name,
            label,
            countries,
        )
        return created

    async def delete_bloc(self, name: str) -> bool:
        deleted = await self._pool.fetchval("DELETE FROM blocs WHERE name = $1 RETURNING 1", name)
        return deleted is not None
