"""Memory of the processor holding a large state, and how every cost grows with the history.

    .venv/bin/python -m tests.bench.memory_growth [--events 1000000] [--entities 10000]
        [--growth] [--no-processor] [--extra 3000] [--max-live 30]

Headline: a history of `--events` events over `--entities` entities (tests/bench/growth_workload.py:
registrations, then output reports, stake changes building control chains, policies) is written
straight into a fresh database's event archive (COPY, as the processor would have archived it),
then:
- the real processor (`python -m monazite_processor`, one worker) starts on it and restores its
  state by refolding the whole archive; once its heartbeat says it folds (`service_status` role
  `folding`), its peak resident set (VmHWM in /proc/<pid>/status) is read: the figure against
  the 500 MB budget;
- a probe process (tests/bench/growth_probe.py) restores the same archive with the same code
  (`Folder.restore`) and times each step: the restore, every figure and every chain again, a
  checkpoint (`Folder.checkpoint()`), then the live fold (`Folder.fold`) of more events: output
  reports, then stake changes, each for at most `--max-live` seconds.
`--growth` adds probes of the same history at a hundredth and a tenth of the events (at a tenth
of the entities), and at a hundredth and a tenth of the entities (at a tenth of the events), and
prints how every figure moves as a table (also as Markdown, for docs/cost-of-growth.md).

Peak RSS has no baseline: it is printed against the budget, as a ratio (lower is better).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import orjson

from monazite_infra.settings import Settings
from tests.bench.common import Ratio, bench_data_layer, bench_home, conditions, run_main, say
from tests.bench.growth_archive import ArchiveWritten, write_archive
from tests.bench.growth_probe import DEAL_BATCH, OUTPUT_BATCH, ProbeResult, memory_kb
from tests.bench.growth_workload import growth_events
from tests.support.databases import drop_database, fresh_database
from tests.support.services import ServiceProcess, service_env

DEFAULT_EVENTS = 1_000_000
DEFAULT_ENTITIES = 10_000
BUDGET_MB = 500.0
DEFAULT_EXTRA = 3_000
DEFAULT_MAX_LIVE_S = 30.0
ARCHIVE_BATCH = 2_000  # events per archived batch: the processor's default batch maximum
MIN_ENTITIES = 10  # the fewest the workload's tiers of owners need
POLL_S = 0.5
MB = 1024.0  # kB per MB, as /proc counts


@dataclass(frozen=True)
class Size:
    events: int
    entities: int

    def label(self) -> str:
        return f"{self.events}e{self.entities}"


@dataclass(frozen=True)
class ProcessorRun:
    peak_kb: int
    rss_kb: int
    ready_s: float  # spawn → heartbeat says it folds
    restore_s: float | None  # as the processor logs it


@dataclass(frozen=True)
class Row:
    size: Size
    archive: ArchiveWritten
    probe: ProbeResult
    processor: ProcessorRun | None = None


def growth_sizes(headline: Size) -> list[Size]:
    """Events ×100 at a tenth of the entities, entities ×100 at a tenth of the events."""
    entities, events = max(MIN_ENTITIES, headline.entities // 10), headline.events // 10
    sizes = [Size(max(entities, headline.events // f), entities) for f in (100, 10, 1)]
    sizes += [
        Size(events, max(MIN_ENTITIES, min(events, headline.entities // f))) for f in (100, 10, 1)
    ]
    unique = list(dict.fromkeys(sizes))
    return [s for s in unique if s != headline]


def measure(
    layer_settings: Settings,
    size: Size,
    work: Path,
    *,
    processor: bool,
    extra: int,
    max_live_s: float,
    breakdown: bool = False,
) -> Row:
    server_url = layer_settings.require_database_url()
    url = asyncio.run(fresh_database(server_url, f"monazite_growth_{size.label()}"))
    try:
        history = growth_events(size.events + extra, size.entities)
        archive = asyncio.run(
            write_archive(
                url,
                itertools.islice(history, size.events),
                layer_settings,
                batch_size=ARCHIVE_BATCH,
            )
        )
        extra_path = work / f"extra-{size.label()}.jsonl"
        extra_path.write_bytes(
            b"\n".join(orjson.dumps(e.model_dump(mode="json")) for e in history) + b"\n"
        )
        say(
            f"  {size.events:,} events / {size.entities:,} entities archived in"
            f" {archive.seconds:.0f} s ({archive.table_bytes / MB / MB:,.0f} MB in PostgreSQL)"
        )
        settings = layer_settings.model_copy(update={"database_url": url})
        run = run_processor(settings, size, work) if processor else None
        if run is not None:
            say(
                f"  processor: folding after {run.ready_s:.0f} s"
                f" (restore {run.restore_s or float('nan'):.0f} s as it logs it);"
                f" peak RSS {run.peak_kb / MB:,.0f} MB, RSS {run.rss_kb / MB:,.0f} MB"
            )
        probe = run_probe(
            url, extra_path, work / f"probe-{size.label()}.json", max_live_s, breakdown
        )
        say(
            f"  probe: restore {probe.restore_s:.0f} s, peak RSS {probe.restore_peak_kb / MB:,.0f}"
            f" MB, checkpoint {probe.checkpoint_bytes / MB / MB:.1f} MB"
        )
        return Row(size, archive, probe, run)
    finally:
        asyncio.run(drop_database(server_url, url))


def run_processor(settings: Settings, size: Size, work: Path) -> ProcessorRun:
    """The real processor restoring the archive; its memory once its heartbeat says it folds."""
    group = f"monazite-growth-{uuid.uuid4().hex[:8]}"
    log_path = work / f"processor-{size.label()}.log"
    service = ServiceProcess(
        "monazite_processor", service_env(settings, MONAZITE_PROCESSOR_GROUP=group), log_path
    )
    spawned = time.monotonic()
    service.start()
    assert service.process is not None
    try:
        # A restore takes about a millisecond per event on a loaded two-core machine.
        deadline = spawned + 120 + size.events / 500
        asyncio.run(_wait_folding(settings.require_database_url(), service, deadline))
        ready = time.monotonic() - spawned
        memory = memory_kb(service.process.pid)
        return ProcessorRun(memory["VmHWM"], memory["VmRSS"], ready, _logged_restore(log_path))
    finally:
        service.stop()


async def _wait_folding(url: str, service: ServiceProcess, deadline: float) -> None:
    connection = await asyncpg.connect(url)
    try:
        while True:
            role = await connection.fetchval(
                "SELECT detail->>'role' FROM service_status WHERE service = 'processor'"
                " ORDER BY heartbeat_at DESC LIMIT 1"
            )
            if role == "folding":
                return
            process = service.process
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"processor exited:\n{service.log_tail(40)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"processor not folding in time:\n{service.log_tail(40)}")
            await asyncio.sleep(POLL_S)
    finally:
        await connection.close()


def _logged_restore(log_path: Path) -> float | None:
    marker = "restored the state in "
    for line in reversed(log_path.read_text(errors="replace").splitlines()):
        if marker in line:
            try:
                return float(line.split(marker, 1)[1].split()[0])
            except ValueError:
                return None
    return None


def run_probe(
    url: str, extra: Path, result: Path, max_live_s: float, breakdown: bool
) -> ProbeResult:
    command = [
        sys.executable,
        "-m",
        "tests.bench.growth_probe",
        "--database-url",
        url,
        "--extra",
        str(extra),
        "--result",
        str(result),
        "--max-live-s",
        str(max_live_s),
        *(["--breakdown"] if breakdown else []),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"growth probe failed:\n{completed.stderr[-3000:]}")
    fields = orjson.loads(result.read_bytes())
    return ProbeResult(**fields)


# ---- reporting ----------------------------------------------------------------------------


HEADER = (
    "events",
    "entities",
    "restore events/s",
    "fold s",
    "figures s",
    "chains s",
    "peak RSS MB",
    "RSS after MB",
    "checkpoint MB",
    "checkpoint s",
    "peak with checkpoint MB",
    "live µs/output report",
    "live ms/stake change",
)


def _cells(row: Row) -> tuple[str, ...]:
    p = row.probe
    return (
        f"{row.size.events:,}",
        f"{row.size.entities:,}",
        f"{p.events / p.restore_s:,.0f}" if p.restore_s else "-",
        f"{p.fold_s:.1f}",
        f"{p.figures_s:.1f}",
        f"{p.chains_s:.1f}",
        f"{p.restore_peak_kb / MB:,.0f}",
        f"{p.restore_rss_kb / MB:,.0f}",
        f"{p.checkpoint_bytes / MB / MB:.1f}",
        f"{p.checkpoint_s:.1f}",
        f"{p.checkpoint_peak_kb / MB:,.0f}",
        f"{p.live_outputs_s / p.live_outputs * 1e6:,.0f}" if p.live_outputs else "-",
        f"{p.live_deals_s / p.live_deals * 1e3:,.0f}" if p.live_deals else "-",
    )


def markdown_table(rows: list[Row]) -> list[str]:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return lines


def report(rows: list[Row], headline: Row) -> list[Ratio]:
    ratios: list[Ratio] = []
    say()
    say("== memory and cost of growth ==")
    for line in markdown_table(sorted(rows, key=lambda r: (r.size.entities, r.size.events))):
        say(line)
    say(
        "(restore: Folder.restore, ≈ fold + figures + chains; peak RSS of the probe process;"
        f" live: Folder.fold of output reports in batches of {OUTPUT_BATCH}, of stake changes in"
        f" batches of {DEAL_BATCH})"
    )
    if headline.probe.breakdown_bytes:
        say(f"state at {headline.size.events:,} events, by part (sizes of the objects each holds):")
        for part, size in sorted(headline.probe.breakdown_bytes.items(), key=lambda kv: -kv[1]):
            say(f"  {size / MB / MB:8,.1f} MB  {part}")
    events = f"{headline.size.events:,} events / {headline.size.entities:,} entities"
    if headline.processor is not None:
        peak = headline.processor.peak_kb / MB
        ratios.append(
            Ratio(
                f"processor peak RSS restoring {events} / budget",
                peak,
                BUDGET_MB,
                "MB",
                lower_is_better=True,
                target=1.0,
            )
        )
        say(
            f"processor (python -m monazite_processor) restoring {events}: peak RSS {peak:,.0f} MB"
            f" against a budget of {BUDGET_MB:,.0f} MB ({peak / BUDGET_MB:.2f}×);"
            f" RSS once folding {headline.processor.rss_kb / MB:,.0f} MB"
        )
    streamed = headline.probe.restore_peak_kb / MB
    ratios.append(
        Ratio(
            f"peak RSS of the restore alone (probe) of {events} / budget",
            streamed,
            BUDGET_MB,
            "MB",
            lower_is_better=True,
            target=1.0,
        )
    )
    say(
        f"restore alone (probe, no Faust) of {events}: peak RSS {streamed:,.0f} MB"
        f" ({streamed / BUDGET_MB:.2f}× the budget); with a checkpoint taken"
        f" {headline.probe.checkpoint_peak_kb / MB:,.0f} MB"
    )
    axis = sorted(
        (r for r in rows if r.size.entities == max(MIN_ENTITIES, headline.size.entities // 10)),
        key=lambda r: r.size.events,
    )
    if len(axis) >= 2 and axis[0].probe.restore_s and axis[-1].probe.restore_s:
        small, big = axis[0], axis[-1]
        ratios.append(
            Ratio(
                f"restore rate at {big.size.events:,} events / at {small.size.events:,}"
                f" ({big.size.entities:,} entities; 1.00× = linear)",
                big.probe.events / big.probe.restore_s,
                small.probe.events / small.probe.restore_s,
                "events/s",
            )
        )
    return ratios


def run(
    root: Path | None = None,
    events: int = DEFAULT_EVENTS,
    entities: int = DEFAULT_ENTITIES,
    *,
    growth: bool = False,
    processor: bool = True,
    extra: int = DEFAULT_EXTRA,
    max_live_s: float = DEFAULT_MAX_LIVE_S,
) -> list[Ratio]:
    headline_size = Size(events, entities)
    say(f"== memory growth ({events:,} events over {entities:,} entities) ==")
    before = conditions()
    with (
        bench_home("memory", root) as home,
        bench_data_layer(home) as layer,
        tempfile.TemporaryDirectory(prefix="monazite-growth-", dir=home) as scratch,
    ):
        work = Path(scratch)
        started = time.monotonic()
        headline = measure(
            layer.settings,
            headline_size,
            work,
            processor=processor,
            extra=extra,
            max_live_s=max_live_s,
            breakdown=True,
        )
        rows = [headline]
        if growth:
            for size in growth_sizes(headline_size):
                rows.append(
                    measure(
                        layer.settings,
                        size,
                        work,
                        processor=False,
                        extra=extra,
                        max_live_s=max_live_s,
                    )
                )
        ratios = report(rows, headline)
        say(
            before
            + f" | archive batches of {ARCHIVE_BATCH:,} | broker and PostgreSQL share the cores"
            + f" | {time.monotonic() - started:.0f} s in all"
        )
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events in all")
    parser.add_argument("--entities", type=int, default=DEFAULT_ENTITIES)
    parser.add_argument("--growth", action="store_true", help="also the smaller histories")
    parser.add_argument(
        "--no-processor", action="store_true", help="probe only; skip the real processor"
    )
    parser.add_argument("--extra", type=int, default=DEFAULT_EXTRA, help="events folded live")
    parser.add_argument(
        "--max-live",
        type=float,
        default=DEFAULT_MAX_LIVE_S,
        help="seconds of live folding per kind of event",
    )
    args = parser.parse_args(argv)
    if args.entities < 30 or args.events < args.entities * 10:
        parser.error("need --entities of 30 or more and --events of ten times as many")
    if args.extra < 1 or args.max_live <= 0:
        parser.error("--extra and --max-live must be positive")
    run_main(
        lambda: run(
            events=args.events,
            entities=args.entities,
            growth=args.growth,
            processor=not args.no_processor,
            extra=args.extra,
            max_live_s=args.max_live,
        )
    )


if __name__ == "__main__":
    main()
