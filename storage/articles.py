"""Writing articles, their raw pages and topics; what the crawler already knows."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, cast

from sqlalchemy import Table, TextualSelect, bindparam, insert, inspect, select, text, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from domain.article import Article
from domain.syllables import match_form
from storage import models as m
from storage.urls import canonical_url

_RAW = cast(Table, m.RawPage.__table__)
_TOPICS = cast(Table, m.ArticleTopic.__table__)
# Statements of every stored page, built once (building one per call costs more than the query).
_RAW_SAME = select(_RAW.c.id).where(
    _RAW.c.unit_id == bindparam("unit_id"),
    _RAW.c.url == bindparam("url"),
    _RAW.c.sha256 == bindparam("sha256"),
)
_RAW_SEEN = (
    update(_RAW)
    .where(_RAW.c.id == bindparam("page_id"))
    .values(fetched_at=bindparam("seen_at"), article_id=bindparam("of_article"))
)
_RAW_INSERT = insert(_RAW).returning(_RAW.c.id)
_TOPICS_INSERT = insert(_TOPICS)

Outcome = Literal["new", "updated", "unchanged"]


def article_guid(unit_id: str, canon: str) -> str:
    """The stable id of an article in every feed: a tag: URI (RFC 4151)."""
    digest = hashlib.sha1(canon.encode("utf-8")).hexdigest()[:20]
    return f"tag:vnfeeds,2026:{unit_id}/{digest}"


def content_hash(title: str, body_text: str) -> str:
    """Hash of the canonical matching form of title and body (change detection, exact dups)."""
    return hashlib.sha256(match_form(f"{title}\n{body_text}").encode("utf-8")).hexdigest()


def known_articles(session: Session, unit_id: str) -> dict[str, str]:
    """Canonical URL -> stored title of the unit's articles."""
    rows = session.execute(
        select(m.Article.canonical_url, m.Article.title).where(m.Article.unit_id == unit_id)
    )
    return dict(rows.tuples().all())


