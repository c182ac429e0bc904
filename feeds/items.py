"""What a feed document is made of: its metadata, its items, and their text as readers see it.

Typed values in, strings out, nothing read from the clock: the renderers (:mod:`feeds.build`
for RSS and Atom, :mod:`feeds.jsonfeed` for JSON Feed) turn them into bytes.
"""

from __future__ import annotations

import html
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawlers.cleaning.allowlist import enforce_allowlist
from domain.timezone import VN_TZ

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


def is_web(url: object) -> bool:
    """True for an http(s) URL: the only links that leave in a feed."""
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
            if isinstance(img, dict) and is_web(img.get("url")):
                return img
        return None

    @property
    def files(self) -> list[dict[str, Any]]:
        """The attachments with an http(s) URL (the only ones a feed links)."""
        return [a for a in self.attachments if isinstance(a, dict) and is_web(a.get("url"))]


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


def mime_of(media: dict[str, Any]) -> str | None:
    """The MIME type of an image or attachment (its declared ``type``, else its URL's)."""
    return guess_type(media["url"], str(media.get("type") or ""))


def web_url(url: str, fallback: str) -> str:
    """``url`` when it is http(s), else ``fallback``: no other scheme leaves as a link.

    Images and attachments without an http(s) URL are left out the same way.
    """
    return url if is_web(url) else fallback


def home_of_feed(meta: FeedMeta) -> str:
    """The feed's home page (the site's root when it has no web home of its own)."""
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
    files = item.files
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


def categories_of(item: FeedItem, base_url: str) -> list[dict[str, str]]:
    """The item's category, topics and units as feed categories (term, label, scheme)."""
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


def authors_of(item: FeedItem) -> list[str]:
    """The article's author (when the page names one), then its unit."""
    names = [item.author.strip()] if item.author.strip() else []
    if item.unit_name not in names:
        names.append(item.unit_name)
    return names
