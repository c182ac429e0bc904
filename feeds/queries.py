"""The feed queries: which articles a feed shows, in which order, and the data version.

Order is newest first by ``coalesce(published, first_seen)`` then id, so it is total and
stable. Aggregated feeds (all, province, topic) show one item per cluster: the cluster's
canonical article when it is in the feed's scope, else the scope's oldest member;
articles without a cluster stand alone. Items of a cluster list the other units that
published it (``also_on``). A unit's own feeds keep every article of that unit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select, true
from sqlalchemy.orm import Session

from crawlers.cleaning.text import match_form
from crawlers.registry import Registry
from feeds.build import AlsoOn, FeedItem
from feeds.tree import FeedSpec
from storage.models import Article, ArticleTopic, Cluster, Decision

SORT_AT = func.coalesce(Article.published, Article.first_seen)
CHUNK = 500


def _terms(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        for part in v.split(","):
            form = " ".join(match_form(part).split())
            if form and form not in out:
                out.append(form)
    return tuple(out)


@dataclass(frozen=True)
class Filters:
    """``?q=`` (keep items containing any term) and ``?exclude=`` (drop items with any term).

    Terms are comma-separated (or repeated parameters) and compared on the canonical
    matching form, whole words only, against title, lead and body text.
    """

    q: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, q: Iterable[str] = (), exclude: Iterable[str] = ()) -> Filters:
        """Filters from raw query-parameter values."""
        return cls(_terms(q), _terms(exclude))

    @property
    def active(self) -> bool:
        """True when any term is set."""
        return bool(self.q or self.exclude)

    @property
    def key(self) -> str:
        """A canonical cache key."""
        return "q=" + "|".join(sorted(self.q)) + "&x=" + "|".join(sorted(self.exclude))

    def matches(self, text: str) -> bool:
        """Whether an article whose text is ``text`` passes."""
        form = " ".join(match_form(text).split())

        def has(term: str) -> bool:
            return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", form) is not None

        if self.q and not any(has(t) for t in self.q):
            return False
        return not any(has(t) for t in self.exclude)


def _scope(spec: FeedSpec, registry: Registry) -> ColumnElement[bool]:
    topic_match = exists().where(
        and_(ArticleTopic.article_id == Article.id, ArticleTopic.topic_slug == spec.topic)
    )
    if spec.kind == "unit":
        return Article.unit_id == spec.unit
    if spec.kind == "unit_topic":
        return and_(Article.unit_id == spec.unit, topic_match)
    if spec.kind == "topic":
        return topic_match
    if spec.kind == "province":
        ids = [u.id for u in registry.province_units(spec.province or "")]
        return Article.unit_id.in_(ids)
    return true()


def ranked(spec: FeedSpec, registry: Registry) -> Select[tuple[int, datetime]]:
    """``select(id, sort_at)`` of the feed's items (deduplicated when the feed is)."""
    if not spec.dedup:
        return select(Article.id.label("id"), SORT_AT.label("sort_at")).where(
            _scope(spec, registry)
        )
    group = func.coalesce(Article.cluster_id, -Article.id)
    rank = func.row_number().over(
        partition_by=group,
        order_by=(
            case((Article.id == Cluster.canonical_id, 0), else_=1),
            SORT_AT.asc(),
            Article.id.asc(),
        ),
    )
    inner = (
        select(Article.id.label("id"), SORT_AT.label("sort_at"), rank.label("rk"))
        .outerjoin(Cluster, Cluster.id == Article.cluster_id)
        .where(_scope(spec, registry))
        .subquery()
    )
    return select(inner.c.id, inner.c.sort_at).where(inner.c.rk == 1)


def count_items(session: Session, spec: FeedSpec, registry: Registry) -> int:
    """How many items the feed has in all (its whole history)."""
    sub = ranked(spec, registry).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def current_ids(
    session: Session,
    spec: FeedSpec,
    registry: Registry,
    limit: int,
    filters: Filters | None = None,
    scan: int = 5000,
) -> list[int]:
    """Ids of the newest ``limit`` items (passing the filters; at most ``scan`` looked at)."""
    sub = ranked(spec, registry).subquery()
    order = (sub.c.sort_at.desc(), sub.c.id.desc())
    if filters is None or not filters.active:
        return list(session.scalars(select(sub.c.id).order_by(*order).limit(limit)))
    picked: list[int] = []
    offset = 0
    while len(picked) < limit and offset < scan:
        chunk = list(session.scalars(select(sub.c.id).order_by(*order).offset(offset).limit(CHUNK)))
        if not chunk:
            break
        rows = session.execute(
            select(Article.id, Article.title, Article.lead, Article.body_text).where(
                Article.id.in_(chunk)
            )
        ).all()
        texts = {r.id: f"{r.title}\n{r.lead}\n{r.body_text}" for r in rows}
        picked += [i for i in chunk if filters.matches(texts.get(i, ""))]
        offset += CHUNK
    return picked[:limit]


