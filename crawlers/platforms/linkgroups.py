"""The article links of a list page no selector describes: the biggest group of headline links.

Used by ``sites learn`` (it keeps the selector for the unit) and by list pages whose
platform selectors find no article (a customised theme): the links are the biggest group
of same-site links with headline-long texts that one selector names without also naming
menu links; a date element inside most of them (``span.ShowDate``) is their date.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawlers.platforms.candidates import is_element, named, own_selectors, selectors_for, unique
from crawlers.platforms.common import clean_href, select, text_of
from crawlers.platforms.datetext import DATE_RE
from crawlers.platforms.listing import without_date

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


def headline_links(sel: Selector, url: str) -> str | None:
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


def entry_date_spec(sel: Selector, links_spec: str) -> str | None:
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
