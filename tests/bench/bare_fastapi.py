"""The gateway benchmark's baseline: a bare FastAPI app serving a static JSON document.

Run as `python -m tests.bench.bare_fastapi --port P --size S` by `tests.bench.gateway_requests`.
It answers the same path as the gateway with a pre-encoded JSON document of exactly S bytes,
served by uvicorn with the gateway's settings (one process, no log config, no access log).
"""

from __future__ import annotations

import argparse

import orjson
import uvicorn
from fastapi import FastAPI, Response


def document(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (at least the size of the empty padding object)."""
    empty = orjson.dumps({"padding": ""})
    body = orjson.dumps({"padding": "x" * max(0, size - len(empty))})
    assert len(body) == max(size, len(empty))
    return body


def create_app(size: int) -> FastAPI:
    body = document(size)
    app = FastAPI(title="bare baseline")

    @app.get("/v1/indices/{market_id}")
    async def market(market_id: str) -> Response:
        return Response(content=body, media_type="application/json")

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
