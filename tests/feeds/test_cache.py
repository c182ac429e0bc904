"""The serving cache drops only the feeds a change touches (``feeds.touched``)."""

from __future__ import annotations

from starlette.testclient import TestClient

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from tests.feeds.conftest import make_article
from web.app import create_app

PATHS = (
    "/units/phutho-soct.rss",
    "/units/hanoi-syt.rss",
    "/units/hanoi-syt.json?q=tin",
    "/provinces/ha-noi.atom",
    "/provinces/phu-tho.atom",
    "/topics/y-te.rss",
    "/topics/cong-thuong.rss",
    "/all.json",
    "/",
    "/feeds.opml",
)


def test_a_change_drops_only_the_feeds_it_touches(fstore: Store, registry: Registry) -> None:
    with fstore.session() as s:
        make_article(s, "phutho-soct", 1, topics=("cong-thuong",))
        make_article(s, "hanoi-syt", 2, topics=("y-te",))
    cfg = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=3600)
    with TestClient(create_app(fstore, registry, cfg)) as c:
        cache = c.app.state.feeds.cache  # type: ignore[attr-defined]
        for p in PATHS:
            assert c.get(p).status_code == 200, p
        assert len(cache._docs) == len(PATHS)
        assert {k.split("?")[0] for k in cache._docs} == {p.split("?")[0] for p in PATHS}
        with fstore.session() as s:  # Hà Nội, a topic it already has: the feed set stays
            make_article(s, "hanoi-syt", 3, topics=("y-te",))
        cache.drop(cache.look())
        kept = {k.split("?")[0] for k in cache._docs}
        assert kept == {
            "/units/phutho-soct.rss",
            "/provinces/phu-tho.atom",
            "/topics/cong-thuong.rss",
            "/",
            "/feeds.opml",
        }
        assert b"hanoi-syt/3" in c.get("/units/hanoi-syt.rss").content
        with fstore.session() as s:  # a new (unit, topic) feed: the index and OPML change
            make_article(s, "hanoi-syt", 4, topics=("giao-duc",))
        cache.drop(cache.look())
        kept = {k.split("?")[0] for k in cache._docs}
        assert "/" not in kept and "/feeds.opml" not in kept
        assert "/units/phutho-soct.rss" in kept
        assert "hanoi-syt/giao-duc" in c.get("/feeds.opml").text
