"""Read a server-sent-event stream in tests: frames as the wire carries them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson


@dataclass(frozen=True)
class Frame:
    id: int | None
    event: str | None
    data: str | None
    comment: str | None = None
    retry_ms: int | None = None

    def json(self) -> Any:
        assert self.data is not None
        return orjson.loads(self.data)


async def frames(response: httpx.Response) -> AsyncIterator[Frame]:
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if fields:
                yield Frame(
                    id=int(fields["id"]) if "id" in fields else None,
                    event=fields.get("event"),
                    data=fields.get("data"),
                    comment=fields.get(""),
                    retry_ms=int(fields["retry"]) if "retry" in fields else None,
                )
            fields = {}
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
