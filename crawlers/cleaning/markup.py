"""Markup repairs before HTML is parsed by libxml2 (lxml, parsel).

libxml2's HTML parser predates HTML5: it does not know that ``<embed>``, ``<source>``,
``<track>`` and ``<wbr>`` are void, so one unclosed tag swallows the rest of the page
as its children (and the sanitiser then drops them all). Such tags are closed where
they open. Deep nesting (over 256 levels) needs the parser's ``huge_tree`` option:
``HTML_PARSER`` has it.
"""

from __future__ import annotations

import re

import lxml.html

#: Void in HTML5, unknown as such to libxml2.
VOID_UNKNOWN = ("embed", "source", "track", "wbr", "param", "keygen")

_OPEN = re.compile(
    r"<(" + "|".join(VOID_UNKNOWN) + r")\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)\s*/?>", re.IGNORECASE
)
_CLOSE = re.compile(r"</(?:" + "|".join(VOID_UNKNOWN) + r")\s*>", re.IGNORECASE)

#: lxml's HTML parser that keeps text below 256 levels of nesting (up to libxml2's 2048).
HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)


def close_void_elements(html: str) -> str:
    """``<embed …>`` becomes ``<embed …></embed>`` (stray end tags of these are dropped)."""
    if "<" not in html:
        return html
    html = _CLOSE.sub("", html)
    return _OPEN.sub(lambda m: f"<{m.group(1)}{m.group(2)}></{m.group(1)}>", html)