def upsert_article(
    session: Session,
    unit_id: str,
    art: Article,
    now: datetime,
    digest: str | None = None,
    fingerprint: bytes | None = None,
) -> tuple[Outcome, m.Article]:
    """Insert a new article or update a changed one; never loses what was stored.

    An update replaces the content fields but keeps ``guid``, ``first_seen`` and
    the cluster; ``changed_at`` moves only when the content really changed. Safe
    under concurrent writers of the same article: each first tries ``INSERT … ON
    CONFLICT DO NOTHING``; the writer whose insert took creates the row (locked by its
    uncommitted insert), the others find it with ``SELECT … FOR UPDATE`` (PostgreSQL)
    and see it as stored. ``digest``: the article's :func:`content_hash`, when already known;
    ``fingerprint``: its dedup fingerprint, when already known, stored with a new row (an
    updated row's is left to dedup, which recomputes it from the new text).
    """
    canon = canonical_url(art.canonical_url or art.url)
    values = {name: _article_value(art, name) for name in CONTENT_FIELDS}
    values["content_hash"] = digest or content_hash(art.title, art.body_text)
    values.update(
        guid=article_guid(unit_id, canon),
        unit_id=unit_id,
        canonical_url=canon,
        first_seen=now,
        last_seen=now,
        changed_at=now,
    )
    if fingerprint is not None:
        values["fingerprint"] = fingerprint
    # nothing inserted when the row exists; a text statement: the session would not
    # autoflush for it either, so it goes to the connection directly
    insert_stmt = _insert_ignoring_conflicts(tuple(values))
    new_id = session.connection().execute(insert_stmt, values).scalar()
    if new_id is not None:  # this writer created it, whole, in one statement
        return "new", _persistent(session, new_id, values)
    where = (m.Article.unit_id == unit_id, m.Article.canonical_url == canon)
    row = session.scalar(
        select(m.Article).where(*where).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise RuntimeError(f"unit {unit_id}: {canon}: article vanished while stored")
    if not diff_fields(row, art):
        row.last_seen = now
        return "unchanged", row
    apply_article(row, art, now, digest)
    session.flush()
    return "updated", row


def _persistent(session: Session, new_id: int, values: dict[str, Any]) -> m.Article:
    """The just-inserted row as a session object, from the values it was inserted with
    (no read back: every column is given, so nothing is left to load)."""
    row = m.Article(id=new_id, cluster_id=None, **{"fingerprint": None, **values})
    make_transient_to_detached(row)
    session.add(row)
    set_committed_value(row, "topics", [])  # a new row has none
    return row


@lru_cache(maxsize=4)
def _insert_ignoring_conflicts(names: tuple[str, ...]) -> TextualSelect:
    """``INSERT INTO articles (names) … ON CONFLICT DO NOTHING RETURNING id``, typed.

    Written as text with typed parameters (both SQLite and PostgreSQL take this form):
    SQLAlchemy 2.0 cannot cache the compiled form of a dialect's
    ``on_conflict_do_nothing()`` statement, and compiling it anew was most of the time
    of storing an article.
    """
    cols = cast(Table, m.Article.__table__).c
    sql = (
        f"INSERT INTO articles ({', '.join(names)}) "
        f"VALUES ({', '.join(':' + n for n in names)}) "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    return text(sql).bindparams(*(bindparam(n, type_=cols[n].type) for n in names)).columns(cols.id)


CONTENT_FIELDS = (
    "url",
    "title",
    "published",
    "time_unknown",
    "updated",
    "category",
    "lead",
    "body_html",
    "body_text",
    "images",
    "attachments",
    "author",
    "source",
    "language",
    "platform",
    "fallback",
)


def _article_value(art: Article, name: str) -> object:
    value = getattr(art, name)
    if name in ("images", "attachments"):
        return [asdict(v) for v in value]
    return value


def diff_fields(row: m.Article, art: Article) -> list[str]:
    """Names of the content fields where the stored row and the new article differ."""
    return [f for f in CONTENT_FIELDS if getattr(row, f) != _article_value(art, f)]


def apply_article(row: m.Article, art: Article, now: datetime, digest: str | None = None) -> None:
    """Copy the content fields of a cleaned article onto its row; moves ``changed_at``.

    ``digest``: the :func:`content_hash` of the article's title and body, when known.
    """
    for name in CONTENT_FIELDS:
        setattr(row, name, _article_value(art, name))
    row.content_hash = digest or content_hash(art.title, art.body_text)
    row.last_seen = now
    row.changed_at = now


def set_topics(
    session: Session, row: m.Article, topics: dict[str, str], now: datetime | None = None
) -> bool:
    """Replace the article's topics with ``{slug: source}``; True when the set of slugs changed.

    A changed set moves ``changed_at`` to ``now`` (when given): the article moved between feeds.
    """
    current = {t.topic_slug: t for t in row.topics}
    changed = set(current) != set(topics)
    if not current and topics and inspect(row).persistent:
        _add_first_topics(session, row, topics)
    else:
        for slug in list(current):
            if slug not in topics:
                row.topics.remove(current[slug])
        for slug, source in topics.items():
            if slug in current:
                current[slug].source = source
            else:
                row.topics.append(m.ArticleTopic(topic_slug=slug, source=source))
    if changed and now is not None and inspect(row).dict.get("changed_at") != now:
        row.changed_at = now  # not when already ``now`` (a new row): nothing left to flush
    return changed


def _add_first_topics(session: Session, row: m.Article, topics: dict[str, str]) -> None:
    """Topics of an article that has none: inserted as one statement, then shown to the
    session as loaded rows (the unit of work has nothing left to do for them)."""
    values = [{"article_id": row.id, "topic_slug": k, "source": v} for k, v in topics.items()]
    session.connection().execute(_TOPICS_INSERT, values)
    loaded = []
    for v in values:
        t = m.ArticleTopic(**v)
        make_transient_to_detached(t)
        session.add(t)
        loaded.append(t)
    set_committed_value(row, "topics", loaded)


@dataclass(frozen=True)
class PackedPage:
    """A fetched page as it is kept: its sha256 (hex) and its zlib-compressed bytes."""

    sha256: str
    compressed: bytes


def pack_page(body: bytes) -> PackedPage:
    """Hash and compress a page (the crawl does it in its parse worker)."""
    return PackedPage(hashlib.sha256(body).hexdigest(), zlib.compress(body, 6))


def store_raw_page(
    session: Session,
    unit_id: str,
    url: str,
    body: bytes | PackedPage,
    *,
    status: int,
    encoding: str | None,
    article_id: int | None,
    now: datetime,
    new_article: bool = False,
) -> int:
    """Keep the fetched page compressed (only a new version adds a row); ``body`` may come
    already packed (:func:`pack_page`). Returns the row's id.

    ``new_article``: ``article_id`` was created in this transaction, so no stored page is
    a version of it and the page goes in without looking for one (a stored page of the same
    bytes would be another article's: it keeps pointing there).

    Written as plain statements on the session's connection (no ORM object): a page row is
    never read back in the same session.
    """
    sha = body.sha256 if isinstance(body, PackedPage) else hashlib.sha256(body).hexdigest()
    conn = session.connection()
    same = (
        None
        if new_article
        else conn.scalar(_RAW_SAME, {"unit_id": unit_id, "url": url, "sha256": sha})
    )
    if same is not None:
        conn.execute(_RAW_SEEN, {"page_id": same, "seen_at": now, "of_article": article_id})
        return int(same)
    packed = body.compressed if isinstance(body, PackedPage) else zlib.compress(body, 6)
    new_id: int = conn.execute(
        _RAW_INSERT,
        {
            "unit_id": unit_id,
            "url": url,
            "article_id": article_id,
            "fetched_at": now,
            "status": status,
            "encoding": encoding,
            "body": packed,
            "sha256": sha,
        },
    ).scalar_one()
    return new_id


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
