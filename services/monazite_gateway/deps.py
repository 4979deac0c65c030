"""Typed dependencies: the read store and settings arrive through the app's state, never globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from monazite_gateway.market_state import MarketStateCache
from monazite_infra.postgres.read_store import ReadStore
from monazite_infra.settings import Settings


async def get_store(request: Request) -> ReadStore:
    store: ReadStore = request.app.state.store
    return store


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_market_state(request: Request) -> MarketStateCache:
    """The gateway's one fold of the archive, shared by scenarios and chains."""
    cache: MarketStateCache = request.app.state.market_state
    return cache


ReadStoreDep = Annotated[ReadStore, Depends(get_store)]
MarketStateDep = Annotated[MarketStateCache, Depends(get_market_state)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
