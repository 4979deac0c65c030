"""Typed dependencies: the read store and settings arrive through the app's state, never globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from monazite_infra.postgres.read_store import ReadStore
from monazite_infra.settings import Settings


async def get_store(request: Request) -> ReadStore:
    store: ReadStore = request.app.state.store
    return store


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ReadStoreDep = Annotated[ReadStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
