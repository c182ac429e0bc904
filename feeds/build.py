"""Feed documents as bytes: RSS 2.0 and Atom 1.0 through feedgen; JSON Feed 1.1 comes from
:mod:`feeds.jsonfeed`, and :func:`render` gives whichever format a document asks for.

Typed inputs (``FeedMeta`` + ``FeedItem``) in, deterministic bytes out: nothing here reads
the clock, so the same data always gives the same bytes. feedgen's traps are handled:
entries are appended in the given order, ``updated`` is always set, the RSS channel
``<link>`` is the last ``link()`` call, CDATA is used only in RSS, and the links feedgen's
RSS output drops (hub, RFC 5005 archives) are added by a small feedgen extension.
"""

from __future__ import annotations

import html
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.items import (
    CONTENT_TYPES,
    GENERATOR,
    FeedItem,
    FeedMeta,
    authors_of,
    categories_of,
    content_html,
    home_of_feed,
    mime_of,
    summary_html,
    summary_text,
    vn,
    web_url,
)
from feeds.jsonfeed import render_json

ATOM_NS = "http://www.w3.org/2005/Atom"
FH_NS = "http://purl.org/syndication/history/1.0"


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
    fg.link(href=home_of_feed(meta), rel="alternate", type="text/html")
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
        fe.link(href=web_url(it.url, home_of_feed(meta)))
        fe.published(vn(it.published))
        fe.description(summary_html(it))
        body = content_html(it)
        fe.content(body, type="CDATA" if "]]>" not in body else None)
        fe.dc.dc_creator(authors_of(it))
        for c in categories_of(it, meta.base_url):
            fe.category(term=c["term"], label=c["label"], scheme=c.get("scheme"))
        img = it.lead_image
        if img:
            media: dict[str, str] = {"url": img["url"], "medium": "image"}
            mtype = mime_of(img)
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
            href=web_url(it.url, home_of_feed(meta))
        )  # feedgen drops rel/type on entry links: plain = alternate
        links: LinksExtension = fe.vnlinks
        img = it.lead_image
        enclosures = ([img] if img else []) + it.files
        for enc in enclosures:
            link = {"href": enc["url"], "rel": "enclosure"}
            mtype = mime_of(enc)
            if mtype:
                link["type"] = mtype
            if enc.get("name") or enc.get("caption"):
                link["title"] = str(enc.get("name") or enc.get("caption"))
            links.links.append(link)
        fe.published(vn(it.published))
        fe.updated(vn(it.updated))
        fe.summary(summary_text(it))
        fe.content(content_html(it), type="html")
        for name in authors_of(it):
            fe.author({"name": name})
        for c in categories_of(it, meta.base_url):
            fe.category(term=c["term"], label=c["label"], scheme=c.get("scheme"))
    return _styled(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True), meta)


RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def render(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    """The document in ``meta.fmt`` (rss, atom or json)."""
    return RENDERERS[meta.fmt](meta, items)
