"""What-if scenarios: hypothetical events folded into a copy of the current market state.

Nothing is published or stored: the answer only describes what the indices, deal assessments,
alerts and rest-of-world supply would become.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from monazite_core.events import figures_document
from monazite_core.scenarios import (
    FieldError,
    HypotheticalEventInvalid,
    IndexEffect,
    RestOfWorldEffect,
    ScenarioResult,
    hypothetical_event,
    run_scenario,
)
from monazite_gateway.deps import MarketStateDep, ReadStoreDep, SettingsDep
from monazite_gateway.market_state import BaseState, state_as_of
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse

router = APIRouter(prefix="/v1", tags=["scenarios"])

MarketId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z]+$", max_length=200),
]


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(
        min_length=1,
        description="Hypothetical input events, applied in order. Each is validated like an"
        " ingested event; `event_id` (default `scenario-<index>`) and `recorded_at` (default"
        " now) may be left out.",
    )
    markets: list[MarketId] | None = Field(
        default=None, description="Report only these markets (default: every market moved)."
    )
    as_of: AwareDatetime | None = Field(
        default=None,
        description="Start from the state valid at this time instead of the current one.",
    )


@router.post(
    "/scenarios",
    summary="What if these events happened? Figures before and after, deal assessments,"
    " alerts and rest-of-world supply; nothing is published or stored",
)
async def run(
    body: ScenarioRequest,
    store: ReadStoreDep,
    market_state: MarketStateDep,
    settings: SettingsDep,
) -> OrjsonResponse:
    if len(body.events) > settings.scenario_max_events:
        raise Problem(
            422,
            "Invalid request",
            f"events: {len(body.events)} events, at most {settings.scenario_max_events} per"
            " scenario (MONAZITE_SCENARIO_MAX_EVENTS)",
            field="events",
        )
    now = datetime.now(UTC)
    errors: list[FieldError] = []
    events = []
    for index, document in enumerate(body.events):
        try:
            events.append(hypothetical_event(document, index=index, recorded_at=now))
        except HypotheticalEventInvalid as invalid:
            errors += invalid.errors
    if errors:
        raise _problem("Invalid request", errors)
    base = (
        await state_as_of(store, body.as_of)
        if body.as_of is not None
        else await market_state.current(store)
    )
    # Synchronous from here on: the cached state cannot be refreshed while it is being copied.
    result = run_scenario(
        base.state,
        events,
        screen_rules=settings.screen_rules(),
        alert_rules=settings.alert_rules(),
        recorded_at=now,
    )
    if result.rejected:
        raise _problem(
            "Scenario rejected",
            [FieldError(f"events[{r.index}].{r.field}", r.reason) for r in result.rejected],
        )
    markets = body.markets if body.markets is not None else result.market_ids()
    if body.markets is not None:
        known = {s.market_id for s in base.state.series()} | set(result.market_ids())
        for index, market_id in enumerate(body.markets):
            if market_id not in known:
                raise Problem(
                    422,
                    "Invalid request",
                    f"markets[{index}]: no market {market_id!r}, before or after the scenario",
                    field=f"markets[{index}]",
                )
        result = result.restricted_to(body.markets)
    return OrjsonResponse(_document(result, list(dict.fromkeys(markets)), base))


def _problem(title: str, errors: list[FieldError]) -> Problem:
    first = errors[0]
    return Problem(
        422,
        title,
        f"{first.field}: {first.message}",
        field=first.field,
        errors=[{"field": e.field, "in": "body", "message": e.message} for e in errors],
    )


def _document(result: ScenarioResult, markets: list[str], base: BaseState) -> dict[str, Any]:
    return {
        "base": {
            "archive_seq": base.archive_seq,
            "events_folded": base.events_folded,
            "valid_time": base.state.valid_time,
            "as_of": base.as_of,
        },
        "events": [
            {
                "index": applied.index,
                "event_id": applied.event_id,
                "type": applied.type,
                "touched": [
                    {"market_id": s.market_id, "period": s.period, "measure": s.measure}
                    for s in applied.touched
                ],
            }
            for applied in result.applied
        ],
        "markets": [
            {
                "market_id": market_id,
                "summary": result.summary(market_id),
                "indices": [_effect(e) for e in result.effects if e.series.market_id == market_id],
                "rest_of_world": [
                    _rest_of_world(r)
                    for r in result.rest_of_world
                    if r.series.market_id == market_id
                ],
            }
            for market_id in markets
        ],
        "deals": [deal.model_dump(mode="json") for deal in result.deals],
        "alerts": [alert.model_dump(mode="json") for alert in result.alerts],
    }


def _effect(effect: IndexEffect) -> dict[str, Any]:
    return {
        "basis": effect.basis,
        "period": effect.series.period,
        "measure": effect.series.measure,
        "before": figures_document(effect.before) if effect.before is not None else None,
        "after": figures_document(effect.after),
        "delta": effect.deltas(),
        "caused_by": list(effect.caused_by),
    }


def _rest_of_world(effect: RestOfWorldEffect) -> dict[str, Any]:
    return {
        "period": effect.series.period,
        "measure": effect.series.measure,
        "available_before": effect.available_before,
        "available_after": effect.available_after,
        "change": effect.change_tonnes,
        "change_pct": effect.change_pct,
        "withheld_before": effect.withheld_before,
        "withheld_after": effect.withheld_after,
        "countries": [
            {"country": c.country, "before": c.before_tonnes, "after": c.after_tonnes}
            for c in effect.countries
        ],
        "caused_by": list(effect.caused_by),
    }
