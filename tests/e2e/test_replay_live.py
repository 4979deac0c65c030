"""`monazite replay` against the running pipeline: the archive rebuilds exactly what is served."""

from __future__ import annotations

from monazite_infra.settings import Settings
from tests.e2e.conftest import run_cli
from tests.support.services import Pipeline


def test_replay_of_the_live_archive_equals_the_live_read_models(
    pipeline: Pipeline, settings: Settings
) -> None:
    result = run_cli(settings, "replay")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "replay equals the live state" in result.stdout
    assert "events/s" in result.stdout
    assert pipeline.get("/v1/status").json()["processor_ready"]
