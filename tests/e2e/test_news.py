"""News extraction on the real pipeline: extract and publish, the review queue, the watch folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from monazite_infra.settings import Settings
from tests.e2e.conftest import run_cli
from tests.support.services import Pipeline

CORPUS = Path(__file__).resolve().parents[2] / "data" / "news" / "corpus"


def test_extract_and_publish_makes_one_event_with_two_sources(
    pipeline: Pipeline, settings: Settings
) -> None:
    first = CORPUS / "01-baogang-northern-rare-earth.txt"
    second = CORPUS / "02-baogang-second-report.txt"

    published = run_cli(settings, "extract", "--publish", str(first), str(second))

    assert published.returncode == 0, published.stderr
    event_id = "news:stake_changed:baogang:cnre:2025-06-03"
    assert f"{event_id}  0.90  published" in published.stdout
    deal = pipeline.wait_for(
        "the news deal to be assessed",
        lambda: pipeline.get(f"/v1/deals/{event_id}").raise_for_status().json(),
    )
    assert deal["acquirer_id"] == "baogang"
    assert deal["control_changed"] is False

    again = run_cli(settings, "extract", "--publish", str(second))

    assert again.returncode == 0, again.stderr
    assert f"already known as {event_id}" in again.stdout
    assert "0 published" in again.stdout


def test_unsure_candidates_wait_for_review_and_are_approved_or_rejected_by_cli(
    pipeline: Pipeline, settings: Settings
) -> None:
    queued = run_cli(settings, "extract", "--publish", str(CORPUS / "25-usar-borealis.txt"))
    assert queued.returncode == 0, queued.stderr
    assert "0 published, 2 queued for review" in queued.stdout

    listing = pipeline.get("/v1/review").raise_for_status().json()
    by_event = {entry["event_id"]: entry for entry in listing["review"]}
    registration = by_event["news:entity:news_borealis_rare_earths"]
    stake = by_event["news:stake_changed:usar:news_borealis_rare_earths:2025-09-01"]
    assert registration["candidate"]["event"]["country"] == "CA"
    assert stake["sources"][0]["article"] == "25-usar-borealis.txt"
    assert listing["next_cursor"] is None
    cli_listing = run_cli(settings, "review", "list")
    assert f"{registration['id']}  pending" in cli_listing.stdout

    approved = run_cli(settings, "review", "approve", str(registration["id"]))
    rejected = run_cli(
        settings, "review", "reject", str(stake["id"]), "--reason", "stake size unconfirmed"
    )

    assert approved.returncode == 0, approved.stderr
    assert rejected.returncode == 0, rejected.stderr
    entity = pipeline.wait_for(
        "the approved registration to be folded",
        lambda: pipeline.get("/v1/entities/news_borealis_rare_earths").raise_for_status().json(),
    )
    assert entity["country"] == "CA"
    decided = pipeline.get("/v1/review", status="rejected").json()["review"]
    assert [(e["id"], e["reason"]) for e in decided] == [(stake["id"], "stake size unconfirmed")]
    assert pipeline.get(f"/v1/deals/{stake['event_id']}").status_code == 404
    twice = run_cli(settings, "review", "approve", str(registration["id"]))
    assert twice.returncode != 0
    assert "no pending review" in twice.stderr


def test_watch_publishes_each_file_once_across_restarts_and_sets_bad_files_aside(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(CORPUS / "12-mp-2024-output.txt", drop)
    (drop / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (drop / "empty.txt").write_bytes(b"")

    archived_before = pipeline.get("/v1/status").json()["events_archived"]

    first = run_cli(settings, "watch", str(drop), "--once")

    assert first.returncode == 0, first.stderr
    assert "12-mp-2024-output.txt: 2 published" in first.stdout
    assert "scan.txt: moved to unreadable/: binary" in first.stdout
    assert "empty.txt: moved to unreadable/: empty" in first.stdout
    assert not (drop / "scan.txt").exists()
    assert "binary" in (drop / "unreadable" / "scan.txt.reason.txt").read_text()
    pipeline.wait_for(
        "the two output reports to be archived",
        lambda: pipeline.get("/v1/status").json()["events_archived"] >= archived_before + 2,
    )
    shutil.copy(CORPUS / "13-lynas-fy2024-output.txt", drop)

    restarted = run_cli(settings, "watch", str(drop), "--once")

    assert restarted.returncode == 0, restarted.stderr
    assert "12-mp-2024-output.txt" not in restarted.stdout
    assert "13-lynas-fy2024-output.txt: 2 published" in restarted.stdout
    pipeline.wait_for(
        "only the new file's two reports to be archived",
        lambda: pipeline.get("/v1/status").json()["events_archived"] >= archived_before + 4,
    )
    assert pipeline.get("/v1/status").json()["events_archived"] == archived_before + 4


def test_a_kind_sent_to_review_waits_for_a_person_however_sure_the_candidate(
    pipeline: Pipeline, settings: Settings
) -> None:
    venture = CORPUS / "09-northern-jinlong-venture.txt"
    quotas = CORPUS / "08-china-2024-first-batch-quotas.txt"

    result = run_cli(
        settings,
        "extract",
        "--publish",
        "--review-kind",
        "joint_venture_formed",
        str(venture),
        str(quotas),
    )

    assert result.returncode == 0, result.stderr
    assert "2 published, 1 queued for review" in result.stdout
    queued = pipeline.get("/v1/review").raise_for_status().json()["review"]
    assert [e["candidate"]["event"]["type"] for e in queued if e["status"] == "pending"].count(
        "joint_venture_formed"
    ) == 1
