"""`make bench`: every benchmark, then a summary of every ratio (product ÷ same-run baseline).

.venv/bin/python -m tests.bench.run_all [--events 20000] [--max-drain 60] [--duration 8]
    [--connections 16] [--subscribers 300] [--items 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.bench import gateway_requests, processor_throughput, stream_fanout
from tests.bench.common import Ratio, conditions, run_main, say


def run(
    events: int,
    max_drain_s: float,
    duration_s: float,
    connections: int,
    subscribers: int,
    items: int,
) -> list[Ratio]:
    started = time.monotonic()
    ratios: list[Ratio] = []
    with tempfile.TemporaryDirectory(prefix="monazite-bench-") as tmp:
        root = Path(tmp)
        ratios += processor_throughput.run(events, root=root, max_drain_s=max_drain_s)
        say()
        ratios += gateway_requests.run(duration_s, connections, root=root)
        say()
        ratios += stream_fanout.run(subscribers, items, root=root)
    say()
    say("== summary: product ÷ baseline measured in the same run (1.00× = as fast) ==")
    for ratio in ratios:
        say(f"  {ratio.summary()}")
    say(f"  {conditions('after run')} | total {time.monotonic() - started:.0f} s")
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=processor_throughput.DEFAULT_EVENTS)
    parser.add_argument("--max-drain", type=float, default=processor_throughput.DEFAULT_MAX_DRAIN_S)
    parser.add_argument("--duration", type=float, default=gateway_requests.DEFAULT_DURATION_S)
    parser.add_argument("--connections", type=int, default=gateway_requests.DEFAULT_CONNECTIONS)
    parser.add_argument("--subscribers", type=int, default=stream_fanout.DEFAULT_SUBSCRIBERS)
    parser.add_argument("--items", type=int, default=stream_fanout.DEFAULT_ITEMS)
    args = parser.parse_args(argv)
    positive = (args.events, args.max_drain, args.duration, args.connections)
    if min(*positive, args.subscribers, args.items) <= 0:
        parser.error(
            "--events, --max-drain, --duration, --connections, --subscribers and --items"
            " must be positive"
        )
    run_main(
        lambda: run(
            args.events,
            args.max_drain,
            args.duration,
            args.connections,
            args.subscribers,
            args.items,
        )
    )


if __name__ == "__main__":
    main()
