"""`monazite extract`, `monazite review` and `monazite watch`: events read from the news."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from monazite_core.news_facts import (
    ID_FIELDS,
    NOT_CORRECTABLE,
    CorrectionError,
    added_fact,
    corrected_fact,
    parse_assignment,
    reviewed_fact,
)
from monazite_infra.postgres.news_store import SourceRow
from monazite_infra.postgres.pool import create_pool
from monazite_infra.review_desk import Addition, Approval, Correction
from monazite_infra.settings import ConfigurationError, Settings
from monazite_producer.news.article import UnreadableArticle, quoted, read_article
from monazite_producer.news.candidates import PublishPolicy
from monazite_producer.news.extract import DEFAULT_THRESHOLD, EXTRACTED_KINDS
from monazite_producer.news_files import (
    DEFAULT_REFERENCE,
    extract_paths,
    load_fx,
    reference_directory,
)
from monazite_producer.news_publish import (
    FileReport,
    NewsPublisher,
    describe,
    watch,
)

T = TypeVar("T")

_threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Publish candidates at or above this confidence; queue the rest for review.",
)


_review_kind_option = click.option(
    "--review-kind",
    "review_kinds",
    multiple=True,
    type=click.Choice(sorted(EXTRACTED_KINDS)),
    help="Queue every candidate of this kind for review, however sure (repeatable).",
)


def _settings() -> Settings:
    settings = Settings().resolved()
    try:
        settings.require_bootstrap()
        settings.require_database_url()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    return settings


async def _with_publisher(action: Callable[[NewsPublisher], Awaitable[T]]) -> T:
    settings = _settings()
    pool = await create_pool(settings.require_database_url(), min_size=1, max_size=2)
    try:
        async with NewsPublisher(settings, pool) as publisher:
            return await action(publisher)
    finally:
        await pool.close()


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--publish", is_flag=True, help="Publish (or queue for review) instead of printing.")
@_threshold_option
@_review_kind_option
@click.option(
    "--reference",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_REFERENCE,
    show_default=True,
    help="Entities to resolve names against (with --publish, the accepted ones are added).",
)
def extract(
    paths: tuple[str, ...],
    publish: bool,
    threshold: float,
    review_kinds: tuple[str, ...],
    reference: Path,
) -> None:
    """Read articles (files, folders, `-` for stdin; text or HTML) and print candidate events.

    Each line is {"event", "confidence", "evidence", "sources", "amount_usd", "notes",
    "dedupe_key"}; `event` is an input event as `monazite publish` takes it. An article that
    cannot be read is reported on stderr with the reason; the exit status is then 1.
    """

    async def run() -> int:
        fx = load_fx()
        if not publish:
            extraction = extract_paths(list(paths), reference_directory(reference), fx)
            for candidate in extraction.candidates:
                sys.stdout.buffer.write(orjson.dumps(candidate.document()) + b"\n")
            return _report_problems(extraction.problems)

        async def publish_all(publisher: NewsPublisher) -> int:
            directory = await publisher.directory(reference)
            extraction = extract_paths(list(paths), directory, fx)
            policy = PublishPolicy(threshold, frozenset(review_kinds))
            outcomes = await publisher.submit(extraction.candidates, policy)
            for outcome in outcomes:
                where = {
                    "published": "published",
                    "queued": "queued for review",
                    "known": f"already known as {outcome.known_as} (source added)",
                }[outcome.route]
                click.echo(f"{outcome.event_id}  {outcome.confidence:.2f}  {where}")
            click.echo(describe(outcomes))
            return _report_problems(extraction.problems)

        return await _with_publisher(publish_all)

    sys.exit(asyncio.run(run()))


def _report_problems(problems: list[Any]) -> int:
    for problem in problems:
        click.echo(f"{problem.name}: {problem.reason} (nothing extracted)", err=True)
    return 1 if problems else 0


@click.group()
def review() -> None:
    """The review queue: candidates below the publishing threshold, waiting for a person."""


@review.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "approved", "rejected", "all"]),
    default="pending",
    show_default=True,
)
def list_reviews(status: str) -> None:
    """Per entry: id, status, confidence, type and event id; the event's terms; the evidence
    sentence; the extractor's notes; and the sentence's other values a field could take."""

    async def fetch(publisher: NewsPublisher) -> list[dict[str, Any]]:
        wanted = None if status == "all" else status
        return await publisher.store.reviews(status=wanted, after_id=None, limit=1000)  # type: ignore[arg-type]

    for entry in asyncio.run(_with_publisher(fetch)):
        sentence = entry["candidate"]["evidence"]["sentence"]
        notes = "; ".join(entry["candidate"].get("notes", []))
        offered = "; ".join(
            f"{name} {' | '.join(_compact(v) for v in values)}"
            for name, values in entry["candidate"].get("alternatives", {}).items()
        )
        click.echo(
            f"{entry['id']}  {entry['status']}  {entry['confidence']:.2f}  {entry['type']}"
            f"  {entry['event_id']}\n    {_terms(entry['candidate']['event'])}\n    {sentence}"
            + (f"\n    notes: {notes}" if notes else "")
            + (f"\n    other values in the sentence: {offered}" if offered else "")
        )


def _terms(event: dict[str, Any]) -> str:
    return "  ".join(
        f"{name}={_compact(value)}" for name, value in event.items() if name not in NOT_CORRECTABLE
    )


def _compact(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


@review.command("show")
@click.argument("review_id", type=int)
def show(review_id: int) -> None:
    """The whole entry as JSON: the candidate's event, evidence, notes and every source."""

    async def fetch(publisher: NewsPublisher) -> dict[str, Any] | None:
        return await publisher.store.review(review_id)

    entry = asyncio.run(_with_publisher(fetch))
    if entry is None:
        raise click.ClickException(f"no review {review_id}")
    click.echo(orjson.dumps(entry, option=orjson.OPT_INDENT_2, default=str).decode())


