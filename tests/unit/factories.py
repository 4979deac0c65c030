"""Small builders for events, so that each test states only what matters to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import settings

from monazite_core.events import (
    AssetTransferred,
    Consideration,
    ElementSymbol,
    EntityRegistered,
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    Figures,
    FundingAwarded,
    IndexChanged,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    OutputReported,
    PriceFloorSet,
    QuotaSet,
    Restriction,
    Source,
    Stage,
    StakeChanged,
    TariffImposed,
    VenturePartner,
)
from monazite_core.market import (
    Accepted,
    IndexKey,
    MarketState,
    Series,
    decide,
    index_changes,
)

#: Property-test settings: quick, deterministic wall time, and no example database on disk.
PROPERTY = settings(max_examples=120, deadline=None, database=None)

SOURCE = Source(publisher="unit tests")
RECORDED = datetime(2025, 6, 1, tzinfo=UTC)
T0 = datetime(2024, 1, 1, tzinfo=UTC)
MINING_2024 = Series("rare_earths", "total_reo", "mining", 2024, "production")
SEPARATION_2024 = Series("rare_earths", "total_reo", "separation", 2024, "production")
DY_TB_SEPARATION_2024 = Series("rare_earths", "dy_tb", "separation", 2024, "production")


def at(day: int) -> datetime:
    """A valid time `day` days after 2024-01-01 UTC."""
    return T0 + timedelta(days=day)


def on(day: int) -> date:
    """The calendar day `day` days after 2024-01-01 (for effective dates)."""
    return at(day).date()


def entity(
    entity_id: str, country: str = "CN", *, day: int = 0, name: str | None = None, **kw: Any
) -> EntityRegistered:
    return EntityRegistered(
        event_id=kw.pop("event_id", f"entity:{entity_id}:{day}:{country}"),
        occurred_at=at(day),
        source=SOURCE,
        entity_id=entity_id,
        name=name or entity_id,
        country=country,
        kind=kw.pop("kind", "company"),
        **kw,
    )


def output(
    tonnes: int | str | Decimal,
    *,
    entity_id: str | None = None,
    country: str | None = None,
    series: Series = MINING_2024,
    day: int = 0,
    event_id: str | None = None,
    **kw: Any,
) -> OutputReported:
    supplier = entity_id or country
    return OutputReported(
        event_id=event_id or f"output:{supplier}:{series.stage}:{series.period}:{day}:{tonnes}",
        occurred_at=at(day),
        source=SOURCE,
        entity_id=entity_id,
        country=country,
        commodity=series.commodity,
        element_group=series.element_group,
        stage=series.stage,
        period=series.period,
        measure=series.measure,
        tonnes=Decimal(tonnes),
        **kw,
    )


def stake(
    holder_id: str,
    target_id: str,
    pct_after: int | str | Decimal | None = None,
    *,
    controlling: bool | None = None,
    day: int = 0,
    event_id: str | None = None,
    consideration: tuple[int | str, str] | None = None,
    **kw: Any,
) -> StakeChanged:
    return StakeChanged(
        event_id=event_id or f"stake:{holder_id}:{target_id}:{day}:{pct_after}:{controlling}",
        occurred_at=at(day),
        source=SOURCE,
        holder_id=holder_id,
        target_id=target_id,
        pct_after=None if pct_after is None else Decimal(pct_after),
        controlling=controlling,
        consideration=_money(consideration),
        **kw,
    )


def _money(consideration: tuple[int | str, str] | None) -> Consideration | None:
    if consideration is None:
        return None
    return Consideration(amount=Decimal(consideration[0]), currency=consideration[1])


def merger(
    survivor_id: str,
    absorbed_id: str,
    *,
    day: int = 0,
    event_id: str | None = None,
    **kw: Any,
) -> MergerCompleted:
    return MergerCompleted(
        event_id=event_id or f"merger:{survivor_id}:{absorbed_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        survivor_id=survivor_id,
        absorbed_id=absorbed_id,
        **kw,
    )


def transfer(
    facility_id: str,
    to_entity_id: str,
    *,
    from_entity_id: str | None = None,
    day: int = 0,
    event_id: str | None = None,
    **kw: Any,
) -> AssetTransferred:
    return AssetTransferred(
        event_id=event_id or f"transfer:{facility_id}:{to_entity_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        facility_id=facility_id,
        from_entity_id=from_entity_id,
        to_entity_id=to_entity_id,
        **kw,
    )


def venture(
    venture_id: str,
    partners: Mapping[str, int | str | Decimal | None],
    *,
    controlling_partner_id: str | None = None,
    day: int = 0,
    event_id: str | None = None,
    **kw: Any,
) -> JointVentureFormed:
    return JointVentureFormed(
        event_id=event_id or f"venture:{venture_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        venture_id=venture_id,
        partners=tuple(
            VenturePartner(entity_id=partner, pct=None if pct is None else Decimal(pct))
            for partner, pct in partners.items()
        ),
        controlling_partner_id=controlling_partner_id,
        **kw,
    )


def export_control(
    control_id: str,
    jurisdiction: str = "CN",
    *,
    elements: tuple[ElementSymbol, ...] = (),
    element_groups: tuple[str, ...] = (),
    stages: tuple[Stage, ...] = ("separation",),
    restriction: Restriction = "licence",
    severity: str | Decimal | None = None,
    effective_from: int = 0,
    effective_until: int | None = None,
    day: int = 0,
    event_id: str | None = None,
    **kw: Any,
) -> ExportControlImposed:
    """An export control; `effective_from`/`effective_until` are day numbers (see `on`)."""
    return ExportControlImposed(
        event_id=event_id or f"control:{control_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        control_id=control_id,
        jurisdiction=jurisdiction,
        elements=elements,
        element_groups=element_groups,
        stages=stages,
        restriction=restriction,
        severity=None if severity is None else Decimal(severity),
        effective_from=on(effective_from),
        effective_until=None if effective_until is None else on(effective_until),
        **kw,
    )


def suspension(
    control_id: str,
    effective_from: int,
    effective_until: int | None = None,
    *,
    day: int = 0,
    event_id: str | None = None,
) -> ExportControlSuspended:
    return ExportControlSuspended(
        event_id=event_id or f"suspension:{control_id}:{effective_from}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        control_id=control_id,
        effective_from=on(effective_from),
        effective_until=None if effective_until is None else on(effective_until),
    )


def lifting(
    control_id: str, effective_from: int, *, day: int = 0, event_id: str | None = None
) -> ExportControlLifted:
    return ExportControlLifted(
        event_id=event_id or f"lifting:{control_id}:{effective_from}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        control_id=control_id,
        effective_from=on(effective_from),
    )


def quota(
    tonnes: int | str | Decimal,
    jurisdiction: str = "CN",
    *,
    series: Series = MINING_2024,
    quota_kind: str = "production",
    entity_id: str | None = None,
    day: int = 0,
    event_id: str | None = None,
) -> QuotaSet:
    return QuotaSet.model_validate(
        {
            "event_id": event_id or f"quota:{quota_kind}:{jurisdiction}:{series.stage}:{day}",
            "occurred_at": at(day),
            "source": SOURCE,
            "jurisdiction": jurisdiction,
            "entity_id": entity_id,
            "quota_kind": quota_kind,
            "commodity": series.commodity,
            "element_group": series.element_group,
            "stage": series.stage,
            "tonnes": Decimal(tonnes),
            "period": series.period,
        }
    )


def tariff(
    jurisdiction: str = "US",
    *,
    on_origin: str | None = "CN",
    rate_pct: int | str = 25,
    effective_from: int = 0,
    day: int = 0,
    event_id: str | None = None,
) -> TariffImposed:
    return TariffImposed(
        event_id=event_id or f"tariff:{jurisdiction}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        jurisdiction=jurisdiction,
        on_origin=on_origin,
        rate_pct=Decimal(rate_pct),
        effective_from=on(effective_from),
    )


def funding(
    funder_id: str,
    recipient_id: str,
    *,
    amount: tuple[int | str, str] = ("400000000", "USD"),
    day: int = 0,
    event_id: str | None = None,
) -> FundingAwarded:
    money = _money(amount)
    assert money is not None
    return FundingAwarded(
        event_id=event_id or f"funding:{funder_id}:{recipient_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        funder_id=funder_id,
        recipient_id=recipient_id,
        instrument="equity",
        amount=money,
    )


def price_floor(
    beneficiary_id: str | None,
    *,
    element_group: str = "ndpr",
    price: tuple[int | str, str] = (110, "USD"),
    effective_from: int = 0,
    day: int = 0,
    event_id: str | None = None,
) -> PriceFloorSet:
    money = _money(price)
    assert money is not None
    return PriceFloorSet(
        event_id=event_id or f"price_floor:{beneficiary_id}:{day}",
        occurred_at=at(day),
        source=SOURCE,
        jurisdiction="US",
        beneficiary_id=beneficiary_id,
        element_group=element_group,
        price_per_kg=money,
        effective_from=on(effective_from),
    )


def referenced_entities(event: InputEvent) -> list[str]:
    """Every entity id an event names and that `decide` requires to be registered first."""
    match event:
        case OutputReported() | QuotaSet():
            return [event.entity_id] if event.entity_id is not None else []
        case StakeChanged():
            return [event.holder_id, event.target_id]
        case MergerCompleted():
            return [event.survivor_id, event.absorbed_id]
        case AssetTransferred():
            return [event.to_entity_id] + (
                [event.from_entity_id] if event.from_entity_id is not None else []
            )
        case JointVentureFormed():
            return [p.entity_id for p in event.partners]
        case FundingAwarded():
            return [event.funder_id, event.recipient_id]
        case PriceFloorSet():
            return [event.beneficiary_id] if event.beneficiary_id is not None else []
        case _:
            return []


def registered(events: Iterable[InputEvent], country: str = "CN") -> list[InputEvent]:
    """The events, preceded by a registration (in `country`, on day 0) of every entity they
    reference that none of them registers."""
    events = list(events)
    explicit = {e.entity_id for e in events if isinstance(e, EntityRegistered)}
    missing = dict.fromkeys(i for e in events for i in referenced_entities(e) if i not in explicit)
    return [*(entity(i, country) for i in missing), *events]


def fold(events: Iterable[InputEvent], state: MarketState | None = None) -> MarketState:
    """Decide every event in turn, insisting that each is accepted."""
    state = state if state is not None else MarketState()
    for event in events:
        decision = decide(state, event)
        assert isinstance(decision, Accepted), decision
    return state


def publish(
    state: MarketState, events: Iterable[InputEvent], current: dict[IndexKey, Figures]
) -> list[IndexChanged]:
    """Fold events one by one as the processor does, publishing index changes after each."""
    changes: list[IndexChanged] = []
    for event in events:
        decision = decide(state, event)
        assert isinstance(decision, Accepted), decision
        changes += index_changes(
            state,
            {s: [event] for s in decision.touched},
            current,
            recorded_at=RECORDED,
            publisher="monazite",
        )
    return changes
