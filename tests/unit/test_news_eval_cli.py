"""`python -m monazite_producer.news_eval`: any labelled set, and an honest table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from monazite_producer import news_eval
from monazite_producer.news.evaluation import Evaluation, ExpectedFact, KindScore, agreement

ARTICLE = """Title: Lynas buys into Peak
Date: 2025-06-03
URL: https://news.example/lynas-peak

Lynas Rare Earths bought a 12% stake in Peak Rare Earths for A$20 million on Tuesday.
"""


#: A fact of ARTICLE labelled with a holding the article does not give: the candidate misses it.
MISREAD_STAKE = {
    "fact": "lynas-peak-misread",
    "articles": ["01-lynas-peak.txt"],
    "type": "stake_changed",
    "fields": {"holder_id": "lynas", "target_id": "peak", "pct_after": "15"},
}


def _score_one_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, facts: list[dict[str, Any]], *flags: str
) -> Path:
    """Run `news_eval` on a folder holding ARTICLE, against `facts`; the folder."""
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "01-lynas-peak.txt").write_text(ARTICLE, encoding="utf-8")
    expected = tmp_path / "expected.jsonl"
    expected.write_bytes(b"".join(orjson.dumps(fact) + b"\n" for fact in facts))
    argv = ["news_eval", "--corpus", str(corpus), "--expected", str(expected), *flags]
    monkeypatch.setattr(sys, "argv", argv)
    news_eval.main()
    return corpus


def test_a_kind_nothing_was_predicted_for_shows_precision_as_undefined() -> None:
    scores = Evaluation(
        by_kind={
            "tariff_imposed": KindScore(true_positives=0, false_positives=0, false_negatives=1),
            "stake_changed": KindScore(true_positives=2, false_positives=0, false_negatives=0),
        },
        overall=KindScore(true_positives=2, false_positives=0, false_negatives=1),
    )
    rows = {line.split(" | ")[0].lstrip("| "): line for line in scores.table().splitlines()}
    assert rows["tariff_imposed"] == "| tariff_imposed | 1 | 0 | 0 | – | 0.00 |"
    assert rows["stake_changed"] == "| stake_changed | 2 | 2 | 2 | 1.00 | 1.00 |"
    assert rows["**overall**"] == "| **overall** | 3 | 2 | 2 | 1.00 | 0.67 |"


def test_a_kind_predicted_but_never_expected_shows_recall_as_undefined() -> None:
    scores = Evaluation(by_kind={"quota_set": KindScore(0, 1, 0)}, overall=KindScore(0, 1, 0))
    assert "| quota_set | 0 | 1 | 0 | 0.00 | – |" in scores.table()


def test_corpus_and_expected_flags_score_another_labelled_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fact = {
        "fact": "lynas-peak",
        "articles": ["01-lynas-peak.txt"],
        "type": "stake_changed",
        "fields": {"holder_id": "lynas", "target_id": "peak", "pct_after": "12"},
    }
    corpus = _score_one_article(tmp_path, monkeypatch, [fact], "--title", "Spare")
    output = capsys.readouterr().out
    assert output.startswith("## Spare\n")
    assert f"1 articles in {corpus}" in output
    assert "| stake_changed | 1 | 1 | 1 | 1.00 | 1.00 |" in output


def test_a_missing_corpus_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["news_eval", "--corpus", str(tmp_path / "nowhere")])
    with pytest.raises(SystemExit) as exit_info:
        news_eval.main()
    assert exit_info.value.code == 2
    assert "--corpus" in capsys.readouterr().err


def test_missed_facts_are_counted_by_cause_with_the_fields_that_were_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = [
        MISREAD_STAKE,
        {
            "fact": "a-tariff-nowhere-in-the-text",
            "articles": ["01-lynas-peak.txt"],
            "type": "tariff_imposed",
            "fields": {"jurisdiction": "AU", "rate_pct": "10"},
        },
    ]
    _score_one_article(tmp_path, monkeypatch, facts)
    output = capsys.readouterr().out
    # Equal counts keep the order of the expected file.
    assert (
        "missed facts by cause: 1 published with a field wrong,"
        " 1 no candidate of its kind in its article"
    ) in output
    assert "fields most often wrong in near misses: stake_changed.pct_after 1" in output


def test_a_summary_names_no_fact_kind_or_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _score_one_article(tmp_path, monkeypatch, [MISREAD_STAKE], "--summary")
    output = capsys.readouterr().out
    assert "| **overall** | 1 | 1 | 0 | 0.00 | 0.00 |" in output
    assert "missed facts by cause: 1 published with a field wrong" in output
    for named in ("lynas", "stake_changed", "pct_after", "news:"):
        assert named not in output


def test_unseen_sets_are_listed_one_per_line_with_comments_left_out(tmp_path: Path) -> None:
    listing = tmp_path / "unseen.txt"
    listing.write_text("# nobody has read these\nheldout16\n\nheldout17  # a note\n", "utf-8")
    assert news_eval.unseen_sets(listing) == ["heldout16", "heldout17"]
    assert news_eval.unseen_sets(tmp_path / "missing.txt") == []


def test_pooled_sets_add_their_counts_rather_than_average_their_ratios() -> None:
    small = Evaluation(overall=KindScore(true_positives=1, false_positives=0, false_negatives=0))
    large = Evaluation(overall=KindScore(true_positives=1, false_positives=3, false_negatives=9))
    total = news_eval.pooled([small, large])
    assert (total.true_positives, total.false_positives, total.false_negatives) == (2, 3, 9)
    assert round(total.precision, 2) == 0.4


def test_the_unseen_mode_scores_each_listed_set_in_one_row_and_pools_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "news"
    (data / "spare").mkdir(parents=True)
    (data / "spare" / "01-lynas-peak.txt").write_text(ARTICLE, encoding="utf-8")
    fact = {
        "fact": "lynas-peak",
        "articles": ["01-lynas-peak.txt"],
        "type": "stake_changed",
        "fields": {"holder_id": "lynas", "target_id": "peak", "pct_after": "12"},
    }
    (data / "spare_expected.jsonl").write_bytes(orjson.dumps(fact) + b"\n")
    (data / "unseen.txt").write_text("spare\n", "utf-8")
    monkeypatch.setattr(sys, "argv", ["news_eval", "--unseen", "--data", str(data)])
    news_eval.main()
    output = capsys.readouterr().out
    assert "| spare | 1 | 1 | 1 | 1.00 | 1.00 |" in output
    assert "| **all 1 pooled** | 1 | 1 | 1 | 1.00 | 1.00 |" in output
    assert "lynas" not in output


def test_a_candidate_one_field_off_counts_as_within_one_correction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    two_fields_off = {
        **MISREAD_STAKE,
        "fact": "lynas-peak-two-fields-off",
        "fields": {"holder_id": "iluka", "target_id": "peak", "pct_after": "15"},
    }
    _score_one_article(tmp_path, monkeypatch, [MISREAD_STAKE], "--summary")
    one_off = capsys.readouterr().out
    (tmp_path / "again").mkdir()
    _score_one_article(tmp_path / "again", monkeypatch, [two_fields_off], "--summary")
    two_off = capsys.readouterr().out

    assert "with a person: 1 of 1 facts published right or one corrected field away" in one_off
    assert "with a person: 0 of 1 facts" in two_off


def test_a_kind_sent_to_review_is_scored_as_queued_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fact = {**MISREAD_STAKE, "fact": "lynas-peak", "fields": {"pct_after": "12"}}

    _score_one_article(tmp_path, monkeypatch, [fact], "--review-kind", "stake_changed")

    output = capsys.readouterr().out
    assert "| **overall** | 1 | 0 | 0 | – | 0.00 |" in output
    assert "missed facts by cause: 1 right, but held for review" in output
    assert "with a person: 1 of 1 facts" in output


def test_a_correction_needing_no_typed_value_is_counted_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The article gives a price; a label without one means the reviewer clears the field.
    no_price = {
        **MISREAD_STAKE,
        "fact": "lynas-peak-no-price",
        "fields": {"holder_id": "lynas", "pct_after": "12", "consideration": None},
    }
    _score_one_article(tmp_path, monkeypatch, [no_price], "--summary")
    cleared = capsys.readouterr().out
    (tmp_path / "again").mkdir()
    _score_one_article(tmp_path / "again", monkeypatch, [MISREAD_STAKE], "--summary")
    typed = capsys.readouterr().out

    assert "1 of 1 facts published right or one corrected field away" in cleared
    assert "; 1 of them without typing a value" in cleared
    assert "; 0 of them without typing a value" in typed


def _labelled(fact: str, **fields: Any) -> ExpectedFact:
    return ExpectedFact(fact, frozenset({"01-lynas-peak.txt"}), "stake_changed", fields)


def test_a_second_labelling_is_scored_against_the_first_as_the_extractor_is() -> None:
    first = [
        _labelled("a", holder_id="lynas", target_id="peak", pct_after="12"),
        _labelled("b", holder_id="iluka", target_id="peak", pct_after="5"),
        _labelled("c", holder_id="mp", target_id="peak", pct_after="7"),
    ]
    second = [
        _labelled("a2", holder_id="lynas", target_id="peak", pct_after="12.0"),
        # The second reader left the holding out: absent, so not the labelled 5.
        _labelled("b2", holder_id="iluka", target_id="peak"),
        # Sent to review by the second reader: neither agreement nor disagreement.
        ExpectedFact("c2", frozenset({"01-lynas-peak.txt"}), "stake_changed", {}, publish=False),
    ]

    score = agreement(first, second).overall

    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 2)


def test_the_agreement_mode_scores_each_second_labelling_against_its_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fact = {**MISREAD_STAKE, "fact": "lynas-peak", "fields": {"pct_after": "12"}}
    (tmp_path / "agreement").mkdir()
    (tmp_path / "spare_expected.jsonl").write_bytes(orjson.dumps(fact) + b"\n")
    (tmp_path / "agreement" / "spare.jsonl").write_bytes(
        orjson.dumps({**fact, "fact": "lynas-peak-again"}) + b"\n"
    )
    monkeypatch.setattr(sys, "argv", ["news_eval", "--agreement", "--data", str(tmp_path)])

    news_eval.main()

    output = capsys.readouterr().out
    assert "| spare | 1 | 1 | 1 | 1.00 | 1.00 |" in output
    assert "| **all 1 pooled** | 1 | 1 | 1 | 1.00 | 1.00 |" in output
