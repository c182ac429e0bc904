"""Discovery from a site's own RSS/Atom feed or sitemap.xml.

``parse_list`` reads the feed (or sitemap) into list entries; child sitemaps of a
sitemap index go to ``ListPage.follow``. Article pages are then read by the platform
the page shows (detection) or by generic extraction (``parse_article``).
Broken item links (relative, ``&amp;``-damaged, pointing at ``localhost``) are repaired
against the feed's own address; a missing link falls back to a permalink ``guid``.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from crawlers.platforms import common, generic
from crawlers.platforms.base import ListEntry, ListPage
from domain.article import RawArticle

NAME = "feed"
_ROOTS = {"rss", "feed", "urlset", "sitemapindex", "rdf"}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0"}


def _xml(sel: Selector) -> Selector | None:
    """The document as namespace-free XML, or None when it is not a feed or sitemap."""
    if sel.type != "xml":
        text = getattr(sel, "_text", None) or ""
        if not text.lstrip().startswith("<"):
            return None
        try:
            sel = Selector(text=text, type="xml")
        except Exception:
            return None
    sel.remove_namespaces()
    root = sel.root
    tag = root.tag.lower() if isinstance(getattr(root, "tag", None), str) else ""
    return sel if tag in _ROOTS else None


def detect(sel: Selector, url: str) -> bool:
    """True for RSS, Atom, RDF and sitemap documents."""
    return _xml(sel) is not None


def _repair(link: str, feed_url: str) -> str:
    """An item link made absolute, with ``&amp;`` fixed and loopback hosts replaced."""
    link = urljoin(feed_url, common.clean_href(link))
    parts, home = urlsplit(link), urlsplit(feed_url)
    host = (parts.hostname or "").lower()
    if home.hostname and host != home.hostname and (host in _LOCAL_HOSTS or "." not in host):
        link = urlunsplit((home.scheme, home.netloc, parts.path, parts.query, parts.fragment))
    return link


def _plain(fragment: str) -> str:
    """Text of a feed summary that may hold escaped HTML."""
    if "<" not in fragment:
        return fragment
    return " ".join(Selector(text=f"<div>{fragment}</div>").xpath("string()").get("").split())


def _entries(doc: Selector) -> list[tuple[str, str, str, str]]:
    """(link, title, date text, summary) of every item, entry or sitemap URL."""
    out = []
    for item in doc.xpath("//item"):
        link = item.xpath("string(link)").get("").strip()
        guid = item.xpath("guid[not(@isPermaLink='false')]")
        if not link.startswith(("http", "/")) and guid:
            link = guid[0].xpath("string()").get("").strip()
        date = item.xpath("string(pubDate)").get("") or item.xpath("string(date)").get("")
        summary = _plain(item.xpath("string(description)").get(""))
        out.append((link, item.xpath("string(title)").get(""), date, summary))
    for entry in doc.xpath("//entry"):
        hrefs = entry.xpath("link[@rel='alternate' or not(@rel)]/@href").getall()
        date = entry.xpath("string(published)").get("") or entry.xpath("string(updated)").get("")
        summary = _plain(entry.xpath("string(summary)").get(""))
        out.append((hrefs[0] if hrefs else "", entry.xpath("string(title)").get(""), date, summary))
    for url in doc.xpath("/urlset/url"):
        out.append((url.xpath("string(loc)").get(""), "", url.xpath("string(lastmod)").get(""), ""))
    return out


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Entries of a feed or sitemap; a sitemap index's children in ``follow``."""
    doc = _xml(sel)
    if doc is None:
        return ListPage()
    seen: set[str] = set()
    entries = []
    for link, title, date, summary in _entries(doc):
        if not link.strip():
            continue
        fixed = _repair(link.strip(), url)
        if fixed not in seen:
            seen.add(fixed)
            title = " ".join(title.split())
            entries.append(ListEntry(fixed, title, date.strip(), summary=summary))
    follow = [_repair(loc, url) for loc in doc.xpath("/sitemapindex/sitemap/loc/text()").getall()]
    return ListPage(entries=entries, follow=follow)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """An article found through a feed, read generically.

    :func:`crawlers.extract.extract_page` reads a feed unit's articles with the platform
    it detects on each page; this is the fallback when a caller asks this module directly.
    """
    return generic.parse_article(sel, url, overrides)