def _corrections(assignments: tuple[str, ...]) -> dict[str, Any]:
    try:
        return dict(parse_assignment(text) for text in assignments)
    except CorrectionError as error:
        raise click.BadParameter(str(error), param_hint="--set") from error


def _decide(action: Callable[[NewsPublisher], Awaitable[T]]) -> T:
    """Run a decision, answering a refused correction or a missing entry as a usage error."""
    try:
        return asyncio.run(_with_publisher(action))
    except CorrectionError as error:
        raise click.BadParameter(str(error), param_hint="--set") from error
    except LookupError as error:
        raise click.ClickException(str(error)) from error


@review.command("export")
def export_reviews() -> None:
    """Every fact a person vouched for, as a labelled fact (JSON Lines, the format `news_eval
    --expected` reads): each approved entry, corrections applied, each published fact corrected
    with `monazite correct`, as corrected, and each fact added with `review add`; with the
    articles that reported it."""

    async def fetch(publisher: NewsPublisher) -> list[dict[str, Any]]:
        approved = await publisher.store.reviews(status="approved", after_id=None, limit=1_000_000)
        corrected = await publisher.store.corrected_facts()
        added = await publisher.store.added_facts()
        return [
            *(reviewed_fact(entry) for entry in approved),
            *(corrected_fact(replacement, articles) for replacement, articles in corrected),
            *(added_fact(event, articles) for event, articles in added),
        ]

    for fact in asyncio.run(_with_publisher(fetch)):
        click.echo(orjson.dumps(fact).decode())


@review.command("approve")
@click.argument("review_id", type=int)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Correct a field of the event before publishing it (repeatable). VALUE is JSON when it"
    ' parses as JSON (15, null, ["Dy"], {"amount": "61000000", "currency": "USD"}), else'
    " text; null clears the field.",
)
def approve(review_id: int, assignments: tuple[str, ...]) -> None:
    """Publish the candidate's event, corrected by any --set."""
    corrections = _corrections(assignments)

    async def run(publisher: NewsPublisher) -> Approval:
        return await publisher.desk.approve(review_id, corrections)

    approval = _decide(run)
    corrected = f" (corrected: {', '.join(corrections)})" if corrections else ""
    if approval.published:
        click.echo(f"approved {review_id}: published {approval.event_id}{corrected}")
    else:
        click.echo(
            f"approved {review_id}: already published as {approval.event_id}{corrected};"
            " its sources were added"
        )


