"""Deal assessment: what an ownership-changing event did to each market it touches, and why.

Screens (applied per market, year and measure):
- `us_2023_hhi`: post-deal HHI > 1 800 and ΔHHI > 100 (2023 US Merger Guidelines, Guideline 1),
  on the company bases;
- `us_2023_share`: combined share > 30 % and ΔHHI > 100 (the share-based presumption), on the
  company bases;
- `eu_crma_single_third_country`: one country outside the EU above 65 % of supply at a stage
  (EU Critical Raw Materials Act benchmark), on the country-of-control basis.
Thresholds come from `ScreenRules`, so they can be configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from monazite_core.countries import EU_MEMBERS
from monazite_core.events import (
    AssetTransferred,
    Basis,
    DealAssessed,
    Figures,
    JointVentureFormed,
    MarketAssessment,
    MergerCompleted,
    OwnershipEvent,
    Screen,
    Source,
    StakeChanged,
)
from monazite_core.market import MarketState, Series, figures

#: Bases an ownership change can move (location-based ones cannot).
OWNERSHIP_BASES: tuple[Basis, ...] = ("company_control", "company_equity", "country_control")
_COMPANY_BASES = ("company_control", "company_equity")


@dataclass(frozen=True)
class ScreenRules:
    us_post_hhi: float = 1800.0
    us_delta_hhi: float = 100.0
    us_combined_share_pct: float = 30.0
    eu_single_country_pct: float = 65.0


@dataclass(frozen=True)
class DealParties:
    """Who buys, and whose control the deal is about."""

    acquirer_id: str | None
    subject_id: str | None


def parties(event: OwnershipEvent) -> DealParties:
    match event:
        case StakeChanged():
            return DealParties(event.holder_id, event.target_id)
        case MergerCompleted():
            return DealParties(event.survivor_id, event.absorbed_id)
        case AssetTransferred():
            return DealParties(event.to_entity_id, event.from_entity_id)
        case JointVentureFormed():
            lead = (
                event.controlling_partner_id
                or max(event.partners, key=lambda p: (p.pct or 0, p.entity_id)).entity_id
            )
            return DealParties(lead, event.venture_id)


def controller_of_subject(state: MarketState, event: OwnershipEvent) -> str | None:
    """The ultimate controller of what the deal is about, in the state as it stands."""
    if isinstance(event, AssetTransferred):
        owner = state.ownership.facility_owner(
            event.facility_id, event.from_entity_id or event.to_entity_id
        )
        return state.ownership.ultimate_controller(owner)
    subject = parties(event).subject_id
    return state.ownership.ultimate_controller(subject) if subject else None


def assess_deal(
    state: MarketState,
    event: OwnershipEvent,
    before: Mapping[Series, Mapping[Basis, Figures]],
    controller_before: str | None,
    *,
    recorded_at: datetime,
    publisher: str,
    rules: ScreenRules | None = None,
) -> DealAssessed:
    """Assess an ownership event already folded into `state`, given the figures before it."""
    rules = rules or ScreenRules()
    who = parties(event)
    controller_after = controller_of_subject(state, event)
    control_changed = controller_before != controller_after
    acquirer_group = (
        state.ownership.ultimate_controller(who.acquirer_id) if who.acquirer_id else None
    )
    markets: list[MarketAssessment] = []
    for series in sorted(before):
        after = figures(state, series, ownership_only=True)
        for basis in OWNERSHIP_BASES:
            pre, post = before[series].get(basis), after.get(basis)
            if pre is None and post is None:
                continue
            markets.append(
                _assess_market(
                    state, series, basis, pre, post, acquirer_group, control_changed, rules
                )
            )
    triggered = tuple(
        sorted({f"{m.market_id}:{s.name}" for m in markets for s in m.screens if s.triggered})
    )
    return DealAssessed(
        event_id=f"deal_assessed:{event.event_id}",
        occurred_at=event.occurred_at,
        recorded_at=recorded_at,
        source=Source(publisher=publisher),
        causation_id=event.event_id,
        correlation_id=event.correlation_id,
        deal_event_id=event.event_id,
        deal_type=event.type,
        acquirer_id=who.acquirer_id,
        subject_id=who.subject_id,
        controller_before=controller_before,
        controller_after=controller_after,
        control_changed=control_changed,
        markets=tuple(markets),
        screens_triggered=triggered,
        summary=_summary(state, event, who, controller_before, controller_after, markets),
    )


def _assess_market(
    state: MarketState,
    series: Series,
    basis: Basis,
    pre: Figures | None,
    post: Figures | None,
    acquirer_group: str | None,
    control_changed: bool,
    rules: ScreenRules,
) -> MarketAssessment:
    hhi_before = pre.hhi if pre else None
    hhi_after = post.hhi if post else None
    delta = round((hhi_after or 0.0) - (hhi_before or 0.0), 4)
    combined = _share_of(post, _acquirer_supplier(state, basis, acquirer_group))
    screens: list[Screen] = []
    if basis in _COMPANY_BASES:
        screens.append(
            Screen(
                name="us_2023_hhi",
                triggered=(hhi_after or 0.0) > rules.us_post_hhi and delta > rules.us_delta_hhi,
                rule=f"post-deal HHI > {rules.us_post_hhi:g} and ΔHHI > {rules.us_delta_hhi:g}",
            )
        )
        screens.append(
            Screen(
                name="us_2023_share",
                triggered=(combined or 0.0) > rules.us_combined_share_pct
                and delta > rules.us_delta_hhi,
                rule=f"combined share > {rules.us_combined_share_pct:g} % and ΔHHI >"
                f" {rules.us_delta_hhi:g}",
            )
        )
    else:
        top = post.top_suppliers[0] if post and post.top_suppliers else None
        screens.append(
            Screen(
                name="eu_crma_single_third_country",
                triggered=top is not None
                and top.supplier_id not in EU_MEMBERS
                and top.share_pct > rules.eu_single_country_pct,
                rule=f"one non-EU country above {rules.eu_single_country_pct:g} % at a stage",
            )
        )
    return MarketAssessment(
        market_id=series.market_id,
        period=series.period,
        measure=series.measure,
        basis=basis,
        hhi_before=hhi_before,
        hhi_after=hhi_after,
        delta_hhi=delta,
        combined_share=combined,
        control_changed=control_changed and basis != "company_equity",
        screens=tuple(screens),
        summary=_market_words(series, basis, hhi_before, hhi_after, delta, screens),
    )


def _acquirer_supplier(state: MarketState, basis: Basis, group: str | None) -> str | None:
    if group is None:
        return None
    if basis == "country_control":
        return state.home_country(group)
    return group


def _share_of(post: Figures | None, supplier: str | None) -> float | None:
    if post is None or supplier is None:
        return None
    for share in post.top_suppliers:
        if share.supplier_id == supplier:
            return share.share_pct
    if post.total_tonnes == 0:
        return None
    return 0.0 if len(post.top_suppliers) >= post.supplier_count else None


def _market_words(
    series: Series,
    basis: Basis,
    before: float | None,
    after: float | None,
    delta: float,
    screens: list[Screen],
) -> str:
    where = f"{series.market_id} {series.period} ({series.measure}), {basis}"
    if before is None:
        moved = f"first figures: HHI {after:,.0f}"
    elif abs(delta) < 0.01:
        moved = f"HHI unchanged at {after or 0:,.0f}"
    else:
        verb = "rises" if delta > 0 else "falls"
        moved = f"HHI {verb} by {abs(delta):,.0f} to {after or 0:,.0f}"
    failed = [s.name for s in screens if s.triggered]
    return f"{where}: {moved}" + (f"; triggers {', '.join(failed)}" if failed else "")


def _summary(
    state: MarketState,
    event: OwnershipEvent,
    who: DealParties,
    controller_before: str | None,
    controller_after: str | None,
    markets: list[MarketAssessment],
) -> str:
    name = state.entity_name
    acquirer = name(who.acquirer_id) if who.acquirer_id else "the buyer"
    subject = name(who.subject_id) if who.subject_id else "the asset"
    if controller_before == controller_after:
        if controller_after == who.acquirer_id or (
            who.acquirer_id is not None
            and controller_after == state.ownership.ultimate_controller(who.acquirer_id)
        ):
            control = f"{acquirer} already controlled {subject}, so control did not change"
        else:
            control = (
                f"control of {subject} stays with {name(controller_after)}"
                if controller_after
                else f"control of {subject} did not change"
            )
    else:
        was = name(controller_before) if controller_before else "nobody"
        control = f"control of {subject} passes from {was} to {name(controller_after or '?')}"
    if not markets:
        return f"{control}; no market with reported output is affected."
    moved = [m for m in markets if abs(m.delta_hhi) >= 0.01]
    still = sorted({m.basis for m in markets} - {m.basis for m in moved})
    parts = [control]
    if still:
        parts.append(f"{' and '.join(still)} concentration unchanged")
    for m in moved:
        parts.append(m.summary)
    if (
        isinstance(event, StakeChanged)
        and event.pct_after is None
        and not any(m.basis == "company_equity" for m in moved)
    ):
        parts.append("the stake percentage is undisclosed, so the equity basis cannot move")
    return "; ".join(parts) + "."
