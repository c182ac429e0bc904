"""Clusters: which articles are the same news, and which of them is canonical.

Links are ``DuplicateCandidate`` rows with status ``auto`` (linked by the engine) or
``duplicate`` (an editor said so); ``distinct`` rows (an editor said "not duplicate")
are cannot-link constraints that no chain of links may break.  After any change,
:func:`recluster` recomputes the clusters around the touched articles: editor links
first, then automatic links by falling score, skipping a link that would put a
cannot-link pair together.  The canonical article is the one an editor chose
(``Cluster.manual``), else the original publisher when another member's ``source``
line names its unit, else the earliest published (or first seen).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlsplit

from sqlalchemy import BindParameter, Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from dedup.fingerprint import match_form, tokens
from storage import models as m

__all__ = ["LINKED", "choose_canonical", "cluster_members", "recluster", "touch"]

#: candidate statuses that join two articles
LINKED = ("auto", "duplicate")

_A = cast(Table, m.Article.__table__)
_C = cast(Table, m.Cluster.__table__)
_D = cast(Table, m.DuplicateCandidate.__table__)
_U = cast(Table, m.Unit.__table__)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
# Statements of every re-clustering, built once and run on the session's connection
# (after a flush, so the rows are what the session holds).
_EDGES_OF = select(_D.c.id, _D.c.a_id, _D.c.b_id, _D.c.status, _D.c.score).where(
    or_(_D.c.a_id.in_(_IDS), _D.c.b_id.in_(_IDS)), _D.c.status.in_((*LINKED, "distinct"))
)
_CLUSTERS_OF = select(_A.c.cluster_id).where(_A.c.id.in_(_IDS), _A.c.cluster_id.is_not(None))
_MEMBERS_OF = select(_A.c.id).where(_A.c.cluster_id.in_(_IDS))
#: what clustering reads of an article (ascending id, the order the ORM read gave)
_NODES = (
    select(_A.c.id, _A.c.cluster_id, _A.c.unit_id, _A.c.source, _A.c.published, _A.c.first_seen)
    .where(_A.c.id.in_(_IDS))
    .order_by(_A.c.id)
)
_CLUSTERS = select(_C.c.id, _C.c.canonical_id, _C.c.manual).where(_C.c.id.in_(_IDS))
_UNITS = select(_U.c.id, _U.c.name, _U.c.homepage).where(_U.c.id.in_(_IDS))
_NEW_CLUSTER = insert(_C).returning(_C.c.id)
_SET_CLUSTER = (
    update(_A).where(_A.c.id == bindparam("article_id")).values(cluster_id=bindparam("new_cluster"))
)
_SET_CANONICAL = (
    update(_C)
    .where(_C.c.id == bindparam("cluster"))
    .values(canonical_id=bindparam("canon"), manual=bindparam("is_manual"))
)
_DROP_CLUSTER = delete(_C).where(_C.c.id == bindparam("cluster"))
_TOUCH = update(_A).where(_A.c.id.in_(_IDS)).values(changed_at=bindparam("now"))


class Member(Protocol):
    """What choosing a canonical article reads of a member (an ``Article`` or a row)."""

    @property
    def id(self) -> int: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def first_seen(self) -> datetime: ...


class _UnitLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def homepage(self) -> str: ...


M = TypeVar("M", bound=Member)


def touch(session: Session, article_ids: Iterable[int], now: datetime) -> None:
    """Move ``changed_at`` of the articles so the feeds' cache key changes."""
    ids = sorted(set(article_ids))
    for i in range(0, len(ids), 500):
        session.execute(
            update(m.Article).where(m.Article.id.in_(ids[i : i + 500])).values(changed_at=now)
        )


#: match forms of source lines and unit names, met again for every pair of members
_form = lru_cache(maxsize=4096)(match_form)


def _names_unit(source: str, unit: _UnitLike) -> bool:
    """True when a ``source`` line credits ``unit`` (its name's words, or its host)."""
    if not source:
        return False
    src = _form(source)
    host = (urlsplit(unit.homepage).hostname or "").removeprefix("www.")
    if host and host in src:
        return True
    name = set(tokens(_form(unit.name)))
    return bool(name) and len(name & set(tokens(src))) >= 0.8 * len(name)


