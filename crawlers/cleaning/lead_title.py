"""The article's title repeated at the start of its body, found by its text.

Many templates print the title again as the body's first block, often with no class
to remove it by (a bare ``<h2>``, a bold ``<p>``). It is recognised by its text alone:
the body's first non-empty block, printed as a heading, whose words are the title's.
"""

from __future__ import annotations

from lxml import etree

from crawlers.cleaning.html import drop_element

_TRIM = " .:;-–—\u00a0"


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(_TRIM).casefold()


def _text(el: etree._Element) -> str:
    return _norm(" ".join(el.itertext()))


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD = {"b", "strong"}


def _heading(el: etree._Element) -> bool:
    """Printed as a heading: an ``h1``–``h6``, or text all in bold (a plain paragraph
    saying the title is a notice's own text, and stays)."""
    if el.tag in _HEADINGS or el.tag in _BOLD:
        return True
    if next(el.iter(*_HEADINGS), None) is not None:
        return True
    bold = "".join(t for b in el.iter(*_BOLD) for t in b.itertext())
    return bool(_norm(bold)) and _norm(bold) == _text(el)


def drop_leading_title(root: etree._Element, title: str) -> bool:
    """Drop from ``root`` its first block with text when that text is ``title``.

    The largest element below ``root`` with exactly that text goes (``<p><b>T</b></p>``
    loses the whole ``p``). Returns whether something was dropped.
    """
    want = _norm(title)
    if not want or (root.text and root.text.strip()):
        return False
    first = next(
        (
            el
            for el in root.iterdescendants()
            if isinstance(el.tag, str)
            and el.tag not in ("script", "style")
            and ((el.text and el.text.strip()) or el.tag == "img")
        ),
        None,
    )
    if first is None or first.tag == "img":
        return False
    node = first
    while node.getparent() is not None and node.getparent() is not root:
        parent = node.getparent()
        if _text(parent) != _text(node) or parent.find(".//img") is not None:
            break
        node = parent
    # nothing with text may come before it inside the body
    for el in node.itersiblings(preceding=True):
        if _text(el) or (el.tail and el.tail.strip()):
            return False
    if _text(node) != want or not _heading(node):
        return False
    drop_element(node)
    return True
