"""The language of vnfeeds' pages: one gettext catalogue per language, chosen by ``VNFEEDS_LANG``.

Every user-facing string of the HTML pages (index, login, review, status) and of the
feed stylesheet is an English msgid marked in the templates (``{{ _("…") }}``) or the
code (``gettext("…")``); ``feeds/locale/<lang>/LC_MESSAGES/vnfeeds.po`` translates it.
Vietnamese is the default; ``VNFEEDS_LANG=en`` gives the English pages. The ``.po``
files are compiled in memory (Babel) when first used, so a new language is one file.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "vnfeeds"


class LanguageError(ValueError):
    """``VNFEEDS_LANG`` names no shipped catalogue."""


def page_language(value: str | None = None) -> str:
    """``value``, else ``VNFEEDS_LANG``, else Vietnamese; one of :data:`LANGUAGES`."""
    raw = value if value is not None else os.environ.get("VNFEEDS_LANG", "")
    lang = raw.strip().lower() or DEFAULT_LANGUAGE
    if lang not in LANGUAGES:
        raise LanguageError(f"VNFEEDS_LANG: {raw!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> _gettext.GNUTranslations:
    """The compiled catalogue of ``lang`` (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` in the page language."""
    return translations(page_language(lang)).gettext(message)


def format_number(value: float, lang: str | None = None, digits: int = 2) -> str:
    """A decimal the way the page language writes it (``0,71`` in Vietnamese)."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(value, format=pattern, locale=page_language(lang)))
