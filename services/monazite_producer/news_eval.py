"""`make eval`: precision and recall of the news extractor on the labelled corpus."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from monazite_producer.news.evaluation import Evaluation, ExpectedFact, evaluate
from monazite_producer.news.extract import DEFAULT_THRESHOLD
from monazite_producer.news_files import (
    CORPUS,
    DEFAULT_REFERENCE,
    EXPECTED,
    extract_paths,
    load_fx,
    reference_directory,
)


def run_evaluation(
    corpus: Path = CORPUS,
    expected: Path = EXPECTED,
    reference: Path = DEFAULT_REFERENCE,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[Evaluation, int]:
    """The scores, and how many articles were read."""
    facts = [
        ExpectedFact.from_document(orjson.loads(line))
        for line in expected.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    extraction = extract_paths([str(corpus)], reference_directory(reference), load_fx())
    return evaluate(extraction.candidates, facts, threshold=threshold), extraction.articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--verbose", action="store_true", help="List missed and unexpected facts.")
    options = parser.parse_args()
    scores, articles = run_evaluation(threshold=options.threshold)
    print(f"{articles} articles, candidates at confidence >= {options.threshold}\n")
    print(scores.table())
    print(
        f"\nreview queue: {scores.review_found} of {scores.review_expected} facts expected below"
        " the threshold were found there"
    )
    if options.verbose or scores.missed or scores.unexpected:
        for missed in scores.missed:
            print(f"missed: {missed}")
        for unexpected in scores.unexpected:
            print(f"unexpected: {unexpected}")


if __name__ == "__main__":
    main()
