"""`make eval`: precision and recall of the news extractor on a labelled corpus.

The main corpus by default; `--corpus DIR --expected FILE` scores another labelled set (such as
a held-out one), and `--title` heads the output with the set's name.

A set nobody working on the rules has read is listed in `data/news/unseen.txt`; it is scored
with `--summary` (the overall row and the count of misses by cause: no fact, kind, field or
event is named, so that reading the scores does not read the set). `--unseen` scores every
listed set that way and pools them into one row (`make eval-unseen`).

`--agreement` scores the second, independent labellings in `data/news/agreement/` (one file per
set, named after it) against the sets' own labels, as the extractor is scored: what two careful
readers agree on is the ceiling the extractor's scores are read against (`make eval-agreement`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from monazite_producer.news.evaluation import (
    Evaluation,
    ExpectedFact,
    KindScore,
    agreement,
    evaluate,
    table_header,
    table_row,
)
from monazite_producer.news.extract import DEFAULT_THRESHOLD, EXTRACTED_KINDS
from monazite_producer.news_files import (
    CORPUS,
    DEFAULT_REFERENCE,
    EXPECTED,
    NEWS_DATA,
    extract_paths,
    load_fx,
    reference_directory,
)


def _facts(path: Path) -> list[ExpectedFact]:
    return [
        ExpectedFact.from_document(orjson.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def run_evaluation(
    corpus: Path = CORPUS,
    expected: Path = EXPECTED,
    reference: Path = DEFAULT_REFERENCE,
    threshold: float = DEFAULT_THRESHOLD,
    review_kinds: frozenset[str] = frozenset(),
) -> tuple[Evaluation, int]:
    """The scores, and how many articles were read."""
    facts = _facts(expected)
    extraction = extract_paths([str(corpus)], reference_directory(reference), load_fx())
    scores = evaluate(extraction.candidates, facts, threshold=threshold, review_kinds=review_kinds)
    return scores, extraction.articles


#: The sets nobody working on the rules has read: one folder name per line under `NEWS_DATA`.
UNSEEN_LIST = NEWS_DATA / "unseen.txt"


def unseen_sets(listing: Path = UNSEEN_LIST) -> list[str]:
    """The names listed in `listing`, without comments or blank lines."""
    if not listing.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in listing.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def pooled(scores: list[Evaluation]) -> KindScore:
    """One overall score for several sets: their counts added up, not their ratios averaged."""
    return KindScore(
        sum(s.overall.true_positives for s in scores),
        sum(s.overall.false_positives for s in scores),
        sum(s.overall.false_negatives for s in scores),
    )


def _summary(scores: Evaluation) -> str:
    """The overall row and the misses by cause: nothing that names a fact, kind or field."""
    lines = [table_header("kind"), table_row("**overall**", scores.overall)]
    lines.append(f"\n{_reach([scores])}")
    if scores.miss_causes:
        causes = ", ".join(f"{n} {cause}" for cause, n in scores.miss_causes.most_common())
        lines.append(f"\nmissed facts by cause: {causes}")
    return "\n".join(lines)


def _reach(scores: list[Evaluation]) -> str:
    corrected = sum(s.within_one_correction for s in scores)
    picked = sum(s.within_one_pick for s in scores)
    overall = pooled(scores)
    expected = overall.true_positives + overall.false_negatives
    return (
        f"with a person: {corrected} of {expected} facts published right or one corrected field"
        f" away (a queued or published candidate with one field wrong); {picked} of them without"
        " typing a value (cleared, one of the contract's choices, or one of the values offered"
        " with the candidate)"
    )


def _score_unseen(
    data: Path = NEWS_DATA,
    threshold: float = DEFAULT_THRESHOLD,
    review_kinds: frozenset[str] = frozenset(),
) -> None:
    names = unseen_sets(data / "unseen.txt")
    if not names:
        print(f"no unseen sets are listed in {data / 'unseen.txt'}")
        return
    print(table_header("set"))
    scores = []
    for name in names:
        score, _articles = run_evaluation(
            corpus=data / name,
            expected=data / f"{name}_expected.jsonl",
            threshold=threshold,
            review_kinds=review_kinds,
        )
        scores.append(score)
        print(table_row(name, score.overall))
    total = pooled(scores)
    print(table_row(f"**all {len(names)} pooled**", total))
    print(f"\n{_reach(scores)}")


def _score_agreement(data: Path = NEWS_DATA) -> None:
    """Each second labelling in `data/agreement/` (named after its set) against the set's own."""
    labellings = sorted((data / "agreement").glob("*.jsonl"))
    if not labellings:
        print(f"no second labellings in {data / 'agreement'}")
        return
    print(table_header("set (second labelling against the first)"))
    scores = []
    for second in labellings:
        score = agreement(_facts(data / f"{second.stem}_expected.jsonl"), _facts(second))
        scores.append(score)
        print(table_row(second.stem, score.overall))
    print(table_row(f"**all {len(scores)} pooled**", pooled(scores)))


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
    parser.add_argument(
        "--review-kind",
        dest="review_kinds",
        action="append",
        default=[],
        choices=sorted(EXTRACTED_KINDS),
        help="Score as `--publish --review-kind KIND` publishes: that kind waits for a person.",
    )
    parser.add_argument("--verbose", action="store_true", help="List missed and unexpected facts.")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="Only the overall row and the misses by cause (for a set nobody may read).",
    )
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="Score every set listed in data/news/unseen.txt, in summary, and pool them.",
    )
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="Score the second labellings in data/news/agreement/ against the sets' own labels.",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=NEWS_DATA,
        help="With --unseen or --agreement: the folder holding the sets (default: data/news).",
    )
    options = parser.parse_args()
    if options.agreement:
        _score_agreement(options.data)
        return
    if options.unseen:
        _score_unseen(
            options.data, threshold=options.threshold, review_kinds=frozenset(options.review_kinds)
        )
        return
    for given, label in ((options.corpus, "--corpus"), (options.expected, "--expected")):
        if not given.exists():
            parser.error(f"{label}: {given} does not exist")
    scores, articles = run_evaluation(
        corpus=options.corpus,
        expected=options.expected,
        threshold=options.threshold,
        review_kinds=frozenset(options.review_kinds),
    )
    if options.title:
        print(f"## {options.title}\n")
    print(
        f"{articles} articles in {options.corpus}, facts in {options.expected},"
        f" candidates at confidence >= {options.threshold}\n"
    )
    if options.summary:
        print(_summary(scores))
        return
    print(scores.table())
    print(
        f"\nreview queue: {scores.review_found} of {scores.review_expected} facts expected below"
        " the threshold were found there"
    )
    print(_reach([scores]))
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
