"""The stream benchmark's baseline: a bare FastAPI app fanning server-sent events out in memory.

Run as `python -m tests.bench.bare_sse --port P --items K` by `tests.bench.stream_fanout`.
`GET /v1/stream` registers one asyncio.Queue per subscriber and writes whatever it holds;
`POST /emit?count=N` renders the next N of the same documents the gateway streams and puts each
frame in every queue, answering the ids it gave them. No database, no filters, no heartbeat:
the least a correct in-process fan-out does. Served by uvicorn with the gateway's settings (one
process, no log config, no access log, streams closed 3 s into a shutdown).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import uvicorn
from fastapi import FastAPI, Query, Response
from fastapi.responses import StreamingResponse

from monazite_core.concentration import concentration
from monazite_core.events import IndexChanged, Source
from monazite_infra.codec import encode

RETRY_FRAME = b"retry: 3000\n\n"
MARKET = "rare_earths.total_reo.mining"
BASIS = "company_control"
SUPPLIER_NAMES = {
    "ent021": "Baotou Northern Rare Earth Group",
    "ent034": "Lynas Rare Earths Ltd.",
    "ent047": "MP Materials Corp.",
    "ent058": "China Minmetals Rare Earth Co.",
}


def feed_documents(count: int) -> list[str]:
    """`count` index_changed documents as the processor publishes them (about 1.6 KB each): the
    mining index of one market, moving as one supplier's reported output grows report by report.

    Both servers of the benchmark stream these same documents.
    """
    occurred = datetime(2024, 6, 3, tzinfo=UTC)
    tonnes = {
        "ent021": Decimal("168000"),
        "ent034": Decimal("12500"),
        "ent047": Decimal("42000"),
        "ent058": Decimal("3200"),
    }
    unattributed = Decimal("19000")
    before = concentration(tonnes, unattributed=unattributed, names=SUPPLIER_NAMES)
    documents = []
    for i in range(count):
        tonnes["ent047"] += Decimal("12.5")
        after = concentration(tonnes, unattributed=unattributed, names=SUPPLIER_NAMES)
        cause = f"usgs:mcs-2025:ent047:{i}"
        fingerprint = hashlib.sha256(cause.encode()).hexdigest()[:20]
        change = IndexChanged(
            event_id=f"index_changed:{fingerprint}",
            occurred_at=occurred + timedelta(minutes=i),
            recorded_at=occurred + timedelta(minutes=i, seconds=2),
            source=Source(publisher="monazite-processor"),
            causation_id=cause,
            market_id=MARKET,
            commodity="rare_earths",
            element_group="total_reo",
            stage="mining",
            basis=BASIS,
            period=2024,
            measure="production",
            figures=after,
            previous=before,
            caused_by=(cause,),
        )
        documents.append(encode(change).decode())
        before = after
    return documents


class Fanout:
    """Every subscriber's queue; an emitted frame goes into each."""

    def __init__(self, documents: list[str]) -> None:
        self._documents = documents
        self._queues: set[asyncio.Queue[bytes]] = set()
        self._seq = 0

    def emit(self, count: int) -> tuple[int, int]:
        """Send the next `count` documents; the first and last ids given."""
        first = self._seq + 1
        for _ in range(count):
            document = self._documents[self._seq % len(self._documents)]
            self._seq += 1
            frame = f"id: {self._seq}\nevent: index_changed\ndata: {document}\n\n".encode()
            for queue in self._queues:
                queue.put_nowait(frame)
        return first, self._seq

    async def frames(self) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._queues.add(queue)  # before the first frame: nothing emitted after it is missed
        try:
            yield RETRY_FRAME
            while True:
                waiting = [await queue.get()]
                # One write for whatever piled up meanwhile, as the gateway's hub does.
                while not queue.empty():
                    waiting.append(queue.get_nowait())
                yield b"".join(waiting)
        finally:
            self._queues.discard(queue)


def create_app(items: int) -> FastAPI:
    fanout = Fanout(feed_documents(items))
    app = FastAPI(title="bare baseline")

    @app.get("/v1/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(
            fanout.frames(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.post("/emit")
    async def emit(count: int = Query(ge=1)) -> dict[str, int]:
        first, last = fanout.emit(count)
        return {"first": first, "last": last}

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(content=b'{"status":"ok"}', media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--items", type=int, required=True, help="distinct documents to cycle")
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.items),
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=3,
    )


if __name__ == "__main__":
    main()
