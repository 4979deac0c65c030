"""The processor benchmark's baseline: a bare Faust agent that only decodes each event.

Run as `python -m tests.bench.bare_faust ...` by `tests.bench.processor_throughput`. It consumes
the input topics under its own group with the real processor's Faust settings and batching, and
writes a JSON result file once it has seen `--events` messages; the parent then stops it.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path
from typing import Any, cast

import faust
import orjson


def create_app(args: argparse.Namespace) -> faust.App:
    app = faust.App(
        args.group,
        broker=f"kafka://{args.bootstrap}",
        value_serializer="raw",
        key_serializer="raw",
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=args.session_timeout,
        broker_heartbeat_interval=args.heartbeat_interval,
        broker_commit_interval=1.0,
        store="memory://",
    )
    inputs = app.topic(*args.topics.split(","), value_serializer="raw", key_serializer="raw")
    result_path = Path(args.result)
    wanted: int = args.events

    @app.agent(inputs)
    async def count(stream: faust.StreamT[bytes]) -> None:
        seen = 0
        first_wall = first_mono = 0.0
        first_batch = 0
        written = False
        batches = cast("faust.Stream[bytes]", stream).take_events(
            args.batch_max, within=args.batch_within
        )
        async for events in batches:
            for event in events:
                orjson.loads(event.message.value or b"null")
            if seen == 0:
                first_wall, first_mono, first_batch = time.time(), time.monotonic(), len(events)
            seen += len(events)
            if seen >= wanted and not written:
                written = True
                result: dict[str, Any] = {
                    "first_wall": first_wall,
                    "first_batch": first_batch,
                    "elapsed_s": time.monotonic() - first_mono,
                    "seen": seen,
                }
                partial = result_path.with_suffix(".partial")
                partial.write_bytes(orjson.dumps(result))
                os.replace(partial, result_path)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topics", required=True, help="comma-separated topic names")
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--batch-max", type=int, default=2000)
    parser.add_argument("--batch-within", type=float, default=0.05)
    parser.add_argument("--session-timeout", type=float, default=6.0)
    parser.add_argument("--heartbeat-interval", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    worker = faust.Worker(create_app(args), loglevel="WARNING", quiet=True)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
