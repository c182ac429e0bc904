"""The feeds a change touches: one definition for the export, the serving cache and WebSub.

An article of unit U in topics T appears in ``/all``, ``/units/U``, ``/units/U/<t>`` and
``/topics/<t>`` for each t in T, and in the feed of U's province and of every province
it merged into (a successor province lists its predecessors' units; see
``Registry.province_units``). A changed article may also have *left* topics, so a
change carries the pairs its units had before as well (``left``). The index and OPML
list feeds, not items: they change only when the set of (unit, topic) feeds changes.

``changes_since`` finds what changed in the store after a ``Mark`` (articles whose
``changed_at`` moved, new article ids, and the members of their clusters, whose
"also on" notes and dedup ranking move with them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.registry import Registry
from feeds.items import FEED_FORMATS
from feeds.tree import FeedSpec, configured_pairs
from storage.models import Article, ArticleTopic

Pair = tuple[str, str]
#: how far before a mark ``changes_since`` looks again (writers stamp ``changed_at`` before commit)
MARGIN = timedelta(seconds=30)
T = TypeVar("T")
INDEX_PATHS = ("/", "/feeds.opml")


@dataclass(frozen=True)
class Change:
    """What changed: articles, their units, (unit, topic) pairs now and possibly before."""

    articles: frozenset[int] = frozenset()
    units: frozenset[str] = frozenset()
    pairs: frozenset[Pair] = frozenset()  # pairs the changed articles are in now
    left: frozenset[Pair] = frozenset()  # pairs they may have left (their units' former pairs)
    feeds_changed: bool = False  # the set of feeds changed: index and OPML too
    everything: bool = False  # cannot tell what changed: every document

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.units or self.pairs or self.left or self.feeds_changed or self.everything)


def province_chain(registry: Registry, province_id: str) -> list[str]:
    """The province and every successor: the province feeds listing its units."""
    chain: list[str] = []
    cur: str | None = province_id
    while cur and cur in registry.provinces and cur not in chain:
        chain.append(cur)
        cur = registry.provinces[cur].successor
    return chain


def unit_specs(registry: Registry, unit_id: str) -> list[FeedSpec]:
    """The unit's own feed and the province feeds that list it (not topics, not all)."""
    specs = [FeedSpec("unit", unit=unit_id)]
    unit = registry.units.get(unit_id)
    if unit is not None:
        specs += [FeedSpec("province", province=p) for p in province_chain(registry, unit.province)]
    return specs


def pair_specs(pair: Pair) -> list[FeedSpec]:
    """The feeds an article of ``unit`` in ``topic`` is in, beyond its unit's own."""
    unit, topic = pair
    return [FeedSpec("unit_topic", unit=unit, topic=topic), FeedSpec("topic", topic=topic)]


def touched_specs(registry: Registry, change: Change, *, left: bool = True) -> set[FeedSpec]:
    """Every feed whose documents the change can alter (``left=False``: only where items are now)."""
    specs: set[FeedSpec] = set()
    if change.units or change.pairs or change.left:
        specs.add(FeedSpec("all"))
    for uid in change.units:
        specs.update(unit_specs(registry, uid))
    for p in change.pairs | (change.left if left else frozenset()):
        specs.update(pair_specs(p))
    return specs


def touched_paths(registry: Registry, change: Change, *, index: bool = True) -> list[str]:
    """Site paths of the current documents (all formats) the change alters.

    With ``index``, also ``/`` and ``/feeds.opml`` when the set of feeds changed.
    """
    bases = sorted({s.base for s in touched_specs(registry, change)})
    paths = [f"{b}.{fmt}" for b in bases for fmt in FEED_FORMATS]
    return paths + list(INDEX_PATHS) if index and change.feeds_changed else paths


def unit_change(unit_id: str, topics: Iterable[str], others: Iterable[str] = ()) -> Change:
    """A change to articles of one unit in ``topics`` (e.g. one crawl); ``others``: topics they may have left."""
    pairs = frozenset((unit_id, t) for t in topics)
    left = frozenset((unit_id, t) for t in others) - pairs
    return Change(units=frozenset({unit_id}), pairs=pairs, left=left)


def feed_pairs(registry: Registry, stored: Iterable[Pair]) -> frozenset[Pair]:
    """The (unit, topic) feeds that exist: stored pairs known to the registry, plus configured."""
    known = {p for p in stored if p[0] in registry.units and p[1] in registry.topics}
    return frozenset(known | configured_pairs(registry))


