"""The one Jinja environment of vnfeeds' HTML pages: how templates are found and escaped.

The feed tree's own page (the index, over ``base.html``) lives in ``feeds/templates``;
the web app adds its own folder in front of it (:func:`web.templating.environment`), so
the app's pages and the exported index share one layout and one configuration. Pages
speak one language, ``VNFEEDS_LANG`` (see :mod:`feeds.i18n`): ``{{ _("…") }}`` in a
template is its catalogue's translation, and ``lang`` is the page's language code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from feeds.i18n import format_number, page_language, translations

FEEDS_TEMPLATES = Path(__file__).parent / "templates"


def environment(*extra_dirs: str, lang: str | None = None) -> Environment:
    """The environment over ``extra_dirs`` (searched first) and ``feeds/templates``."""
    return _environment(extra_dirs, page_language(lang))


@cache
def _environment(extra_dirs: tuple[str, ...], lang: str) -> Environment:
    dirs = [*extra_dirs, str(FEEDS_TEMPLATES)]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        autoescape=select_autoescape(["html", "xsl"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, number=lambda v, d=2: format_number(v, lang, d))
    return env
