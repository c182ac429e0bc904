"""Render one path of the feed tree to bytes: feeds, archive pages, OPML, the HTML index.

The app (with a cache in front) and the static export both call these, so a served
file and an exported file are the same bytes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from sqlalchemy.orm import Session

from domain.registry import Registry
from domain.syllables import match_form
from feeds import queries
from feeds.build import render
from feeds.config import FeedConfig
from feeds.items import CONTENT_TYPES, ArchiveLinks, FeedMeta, web_url
from feeds.opml import OpmlOutline, render_opml
from feeds.templating import environment
from feeds.tree import (
    FeedRequest,
    FeedSpec,
    description_of,
    exists,
    feed_specs,
    home_of,
    title_of,
)

#: The XSLT stylesheet RSS and Atom documents point browsers to (served and exported).
STYLESHEET_PATH = "/feed.xsl"

#: ``updated`` of a feed with no items: fixed, so empty feeds are byte-stable too.
EMPTY_UPDATED = datetime(2025, 1, 1, tzinfo=UTC)


class NotFound(LookupError):
    """The path names no feed (unknown unit/topic/province, or no such archive page)."""


@dataclass(frozen=True)
class Rendered:
    """A rendered document and its validators."""

    body: bytes
    content_type: str
    etag: str  # strong, quoted
    last_modified: datetime | None  # None: validate by ETag only


def make_etag(body: bytes) -> str:
    """A strong ETag from the bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _query_suffix(filters: queries.Filters | None, limit: int | None) -> str:
    params: list[tuple[str, str]] = []
    if filters is not None:
        params += [("q", t) for t in filters.q] + [("exclude", t) for t in filters.exclude]
    if limit is not None:
        params.append(("limit", str(limit)))
    return "?" + urlencode(params) if params else ""


@dataclass(frozen=True)
class Selection:
    """Which article ids a document shows (newest first) and how many archive pages exist."""

    ids: list[int]
    pages: int


def select_live(
    session: Session,
    registry: Registry,
    config: FeedConfig,
    req: FeedRequest,
    filters: queries.Filters | None = None,
    limit: int | None = None,
) -> Selection:
    """The selection for one request, with LIMIT queries (the app's path)."""
    spec, size = req.spec, config.limit
    pages = queries.count_items(session, spec, registry) // size
    if req.page is None:
        count = min(limit, config.max_limit) if limit else size
        ids = queries.current_ids(session, spec, registry, count, filters, config.filter_scan)
        return Selection(ids, pages)
    if req.page > pages:
        raise NotFound(spec.path(req.fmt, req.page))
    return Selection(queries.archive_ids(session, spec, registry, req.page, size), pages)


def select_from_order(order: list[int], config: FeedConfig, req: FeedRequest) -> Selection:
    """The selection from a feed's full newest-first id list (the export's path)."""
    size = config.limit
    pages = len(order) // size
    if req.page is None:
        return Selection(order[:size], pages)
    if req.page > pages:
        raise NotFound(req.spec.path(req.fmt, req.page))
    oldest_first = order[::-1]
    return Selection(oldest_first[(req.page - 1) * size : req.page * size][::-1], pages)


def render_feed(
    session: Session,
    registry: Registry,
    config: FeedConfig,
    req: FeedRequest,
    filters: queries.Filters | None = None,
    limit: int | None = None,
    *,
    selection: Selection | None = None,
    loader: queries.ItemLoader | None = None,
) -> Rendered:
    """One feed document (current or archive page) in its format."""
    spec = req.spec
    if not exists(spec, registry):
        raise NotFound(spec.path(req.fmt, req.page))
    if filters is not None and not filters.active:
        filters = None
    plain = filters is None and limit is None
    if req.page is not None and not plain:
        raise NotFound(spec.path(req.fmt, req.page))
    sel = selection or select_live(session, registry, config, req, filters, limit)
    cur_url = config.url(spec.path(req.fmt))
    if req.page is None:
        arch = ArchiveLinks(
            prev_archive=config.url(spec.path(req.fmt, sel.pages))
            if plain and sel.pages >= 1
            else None
        )
        self_url = cur_url + _query_suffix(filters, limit)
    else:
        arch = ArchiveLinks(
            current=cur_url,
            prev_archive=config.url(spec.path(req.fmt, req.page - 1)) if req.page > 1 else None,
            next_archive=config.url(spec.path(req.fmt, req.page + 1))
            if req.page < sel.pages
            else None,
            is_archive=True,
        )
        self_url = config.url(spec.path(req.fmt, req.page))
    items = (loader or queries.ItemLoader(registry)).load(session, sel.ids, spec.dedup)
    updated = max((it.updated for it in items), default=EMPTY_UPDATED)
    title = title_of(spec, registry, config)
    if filters is not None:
        title += " (lọc: " + ", ".join([*filters.q, *("-" + t for t in filters.exclude)]) + ")"
    meta = FeedMeta(
        fmt=req.fmt,
        feed_id=config.url(spec.path("atom")) + _query_suffix(filters, None),
        self_url=self_url,
        title=title,
        description=description_of(spec, registry, config),
        home_url=home_of(spec, registry, config),
        author=registry.units[spec.unit].name if spec.unit else config.site_title,
        updated=updated,
        base_url=config.base_url,
        language=config.language,
        hub=config.hub,
        archive=arch,
        stylesheet=config.url(STYLESHEET_PATH) if req.fmt in ("rss", "atom") else None,
    )
    body = render(meta, items)
    last_mod = max([updated, *(it.changed_at for it in items if it.changed_at)])
    return Rendered(body, CONTENT_TYPES[req.fmt], make_etag(body), last_mod)


