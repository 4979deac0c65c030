"""JSON log lines: one object per line, carrying the correlation id of the work in hand."""

from __future__ import annotations

import logging

import orjson

from monazite_infra.logs import JsonFormatter, correlated, current_correlation_id


def _line(**extra: object) -> dict[str, object]:
    record = logging.LogRecord("monazite.test", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    for name, value in extra.items():
        setattr(record, name, value)
    document: dict[str, object] = orjson.loads(JsonFormatter().format(record))
    return document


def test_a_line_written_inside_a_correlated_block_names_its_correlation_id() -> None:
    with correlated("req-7"):
        line = _line()
    assert line["correlation_id"] == "req-7"
    assert line["message"] == "hello x"
    assert "correlation_id" not in _line()  # outside the block: none
    assert current_correlation_id() is None


def test_an_explicit_correlation_id_wins_over_the_context() -> None:
    with correlated("req-request"):
        line = _line(correlation_id="req-event")
    assert line["correlation_id"] == "req-event"


def test_context_fields_are_added_but_cannot_hide_the_fixed_ones() -> None:
    line = _line(context={"status": 404, "message": "spoofed", "route": "/v1/deals/{id}"})
    assert line["status"] == 404
    assert line["route"] == "/v1/deals/{id}"
    assert line["message"] == "hello x"
    assert list(line)[:4] == ["at", "level", "logger", "message"]
