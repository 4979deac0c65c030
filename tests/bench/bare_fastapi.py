"""The gateway benchmark's baseline: a bare FastAPI app serving a static JSON document.

Run as `python -m tests.bench.bare_fastapi --port P --size S` by `tests.bench.gateway_requests`.
It answers the same path as the gateway with a pre-encoded JSON document of exactly S bytes,
served by uvicorn with the gateway's settings (one process, no log config, no access log).
Like the gateway, it tags every answer with an ETag digested from the body (BLAKE2b, 12 bytes;
once, as the body never changes) and `Cache-Control: no-cache`, and answers 304 with no body
when If-None-Match names that tag.
"""

from __future__ import annotations

import argparse
import hashlib

import orjson
import uvicorn
from fastapi import FastAPI, Request, Response


def document(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (at least the size of the empty padding object)."""
    empty = orjson.dumps({"padding": ""})
    body = orjson.dumps({"padding": "x" * max(0, size - len(empty))})
    assert len(body) == max(size, len(empty))
    return body


def create_app(size: int) -> FastAPI:
    body = document(size)
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"etag": tag, "cache-control": "no-cache"}
    app = FastAPI(title="bare baseline")

    @app.get("/v1/indices/{market_id}")
    async def market(market_id: str, request: Request) -> Response:
        wanted = request.headers.get("if-none-match")
        if wanted is not None and tag in {t.strip().removeprefix("W/") for t in wanted.split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(content=body, media_type="application/json", headers=headers)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(content=b'{"status":"ok"}', media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.size), host="127.0.0.1", port=args.port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
