"""`make bench`: every benchmark, then a summary of every ratio (product ÷ same-run baseline).

.venv/bin/python -m tests.bench.run_all [--events 20000] [--max-drain 60] [--rate 500]
    [--freshness-duration 10] [--duration 8] [--connections 16] [--scenario-duration 8]
    [--scenario-connections 1] [--subscribers 300] [--items 2000]

Each benchmark also runs on its own (`python -m tests.bench.<module>`, or `make bench-<name>`).
The memory benchmark (`tests.bench.memory_growth`) runs with its own defaults when it is there.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import (
    freshness,
    gateway_requests,
    processor_throughput,
    scenario_latency,
    stream_fanout,
)
from tests.bench.common import Ratio, conditions, run_main, say

MEMORY_MODULE = "tests.bench.memory_growth"


def memory_growth(root: Path) -> list[Ratio]:
    """The memory benchmark's `run`, imported only now: a missing module is a note, not a
    failure of the other benchmarks."""
    try:
        module = importlib.import_module(MEMORY_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name != MEMORY_MODULE:
            raise
        say(f"== memory growth: skipped ({MEMORY_MODULE} is not there) ==")
        return []
    run: Callable[..., object] | None = getattr(module, "run", None)
    if run is None:
        say(f"== memory growth: skipped ({MEMORY_MODULE} has no run()) ==")
        return []
    takes_root = "root" in inspect.signature(run).parameters
    result = run(root=root) if takes_root else run()
    if isinstance(result, list):
        return [ratio for ratio in result if isinstance(ratio, Ratio)]
    return []


def run(args: argparse.Namespace) -> list[Ratio]:
    started = time.monotonic()
    ratios: list[Ratio] = []
    with tempfile.TemporaryDirectory(prefix="monazite-bench-") as tmp:
        root = Path(tmp)
        ratios += processor_throughput.run(args.events, root=root, max_drain_s=args.max_drain)
        say()
        ratios += freshness.run(args.rate, args.freshness_duration, root=root)
        say()
        ratios += gateway_requests.run(args.duration, args.connections, root=root)
        say()
        ratios += scenario_latency.run(args.scenario_duration, args.scenario_connections, root=root)
        say()
        ratios += stream_fanout.run(args.subscribers, args.items, root=root)
        say()
        ratios += memory_growth(root)
    say()
    say("== summary: product ÷ baseline measured in the same run ==")
    say("  (rates: higher is better, 1.00× = as fast; latencies: lower is better)")
    for ratio in ratios:
        say(f"  {ratio.summary()}")
    missed = [r.name for r in ratios if r.meets_target is False]
    with_target = sum(r.target is not None for r in ratios)
    say(f"  targets met: {with_target - len(missed)} of {with_target}")
    say(f"  {conditions('after run')} | total {time.monotonic() - started:.0f} s")
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=processor_throughput.DEFAULT_EVENTS)
    parser.add_argument("--max-drain", type=float, default=processor_throughput.DEFAULT_MAX_DRAIN_S)
    parser.add_argument("--rate", type=float, default=freshness.DEFAULT_RATE)
    parser.add_argument("--freshness-duration", type=float, default=freshness.DEFAULT_DURATION_S)
    parser.add_argument("--duration", type=float, default=gateway_requests.DEFAULT_DURATION_S)
    parser.add_argument("--connections", type=int, default=gateway_requests.DEFAULT_CONNECTIONS)
    parser.add_argument(
        "--scenario-duration", type=float, default=scenario_latency.DEFAULT_DURATION_S
    )
    parser.add_argument(
        "--scenario-connections", type=int, default=scenario_latency.DEFAULT_CONNECTIONS
    )
    parser.add_argument("--subscribers", type=int, default=stream_fanout.DEFAULT_SUBSCRIBERS)
    parser.add_argument("--items", type=int, default=stream_fanout.DEFAULT_ITEMS)
    args = parser.parse_args(argv)
    not_positive = {
        name: value
        for name, value in vars(args).items()
        if isinstance(value, int | float) and value <= 0
    }
    if not_positive:
        parser.error(
            f"must be positive: {', '.join('--' + n.replace('_', '-') for n in not_positive)}"
        )
    run_main(lambda: run(args))


if __name__ == "__main__":
    main()
