"""Cursor pagination for every list: a page answers `next_cursor` (null on the last page) and a
`Link: <…>; rel="next"` header; the cursor is opaque to clients.

A cursor holds the sort key of the last item of the page, so a page after it starts exactly where
the last one ended even while new items arrive (no skipped or repeated item, unlike offsets).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Query, Request

from monazite_gateway.problems import Problem, require_utc_offsets
from monazite_gateway.responses import OrjsonResponse

CursorQuery = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page; omit for the first"),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
FromQuery = Annotated[
    datetime | None, Query(alias="from", description="occurred at or after (RFC 3339)")
]
ToQuery = Annotated[datetime | None, Query(description="occurred before (RFC 3339)")]


def encode_cursor(key: Sequence[Any]) -> str:
    raw = orjson.dumps(list(key), default=_jsonable)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, *kinds: type) -> list[Any] | None:
    """The sort key a cursor holds, checked against the kinds of its parts; None for no cursor.

    A cursor that is not one this list issued is a 422 naming `cursor`.
    """
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(key, list) or len(key) != len(kinds):
            raise ValueError("wrong shape")
        return [_parsed(value, kind) for value, kind in zip(key, kinds, strict=True)]
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as error:
        raise Problem(
            422,
            "Invalid request",
            "cursor: not a cursor of this list (pass `next_cursor` back unchanged)",
            field="cursor",
        ) from error


def check_range(start: datetime | None, end: datetime | None) -> None:
    require_utc_offsets(**{"from": start, "to": end})
    if start is not None and end is not None and end <= start:
        raise Problem(422, "Invalid request", "to: must be after `from`", field="to")


def page(
    request: Request,
    rows: list[dict[str, Any]],
    *,
    key: str,
    limit: int,
    cursor_of: Callable[[dict[str, Any]], Sequence[Any]],
    extra: dict[str, Any] | None = None,
) -> OrjsonResponse:
    """The answer for `rows` fetched with `limit + 1` (one more than a page tells whether there
    is a next page)."""
    items = rows[:limit]
    next_cursor = encode_cursor(cursor_of(items[-1])) if len(rows) > limit and items else None
    document: dict[str, Any] = {**(extra or {}), key: items, "count": len(items)}
    document["next_cursor"] = next_cursor
    response = OrjsonResponse(document)
    if next_cursor is not None:
        link = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{link}>; rel="next"'
    return response


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _parsed(value: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(value, str):
            raise TypeError("expected a time")
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive time")
        return parsed
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError("expected an integer")
    if kind is str and not isinstance(value, str):
        raise TypeError("expected a string")
    return value
