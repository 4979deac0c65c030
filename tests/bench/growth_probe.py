"""One measurement of the cost of growth, in a process of its own (so its peak RSS is its own).

    python -m tests.bench.growth_probe --database-url URL --extra EXTRA.jsonl --result OUT.json
        [--max-live-s 30] [--breakdown]

Against a database whose event archive holds a history (tests/bench/growth_archive.py):
1. restore: `Folder.restore(use_checkpoint=False)`, as a processor starting without checkpoint
   does (fold every archived event, streamed chunk by chunk; then every index's figures and every
   commodity's chain); then, timed apart, every figure again from none computed, and every chain;
2. checkpoint: `Folder.checkpoint()` (the pickled, compressed state the processor stores);
3. one more event: events of EXTRA.jsonl folded by `Folder.fold` as the live processor folds them
   (figures of the touched series, chains, deal assessments): output reports in batches of
   OUTPUT_BATCH, then stake changes in batches of DEAL_BATCH, each for at most `--max-live-s`
   (a deal is assessed on every market its target's group supplies: far dearer than a report).
Peak and current RSS (VmHWM, VmRSS) are read after each step; `--breakdown` also sizes the state's
parts (a walk of the objects each part holds; an object shared by two parts counts in the first).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from monazite_core.chains import chain_view
from monazite_core.events import InputEvent, parse_input_event
from monazite_core.market import IndexKey, MarketState, figures
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.processor_store import ProcessorStore
from monazite_processor.folding import Folder, RawMessage, Topics

TOPICS = Topics("growth.indices", "growth.deals", "growth.alerts", "growth.dead-letters")
OUTPUT_BATCH = 100
DEAL_BATCH = 10


@dataclass
class ProbeResult:
    events: int = 0
    series: int = 0
    restore_s: float = 0.0  # Folder.restore: read, parse and fold the archive, figures, chains
    figures_s: float = 0.0  # every index's figures, from none computed
    chains_s: float = 0.0  # every commodity's chain view
    restore_peak_kb: int = 0
    restore_rss_kb: int = 0
    checkpoint_s: float = 0.0
    checkpoint_bytes: int = 0
    checkpoint_peak_kb: int = 0
    live_outputs: int = 0
    live_outputs_s: float = 0.0
    live_deals: int = 0
    live_deals_s: float = 0.0
    breakdown_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def fold_s(self) -> float:
        """The restore less its figures and chains: reading, parsing and folding the archive."""
        return max(0.0, self.restore_s - self.figures_s - self.chains_s)


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, in kB, from /proc."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = int(value.split()[0])
    return found


async def probe(
    url: str, extra: dict[str, list[RawMessage]], max_live_s: float, breakdown: bool
) -> ProbeResult:
    result = ProbeResult()
    pool = await create_pool(url, min_size=1, max_size=2)
    try:
        store = ProcessorStore(pool, consumer="growth-probe")
        folder = Folder(store, TOPICS, broker_epoch="growth")
        started = time.perf_counter()
        result.events = await folder.restore(use_checkpoint=False)
        result.restore_s = time.perf_counter() - started
        memory = memory_kb()
        result.restore_peak_kb, result.restore_rss_kb = memory["VmHWM"], memory["VmRSS"]
        state = folder.state
        state._figures.clear()
        started = time.perf_counter()
        series = state.series()
        folder.current = {
            IndexKey(s, basis): value for s in series for basis, value in figures(state, s).items()
        }
        result.series = len(series)
        result.figures_s = time.perf_counter() - started
        started = time.perf_counter()
        folder.chains = {c: chain_view(state, c) for c in sorted({s.commodity for s in series})}
        result.chains_s = time.perf_counter() - started
        if breakdown:
            result.breakdown_bytes = state_breakdown(state, folder)
        started = time.perf_counter()
        checkpoint = folder.checkpoint()
        result.checkpoint_s = time.perf_counter() - started
        result.checkpoint_bytes = len(checkpoint.state)
        del checkpoint
        result.checkpoint_peak_kb = memory_kb()["VmHWM"]
        outputs = extra.get("output_reported", [])
        result.live_outputs, result.live_outputs_s = _fold_for(
            folder, outputs, OUTPUT_BATCH, max_live_s
        )
        deals = extra.get("stake_changed", [])
        result.live_deals, result.live_deals_s = _fold_for(folder, deals, DEAL_BATCH, max_live_s)
    finally:
        await pool.close()
    return result


def _fold_for(
    folder: Folder, messages: list[RawMessage], batch: int, max_s: float
) -> tuple[int, float]:
    """Fold batches until `messages` or `max_s` run out; how many were folded, in how long."""
    started = time.perf_counter()
    folded = 0
    while folded < len(messages) and time.perf_counter() - started < max_s:
        folder.fold(messages[folded : folded + batch], in_order=True)
        folded = min(len(messages), folded + batch)
    return folded, time.perf_counter() - started


def state_breakdown(state: MarketState, folder: Folder) -> dict[str, int]:
    """Bytes held by each part of the state (and the folder's published figures)."""
    seen: set[int] = set()
    parts: dict[str, Any] = {
        "accepted (event id → digest)": state.accepted,
        "supplies (one per supplier and series)": state._supplies,
        "series by entity and facility": (state._entity_series, state._facility_series),
        "entities (registrations)": state.entities,
        "ownership graph (with its caches)": state.ownership,
        "policy book": state.policies,
        "figures cache": state._figures,
        "published figures and chains": (folder.current, folder.chains),
    }
    return {name: _deep_size(value, seen) for name, value in parts.items()}


_LEAVES = (str, bytes, int, float, Decimal, type(None), bool)


def _deep_size(root: object, seen: set[int]) -> int:
    total = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, _LEAVES):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
            continue
        if isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
            continue
        stack.extend(_attributes(obj))
    return total


def _attributes(obj: object) -> Iterable[object]:
    """What an object refers to: its __dict__ (pydantic's bookkeeping too) and its slots."""
    held = getattr(obj, "__dict__", None)
    if held is not None:
        yield held
    for name in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
        if (value := getattr(obj, name, None)) is not None:
            yield value
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot) and not slot.startswith("__"):
                yield getattr(obj, slot)


def extra_messages(path: Path) -> dict[str, list[RawMessage]]:
    """The events of a JSON-lines file as input messages, by event type (their offsets start
    past any real one: `in_order` folding does not check them)."""
    messages: dict[str, list[RawMessage]] = {}
    for offset, line in enumerate(path.read_bytes().splitlines()):
        event: InputEvent = parse_input_event(orjson.loads(line))
        timestamp = event.recorded_at or event.occurred_at
        messages.setdefault(event.type, []).append(
            RawMessage(
                f"growth.{event.type}",
                0,
                10**9 + offset,
                int(timestamp.timestamp() * 1000),
                event.event_id.encode(),
                line,
            )
        )
    return messages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--extra", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--max-live-s", type=float, default=30.0)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args(argv)
    extra = extra_messages(args.extra)
    result = asyncio.run(probe(args.database_url, extra, args.max_live_s, args.breakdown))
    args.result.write_bytes(orjson.dumps(asdict(result)))


if __name__ == "__main__":
    main()
