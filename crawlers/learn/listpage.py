"""A list page's category and the site's name, for ``sites learn``.

(Its article links and their date element are found by ``crawlers.platforms.linkgroups``.)
The category is the site's own name for the list: the menu link pointing at the list
page, else its heading, else the path.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from crawlers.platforms.common import clean_href, text_of
from domain.syllables import slug
from domain.text import clean_text

_SITE_WORDS = re.compile(r"^(?:trang chủ|home)\s*[-|:»]\s*", re.IGNORECASE)


def list_category(sel: Selector, url: str) -> str:
    """The site's name for this list: a menu link to it, else a heading, else the path."""
    target = urlsplit(url)
    for a in sel.css("a[href]"):
        href = clean_href(a.attrib["href"])
        if not href or href.startswith(("#", "javascript:")):
            continue
        link = urlsplit(urljoin(url, href))
        # by path: a saved copy's menus may still name the original host
        if target.path.strip("/") and link.path.rstrip("/") == target.path.rstrip("/"):
            text = clean_text(text_of(a))
            if text and len(text.split()) <= 8 and not text.isdigit():
                return text
    segment = unquote(target.path.rstrip("/").rsplit("/", 1)[-1])
    if segment:
        # the name whose ASCII slug is the path ("Tin văn hóa" for /tin-van-hoa)
        spelled = [
            words
            for node in sel.xpath("//body//text()[not(ancestor::script or ancestor::style)]")
            if (words := clean_text(node.get()))
            and len(words.split()) <= 8
            and slug(words) == segment.lower()
        ]
        if spelled:  # as a heading writes it ("Tin tức sự kiện"), not as running text
            return next((w for w in spelled if w[0].isupper() and not w.isupper()), spelled[0])
    for heading in sel.css("h1, h2, .breadcrumb li:last-child, .title-category, .cat-title"):
        text = clean_text(text_of(heading))
        if 2 <= len(text) <= 60 and text.casefold() not in ("home", "trang chủ"):
            return text
    segment = segment or "tin-tuc"
    return segment.replace("-", " ").replace("_", " ").strip().capitalize()


def site_name(sel: Selector) -> str:
    """The site's name from ``og:site_name`` or ``<title>`` (without "Trang chủ -")."""
    name = sel.css('meta[property="og:site_name"]::attr(content)').get() or sel.css(
        "title::text"
    ).get("")
    return _SITE_WORDS.sub("", clean_text(name))
