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
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from dedup.fingerprint import match_form, tokens
from storage import models as m

__all__ = ["LINKED", "choose_canonical", "cluster_members", "recluster", "touch"]

#: candidate statuses that join two articles
LINKED = ("auto", "duplicate")


def touch(session: Session, article_ids: Iterable[int], now: datetime) -> None:
    """Move ``changed_at`` of the articles so the feeds' cache key changes."""
    ids = sorted(set(article_ids))
    for i in range(0, len(ids), 500):
        session.execute(
            update(m.Article).where(m.Article.id.in_(ids[i : i + 500])).values(changed_at=now)
        )


def _names_unit(source: str, unit: m.Unit) -> bool:
    """True when a ``source`` line credits ``unit`` (its name's words, or its host)."""
    if not source:
        return False
    src = match_form(source)
    host = (urlsplit(unit.homepage).hostname or "").removeprefix("www.")
    if host and host in src:
        return True
    name = set(tokens(match_form(unit.name)))
    return bool(name) and len(name & set(tokens(src))) >= 0.8 * len(name)


def choose_canonical(session: Session, members: list[m.Article]) -> m.Article:
    """The original publisher when a member's source names another member's unit, else the earliest."""

    def when(a: m.Article) -> tuple[datetime, datetime, int]:
        return (a.published or a.first_seen, a.first_seen, a.id)

    units = {
        u.id: u
        for u in session.scalars(select(m.Unit).where(m.Unit.id.in_({a.unit_id for a in members})))
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


def _closure(session: Session, seeds: set[int]) -> tuple[set[int], list[m.DuplicateCandidate]]:
    """Articles reachable from ``seeds`` by links or shared old clusters; the links among them."""
    nodes: set[int] = set()
    edges: dict[int, m.DuplicateCandidate] = {}
    frontier = set(seeds)
    while frontier:
        nodes |= frontier
        batch = sorted(frontier)
        frontier = set()
        for i in range(0, len(batch), 500):
            part = batch[i : i + 500]
            for c in session.scalars(
                select(m.DuplicateCandidate).where(
                    or_(m.DuplicateCandidate.a_id.in_(part), m.DuplicateCandidate.b_id.in_(part)),
                    m.DuplicateCandidate.status.in_((*LINKED, "distinct")),
                )
            ):
                edges[c.id] = c
                if c.status in LINKED:
                    frontier |= {c.a_id, c.b_id} - nodes
            cids = set(
                session.scalars(
                    select(m.Article.cluster_id).where(
                        m.Article.id.in_(part), m.Article.cluster_id.is_not(None)
                    )
                )
            )
            if cids:
                frontier |= (
                    set(session.scalars(select(m.Article.id).where(m.Article.cluster_id.in_(cids))))
                    - nodes
                )
    return nodes, list(edges.values())


def _groups(nodes: set[int], edges: list[m.DuplicateCandidate]) -> list[set[int]]:
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
    """Recompute the clusters around ``seeds``; return the ids of articles whose feed view changed."""
    session.flush()
    nodes, edges = _closure(session, set(seeds))
    if not nodes:
        return set()
    arts = {a.id: a for a in session.scalars(select(m.Article).where(m.Article.id.in_(nodes)))}
    old_cids = {a.cluster_id for a in arts.values() if a.cluster_id is not None}
    old = (
        {c.id: c for c in session.scalars(select(m.Cluster).where(m.Cluster.id.in_(old_cids)))}
        if old_cids
        else {}
    )
    before = {
        i: (a.cluster_id, old[a.cluster_id].canonical_id if a.cluster_id in old else None)
        for i, a in arts.items()
    }
    used: set[int] = set()
    changed: set[int] = set()
    groups = sorted(_groups(set(arts), edges), key=len, reverse=True)
    for g in groups:
        if len(g) == 1:
            (only,) = g
            arts[only].cluster_id = None
            continue
        counts: Counter[int] = Counter(
            c
            for c in (arts[i].cluster_id for i in g)
            if c is not None and c in old and c not in used
        )
        manual = [
            c
            for c in counts
            if old[c].manual and old[c].canonical_id is not None and old[c].canonical_id in g
        ]
        cid = manual[0] if manual else (counts.most_common(1)[0][0] if counts else None)
        cluster = old[cid] if cid is not None else m.Cluster(created_at=now)
        if cid is None:
            session.add(cluster)
            session.flush()
        used.add(cluster.id)
        if not (cluster.manual and cluster.canonical_id is not None and cluster.canonical_id in g):
            cluster.manual = False
            cluster.canonical_id = choose_canonical(session, [arts[i] for i in g]).id
        for i in g:
            arts[i].cluster_id = cluster.id
    session.flush()
    for cid, cluster in old.items():
        if cid not in used:
            session.delete(cluster)
    canon = (
        {
            c.id: c.canonical_id
            for c in session.scalars(select(m.Cluster).where(m.Cluster.id.in_(used)))
        }
        if used
        else {}
    )
    mates_before = _mates({i: b[0] for i, b in before.items()})
    mates_after = _mates({i: a.cluster_id for i, a in arts.items()})
    for i, a in arts.items():
        after = (a.cluster_id, canon.get(a.cluster_id) if a.cluster_id is not None else None)
        if after != before[i] or mates_before[i] != mates_after[i]:  # "also on" notes move too
            changed.add(i)
    if changed:
        touch(session, changed, now)
    return changed
