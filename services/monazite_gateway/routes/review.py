"""The news review queue: candidates the extractor was not sure enough of to publish, and a
person's decisions on them and on facts already accepted, and the facts a person adds that the
extractor missed (behind a write key)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from monazite_core.news_facts import CorrectionError
from monazite_gateway.auth import WriteKey
from monazite_gateway.deps import ReadStoreDep
from monazite_gateway.pagination import CursorQuery, Limit, decode_cursor, page
from monazite_gateway.problems import Problem
from monazite_gateway.responses import OrjsonResponse
from monazite_infra.postgres.news_store import NewsStore, SourceRow
from monazite_infra.postgres.read_store import ReadStore
from monazite_infra.publisher import EventPublisher
from monazite_infra.review_desk import AlreadyDecided, AlreadyRead, NoSuchReview, ReviewDesk

router = APIRouter(prefix="/v1", tags=["review"])


@router.get("/review", summary="News candidates waiting for review, oldest first")
async def list_review(
    request: Request,
    store: ReadStoreDep,
    status: Annotated[
        Literal["pending", "approved", "rejected", "all"],
        Query(description="entries in this state (`all` for every entry)"),
    ] = "pending",
    cursor: CursorQuery = None,
    limit: Limit = 100,
) -> OrjsonResponse:
    """Each entry: `id` (for `monazite review approve|reject ID`), `event_id`, `type`,
    `confidence`, `status`, `reason`, `queued_at`, `decided_at`, the extractor's `candidate`
    envelope, every article (`sources`) that reported the fact and, once approved, the
    reviewer's `corrections` (the fields set or cleared, or null) and `published_event_id` (the
    id the event was published under: derived again from corrected fields)."""
    after = decode_cursor(cursor, int)
    entries = await NewsStore(store.pool).reviews(
        status=None if status == "all" else status,
        after_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(request, entries, key="review", limit=limit, cursor_of=lambda e: [e["id"]])


class ApproveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    corrections: dict[str, Any] = Field(
        default_factory=dict,
        description="fields of the event to set before publishing it (`null` clears one);"
        " type, id, source and schema version are the extractor's",
        examples=[{"pct_before": "15.0", "holder_id": "evac"}],
    )


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CorrectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    corrections: dict[str, Any] = Field(
        default_factory=dict,
        description="the corrected fields; none: the event is only retracted",
    )


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class ArticleReference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(description="the article's file name or identifier", examples=["lynas.txt"])
    publisher: Text
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    published: date | None = Field(
        default=None, description="the article's date: the fact's date unless fields give one"
    )


class AddedFactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="the kind of event, one read from the news")
    fields: dict[str, Any] = Field(
        description="the event's fields as a person read them; occurred_at defaults to the"
        " article's date",
        examples=[{"holder_id": "lynas", "target_id": "peak", "pct_after": "12"}],
    )
    article: ArticleReference
    sentence: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(description="the words of the article that give the fact (its evidence)")
    start: int = Field(default=0, ge=0, description="where the sentence starts in the article")


@router.post(
    "/review/facts",
    status_code=201,
    summary="Add a fact the extractor missed, as a person read it in an article",
)
async def add_fact(
    request: Request, key: WriteKey, store: ReadStoreDep, body: AddedFactRequest
) -> OrjsonResponse:
    """The event gets the id the extractor would have given it and the article as its source,
    so a later article reporting the fact is recognised. The answer gives the `event_id` and
    whether it was `published` (a fact already published from another article only gains the
    source). 422 naming the field at fault (`fields.pct_after`, `type`); 409 for a fact read
    before that waits for review or was retracted (decide it there)."""
    article = body.article
    source = SourceRow(
        article.name,
        article.publisher,
        article.url,
        article.title,
        body.sentence,
        body.start,
        body.start + len(body.sentence),
    )
    try:
        addition = await _desk(request, store).add(
            body.type, body.fields, reported_on=article.published, source=source
        )
    except CorrectionError as error:
        # A rule of the whole event ("event") is the fields' fault taken together.
        field = {"type": "type", "event": "fields"}.get(error.field, f"fields.{error.field}")
        raise Problem(422, "Invalid fact", str(error), field=field) from None
    except AlreadyRead as error:
        raise Problem(409, "Already read", str(error), field="fields") from None
    return OrjsonResponse(
        {"event_id": addition.event_id, "published": addition.published}, status_code=201
    )


@router.post(
    "/review/{review_id}/approve",
    summary="Publish a queued candidate's event, corrected field by field",
)
async def approve_review(
    request: Request,
    key: WriteKey,
    store: ReadStoreDep,
    review_id: Annotated[int, PathParam(ge=1)],
    body: ApproveRequest | None = None,
) -> OrjsonResponse:
    """404 for no such entry, 409 for one already decided, 422 naming the field of a correction
    the contract refuses (`corrections.pct_after`). The answer gives the `event_id` the event
    stands under (derived again from corrected fields) and whether it was `published` (a fact
    corrected into one already published from another article only gains the entry's sources)."""
    corrections = body.corrections if body is not None else {}
    try:
        approval = await _desk(request, store).approve(review_id, corrections)
    except CorrectionError as error:
        raise Problem(
            422, "Invalid correction", str(error), field=f"corrections.{error.field}"
        ) from None
    except (NoSuchReview, AlreadyDecided) as error:
        raise _refused(error) from None
    return OrjsonResponse(
        {
            "id": review_id,
            "status": "approved",
            "event_id": approval.event_id,
            "published": approval.published,
            "corrections": corrections or None,
        }
    )


@router.post("/review/{review_id}/reject", summary="Close a queued candidate unpublished")
async def reject_review(
    request: Request,
    key: WriteKey,
    store: ReadStoreDep,
    review_id: Annotated[int, PathParam(ge=1)],
    body: RejectRequest,
) -> OrjsonResponse:
    """404 for no such entry, 409 for one already decided."""
    try:
        await _desk(request, store).reject(review_id, body.reason)
    except (NoSuchReview, AlreadyDecided) as error:
        raise _refused(error) from None
    return OrjsonResponse({"id": review_id, "status": "rejected", "reason": body.reason})


@router.post(
    "/events/{event_id:path}/correction",
    summary="Retract an accepted event and publish the corrected fact under a new id",
)
async def correct_event(
    request: Request,
    key: WriteKey,
    store: ReadStoreDep,
    event_id: str,
    body: CorrectionRequest,
) -> OrjsonResponse:
    """An `event_retracted` naming the corrected fact in `replaced_by`, and the corrected fact
    (its id derived again from the corrected fields, else the old id with `:corrected:` and a
    digest of the corrections); without corrections, the retraction alone. 404 for an event the
    pipeline has not accepted, 422 naming the field of a refused correction."""
    try:
        correction = await _desk(request, store).correct(event_id, body.corrections, body.reason)
    except CorrectionError as error:
        field = "event_id" if error.field == "event_id" else f"corrections.{error.field}"
        raise Problem(422, "Invalid correction", str(error), field=field) from None
    except LookupError as error:
        raise Problem(404, "Not found", str(error), field="event_id") from None
    replacement = correction.replacement
    return OrjsonResponse(
        {
            "retracted_event_id": event_id,
            "retraction_event_id": correction.retraction.event_id,
            "replacement_event_id": replacement.event_id if replacement is not None else None,
        }
    )


def _refused(error: NoSuchReview | AlreadyDecided) -> Problem:
    if isinstance(error, NoSuchReview):
        return Problem(404, "Not found", str(error), field="review_id")
    return Problem(409, "Already decided", str(error), field="review_id")


def _desk(request: Request, store: ReadStore) -> ReviewDesk:
    publisher: EventPublisher = request.app.state.publisher
    return ReviewDesk(NewsStore(store.pool), publisher)
