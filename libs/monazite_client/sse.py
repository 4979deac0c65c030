"""An incremental parser of `text/event-stream` bodies, as the HTML Living Standard reads them.

Bytes arrive in arbitrary chunks (a line, an event or a UTF-8 character may be split anywhere);
`feed` returns the events completed so far. Lines end in LF, CRLF or a lone CR. A blank line ends
an event; an event without `data` is not dispatched. Comment lines (`:` first) are skipped.
`id` persists across events until changed, as a browser's `lastEventId` does. An event cut off
by the end of the stream is never dispatched: `SSEParser` simply never sees its blank line.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SSEEvent:
    event: str
    data: str
    id: str | None


class SSEParser:
    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text of a line not yet terminated
        self._after_cr = False  # the previous chunk ended in CR: a leading LF belongs to it
        self._at_start = True  # a byte-order mark is allowed only there
        self._event = ""
        self._data: list[str] = []
        self._last_event_id: str | None = None
        #: The reconnection time the server asked for with `retry:`, in milliseconds.
        self.retry_ms: int | None = None

    @property
    def last_event_id(self) -> str | None:
        return self._last_event_id

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        text = self._decoder.decode(chunk)
        if self._at_start and text:
            text = text.removeprefix("\ufeff")
            self._at_start = False
        if not text:  # only part of a multi-byte character so far
            return []
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = text.endswith("\r")
        events: list[SSEEvent] = []
        lines = (self._pending + text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._pending = lines.pop()
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> SSEEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return SSEEvent(event=event or "message", data="\n".join(data), id=self._last_event_id)
