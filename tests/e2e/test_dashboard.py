"""The dashboard at `/` in a real headless Chromium, on the real pipeline: the figures it draws
from the API, and the same figures changing in place when the live stream says so."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from monazite_infra.settings import Settings
from tests.e2e.conftest import create_key, publish_events, run_cli
from tests.support.services import Pipeline

# Debian's Chromium, installed by `make browser`; Playwright's own browser downloads are never used.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: the pipeline folds in well under a second, but CI machines are shared.
WAIT_MS = 60_000
THIN_SPACE = "\u2009"


@pytest.fixture(scope="module")
def chromium() -> Path:
    # A missing browser fails the run rather than skipping it: CI gets it from `make browser`.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    return CHROMIUM


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser, pipeline: Pipeline) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    await opened.goto(pipeline.gateway_url + "/")
    await expect(opened.locator("body")).to_have_attribute("data-loaded", "true", timeout=WAIT_MS)
    try:
        yield opened
    finally:
        await context.close()
    assert errors == [], f"the page raised: {errors}"


def _hhi_text(hhi: float) -> str:
    return f"{round(hhi):,}".replace(",", THIN_SPACE)


def _country_output(commodity: str, country: str, tonnes: int) -> dict[str, Any]:
    return {
        "type": "output_reported",
        "event_id": f"test:dashboard:{commodity}:{country}",
        "occurred_at": "2025-06-01T00:00:00+00:00",
        "source": {"publisher": "monazite-tests"},
        "country": country,
        "commodity": commodity,
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": tonnes,
        "period": 2025,
    }


async def test_the_page_draws_the_reference_figures_and_the_suppliers_behind_them(
    page: Page, pipeline: Pipeline
) -> None:
    market = "rare_earths.total_reo.mining"
    served = pipeline.get(
        f"/v1/indices/{market}", period=2024, measure="production", basis="country_location"
    ).json()["series"][0]["figures"]
    cell = f"{market}-2024-production-country_location"

    await expect(page.get_by_test_id(f"hhi-{cell}")).to_have_text(
        _hhi_text(served["hhi"]), timeout=WAIT_MS
    )
    await page.get_by_test_id(f"cell-{cell}").click()

    largest = served["top_suppliers"][0]
    await expect(page.get_by_test_id("selected-hhi")).to_have_text(_hhi_text(served["hhi"]))
    await expect(page.get_by_test_id(f"share-{largest['supplier_id']}")).to_have_text(
        f"{largest['share_pct']:.1f}\u202f%"
    )
    await expect(page.get_by_test_id("supplier-chart").locator("li.supplier")).to_have_count(
        len(served["top_suppliers"]) + (1 if float(served["unattributed_tonnes"]) > 0 else 0)
    )
    await expect(page.get_by_test_id("suppliers-subtitle")).to_contain_text("Country by location")


async def test_a_published_output_changes_the_figure_in_place_through_the_stream(
    page: Page, pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    commodity = f"dashtest{uuid.uuid4().hex[:8]}"
    cell = f"{commodity}.total_reo.mining-2025-production-country_location"
    await expect(page.get_by_test_id("connection-status")).to_have_attribute(
        "data-state", "live", timeout=WAIT_MS
    )
    # A mark that a reload would wipe out: the changes below must arrive without one.
    await page.evaluate("window.loadedOnce = true")

    # A market the page has never seen appears from the stream: AU 600 t and US 400 t,
    # shares 60 % and 40 %, HHI 60² + 40² = 5 200.
    publish_events(
        settings,
        tmp_path,
        [_country_output(commodity, "AU", 600), _country_output(commodity, "US", 400)],
    )
    figure = page.get_by_test_id(f"hhi-{cell}")
    await expect(figure).to_have_text(_hhi_text(5200), timeout=WAIT_MS)

    # Canada's 1 000 t halves both: 30 %, 20 % and 50 %, HHI 900 + 400 + 2 500 = 3 800.
    publish_events(settings, tmp_path, [_country_output(commodity, "CA", 1000)])
    await expect(figure).to_have_text(_hhi_text(3800), timeout=WAIT_MS)

    updated = page.get_by_test_id(f"cell-{cell}")
    await expect(updated).to_have_attribute("data-updated-by", "stream")
    await expect(updated).to_have_class("cell band-high flash")
    assert await page.evaluate("window.loadedOnce") is True
    await expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "live")


async def test_a_deal_published_while_the_page_is_open_joins_the_timeline_with_its_summary(
    page: Page, pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    buyer, target = f"dash_buyer_{tag}", f"dash_target_{tag}"
    deal_id = f"test:dashboard:deal:{tag}"
    source = {"publisher": "monazite-tests"}
    await expect(page.get_by_test_id("connection-status")).to_have_attribute(
        "data-state", "live", timeout=WAIT_MS
    )

    publish_events(
        settings,
        tmp_path,
        [
            {
                "type": "entity_registered",
                "event_id": f"test:dashboard:entity:{entity}",
                "occurred_at": "2020-01-01T00:00:00+00:00",
                "source": source,
                "entity_id": entity,
                "name": entity.replace("_", " ").title(),
                "country": "AU",
                "kind": "company",
            }
            for entity in (buyer, target)
        ]
        + [
            {
                "type": "stake_changed",
                "event_id": deal_id,
                "occurred_at": "2025-06-01T00:00:00+00:00",
                "source": source,
                "holder_id": buyer,
                "target_id": target,
                "pct_after": 60,
            }
        ],
    )

    entry = page.locator(f'li[data-kind="deal"][data-event-id="{deal_id}"]')
    await expect(entry).to_be_visible(timeout=WAIT_MS)
    await expect(entry).to_contain_text("control")
    await expect(entry).to_contain_text("live")


def _pct_text(pct: float) -> str:
    return f"{pct:.1f}\u202f%"


def _chain_dependency(pipeline: Pipeline) -> dict[str, Any]:
    answer = pipeline.get("/v1/chains/rare_earths/dependency", on="china", **{"for": "allied"})
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


async def test_the_chain_panel_draws_each_stage_by_bloc_and_marks_the_bottleneck_the_api_names(
    page: Page, pipeline: Pipeline
) -> None:
    chain = pipeline.get("/v1/chains/rare_earths").json()
    dependency = _chain_dependency(pipeline)
    bottleneck = dependency["bottleneck"]["stage"]
    panel = page.get_by_test_id("chain-panel")
    await panel.scroll_into_view_if_needed()

    for stage in chain["stages"]:
        china = next(b for b in stage["blocs"] if b["bloc"] == "china")
        await expect(page.get_by_test_id(f"chain-share-{stage['stage']}-china")).to_have_text(
            _pct_text(china["located_pct"]), timeout=WAIT_MS
        )
    drawn = {stage["stage"] for stage in chain["stages"]}
    for stage in ("mining", "separation", "metals", "magnets"):
        card = page.get_by_test_id(f"chain-stage-{stage}")
        await expect(card).to_have_attribute(
            "data-bottleneck", "true" if stage == bottleneck else "false"
        )
        if stage not in drawn:  # the reference data has no metals
            await expect(page.get_by_test_id(f"chain-empty-{stage}")).to_have_text(
                "No data for this stage yet."
            )

    marked = page.get_by_test_id(f"chain-stage-{bottleneck}")
    await expect(marked.get_by_test_id("chain-bottleneck-mark")).to_be_visible()
    await expect(page.get_by_test_id("chain-bottleneck-mark")).to_have_count(1)
    named = page.get_by_test_id("chain-bottleneck-main-stage")
    await expect(named).to_have_attribute("data-stage", bottleneck)
    await expect(named).to_have_text(bottleneck.capitalize())
    await expect(page.get_by_test_id("chain-bottleneck-main-share")).to_contain_text(
        _pct_text(dependency["bottleneck"]["share_pct"])
    )
    for figure, part in (
        ("chain-bottleneck-without-controls", "bottleneck_without_controls"),
        ("chain-obtainable-bottleneck", "obtainable_bottleneck"),
    ):
        await expect(page.get_by_test_id(f"{figure}-stage")).to_have_attribute(
            "data-stage", dependency[part]["stage"]
        )
    first = chain["companies"][0]
    await expect(page.get_by_test_id(f"chain-score-{first['controller_id']}")).to_have_text(
        f"{first['integration_score']:.2f}"
    )


async def test_an_export_control_moves_the_chain_panel_in_place_through_the_stream(
    page: Page, pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    source = {"publisher": "monazite-tests"}
    # A Malaysian ban on separated exports: outside China separation keeps only "other
    # countries" (README: 8 % narrows to 3 %). Retracted below, as other tests read the reference.
    ban = {
        "type": "export_control_imposed",
        "event_id": f"test:dashboard:chain-ban:{tag}",
        "occurred_at": "2025-12-02T00:00:00+00:00",
        "source": source,
        "control_id": f"dash-my-ban-{tag}",
        "jurisdiction": "MY",
        "element_groups": ["total_reo"],
        "stages": ["separation"],
        "restriction": "ban",
        "effective_from": "2025-12-02",
    }
    retraction = {
        "type": "event_retracted",
        "event_id": f"{ban['event_id']}:retracted",
        "occurred_at": "2025-12-03T00:00:00+00:00",
        "source": source,
        "retracted_event_id": ban["event_id"],
        "reason": "a hypothetical control, withdrawn by the test",
    }
    before = _chain_dependency(pipeline)
    assert before["bottleneck"] == {
        "stage": "separation",
        "market_id": "rare_earths.total_reo.separation",
        "share_pct": 8.0,
    }
    share = page.get_by_test_id("chain-bottleneck-main-share")
    separation = page.get_by_test_id("chain-stage-separation")
    await expect(page.get_by_test_id("connection-status")).to_have_attribute(
        "data-state", "live", timeout=WAIT_MS
    )
    await expect(share).to_contain_text(_pct_text(8.0), timeout=WAIT_MS)
    # A mark that a reload would wipe out: the changes below must arrive without one.
    await page.evaluate("window.loadedOnce = true")

    try:
        publish_events(settings, tmp_path, [ban])
        await expect(share).to_contain_text(_pct_text(3.0), timeout=WAIT_MS)
        await expect(page.get_by_test_id("chain-available-separation")).to_have_text(_pct_text(3.0))
        # Without controls nothing moved, and the panel says by how much the ban narrows it.
        await expect(
            page.get_by_test_id("chain-bottleneck-without-controls-share")
        ).to_contain_text(_pct_text(8.0))
        await expect(page.get_by_test_id("chain-bottleneck-main")).to_contain_text("5.0")
        await expect(separation).to_have_attribute("data-updated-by", "stream")
        await expect(separation).to_have_attribute("data-bottleneck", "true")
        await expect(separation).to_contain_text("1 export control in force")
        after = _chain_dependency(pipeline)
        assert after["bottleneck"]["share_pct"] == 3.0
        assert (
            ban["event_id"]
            in next(s for s in after["stages"] if s["stage"] == "separation")["controls_in_force"]
        )
    finally:
        publish_events(settings, tmp_path, [retraction])

    # The retraction arrives the same way and restores the reference chain.
    await expect(share).to_contain_text(_pct_text(8.0), timeout=WAIT_MS)
    await expect(separation).not_to_contain_text("export control in force")
    assert await page.evaluate("window.loadedOnce") is True
    assert _chain_dependency(pipeline)["bottleneck"] == before["bottleneck"]


async def test_a_reviewer_corrects_a_news_candidate_in_place_and_approves_it(
    page: Page, pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    article = tmp_path / "neo-usar.txt"
    article.write_text(
        "Title: NEO buys into USA Rare Earth\nDate: 2026-08-14\n\nNEO Performance Materials"
        " bought a 3% stake in USA Rare Earth for US$20 million on Thursday.\n",
        encoding="utf-8",
    )
    queued = run_cli(
        settings, "extract", "--publish", "--review-kind", "stake_changed", str(article)
    )
    assert queued.returncode == 0, queued.stderr
    event_id = "news:stake_changed:neo:usar:2026-08-13"
    [entry] = [e for e in pipeline.get("/v1/review").json()["review"] if e["event_id"] == event_id]
    panel = page.get_by_test_id("review-panel")
    await panel.get_by_role("button", name="Refresh").click()
    item = panel.locator(f'[data-review-id="{entry["id"]}"]')
    await expect(item).to_contain_text(
        "NEO Performance Materials bought a 3% stake", timeout=WAIT_MS
    )
    status = item.locator(".review-status")
    pct_after = item.get_by_label("pct_after")
    await expect(pct_after).to_have_value("3")
    # Suggestions for a party: the other organisation the sentence names.
    await expect(item.locator(f"#review-{entry['id']}-holder_id option")).to_have_count(1)
    await expect(item.locator(f"#review-{entry['id']}-holder_id option")).to_have_attribute(
        "value", "usar"
    )

    await item.get_by_role("button", name="Approve").click()
    await expect(status).to_have_text("Enter a write key above to decide.")

    await page.locator("#review-key").fill(create_key(settings, "write"))
    await pct_after.fill("350")
    await item.get_by_role("button", name="Approve").click()
    await expect(status).to_contain_text("pct_after: Input should be less than or equal to 100")
    await expect(pct_after).to_have_attribute("aria-invalid", "")

    await pct_after.fill("3.5")
    await item.get_by_role("button", name="Approve").click()

    await expect(status).to_have_text(f"Approved: published {event_id}", timeout=WAIT_MS)
    [decided] = [
        e
        for e in pipeline.get("/v1/review", status="approved").json()["review"]
        if e["id"] == entry["id"]
    ]
    assert decided["corrections"] == {"pct_after": 3.5}


async def test_a_reviewer_adds_a_fact_the_extractor_missed_from_the_page(
    page: Page, pipeline: Pipeline, settings: Settings
) -> None:
    form = page.get_by_test_id("add-fact")
    await form.get_by_text("Add a fact the extractor missed").click()
    status = form.locator("#add-fact-status")
    pct_after = form.get_by_label("pct_after")
    await expect(pct_after).to_be_visible(timeout=WAIT_MS)
    await expect(form.get_by_label("holder_id")).to_be_visible()
    await form.locator("#add-fact-article").fill("lynas-etm-note.txt")
    await form.locator("#add-fact-publisher").fill("Critical Metals Daily")
    await form.locator("#add-fact-date").fill("2026-12-01")
    await form.locator("#add-fact-sentence").fill(
        "Lynas Rare Earths ended the week owning roughly one share in seven of Energy Transition"
        " Minerals."
    )
    await form.get_by_label("holder_id").fill("lynas")
    await form.get_by_label("target_id").fill("etm")
    await pct_after.fill("150")

    await form.get_by_role("button", name="Add and publish").click()
    await expect(status).to_have_text("Enter a write key above to add a fact.")

    await page.locator("#review-key").fill(create_key(settings, "write"))
    await form.get_by_role("button", name="Add and publish").click()
    await expect(status).to_contain_text("pct_after: Input should be less than or equal to 100")
    await expect(pct_after).to_have_attribute("aria-invalid", "")

    await pct_after.fill("14.3")
    await form.get_by_role("button", name="Add and publish").click()

    event_id = "news:stake_changed:lynas:etm:2026-12-01"
    await expect(status).to_have_text(f"Added: published {event_id}", timeout=WAIT_MS)
    await expect(pct_after).not_to_have_attribute("aria-invalid", "")
    holding = pipeline.wait_for(
        "the added stake", lambda: pipeline.holding_made_by("etm", event_id)
    )
    assert float(holding["pct_after"]) == 14.3


def test_the_page_and_its_assets_are_served_with_a_policy_that_allows_only_this_gateway(
    pipeline: Pipeline,
) -> None:
    page = pipeline.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = pipeline.get("/static/dashboard.js")
    assert script.headers["content-type"].startswith("text/javascript")

    missing = pipeline.get("/static/nothing.js")
    assert missing.status_code == 404
    assert missing.json()["field"] == "asset"
    outside = pipeline.get("/static/..%2Fapp.py")
    assert outside.status_code in (404, 422)
    assert outside.headers["content-type"] == "application/problem+json"
