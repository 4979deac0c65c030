"""The extractor meets its quality targets on the labelled corpus (`make eval`)."""

from __future__ import annotations

from monazite_producer.news_eval import run_evaluation

PRECISION_TARGET = 0.9
RECALL_TARGET = 0.8


def test_overall_precision_and_recall_meet_the_targets() -> None:
    scores, articles = run_evaluation()
    assert articles >= 30
    assert scores.overall.precision >= PRECISION_TARGET, scores.table() + f"\n{scores.unexpected}"
    assert scores.overall.recall >= RECALL_TARGET, scores.table() + f"\n{scores.missed}"
    assert scores.review_found == scores.review_expected
