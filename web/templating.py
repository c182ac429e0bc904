"""The web app's Jinja environment: its own pages over the feed tree's layout."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from feeds.templating import environment as feeds_environment
from ops.overview import fmt_time, iso_time, run_duration
from web.reasons import localise_health

WEB_TEMPLATES = Path(__file__).parent / "templates"


def environment(lang: str | None = None) -> Environment:
    """The one environment of the web app (login, review, status, index), in ``lang``
    (default ``VNFEEDS_LANG``, else Vietnamese)."""
    env = feeds_environment(str(WEB_TEMPLATES), lang=lang)
    env.globals.update(
        fmt_time=fmt_time, iso_time=iso_time, duration=run_duration, health=localise_health
    )
    return env
