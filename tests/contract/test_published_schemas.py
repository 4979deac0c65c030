"""Published event schemas never change under a published version, and breaking changes are caught.

`contracts/schemas/<type>.v<version>.json` is what subscribers and producers were promised. A model
change that alters the schema of its current `schema_version` fails here: publish it as a new
version instead (and keep the old snapshot).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field

from monazite_core.events import (
    AlertRaised,
    Consideration,
    Event,
    Identifier,
    IndexChanged,
    QuotaSet,
    StakeChanged,
)
from monazite_infra.contracts import (
    EventContract,
    SnapshotConflict,
    contract_for,
    event_contracts,
    event_schema,
    snapshot_text,
    write_snapshots,
)
from monazite_infra.schema_compatibility import Reader, breaking_changes

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO_ROOT / "contracts" / "schemas"
PUBLISH_TOOL = REPO_ROOT / "tools" / "publish_schemas.py"
SNAPSHOT_NAME = re.compile(r"^(?P<type>[a-z_]+)\.v(?P<version>[1-9][0-9]*)\.json$")


def committed_snapshot(contract: EventContract) -> dict[str, Any]:
    path = SNAPSHOTS / contract.snapshot_name
    assert path.exists(), (
        f"{contract.event_type} v{contract.schema_version} has no published snapshot: run"
        " `.venv/bin/python tools/publish_schemas.py` and commit contracts/schemas/"
    )
    snapshot: dict[str, Any] = json.loads(path.read_text())
    return snapshot


def assert_matches_snapshot(contract: EventContract) -> None:
    """The schema generated now is the one published for its version, or the test says why not
    and what to do."""
    published = committed_snapshot(contract)
    generated = event_schema(contract)
    if generated == published:
        return
    problems = breaking_changes(published, generated, reader=contract.direction)
    verdict = (
        "breaking: " + "; ".join(problems)
        if problems
        else "backward compatible, but a published version never changes"
    )
    raise AssertionError(
        f"the {contract.event_type} schema differs from its published snapshot"
        f" {contract.snapshot_name} ({verdict}). Bump schema_version for {contract.event_type}"
        " in libs/monazite_core/upcasting.py (CURRENT_VERSIONS, plus an upcaster from the old"
        " version for an input event), then run `.venv/bin/python tools/publish_schemas.py`"
        " and commit the new snapshot; never edit a published one."
    )


def modified(event_type: str, model: type[Event]) -> EventContract:
    """The contract of `event_type` as if its model were `model`."""
    contract = contract_for(event_type)
    assert contract is not None
    return EventContract(event_type, model, contract.direction, contract.topic)


def problems_against_snapshot(contract: EventContract) -> list[str]:
    reader: Reader = contract.direction
    return breaking_changes(committed_snapshot(contract), event_schema(contract), reader=reader)


@pytest.mark.parametrize("contract", event_contracts(), ids=lambda c: c.event_type)
def test_generated_schema_equals_the_published_snapshot_of_its_version(
    contract: EventContract,
) -> None:
    assert_matches_snapshot(contract)


def test_every_committed_snapshot_names_a_known_type_at_or_below_its_current_version() -> None:
    current = {c.event_type: c.schema_version for c in event_contracts()}
    files = sorted(p.name for p in SNAPSHOTS.iterdir())
    assert files, "no committed snapshot"
    for name in files:
        match = SNAPSHOT_NAME.match(name)
        assert match, f"{name}: not named <type>.v<schema_version>.json"
        event_type, version = match["type"], int(match["version"])
        assert event_type in current, f"{name}: no event type {event_type!r} any more"
        assert version <= current[event_type], (
            f"{name}: version {version} is above {event_type}'s current {current[event_type]}"
        )
        schema = json.loads((SNAPSHOTS / name).read_text())
        assert schema["x-schema-version"] == version
        assert schema["$id"].endswith(f"/{name}")


def test_publishing_again_refuses_to_rewrite_a_changed_snapshot(tmp_path: Path) -> None:
    written = write_snapshots(tmp_path)
    assert sorted(written) == sorted(c.snapshot_name for c in event_contracts())
    assert write_snapshots(tmp_path) == []
    tampered = tmp_path / "stake_changed.v1.json"
    schema = json.loads(tampered.read_text())
    schema["properties"].pop("consideration")
    tampered.write_text(snapshot_text(schema))
    removed = next(c.snapshot_name for c in event_contracts() if c.event_type == "alert_raised")
    (tmp_path / removed).unlink()

    with pytest.raises(SnapshotConflict, match=r"stake_changed\.v1\.json.*bump"):
        write_snapshots(tmp_path)

    assert json.loads(tampered.read_text()) == schema
    assert not (tmp_path / removed).exists(), "nothing written on a conflict"


def test_publish_tool_writes_new_versions_and_exits_1_with_advice_on_a_changed_one(
    tmp_path: Path,
) -> None:
    def publish() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(PUBLISH_TOOL), "--directory", str(tmp_path)]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    first = publish()
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout
    assert (tmp_path / "price_floor_set.v2.json").exists()
    changed = tmp_path / "deal_assessed.v1.json"
    changed.write_text(snapshot_text({**json.loads(changed.read_text()), "title": "Renamed"}))

    refused = publish()

    assert refused.returncode == 1
    assert "deal_assessed.v1.json" in refused.stderr
    assert "bump" in refused.stderr


# --- the checker proves the snapshot test fails on breaking changes ------------------------------


class StakeChangedWithNote(StakeChanged):
    note: str | None = None


class StakeChangedWithRequiredDealValue(StakeChanged):
    deal_value: Consideration


class StakeChangedWithHalfStakes(StakeChanged):
    pct_after: Annotated[Decimal, Field(ge=0, le=50)] | None = None


class QuotaSetInWholeTonnes(QuotaSet):
    tonnes: Annotated[int, Field(ge=0)]  # type: ignore[assignment]


class AssetTransferredWithoutSeller(Event):
    """AssetTransferred with `from_entity_id` dropped."""

    type: Literal["asset_transferred"] = "asset_transferred"
    facility_id: Identifier
    to_entity_id: Identifier
    consideration: Consideration | None = None


class IndexChangedMaybeUncaused(IndexChanged):
    caused_by: tuple[str, ...] | None = None  # type: ignore[assignment]


class AlertRaisedWithNewKind(AlertRaised):
    kind: Literal[  # type: ignore[assignment]
        "hhi_threshold_crossed",
        "top_country_share_crossed",
        "deal_screen_triggered",
        "rest_of_world_supply_cut",
        "price_floor_breached",
    ]


class AlertRaisedGoingSideways(AlertRaised):
    direction: Literal["up", "down", "sideways"] | None  # type: ignore[assignment]


class AlertRaisedWithAcknowledgement(AlertRaised):
    acknowledged_on: date | None = None


def test_a_new_optional_input_field_is_compatible_but_still_needs_a_new_version() -> None:
    contract = modified("stake_changed", StakeChangedWithNote)

    assert problems_against_snapshot(contract) == []
    with pytest.raises(AssertionError, match=r"backward compatible.*Bump schema_version"):
        assert_matches_snapshot(contract)


def test_a_new_required_input_field_is_breaking() -> None:
    contract = modified("stake_changed", StakeChangedWithRequiredDealValue)

    assert problems_against_snapshot(contract) == ["deal_value: new required field"]
    with pytest.raises(AssertionError, match="breaking: deal_value: new required field"):
        assert_matches_snapshot(contract)


def test_removing_an_input_field_is_breaking() -> None:
    contract = modified("asset_transferred", AssetTransferredWithoutSeller)

    assert "from_entity_id: removed" in problems_against_snapshot(contract)


def test_narrowing_an_input_bound_is_breaking() -> None:
    contract = modified("stake_changed", StakeChangedWithHalfStakes)

    assert problems_against_snapshot(contract) == ["pct_after: maximum lowered to 50.0"]


def test_narrowing_an_input_type_is_breaking() -> None:
    contract = modified("quota_set", QuotaSetInWholeTonnes)

    assert problems_against_snapshot(contract) == ["tonnes: no longer accepts number, string"]


def test_an_output_field_no_longer_always_present_is_breaking() -> None:
    contract = modified("index_changed", IndexChangedMaybeUncaused)

    assert problems_against_snapshot(contract) == [
        "caused_by: no longer always present",
        "caused_by: may now be null",
    ]


def test_a_new_output_enum_value_is_breaking() -> None:
    contract = modified("alert_raised", AlertRaisedWithNewKind)

    assert problems_against_snapshot(contract) == ["kind: may now be price_floor_breached"]


def test_a_new_value_of_an_optional_output_enum_is_breaking() -> None:
    contract = modified("alert_raised", AlertRaisedGoingSideways)

    assert problems_against_snapshot(contract) == ["direction: may now be sideways"]


def test_a_new_optional_output_field_is_compatible() -> None:
    contract = modified("alert_raised", AlertRaisedWithAcknowledgement)

    assert problems_against_snapshot(contract) == []


def test_the_unchanged_models_have_no_breaking_change_against_their_snapshots() -> None:
    for contract in event_contracts():
        assert problems_against_snapshot(contract) == [], contract.event_type
