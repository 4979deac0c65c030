"""The ownership graph: who holds what, who ultimately controls each entity, who owns its equity.

Registers (each last-writer-wins by the facts' valid time, then id, so the graph depends only on
which events were accepted, never on their arrival order):
- a holding per (holder, target), from `stake_changed` or a partner of `joint_venture_formed`;
  a zero stake ends a holding and is remembered, so an older stake arriving late stays superseded;
- a merger per absorbed entity: from then on the absorbed entity *is* the survivor (its output,
  holdings and facilities count as the survivor's; holdings between the two disappear, and so do
  the stakes others held in the absorbed entity: its shares no longer exist);
- an owner per facility, from `asset_transferred`.

Control rule: a holder controls a target when its stake is above 50 %, or when its latest event
says `controlling: true` (de-facto control the percentage does not show). An explicit
`controlling: false` overrides a majority. Among several candidates the explicit flag wins, then
the larger stake, then the smaller holder id. The ultimate controller is found by following
controllers to the top; a cycle of cross-holdings stops before the chain would repeat.

Equity rule: effective equity of P in asset a is Σ over ownership paths of the product of the
stakes along the path (cycles converge because every stake is below 100 %). The part of an
entity that no recorded holder owns (its free float) stays with the entity itself; the graph
reports it as `free_float_pct`.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from monazite_core.events import (
    AssetTransferred,
    JointVentureFormed,
    MergerCompleted,
    StakeChanged,
)

MAJORITY_PCT = Decimal(50)
HUNDRED = Decimal(100)
#: Equity mass below this is dropped while following cross-holding cycles.
_EQUITY_EPSILON = 1e-13
_EQUITY_MAX_STEPS = 200


@dataclass(frozen=True, slots=True)
class Holding:
    """One holder's position in one target, as the latest event about it says."""

    holder_id: str
    target_id: str
    pct_after: Decimal | None
    controlling: bool | None
    event_id: str
    occurred_at: datetime

    @property
    def ended(self) -> bool:
        return self.pct_after == 0 and not self.controlling

    def ordering_key(self) -> tuple[datetime, str]:
        return (self.occurred_at, self.event_id)


@dataclass
class _View:
    """The graph after mergers: derived from the registers, rebuilt when they change."""

    holders: dict[str, dict[str, Holding]]
    holdings: dict[str, dict[str, Holding]]
    absorbed_into: dict[str, set[str]]
    facilities_of: dict[str, set[str]]
    controllers: dict[str, str | None] = field(default_factory=dict)
    #: Entity id → its ultimate controller (the end of its control chain).
    ultimate: dict[str, str] = field(default_factory=dict)
    equity: dict[str, tuple[dict[str, Decimal], Decimal]] = field(default_factory=dict)


