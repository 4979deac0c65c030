"""Which news candidates are published at once and which wait for a person."""

from __future__ import annotations

import json
from pathlib import Path

from monazite_producer.news.candidates import Candidate, PublishPolicy
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import DEFAULT_THRESHOLD, EXTRACTED_KINDS
from tests.support.news import extract

NEWS_DATA = Path(__file__).resolve().parents[2] / "data" / "news"

VENTURE_AND_STAKE = (
    "China Northern Rare Earth and Fujian Jinlong Rare Earth set up Northern Jinlong, a joint"
    " venture owned 51% and 49%, on Tuesday. Separately, Lynas Rare Earths bought a 12% stake in"
    " Peak Rare Earths for A$20 million."
)


def _sure(directory: EntityDirectory) -> list[Candidate]:
    candidates = [c for c in extract(directory, VENTURE_AND_STAKE) if c.confidence >= 0.9]
    assert {c.event.type for c in candidates} >= {"joint_venture_formed", "stake_changed"}
    return candidates


def test_sure_candidates_are_published_and_unsure_ones_wait(directory: EntityDirectory) -> None:
    candidates = _sure(directory)
    assert all(PublishPolicy(DEFAULT_THRESHOLD).publishes(c) for c in candidates)
    assert not any(PublishPolicy(0.95).publishes(c) for c in candidates)


def test_a_kind_sent_to_review_waits_however_sure(directory: EntityDirectory) -> None:
    policy = PublishPolicy(DEFAULT_THRESHOLD, frozenset({"joint_venture_formed"}))
    published = {c.event.type for c in _sure(directory) if policy.publishes(c)}
    assert "joint_venture_formed" not in published
    assert "stake_changed" in published


def test_every_kind_a_labelled_set_expects_can_be_sent_to_review() -> None:
    kinds = {
        json.loads(line)["type"]
        for expected in NEWS_DATA.glob("*expected.jsonl")
        for line in expected.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert kinds
    assert kinds <= EXTRACTED_KINDS
