"""Small builders for events, so that each test states only what matters to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import settings

from monazite_core.events import (
    Consideration,
    EntityRegistered,
    OutputReported,
    Source,
    StakeChanged,
)
from monazite_core.market import Series

#: Property-test settings: quick, deterministic wall time, and no example database on disk.
PROPERTY = settings(max_examples=120, deadline=None, database=None)

SOURCE = Source(publisher="unit tests")
T0 = datetime(2024, 1, 1, tzinfo=UTC)
MINING_2024 = Series("rare_earths", "total_reo", "mining", 2024, "production")
SEPARATION_2024 = Series("rare_earths", "total_reo", "separation", 2024, "production")


def at(day: int) -> datetime:
    """A valid time `day` days after 2024-01-01 UTC."""
    return T0 + timedelta(days=day)


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
        consideration=(
            None
            if consideration is None
            else Consideration(amount=Decimal(consideration[0]), currency=consideration[1])
        ),
        **kw,
    )
