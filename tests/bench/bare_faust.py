"""The processor benchmark's baselines: a bare Faust agent that decodes each event and, with
`--table`, also writes one key of a Faust table per event.

Run as `python -m tests.bench.bare_faust ...` by `tests.bench.processor_throughput`. It consumes
the input topics under its own group with the real processor's Faust settings and batching, and
writes a JSON result file once it has seen `--events` messages; the parent then stops it.

With `--table NAME`, each event sets `NAME[message key] = event_id` in an in-memory table (the
processor's `memory://` store) whose changelog topic `<group>-NAME-changelog` the parent has
created with the input topics' partition count (nothing here declares topics). The table hashes
each key to its changelog partition as the publisher hashes it to its input partition, so a key
lands in the changelog partition of the input partition it came from, batch or no batch. The
clock stops once every changelog write is acknowledged by the broker.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import faust
import orjson
from faust.types import ProducerT, RecordMetadata, TableT

ACK_TIMEOUT_S = 60.0


def changelog_topic(group: str, table: str) -> str:
    """The changelog topic Faust gives table `table` of app `group`."""
    return f"{group}-{table}-changelog"


class ChangelogAcks(faust.Sensor):
    """Counts the records the broker has acknowledged on one topic (Faust's producer buffer
    can return from `flush()` with writes still pending)."""

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic
        self.acknowledged = 0

    def on_send_completed(self, producer: ProducerT, state: Any, metadata: RecordMetadata) -> None:
        if metadata.topic == self.topic:
            self.acknowledged += 1


async def wait_acknowledged(app: faust.App, acks: ChangelogAcks, writes: int) -> None:
    deadline = time.monotonic() + ACK_TIMEOUT_S
    while acks.acknowledged < writes:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{acks.acknowledged} of {writes} changelog writes acknowledged")
        await app.producer.flush()
        await asyncio.sleep(0.001)


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
        producer_acks=-1,
        store="memory://",
        # Faust keeps a data directory even with memory stores: out of the working directory.
        datadir=tempfile.mkdtemp(prefix="monazite-bench-faust-"),
    )
    inputs = app.topic(*args.topics.split(","), value_serializer="raw", key_serializer="raw")
    table: TableT[bytes, bytes] | None = None
    acks = ChangelogAcks(changelog_topic(args.group, args.table or ""))
    if args.table:
        app.sensors.add(acks)
        table = app.Table(
            args.table,
            partitions=args.partitions,
            key_type=bytes,
            value_type=bytes,
            use_partitioner=True,
        )
    result_path = Path(args.result)
    wanted: int = args.events

    @app.agent(inputs)
    async def count(stream: faust.StreamT[bytes]) -> None:
        seen = writes = 0
        first_wall = first_mono = 0.0
        first_batch = 0
        written = False
        batches = cast("faust.Stream[bytes]", stream).take_events(
            args.batch_max, within=args.batch_within
        )
        async for events in batches:
            for event in events:
                document = orjson.loads(event.message.value or b"null")
                if table is not None:
                    table[event.message.key or b""] = str(document["event_id"]).encode()
                    writes += 1
            if seen == 0:
                first_wall, first_mono, first_batch = time.time(), time.monotonic(), len(events)
            seen += len(events)
            if seen >= wanted and not written:
                written = True
                if table is not None:
                    await wait_acknowledged(app, acks, writes)
                result: dict[str, Any] = {
                    "first_wall": first_wall,
                    "first_batch": first_batch,
                    "elapsed_s": time.monotonic() - first_mono,
                    "seen": seen,
                    "table_keys": len(table) if table is not None else 0,
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
    parser.add_argument("--table", help="write one key of this table per event")
    parser.add_argument(
        "--partitions", type=int, default=1, help="the table's (and input topics') partitions"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    worker = faust.Worker(create_app(args), loglevel="WARNING", quiet=True)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
