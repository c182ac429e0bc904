"""WebSub: publish pings reach a hub on loopback; the notifier pings the feeds that changed."""

from __future__ import annotations

import time
from datetime import timedelta

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.touched import Change, touched_paths
from feeds.websub import HubNotifier, link_header, ping_hub
from storage.db import Store
from tests.feeds.conftest import T0, make_article
from tests.servers import HubReceiver, free_port, uvicorn_server
from web.app import create_app


def test_ping_hub_posts_publish() -> None:
    with HubReceiver() as hub:
        rep = ping_hub(
            [
                "http://feeds.test/all.rss",
                "http://feeds.test/all.atom",
                "http://feeds.test/all.rss",
            ],
            hub.url,
        )
    assert rep.ok == ["http://feeds.test/all.rss", "http://feeds.test/all.atom"] and not rep.failed
    assert hub.pings[0]["hub.mode"] == ["publish"]
    assert hub.pings[0]["_content_type"] == ["application/x-www-form-urlencoded"]
    assert hub.urls == rep.ok


def test_ping_hub_reports_failures() -> None:
    with HubReceiver(status=500) as hub:
        rep = ping_hub(["http://feeds.test/all.rss"], hub.url)
    assert rep.failed == [("http://feeds.test/all.rss", "HTTP 500")]
    rep = ping_hub(["http://feeds.test/all.rss"], f"http://127.0.0.1:{free_port()}/hub", timeout=2)
    assert rep.failed and "Error" in rep.failed[0][1]
    assert ping_hub(["x"], hub="").ok == []


def test_affected_paths(registry: Registry) -> None:
    paths = touched_paths(
        registry,
        Change(
            units=frozenset({"hoabinh-soct"}),
            pairs=frozenset({("hoabinh-soct", "cong-thuong")}),
        ),
    )
    for base in (
        "/all",
        "/units/hoabinh-soct",
        "/provinces/hoa-binh",
        "/provinces/phu-tho",
        "/topics/cong-thuong",
        "/units/hoabinh-soct/cong-thuong",
    ):
        for fmt in ("rss", "atom", "json"):
            assert f"{base}.{fmt}" in paths
    assert "/provinces/ha-noi.rss" not in paths
    assert touched_paths(registry, Change()) == []


def test_notifier_pings_changed_feeds(fstore: Store, registry: Registry) -> None:
    with HubReceiver() as hub:
        cfg = FeedConfig(base_url="http://feeds.test", hub=hub.url)
        n = HubNotifier(fstore, registry, cfg)
        assert n.check().ok == []  # first round only learns the version
        assert n.check().ok == []  # nothing changed
        with fstore.session() as s:
            make_article(s, "hanoi-syt", 1, topics=("y-te",), changed_at=T0 + timedelta(days=3650))
        rep = n.check()
    assert "http://feeds.test/units/hanoi-syt.rss" in rep.ok
    assert "http://feeds.test/units/hanoi-syt/y-te.atom" in rep.ok
    assert "http://feeds.test/provinces/ha-noi.json" in rep.ok
    assert not any("phutho" in u for u in rep.ok)


def test_served_app_pings_hub_in_background(fstore: Store, registry: Registry) -> None:
    with HubReceiver() as hub:
        port = free_port()
        cfg = FeedConfig(base_url=f"http://127.0.0.1:{port}", hub=hub.url)
        app = create_app(fstore, registry, cfg, notify_interval=0.1)
        with uvicorn_server(app, port):
            time.sleep(0.3)
            with fstore.session() as s:
                make_article(s, "phutho-soct", 1, changed_at=T0 + timedelta(days=3650))
            deadline = time.monotonic() + 5
            while not hub.urls and time.monotonic() < deadline:
                time.sleep(0.05)
    assert f"http://127.0.0.1:{port}/units/phutho-soct.atom" in hub.urls
    assert link_header(None, "x") is None
