"""Reads JSON Lines files of input events, validating every line and keeping every error."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pydantic

from monazite_core.events import InputEvent, describe_validation_error, parse_input_event


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str


@dataclass
class ParsedFile:
    events: list[InputEvent] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def parse_lines(lines: Iterable[str]) -> ParsedFile:
    """Validate each non-blank line; a bad line is reported with its number, never dropped."""
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = parse_input_event(orjson.loads(line))
        except orjson.JSONDecodeError as error:
            parsed.errors.append(LineError(number, f"not JSON: {error}"))
            continue
        except pydantic.ValidationError as error:
            parsed.errors.append(LineError(number, describe_validation_error(error)))
            continue
        if event.event_id in seen:
            parsed.errors.append(
                LineError(
                    number, f"event_id {event.event_id!r} repeats line {seen[event.event_id]}"
                )
            )
            continue
        seen[event.event_id] = number
        parsed.events.append(event)
    return parsed


def parse_file(path: Path) -> ParsedFile:
    with path.open(encoding="utf-8") as handle:
        return parse_lines(handle)
