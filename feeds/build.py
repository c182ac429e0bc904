"""Feed documents as bytes: RSS 2.0 and Atom 1.0 through feedgen, JSON Feed 1.1 with the stdlib.

Typed inputs (``FeedMeta`` + ``FeedItem``) in, deterministic bytes out: nothing here reads
the clock, so the same data always gives the same bytes. feedgen's traps are handled:
entries are appended in the given order, ``updated`` is always set, the RSS channel
``<link>`` is the last ``link()`` call, CDATA is used only in RSS, and the links feedgen's
RSS output drops (hub, RFC 5005 archives) are added by a small feedgen extension.
"""

from __future__ import annotations

import html
import json
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from crawlers.cleaning.allowlist import enforce_allowlist
from domain.timezone import VN_TZ

ATOM_NS = "http://www.w3.org/2005/Atom"
FH_NS = "http://purl.org/syndication/history/1.0"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "vnfeeds"

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json",
    "opml": "text/x-opml; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xsl": "text/xsl; charset=utf-8",
}
FEED_FORMATS = ("rss", "atom", "json")


def _is_web(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class AlsoOn:
    """Another unit that published the same news (a member of the item's cluster)."""

    unit_id: str
    unit_name: str
    url: str


@dataclass(frozen=True)
class FeedItem:
    """One article as a feed shows it (dates aware; printed at +07:00)."""

    guid: str
    title: str
    url: str
    published: datetime
    updated: datetime
    unit_id: str
    unit_name: str
    lead: str = ""
    body_html: str = ""
    time_unknown: bool = False
    date_is_first_seen: bool = (
        False  # the page and its list gave no date: ``published`` is first seen
    )
    images: tuple[dict[str, Any], ...] = ()
    attachments: tuple[dict[str, Any], ...] = ()
    category: str = ""
    author: str = ""
    topics: tuple[tuple[str, str], ...] = ()  # (slug, name)
    also_on: tuple[AlsoOn, ...] = ()
    changed_at: datetime | None = None  # not printed: feeds Last-Modified

    @property
    def lead_image(self) -> dict[str, Any] | None:
        """The first image (the lead image) with an http(s) URL, if any."""
        for img in self.images:
            if isinstance(img, dict) and _is_web(img.get("url")):
                return img
        return None


@dataclass(frozen=True)
class ArchiveLinks:
    """RFC 5005 links of one document (all absolute URLs for one format)."""

    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    is_archive: bool = False


@dataclass(frozen=True)
class FeedMeta:
    """Everything about a feed document except its items."""

    fmt: str
    feed_id: str
    self_url: str
    title: str
    description: str
    home_url: str
    author: str
    updated: datetime
    base_url: str
    language: str = "vi"
    hub: str | None = None
    archive: ArchiveLinks = field(default_factory=ArchiveLinks)
    stylesheet: str | None = None  # XSLT a browser renders RSS/Atom with (readers ignore it)


def vn(dt: datetime) -> datetime:
    """The same instant at +07:00."""
    return dt.astimezone(VN_TZ)


def guess_type(url: str, declared: str = "") -> str | None:
    """A MIME type from a declared value (``pdf`` or ``application/pdf``) or the URL."""
    if declared and "/" in declared:
        return declared
    if declared:
        t = mimetypes.types_map.get("." + declared.lower().lstrip("."))
        if t:
            return t
    return mimetypes.guess_type(url.split("?", 1)[0])[0]


def web_url(url: str, fallback: str) -> str:
    """``url`` when it is http(s), else ``fallback``: no other scheme leaves as a link.

    Images and attachments without an http(s) URL are left out the same way.
    """
    return url if _is_web(url) else fallback


def _home(meta: FeedMeta) -> str:
    return web_url(meta.home_url, meta.base_url + "/")


def summary_text(item: FeedItem) -> str:
    """Plain-text summary: the lead (or the title), plus where else it was published."""
    text = item.lead.strip() or item.title
    if item.also_on:
        text += " — Cũng đăng trên: " + ", ".join(a.unit_name for a in item.also_on)
    return text


def summary_html(item: FeedItem) -> str:
    """The summary as HTML (RSS ``description`` is HTML to readers): the text, escaped."""
    return html.escape(summary_text(item), quote=False)


def content_html(item: FeedItem) -> str:
    """Full HTML: lead image (unless the body has it), body, attachments, other publishers.

    Whatever the store holds, only allowlisted markup leaves here (no scripts, event
    handlers or ``javascript:`` URLs).
    """
    parts: list[str] = []
    img = item.lead_image
    if img and img["url"] not in item.body_html:
        cap = str(img.get("caption") or "")
        figure = f'<figure><img src="{html.escape(img["url"])}" alt="{html.escape(cap)}"/>'
        if cap:
            figure += f"<figcaption>{html.escape(cap)}</figcaption>"
        parts.append(figure + "</figure>")
    parts.append(item.body_html or f"<p>{html.escape(item.lead or item.title)}</p>")
    files = [a for a in item.attachments if isinstance(a, dict) and _is_web(a.get("url"))]
    if files:
        lis = "".join(
            f'<li><a href="{html.escape(a["url"])}">{html.escape(str(a.get("name") or a["url"]))}</a></li>'
            for a in files
        )
        parts.append(f"<p>Tệp đính kèm:</p><ul>{lis}</ul>")
    if item.also_on:
        links = ", ".join(
            f'<a href="{html.escape(a.url)}">{html.escape(a.unit_name)}</a>' for a in item.also_on
        )
        parts.append(f"<p>Cũng đăng trên: {links}</p>")
    return enforce_allowlist("\n".join(parts))


def _categories(item: FeedItem, base_url: str) -> list[dict[str, str]]:
    cats: list[dict[str, str]] = []
    if item.category:
        cats.append({"term": item.category, "label": item.category})
    for slug, name in item.topics:
        cats.append({"term": slug, "label": name, "scheme": f"{base_url}/topics/"})
    for uid, uname in [
        (item.unit_id, item.unit_name),
        *((a.unit_id, a.unit_name) for a in item.also_on),
    ]:
        cats.append({"term": uid, "label": uname, "scheme": f"{base_url}/units/"})
    return cats


def _authors(item: FeedItem) -> list[str]:
    names = [item.author.strip()] if item.author.strip() else []
    if item.unit_name not in names:
        names.append(item.unit_name)
    return names


class LinksExtension(BaseExtension):
    """feedgen extension: hub and RFC 5005 links feedgen's RSS drops, plus ``fh:archive``.

    Also used per Atom entry for enclosure links: feedgen 1.0 writes entry links without
    their ``rel``/``type`` attributes, which would turn enclosures into alternates.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []  # href, rel, and optionally type, title
        self.archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": FH_NS} if self.archive else {}

    def _add(self, parent: Any, tag: str) -> None:
        for link in self.links:
            etree.SubElement(parent, tag, **link)
        if self.archive:
            etree.SubElement(parent, f"{{{FH_NS}}}archive")

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        if channel is not None:  # entries carry no extra links in RSS
            self._add(channel, f"{{{ATOM_NS}}}link")
        return feed

    def extend_atom(self, feed: Any) -> Any:
        # feedgen writes Atom elements un-namespaced under a literal xmlns attribute
        self._add(feed, "link")
        return feed


def _generator(meta: FeedMeta) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("vnlinks", LinksExtension, LinksExtension)
    ext: LinksExtension = fg.vnlinks
    ctype = CONTENT_TYPES[meta.fmt].split(";")[0]
    fg.id(meta.feed_id)
    fg.title(meta.title)
    fg.subtitle(meta.description)
    fg.description(html.escape(meta.description, quote=False))  # RSS: HTML to readers
    fg.language(meta.language)
    fg.author({"name": meta.author})
    fg.generator(GENERATOR)
    fg.updated(vn(meta.updated))
    fg.link(href=meta.self_url, rel="self", type=ctype)
    if meta.hub:
        ext.links.append({"href": meta.hub, "rel": "hub"})
    a = meta.archive
    for rel, href in (
        ("current", a.current),
        ("prev-archive", a.prev_archive),
        ("next-archive", a.next_archive),
    ):
        if href:
            ext.links.append({"href": href, "rel": rel, "type": ctype})
    ext.archive = a.is_archive
    # feedgen: the RSS channel <link> is the last link() call, so the page comes last.
    fg.link(href=_home(meta), rel="alternate", type="text/html")
    return fg


def _styled(doc: bytes, meta: FeedMeta) -> bytes:
    """The document with an ``xml-stylesheet`` processing instruction after its declaration."""
    if not meta.stylesheet:
        return bytes(doc)
    decl, sep, rest = bytes(doc).partition(b"\n")
    pi = f'<?xml-stylesheet type="text/xsl" href="{html.escape(meta.stylesheet)}"?>'
    return decl + sep + pi.encode() + b"\n" + rest


def render_rss(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    """RSS 2.0 with content:encoded, dc:creator, media:content and atom:link extras."""
    fg = _generator(meta)
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media", atom=False, rss=True)
    for it in items:
        fe = fg.add_entry(order="append")
        fe.guid(it.guid, permalink=False)
        fe.title(it.title)
        fe.link(href=web_url(it.url, _home(meta)))
        fe.published(vn(it.published))
        fe.description(summary_html(it))
        body = content_html(it)
        fe.content(body, type="CDATA" if "]]>" not in body else None)
        fe.dc.dc_creator(_authors(it))
        for c in _categories(it, meta.base_url):
            fe.category(term=c["term"], label=c["label"], scheme=c.get("scheme"))
        img = it.lead_image
        if img:
            media: dict[str, str] = {"url": img["url"], "medium": "image"}
            mtype = guess_type(img["url"])
            if mtype:
                media["type"] = mtype
            fe.media.content(media, group=None)
    return _styled(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True), meta)


def render_atom(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    """Atom 1.0: html content, summary, authors, categories, enclosure links."""
    fg = _generator(meta)
    for it in items:
        fe = fg.add_entry(order="append")
        fe.id(it.guid)
        fe.title(it.title)
        fe.link(
            href=web_url(it.url, _home(meta))
        )  # feedgen drops rel/type on entry links: plain = alternate
        links: LinksExtension = fe.vnlinks
        img = it.lead_image
        enclosures = ([img] if img else []) + [
            a for a in it.attachments if isinstance(a, dict) and _is_web(a.get("url"))
        ]
        for enc in enclosures:
            link = {"href": enc["url"], "rel": "enclosure"}
            mtype = guess_type(enc["url"], str(enc.get("type") or ""))
            if mtype:
                link["type"] = mtype
            if enc.get("name") or enc.get("caption"):
                link["title"] = str(enc.get("name") or enc.get("caption"))
            links.links.append(link)
        fe.published(vn(it.published))
        fe.updated(vn(it.updated))
        fe.summary(summary_text(it))
        fe.content(content_html(it), type="html")
        for name in _authors(it):
            fe.author({"name": name})
        for c in _categories(it, meta.base_url):
            fe.category(term=c["term"], label=c["label"], scheme=c.get("scheme"))
    return _styled(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True), meta)


def _json_item(it: FeedItem, base_url: str, home_url: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": it.guid,
        "url": web_url(it.url, home_url),
        "title": it.title,
        "content_html": content_html(it),
        "summary": summary_text(it),
    }
    img = it.lead_image
    if img:
        d["image"] = img["url"]
    d["date_published"] = vn(it.published).isoformat()
    d["date_modified"] = vn(it.updated).isoformat()
    d["authors"] = [{"name": n} for n in _authors(it)]
    d["tags"] = [c["label"] for c in _categories(it, base_url)]
    files = [a for a in it.attachments if isinstance(a, dict) and _is_web(a.get("url"))]
    if files:
        d["attachments"] = [
            {
                "url": a["url"],
                "mime_type": guess_type(a["url"], str(a.get("type") or ""))
                or "application/octet-stream",
                **({"title": str(a["name"])} if a.get("name") else {}),
            }
            for a in files
        ]
    d["_vnfeeds"] = {
        "unit": {
            "id": it.unit_id,
            "name": it.unit_name,
            "feed_url": f"{base_url}/units/{it.unit_id}.json",
        },
        "topics": [{"slug": s, "name": n} for s, n in it.topics],
        "category": it.category,
        "time_unknown": it.time_unknown,
        "date_source": "first_seen" if it.date_is_first_seen else "article",
        "also_on": [{"unit": a.unit_id, "name": a.unit_name, "url": a.url} for a in it.also_on],
    }
    return d


def render_json(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    """JSON Feed 1.1 (``_vnfeeds`` per item: unit, topics, time_unknown, date_source, also_on)."""
    doc: dict[str, Any] = {
        "version": JSONFEED_VERSION,
        "title": meta.title,
        "home_page_url": _home(meta),
        "feed_url": meta.self_url,
        "description": meta.description,
        "language": meta.language,
        "authors": [{"name": meta.author}],
    }
    if meta.archive.prev_archive:
        doc["next_url"] = meta.archive.prev_archive  # JSON Feed pages towards older items
    if meta.hub:
        doc["hubs"] = [{"type": "WebSub", "url": meta.hub}]
    doc["items"] = [_json_item(it, meta.base_url, _home(meta)) for it in items]
    # compact: the C encoder (indent= forces the pure-Python one, ~5× slower)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def render(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    """The document in ``meta.fmt`` (rss, atom or json)."""
    return RENDERERS[meta.fmt](meta, items)
