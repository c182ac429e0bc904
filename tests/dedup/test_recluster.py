"""recluster (Core statements) against the ORM implementation it replaced, as an oracle.

For random link graphs (automatic and editor links, cannot-links, ties in score), old
clusters (manual or not, canonical inside or outside) and seeds, both must leave the
same rows (cluster of every article, canonical and manual of every cluster, the same
cluster ids, ``changed_at``), return the same changed articles, and leave the session's
objects showing the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dedup import clusters as cl
from storage import models as m
from storage.db import Store

T0 = datetime(2024, 5, 1, tzinfo=UTC)
NOW = datetime(2024, 6, 1, tzinfo=UTC)
UNITS = [
    ("hoabinh-soct", "Sở Công Thương tỉnh Hòa Bình", "https://soct.hoabinh.gov.vn/"),
    ("phutho-soct", "Sở Công Thương tỉnh Phú Thọ", "https://soct.phutho.gov.vn/"),
    ("hoabinh-portal", "Cổng Thông tin điện tử tỉnh Hòa Bình", "https://www.hoabinh.gov.vn/"),
]
SOURCES = ["", "Nguồn: Sở Công Thương tỉnh Hoà Bình", "Theo soct.phutho.gov.vn", "Nguồn: TTXVN"]


# ---------------------------------------------------------------- the oracle (ORM, as it was)
def _orm_closure(session: Session, seeds: set[int]) -> tuple[set[int], list[Any]]:
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
                    (m.DuplicateCandidate.a_id.in_(part)) | (m.DuplicateCandidate.b_id.in_(part)),
                    m.DuplicateCandidate.status.in_((*cl.LINKED, "distinct")),
                )
            ):
                edges[c.id] = c
                if c.status in cl.LINKED:
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


def _orm_choose(session: Session, members: list[m.Article]) -> m.Article:
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
                and cl._names_unit(a.source, units[o.unit_id])
            ):
                credits[o.id] += 1
    if credits:
        top = max(credits.values())
        return min([a for a in members if credits[a.id] == top], key=when)
    return min(members, key=when)


def orm_recluster(session: Session, seeds: Iterable[int], now: datetime) -> set[int]:
    session.flush()
    nodes, edges = _orm_closure(session, set(seeds))
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
    for g in sorted(cl._groups(set(arts), edges), key=len, reverse=True):
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
            cluster.canonical_id = _orm_choose(session, [arts[i] for i in g]).id
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
    mates_before = cl._mates({i: b[0] for i, b in before.items()})
    mates_after = cl._mates({i: a.cluster_id for i, a in arts.items()})
    for i, a in arts.items():
        after = (a.cluster_id, canon.get(a.cluster_id) if a.cluster_id is not None else None)
        if after != before[i] or mates_before[i] != mates_after[i]:
            changed.add(i)
    if changed:
        cl.touch(session, changed, now)
    return changed


# ---------------------------------------------------------------- the worlds
@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 9))
    ids = draw(st.permutations([10 + 29 * i for i in range(n)]))  # inserted out of order
    arts = [
        {
            "id": i,
            "unit": draw(st.sampled_from(UNITS))[0],
            "hours": draw(st.integers(0, 5)),
            "published": draw(st.none() | st.integers(0, 5)),
            "source": draw(st.sampled_from(SOURCES)),
        }
        for i in ids
    ]
    pairs = sorted(
        {tuple(sorted(p)) for p in draw(st.lists(st.tuples(*[st.sampled_from(ids)] * 2)))}
    )
    cands = [
        {
            "a": a,
            "b": b,
            "status": draw(
                st.sampled_from(["auto", "duplicate", "distinct", "pending", "cleared"])
            ),
            "score": draw(st.sampled_from([0.5, 0.7, 0.9, 0.9, 1.0])),
        }
        for a, b in pairs
        if a != b
    ]
    draw(st.randoms()).shuffle(cands)  # candidate ids out of order too
    n_old = draw(st.integers(0, 3))
    old = [
        {
            "id": 100 + 7 * k,
            "manual": draw(st.booleans()),
            "canonical": draw(st.none() | st.sampled_from(ids)),
        }
        for k in range(n_old)
    ]
    member_of = {
        i: draw(st.none() | st.sampled_from([c["id"] for c in old])) if old else None for i in ids
    }
    steps = [draw(st.sets(st.sampled_from(ids), min_size=1))]
    flip = None
    if bool(cands) and draw(st.booleans()):  # bool(): mypy reads `x and y` in x's type
        flip = (
            draw(st.integers(0, len(cands) - 1)),
            draw(st.sampled_from(["auto", "distinct", "duplicate", "cleared"])),
        )
        steps.append(draw(st.sets(st.sampled_from(ids), min_size=1)))
    return {"arts": arts, "cands": cands, "old": old, "member_of": member_of, "steps": steps,
            "flip": flip, "expunge": draw(st.booleans())}  # fmt: skip


def _build(s: Session, w: dict[str, Any]) -> tuple[list[int], list[object]]:
    """The world's rows; the ids of its candidates and the session's objects (held, so the
    session keeps them: its identity map holds unchanged objects only weakly)."""
    held: list[object] = []
    for c in w["old"]:
        held.append(
            m.Cluster(id=c["id"], canonical_id=c["canonical"], manual=c["manual"], created_at=T0)
        )
        s.add(held[-1])
    s.flush()
    for a in w["arts"]:
        held.append(
            m.Article(
                id=a["id"], guid=f"g{a['id']}", unit_id=a["unit"], url=f"u{a['id']}",
                canonical_url=f"u{a['id']}", title="t",
                published=None if a["published"] is None else T0 + timedelta(hours=a["published"]),
                first_seen=T0 + timedelta(hours=a["hours"]), last_seen=T0, changed_at=T0,
                source=a["source"], cluster_id=w["member_of"][a["id"]],
            )
        )  # fmt: skip
        s.add(held[-1])
    s.flush()
    cand_ids = []
    for k, c in enumerate(w["cands"]):
        row = m.DuplicateCandidate(
            id=500 + 11 * k, a_id=c["a"], b_id=c["b"], score=c["score"], verdict="duplicate",
            reasons=[], status=c["status"], created_at=T0,
        )  # fmt: skip
        s.add(row)
        held.append(row)
        cand_ids.append(row.id)
    s.flush()
    if w["expunge"]:
        s.expunge_all()
        held.clear()
    return cand_ids, held


def _state(s: Session, w: dict[str, Any]) -> tuple[Any, ...]:
    conn = s.connection()
    rows = sorted(
        conn.execute(select(m.Article.id, m.Article.cluster_id, m.Article.changed_at)).all()
    )
    clusters = sorted(
        conn.execute(select(m.Cluster.id, m.Cluster.canonical_id, m.Cluster.manual)).all()
    )
    seen: list[tuple[Any, ...]] = []  # what the session shows (its objects, or loads)
    for a in w["arts"]:
        obj = s.get(m.Article, a["id"])
        assert obj is not None
        seen.append((obj.id, obj.cluster_id, obj.changed_at))
    for cid in {c["id"] for c in w["old"]} | {c[0] for c in clusters}:
        c = s.get(m.Cluster, cid)
        seen.append(("cluster", cid, None if c is None else (c.canonical_id, c.manual)))
    return tuple(map(tuple, rows)), tuple(map(tuple, clusters)), tuple(sorted(seen, key=repr))


def _run(
    store: Store, w: dict[str, Any], fn: Callable[[Session, Iterable[int], datetime], set[int]]
) -> Any:
    s = store.sessions()
    try:
        cand_ids, held = _build(s, w)
        out = [fn(s, w["steps"][0], NOW)]
        if w["flip"] is not None:
            k, status = w["flip"]
            s.execute(
                update(m.DuplicateCandidate)
                .where(m.DuplicateCandidate.id == cand_ids[k])
                .values(status=status)
            )
            out.append(fn(s, w["steps"][1], NOW + timedelta(hours=1)))
        result = out, _state(s, w)
        del held
        return result
    finally:
        s.rollback()
        s.close()


@pytest.fixture(scope="module")
def ustore(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path: Path = tmp_path_factory.mktemp("recluster") / "r.sqlite3"
    store = Store(f"sqlite:///{path}")
    with store.session() as s:
        for uid, name, home in UNITS:
            s.add(m.Unit(id=uid, name=name, province_id="p", platform="x", homepage=home))
    return store


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(w=worlds())
def test_recluster_equals_the_orm_implementation(ustore: Store, w: dict[str, Any]) -> None:
    assert _run(ustore, w, cl.recluster) == _run(ustore, w, orm_recluster)
