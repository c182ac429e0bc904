"""Structured log lines: one per event, the unit in every one."""

from __future__ import annotations

import json
import logging

from ops.logging import JsonFormatter, LogfmtFormatter, event


def _record(logger: str, fn: object) -> logging.LogRecord:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    log = logging.getLogger(logger)
    h = Keep()
    log.addHandler(h)
    log.setLevel(logging.INFO)
    try:
        fn(log)  # type: ignore[operator]
    finally:
        log.removeHandler(h)
    return records[0]


def test_event_as_logfmt_and_json() -> None:
    rec = _record(
        "t.ops", lambda log: event(log, "crawl_finished", "unit-a", new=3, error="a b\nc")
    )
    line = LogfmtFormatter().format(rec)
    assert "\n" not in line
    assert " event=crawl_finished unit=unit-a new=3 " in line + " "
    assert 'error="a b\\nc"' in line
    obj = json.loads(JsonFormatter().format(rec))
    assert obj["unit"] == "unit-a" and obj["new"] == 3 and obj["level"] == "info"


def test_foreign_lines_get_a_unit() -> None:
    rec = _record(
        "t.aps", lambda log: log.warning('Run time of job "crawl:unit-b (trigger: x)" missed')
    )
    line = LogfmtFormatter().format(rec)
    assert "event=log unit=unit-b" in line
    other = _record("t.other", lambda log: log.info("hello world"))
    assert "unit=- " in LogfmtFormatter().format(other)


def test_install_raises_quiet_handlers_to_the_level() -> None:
    from ops.logging import install

    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    h = logging.StreamHandler()
    h.setLevel(logging.WARNING)  # as `vnfeeds` sets it up without -v
    root.handlers[:] = [h]
    try:
        install("json", logging.INFO)
        assert h.level == logging.INFO and isinstance(h.formatter, JsonFormatter)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