def archive_ids(
    session: Session, spec: FeedSpec, registry: Registry, page: int, size: int
) -> list[int]:
    """Ids on archive page ``page`` (1 = the oldest ``size`` items), newest first."""
    sub = ranked(spec, registry).subquery()
    ids = list(
        session.scalars(
            select(sub.c.id)
            .order_by(sub.c.sort_at.asc(), sub.c.id.asc())
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    return ids[::-1]


def _unit_name(registry: Registry, unit_id: str) -> str:
    u = registry.units.get(unit_id)
    return u.name if u else unit_id


def load_items(
    session: Session, registry: Registry, ids: list[int], note_others: bool
) -> list[FeedItem]:
    """Feed items for these article ids, in the given order.

    With ``note_others`` an item of a cluster lists the cluster's other units.
    """
    if not ids:
        return []
    arts = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    others: dict[int, list[AlsoOn]] = {}
    clusters = {a.cluster_id for a in arts.values() if a.cluster_id is not None}
    if note_others and clusters:
        members = session.execute(
            select(Article.id, Article.cluster_id, Article.unit_id, Article.url)
            .where(Article.cluster_id.in_(clusters))
            .order_by(Article.unit_id, Article.id)
        ).all()
        for a in arts.values():
            seen = {a.unit_id}
            notes: list[AlsoOn] = []
            for m in members:
                if m.cluster_id == a.cluster_id and m.unit_id not in seen:
                    seen.add(m.unit_id)
                    notes.append(AlsoOn(m.unit_id, _unit_name(registry, m.unit_id), m.url))
            others[a.id] = notes
    items = []
    for i in ids:
        if i not in arts:
            continue
        a = arts[i]
        published = a.published or a.first_seen
        updated = max(published, a.updated) if a.updated else published
        topics = tuple(
            (
                t.topic_slug,
                registry.topics[t.topic_slug].name
                if t.topic_slug in registry.topics
                else t.topic_slug,
            )
            for t in sorted(a.topics, key=lambda t: t.topic_slug)
        )
        items.append(
            FeedItem(
                guid=a.guid,
                title=a.title.strip() or "(không có tiêu đề)",
                url=a.url,
                published=published,
                updated=updated,
                unit_id=a.unit_id,
                unit_name=_unit_name(registry, a.unit_id),
                lead=a.lead or "",
                body_html=a.body_html or "",
                time_unknown=bool(a.time_unknown),
                images=tuple(x for x in (a.images or []) if isinstance(x, dict)),
                attachments=tuple(x for x in (a.attachments or []) if isinstance(x, dict)),
                category=a.category or "",
                author=a.author or "",
                topics=topics,
                also_on=tuple(others.get(a.id, ())),
            )
        )
    return items


def last_changed(session: Session, ids: list[int]) -> datetime | None:
    """The newest ``changed_at`` among these articles (for Last-Modified)."""
    if not ids:
        return None
    return session.scalar(select(func.max(Article.changed_at)).where(Article.id.in_(ids)))


def unit_topic_pairs(session: Session) -> set[tuple[str, str]]:
    """(unit, topic) pairs that have at least one article."""
    rows = session.execute(
        select(Article.unit_id, ArticleTopic.topic_slug)
        .join(ArticleTopic, ArticleTopic.article_id == Article.id)
        .distinct()
    ).all()
    return {(r[0], r[1]) for r in rows}


def data_version(session: Session) -> str:
    """A short hash that changes whenever any feed's content may have changed.

    One round trip: newest ``articles.changed_at``, article count, clustered-article
    count and id sum, cluster count/max id/canonical sum, decision count/newest/undone.
    """
    q = select(
        select(func.max(Article.changed_at)).scalar_subquery(),
        select(func.count(Article.id)).scalar_subquery(),
        select(func.count(Article.cluster_id)).scalar_subquery(),
        select(func.coalesce(func.sum(Article.cluster_id), 0)).scalar_subquery(),
        select(func.count(Cluster.id)).scalar_subquery(),
        select(func.coalesce(func.max(Cluster.id), 0)).scalar_subquery(),
        select(func.coalesce(func.sum(Cluster.canonical_id), 0)).scalar_subquery(),
        select(func.count(Decision.id)).scalar_subquery(),
        select(func.max(Decision.at)).scalar_subquery(),
        select(func.count(Decision.id)).where(Decision.undone.is_(True)).scalar_subquery(),
    )
    row = session.execute(q).one()
    return hashlib.sha256(repr(tuple(str(v) for v in row)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ChangedScope:
    """Units and topics whose articles changed since some moment (for WebSub pings)."""

    units: frozenset[str]
    topics: frozenset[tuple[str, str]]  # (unit, topic)


def changed_since(session: Session, since: datetime) -> ChangedScope:
    """What changed after ``since``: articles changed, and articles editors decided on."""
    ids = set(session.scalars(select(Article.id).where(Article.changed_at > since)))
    ids |= {i for i in session.scalars(select(Decision.article_id).where(Decision.at > since)) if i}
    if not ids:
        return ChangedScope(frozenset(), frozenset())
    units = set(session.scalars(select(Article.unit_id).where(Article.id.in_(ids)).distinct()))
    pairs = session.execute(
        select(Article.unit_id, ArticleTopic.topic_slug)
        .join(ArticleTopic, ArticleTopic.article_id == Article.id)
        .where(Article.id.in_(ids))
        .distinct()
    ).all()
    return ChangedScope(frozenset(units), frozenset((r[0], r[1]) for r in pairs))
