"""ETag and If-None-Match for every successful GET: pollers get a 304 when nothing changed.

A pure ASGI middleware (no per-request task or body copy beyond the one response it hashes):
the ETag is a digest of the body, so it changes exactly when the answer does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Live data: a cache may keep an answer but must ask again before using it.
CACHE_CONTROL = b"no-cache"


class ETagMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        wanted = _header(scope, b"if-none-match")
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200 and not _streaming(message):
                    start = message  # held until the body is complete and hashed
                else:
                    await send(message)
                return
            if start is None:  # not a complete JSON answer: pass through as it comes
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            tag = b'"' + hashlib.blake2b(bytes(body), digest_size=12).hexdigest().encode() + b'"'
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"etag"]
            headers.append((b"etag", tag))
            # A route that knows its answer keeps longer (contracts change only on deploy) says so.
            if not any(k.lower() == b"cache-control" for k, _ in headers):
                headers.append((b"cache-control", CACHE_CONTROL))
            if wanted is not None and matches(tag, wanted):
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, buffer)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _streaming(start: Message) -> bool:
    return any(
        k.lower() == b"content-type" and v.startswith(b"text/event-stream")
        for k, v in start.get("headers", ())
    )


def matches(tag: bytes, if_none_match: bytes) -> bool:
    """Whether an If-None-Match header names `tag` (weak comparison, as for a GET)."""
    return tag in {part.strip().removeprefix(b"W/") for part in if_none_match.split(b",")}
