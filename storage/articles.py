"""Writing articles, their raw pages and topics; what the crawler already knows."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import asdict
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.cleaning.text import match_form
from crawlers.items import Article
from storage import models as m
from storage.urls import canonical_url

Outcome = Literal["new", "updated", "unchanged"]


def article_guid(unit_id: str, canon: str) -> str:
    """The stable id of an article in every feed: a tag: URI (RFC 4151)."""
    digest = hashlib.sha1(canon.encode("utf-8")).hexdigest()[:20]
    return f"tag:vnfeeds,2026:{unit_id}/{digest}"


def content_hash(title: str, body_text: str) -> str:
    """Hash of the canonical matching form of title and body (change detection, exact dups)."""
    return hashlib.sha256(match_form(f"{title}\n{body_text}").encode("utf-8")).hexdigest()


def known_articles(session: Session, unit_id: str) -> dict[str, str]:
    """Canonical URL -> title (matching form) of the unit's stored articles."""
    rows = session.execute(
        select(m.Article.canonical_url, m.Article.title).where(m.Article.unit_id == unit_id)
    )
    return {cu: match_form(t) for cu, t in rows}


def upsert_article(
    session: Session, unit_id: str, art: Article, now: datetime
) -> tuple[Outcome, m.Article]:
    """Insert a new article or update a changed one; never loses what was stored.

    An update replaces the content fields but keeps ``guid``, ``first_seen`` and
    the cluster; ``changed_at`` moves only when the content really changed.
    """
    canon = canonical_url(art.canonical_url or art.url)
    row = session.scalar(
        select(m.Article).where(m.Article.unit_id == unit_id, m.Article.canonical_url == canon)
    )
    chash = content_hash(art.title, art.body_text)
    outcome: Outcome
    if row is None:
        row = m.Article(
            guid=article_guid(unit_id, canon), unit_id=unit_id, canonical_url=canon, first_seen=now
        )
        session.add(row)
        outcome = "new"
    elif row.content_hash == chash and row.title == art.title and row.published == art.published:
        row.last_seen = now
        return "unchanged", row
    else:
        outcome = "updated"
    row.url = art.url
    row.title = art.title
    row.published = art.published
    row.time_unknown = art.time_unknown
    row.updated = art.updated
    row.category = art.category
    row.lead = art.lead
    row.body_html = art.body_html
    row.body_text = art.body_text
    row.images = [asdict(i) for i in art.images]
    row.attachments = [asdict(a) for a in art.attachments]
    row.author = art.author
    row.source = art.source
    row.language = art.language
    row.platform = art.platform
    row.fallback = art.fallback
    row.content_hash = chash
    row.last_seen = now
    row.changed_at = now
    session.flush()
    return outcome, row


def set_topics(session: Session, row: m.Article, topics: dict[str, str]) -> None:
    """Replace the article's topics with ``{slug: source}``."""
    current = {t.topic_slug: t for t in row.topics}
    for slug in list(current):
        if slug not in topics:
            row.topics.remove(current[slug])
    for slug, source in topics.items():
        if slug in current:
            current[slug].source = source
        else:
            row.topics.append(m.ArticleTopic(topic_slug=slug, source=source))


def store_raw_page(
    session: Session,
    unit_id: str,
    url: str,
    body: bytes,
    *,
    status: int,
    encoding: str | None,
    article_id: int | None,
    now: datetime,
) -> m.RawPage:
    """Keep the fetched page compressed (only a new version adds a row)."""
    sha = hashlib.sha256(body).hexdigest()
    same = session.scalar(
        select(m.RawPage).where(
            m.RawPage.unit_id == unit_id, m.RawPage.url == url, m.RawPage.sha256 == sha
        )
    )
    if same is not None:
        same.fetched_at = now
        same.article_id = article_id
        return same
    page = m.RawPage(
        unit_id=unit_id,
        url=url,
        article_id=article_id,
        fetched_at=now,
        status=status,
        encoding=encoding,
        body=zlib.compress(body, 6),
        sha256=sha,
    )
    session.add(page)
    return page


def raw_body(page: m.RawPage) -> bytes:
    """The decompressed bytes of a stored page."""
    return zlib.decompress(page.body)


def save_validators(
    session: Session, url: str, unit_id: str, etag: str | None, lm: str | None
) -> None:
    """Remember a list page's ETag / Last-Modified for the next conditional GET."""
    row = session.get(m.HttpCache, url) or m.HttpCache(url=url, unit_id=unit_id)
    row.etag, row.last_modified = etag, lm
    session.add(row)