@dataclass
class OwnershipGraph:
    _registers: dict[tuple[str, str], Holding] = field(default_factory=dict)
    #: The latest event of each pair that disclosed a percentage: a later undisclosed one
    #: (a purchase of undisclosed size) keeps it, so that equity does not move on no figure.
    _disclosed: dict[tuple[str, str], Holding] = field(default_factory=dict)
    _registered_holders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _mergers: dict[str, MergerCompleted] = field(default_factory=dict)
    _facility_owners: dict[str, AssetTransferred] = field(default_factory=dict)
    #: Derived from the registers (not compared: two graphs with the same registers are equal).
    _cached_view: _View | None = field(default=None, compare=False, repr=False)

    # A checkpoint pickles the graph without its effective view (derived, rebuilt on first use,
    # and with its caches as large as the registers); a deep copy (a scenario) keeps it.

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_cached_view": None}

    def __setstate__(self, fields: dict[str, object]) -> None:
        self.__dict__.update(fields)

    def __deepcopy__(self, memo: dict[int, object]) -> OwnershipGraph:
        copied = OwnershipGraph.__new__(OwnershipGraph)
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return copied

    # ---- registers -------------------------------------------------------------------------

    def latest(self, holder_id: str, target_id: str) -> Holding | None:
        """The latest event of a holder in a target, including one that ended the holding.

        When it does not disclose a percentage, the latest disclosed one (if any) stands.
        """
        holding = self._registers.get((holder_id, target_id))
        if holding is not None and holding.pct_after is None:
            disclosed = self._disclosed.get((holder_id, target_id))
            if disclosed is not None:
                holding = replace(holding, pct_after=disclosed.pct_after)
        return holding

    def stake(self, holder_id: str, target_id: str) -> Holding | None:
        """The current (not ended) holding of a holder in a target, as registered."""
        holding = self.latest(holder_id, target_id)
        return None if holding is None or holding.ended else holding

    def record(self, stake: StakeChanged) -> bool:
        """Register a stake event; returns whether it became the current fact for its pair."""
        return self._register(
            Holding(
                stake.holder_id,
                stake.target_id,
                stake.pct_after,
                stake.controlling,
                stake.event_id,
                stake.occurred_at,
            )
        )

    def record_venture(self, venture: JointVentureFormed) -> bool:
        changed = False
        for partner in venture.partners:
            controlling = True if partner.entity_id == venture.controlling_partner_id else None
            changed |= self._register(
                Holding(
                    partner.entity_id,
                    venture.venture_id,
                    partner.pct,
                    controlling,
                    venture.event_id,
                    venture.occurred_at,
                )
            )
        return changed

    def record_merger(self, merger: MergerCompleted) -> bool:
        current = self._mergers.get(merger.absorbed_id)
        if current is not None and current.ordering_key() > merger.ordering_key():
            return False
        self._mergers[merger.absorbed_id] = merger
        self._cached_view = None
        return True

    def record_transfer(self, transfer: AssetTransferred) -> bool:
        current = self._facility_owners.get(transfer.facility_id)
        if current is not None and current.ordering_key() > transfer.ordering_key():
            return False
        self._facility_owners[transfer.facility_id] = transfer
        self._cached_view = None
        return True

    def _register(self, holding: Holding) -> bool:
        key = (holding.holder_id, holding.target_id)
        disclosed = self._disclosed.get(key)
        newer_disclosed = holding.pct_after is not None and (
            disclosed is None or disclosed.ordering_key() <= holding.ordering_key()
        )
        if newer_disclosed:
            self._disclosed[key] = holding
        current = self._registers.get(key)
        if current is not None and current.ordering_key() > holding.ordering_key():
            if newer_disclosed:
                self._refresh_pair(key)
            return newer_disclosed and current.pct_after is None
        self._registers[key] = holding
        self._registered_holders[holding.target_id].add(holding.holder_id)
        self._refresh_pair(key)
        return True

    def _refresh_pair(self, key: tuple[str, str]) -> None:
        """Bring the effective graph up to date after the registers of one pair changed.

        Rebuilding the whole graph after every stake makes a fold quadratic in the number of
        holdings, so the one pair is updated in place, with the caches it can move: the direct
        controller of the target and the equity of everything the target holds, itself included.
        Pairs that a merger makes one with others are left to a full rebuild.
        """
        view = self._cached_view
        if view is None:
            return
        holder_id, target_id = key
        if (
            holder_id in self._mergers
            or target_id in self._mergers
            or holder_id in view.absorbed_into
            or target_id in view.absorbed_into
        ):
            self._cached_view = None
            return
        latest = self.latest(holder_id, target_id)
        fresh = None if latest is None or latest.ended else _combine(holder_id, target_id, [latest])
        if fresh == view.holders.get(target_id, {}).get(holder_id):
            return
        if fresh is None:
            _discard(view.holders, target_id, holder_id)
            _discard(view.holdings, holder_id, target_id)
        else:
            view.holders.setdefault(target_id, {})[holder_id] = fresh
            view.holdings.setdefault(holder_id, {})[target_id] = fresh
        view.controllers.pop(target_id, None)
        if view.equity or view.ultimate:
            # Every chain and every equity path through the target runs through its holdings.
            for below in self.controlled_below(target_id):
                view.equity.pop(below, None)
                view.ultimate.pop(below, None)

    # ---- identity after mergers and transfers --------------------------------------------

    def canonical(self, entity_id: str) -> str:
        """The entity that `entity_id` is part of now (itself unless it was absorbed)."""
        seen = {entity_id}
        while (merger := self._mergers.get(entity_id)) is not None:
            if merger.survivor_id in seen:
                break
            entity_id = merger.survivor_id
            seen.add(entity_id)
        return entity_id

    def facility_owner(self, facility_id: str, reported_by: str) -> str:
        """Who owns a facility's output now: its latest buyer, else the entity that reported it."""
        transfer = self._facility_owners.get(facility_id)
        return self.canonical(transfer.to_entity_id if transfer else reported_by)

    # ---- the effective graph ---------------------------------------------------------------

    def _view(self) -> _View:
        if self._cached_view is not None:
            return self._cached_view
        grouped: dict[tuple[str, str], list[Holding]] = defaultdict(list)
        for key in self._registers:
            holding = self.latest(*key)
            assert holding is not None
            if holding.ended or holding.target_id in self._mergers:
                # An absorbed entity's shares are gone: its holders hold nothing in the survivor
                # (what they received instead is a fact of its own, if anyone reports it).
                continue
            holder, target = self.canonical(holding.holder_id), self.canonical(holding.target_id)
            if holder != target:
                grouped[(holder, target)].append(holding)
        holders: dict[str, dict[str, Holding]] = defaultdict(dict)
        holdings: dict[str, dict[str, Holding]] = defaultdict(dict)
        for (holder, target), parts in grouped.items():
            combined = _combine(holder, target, parts)
            holders[target][holder] = combined
            holdings[holder][target] = combined
        absorbed_into: dict[str, set[str]] = defaultdict(set)
        for absorbed in self._mergers:
            absorbed_into[self.canonical(absorbed)].add(absorbed)
        facilities_of: dict[str, set[str]] = defaultdict(set)
        for facility, transfer in self._facility_owners.items():
            facilities_of[self.canonical(transfer.to_entity_id)].add(facility)
            if transfer.from_entity_id is not None:
                facilities_of[self.canonical(transfer.from_entity_id)].add(facility)
        self._cached_view = _View(dict(holders), dict(holdings), absorbed_into, facilities_of)
        return self._cached_view

    def holders_of(self, target_id: str) -> list[Holding]:
        found = self._view().holders.get(self.canonical(target_id), {})
        return sorted(found.values(), key=lambda s: s.holder_id)

    def holdings_of(self, holder_id: str) -> list[Holding]:
        found = self._view().holdings.get(self.canonical(holder_id), {})
        return sorted(found.values(), key=lambda s: s.target_id)

    def holders_registered_in(self, target_id: str) -> list[Holding]:
        """Current holdings registered under exactly this target id (before any merger)."""
        found = (
            self.latest(holder, target_id)
            for holder in sorted(self._registered_holders.get(target_id, ()))
        )
        return [h for h in found if h is not None and not h.ended]

    def disclosed_total_pct(
        self, target_id: str, *, excluding_holder: str | None = None
    ) -> Decimal:
        """Sum of the disclosed stakes registered in a target, optionally leaving one holder out."""
        return sum(
            (
                h.pct_after
                for h in self.holders_registered_in(target_id)
                if h.holder_id != excluding_holder and h.pct_after is not None
            ),
            Decimal(0),
        )

    def free_float_pct(self, target_id: str) -> Decimal:
        """The part of an entity that no recorded holder owns (never below zero)."""
        held = sum(
            (h.pct_after for h in self.holders_of(target_id) if h.pct_after is not None),
            Decimal(0),
        )
        return max(Decimal(0), HUNDRED - held)

    def direct_controller(self, target_id: str) -> str | None:
        view = self._view()
        target = self.canonical(target_id)
        if target in view.controllers:
            return view.controllers[target]
        candidates = [h for h in view.holders.get(target, {}).values() if _confers_control(h)]
        best = (
            min(
                candidates,
                key=lambda h: (
                    0 if h.controlling else 1,
                    -(h.pct_after if h.pct_after is not None else Decimal(0)),
                    h.holder_id,
                ),
            ).holder_id
            if candidates
            else None
        )
        view.controllers[target] = best
        return best

    def control_chain(self, entity_id: str) -> list[str]:
        """The entity, then the entity it is part of (after mergers), then its controller, …"""
        chain = [entity_id]
        if (canonical := self.canonical(entity_id)) != entity_id:
            chain.append(canonical)
        seen = set(chain)
        while (parent := self.direct_controller(chain[-1])) is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
        return chain

    def ultimate_controller(self, entity_id: str) -> str:
        known = self._view().ultimate
        found = known.get(entity_id)
        if found is None:
            found = known[entity_id] = self.control_chain(entity_id)[-1]
        return found

    def equity_owners(self, entity_id: str) -> tuple[dict[str, Decimal], Decimal]:
        """Who owns the equity of an entity, as fractions summing to 1 with the remainder.

        Returns the owners (each an entity at the top of its paths, or an entity's own free
        float) and the fraction lost in a cycle of 100 % cross-holdings (normally zero).
        """
        view = self._view()
        start = self.canonical(entity_id)
        if start in view.equity:
            return view.equity[start]
        # Binary floats, in a fixed order, then rounded to 12 places: a cycle of cross-holdings
        # takes dozens of rounds to fade, too slow in decimals, and the rounding keeps the
        # result exact to far below any published figure and identical on every run.
        owners: dict[str, float] = defaultdict(float)
        frontier: dict[str, float] = {start: 1.0}
        for _ in range(_EQUITY_MAX_STEPS):
            following: dict[str, float] = defaultdict(float)
            for node in sorted(frontier):
                mass = frontier[node]
                held = [
                    (holder, float(h.pct_after))
                    for holder, h in sorted(view.holders.get(node, {}).items())
                    if h.pct_after is not None
                ]
                held_pct = sum(pct for _, pct in held)
                held_share = min(1.0, held_pct / 100.0)
                if held_share < 1.0:
                    owners[node] += mass * (1.0 - held_share)
                # Holdings that mergers made one can exceed 100 %: share out what there is.
                scale = max(100.0, held_pct)
                for holder, pct in held:
                    following[holder] += mass * pct / scale
            frontier = {node: m for node, m in following.items() if m > _EQUITY_EPSILON}
            if not frontier:
                break
        result = (
            {node: _exact(share) for node, share in owners.items() if _exact(share)},
            _exact(sum(frontier.values())),
        )
        view.equity[start] = result
        return result

    def controlled_below(self, entity_id: str) -> Iterator[str]:
        """Every entity whose attribution may change when `entity_id`'s ownership changes.

        That is everything it holds, directly or through others, plus the entities merged into
        any of them (their outputs are reported under their old ids).
        """
        view = self._view()
        stack = [entity_id, self.canonical(entity_id)]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack.extend(view.holdings.get(current, {}).keys())
            stack.extend(view.absorbed_into.get(current, ()))

    def facilities_touching(self, entity_id: str) -> set[str]:
        """Facilities bought by or sold by the entity (their output's owner depends on it)."""
        return set(self._view().facilities_of.get(self.canonical(entity_id), ()))


