"""The feed queries: which articles a feed shows, in which order, and the data version.

Order is newest first by ``coalesce(published, first_seen)`` then id, so it is total and
stable. Aggregated feeds (all, province, topic) show one item per cluster: the cluster's
canonical article when it is in the feed's scope, else the scope's oldest member;
articles without a cluster stand alone. Items of a cluster list the other units that
published it (``also_on``). A unit's own feeds keep every article of that unit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from domain.registry import Registry
from feeds.filters import Filters
from feeds.items import AlsoOn, FeedItem
from feeds.tree import FeedSpec
from storage.models import Article, ArticleTopic, Cluster, Decision

SORT_AT = func.coalesce(Article.published, Article.first_seen)
CHUNK = 500


def _scope(spec: FeedSpec, registry: Registry, art: Any = Article) -> ColumnElement[bool]:
    """The feed's articles, as a condition on ``art`` (``Article`` or an alias of it)."""
    topics = aliased(ArticleTopic)
    topic_match = exists().where(and_(topics.article_id == art.id, topics.topic_slug == spec.topic))
    if spec.kind == "unit":
        return art.unit_id == spec.unit
    if spec.kind == "unit_topic":
        return and_(art.unit_id == spec.unit, topic_match)
    if spec.kind == "topic":
        return topic_match
    if spec.kind == "province":
        ids = [u.id for u in registry.province_units(spec.province or "")]
        return art.unit_id.in_(ids)
    return true()


def _is_item(spec: FeedSpec, registry: Registry) -> ColumnElement[bool]:
    """True for an in-scope article that is its cluster's one item in a deduplicated feed:
    alone, the canonical, or (the canonical out of scope) the scope's oldest member.

    A condition per row, answered by index lookups, so a newest-first page walks the
    sort index and stops at its limit (a window over the whole scope, as before, read
    and sorted every article of it first: 5 s for ``/all`` on 1 M articles).
    """
    member, canon = aliased(Article), aliased(Article)
    member_sort = func.coalesce(member.published, member.first_seen)
    canonical_in_scope = exists().where(
        canon.id == Cluster.canonical_id, _scope(spec, registry, canon)
    )
    older_in_scope = exists().where(
        member.cluster_id == Article.cluster_id,
        _scope(spec, registry, member),
        or_(member_sort < SORT_AT, and_(member_sort == SORT_AT, member.id < Article.id)),
    )
    return or_(
        Article.cluster_id.is_(None),
        Article.id == Cluster.canonical_id,
        and_(~canonical_in_scope, ~older_in_scope),
    )


def ranked(
    spec: FeedSpec, registry: Registry, among: Collection[int] | None = None
) -> Select[tuple[int, datetime]]:
    """``select(id, sort_at)`` of the feed's items (deduplicated when the feed is).

    ``among`` narrows the result to those articles; the item of each cluster is still
    chosen among all its members in scope (:func:`_is_item`), so ``among`` need not hold
    whole clusters.
    """
    where = _scope(spec, registry)
    if among is not None:
        where = and_(where, Article.id.in_(sorted(among)))
    if not spec.dedup:
        return select(Article.id.label("id"), SORT_AT.label("sort_at")).where(where)
    return (
        select(Article.id.label("id"), SORT_AT.label("sort_at"))
        .outerjoin(Cluster, Cluster.id == Article.cluster_id)
        .where(where, _is_item(spec, registry))
    )


def count_statement(spec: FeedSpec, registry: Registry) -> Select[tuple[int]]:
    """``select(n)``: how many items the feed has in all (its whole history).

    A deduplicated feed has one item per cluster with a member in scope, and one per
    article without a cluster: counted so, in one pass over the scope.
    """
    where = _scope(spec, registry)
    if not spec.dedup:
        return select(func.count()).select_from(Article).where(where)
    alone = func.coalesce(func.sum(case((Article.cluster_id.is_(None), 1), else_=0)), 0)
    n = alone + func.count(func.distinct(Article.cluster_id))
    return select(n).select_from(Article).where(where)


def count_items(session: Session, spec: FeedSpec, registry: Registry) -> int:
    """How many items the feed has in all (:func:`count_statement`)."""
    return int(session.scalar(count_statement(spec, registry)) or 0)


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
    # the candidate ids in order, once (integers only), then their text chunk by chunk
    order_ids = list(session.scalars(select(sub.c.id).order_by(*order).limit(scan)))
    picked: list[int] = []
    for start in range(0, len(order_ids), CHUNK):
        if len(picked) >= limit:
            break
        chunk = order_ids[start : start + CHUNK]
        rows = session.execute(
            select(Article.id, Article.title, Article.lead, Article.body_text).where(
                Article.id.in_(chunk)
            )
        ).all()
        texts = {r.id: f"{r.title}\n{r.lead}\n{r.body_text}" for r in rows}
        picked += [i for i in chunk if filters.matches(texts.get(i, ""))]
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


