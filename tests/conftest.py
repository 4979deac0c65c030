"""Shared fixtures: one real broker and one real PostgreSQL per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from monazite_infra.settings import Settings
from monazite_infra.stack import DataLayer, start_data_layer


@pytest.fixture(scope="session")
def data_layer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataLayer]:
    """The embedded Tansu broker and PostgreSQL, or the external ones the environment names."""
    home = tmp_path_factory.mktemp("monazite-home")
    settings = Settings(
        MONAZITE_HOME=home,
        KAFKA_BOOTSTRAP=os.environ.get("KAFKA_BOOTSTRAP"),
        DATABASE_URL=os.environ.get("DATABASE_URL"),
    )
    layer = start_data_layer(settings)
    try:
        yield layer
    finally:
        layer.stop()


@pytest.fixture(scope="session")
def settings(data_layer: DataLayer) -> Settings:
    return data_layer.settings


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


# CI runs the property tests derandomized: a failure there is reproducible, never a fluke.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
