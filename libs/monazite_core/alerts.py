"""Alerts: an index crossing a threshold, a deal failing a screen, a policy cutting supply.

Crossings are detected between the previous and the new figure of one index; the first figures
of a new index raise none (nothing was crossed). A deal raises an alert for each screen it
triggers in a market where it raised concentration (a market already above the EU benchmark
does not alert again for a deal that leaves it as it was). Thresholds come from `AlertRules`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from monazite_core.events import AlertKind, AlertRaised, DealAssessed, IndexChanged, Source

COUNTRY_BASES = ("country_location", "country_control", "available_to_rest_of_world")


@dataclass(frozen=True)
class AlertRules:
    hhi_levels: tuple[float, ...] = (1000.0, 1800.0, 2500.0)
    top_country_share_pct: float = 65.0
    rest_of_world_cut_pct: float = 10.0


def alerts_for_change(
    change: IndexChanged, rules: AlertRules, *, recorded_at: datetime, publisher: str
) -> list[AlertRaised]:
    before, after = change.previous, change.figures
    if before is None:
        return []
    raised: list[AlertRaised] = []
    for level in rules.hhi_levels:
        direction = _crossing(before.hhi, after.hhi, level)
        if direction:
            raised.append(
                _alert(
                    change,
                    "hhi_threshold_crossed",
                    level,
                    before.hhi,
                    after.hhi,
                    direction,
                    f"{change.market_id} {change.period} ({change.measure}), {change.basis}:"
                    f" HHI {'rose above' if direction == 'up' else 'fell below'} {level:,.0f}"
                    f" ({before.hhi:,.0f} → {after.hhi:,.0f})",
                    recorded_at,
                    publisher,
                )
            )
    if change.basis in COUNTRY_BASES:
        level = rules.top_country_share_pct
        direction = _crossing(before.cr1, after.cr1, level)
        if direction:
            top = after.top_suppliers[0].supplier_id if after.top_suppliers else "?"
            raised.append(
                _alert(
                    change,
                    "top_country_share_crossed",
                    level,
                    before.cr1,
                    after.cr1,
                    direction,
                    f"{change.market_id} {change.period} ({change.measure}), {change.basis}:"
                    f" top country {top} {'rose above' if direction == 'up' else 'fell below'}"
                    f" {level:g} % ({before.cr1:.1f} % → {after.cr1:.1f} %)",
                    recorded_at,
                    publisher,
                )
            )
    if change.basis == "available_to_rest_of_world":
        supplied_before = float(before.total_tonnes - before.unattributed_tonnes)
        supplied_after = float(after.total_tonnes - after.unattributed_tonnes)
        if supplied_before > 0:
            cut_pct = 100.0 * (supplied_before - supplied_after) / supplied_before
            if cut_pct > rules.rest_of_world_cut_pct:
                raised.append(
                    _alert(
                        change,
                        "rest_of_world_supply_cut",
                        rules.rest_of_world_cut_pct,
                        supplied_before,
                        supplied_after,
                        "down",
                        f"{change.market_id} {change.period} ({change.measure}): supply"
                        f" available to the rest of the world cut by {cut_pct:.1f} %"
                        f" ({supplied_before:,.0f} t → {supplied_after:,.0f} t)",
                        recorded_at,
                        publisher,
                    )
                )
    return raised


def alerts_for_deal(
    assessment: DealAssessed, *, recorded_at: datetime, publisher: str
) -> list[AlertRaised]:
    raised = []
    for market in assessment.markets:
        if market.delta_hhi <= 0:
            continue  # a screen that held before the deal and still holds is not the deal's doing
        for screen in market.screens:
            if not screen.triggered:
                continue
            key = f"{assessment.deal_event_id}|{market.market_id}|{market.period}|{market.measure}"
            key += f"|{market.basis}|{screen.name}"
            raised.append(
                AlertRaised(
                    event_id=f"alert:{_digest(key)}",
                    occurred_at=assessment.occurred_at,
                    recorded_at=recorded_at,
                    source=Source(publisher=publisher),
                    causation_id=assessment.deal_event_id,
                    kind="deal_screen_triggered",
                    market_id=market.market_id,
                    basis=market.basis,
                    period=market.period,
                    measure=market.measure,
                    threshold=None,
                    value_before=market.hhi_before,
                    value_after=market.hhi_after,
                    direction="up" if market.delta_hhi > 0 else "down",
                    caused_by=(assessment.deal_event_id,),
                    message=f"deal {assessment.deal_event_id} triggers {screen.name}"
                    f" ({screen.rule}): {market.summary}",
                )
            )
    return raised


def _crossing(before: float, after: float, level: float) -> str | None:
    if before <= level < after:
        return "up"
    if after <= level < before:
        return "down"
    return None


def _alert(
    change: IndexChanged,
    kind: AlertKind,
    threshold: float,
    before: float,
    after: float,
    direction: str,
    message: str,
    recorded_at: datetime,
    publisher: str,
) -> AlertRaised:
    return AlertRaised(
        event_id=f"alert:{_digest(f'{change.event_id}|{kind}|{threshold}')}",
        occurred_at=change.occurred_at,
        recorded_at=recorded_at,
        source=Source(publisher=publisher),
        causation_id=change.event_id,
        kind=kind,
        market_id=change.market_id,
        basis=change.basis,
        period=change.period,
        measure=change.measure,
        threshold=threshold,
        value_before=before,
        value_after=after,
        direction="up" if direction == "up" else "down",
        caused_by=change.caused_by,
        message=message,
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]
