"""Policies and the supply they leave available to the rest of the world.

Rest-of-world supply of a market (our model; no public index publishes it):
    Q_RoW = Σ_c min(q_c · (1 − d_c), export_quota_c)
where q_c is the supply located in country c, d_c = 1 − Π_i (1 − s_i) combines the withheld
shares s_i of every export control of c in force that covers the market, and export_quota_c is
c's export quota for that market and year, if any. A ban withholds everything (s = 1); a licence
regime withholds half by default (a stated assumption; each control may set its own severity).

A control covers a market when the commodity matches, the market's stage is among its stages,
and either the market's element group is named in `element_groups` or every element of that
group is among its `elements`. It is in force from `effective_from` to `effective_until`
(inclusive), except on days inside a suspension, and never from the day it is lifted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from monazite_core.events import (
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    FundingAwarded,
    PolicyEvent,
    PriceFloorSet,
    QuotaSet,
    TariffImposed,
)

RARE_EARTHS = frozenset("Sc Y La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu".split())
#: Elements of each element group used in market ids (light: La–Sm; heavy: Eu–Lu plus Y;
#: ion-adsorption clays carry the medium and heavy elements).
ELEMENT_GROUPS: Mapping[str, frozenset[str]] = {
    "total_reo": RARE_EARTHS,
    "light_reo": frozenset("La Ce Pr Nd Pm Sm".split()),
    "heavy_reo": frozenset("Eu Gd Tb Dy Ho Er Tm Yb Lu Y".split()),
    "ion_adsorption_reo": frozenset("Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Y".split()),
    "ndpr": frozenset({"Nd", "Pr"}),
    "dy_tb": frozenset({"Dy", "Tb"}),
}


@dataclass(frozen=True)
class MarketRef:
    commodity: str
    element_group: str
    stage: str


def covers(control: ExportControlImposed, market: MarketRef) -> bool:
    if control.commodity != market.commodity or market.stage not in control.stages:
        return False
    if market.element_group in control.element_groups:
        return True
    elements = ELEMENT_GROUPS.get(market.element_group)
    return elements is not None and elements <= set(control.elements)


@dataclass
class PolicyBook:
    """Every policy event accepted, and the registers that decide what is in force when."""

    events: dict[str, PolicyEvent] = field(default_factory=dict)
    controls: dict[str, ExportControlImposed] = field(default_factory=dict)
    suspensions: dict[str, dict[str, ExportControlSuspended]] = field(default_factory=dict)
    liftings: dict[str, ExportControlLifted] = field(default_factory=dict)
    export_quotas: dict[tuple[str, str, str, str, int], QuotaSet] = field(default_factory=dict)

    def record(self, event: PolicyEvent) -> bool:
        """Keep the event; returns whether it changed what is in force."""
        self.events[event.event_id] = event
        match event:
            case ExportControlImposed():
                current = self.controls.get(event.control_id)
                if current is not None and current.ordering_key() > event.ordering_key():
                    return False
                self.controls[event.control_id] = event
                return True
            case ExportControlSuspended():
                self.suspensions.setdefault(event.control_id, {})[event.event_id] = event
                return True
            case ExportControlLifted():
                current_lift = self.liftings.get(event.control_id)
                if current_lift is not None and current_lift.ordering_key() > event.ordering_key():
                    return False
                self.liftings[event.control_id] = event
                return True
            case QuotaSet():
                if event.quota_kind != "export":
                    return False
                key = (
                    event.jurisdiction,
                    event.commodity,
                    event.element_group,
                    event.stage,
                    event.period,
                )
                current_quota = self.export_quotas.get(key)
                if (
                    current_quota is not None
                    and current_quota.ordering_key() > event.ordering_key()
                ):
                    return False
                self.export_quotas[key] = event
                return True
            case TariffImposed() | FundingAwarded() | PriceFloorSet():
                return False  # kept and queryable; they move no supply figure

    def in_force(self, control_id: str, on: date) -> bool:
        control = self.controls.get(control_id)
        if control is None or on < control.effective_from:
            return False
        if control.effective_until is not None and on > control.effective_until:
            return False
        lifted = self.liftings.get(control_id)
        if lifted is not None and on >= lifted.effective_from:
            return False
        return not any(
            s.effective_from <= on and (s.effective_until is None or on <= s.effective_until)
            for s in self.suspensions.get(control_id, {}).values()
        )

    def controls_in_force(self, jurisdiction: str, market: MarketRef, on: date) -> list[str]:
        return sorted(
            control_id
            for control_id, control in self.controls.items()
            if control.jurisdiction == jurisdiction
            and covers(control, market)
            and self.in_force(control_id, on)
        )

    def withheld_share(self, jurisdiction: str, market: MarketRef, on: date) -> Decimal:
        """d_c: the share of c's supply of the market withheld from the rest of the world."""
        available = Decimal(1)
        for control_id in self.controls_in_force(jurisdiction, market, on):
            available *= 1 - self.controls[control_id].withheld_share
        return 1 - available

    def export_quota(self, jurisdiction: str, market: MarketRef, period: int) -> Decimal | None:
        quota = self.export_quotas.get(
            (jurisdiction, market.commodity, market.element_group, market.stage, period)
        )
        return quota.tonnes if quota else None

    def boundaries(self) -> set[date]:
        """Every day on which something may come into or go out of force."""
        days: set[date] = set()
        for control in self.controls.values():
            days.add(control.effective_from)
            if control.effective_until is not None:
                days.add(control.effective_until)
        for suspensions in self.suspensions.values():
            for suspension in suspensions.values():
                days.add(suspension.effective_from)
                if suspension.effective_until is not None:
                    days.add(suspension.effective_until)
        days.update(lift.effective_from for lift in self.liftings.values())
        return days

    def control_of(self, event: PolicyEvent) -> ExportControlImposed | None:
        """The control a policy event is about, when it is about one."""
        match event:
            case ExportControlImposed():
                # the version in force for its id: asked before a re-imposition is recorded, the
                # one it replaces (whose markets it may stop covering), afterwards the new one
                return self.controls.get(event.control_id, event)
            case ExportControlSuspended() | ExportControlLifted():
                return self.controls.get(event.control_id)
            case _:
                return None


def available_to_rest_of_world(
    located: Mapping[str, Decimal],
    book: PolicyBook,
    market: MarketRef,
    *,
    period: int,
    on: date,
) -> dict[str, Decimal]:
    """Each country's supply of a market that the rest of the world can still obtain."""
    available: dict[str, Decimal] = {}
    for country, tonnes in located.items():
        remaining = tonnes * (1 - book.withheld_share(country, market, on))
        quota = book.export_quota(country, market, period)
        if quota is not None:
            remaining = min(remaining, quota)
        available[country] = remaining
    return available
