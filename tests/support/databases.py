"""A fresh, migrated database on the session's PostgreSQL server: a test sees only its rows."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from monazite_infra.postgres.schema import migrate


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def fresh_database(server_url: str, prefix: str = "monazite_test") -> str:
    """A new, migrated database on the server, named `prefix` and a random suffix; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = with_database(server_url, name)
    await migrate(url)
    return url


async def drop_database(server_url: str, url: str) -> None:
    """Drop the database `url` names, closing its connections first."""
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
