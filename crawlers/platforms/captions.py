"""Which text under an image is its caption, in the layouts real pages use.

A ``figcaption``; a platform's caption element (also wrapped alone, as a LacViet table
row ``<tr><td><p>…</p></td></tr>``); the short row under an image-only row of an image
table (the editors' "image with caption" block: ``<tr><td><img></td></tr><tr><td><p>…``,
on every platform); a short line in ``<em>``/``<i>``/``<small>`` (split
ones, nested in spans or holding ``<strong>``); or a short centred line — in the same
block after a line break, or in the next block, past up to two empty ones.
"""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector


def _text_of(node: Selector) -> str:
    return " ".join(" ".join(node.xpath(".//text()").getall()).split())


_ITALIC = ("em", "i", "small")
_CAPTION_BLOCKS = ("p", "div", "span", "td", "center", "h1", "h2", "h3", "h4", "h5", "h6", "font")
_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)


def _words_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _is_blank(el: etree._Element) -> bool:
    """An element that shows nothing: ``<br>``, ``<p>&nbsp;</p>``, an empty ``<div>``."""
    return el.tag == "br" or (not _words_of(el) and el.find(".//img") is None)


def _all_italic(el: etree._Element) -> bool:
    """True when every word of ``el`` sits inside ``em``/``i``/``small`` (split ones too)."""
    if (el.text or "").strip():
        return False
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if (child.tail or "").strip():
            return False
        if child.tag not in _ITALIC and child.tag != "br" and not _all_italic(child):
            return False
    return True


def _centred_line(el: etree._Element) -> bool:
    """A short centred line (style, ``<center>`` or a run of leading no-break spaces)."""
    raw = "".join(el.itertext())
    text = " ".join(raw.split())
    if not 0 < len(text) <= 200 or text.endswith((".", ":", ";")):
        return False
    centred = _CENTRED.search(el.get("style") or "") or el.tag == "center"
    return bool(centred or raw.startswith("\xa0\xa0\xa0\xa0"))


def _is_caption(el: etree._Element, captions: set[etree._Element]) -> bool:
    """A caption element (or one wrapped alone, as ``<tr><td class=…>``), a short italic
    line (``<em>``, ``<i>``, ``<small>``, split ones, or a block holding only those), or a
    short centred line right under the image."""
    inner = el
    while True:
        if inner in captions:
            return True
        children = [c for c in inner if isinstance(c.tag, str)]
        if len(children) != 1 or (inner.text or "").strip() or (children[0].tail or "").strip():
            break
        inner = children[0]
    text = _words_of(el)
    if not 0 < len(text) <= 300 or el.find(".//img") is not None:
        return False
    if el.tag in _ITALIC:
        return True
    if el.tag == "tr":  # an image table: the row under an image-only row is its caption
        above = el.getprevious()
        while above is not None and not isinstance(above.tag, str):
            above = above.getprevious()
        return above is not None and above.find(".//img") is not None and not _words_of(above)
    if el.tag in _CAPTION_BLOCKS:
        return _all_italic(el) or _centred_line(el)
    return False


def _next_shown(el: etree._Element, skip: int) -> etree._Element | None:
    """The next sibling element after ``el``, past up to ``skip`` blank ones."""
    nxt = el.getnext()
    while nxt is not None and (not isinstance(nxt.tag, str) or (skip and _is_blank(nxt))):
        if isinstance(nxt.tag, str):
            skip -= 1
        if (nxt.tail or "").strip():
            return None
        nxt = nxt.getnext()
    return nxt


def caption_for(img: Selector, captions: set[etree._Element]) -> str:
    """Caption of an image: its figure's figcaption, else a caption element right after it
    (in the same block after a line break, or in the next block, past an empty one)."""
    fig = img.xpath("ancestor::figure[1]//figcaption")
    if fig:
        return _text_of(fig[0])
    el = img.root
    for _ in range(5):  # the image, then up to four wrappers (span, a, p, div, td, tr)
        if (el.tail or "").strip():
            break
        nxt = _next_shown(el, 2)
        if nxt is not None and _is_caption(nxt, captions):
            return _words_of(nxt)
        parent = el.getparent()
        if parent is None or nxt is not None:
            break
        el = parent
    return ""
