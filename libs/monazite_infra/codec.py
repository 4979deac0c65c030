"""The one codec every topic uses: UTF-8 JSON via orjson, event models in, bytes out."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel


def encode(model: BaseModel) -> bytes:
    return orjson.dumps(model.model_dump(mode="json", exclude_none=True))


def decode(payload: bytes) -> Any:
    """Decode one message value; raises `orjson.JSONDecodeError` for anything that is not JSON."""
    return orjson.loads(payload)