@review.command("add")
@click.argument("article_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--type", "event_type", required=True, type=click.Choice(list(ID_FIELDS)), help="Its kind."
)
@click.option(
    "--sentence",
    required=True,
    help="The words of the article that give the fact, kept as its evidence.",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A field of the event, as for `review approve` (repeatable); occurred_at defaults to"
    " the article's date.",
)
def add_fact(
    article_path: Path, event_type: str, sentence: str, assignments: tuple[str, ...]
) -> None:
    """Add a fact the extractor missed in ARTICLE_PATH, as a person read it.

    The event gets the id the extractor would have given it and the article as its source, so a
    later article reporting the fact is recognised; a fact already published from another
    article only gains this one as a source.
    """
    fields = _corrections(assignments)
    try:
        article = read_article(article_path.read_bytes(), article_path.name)
    except UnreadableArticle as error:
        raise click.ClickException(f"{article_path}: {error}") from error
    found = quoted(article, sentence)
    if found is None:
        raise click.BadParameter(f"not in {article_path.name}", param_hint="--sentence")
    start, end = found
    source = SourceRow(
        article.name,
        article.source_publisher,
        article.url,
        article.title,
        article.text[start:end],
        start,
        end,
    )

    async def run(publisher: NewsPublisher) -> Addition:
        return await publisher.desk.add(
            event_type, fields, reported_on=article.published, source=source
        )

    addition = _decide(run)
    if addition.published:
        click.echo(f"published {addition.event_id}")
    else:
        click.echo(
            f"already published as {addition.event_id}; {article.name} was added as a source"
        )


@click.command("correct")
@click.argument("event_id")
@click.option("--reason", required=True, help="What was wrong (kept with the retraction).")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="The corrected value of a field, as for `review approve` (repeatable). Without any,"
    " the event is retracted and nothing replaces it.",
)
def correct(event_id: str, reason: str, assignments: tuple[str, ...]) -> None:
    """Correct an accepted event: retract it and publish the corrected fact under a new id.

    For a fact read from the news that was published wrong; any event the pipeline accepted can
    be corrected this way.
    """
    corrections = _corrections(assignments)

    async def run(publisher: NewsPublisher) -> Correction:
        return await publisher.desk.correct(event_id, corrections, reason)

    correction = _decide(run)
    retraction, replacement = correction.retraction, correction.replacement
    if replacement is None:
        click.echo(f"retracted {event_id} ({retraction.event_id})")
    else:
        click.echo(
            f"retracted {event_id} ({retraction.event_id}); published {replacement.event_id}"
        )


@review.command("reject")
@click.argument("review_id", type=int)
@click.option("--reason", required=True, help="Why the candidate is wrong (kept with it).")
def reject(review_id: int, reason: str) -> None:
    """Close the entry without publishing anything."""

    async def run(publisher: NewsPublisher) -> None:
        await publisher.desk.reject(review_id, reason)

    _decide(run)
    click.echo(f"rejected {review_id}: {reason}")


@click.command("watch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_threshold_option
@_review_kind_option
@click.option("--interval", default=2.0, show_default=True, help="Seconds between looks.")
@click.option("--once", is_flag=True, help="Handle the files there now, then stop.")
def watch_folder(
    folder: Path, threshold: float, review_kinds: tuple[str, ...], interval: float, once: bool
) -> None:
    """Extract and publish every new article dropped into FOLDER, once each (across restarts).

    Files already handled (by content, recorded in PostgreSQL) are skipped; a file that cannot be
    read is moved to FOLDER/unreadable/ with a `.reason.txt` beside it. Ctrl-C stops.
    """

    def report(file_report: FileReport) -> None:
        click.echo(f"{file_report.name}: {file_report.message}", err=False)

    async def run(publisher: NewsPublisher) -> None:
        policy = PublishPolicy(threshold, frozenset(review_kinds))
        await watch(
            folder, publisher, load_fx(), policy, interval=interval, report=report, once=once
        )

    try:
        asyncio.run(_with_publisher(run))
    except KeyboardInterrupt:
        click.echo("stopped watching")


COMMANDS = (extract, review, correct, watch_folder)
