"""The ownership graph: who holds what, and who ultimately controls each entity.

Control rule: a holder controls a target when its stake is above 50 %, or when its latest stake
event says `controlling: true` (de-facto control the percentage does not show). An explicit
`controlling: false` overrides a majority (e.g. a trustee holding shares it cannot vote). Among
several candidates the explicit flag wins, then the larger stake, then the smaller holder id.
The ultimate controller is found by following controllers up the chain to the top; a cycle of
cross-holdings stops at the last entity before the chain would repeat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from monazite_core.events import StakeChanged

MAJORITY_PCT = Decimal(50)


@dataclass
class OwnershipGraph:
    """Current stakes, keyed both ways so that control lookups and impact queries stay cheap."""

    _holders: dict[str, dict[str, StakeChanged]] = field(default_factory=dict)
    _holdings: dict[str, dict[str, StakeChanged]] = field(default_factory=dict)
    # The zero stake that ended a position, kept so that an older stake arriving late stays
    # superseded (otherwise figures would depend on arrival order).
    _ended: dict[tuple[str, str], StakeChanged] = field(default_factory=dict)

    def stake(self, holder_id: str, target_id: str) -> StakeChanged | None:
        return self._holders.get(target_id, {}).get(holder_id)

    def latest(self, holder_id: str, target_id: str) -> StakeChanged | None:
        """The latest stake event of a holder in a target, including one that ended the stake."""
        return self.stake(holder_id, target_id) or self._ended.get((holder_id, target_id))

    def holders_of(self, target_id: str) -> list[StakeChanged]:
        return sorted(self._holders.get(target_id, {}).values(), key=lambda s: s.holder_id)

    def holdings_of(self, holder_id: str) -> list[StakeChanged]:
        return sorted(self._holdings.get(holder_id, {}).values(), key=lambda s: s.target_id)

    def disclosed_total_pct(
        self, target_id: str, *, excluding_holder: str | None = None
    ) -> Decimal:
        """Sum of the disclosed stakes in a target, optionally leaving one holder out."""
        return sum(
            (
                s.pct_after
                for s in self._holders.get(target_id, {}).values()
                if s.pct_after is not None and s.holder_id != excluding_holder
            ),
            Decimal(0),
        )

    def record(self, stake: StakeChanged) -> None:
        """Make `stake` the current position of its holder in its target (a zero stake ends it)."""
        ends = stake.pct_after == 0 and not stake.controlling
        if ends:
            self._holders.get(stake.target_id, {}).pop(stake.holder_id, None)
            self._holdings.get(stake.holder_id, {}).pop(stake.target_id, None)
            self._ended[(stake.holder_id, stake.target_id)] = stake
            return
        self._ended.pop((stake.holder_id, stake.target_id), None)
        self._holders.setdefault(stake.target_id, {})[stake.holder_id] = stake
        self._holdings.setdefault(stake.holder_id, {})[stake.target_id] = stake

    def direct_controller(self, target_id: str) -> str | None:
        candidates = [s for s in self._holders.get(target_id, {}).values() if _confers_control(s)]
        if not candidates:
            return None
        best = min(
            candidates,
            key=lambda s: (
                0 if s.controlling else 1,
                -(s.pct_after if s.pct_after is not None else Decimal(0)),
                s.holder_id,
            ),
        )
        return best.holder_id

    def control_chain(self, entity_id: str) -> list[str]:
        """The entity followed by its controller, that one's controller, … up to the top."""
        chain = [entity_id]
        seen = {entity_id}
        while (parent := self.direct_controller(chain[-1])) is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
        return chain

    def ultimate_controller(self, entity_id: str) -> str:
        return self.control_chain(entity_id)[-1]

    def controlled_below(self, entity_id: str) -> Iterator[str]:
        """Every entity whose control chain may pass through `entity_id`, itself included."""
        stack = [entity_id]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack.extend(self._holdings.get(current, {}).keys())


def _confers_control(stake: StakeChanged) -> bool:
    if stake.controlling is not None:
        return stake.controlling
    return stake.pct_after is not None and stake.pct_after > MAJORITY_PCT
