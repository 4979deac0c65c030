"""API keys on requests: the write scope for ingest always; the read scope for reads when
`MONAZITE_READ_ACCESS=key`.

A key is sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`; a browser's EventSource
cannot set headers, so reads also take `?access_token=<key>`. Answers of the key store are kept for
a few seconds, so polling clients do not cost a PostgreSQL round trip per request (a revoked key
stops working within that time).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from monazite_gateway.problems import Problem
from monazite_infra.postgres.api_keys import ApiKey, ApiKeyStore, digest

KEY_CACHE_SECONDS = 5.0
#: The query parameter a browser's EventSource sends its read key in.
ACCESS_TOKEN_PARAM = "access_token"


@dataclass
class KeyCache:
    """Recent answers of the key store, by digest of the secret (the secret itself is not kept)."""

    seconds: float = KEY_CACHE_SECONDS
    _answers: dict[str, tuple[float, ApiKey | None]] = field(default_factory=dict)

    async def authenticate(self, keys: ApiKeyStore, secret: str) -> ApiKey | None:
        now = time.monotonic()
        secret_digest = digest(secret)
        known = self._answers.get(secret_digest)
        if known is not None and now - known[0] < self.seconds:
            return known[1]
        key = await keys.authenticate(secret)
        if len(self._answers) > 10_000:  # many wrong secrets: start again rather than grow
            self._answers.clear()
        self._answers[secret_digest] = (now, key)
        return key


def _secret(request: Request, *, query_allowed: bool) -> str:
    header = request.headers.get("authorization", "")
    secret = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    secret = secret or request.headers.get("x-api-key", "").strip()
    if not secret and query_allowed:
        secret = request.query_params.get(ACCESS_TOKEN_PARAM, "").strip()
    return secret


async def _key_with_scope(request: Request, scope: str, *, query_allowed: bool) -> ApiKey:
    secret = _secret(request, query_allowed=query_allowed)
    if not secret:
        raise Problem(
            401,
            "Unauthorized",
            f"give an API key with the {scope} scope: Authorization: Bearer <key>",
            field="Authorization",
        )
    cache: KeyCache = request.app.state.key_cache
    key = await cache.authenticate(request.app.state.api_keys, secret)
    if key is None:
        raise Problem(401, "Unauthorized", "unknown or revoked API key", field="Authorization")
    if scope not in key.scopes:
        raise Problem(
            403, "Forbidden", f"key {key.key_id} has no {scope} scope", field="Authorization"
        )
    return key


async def write_key(request: Request) -> ApiKey:
    return await _key_with_scope(request, "write", query_allowed=False)


async def read_access(request: Request) -> None:
    """Nothing when reads are open; otherwise a key with the read scope."""
    if request.app.state.settings.read_access == "key":
        await _key_with_scope(request, "read", query_allowed=True)


async def may_read(request: Request) -> bool:
    """Whether `read_access` lets the request through, without raising: a request that does not
    show a read key is left to the routes, which refuse it naming the reason."""
    if request.app.state.settings.read_access != "key":
        return True
    secret = _secret(request, query_allowed=True)
    if not secret:
        return False
    cache: KeyCache = request.app.state.key_cache
    key = await cache.authenticate(request.app.state.api_keys, secret)
    return key is not None and "read" in key.scopes


WriteKey = Annotated[ApiKey, Depends(write_key)]
ReadAccess = Depends(read_access)
