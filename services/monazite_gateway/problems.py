"""RFC 9457 problem details for every error the gateway answers, naming the field at fault."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from monazite_infra.logs import current_correlation_id

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    def __init__(
        self, status: int, title: str, detail: str, *, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.extra = extra


def require_utc_offsets(**times: datetime | None) -> None:
    """A time without an offset is ambiguous: a 422 naming the parameter."""
    for name, value in times.items():
        if value is not None and value.tzinfo is None:
            raise Problem(422, "Invalid request", f"{name}: give a UTC offset", field=name)


def problem_response(
    request: Request, status: int, title: str, detail: str, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://monazite.dev/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    # The id the gateway's log lines carry for this request (also its X-Request-ID header).
    correlation_id = current_correlation_id()
    if correlation_id is not None:
        body["correlation_id"] = correlation_id
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        response = problem_response(
            request, error.status, error.title, error.detail, field=error.field, **error.extra
        )
        if "retry_after_s" in error.extra:
            response.headers["Retry-After"] = str(math.ceil(error.extra["retry_after_s"]))
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]),
                "in": str(e["loc"][0]),
                "message": e["msg"],
            }
            for e in error.errors()
        ]
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        return problem_response(
            request,
            422,
            "Invalid request",
            f"{first['field']}: {first['message']}",
            field=first["field"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(error.status_code, "Error")
        return problem_response(request, error.status_code, title, str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        return problem_response(
            request, 500, "Internal error", "the gateway failed to answer; see its log"
        )
