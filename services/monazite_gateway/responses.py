"""JSON responses rendered by orjson: exact decimals as strings, datetimes in RFC 3339."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from fastapi.responses import JSONResponse


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


class OrjsonResponse(JSONResponse):
    """Returned directly by the routes, so FastAPI does not re-validate the document."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default)
