"""`make eval`: precision and recall of the news extractor on a labelled corpus.

The main corpus by default; `--corpus DIR --expected FILE` scores another labelled set (such as
a held-out one), and `--title` heads the output with the set's name.
"""

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
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="Folder of articles (default: main corpus)."
    )
    parser.add_argument(
        "--expected",
        type=Path,
        default=EXPECTED,
        help="JSON Lines of the facts the articles should give (default: the main corpus's).",
    )
    parser.add_argument("--title", help="A heading printed above the scores.")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--verbose", action="store_true", help="List missed and unexpected facts.")
    options = parser.parse_args()
    for given, label in ((options.corpus, "--corpus"), (options.expected, "--expected")):
        if not given.exists():
            parser.error(f"{label}: {given} does not exist")
    scores, articles = run_evaluation(
        corpus=options.corpus, expected=options.expected, threshold=options.threshold
    )
    if options.title:
        print(f"## {options.title}\n")
    print(
        f"{articles} articles in {options.corpus}, facts in {options.expected},"
        f" candidates at confidence >= {options.threshold}\n"
    )
    print(scores.table())
    print(
        f"\nreview queue: {scores.review_found} of {scores.review_expected} facts expected below"
        " the threshold were found there"
    )
    print(
        f"partial credit: {scores.fields_right} of {scores.fields_labelled} labelled fields right"
        f" ({scores.field_accuracy:.2f}), counting each fact's nearest candidate of its type"
    )
    if scores.miss_causes:
        causes = ", ".join(f"{n} {cause}" for cause, n in scores.miss_causes.most_common())
        print(f"missed facts by cause: {causes}")
    if scores.wrong_fields:
        wrong = ", ".join(f"{name} {n}" for name, n in scores.wrong_fields.most_common(8))
        print(f"fields most often wrong in near misses: {wrong}")
    if options.verbose or scores.missed or scores.unexpected:
        for missed in scores.missed:
            print(f"missed: {missed}")
        for unexpected in scores.unexpected:
            print(f"unexpected: {unexpected}")
        for near in scores.near_misses:
            print(f"near miss: {near.describe()}")


if __name__ == "__main__":
    main()