def choose_canonical(session: Session, members: Sequence[M]) -> M:
    """The original publisher when a member's source names another member's unit, else the earliest."""

    def when(a: M) -> tuple[datetime, datetime, int]:
        return (a.published or a.first_seen, a.first_seen, a.id)

    units = {
        u.id: u
        for u in session.connection().execute(_UNITS, {"ids": list({a.unit_id for a in members})})
    }
    credits: Counter[int] = Counter()
    for a in members:
        for o in members:
            if (
                o.unit_id != a.unit_id
                and o.unit_id in units
                and _names_unit(a.source, units[o.unit_id])
            ):
                credits[o.id] += 1
    if credits:
        top = max(credits.values())
        credited = [a for a in members if credits[a.id] == top]
        return min(credited, key=when)
    return min(members, key=when)


def cluster_members(session: Session, cluster_id: int) -> list[m.Article]:
    """Articles of one cluster, oldest first."""
    return list(
        session.scalars(
            select(m.Article).where(m.Article.cluster_id == cluster_id).order_by(m.Article.id)
        )
    )


def _closure(session: Session, seeds: set[int]) -> tuple[set[int], list[Any]]:
    """Articles reachable from ``seeds`` by links or shared old clusters; the links among
    them (rows with ``id, a_id, b_id, status, score``)."""
    conn = session.connection()
    nodes: set[int] = set()
    edges: dict[int, Any] = {}
    frontier = set(seeds)
    while frontier:
        nodes |= frontier
        batch = sorted(frontier)
        frontier = set()
        for i in range(0, len(batch), 500):
            part = batch[i : i + 500]
            for c in conn.execute(_EDGES_OF, {"ids": part}):
                edges[c.id] = c
                if c.status in LINKED:
                    frontier |= {c.a_id, c.b_id} - nodes
            cids = set(conn.scalars(_CLUSTERS_OF, {"ids": part}))
            if cids:
                frontier |= set(conn.scalars(_MEMBERS_OF, {"ids": list(cids)})) - nodes
    return nodes, list(edges.values())


def _groups(nodes: set[int], edges: list[Any]) -> list[set[int]]:
    """Constrained union: editor links, then automatic links by score, never joining a cannot-link pair."""
    group = {n: n for n in nodes}
    members: dict[int, set[int]] = {n: {n} for n in nodes}
    cannot: dict[int, set[int]] = {}
    for e in edges:
        if e.status == "distinct" and e.a_id in nodes and e.b_id in nodes:
            cannot.setdefault(e.a_id, set()).add(e.b_id)
            cannot.setdefault(e.b_id, set()).add(e.a_id)
    links = [e for e in edges if e.status in LINKED and e.a_id in nodes and e.b_id in nodes]
    links.sort(key=lambda e: (e.status != "duplicate", -e.score, e.id))
    for e in links:
        ga, gb = group[e.a_id], group[e.b_id]
        if ga == gb:
            continue
        small, big = (ga, gb) if len(members[ga]) <= len(members[gb]) else (gb, ga)
        if any(cannot.get(x, set()) & members[big] for x in members[small]):
            continue
        for x in members[small]:
            group[x] = big
        members[big] |= members.pop(small)
    return [g for g in members.values() if len(g) > 1] + [
        g for g in members.values() if len(g) == 1
    ]


def _mates(cluster_of: dict[int, int | None]) -> dict[int, frozenset[int]]:
    """Each article's fellow members (itself included; alone when unclustered)."""
    groups: dict[int, set[int]] = {}
    for i, c in cluster_of.items():
        if c is not None:
            groups.setdefault(c, set()).add(i)
    return {
        i: frozenset(groups[c]) if c is not None else frozenset({i}) for i, c in cluster_of.items()
    }


