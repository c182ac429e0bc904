"""JSON Feed 1.1 documents, with the standard library's encoder."""

from __future__ import annotations

import json
from typing import Any

from feeds.items import (
    FeedItem,
    FeedMeta,
    authors_of,
    categories_of,
    content_html,
    home_of_feed,
    mime_of,
    summary_text,
    vn,
    web_url,
)

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


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
    d["authors"] = [{"name": n} for n in authors_of(it)]
    d["tags"] = [c["label"] for c in categories_of(it, base_url)]
    files = it.files
    if files:
        d["attachments"] = [
            {
                "url": a["url"],
                "mime_type": mime_of(a) or "application/octet-stream",
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
        "home_page_url": home_of_feed(meta),
        "feed_url": meta.self_url,
        "description": meta.description,
        "language": meta.language,
        "authors": [{"name": meta.author}],
    }
    if meta.archive.prev_archive:
        doc["next_url"] = meta.archive.prev_archive  # JSON Feed pages towards older items
    if meta.hub:
        doc["hubs"] = [{"type": "WebSub", "url": meta.hub}]
    doc["items"] = [_json_item(it, meta.base_url, home_of_feed(meta)) for it in items]
    # compact: the C encoder (indent= forces the pure-Python one, ~5× slower)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
