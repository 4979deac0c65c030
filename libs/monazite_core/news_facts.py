"""Facts read from the news: their ids, what makes two reports one fact, and a person's
corrections to them, before they are published or after. Pure.

On text it was not written against, the extractor most often errs by one field: the holding
before read as the holding after, the wrong party, a figure's stage. A person approving such a
candidate sets or clears those fields (`monazite review approve ID --set pct_after=15`, or
`POST /v1/review/{id}/approve`) rather than rejecting it and writing the event by hand; the
evidence and sources stay attached. An event already accepted is corrected the way the contract
says: a retraction, plus the corrected fact under a new id named in the retraction's
`replaced_by` (`correction_of`).

The event keeps its type, source and schema version. Its id is derived again from the corrected
fields, as the extractor derives it, so that a later article reporting the corrected fact is
recognised as the same fact and not published twice.

A fact the extractor missed altogether is added by a person from the article (`added_event`):
it gets the id the extractor would have given it, so a later report of it is recognised too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any

import pydantic

from monazite_core.events import (
    INPUT_EVENT_TYPES,
    EntityRegistered,
    EventRetracted,
    ExportControlImposed,
    ExportControlLifted,
    ExportControlSuspended,
    FundingAwarded,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    OutputReported,
    PriceFloorSet,
    QuotaSet,
    Source,
    StakeChanged,
    TariffImposed,
    parse_input_event,
)

#: The fields naming each kind of event the extractor makes, in its event id.
ID_FIELDS: dict[str, tuple[str, ...]] = {
    "stake_changed": ("holder_id", "target_id"),
    "merger_completed": ("survivor_id", "absorbed_id"),
    "joint_venture_formed": ("venture_id",),
    "funding_awarded": ("funder_id", "recipient_id", "instrument"),
    "export_control_imposed": ("control_id",),
    "export_control_suspended": ("control_id",),
    "export_control_lifted": ("control_id",),
    "quota_set": ("jurisdiction", "entity_id", "quota_kind", "stage", "period"),
    "price_floor_set": ("jurisdiction", "beneficiary_id", "element_group"),
    "output_reported": ("entity_id", "country", "element_group", "stage", "period", "measure"),
    "tariff_imposed": ("jurisdiction", "on_origin", "commodity"),
}


def news_event_id(event_type: str, fields: dict[str, Any], occurred: date) -> str:
    """The id of an event read from the news: its kind, the fields naming it, and its date."""
    parts = [str(fields[k]) for k in ID_FIELDS[event_type] if fields.get(k) is not None]
    return ":".join(["news", event_type, *parts, occurred.isoformat()])


def dedupe_key(event: InputEvent) -> str:
    """What makes two reports the same fact: the type and its parties (dates are compared apart,
    within `SAME_FACT_WINDOW`)."""
    match event:
        case EntityRegistered():
            parts: tuple[object, ...] = (event.entity_id,)
        case StakeChanged():
            parts = (event.holder_id, event.target_id)
        case MergerCompleted():
            parts = (event.survivor_id, event.absorbed_id)
        case JointVentureFormed():
            parts = tuple(sorted(p.entity_id for p in event.partners))
        case FundingAwarded():
            parts = (event.funder_id, event.recipient_id, event.instrument)
        case ExportControlImposed():
            parts = (
                event.jurisdiction,
                event.commodity,
                *sorted(event.elements),
                *sorted(event.element_groups),
            )
        case ExportControlSuspended() | ExportControlLifted():
            parts = (event.control_id,)
        case QuotaSet():
            parts = (
                event.jurisdiction,
                event.entity_id or "-",
                event.quota_kind,
                event.element_group,
                event.stage,
                event.period,
            )
        case TariffImposed():
            parts = (event.jurisdiction, event.on_origin or "-", event.commodity, *event.stages)
        case PriceFloorSet():
            parts = (event.jurisdiction or "-", event.beneficiary_id or "-", event.element_group)
        case OutputReported():
            supplier = event.entity_id or event.country
            parts = (supplier, event.market_id, event.period, event.measure)
        case _:
            parts = (event.event_id,)
    return ":".join([event.type, *(str(p) for p in parts)])


#: Fields the extractor and the pipeline own: what kind of event it is, where it was read, the
#: contract version and the bookkeeping of the pipeline. A candidate of the wrong kind is
#: rejected, not corrected.
NOT_CORRECTABLE = frozenset(
    {
        "type",
        "event_id",
        "schema_version",
        "source",
        "recorded_at",
        "causation_id",
        "correlation_id",
    }
)

_FIELDS_BY_TYPE: dict[str, frozenset[str]] = {
    str(model.model_fields["type"].default): frozenset(model.model_fields)
    for model in INPUT_EVENT_TYPES
}


class CorrectionError(ValueError):
    """A correction that cannot be applied, with the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def parse_assignment(text: str) -> tuple[str, Any]:
    """`FIELD=VALUE` as typed on the command line. VALUE is read as JSON when it is JSON
    (`15`, `null`, `["Dy", "Tb"]`, `{"amount": "61000000", "currency": "USD"}`), else as text
    (`evac`, `2027-05-17`); `null` clears the field."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise CorrectionError(text or "?", "expected FIELD=VALUE, e.g. pct_after=15")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return name, value


def corrected_event(event: Mapping[str, Any], corrections: Mapping[str, Any]) -> InputEvent:
    """The candidate's event (as published JSON) with these fields set, or cleared by `None`;
    raises `CorrectionError` naming the first field at fault."""
    event_type = str(event.get("type"))
    known = _FIELDS_BY_TYPE.get(event_type, frozenset())
    document = dict(event)
    for name, value in corrections.items():
        if name in NOT_CORRECTABLE:
            raise CorrectionError(
                name, "kept from the candidate; reject a candidate of the wrong kind instead"
            )
        if name not in known:
            raise CorrectionError(
                name,
                f"not a field of {event_type}; its fields are"
                f" {', '.join(sorted(known - NOT_CORRECTABLE))}",
            )
        if value is None:
            document.pop(name, None)
        elif name == "occurred_at" and isinstance(value, str) and len(value) == len("2027-05-17"):
            # A reviewer types the day; events happen at midnight UTC of their day.
            document[name] = f"{value}T00:00:00Z"
        else:
            document[name] = value
    try:
        parsed = parse_input_event(document)
    except pydantic.ValidationError as error:
        raise _first_problem(error, event_type) from error
    new_id = _derived_id(event, parsed)
    if new_id == parsed.event_id:
        return parsed
    return parse_input_event(
        {**parsed.model_dump(mode="json", exclude_none=True), "event_id": new_id}
    )


def _derived_id(original: Mapping[str, Any], corrected: InputEvent) -> str:
    """The id the extractor would have given the corrected event. An id it did not derive from
    the fields (an export control's own control id, an event from elsewhere) is kept."""
    original_id = str(original.get("event_id", ""))
    if isinstance(corrected, EntityRegistered):
        derived = original_id == f"news:entity:{original.get('entity_id')}"
        return f"news:entity:{corrected.entity_id}" if derived else original_id
    if corrected.type not in ID_FIELDS:
        return original_id
    original_day = date.fromisoformat(str(original.get("occurred_at", ""))[:10])
    if news_event_id(corrected.type, dict(original), original_day) != original_id:
        return original_id
    fields = corrected.model_dump(mode="json", exclude_none=True)
    return news_event_id(corrected.type, fields, corrected.occurred_at.date())


#: What the pipeline added to an accepted event; its correction is recorded anew.
_PIPELINE_FIELDS = ("recorded_at", "causation_id", "correlation_id")


def correction_of(
    accepted: Mapping[str, Any],
    corrections: Mapping[str, Any],
    reason: str,
    *,
    now: datetime,
) -> tuple[EventRetracted, InputEvent | None]:
    """The retraction of an accepted event and, when there are corrections, the corrected event
    under a new id (derived again from the corrected fields, else the old id marked with a digest
    of the corrections), caused by the event it replaces. Both ids are deterministic, so a
    correction published twice is one correction."""
    event_id = str(accepted.get("event_id"))
    if accepted.get("type") == "event_retracted":
        raise CorrectionError("event_id", f"{event_id} is a retraction; it cannot be corrected")
    replacement = None
    if corrections:
        original = {k: v for k, v in accepted.items() if k not in _PIPELINE_FIELDS}
        corrected = corrected_event(original, corrections)
        new_id = corrected.event_id
        if new_id == event_id:
            canonical = json.dumps(dict(corrections), sort_keys=True, default=str)
            new_id = f"{event_id}:corrected:{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"
        replacement = parse_input_event(
            {
                **corrected.model_dump(mode="json", exclude_none=True),
                "event_id": new_id,
                "causation_id": event_id,
            }
        )
    retraction = EventRetracted(
        event_id=f"retraction:{event_id}",
        occurred_at=now,
        source=Source(publisher="monazite correct", evidence=reason),
        retracted_event_id=event_id,
        reason=reason,
        replaced_by=replacement.event_id if replacement is not None else None,
    )
    return retraction, replacement


def added_event(
    event_type: str, fields: Mapping[str, Any], *, reported_on: date | None, source: Source
) -> InputEvent:
    """A fact a person read in an article that the extractor did not find: an event of
    `event_type` with these fields, dated `occurred_at` if given, else the day the article was
    published, with the article as its source. Its id is the one the extractor would have
    derived, so that a later article reporting the fact is recognised as the same fact. Raises
    `CorrectionError` naming the first field at fault."""
    if event_type not in ID_FIELDS:
        raise CorrectionError(
            "type",
            f"{event_type!r} is not a kind read from the news: one of {', '.join(ID_FIELDS)}",
        )
    for name in fields:
        if name in NOT_CORRECTABLE:
            raise CorrectionError(
                name, "set by Monazite, from the kind, the fields and the article"
            )
    if fields.get("occurred_at") is None and reported_on is None:
        raise CorrectionError("occurred_at", "the article gives no date: set the day of the fact")
    day = reported_on or date.min
    # An event of no fields yet, under the id derived from them: the fields are then set as
    # corrections, which derive the id again from what they name.
    skeleton: dict[str, Any] = {
        "type": event_type,
        "event_id": news_event_id(event_type, {}, day),
        "source": source.model_dump(mode="json", exclude_none=True),
        "occurred_at": datetime.combine(day, time(), UTC).isoformat(),
    }
    return corrected_event(skeleton, {k: v for k, v in fields.items() if v is not None})


def reviewed_fact(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An approved review entry as a labelled fact in the format of `data/news/*_expected.jsonl`
    (`news_eval --expected`): the event a person approved, corrections applied, with the
    articles that reported it. Reviews become a labelled set of real articles."""
    candidate = entry["candidate"]
    event = corrected_event(candidate["event"], entry.get("corrections") or {})
    articles = [s["article"] for s in entry.get("sources") or []] or [
        candidate["evidence"]["article"]
    ]
    return _labelled(f"review-{entry['id']}", event, articles)


def added_fact(added: Mapping[str, Any], articles: Iterable[str]) -> dict[str, Any]:
    """A fact a person added from an article (`added_event`), as the pipeline accepted it, as a
    labelled fact: what the extractor should have found there."""
    event = parse_input_event(dict(added))
    return _labelled(f"added-{event.event_id}", event, articles)


def corrected_fact(replacement: Mapping[str, Any], articles: Iterable[str]) -> dict[str, Any]:
    """A published news fact a person corrected (`monazite correct`), as a labelled fact: the
    replacement's terms, reported by the articles of the fact it replaced. With
    `reviewed_fact`, every fact a person vouched for becomes labelled data."""
    event = parse_input_event(dict(replacement))
    return _labelled(f"correction-{event.event_id}", event, articles)


def _labelled(label: str, event: InputEvent, articles: Iterable[str]) -> dict[str, Any]:
    fields = event.model_dump(mode="json", exclude_none=True)
    return {
        "fact": label,
        "articles": sorted(set(articles)),
        "type": event.type,
        # The envelope, which no article states, is left out.
        "fields": {k: v for k, v in fields.items() if k not in NOT_CORRECTABLE},
    }


def _first_problem(error: pydantic.ValidationError, event_type: str) -> CorrectionError:
    problem = error.errors(include_url=False)[0]
    location = [str(part) for part in problem["loc"]]
    if location and location[0] == event_type:
        # The union of event types names the branch first; the field follows.
        location = location[1:]
    message = str(problem["msg"]).removeprefix("Value error, ")
    return CorrectionError(".".join(location) or "event", message)
