"""The one error type for answers the gateway refused, carrying its problem+json document."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

PROBLEM_JSON = "application/problem+json"


class MonaziteError(Exception):
    """An HTTP error answer: status, title, detail and the field at fault (RFC 9457).

    `problem` is the whole document when the answer was `application/problem+json`, else empty:
    other answers (a proxy's error page) still give status and title, and their body, cut short,
    becomes the detail.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        problem: Mapping[str, Any] | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.problem: Mapping[str, Any] = problem or {}
        self.retry_after_s = retry_after_s

    @classmethod
    def from_response(cls, response: httpx.Response) -> MonaziteError:
        problem = _problem_document(response)
        title = problem.get("title")
        detail = problem.get("detail")
        field = problem.get("field")
        return cls(
            response.status_code,
            title if isinstance(title, str) else response.reason_phrase,
            detail if isinstance(detail, str) else response.text[:500],
            field=field if isinstance(field, str) else None,
            problem=problem,
            retry_after_s=retry_after(response),
        )


def _problem_document(response: httpx.Response) -> dict[str, Any]:
    if not response.headers.get("content-type", "").startswith(PROBLEM_JSON):
        return {}
    try:
        document = json.loads(response.content)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a `Retry-After` header given in seconds (the gateway's form)."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)
