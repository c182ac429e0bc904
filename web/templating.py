"""The web app's Jinja environment: its own pages over the feed tree's layout."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from feeds.templating import environment as feeds_environment
from ops.overview import fmt_time, run_duration

WEB_TEMPLATES = Path(__file__).parent / "templates"


def environment() -> Environment:
    """The one environment of the web app (login, review, status, index)."""
    env = feeds_environment(str(WEB_TEMPLATES))
    env.globals.update(fmt_time=fmt_time, duration=run_duration)
    return env
