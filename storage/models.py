"""SQLAlchemy 2 models: the whole schema of the store.

Times are stored in UTC and come back zone-aware (``UTCDateTime``); feeds and
pages convert to +07:00 for display.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, zone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A zone-aware datetime stored as UTC (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a zone-aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Province(Base):
    __tablename__ = "provinces"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    successor_id: Mapped[str | None] = mapped_column(String(64))
    merged_on: Mapped[date | None] = mapped_column(Date)


class Topic(Base):
    __tablename__ = "topics"
    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    """A unit as the store knows it: registry fields plus operational state."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    province_id: Mapped[str] = mapped_column(String(64), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    homepage: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="new")
    state_since: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    backoff_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    moved_to: Mapped[str | None] = mapped_column(Text)
    moved_at: Mapped[datetime | None]
    last_new_at: Mapped[datetime | None]


class Article(Base):
    """One article of one unit; ``guid`` never changes once published."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("unit_id", "canonical_url", name="uq_article_unit_url"),
        Index("ix_articles_published", "published"),
        Index("ix_articles_content_hash", "content_hash"),
        # dedup's exact-duplicate lookup by URL across units; hash on PostgreSQL: any length
        Index("ix_articles_canonical_url", "canonical_url", postgresql_using="hash"),
        # the feeds' order (feeds.queries.SORT_AT, then id): a newest page stops early
        Index("ix_articles_sort_at", text("coalesce(published, first_seen)"), "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(80), unique=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime | None]
    time_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    updated: Mapped[datetime | None]
    category: Mapped[str] = mapped_column(String(300), default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    author: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(8), default="vi")
    platform: Mapped[str] = mapped_column(String(32), default="")
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    topics: Mapped[list[ArticleTopic]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ArticleTopic(Base):
    __tablename__ = "article_topics"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    topic_slug: Mapped[str] = mapped_column(ForeignKey("topics.slug"), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), default="category")


class RawPage(Base):
    """A fetched article page, compressed, so it can be re-parsed later."""

    __tablename__ = "raw_pages"
    __table_args__ = (Index("ix_raw_pages_url", "url", postgresql_using="hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[int] = mapped_column(Integer, default=200)
    encoding: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class HttpCache(Base):
    """Validators of list pages for conditional GET."""

    __tablename__ = "http_cache"
    url: Mapped[str] = mapped_column(Text, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cluster(Base):
    """A set of articles that are the same news; one of them is canonical."""

    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_id: Mapped[int | None] = mapped_column(Integer)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuplicateCandidate(Base):
    """A scored pair of articles; automatic or awaiting an editor."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (UniqueConstraint("a_id", "b_id", name="uq_candidate_pair"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """The editors' audit trail: who decided what, when; undo marks a row undone."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("duplicate_candidates.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    action: Mapped[str] = mapped_column(String(32))
    editor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)


class CrawlRun(Base):
    """One crawl of one unit."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        Index(
            "ix_crawl_runs_running",
            "unit_id",
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    requests: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    error_text: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    """An editor account (argon2 password hash)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A logged-in editor's session; the cookie holds the token, this row its hash."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """One failed login, by client address and (lower-cased) username."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_ip_at", "ip", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitLease(Base):
    """A lease that stops two processes crawling one unit at once (SQLite)."""

    __tablename__ = "unit_leases"
    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


class PendingEntry(Base):
    """Crawl progress made durable: a list entry or list page found but not yet done.

    A row is written when a list page shows an article (``kind="article"``) or a next
    page (``kind="list"``) and deleted in the same transaction that stores the article
    or records the page's entries, so a killed crawl's work is resumed by the next run.
    """

    __tablename__ = "pending_entries"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(300), default="")
    list_date: Mapped[str | None] = mapped_column(String(100))
    page: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    listed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadLink(Base):
    """An article link a unit's list shows whose page held no article (a soft 404, a
    category page): not fetched again until ``until``."""

    __tablename__ = "dead_links"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # pending_key(unit, url)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)  # canonical
    reason: Mapped[str] = mapped_column(Text, default="")
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    until: Mapped[datetime]


class Lease(Base):
    """A named lease with an expiry: who leads the schedulers (SQLite; PostgreSQL uses an advisory lock)."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