_ITEM_COLS = (
    Article.id,
    Article.guid,
    Article.title,
    Article.url,
    Article.published,
    Article.first_seen,
    Article.updated,
    Article.changed_at,
    Article.unit_id,
    Article.lead,
    Article.body_html,
    Article.time_unknown,
    Article.images,
    Article.attachments,
    Article.category,
    Article.author,
    Article.cluster_id,
)


class ItemLoader:
    """Builds ``FeedItem``s from article ids; with ``keep=True`` remembers them (export)."""

    def __init__(self, registry: Registry, keep: bool = False) -> None:
        self.registry = registry
        self.keep = keep
        self._items: dict[tuple[int, bool], FeedItem] = {}

    def _unit_name(self, unit_id: str) -> str:
        u = self.registry.units.get(unit_id)
        return u.name if u else unit_id

    def _topic(self, slug: str) -> tuple[str, str]:
        t = self.registry.topics.get(slug)
        return (slug, t.name if t else slug)

    def load(self, session: Session, ids: list[int], note_others: bool) -> list[FeedItem]:
        """Items for these ids in this order; ``note_others`` fills ``also_on`` from clusters."""
        missing = [i for i in ids if (i, note_others) not in self._items]
        fresh = self._fetch(session, missing, note_others) if missing else {}
        if self.keep:
            self._items.update(((i, note_others), it) for i, it in fresh.items())
        out = []
        for i in ids:
            it = fresh.get(i) or self._items.get((i, note_others))
            if it is not None:
                out.append(it)
        return out

    def _fetch(self, session: Session, ids: list[int], note_others: bool) -> dict[int, FeedItem]:
        rows = session.execute(select(*_ITEM_COLS).where(Article.id.in_(ids))).all()
        topics: dict[int, list[str]] = {}
        for aid, slug in session.execute(
            select(ArticleTopic.article_id, ArticleTopic.topic_slug).where(
                ArticleTopic.article_id.in_(ids)
            )
        ):
            topics.setdefault(aid, []).append(slug)
        members: dict[int, list[Any]] = {}
        clusters = {r.cluster_id for r in rows if r.cluster_id is not None}
        if note_others and clusters:
            for m in session.execute(
                select(Article.cluster_id, Article.unit_id, Article.url)
                .where(Article.cluster_id.in_(clusters))
                .order_by(Article.unit_id, Article.id)
            ):
                members.setdefault(m.cluster_id, []).append(m)
        out: dict[int, FeedItem] = {}
        for r in rows:
            seen = {r.unit_id}
            notes: list[AlsoOn] = []
            for m in members.get(r.cluster_id, []):
                if m.unit_id not in seen:
                    seen.add(m.unit_id)
                    notes.append(AlsoOn(m.unit_id, self._unit_name(m.unit_id), m.url))
            published = r.published or r.first_seen
            out[r.id] = FeedItem(
                guid=r.guid,
                title=r.title.strip() or "(không có tiêu đề)",
                url=r.url,
                published=published,
                updated=max(published, r.updated) if r.updated else published,
                changed_at=r.changed_at,
                unit_id=r.unit_id,
                unit_name=self._unit_name(r.unit_id),
                lead=r.lead or "",
                body_html=r.body_html or "",
                time_unknown=bool(r.time_unknown),
                date_is_first_seen=r.published is None,
                images=tuple(x for x in (r.images or []) if isinstance(x, dict)),
                attachments=tuple(x for x in (r.attachments or []) if isinstance(x, dict)),
                category=r.category or "",
                author=r.author or "",
                topics=tuple(self._topic(t) for t in sorted(topics.get(r.id, []))),
                also_on=tuple(notes),
            )
        return out


def load_items(
    session: Session, registry: Registry, ids: list[int], note_others: bool
) -> list[FeedItem]:
    """Feed items for these article ids, in the given order.

    With ``note_others`` an item of a cluster lists the cluster's other units.
    """
    return ItemLoader(registry).load(session, ids, note_others)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def ordered_entries(
    session: Session, spec: FeedSpec, registry: Registry, among: Collection[int] | None = None
) -> list[tuple[int, int]]:
    """(id, sort key in µs since 1970) of every item, newest first (one query; ``among``: ``ranked``).

    Sorting these pairs descending gives the feed's order (``sort_entries``).
    """
    sub = ranked(spec, registry, among).subquery()
    rows = session.execute(
        select(sub.c.id, sub.c.sort_at).order_by(sub.c.sort_at.desc(), sub.c.id.desc())
    ).tuples()
    return [(i, (at - _EPOCH) // _MICRO) for i, at in rows]


def sort_entries(entries: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Entries in feed order: newest sort key first, then highest id (as the queries order)."""
    return sorted(entries, key=lambda e: (e[1], e[0]), reverse=True)


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
