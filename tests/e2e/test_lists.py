"""Every list pages with a cursor (no item skipped or repeated) and filters on the real data."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from monazite_infra.settings import Settings
from tests.e2e.conftest import country_output, publish_events
from tests.support.services import Pipeline

MINING = "rare_earths.total_reo.mining"


@pytest.fixture(scope="module")
def alerts_raised(
    pipeline: Pipeline, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A market whose concentration falls through the HHI levels, raising several alerts."""
    commodity = f"listtest{uuid.uuid4().hex[:8]}"
    directory: Path = tmp_path_factory.mktemp("alerts")
    market = f"{commodity}.total_reo.mining"
    publish_events(settings, directory, [country_output(commodity, "CN", 100)])
    pipeline.wait_for("the first figure", lambda: pipeline.get(f"/v1/indices/{market}").json())
    publish_events(
        settings,
        directory,
        [country_output(commodity, c, 100) for c in ("AU", "US", "CA", "BR", "IN")],
    )
    pipeline.wait_for(
        "alerts", lambda: len(pipeline.get("/v1/alerts", market_id=market).json()["alerts"]) > 4
    )
    return market


def _walk(pipeline: Pipeline, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page by page, checking the Link header on the way."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1000):
        answer = pipeline.get(path, **params, **({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        document = answer.json()
        items += document[key]
        assert document["count"] == len(document[key])
        cursor = document["next_cursor"]
        if cursor is None:
            assert "link" not in answer.headers
            return items
        assert f"cursor={cursor}" in answer.headers["link"]
        assert answer.headers["link"].endswith('rel="next"')
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize(
    ("path", "key", "identity", "page_size"),
    [
        ("/v1/markets", "markets", ("market_id",), 3),
        ("/v1/indices", "indices", ("market_id", "basis", "period", "measure"), 17),
        ("/v1/deals", "deals", ("deal_event_id",), 2),
        ("/v1/alerts", "alerts", ("seq",), 2),
        ("/v1/policies", "policies", ("event_id",), 3),
        ("/v1/entities", "entities", ("entity_id",), 5),
        (f"/v1/indices/{MINING}/history", "history", ("seq",), 4),
    ],
)
def test_paging_through_a_list_yields_the_whole_list_once_in_order(
    pipeline: Pipeline,
    alerts_raised: str,
    path: str,
    key: str,
    identity: tuple[str, ...],
    page_size: int,
) -> None:
    whole = pipeline.get(path, limit=1000).json()[key]
    paged = _walk(pipeline, path, key, limit=page_size)
    assert len(whole) > page_size  # several pages were walked
    assert [tuple(i[f] for f in identity) for i in paged] == [
        tuple(i[f] for f in identity) for i in whole
    ]


@pytest.mark.parametrize(
    "path", ["/v1/indices", "/v1/deals", "/v1/alerts", "/v1/entities", "/v1/dead-letters"]
)
@pytest.mark.parametrize("cursor", ["nonsense", "WzEsMiwzLDQsNV0", "eyJhIjoxfQ"])
def test_a_cursor_the_list_did_not_issue_is_a_problem_naming_cursor(
    pipeline: Pipeline, path: str, cursor: str
) -> None:
    answer = pipeline.get(path, cursor=cursor)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "cursor"


def test_indices_filter_by_stage_basis_and_element_group(pipeline: Pipeline) -> None:
    rows = pipeline.get(
        "/v1/indices", stage="magnets", basis="country_location", limit=1000
    ).json()["indices"]
    assert rows
    assert {(r["stage"], r["basis"]) for r in rows} == {("magnets", "country_location")}
    groups = pipeline.get("/v1/indices", element_group="ndfeb", limit=1000).json()["indices"]
    assert {r["element_group"] for r in groups} <= {"ndfeb"}


def test_deals_filter_by_entity_market_and_date_range(pipeline: Pipeline) -> None:
    every = pipeline.get("/v1/deals", limit=1000).json()["deals"]
    entity = every[0]["subject_id"] or every[0]["acquirer_id"]
    mine = pipeline.get("/v1/deals", entity_id=entity, limit=1000).json()["deals"]
    assert mine
    assert all(entity in (d["subject_id"], d["acquirer_id"]) for d in mine)
    dates = sorted(d["occurred_at"] for d in every)
    middle = dates[len(dates) // 2]
    later = pipeline.get("/v1/deals", **{"from": middle}, limit=1000).json()["deals"]
    earlier = pipeline.get("/v1/deals", to=middle, limit=1000).json()["deals"]
    assert len(later) + len(earlier) == len(every)
    assert all(d["occurred_at"] >= middle for d in later)
    in_mining = pipeline.get("/v1/deals", stage="mining", limit=1000).json()["deals"]
    in_magnets = pipeline.get("/v1/deals", market_id="rare_earths.ndfeb.magnets").json()["deals"]
    assert len(in_mining) <= len(every)
    assert len(in_magnets) <= len(every)


def test_policies_filter_by_jurisdiction_stage_and_element_group(pipeline: Pipeline) -> None:
    chinese = pipeline.get("/v1/policies", jurisdiction="CN", limit=1000).json()["policies"]
    assert chinese
    assert {p["jurisdiction"] for p in chinese} == {"CN"}
    magnets = pipeline.get("/v1/policies", stage="magnets", limit=1000).json()["policies"]
    assert magnets
    assert all("magnets" in p.get("stages", [p.get("stage")]) for p in magnets)


def test_a_range_that_ends_before_it_starts_is_a_problem_naming_to(pipeline: Pipeline) -> None:
    answer = pipeline.get("/v1/alerts", **{"from": "2025-01-01T00:00:00Z"}, to="2024-01-01T00:00Z")
    assert answer.status_code == 422
    assert answer.json()["field"] == "to"


def test_alerts_filter_by_market_parts_kind_and_basis(
    pipeline: Pipeline, alerts_raised: str
) -> None:
    commodity = alerts_raised.split(".")[0]
    mine = pipeline.get("/v1/alerts", commodity=commodity, limit=1000).json()["alerts"]
    assert mine
    assert {a["market_id"] for a in mine} == {alerts_raised}
    crossings = pipeline.get(
        "/v1/alerts", commodity=commodity, kind="hhi_threshold_crossed", basis="country_location"
    ).json()["alerts"]
    assert crossings
    assert {(a["kind"], a["basis"]) for a in crossings} == {
        ("hhi_threshold_crossed", "country_location")
    }
    assert {a["direction"] for a in crossings} == {"down"}
