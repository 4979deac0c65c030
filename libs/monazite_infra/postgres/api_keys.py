"""API keys: created once (the secret is shown once), stored as digests, revoked by id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

KEY_PREFIX = "mnz_"
SCOPES = ("read", "write")


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyStore:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def create(self, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
        """A new key and its secret (`mnz_<id>_<random>`), which is never stored."""
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown:
            raise ValueError(f"scopes: unknown {unknown}; choose from {list(SCOPES)}")
        key_id = secrets.token_hex(4)
        secret = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(24)}"
        row = await self._pool.fetchrow(
            "INSERT INTO api_keys (key_id, name, key_digest, scopes) VALUES ($1, $2, $3, $4)"
            " RETURNING key_id, name, scopes, created_at, revoked_at",
            key_id,
            name,
            digest(secret),
            sorted(set(scopes)),
        )
        assert row is not None
        return ApiKey(**dict(row)), secret

    async def revoke(self, key_id: str) -> bool:
        result: str = await self._pool.execute(
            "UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL",
            key_id,
        )
        return result.endswith(" 1")

    async def list(self) -> list[ApiKey]:
        rows = await self._pool.fetch(
            "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at"
        )
        return [ApiKey(**dict(r)) for r in rows]

    async def authenticate(self, secret: str) -> ApiKey | None:
        """The live key with this secret, or None (unknown or revoked)."""
        row = await self._pool.fetchrow(
            "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys"
            " WHERE key_digest = $1 AND revoked_at IS NULL",
            digest(secret),
        )
        return ApiKey(**dict(row)) if row else None