@dataclass(frozen=True)
class Mark:
    """Where the last look at the store stopped.

    ``since``: when it looked; ``max_id``: the highest article id it saw; ``recent``:
    (id, changed_at) of the articles it saw changed within the margin before ``since``
    (re-read next time, but not reported again unless they changed again).
    """

    since: datetime = field(default_factory=lambda: datetime.now(UTC))
    max_id: int = 0
    recent: frozenset[tuple[int, str]] = frozenset()


def _chunks(values: Iterable[T], n: int = 500) -> Iterable[list[T]]:
    items = sorted(values)  # type: ignore[type-var]
    for i in range(0, len(items), n):
        yield items[i : i + n]


def mark_now(session: Session, margin: timedelta = MARGIN) -> Mark:
    """A mark for "now": everything stored so far counts as seen."""
    now = datetime.now(UTC)
    top = int(session.scalar(select(func.coalesce(func.max(Article.id), 0))) or 0)
    rows = session.execute(
        select(Article.id, Article.changed_at).where(Article.changed_at > now - margin)
    ).tuples()
    return Mark(now, top, frozenset((i, at.isoformat()) for i, at in rows))


def changes_since(
    session: Session,
    registry: Registry,
    mark: Mark,
    known_pairs: Iterable[Pair] | None,
    *,
    margin: timedelta = MARGIN,
) -> tuple[Change, Mark, frozenset[Pair]]:
    """What changed after ``mark``; the next mark; the changed units' (unit, topic) pairs now.

    ``known_pairs`` are the stored (unit, topic) pairs the caller saw last time (None:
    unknown, so the feed set is assumed changed). ``margin`` re-reads that much before
    ``mark.since``, for writers whose transaction committed after it stamped ``changed_at``.
    """
    now = datetime.now(UTC)
    top = int(session.scalar(select(func.coalesce(func.max(Article.id), 0))) or 0)
    rows = session.execute(
        select(Article.id, Article.changed_at).where(
            or_(Article.changed_at > mark.since - margin, Article.id > mark.max_id)
        )
    ).tuples()
    seen = {(i, at.isoformat()) for i, at in rows}
    ids = {i for i, at in seen - mark.recent}
    recent = frozenset((i, at) for i, at in seen if datetime.fromisoformat(at) > now - margin)
    next_mark = Mark(since=now, max_id=max(top, mark.max_id), recent=recent)
    if not ids:
        return Change(), next_mark, frozenset()
    clusters: set[int] = set()
    for part in _chunks(ids):
        clusters |= {
            c
            for c in session.scalars(
                select(Article.cluster_id).where(
                    Article.id.in_(part), Article.cluster_id.is_not(None)
                )
            )
            if c is not None
        }
    for part in _chunks(clusters):
        ids |= set(session.scalars(select(Article.id).where(Article.cluster_id.in_(part))))
    units: set[str] = set()
    pairs: set[Pair] = set()
    for part in _chunks(ids):
        units |= set(session.scalars(select(Article.unit_id).where(Article.id.in_(part))))
        pairs |= {
            (u, t)
            for u, t in session.execute(
                select(Article.unit_id, ArticleTopic.topic_slug)
                .join(ArticleTopic, ArticleTopic.article_id == Article.id)
                .where(Article.id.in_(part))
            ).tuples()
        }
    now_pairs: set[Pair] = set()
    for some in _chunks(units):
        now_pairs |= {
            (u, t)
            for u, t in session.execute(
                select(Article.unit_id, ArticleTopic.topic_slug)
                .join(ArticleTopic, ArticleTopic.article_id == Article.id)
                .where(Article.unit_id.in_(some))
                .distinct()
            ).tuples()
        }
    if known_pairs is None:
        before: set[Pair] = set()
        feeds_changed = True
    else:
        before = {p for p in known_pairs if p[0] in units}
        feeds_changed = feed_pairs(registry, before) != feed_pairs(registry, now_pairs)
    change = Change(
        articles=frozenset(ids),
        units=frozenset(units),
        pairs=frozenset(pairs),
        left=frozenset((before | now_pairs) - pairs),
        feeds_changed=feeds_changed,
    )
    return change, next_mark, frozenset(now_pairs)