def recluster(session: Session, seeds: Iterable[int], now: datetime) -> set[int]:
    """Recompute the clusters around ``seeds``; return the ids of articles whose feed view changed.

    Reads and writes are Core statements on the session's connection (the session is
    flushed first); the session's own objects of the articles and clusters are kept in
    step (new ``cluster_id``, ``changed_at``, canonical; a dropped cluster is expunged).
    """
    session.flush()
    conn = session.connection()
    nodes, edges = _closure(session, set(seeds))
    if not nodes:
        return set()
    arts = {a.id: a for a in conn.execute(_NODES, {"ids": list(nodes)})}
    cluster_of: dict[int, int | None] = {i: a.cluster_id for i, a in arts.items()}
    old_cids = {c for c in cluster_of.values() if c is not None}
    old: dict[int, tuple[int | None, bool]] = (
        {c.id: (c.canonical_id, c.manual) for c in conn.execute(_CLUSTERS, {"ids": list(old_cids)})}
        if old_cids
        else {}
    )
    state = dict(old)  # cluster id -> (canonical id, manual), as re-clustering leaves it
    before = {i: (c, old[c][0] if c in old else None) for i, c in cluster_of.items()}
    used: set[int] = set()
    groups = sorted(_groups(set(arts), edges), key=len, reverse=True)
    for g in groups:
        if len(g) == 1:
            (only,) = g
            cluster_of[only] = None
            continue
        counts: Counter[int] = Counter(
            c for c in (cluster_of[i] for i in g) if c is not None and c in old and c not in used
        )
        manual = [c for c in counts if state[c][1] and state[c][0] is not None and state[c][0] in g]
        cid = manual[0] if manual else (counts.most_common(1)[0][0] if counts else None)
        if cid is None:  # a new cluster, created with its canonical article
            canon = choose_canonical(session, [arts[i] for i in g]).id
            cid = int(
                conn.execute(
                    _NEW_CLUSTER, {"canonical_id": canon, "manual": False, "created_at": now}
                ).scalar_one()
            )
            state[cid] = (canon, False)
        else:
            canon_id, is_manual = state[cid]
            if not (is_manual and canon_id is not None and canon_id in g):
                state[cid] = (choose_canonical(session, [arts[i] for i in g]).id, False)
        used.add(cid)
        for i in g:
            cluster_of[i] = cid
    moved = [
        {"article_id": i, "new_cluster": c}
        for i, c in cluster_of.items()
        if c != arts[i].cluster_id
    ]
    if moved:
        conn.execute(_SET_CLUSTER, moved)
    redone = [
        {"cluster": c, "canon": state[c][0], "is_manual": state[c][1]}
        for c in sorted(used & set(old))
        if state[c] != old[c]
    ]
    if redone:
        conn.execute(_SET_CANONICAL, redone)
    dropped = [c for c in old if c not in used]
    if dropped:
        conn.execute(_DROP_CLUSTER, [{"cluster": c} for c in dropped])
    mates_before = _mates({i: b[0] for i, b in before.items()})
    mates_after = _mates(cluster_of)
    changed: set[int] = set()
    for i, c in cluster_of.items():
        after = (c, state[c][0] if c is not None else None)
        if after != before[i] or mates_before[i] != mates_after[i]:  # "also on" notes move too
            changed.add(i)
    ids = sorted(changed)
    for k in range(0, len(ids), 500):
        conn.execute(_TOUCH, {"ids": ids[k : k + 500], "now": now})
    _sync(session, cluster_of, changed, {c: state[c] for c in used}, dropped, now)
    return changed


def _sync(
    session: Session,
    cluster_of: dict[int, int | None],
    changed: set[int],
    clusters: dict[int, tuple[int | None, bool]],
    dropped: list[int],
    now: datetime,
) -> None:
    """Show what :func:`recluster` wrote to the session's objects of those rows, as stored."""
    imap = session.identity_map
    for i, c in cluster_of.items():
        a = imap.get(identity_key(m.Article, i))
        if a is not None:
            set_committed_value(a, "cluster_id", c)
            if i in changed:
                set_committed_value(a, "changed_at", now)
    for c, (canon, is_manual) in clusters.items():
        cl = imap.get(identity_key(m.Cluster, c))
        if cl is not None:
            set_committed_value(cl, "canonical_id", canon)
            set_committed_value(cl, "manual", is_manual)
    for c in dropped:
        cl = imap.get(identity_key(m.Cluster, c))
        if cl is not None:
            session.expunge(cl)


def auto_decision(cand: m.DuplicateCandidate, now: datetime) -> m.Decision:
    """The decision row recording that a score linked or unlinked a pair."""
    action = "auto-link" if cand.status in LINKED else "auto-unlink"
    return m.Decision(
        candidate_id=cand.id,
        action=action,
        editor="auto",
        at=now,
        detail={"score": round(cand.score, 4), "a_id": cand.a_id, "b_id": cand.b_id},
    )
