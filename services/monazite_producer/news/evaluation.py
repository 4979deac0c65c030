"""Precision and recall of the extractor against a labelled corpus. Pure.

A candidate the publishing policy publishes (at or above the threshold, and not of a kind sent
to review) is a prediction; it is right when a labelled fact of the
same type, reported by one of the candidate's articles, has every labelled field equal to the
candidate's event field (`null`: the field must be absent; decimals compare by value, lists of
symbols as sets, lists of objects item by item in entity order). Each fact and each candidate
counts once. Facts labelled `"publish": false` are expected below the threshold, in the review
queue, and are scored separately.

Strict matching counts a near miss (the right fact with one field wrong) twice: as a missed fact
and as an unexpected candidate. Partial credit shows how near: for every missed fact, the
predicted candidate of its type and article with the most labelled fields right, and which
fields it got wrong. Each missed fact also gets a cause (`MissCause`): no candidate of its kind
in its article at all, a candidate published with a field wrong, or one held below the
threshold; and the fields the nearest published candidates got wrong are counted, so that the
work that would gain most recall shows first.

What a person in the loop reaches is counted too (`within_one_correction`): the facts published
right, and those for which a candidate of their kind and article, queued or published, has one
labelled field wrong, which `monazite review approve --set` or `monazite correct` fixes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal, get_args, get_origin

from monazite_producer.news.candidates import Candidate, PublishPolicy


@dataclass(frozen=True)
class ExpectedFact:
    fact: str
    articles: frozenset[str]
    type: str
    fields: dict[str, Any]
    publish: bool = True

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ExpectedFact:
        return cls(
            fact=document["fact"],
            articles=frozenset(document["articles"]),
            type=document["type"],
            fields=document["fields"],
            publish=document.get("publish", True),
        )


@dataclass
class KindScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


class MissCause(StrEnum):
    """Why a labelled fact was not matched by a published candidate."""

    NO_CANDIDATE = "no candidate of its kind in its article"
    FIELD_WRONG = "published with a field wrong"
    BELOW_THRESHOLD = "right, but held for review"
    BELOW_THRESHOLD_FIELD_WRONG = "held for review, with a field wrong"
    COUNTED_FOR_ANOTHER = "its candidate counted for another fact"


@dataclass
class Evaluation:
    by_kind: dict[str, KindScore] = field(default_factory=dict)
    overall: KindScore = field(default_factory=KindScore)
    review_found: int = 0
    review_expected: int = 0
    missed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    #: Labelled fields of published facts that the best candidate of the fact's type and
    #: article got right, and how many fields were labelled.
    fields_right: int = 0
    fields_labelled: int = 0
    miss_causes: Counter[MissCause] = field(default_factory=Counter)
    #: Published facts a person gets right with at most one field corrected per candidate: those
    #: published right, and those whose candidate (queued or published) has one field wrong.
    within_one_correction: int = 0
    #: Of those, the ones whose corrected value is offered with the candidate (or none is needed).
    within_one_pick: int = 0
    #: How often each field was the one wrong in the nearest published candidate of a missed
    #: fact, by "kind.field".
    wrong_fields: Counter[str] = field(default_factory=Counter)

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields_labelled if self.fields_labelled else 1.0

    def table(self) -> str:
        """The scores as a Markdown table, one row per event kind and one overall."""
        rows = [table_header("kind")]
        for kind, score in sorted(self.by_kind.items()):
            rows.append(table_row(kind, score))
        rows.append(table_row("**overall**", self.overall))
        return "\n".join(rows)


@dataclass(frozen=True)
class NearMiss:
    """A missed fact and the candidate of its type that came closest."""

    fact: str
    candidate: str
    wrong: tuple[tuple[str, Any, Any], ...]  # (field, extracted, labelled)

    def describe(self) -> str:
        wrong = "; ".join(f"{name}: got {got!r}, want {want!r}" for name, got, want in self.wrong)
        return f"{self.fact} nearest {self.candidate}: {wrong}"


#: Shown for a ratio with nothing to divide by: precision when nothing was predicted, recall
#: when nothing was expected. Printing 1.00 there would claim a success that was never tested.
UNDEFINED = "–"


def table_header(first: str) -> str:
    """The two header lines of a table of scores whose first column is `first`."""
    return (
        f"| {first} | expected | predicted | correct | precision | recall |\n"
        "|---|---:|---:|---:|---:|---:|"
    )


def table_row(kind: str, score: KindScore) -> str:
    expected = score.true_positives + score.false_negatives
    predicted = score.true_positives + score.false_positives
    precision = f"{score.precision:.2f}" if predicted else UNDEFINED
    recall = f"{score.recall:.2f}" if expected else UNDEFINED
    return (
        f"| {kind} | {expected} | {predicted} | {score.true_positives} | {precision} | {recall} |"
    )


def evaluate(
    candidates: list[Candidate],
    facts: list[ExpectedFact],
    *,
    threshold: float,
    review_kinds: frozenset[str] = frozenset(),
) -> Evaluation:
    """Scores of what `--publish` would publish: candidates at or above the threshold and not of
    a kind sent to review (`PublishPolicy`); the rest count as queued for review."""
    policy = PublishPolicy(threshold, review_kinds)
    result = Evaluation()
    predicted = [c for c in candidates if policy.publishes(c)]
    below = [c for c in candidates if not policy.publishes(c)]
    published_facts = [f for f in facts if f.publish]
    matched_facts: set[str] = set()
    used: set[int] = set()
    for candidate in predicted:
        kind = candidate.event.type
        score = result.by_kind.setdefault(kind, KindScore())
        fact = next(
            (f for f in published_facts if f.fact not in matched_facts and matches(candidate, f)),
            None,
        )
        if fact is None:
            score.false_positives += 1
            result.unexpected.append(_describe(candidate))
        else:
            matched_facts.add(fact.fact)
            used.add(id(candidate))
            score.true_positives += 1
    for fact in published_facts:
        result.fields_labelled += len(fact.fields)
        if fact.fact in matched_facts:
            result.fields_right += len(fact.fields)
            continue
        result.by_kind.setdefault(fact.type, KindScore()).false_negatives += 1
        result.missed.append(f"{fact.fact} ({fact.type})")
        result.miss_causes[_miss_cause(fact, predicted, below)] += 1
        nearest = _nearest(predicted, fact)
        if nearest is not None:
            candidate, wrong = nearest
            result.fields_right += len(fact.fields) - len(wrong)
            result.near_misses.append(NearMiss(fact.fact, candidate.event.event_id, wrong))
            result.wrong_fields.update(f"{fact.type}.{name}" for name, _got, _want in wrong)
    reached, picked = _one_correction_away(
        [f for f in published_facts if f.fact not in matched_facts],
        [c for c in candidates if id(c) not in used],
    )
    result.within_one_correction = len(matched_facts) + reached
    result.within_one_pick = len(matched_facts) + picked
    review_facts = [f for f in facts if not f.publish]
    result.review_expected = len(review_facts)
    result.review_found = sum(1 for f in review_facts if any(matches(c, f) for c in below))
    result.overall = _overall(result.by_kind)
    return result


def _overall(by_kind: dict[str, KindScore]) -> KindScore:
    return KindScore(
        sum(s.true_positives for s in by_kind.values()),
        sum(s.false_positives for s in by_kind.values()),
        sum(s.false_negatives for s in by_kind.values()),
    )


def agreement(first: list[ExpectedFact], second: list[ExpectedFact]) -> Evaluation:
    """How far a second, independent labelling of the same articles agrees with the first,
    scored as the extractor is scored: each fact of `second` to be published plays a published
    candidate whose event has exactly its labelled fields, and is right when an unmatched fact of
    `first` of the same type and article has every labelled field equal (a field the second left
    out counts as absent). What two careful readers agree on is the ceiling against which the
    extractor's scores are read."""
    result = Evaluation()
    expected = [f for f in first if f.publish]
    matched: set[str] = set()
    for labelled in (f for f in second if f.publish):
        score = result.by_kind.setdefault(labelled.type, KindScore())
        fact = next(
            (
                f
                for f in expected
                if f.fact not in matched
                and f.type == labelled.type
                and f.articles & labelled.articles
                and not _wrong_in(labelled.fields, f)
            ),
            None,
        )
        if fact is None:
            score.false_positives += 1
            result.unexpected.append(f"{labelled.fact} ({labelled.type})")
        else:
            matched.add(fact.fact)
            score.true_positives += 1
    for fact in expected:
        if fact.fact not in matched:
            result.by_kind.setdefault(fact.type, KindScore()).false_negatives += 1
            result.missed.append(f"{fact.fact} ({fact.type})")
    result.overall = _overall(result.by_kind)
    return result


