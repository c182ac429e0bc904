"""Plain text of sanitised article HTML: one paragraph per line."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree

from crawlers.cleaning.html import BLOCK_TAGS, DROP_TAGS, parse_fragment
from domain.text import _fixpoint, clean_multiline

__all__ = ["html_to_text"]

_TEXT_SKIP = DROP_TAGS | {"img"}
_TEXT_BLOCK = BLOCK_TAGS - {"td", "th"}
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")


def _extract(root: lxml.html.HtmlElement, keep_newlines: bool) -> str:
    parts: list[str] = []
    skipping = 0

    def add(s: str | None) -> None:
        if s and not skipping:
            parts.append(s if keep_newlines else s.replace("\n", " "))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if not tag or tag in _TEXT_SKIP:
                skipping += 1
                continue
            if tag in _TEXT_BLOCK or tag == "br":
                parts.append("\n")
            add(el.text)
        else:
            if not tag or tag in _TEXT_SKIP:
                skipping -= 1
            elif tag in _TEXT_BLOCK:
                parts.append("\n")
            elif tag in ("td", "th"):
                parts.append(" ")
            if el is not root:
                add(el.tail)
    return "".join(parts)


def _html_to_text_once(html: str) -> str:
    root = parse_fragment(html)
    if root is None:
        return ""
    has_blocks = any(
        isinstance(el.tag, str) and (el.tag in BLOCK_TAGS or el.tag == "br") for el in root.iter()
    )
    text = clean_multiline(_extract(root, keep_newlines=not has_blocks))
    return _TAG_LIKE.sub("< ", text)


def _plain_fixed(text: str) -> bool:
    """True when ``text``, an output of :func:`_html_to_text_once`, is its own text: with no
    markup and no entity to read, parsed as HTML it is one text node, and it is already
    ``clean_multiline``'s output (a property test holds this)."""
    return "<" not in text and "&" not in text


@lru_cache(maxsize=32)  # a body's text may be read twice (empty check, article)
def html_to_text(html: str) -> str:
    """Plain text of (sanitised) HTML: one paragraph per line, via clean_multiline.

    Read again until it no longer changes (``&amp;lt;`` is text only on the second
    reading), unless the first reading left nothing to read again.
    """
    text = _html_to_text_once(html)
    if text == html or _plain_fixed(text):
        return text
    return _fixpoint(_html_to_text_once, text, limit=3)
