"""The allowlist article HTML keeps: tags, attributes, URL schemes (nh3, the security boundary).

:func:`crawlers.cleaning.html.sanitize_html` reshapes a body and ends with :data:`CLEANER`;
the feeds apply it once more to what they publish (:func:`enforce_allowlist`).
"""

from __future__ import annotations

import nh3

from domain.text import _words

ALLOWED_TAGS = _words(
    "p br h2 h3 h4 h5 h6 ul ol li table thead tbody tr th td a img figure figcaption strong b em "
    "i u sub sup blockquote"
)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in ("width", "height", "colspan", "rowspan"):
        return value if value.isdigit() and len(value) <= 4 else None
    if tag == "img" and attr == "src" and not value.startswith(("http://", "https://")):
        return None
    return value


CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(
        _words("script style iframe object embed svg math template noscript textarea select title")
        | _words("xmp noembed noframes")
    ),
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "width", "height"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
    },
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener",
    strip_comments=True,
    url_relative="deny",
)


def enforce_allowlist(fragment: str) -> str:
    """Only the allowlist's tags, attributes and URL schemes (the feeds' last line of defence).

    The nh3 stage of :func:`crawlers.cleaning.html.sanitize_html` alone: no restructuring,
    so already-sanitised HTML comes back as it was (links gain ``rel="nofollow noopener"``).
    """
    return CLEANER.clean(fragment)
