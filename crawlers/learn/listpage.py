"""Induce a list page's selectors: the article links, the date inside an entry, the category.

The article links are the biggest group of same-site links with headline-long texts
that one selector names without also naming menu links; a date element inside the
entries (``span.ShowDate``) becomes ``list_date``. The category is the site's own name
for the list: the menu link pointing at the list page, else its heading, else the path.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from crawlers.learn.candidates import is_element, named, own_selectors, selectors_for, unique
from crawlers.platforms.common import DATE_RE, clean_href, select, text_of
from crawlers.platforms.listing import without_date
from crawlers.probe import slug
from domain.text import clean_text

#: A headline has at least this many words (menus and pagers have fewer).
MIN_WORDS = 4
MIN_LINKS = 3


def _same_site(href: str, list_url: str) -> str | None:
    """The absolute link when it points at a page of the list's own site (not the list)."""
    href = clean_href(href)
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    link = urljoin(list_url, href)
    a, b = urlsplit(link), urlsplit(list_url)
    if a.netloc != b.netloc or a.scheme not in ("http", "https"):
        return None
    if a.path.rstrip("/") == b.path.rstrip("/") and a.query == b.query:
        return None
    return link


def _headline(a: Selector) -> str:
    text = text_of(a)
    m = DATE_RE.search(text)
    return without_date(text, m.group(0)) if m else text


def _shape(link: str) -> tuple[bool, str]:
    """A link's shape: whether it has a path at all, and its first folder (if deeper)."""
    segments = [p for p in urlsplit(link).path.split("/") if p]
    return bool(segments), segments[0] if len(segments) > 1 else ""


def learn_list_links(sel: Selector, url: str) -> str | None:
    """The selector naming the most headline links of this site and the fewest other links.

    Headline links are same-site links with at least ``MIN_WORDS`` words whose address
    has the shape most headline links have (a path, the same first folder): the site's
    name, a menu or another section is not an article even when its text is long.
    """
    anchors = [a for a in sel.css("a[href]") if _same_site(a.attrib["href"], url)]
    long = [a for a in anchors if len(_headline(a).split()) >= MIN_WORDS]
    shapes = Counter(_shape(_same_site(a.attrib["href"], url) or "") for a in long)
    if not shapes:
        return None
    shape = shapes.most_common(1)[0][0]
    cands = unique(c for a in long for c in selectors_for(a.root))
    best, best_key = None, (0.0, False, 0)
    for c in cands:
        matched = select(sel, c)
        if not matched or any(not is_element(m.root) or m.root.tag != "a" for m in matched):
            continue
        links = {}
        short = 0
        for m in matched:
            link = _same_site(m.attrib.get("href", ""), url)
            if link and len(_headline(m).split()) >= MIN_WORDS and _shape(link) == shape:
                links[link] = True
            else:
                short += 1
        score = len(links) - 2 * short
        key = (float(score), named(c), -len(c))
        if len(links) >= MIN_LINKS and key > best_key:
            best, best_key = c, key
    return best


def learn_list_date(sel: Selector, links_spec: str) -> str | None:
    """A date element inside most entries' links (``span.ShowDate``), if there is one."""
    entries = select(sel, links_spec)
    counts: dict[str, int] = {}
    for a in entries:
        for el in a.root.iterdescendants():
            if not is_element(el) or not DATE_RE.search(" ".join(el.itertext())):
                continue
            for c in own_selectors(el):
                counts[c] = counts.get(c, 0) + 1
            break
    good = [c for c, n in counts.items() if n >= 0.6 * len(entries) and "." in c]
    return min(good, key=len) if good else None


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
