"""News extraction on the real pipeline: extract and publish, the review queue, the watch folder."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from monazite_client import MonaziteClient, MonaziteError
from monazite_infra.settings import Settings
from tests.e2e.conftest import create_key, run_cli
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

    _published_again_is_known(settings, second, event_id)


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


def _exported(settings: Settings) -> list[dict[str, Any]]:
    """The labelled facts `monazite review export` writes."""
    exported = run_cli(settings, "review", "export")
    assert exported.returncode == 0, exported.stderr
    return [json.loads(line) for line in exported.stdout.splitlines()]


def _published_again_is_known(settings: Settings, article: Path, event_id: str) -> None:
    """Publishing `article` again finds its fact known as `event_id` and publishes nothing."""
    again = run_cli(settings, "extract", "--publish", str(article))
    assert again.returncode == 0, again.stderr
    assert f"already known as {event_id}" in again.stdout
    assert "0 published" in again.stdout


def _article(folder: Path, name: str, title: str, day: str, body: str) -> Path:
    path = folder / name
    path.write_text(
        f"Title: {title}\nDate: {day}\nURL: https://news.example/deals/{path.stem}\n"
        f"Publisher: Critical Metals Daily\n\n{body}\n",
        encoding="utf-8",
    )
    return path


def test_a_reviewer_corrects_a_candidate_and_a_later_report_of_the_fact_is_recognised(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    misreported = _article(
        tmp_path,
        "iluka-vre.txt",
        "Iluka buys into Vietnam Rare Earth",
        "2026-03-10",
        "Iluka Resources bought a 7.5% stake in Vietnam Rare Earth for A$12 million on Monday.",
    )
    queued = run_cli(
        settings, "extract", "--publish", "--review-kind", "stake_changed", str(misreported)
    )
    assert queued.returncode == 0, queued.stderr
    extracted_id = "news:stake_changed:iluka:vietnam_re:2026-03-09"
    entry = next(
        e for e in pipeline.get("/v1/review").json()["review"] if e["event_id"] == extracted_id
    )
    listing = run_cli(settings, "review", "list")
    assert (
        "occurred_at=2026-03-09T00:00:00Z  holder_id=iluka  target_id=vietnam_re  pct_after=7.5"
        '  consideration={"amount":"12000000","currency":"AUD"}'
    ) in listing.stdout

    refused = run_cli(settings, "review", "approve", str(entry["id"]), "--set", "pct_after=150")

    assert refused.returncode != 0
    assert "pct_after: Input should be less than or equal to 100" in refused.stderr
    still = pipeline.get("/v1/review").json()["review"]
    assert entry["id"] in [e["id"] for e in still]

    approved = run_cli(settings, "review", "approve", str(entry["id"]), "--set", "holder_id=lynas")

    corrected_id = "news:stake_changed:lynas:vietnam_re:2026-03-09"
    assert approved.returncode == 0, approved.stderr
    assert f"published {corrected_id} (corrected: holder_id)" in approved.stdout
    deal = pipeline.wait_for(
        "the corrected deal to be assessed",
        lambda: pipeline.get(f"/v1/deals/{corrected_id}").raise_for_status().json(),
    )
    assert deal["acquirer_id"] == "lynas"
    assert pipeline.get(f"/v1/deals/{extracted_id}").status_code == 404
    decided = next(
        e
        for e in pipeline.get("/v1/review", status="approved").json()["review"]
        if e["id"] == entry["id"]
    )
    assert decided["corrections"] == {"holder_id": "lynas"}
    assert decided["published_event_id"] == corrected_id
    labelled = _exported(settings)
    assert {
        "fact": f"review-{entry['id']}",
        "articles": ["iluka-vre.txt"],
        "type": "stake_changed",
        "fields": {
            "occurred_at": "2026-03-09T00:00:00Z",
            "holder_id": "lynas",
            "target_id": "vietnam_re",
            "pct_after": "7.5",
            "consideration": {"amount": "12000000", "currency": "AUD"},
        },
    } in labelled

    confirmed = _article(
        tmp_path,
        "lynas-vre.txt",
        "Lynas takes 7.5% of Vietnam Rare Earth",
        "2026-03-11",
        "Lynas Rare Earths bought a 7.5% stake in Vietnam Rare Earth for A$12 million on Monday.",
    )
    _published_again_is_known(settings, confirmed, corrected_id)


def test_a_candidate_corrected_into_a_published_fact_adds_a_source_and_publishes_nothing(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    body = "{buyer} bought a 9% stake in Peak Rare Earths for A$30 million on Tuesday."
    right = _article(
        tmp_path,
        "shenghe-peak.txt",
        "Shenghe buys into Peak",
        "2026-04-15",
        body.format(buyer="Shenghe Resources"),
    )
    wrong = _article(
        tmp_path,
        "peak-buyer.txt",
        "Peak gets a new holder",
        "2026-04-16",
        body.format(buyer="Iluka Resources"),
    )
    published = run_cli(settings, "extract", "--publish", str(right))
    assert published.returncode == 0, published.stderr
    fact_id = "news:stake_changed:shenghe:peak:2026-04-14"
    pipeline.wait_for(
        "the first report to be assessed",
        lambda: pipeline.get(f"/v1/deals/{fact_id}").raise_for_status().json(),
    )
    queued = run_cli(settings, "extract", "--publish", "--review-kind", "stake_changed", str(wrong))
    assert queued.returncode == 0, queued.stderr
    entry = next(
        e
        for e in pipeline.get("/v1/review").json()["review"]
        if e["event_id"] == "news:stake_changed:iluka:peak:2026-04-14"
    )
    archived_before = pipeline.get("/v1/status").json()["events_archived"]

    approved = run_cli(
        settings, "review", "approve", str(entry["id"]), "--set", "holder_id=shenghe"
    )

    assert approved.returncode == 0, approved.stderr
    assert f"already published as {fact_id} (corrected: holder_id)" in approved.stdout
    decided = next(
        e
        for e in pipeline.get("/v1/review", status="approved").json()["review"]
        if e["id"] == entry["id"]
    )
    assert decided["published_event_id"] == fact_id
    assert pipeline.get("/v1/status").json()["events_archived"] == archived_before


def test_a_published_fact_read_wrong_is_retracted_and_replaced_by_its_correction(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    article = _article(
        tmp_path,
        "iluka-etm.txt",
        "Iluka buys into Energy Transition Minerals",
        "2026-05-21",
        "Iluka Resources bought a 4.5% stake in Energy Transition Minerals for A$9 million on"
        " Wednesday.",
    )
    published = run_cli(settings, "extract", "--publish", str(article))
    assert published.returncode == 0, published.stderr
    misread_id = "news:stake_changed:iluka:etm:2026-05-20"

    def iluka_holding() -> dict[str, Any] | None:
        holders = pipeline.get("/v1/entities/etm").raise_for_status().json()["holders"]
        return next((h for h in holders if h["entity_id"] == "iluka"), None)

    pipeline.wait_for("the stake as read", lambda: iluka_holding() is not None)
    refused = run_cli(settings, "correct", misread_id, "--set", "pct_after=450", "--reason", "typo")
    assert refused.returncode != 0
    assert "pct_after" in refused.stderr

    corrected = run_cli(
        settings,
        "correct",
        misread_id,
        "--set",
        "pct_after=5.4",
        "--reason",
        "the filing gives 5.4%; the article transposed the digits",
    )

    assert corrected.returncode == 0, corrected.stderr
    replacement_id = corrected.stdout.strip().rsplit("published ", 1)[1]
    assert replacement_id.startswith(f"{misread_id}:corrected:")
    holding = pipeline.wait_for(
        "the corrected stake to replace the one read",
        lambda: (h := iluka_holding()) is not None and h["event_id"] == replacement_id and h,
    )
    assert float(holding["pct_after"]) == 5.4
    assert {
        "fact": f"correction-{replacement_id}",
        "articles": ["iluka-etm.txt"],
        "type": "stake_changed",
        "fields": {
            "occurred_at": "2026-05-20T00:00:00Z",
            "holder_id": "iluka",
            "target_id": "etm",
            "pct_after": "5.4",
            "consideration": {"amount": "9000000", "currency": "AUD"},
        },
    } in _exported(settings)

    again = run_cli(settings, "extract", "--publish", str(article))

    assert again.returncode == 0, again.stderr
    assert "0 published" in again.stdout


def test_the_review_queue_is_decided_over_http_behind_a_write_key(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    minmetals = _article(
        tmp_path,
        "minmetals-grinm.txt",
        "Minmetals buys into GRINM",
        "2026-07-08",
        "China Minmetals bought a 6% stake in GRINM for CNY 800 million on Tuesday.",
    )
    chalco = _article(
        tmp_path,
        "chalco-ganzhou.txt",
        "Chalco buys into Ganzhou",
        "2026-07-09",
        "Chalco bought a 2% stake in Ganzhou Rare Earth Group for CNY 300 million on Wednesday.",
    )
    queued = run_cli(
        settings,
        "extract",
        "--publish",
        "--review-kind",
        "stake_changed",
        str(minmetals),
        str(chalco),
    )
    assert queued.returncode == 0, queued.stderr
    pending = {e["event_id"]: e["id"] for e in pipeline.get("/v1/review").json()["review"]}
    to_approve = pending["news:stake_changed:minmetals:grinm:2026-07-07"]
    to_reject = pending["news:stake_changed:chalco:ganzhou_re:2026-07-08"]
    url = pipeline.gateway_url
    writer = {"Authorization": f"Bearer {create_key(settings, 'write')}"}
    reader = {"Authorization": f"Bearer {create_key(settings, 'read')}"}

    def post(path: str, body: Any, headers: dict[str, str] = writer) -> httpx.Response:
        return httpx.post(f"{url}{path}", json=body, headers=headers, timeout=30)

    approve = f"/v1/review/{to_approve}/approve"
    assert post(approve, {}, headers={}).status_code == 401
    assert post(approve, {}, headers=reader).status_code == 403
    refused = post(approve, {"corrections": {"pct_after": 150}})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["field"] == "corrections.pct_after"

    approved = post(approve, {"corrections": {"pct_after": "6.5"}})

    assert approved.status_code == 200, approved.text
    event_id = "news:stake_changed:minmetals:grinm:2026-07-07"
    assert approved.json() == {
        "id": to_approve,
        "status": "approved",
        "event_id": event_id,
        "published": True,
        "corrections": {"pct_after": "6.5"},
    }
    assert post(approve, {}).status_code == 409
    assert post("/v1/review/999999/approve", {}).status_code == 404
    assert post(f"/v1/review/{to_reject}/reject", {"reason": " "}).json()["field"] == "reason"
    rejected = post(f"/v1/review/{to_reject}/reject", {"reason": "a rumour"})
    assert rejected.status_code == 200, rejected.text

    def minmetals_holding() -> Any:
        holders = pipeline.get("/v1/entities/grinm").raise_for_status().json()["holders"]
        return next((h for h in holders if h["entity_id"] == "minmetals"), None)

    first = pipeline.wait_for("the approved stake", minmetals_holding)
    assert float(first["pct_after"]) == 6.5

    async def correct() -> tuple[dict[str, Any], MonaziteError]:
        async with MonaziteClient(url, api_key=writer["Authorization"][7:]) as client:
            assert [e["id"] for e in (await client.review(status="rejected")).items].count(
                to_reject
            ) == 1
            answer = await client.correct_event(
                event_id, "the filing gives 6.0%", {"pct_after": "6.0"}
            )
            with pytest.raises(MonaziteError) as unknown:
                await client.correct_event("news:nothing:2026-01-01", "no such event")
            return answer, unknown.value

    corrected, unknown = asyncio.run(correct())

    replacement = corrected["replacement_event_id"]
    assert replacement.startswith(f"{event_id}:corrected:")
    assert corrected["retraction_event_id"] == f"retraction:{event_id}"
    assert (unknown.status, unknown.field) == (404, "event_id")
    holding = pipeline.wait_for(
        "the correction to replace the approved stake",
        lambda: (h := minmetals_holding()) is not None and h["event_id"] == replacement and h,
    )
    assert float(holding["pct_after"]) == 6.0


def test_a_correction_is_refused_where_it_would_count_a_fact_twice(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    body = "{buyer} bought a 5% stake in Vietnam Rare Earth for US$8 million on Thursday."
    misread = _article(tmp_path, "a.txt", "A", "2026-09-11", body.format(buyer="Shenghe Resources"))
    other = _article(tmp_path, "b.txt", "B", "2026-09-11", body.format(buyer="Lynas Rare Earths"))
    published = run_cli(settings, "extract", "--publish", str(misread), str(other))
    assert published.returncode == 0, published.stderr
    misread_id = "news:stake_changed:shenghe:vietnam_re:2026-09-10"
    other_id = "news:stake_changed:lynas:vietnam_re:2026-09-10"
    pipeline.wait_for(
        "both reports to be assessed",
        lambda: all(
            pipeline.get(f"/v1/deals/{i}").status_code == 200 for i in (misread_id, other_id)
        ),
    )

    onto_another = run_cli(
        settings, "correct", misread_id, "--set", "holder_id=lynas", "--reason", "one deal"
    )

    assert onto_another.returncode != 0
    assert f"already accepted as {other_id}" in onto_another.stderr
    retracted = run_cli(settings, "correct", misread_id, "--reason", "the same deal as Lynas's")
    assert retracted.returncode == 0, retracted.stderr
    assert f"retracted {misread_id} (retraction:{misread_id})" in retracted.stdout
    twice = run_cli(settings, "correct", misread_id, "--set", "pct_after=6", "--reason", "again")
    assert twice.returncode != 0
    assert "already retracted" in twice.stderr


def test_a_fact_the_extractor_missed_is_added_by_a_person_and_recognised_when_reported_again(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    missed = _article(
        tmp_path,
        "neo-usar-column.txt",
        "A column on magnets",
        "2026-10-14",
        "Magnets are back in fashion. When the dust settled on Monday, Neo Performance Materials"
        " had an eighth of USA Rare Earth to its name.",
    )
    sentence = (
        "When the dust settled on Monday, Neo Performance Materials had an eighth of USA Rare"
        " Earth to its name."
    )
    add = ("review", "add", str(missed), "--type", "stake_changed", "--sentence")
    facts = ("--set", "holder_id=neo", "--set", "target_id=usar")
    on_monday = ("--set", "occurred_at=2026-10-12")

    not_there = run_cli(settings, *add, "Neo bought USA Rare Earth.", *facts, *on_monday)
    too_much = run_cli(settings, *add, sentence, *facts, "--set", "pct_after=125", *on_monday)

    assert not_there.returncode != 0
    assert "--sentence" in not_there.stderr
    assert too_much.returncode != 0
    assert "pct_after: Input should be less than or equal to 100" in too_much.stderr

    added = run_cli(settings, *add, sentence, *facts, "--set", "pct_after=12.5", *on_monday)

    fact_id = "news:stake_changed:neo:usar:2026-10-12"
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"published {fact_id}"

    holding = pipeline.wait_for(
        "the added stake", lambda: pipeline.holding_made_by("usar", fact_id)
    )
    assert holding["entity_id"] == "neo"
    assert float(holding["pct_after"]) == 12.5

    reported = _article(
        tmp_path,
        "neo-usar-wire.txt",
        "Neo takes 12.5% of USA Rare Earth",
        "2026-10-13",
        "Neo Performance Materials bought a 12.5% stake in USA Rare Earth on Monday.",
    )
    _published_again_is_known(settings, reported, fact_id)
    assert {
        "fact": f"added-{fact_id}",
        "articles": ["neo-usar-column.txt", "neo-usar-wire.txt"],
        "type": "stake_changed",
        "fields": {
            "occurred_at": "2026-10-12T00:00:00Z",
            "holder_id": "neo",
            "target_id": "usar",
            "pct_after": "12.5",
        },
    } in _exported(settings)


def test_a_missed_fact_is_added_over_http_behind_a_write_key(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    queued = run_cli(
        settings,
        "extract",
        "--publish",
        "--review-kind",
        "stake_changed",
        str(
            _article(
                tmp_path,
                "apple-niron.txt",
                "Apple buys into Niron",
                "2026-11-03",
                "Apple bought a 4% stake in Niron Magnetics for US$40 million on Monday.",
            )
        ),
    )
    assert queued.returncode == 0, queued.stderr
    url = pipeline.gateway_url
    key = create_key(settings, "write")
    article = {
        "name": "grinm-note.txt",
        "publisher": "Critical Metals Daily",
        "url": "https://news.example/notes/grinm",
        "published": "2026-11-05",
    }
    sentence = "Chalco now owns a fifth of GRINM after Wednesday's subscription."
    fields: dict[str, Any] = {"holder_id": "chalco", "target_id": "grinm", "pct_after": 20}

    async def add() -> tuple[list[MonaziteError], dict[str, Any]]:
        refusals = []
        async with MonaziteClient(url) as anonymous:
            with pytest.raises(MonaziteError) as unauthorised:
                await anonymous.add_fact("stake_changed", fields, article=article, sentence=".")
            refusals.append(unauthorised.value)
        async with MonaziteClient(url, api_key=key) as client:
            with pytest.raises(MonaziteError) as invalid:
                await client.add_fact(
                    "stake_changed", {**fields, "pct_after": 120}, article=article, sentence="."
                )
            refusals.append(invalid.value)
            with pytest.raises(MonaziteError) as waiting:
                await client.add_fact(
                    "stake_changed",
                    {
                        "holder_id": "apple",
                        "target_id": "niron",
                        "pct_after": 4,
                        "occurred_at": "2026-11-02",
                    },
                    article=article,
                    sentence="Apple took 4% of Niron.",
                )
            refusals.append(waiting.value)
            answer = await client.add_fact(
                "stake_changed", fields, article=article, sentence=sentence, start=120
            )
        return refusals, answer

    (unauthorised, invalid, waiting), answer = asyncio.run(add())

    assert unauthorised.status == 401
    assert (invalid.status, invalid.problem["field"]) == (422, "fields.pct_after")
    assert (waiting.status, waiting.problem["field"]) == (409, "fields")
    assert "waiting for review" in waiting.problem["detail"]
    fact_id = "news:stake_changed:chalco:grinm:2026-11-05"
    assert answer == {"event_id": fact_id, "published": True}
    stake = pipeline.wait_for("the added stake", lambda: pipeline.holding_made_by("grinm", fact_id))
    assert float(stake["pct_after"]) == 20
