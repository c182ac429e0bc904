"""Markup repairs before HTML is parsed by libxml2 (lxml, parsel).

libxml2's HTML parser predates HTML5: it does not know that ``<embed>``, ``<source>``,
``<track>`` and ``<wbr>`` are void, so one unclosed tag swallows the rest of the page
as its children (and the sanitiser then drops them all). Such tags are closed where
they open. Deep nesting (over 256 levels) needs the parser's ``huge_tree`` option:
``HTML_PARSER`` has it; beyond libxml2's hard limit even that drops the text, so
container tags nested deeper than ``MAX_DEPTH`` are removed first (their text stays).
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

#: Nesting kept; container tags deeper than this are dropped (libxml2 gives up near 2048; real pages stay far below).
MAX_DEPTH = 512
_CONTAINERS = frozenset(
    [
        "div",
        "span",
        "section",
        "article",
        "font",
        "center",
        "blockquote",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "small",
        "big",
    ]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
    ]
)
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")

#: lxml's HTML parser that keeps text below 256 levels of nesting (up to libxml2's 2048).
HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)


def close_void_elements(html: str) -> str:
    """``<embed …>`` becomes ``<embed …></embed>`` (stray end tags of these are dropped)."""
    if "<" not in html:
        return html
    html = _CLOSE.sub("", html)
    return _OPEN.sub(lambda m: f"<{m.group(1)}{m.group(2)}></{m.group(1)}>", html)


def cap_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """Drop container tags nested deeper than ``max_depth`` (their content is kept).

    Only pages with more tags than ``max_depth`` are scanned; a stray end tag closes
    the innermost open element of its name, as browsers do.
    """
    if html.count("<") <= max_depth:
        return html
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, dropped)
    pos = 0
    for m in _TAG.finditer(html):
        closing, tag = m.group(1) == "/", m.group(2).lower()
        keep = True
        if not closing and tag not in _VOID and not m.group(0).endswith("/>"):
            dropped = len(stack) >= max_depth and tag in _CONTAINERS
            stack.append((tag, dropped))
            keep = not dropped
        elif closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == tag:
                    keep = not stack[i][1]
                    del stack[i:]
                    break
        out.append(html[pos : m.start()])
        if keep:
            out.append(m.group(0))
        pos = m.end()
    out.append(html[pos:])
    return "".join(out)