def render_stylesheet(config: FeedConfig, env: Environment | None = None) -> Rendered:
    """``/feed.xsl``: the page a browser shows for an RSS or Atom feed, in the page language."""
    text = (env or environment()).get_template("feed.xsl").render(site_title=config.site_title)
    body = text.encode("utf-8")
    return Rendered(body, CONTENT_TYPES["xsl"], make_etag(body), None)


def all_specs(session: Session, registry: Registry) -> list[FeedSpec]:
    """Every feed of the tree, given the store's (unit, topic) pairs."""
    return feed_specs(registry, queries.unit_topic_pairs(session))


def render_opml_doc(session: Session, registry: Registry, config: FeedConfig) -> Rendered:
    """``/feeds.opml``: all, provinces, topics, then province → unit → feeds (RSS)."""
    specs = all_specs(session, registry)
    url = config.url

    def feed(spec: FeedSpec, text: str | None = None) -> OpmlOutline:
        return OpmlOutline(
            text or title_of(spec, registry, config),
            url(spec.path("rss")),
            home_of(spec, registry, config),
        )

    by_kind: dict[str, list[FeedSpec]] = {}
    for s in specs:
        by_kind.setdefault(s.kind, []).append(s)
    outlines = [feed(FeedSpec("all"))]
    outlines.append(
        OpmlOutline("Tỉnh, thành phố", children=tuple(feed(s) for s in by_kind.get("province", [])))
    )
    outlines.append(
        OpmlOutline("Chủ đề", children=tuple(feed(s) for s in by_kind.get("topic", [])))
    )
    for group in index_groups(specs, registry, config):
        units = []
        for u in group["units"]:
            spec = FeedSpec("unit", unit=u["id"])
            kids = [feed(spec, "Tất cả tin")]
            kids += [
                feed(FeedSpec("unit_topic", unit=u["id"], topic=t["slug"]), t["name"])
                for t in u["topics"]
            ]
            units.append(OpmlOutline(u["name"], children=tuple(kids)))
        outlines.append(OpmlOutline(group["name"], children=tuple(units)))
    body = render_opml(config.site_title, outlines, owner_url=config.url("/"))
    return Rendered(body, CONTENT_TYPES["opml"], make_etag(body), None)


def index_groups(
    specs: list[FeedSpec], registry: Registry, config: FeedConfig
) -> list[dict[str, Any]]:
    """Units grouped under today's province (predecessors' units included), with topics."""
    pairs: dict[str, list[str]] = {}
    for s in specs:
        if s.kind == "unit_topic" and s.unit and s.topic:
            pairs.setdefault(s.unit, []).append(s.topic)
    groups: dict[str, dict[str, Any]] = {}
    for uid in sorted(registry.units):
        u = registry.units[uid]
        root = registry.root_province(u.province)
        prov = registry.provinces.get(root)
        g = groups.setdefault(
            root,
            {
                "id": root,
                "name": prov.name if prov else root,
                "base": f"/provinces/{root}" if prov else None,
                "units": [],
            },
        )
        g["units"].append(
            {
                "id": uid,
                "name": u.name,
                "homepage": web_url(u.homepage, ""),
                "archived": u.archived,
                "base": f"/units/{uid}",
                "province": registry.provinces[u.province].name
                if u.province in registry.provinces
                else u.province,
                "topics": [
                    {"slug": t, "name": registry.topics[t].name, "base": f"/units/{uid}/{t}"}
                    for t in sorted(pairs.get(uid, []))
                ],
            }
        )
    return [groups[k] for k in sorted(groups, key=lambda k: match_form(groups[k]["name"]))]


def _fold(text: str) -> str:
    """Canonical form without tone marks or đ, so a search typed without diacritics matches."""
    decomposed = unicodedata.normalize("NFD", match_form(text).replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _search_form(*names: str) -> str:
    return " ".join(_fold(n) for n in names)


def render_index(
    session: Session,
    registry: Registry,
    config: FeedConfig,
    q: str = "",
    env: Environment | None = None,
) -> Rendered:
    """The HTML index: every feed with copyable links; ``q`` narrows it (canonical form).

    ``env`` is the caller's Jinja environment (the web app's); by default the feed tree's.
    """
    specs = all_specs(session, registry)
    groups = index_groups(specs, registry, config)
    term = _fold(q)
    topics = [
        {"slug": t.slug, "name": t.name, "base": f"/topics/{t.slug}"}
        for t in sorted(registry.topics.values(), key=lambda t: t.slug)
    ]
    for g in groups:
        for u in g["units"]:
            u["search"] = _search_form(
                u["name"], u["id"], u["province"], g["name"], *(t["name"] for t in u["topics"])
            )
    if term:
        topics = [t for t in topics if term in _search_form(t["name"], t["slug"])]
        for g in groups:
            if term in _search_form(g["name"], g["id"]):
                continue
            g["units"] = [u for u in g["units"] if term in u["search"]]
        groups = [g for g in groups if g["units"]]
    html = (
        (env or environment())
        .get_template("index.html")
        .render(
            config=config,
            site_title=config.site_title,
            url=config.url,
            groups=groups,
            topics=topics,
            q=q,
            formats=("rss", "atom", "json"),
        )
    )
    body = html.encode("utf-8")
    return Rendered(body, CONTENT_TYPES["html"], make_etag(body), None)
