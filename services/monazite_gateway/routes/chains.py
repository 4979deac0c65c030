"""Whole-chain views: integration per controller, bloc shares per stage, dependency between blocs,
and the blocs themselves.

The live answer with the default blocs is the processor's own `chain_current` document, so it is
exactly what was published on `monazite.chains`. Anything else — other blocs, a period or
measure, a past time — is computed by the same pure core from the gateway's fold of the archive
(`as_of`/`known_at` fold it afresh, as for indices).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from monazite_core import chains
from monazite_core.chains import BLOC_NAME, DEFAULT_BLOCS, Bloc, UnknownCommodity
from monazite_core.events import ChainView, Dependency, Measure
from monazite_core.market import MarketState
from monazite_gateway.auth import WriteKey
from monazite_gateway.deps import MarketStateDep, ReadStoreDep, SettingsDep
from monazite_gateway.market_state import MarketStateCache, state_as_of
from monazite_gateway.problems import Problem, require_utc_offsets
from monazite_gateway.read_cache import cached_read
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.postgres.chain_store import ChainStore
from monazite_infra.postgres.read_store import ReadStore
from monazite_infra.settings import ConfigurationError, Settings

router = APIRouter(prefix="/v1", tags=["chains"])

CommodityPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
BlocPath = Annotated[str, Path(pattern=BLOC_NAME.pattern, max_length=64)]
PeriodQuery = Annotated[int | None, Query(ge=1900, le=2200)]
TimeQuery = Annotated[datetime | None, Query(description="RFC 3339 with offset")]
BlocNameQuery = Annotated[str, Query(pattern=BLOC_NAME.pattern, max_length=64)]

_view_adapter: pydantic.TypeAdapter[ChainView] = pydantic.TypeAdapter(ChainView)
_dependency_adapter: pydantic.TypeAdapter[Dependency] = pydantic.TypeAdapter(Dependency)


class BlocBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    countries: Annotated[list[str], Field(min_length=1, max_length=300)]


@router.get(
    "/blocs", summary="Every bloc: the defaults, MONAZITE_BLOCS and those stored via the API"
)
async def list_blocs(store: ReadStoreDep, settings: SettingsDep) -> OrjsonResponse:
    known = await _known_blocs(store, settings)
    blocs = [
        {
            "name": bloc.name,
            "label": bloc.label,
            "countries": sorted(bloc.countries),
            "origin": origin,
        }
        for origin, bloc in known.values()
    ]
    return OrjsonResponse({"blocs": blocs, "count": len(blocs), "next_cursor": None})


@router.put("/blocs/{name}", summary="Define or replace a bloc (write key)")
async def put_bloc(
    name: BlocPath, body: BlocBody, _key: WriteKey, store: ReadStoreDep, settings: SettingsDep
) -> OrjsonResponse:
    _refuse_fixed(name, settings)
    try:
        bloc = Bloc.of(name, body.label or name, body.countries)
    except chains.UnknownCountry as unknown:
        index = [c.strip().upper() for c in body.countries].index(unknown.code)
        raise Problem(
            422,
            "Invalid request",
            f"countries[{index}]: {unknown}",
            field=f"countries[{index}]",
        ) from None
    created = await ChainStore(store.pool).put_bloc(name, bloc.label, sorted(bloc.countries))
    return OrjsonResponse(
        {"name": name, "label": bloc.label, "countries": sorted(bloc.countries), "origin": "api"},
        status_code=201 if created else 200,
    )


@router.delete("/blocs/{name}", status_code=204, summary="Remove a bloc stored via the API")
async def delete_bloc(
    name: BlocPath, _key: WriteKey, store: ReadStoreDep, settings: SettingsDep
) -> Response:
    _refuse_fixed(name, settings)
    if not await ChainStore(store.pool).delete_bloc(name):
        raise Problem(404, "Not found", f"no bloc {name!r}", field="name")
    return Response(status_code=204)


@router.get(
    "/chains/{commodity}",
    summary="A commodity's chain: bloc shares per stage, integration per controller, dependency",
)
# Only the live view is kept: anything else folds the archive and may read blocs stored through
# another gateway.
@cached_read(only_with=())
async def get_chain(
    store: ReadStoreDep,
    market_state: MarketStateDep,
    settings: SettingsDep,
    commodity: CommodityPath,
    bloc: Annotated[list[BlocNameQuery] | None, Query()] = None,
    period: PeriodQuery = None,
    measure: Measure | None = None,
    as_of: TimeQuery = None,
    known_at: TimeQuery = None,
) -> OrjsonResponse:
    if bloc is None and period is None and measure is None and as_of is None and known_at is None:
        published = await ChainStore(store.pool).chain_current(commodity)
        if published is not None:
            return OrjsonResponse(_live(published))
    known = await _known_blocs(store, settings)
    selected = {name: _bloc(known, name, "bloc") for name in bloc} if bloc else DEFAULT_BLOCS
    state, times = await _state(market_state, store, as_of, known_at)
    try:
        view = chains.chain_view(
            state, commodity, selected, period=period, measure=measure, on=None
        )
        default = chains.dependency(
            state,
            commodity,
            on=chains.DEFAULT_ON,
            for_=chains.DEFAULT_FOR,
            period=period,
            measure=measure,
        )
    except UnknownCommodity:
        raise Problem(404, "Not found", f"no commodity {commodity!r}", field="commodity") from None
    document = _view_adapter.dump_python(view, mode="json", exclude_none=True)
    document["dependency"] = _dependency_adapter.dump_python(
        default, mode="json", exclude_none=True
    )
    return OrjsonResponse({**times, **document})


@router.get(
    "/chains/{commodity}/dependency",
    summary="How far bloc `for` gets along the chain without bloc `on`: the bounding stage",
)
@cached_read(only_with=())
async def get_dependency(
    store: ReadStoreDep,
    market_state: MarketStateDep,
    settings: SettingsDep,
    commodity: CommodityPath,
    on: BlocNameQuery = chains.DEFAULT_ON,
    for_: Annotated[
        str, Query(alias="for", pattern=BLOC_NAME.pattern, max_length=64)
    ] = chains.DEFAULT_FOR,
    period: PeriodQuery = None,
    measure: Measure | None = None,
    as_of: TimeQuery = None,
    known_at: TimeQuery = None,
) -> OrjsonResponse:
    known = await _known_blocs(store, settings)
    blocs = {"on": _bloc(known, on, "on"), "for": _bloc(known, for_, "for")}
    live = (on, for_) == (chains.DEFAULT_ON, chains.DEFAULT_FOR)
    if live and period is None and measure is None and as_of is None and known_at is None:
        published = await ChainStore(store.pool).chain_current(commodity)
        if published is not None and "dependency" in published["chain"]:
            return OrjsonResponse(_live_dependency(published))
    state, times = await _state(market_state, store, as_of, known_at)
    try:
        found = chains.dependency(
            state,
            commodity,
            on=on,
            for_=for_,
            blocs={bloc.name: bloc for bloc in blocs.values()},
            period=period,
            measure=measure,
        )
    except UnknownCommodity:
        raise Problem(404, "Not found", f"no commodity {commodity!r}", field="commodity") from None
    return OrjsonResponse(
        {**times, **_dependency_adapter.dump_python(found, mode="json", exclude_none=True)}
    )


# ---- helpers ------------------------------------------------------------------------------


def _live(published: dict[str, Any]) -> dict[str, Any]:
    return {
        "change_id": published["event_id"],
        "valid_from": published["occurred_at"],
        "updated_at": published.get("recorded_at"),
        "caused_by": published["caused_by"],
        **published["chain"],
    }


def _live_dependency(published: dict[str, Any]) -> dict[str, Any]:
    dependency: dict[str, Any] = published["chain"]["dependency"]
    return {
        "change_id": published["event_id"],
        "valid_from": published["occurred_at"],
        "updated_at": published.get("recorded_at"),
        **dependency,
    }


async def _known_blocs(store: ReadStore, settings: Settings) -> dict[str, tuple[str, Bloc]]:
    """Every bloc by name with where it comes from: default, configuration or api."""
    known: dict[str, tuple[str, Bloc]] = {n: ("default", b) for n, b in DEFAULT_BLOCS.items()}
    known.update({n: ("configuration", b) for n, b in _configured(settings).items()})
    for stored in await ChainStore(store.pool).blocs():
        if stored.name not in known:
            known[stored.name] = (
                "api",
                Bloc(stored.name, stored.label, frozenset(stored.countries)),
            )
    return known


def _configured(settings: Settings) -> dict[str, Bloc]:
    try:
        return settings.configured_blocs()
    except ConfigurationError as error:
        raise Problem(500, "Configuration error", str(error)) from None


def _bloc(known: dict[str, tuple[str, Bloc]], name: str, field: str) -> Bloc:
    try:
        return known[name][1]
    except KeyError:
        raise Problem(404, "Not found", f"{field}: no bloc {name!r}", field=field) from None


def _refuse_fixed(name: str, settings: Settings) -> None:
    if name in DEFAULT_BLOCS or name in _configured(settings):
        origin = "a default bloc" if name in DEFAULT_BLOCS else "set by MONAZITE_BLOCS"
        raise Problem(
            409, "Conflict", f"name: {name!r} is {origin}; choose another name", field="name"
        )


async def _state(
    cache: MarketStateCache, store: ReadStore, as_of: datetime | None, known_at: datetime | None
) -> tuple[MarketState, dict[str, Any]]:
    """The state to answer from: the cached fold of the archive, or the state valid at `as_of`
    as known at `known_at` (bitemporal, as for indices)."""
    require_utc_offsets(as_of=as_of, known_at=known_at)
    if as_of is None and known_at is None:
        return (await cache.current(store)).state, {}
    now = datetime.now(UTC)
    state = (await state_as_of(store, as_of or now, known_at)).state
    return state, {"as_of": as_of or now, "known_at": known_at or now}