def _one_correction_away(missed: list[ExpectedFact], free: list[Candidate]) -> tuple[int, int]:
    """Missed facts that a person gets right by correcting one field of a candidate of the
    fact's kind and article (queued, or published and corrected), each candidate used once; and
    of those, how many need no typing (`_offered`), or nothing is wrong."""
    reached = picked = 0
    for fact in missed:
        for candidate in free:
            if not _same_report(candidate, fact):
                continue
            wrong = _wrong_fields(candidate, fact)
            if len(wrong) > 1:
                continue
            free.remove(candidate)
            reached += 1
            picked += not wrong or _offered(candidate, *wrong[0])
            break
    return reached, picked


def _offered(candidate: Candidate, name: str, _got: Any, wanted: Any) -> bool:
    """Whether a person sets this field without typing a value: clearing it, picking one of the
    contract's fixed choices (a stage, a measure; a country is typed), or one of the values
    offered with the candidate."""
    if wanted is None:
        return True
    model_field = type(candidate.event).model_fields.get(name)
    if model_field is not None and _fixed_choices(model_field.annotation):
        return True
    return any(_equal(value, wanted) for value in dict(candidate.alternatives).get(name, ()))


def _fixed_choices(annotation: Any) -> bool:
    if get_origin(annotation) is Literal:
        return True
    return any(_fixed_choices(arg) for arg in get_args(annotation) if arg is not type(None))


