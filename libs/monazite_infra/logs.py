"""Structured JSON log lines on stderr: one object per line, machine-readable and grep-able.

Every line written while a request (or an event carrying one) is being handled names its
correlation id, so one grep follows it from the gateway through Kafka to the processor.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

#: The correlation id of the work the current task is doing, if any.
correlation_id_var: ContextVar[str | None] = ContextVar("monazite_correlation_id", default=None)


def current_correlation_id() -> str | None:
    return correlation_id_var.get()


@contextmanager
def correlated(correlation_id: str | None) -> Iterator[None]:
    """Within the block, every log line of this task carries `correlation_id`."""
    token = correlation_id_var.set(correlation_id)
    try:
        yield
    finally:
        correlation_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: `at`, `level`, `logger`, `message`, then `correlation_id`
    (from `extra={"correlation_id": …}` or else the task's context), the record's `context`
    mapping (`extra={"context": {…}}`, structured fields such as an HTTP status) and `error`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation_id = getattr(record, "correlation_id", None) or correlation_id_var.get()
        if correlation_id:
            entry["correlation_id"] = correlation_id
        context = getattr(record, "context", None)
        if isinstance(context, Mapping):
            # The fixed keys win: a field named like one of them cannot hide it.
            entry.update({str(k): v for k, v in context.items() if str(k) not in entry})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
