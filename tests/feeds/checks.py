"""Structural checks of feed documents: the W3C validator's rules that apply to ours.

RSS 2.0 by lxml walk, Atom by a RELAX NG subset of RFC 4287 plus the rules RELAX NG
cannot say, JSON Feed 1.1 keys and types, OPML 2.0 outlines; every RSS and Atom feed
also goes through feedparser, which must not flag it (``bozo``).
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import feedparser
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
UNSAFE = re.compile(r"<\s*(script|style|iframe|object|embed|form)\b|\son\w+\s*=|javascript:", re.I)


def _abs(url: str | None) -> bool:
    p = urlparse(url or "")
    return p.scheme in ("http", "https", "tag", "urn") and bool(p.netloc or p.path)


@lru_cache(maxsize=1)
def atom_schema() -> etree.RelaxNG:
    """The Atom subset schema."""
    return etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom-subset.rng"))))


def not_bozo(body: bytes) -> Any:
    """Parse with feedparser; fail if it flags the document."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def check_rss(body: bytes) -> etree._Element:
    """RSS 2.0: required channel/item elements, dates, guids, self link, safe HTML."""
    root = etree.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    ch = root.find("channel")
    assert ch is not None
    for tag in ("title", "link", "description"):
        assert (ch.findtext(tag) or "").strip(), f"channel/{tag} empty"
    assert _abs(ch.findtext("link"))
    selfs = [e for e in ch.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert len(selfs) == 1 and selfs[0].get("type") == "application/rss+xml"
    assert RFC822.match(ch.findtext("lastBuildDate") or ""), ch.findtext("lastBuildDate")
    guids = set()
    for item in ch.findall("item"):
        assert (item.findtext("title") or "").strip()
        assert _abs(item.findtext("link"))
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false" and guid.text
        assert guid.text not in guids, f"duplicate guid {guid.text}"
        guids.add(guid.text)
        assert RFC822.match(item.findtext("pubDate") or ""), item.findtext("pubDate")
        assert item.findtext("pubDate", "").endswith("+0700")
        assert item.find("author") is None  # RSS author must be an e-mail; we use dc:creator
        assert len(item.findall("enclosure")) <= 1
        for tag in ("description", f"{CONTENT}encoded"):
            assert len(item.findall(tag)) <= 1
            assert not UNSAFE.search(item.findtext(tag) or "")
    not_bozo(body)
    return root


def check_atom(body: bytes) -> etree._Element:
    """Atom 1.0: the RELAX NG subset, plus author, alternate-link and id rules."""
    root = etree.fromstring(body)
    schema = atom_schema()
    assert schema.validate(root), schema.error_log
    feed_author = root.find(f"{ATOM}author") is not None
    selfs = [e for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert len(selfs) == 1 and selfs[0].get("type") == "application/atom+xml"
    ids = set()
    for entry in root.findall(f"{ATOM}entry"):
        assert feed_author or entry.find(f"{ATOM}author") is not None
        alts = [
            (e.get("type"), e.get("hreflang"))
            for e in entry.findall(f"{ATOM}link")
            if e.get("rel", "alternate") == "alternate"
        ]
        assert len(alts) == len(set(alts)) and alts, "one alternate link per type"
        eid = entry.findtext(f"{ATOM}id")
        assert eid not in ids
        ids.add(eid)
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert not UNSAFE.search(content.text or "")
        for tag in ("updated", "published"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").endswith("+07:00")
    not_bozo(body)
    return root


FEED_KEYS = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
ITEM_KEYS = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


def _keys_ok(d: dict[str, Any], allowed: set[str]) -> None:
    for k in d:
        assert k in allowed or re.match(r"^_[A-Za-z]", k), f"unknown JSON Feed key {k!r}"


def check_json(body: bytes) -> dict[str, Any]:
    """JSON Feed 1.1: known keys (or ``_extensions``), required fields and types."""
    doc = json.loads(body)
    _keys_ok(doc, FEED_KEYS)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(doc["title"], str) and doc["title"]
    assert _abs(doc["feed_url"]) and _abs(doc["home_page_url"])
    assert all(isinstance(a.get("name"), str) for a in doc.get("authors", []))
    for h in doc.get("hubs", []):
        assert set(h) == {"type", "url"}
    ids = set()
    for it in doc["items"]:
        _keys_ok(it, ITEM_KEYS)
        assert isinstance(it["id"], str) and it["id"] not in ids
        ids.add(it["id"])
        assert "content_html" in it or "content_text" in it
        for k in ("date_published", "date_modified"):
            assert RFC3339.match(it[k]) and it[k].endswith("+07:00")
        assert isinstance(it.get("tags", []), list)
        for a in it.get("attachments", []):
            assert _abs(a["url"]) and re.match(r"^[a-z]+/[\w.+-]+$", a["mime_type"])
    # feedparser 6.0 has no JSON Feed parser: the key and type checks above stand in
    assert isinstance(doc["items"], list)
    return doc


def check_opml(body: bytes) -> etree._Element:
    """OPML 2.0: head/title, body of outlines; feed outlines have text, type and xmlUrl; every
    outline with a title or children (a group) has a type."""
    root = etree.fromstring(body)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    for o in root.iter("outline"):
        assert o.get("text")
        if o.get("xmlUrl"):
            assert o.get("type") == "rss" and _abs(o.get("xmlUrl"))
        if o.get("title") or len(o):  # the W3C validator's MissingOutlineType
            assert o.get("type"), etree.tostring(o)[:200]
    return root


def check_feed(path: str, body: bytes) -> Any:
    """The right check for a path's extension."""
    if path.endswith(".rss"):
        return check_rss(body)
    if path.endswith(".atom"):
        return check_atom(body)
    if path.endswith(".json"):
        return check_json(body)
    if path.endswith(".opml"):
        return check_opml(body)
    raise AssertionError(f"no check for {path}")


def rfc822_date(s: str) -> Any:
    """Parse an RFC 822 date (for comparisons)."""
    return parsedate_to_datetime(s)