def _miss_cause(
    fact: ExpectedFact, predicted: list[Candidate], below: list[Candidate]
) -> MissCause:
    if any(matches(c, fact) for c in predicted):
        return MissCause.COUNTED_FOR_ANOTHER
    if any(_same_report(c, fact) for c in predicted):
        return MissCause.FIELD_WRONG
    if any(matches(c, fact) for c in below):
        return MissCause.BELOW_THRESHOLD
    if any(_same_report(c, fact) for c in below):
        return MissCause.BELOW_THRESHOLD_FIELD_WRONG
    return MissCause.NO_CANDIDATE


def _describe(candidate: Candidate) -> str:
    articles = ", ".join(sorted({s.evidence.article for s in candidate.sightings}))
    return f"{candidate.event.event_id} ({articles})"


def matches(candidate: Candidate, fact: ExpectedFact) -> bool:
    return _same_report(candidate, fact) and not _wrong_fields(candidate, fact)


def _same_report(candidate: Candidate, fact: ExpectedFact) -> bool:
    return candidate.event.type == fact.type and bool(
        fact.articles & {s.evidence.article for s in candidate.sightings}
    )


def _wrong_fields(candidate: Candidate, fact: ExpectedFact) -> tuple[tuple[str, Any, Any], ...]:
    return _wrong_in(candidate.event.model_dump(mode="json", exclude_none=True), fact)


def _wrong_in(document: dict[str, Any], fact: ExpectedFact) -> tuple[tuple[str, Any, Any], ...]:
    """The fact's labelled fields the document gives otherwise: (name, given, labelled)."""
    return tuple(
        (name, document.get(name), wanted)
        for name, wanted in fact.fields.items()
        if not _equal(document.get(name), wanted)
    )


def _nearest(
    candidates: list[Candidate], fact: ExpectedFact
) -> tuple[Candidate, tuple[tuple[str, Any, Any], ...]] | None:
    """The candidate of the fact's type and article with the fewest labelled fields wrong."""
    scored = [(c, _wrong_fields(c, fact)) for c in candidates if _same_report(c, fact)]
    return min(scored, key=lambda pair: len(pair[1]), default=None)


def _equal(actual: Any, wanted: Any) -> bool:
    if wanted is None or actual is None:
        return wanted is None and actual is None
    if isinstance(wanted, dict):
        return (
            isinstance(actual, dict)
            and set(actual) == set(wanted)
            and all(_equal(actual[k], v) for k, v in wanted.items())
        )
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(actual) != len(wanted):
            return False
        if all(isinstance(w, str) for w in wanted):
            return sorted(actual) == sorted(wanted)
        ordered_actual = sorted(actual, key=_order)
        return all(
            _equal(a, w) for a, w in zip(ordered_actual, sorted(wanted, key=_order), strict=True)
        )
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return actual is wanted
    try:
        return Decimal(str(actual)) == Decimal(str(wanted))
    except InvalidOperation:
        return bool(actual == wanted)


def _order(item: Any) -> str:
    return str(item.get("entity_id", "")) if isinstance(item, dict) else str(item)