def _discard(nested: dict[str, dict[str, Holding]], outer: str, inner: str) -> None:
    found = nested.get(outer)
    if found is not None:
        found.pop(inner, None)
        if not found:
            del nested[outer]


def _exact(fraction: float) -> Decimal:
    return Decimal(repr(round(fraction, 12))).normalize()


def _combine(holder: str, target: str, parts: list[Holding]) -> Holding:
    """One holding from several registered ones that mergers made the same pair."""
    if len(parts) == 1:
        only = parts[0]
        if (only.holder_id, only.target_id) == (holder, target):
            return only  # no merger in between: the registered holding is the effective one
        return Holding(
            holder, target, only.pct_after, only.controlling, only.event_id, only.occurred_at
        )
    disclosed = [p.pct_after for p in parts if p.pct_after is not None]
    flags = [p.controlling for p in parts if p.controlling is not None]
    latest = max(parts, key=Holding.ordering_key)
    return Holding(
        holder,
        target,
        min(HUNDRED, sum(disclosed, Decimal(0))) if disclosed else None,
        True if any(flags) else (False if flags else None),
        latest.event_id,
        latest.occurred_at,
    )


def _confers_control(holding: Holding) -> bool:
    if holding.controlling is not None:
        return holding.controlling
    return holding.pct_after is not None and holding.pct_after > MAJORITY_PCT
