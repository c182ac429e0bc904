"""The one Jinja environment of vnfeeds' HTML pages: how templates are found and escaped.

The feed tree's own page (the index, over ``base.html``) lives in ``feeds/templates``;
the web app adds its own folder in front of it (:func:`web.templating.environment`), so
the app's pages and the exported index share one layout and one configuration.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

FEEDS_TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(*extra_dirs: str) -> Environment:
    """The environment over ``extra_dirs`` (searched first) and ``feeds/templates``."""
    dirs = [*extra_dirs, str(FEEDS_TEMPLATES)]
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
