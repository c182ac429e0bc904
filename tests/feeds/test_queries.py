"""Feed queries on SQLite and PostgreSQL: order, scope, clusters, filters, archives, version."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.registry import Registry
from feeds import queries
from feeds.queries import Filters
from feeds.tree import FeedSpec
from storage.db import Store
from storage.models import Cluster, Decision
from tests.feeds.conftest import T0, AddArticle, make_article


def _guids(
    store: Store, registry: Registry, spec: FeedSpec, limit: int = 50, f: Filters | None = None
) -> list[str]:
    with store.session() as s:
        ids = queries.current_ids(s, spec, registry, limit, f)
        return [it.guid for it in queries.load_items(s, registry, ids, spec.dedup)]


def test_unit_feed_newest_first_with_limit(
    fstore: Store, registry: Registry, add: AddArticle
) -> None:
    for n in (3, 1, 2):
        add("phutho-soct", n)
    add("hanoi-syt", 9)
    assert _guids(fstore, registry, FeedSpec("unit", unit="phutho-soct"), limit=2) == [
        "tag:vnfeeds.test,2025:phutho-soct/3",
        "tag:vnfeeds.test,2025:phutho-soct/2",
    ]


def test_ties_and_missing_dates_order_stably(fstore: Store, registry: Registry) -> None:
    with fstore.session() as s:
        make_article(s, "hanoi-syt", 1, hours=5)
        make_article(s, "hanoi-syt", 2, hours=5)
        a = make_article(s, "hanoi-syt", 3, hours=1)
        a.published = None  # falls back to first_seen (hour 1)
    assert _guids(fstore, registry, FeedSpec("unit", unit="hanoi-syt"))[-1].endswith("/3")
    assert _guids(fstore, registry, FeedSpec("unit", unit="hanoi-syt"))[:2] == [
        "tag:vnfeeds.test,2025:hanoi-syt/2",
        "tag:vnfeeds.test,2025:hanoi-syt/1",
    ]


def test_undated_items_are_marked_first_seen(fstore: Store, registry: Registry) -> None:
    with fstore.session() as s:
        make_article(s, "hanoi-syt", 1, hours=5)
        undated = make_article(s, "hanoi-syt", 2, hours=1)
        undated.published = None
        first_seen = undated.first_seen
    spec = FeedSpec("unit", unit="hanoi-syt")
    with fstore.session() as s:
        items = queries.load_items(s, registry, queries.current_ids(s, spec, registry, 10), False)
    by_guid = {it.guid.rsplit("/", 1)[1]: it for it in items}
    assert by_guid["2"].date_is_first_seen and not by_guid["1"].date_is_first_seen
    assert by_guid["2"].published.replace(tzinfo=None) == first_seen.replace(tzinfo=None)


def test_province_feed_includes_merged_provinces(
    fstore: Store, registry: Registry, add: AddArticle
) -> None:
    add("hoabinh-soct", 1)
    add("vinhphuc-syt", 2)
    add("phutho-soct", 3)
    add("hanoi-syt", 4)
    got = _guids(fstore, registry, FeedSpec("province", province="phu-tho"))
    assert got == [
        "tag:vnfeeds.test,2025:phutho-soct/3",
        "tag:vnfeeds.test,2025:vinhphuc-syt/2",
        "tag:vnfeeds.test,2025:hoabinh-soct/1",
    ]
    assert _guids(fstore, registry, FeedSpec("province", province="hoa-binh")) == [
        "tag:vnfeeds.test,2025:hoabinh-soct/1"
    ]


def test_clusters_one_item_in_aggregates_all_in_unit_feeds(
    fstore: Store, registry: Registry
) -> None:
    with fstore.session() as s:
        c = Cluster()
        s.add(c)
        s.flush()
        a = make_article(s, "hoabinh-soct", 1, cluster=c, topics=("cong-thuong",))
        b = make_article(s, "vinhphuc-syt", 2, cluster=c, topics=("cong-thuong",))
        make_article(s, "hanoi-syt", 3, cluster=c)  # same news, no topic
        make_article(s, "phutho-soct", 4, topics=("cong-thuong",))
        c.canonical_id = b.id
        a_id = a.id
    all_feed = _guids(fstore, registry, FeedSpec("all"))
    assert all_feed == [
        "tag:vnfeeds.test,2025:phutho-soct/4",
        "tag:vnfeeds.test,2025:vinhphuc-syt/2",
    ]
    with fstore.session() as s:
        ids = queries.current_ids(s, FeedSpec("all"), registry, 10)
        item = queries.load_items(s, registry, ids, True)[1]
    assert [(o.unit_id, o.unit_name) for o in item.also_on] == [
        ("hanoi-syt", "Sở Y tế Hà Nội"),
        ("hoabinh-soct", "Sở Công Thương tỉnh Hòa Bình"),
    ]
    # a unit's own feed keeps its article even when another unit's is canonical
    assert _guids(fstore, registry, FeedSpec("unit", unit="hoabinh-soct")) == [
        "tag:vnfeeds.test,2025:hoabinh-soct/1"
    ]
    # topic feed: canonical is in scope → it; province Hà Nội: only its member → that one
    assert _guids(fstore, registry, FeedSpec("topic", topic="cong-thuong"))[1].endswith(
        "vinhphuc-syt/2"
    )
    assert _guids(fstore, registry, FeedSpec("province", province="ha-noi")) == [
        "tag:vnfeeds.test,2025:hanoi-syt/3"
    ]
    # canonical moves to a: the aggregates follow
    with fstore.session() as s:
        cluster = s.get(Cluster, c.id)
        assert cluster is not None
        cluster.canonical_id = a_id
    assert _guids(fstore, registry, FeedSpec("all"))[1] == "tag:vnfeeds.test,2025:hoabinh-soct/1"


def test_filters_match_canonical_form(fstore: Store, registry: Registry, add: AddArticle) -> None:
    add("hanoi-syt", 1, title="Tiêm chủng mở rộng tại Hoà Bình")
    add("hanoi-syt", 2, title="Khám bệnh miễn phí", body_text="Bệnh viện HÒA BÌNH tổ chức")
    add("hanoi-syt", 3, title="Thông báo tuyển dụng", lead="Hòa Bình: tuyển dụng viên chức")
    add("hanoi-syt", 4, title="Hội nghị Hòa Bìnhxyz")  # not a whole-word match
    spec = FeedSpec("unit", unit="hanoi-syt")
    got = _guids(fstore, registry, spec, f=Filters.from_params(["hòa bình"]))
    assert [g[-1] for g in got] == ["3", "2", "1"]
    got = _guids(
        fstore, registry, spec, f=Filters.from_params(["HOÀ BÌNH"], ["tuyển dụng, tiêm CHỦNG"])
    )
    assert [g[-1] for g in got] == ["2"]
    assert not Filters.from_params([" , "]).active


def test_archive_pages_are_keyed_from_the_oldest(fstore: Store, registry: Registry) -> None:
    with fstore.session() as s:
        for n in range(1, 13):
            make_article(s, "phutho-soct", n)
    spec = FeedSpec("unit", unit="phutho-soct")
    with fstore.session() as s:
        assert queries.count_items(s, spec, registry) == 12
        p1 = queries.archive_ids(s, spec, registry, 1, 5)
        p2 = queries.archive_ids(s, spec, registry, 2, 5)
        items1 = queries.load_items(s, registry, p1, False)
        items2 = queries.load_items(s, registry, p2, False)
    assert [i.guid[-2:].strip("/") for i in items1] == ["5", "4", "3", "2", "1"]
    assert [i.guid[-2:].strip("/") for i in items2] == ["10", "9", "8", "7", "6"]


def test_data_version_moves_on_every_kind_of_change(
    fstore: Store, registry: Registry, add: AddArticle
) -> None:
    def v() -> str:
        with fstore.session() as s:
            return queries.data_version(s)

    v0 = v()
    a = add("hanoi-syt", 1)
    v1 = v()
    assert v1 != v0 and v() == v1
    with fstore.session() as s:
        art = s.get(type(a), a.id)
        assert art is not None
        art.changed_at = T0 + timedelta(days=3)
    v2 = v()
    assert v2 != v1
    with fstore.session() as s:
        c = Cluster(canonical_id=a.id)
        s.add(c)
    v3 = v()
    assert v3 != v2
    with fstore.session() as s:
        art = s.get(type(a), a.id)
        assert art is not None
        art.cluster_id = c.id  # membership change without changed_at
    v4 = v()
    assert v4 != v3
    with fstore.session() as s:
        s.add(Decision(article_id=a.id, action="split", editor="ed"))
    v5 = v()
    assert v5 != v4
    with fstore.session() as s:
        for d in s.query(Decision):
            d.undone = True
    assert v() != v5


def test_items_of_aggregated_feeds_follow_the_rule_on_random_clusters(
    fstore: Store, registry: Registry
) -> None:
    """Random clusters, topics, canonicals and tied dates: every aggregated feed shows,
    per cluster, the canonical when in scope, else the scope's oldest member (ties by id),
    and every unclustered article; newest first; counts agree."""
    import random

    rng = random.Random(11)
    units = ["hoabinh-soct", "phutho-soct", "vinhphuc-syt", "hanoi-syt"]
    slugs = ["cong-thuong", "thong-bao"]
    rows: list[tuple[int, str, set[str], int | None, datetime]] = []
    canon_of: dict[int, int | None] = {}
    with fstore.session() as s:
        clusters = []
        for _ in range(8):
            c = Cluster()
            s.add(c)
            s.flush()
            clusters.append(c)
        for n in range(1, 61):
            cl = rng.choice([None, None, *clusters])
            topics = tuple(t for t in slugs if rng.random() < 0.5)
            a = make_article(s, rng.choice(units), n, hours=rng.choice([1, 2, 3, n]),
                             topics=topics, cluster=cl)  # fmt: skip
            assert a.published is not None
            rows.append((a.id, a.unit_id, set(topics), cl.id if cl else None, a.published))
        for c in clusters:
            members = [r[0] for r in rows if r[3] == c.id]
            c.canonical_id = rng.choice([*members, None]) if members else None
            canon_of[c.id] = c.canonical_id
    by_id = {r[0]: r for r in rows}
    specs = [FeedSpec("all"), *(FeedSpec("topic", topic=t) for t in slugs),
             *(FeedSpec("province", province=p) for p in ("phu-tho", "ha-noi", "hoa-binh"))]  # fmt: skip
    for spec in specs:
        scope_units = {u.id for u in registry.province_units(spec.province or "")}

        def in_scope(r: tuple[int, str, set[str], int | None, datetime], spec: FeedSpec = spec,
                     scope_units: set[str] = scope_units) -> bool:  # fmt: skip
            if spec.kind == "topic":
                return spec.topic in r[2]
            if spec.kind == "province":
                return r[1] in scope_units
            return True

        scoped = [r for r in rows if in_scope(r)]
        items = [r for r in scoped if r[3] is None]
        for cid in {r[3] for r in scoped if r[3] is not None}:
            in_cluster = [r for r in scoped if r[3] == cid]
            canon = canon_of[cid]
            if canon is not None and canon in {m[0] for m in in_cluster}:
                chosen = by_id[canon]
            else:
                chosen = min(in_cluster, key=lambda r: (r[4], r[0]))
            items.append(chosen)
        expected = [r[0] for r in sorted(items, key=lambda r: (r[4], r[0]), reverse=True)]
        with fstore.session() as s:
            assert queries.current_ids(s, spec, registry, 100) == expected, spec
            assert queries.current_ids(s, spec, registry, 5) == expected[:5], spec
            assert queries.count_items(s, spec, registry) == len(expected), spec
