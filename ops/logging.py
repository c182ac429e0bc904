"""Structured logs: one line per event, the unit id in every line.

Ops code logs through :func:`event`::

    event(log, "crawl_finished", "phutho-soct", state="ok", new=3, seconds=4.2)

which the formatters print as one logfmt line (default) or one JSON object::

    ts=2025-07-01T06:15:02+07:00 level=info logger=vnfeeds.ops.jobs event=crawl_finished unit=phutho-soct state=ok new=3 seconds=4.2

Lines from other loggers (APScheduler, Scrapy) get ``event=log`` and a unit taken
from the message when it names a job ``crawl:<unit>``, else ``unit=-``.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from domain.timezone import VN_TZ

NO_UNIT = "-"
_JOB_UNIT = re.compile(r"crawl:([a-z0-9][a-z0-9-]{1,63})")
_BARE = re.compile(r"^[^\s=\"]+$")


def event(
    logger: logging.Logger, name: str, unit: str, level: int = logging.INFO, **fields: Any
) -> None:
    """Log one event about one unit (``unit="-"`` for events about no unit)."""
    logger.log(
        level, name, extra={"vn_event": name, "vn_unit": unit or NO_UNIT, "vn_fields": fields}
    )


def output_tail(text: str, lines: int = 3) -> str:
    """The last non-blank lines of a process' output, joined with `` | ``, for a run's error
    text (at most 500 characters)."""
    kept = [ln for ln in text[-4000:].strip().splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)[-500:]


def _parts(record: logging.LogRecord) -> dict[str, Any]:
    name = getattr(record, "vn_event", None)
    unit = getattr(record, "vn_unit", None)
    fields: dict[str, Any] = dict(getattr(record, "vn_fields", None) or {})
    msg = record.getMessage()
    if name is None:
        name = "log"
        fields["msg"] = msg
    if unit is None:
        m = _JOB_UNIT.search(msg)
        unit = m.group(1) if m else NO_UNIT
    out: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, VN_TZ).isoformat(timespec="seconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "event": name,
        "unit": unit,
    }
    out.update(fields)
    if record.exc_info:
        out["exc"] = logging.Formatter().formatException(record.exc_info)
    return out


def _logfmt_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = value.isoformat(timespec="seconds")
    text = str(value)
    if text and _BARE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


class LogfmtFormatter(logging.Formatter):
    """``key=value`` pairs on one line; values with spaces are quoted and escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={_logfmt_value(v)}" for k, v in _parts(record).items())


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_parts(record), ensure_ascii=False, default=str)


def install(fmt: str = "logfmt", level: int | None = None) -> None:
    """Put the structured formatter on the root logger's handlers (adding one if none)."""
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else LogfmtFormatter()
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for h in root.handlers:
        h.setFormatter(formatter)
        if level is not None:
            h.setLevel(level)
    if level is not None:
        root.setLevel(level)
