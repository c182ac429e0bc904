"""The feeds a change touches (one definition), and what changed in the store since a mark."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.records import Province
from domain.registry import Registry, load_registry
from feeds import queries
from feeds.touched import (
    Change,
    Mark,
    changes_since,
    mark_now,
    province_chain,
    touched_paths,
    touched_specs,
    unit_change,
)
from feeds.tree import FeedSpec
from storage.db import Store
from storage.models import Article, Cluster
from tests.feeds.conftest import T0, AddArticle, make_article

NONE = timedelta(0)


def test_province_chain_agrees_with_the_registry(registry: Registry) -> None:
    """A unit is in a province's feed exactly when that province is on its chain."""
    for reg in (registry, load_registry()):
        for uid, unit in reg.units.items():
            chain = province_chain(reg, unit.province)
            for pid in reg.provinces:
                assert (pid in chain) == (uid in {u.id for u in reg.province_units(pid)})


def test_lineage_over_two_merges(registry: Registry) -> None:
    reg = Registry(units=dict(registry.units), topics=dict(registry.topics))
    reg.provinces = {
        "hoa-binh": Province(id="hoa-binh", name="Hòa Bình", successor="mid"),
        "mid": Province(id="mid", name="Giữa", successor="phu-tho"),
        "phu-tho": Province(id="phu-tho", name="Phú Thọ"),
    }
    assert province_chain(reg, "hoa-binh") == ["hoa-binh", "mid", "phu-tho"]
    specs = touched_specs(reg, unit_change("hoabinh-soct", ["cong-thuong"]))
    assert {s.province for s in specs if s.kind == "province"} == {"hoa-binh", "mid", "phu-tho"}
    assert "hoabinh-soct" in {u.id for u in reg.province_units("phu-tho")}


def test_touched_specs_and_paths(registry: Registry) -> None:
    ch = unit_change("phutho-soct", ["cong-thuong"], others=["thong-bao", "cong-thuong"])
    assert ch.left == {("phutho-soct", "thong-bao")}
    specs = touched_specs(registry, ch)
    assert specs == {
        FeedSpec("all"),
        FeedSpec("unit", unit="phutho-soct"),
        FeedSpec("province", province="phu-tho"),
        FeedSpec("unit_topic", unit="phutho-soct", topic="cong-thuong"),
        FeedSpec("topic", topic="cong-thuong"),
        FeedSpec("unit_topic", unit="phutho-soct", topic="thong-bao"),
        FeedSpec("topic", topic="thong-bao"),
    }
    assert FeedSpec("topic", topic="thong-bao") not in touched_specs(registry, ch, left=False)
    paths = touched_paths(registry, ch)
    assert "/units/phutho-soct/thong-bao.json" in paths and "/" not in paths
    grown = Change(units=ch.units, pairs=ch.pairs, feeds_changed=True)
    assert {"/", "/feeds.opml"} <= set(touched_paths(registry, grown))
    assert "/" not in touched_paths(registry, grown, index=False)
    assert Change().empty and touched_paths(registry, Change()) == []


def test_unit_topic_pairs_and_changed_since(
    fstore: Store, registry: Registry, add: AddArticle
) -> None:
    add("hanoi-syt", 1, topics=("y-te",), changed_at=T0 + timedelta(days=2))
    add("phutho-soct", 2, topics=("cong-thuong",))
    with fstore.session() as s:
        assert queries.unit_topic_pairs(s) == {
            ("hanoi-syt", "y-te"),
            ("phutho-soct", "cong-thuong"),
        }
        top = s.scalar(select(func.max(Article.id)))
        assert top is not None
        ch, _, _ = changes_since(s, registry, Mark(T0 + timedelta(days=1), top), None, margin=NONE)
    assert ch.units == {"hanoi-syt"} and ch.pairs == {("hanoi-syt", "y-te")}


def test_changes_since_a_mark(fstore: Store, registry: Registry) -> None:
    with fstore.session() as s:
        cl = Cluster()
        s.add(cl)
        s.flush()
        make_article(s, "hanoi-syt", 1, topics=("y-te",), cluster=cl)
        make_article(s, "phutho-soct", 2, topics=("cong-thuong",), cluster=cl)
        make_article(s, "vinhphuc-syt", 3, topics=("y-te",))
    with fstore.session() as s:
        mark = mark_now(s)
        pairs = queries.unit_topic_pairs(s)
        ch, mark, _ = changes_since(s, registry, mark, pairs)
        assert ch.empty  # nothing since
        # a backdated new article (a late commit) is found by its id
        make_article(s, "vinhphuc-syt", 4, topics=("giao-duc",), changed_at=T0)
    with fstore.session() as s:
        ch, mark2, now_pairs = changes_since(s, registry, mark, pairs)
    assert ch.units == {"vinhphuc-syt"} and ch.feeds_changed
    assert ch.pairs == {("vinhphuc-syt", "giao-duc")} and ch.left == {("vinhphuc-syt", "y-te")}
    assert now_pairs == {("vinhphuc-syt", "giao-duc"), ("vinhphuc-syt", "y-te")}
    with fstore.session() as s:  # the clustered article moves: its cluster-mate moves with it
        row = s.scalar(select(Article).where(Article.unit_id == "hanoi-syt"))
        assert row is not None
        row.changed_at = mark2.since + timedelta(seconds=1)
    with fstore.session() as s:
        ch, mark3, _ = changes_since(s, registry, mark2, now_pairs | pairs)
        again, _, _ = changes_since(s, registry, mark3, now_pairs | pairs)
    assert ch.units == {"hanoi-syt", "phutho-soct"} and not ch.feeds_changed
    assert again.empty  # seen within the margin, not reported twice
