"""The status pages, pause/resume behind login, and /metrics, in the real app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from crawlers.extract import SOFT_404
from domain.registry import Registry
from feeds.config import FeedConfig
from ops.metrics import count_feed_request
from storage.db import Store
from storage.models import Article, CrawlRun, Unit, utcnow
from storage.progress import DEAD_LINK_DAYS, bury
from storage.repository import sync_registry
from storage.users import add_user
from web.app import create_app
from web.auth import auth_routes, install
from web.status import bar_chart, ops_routes


@pytest.fixture
def client(store: Store, registry: Registry) -> Iterator[TestClient]:
    now = utcnow()
    with store.session() as s:
        sync_registry(s, registry)
        s.add(
            CrawlRun(
                unit_id="unit-a",
                started_at=now - timedelta(seconds=3),
                finished_at=now,
                status="ok",
                new=4,
                pages=5,
                requests=6,
                stats={},
            )
        )
        s.add(
            CrawlRun(
                unit_id="unit-b",
                started_at=now,
                finished_at=now,
                status="failed",
                errors=2,
                error_text="unit unit-b: http://x/: refused <b>",
                stats={},
            )
        )
        b = s.get(Unit, "unit-b")
        assert b is not None
        b.state, b.failures, b.last_error = "down", 1, "refused <b>"
        for i in range(3):
            s.add(
                Article(
                    guid=f"g{i}",
                    unit_id="unit-a",
                    url=f"http://x/{i}",
                    canonical_url=f"http://x/{i}",
                    title=f"Tin {i}",
                    published=now,
                )
            )
        add_user(s, "editor", "correct horse battery")
    app = create_app(store, registry, FeedConfig(), extra_routes=[*auth_routes(), *ops_routes()])
    install(app, "x" * 32)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def test_status_table_and_unit_page(client: TestClient) -> None:
    r = client.get("/status")
    assert r.status_code == 200
    assert "unit-a" in r.text and "Sở thử nghiệm unit-b" in r.text
    assert "refused &lt;b&gt;" in r.text  # escaped
    down = client.get("/status?state=down").text
    assert "/status/unit-b" in down and "/status/unit-a" not in down
    rows = client.get("/status.json").json()
    assert {x["unit"]: x["state"] for x in rows} == {"unit-a": "new", "unit-b": "down"}
    page = client.get("/status/unit-a").text
    assert "<svg" in page and "3 bài" in page  # one language per page: Vietnamese by default
    assert "Đăng nhập" in page and 'action="/status/unit-a/pause"' not in page
    assert client.get("/status/ghost").status_code == 404


def test_unit_page_in_english(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNFEEDS_LANG", "en")
    page = client.get("/status/unit-a").text
    assert '<html lang="en">' in page
    assert "<svg" in page and "3 articles" in page
    assert "Log in" in page and "Đăng nhập" not in page


def test_pause_needs_login_and_csrf(client: TestClient, store: Store) -> None:
    assert client.post("/status/unit-a/pause", data={"csrf": "x"}).status_code == 403
    token = _csrf(client.get("/login").text)
    r = client.post(
        "/login",
        data={
            "username": "editor",
            "password": "correct horse battery",
            "csrf": token,
            "next": "/status/unit-a",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get("/status/unit-a").text
    assert 'action="/status/unit-a/pause"' in page
    assert client.post("/status/unit-a/pause", data={"csrf": "wrong"}).status_code == 403
    r = client.post("/status/unit-a/pause", data={"csrf": _csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    with store.session() as s:
        assert s.get(Unit, "unit-a").paused  # type: ignore[union-attr]
    page = client.get("/status/unit-a").text
    client.post("/status/unit-a/resume", data={"csrf": _csrf(page)})
    with store.session() as s:
        assert not s.get(Unit, "unit-a").paused  # type: ignore[union-attr]


def test_metrics(client: TestClient) -> None:
    count_feed_request("rss")
    count_feed_request("rss", not_modified=True)
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'vnfeeds_unit_state{state="down",unit="unit-b"} 1.0' in text
    assert 'vnfeeds_unit_state{state="ok",unit="unit-b"} 0.0' in text
    assert 'vnfeeds_crawl_new_items_total{unit="unit-a"} 4.0' in text
    assert 'vnfeeds_crawl_runs_total{status="failed",unit="unit-b"} 1.0' in text
    assert 'vnfeeds_crawl_duration_seconds_sum{unit="unit-a"} 3.0' in text
    assert re.search(r'vnfeeds_feed_requests_total\{kind="rss"\} [1-9]', text)
    assert re.search(r'vnfeeds_feed_not_modified_total\{kind="rss"\} [1-9]', text)


def test_bar_chart_scales_to_the_busiest_day() -> None:
    from datetime import date

    svg = str(bar_chart([(date(2025, 7, 1), 0), (date(2025, 7, 2), 4)], width=100, height=60))
    assert svg.count("<rect") == 2 and "2025-07-02: 4" in svg
    assert 'height="42.0"' in svg and 'height="0.0"' in svg


def test_unit_page_lists_the_dead_links_still_skipped(client: TestClient, store: Store) -> None:
    """Ops see which article links a unit's lists show that led nowhere, and until when
    they are skipped; an expired one is gone from the page, a hostile URL is escaped."""
    now = utcnow()
    with store.session() as s:
        bury(s, "unit-a", "http://x/khai-truong", SOFT_404, now)
        bury(s, "unit-a", "http://x/<b>bad", "HTTP 404", now)
        bury(s, "unit-a", "http://x/old", "HTTP 500", now - timedelta(days=DEAD_LINK_DAYS + 1))
    page = client.get("/status/unit-a").text
    assert "Liên kết hỏng" in page and "https://x/khai-truong" in page and SOFT_404 in page
    assert "<b>bad" not in page and "https://x/%3Cb%3Ebad" in page and "HTTP 404" in page
    assert "https://x/old" not in page  # its 7 days are over: it is fetched again
    other = client.get("/status/unit-b").text
    assert "Không có liên kết hỏng." in other
    counts = {x["unit"]: x["dead_links"] for x in client.get("/status.json").json()}
    assert counts == {"unit-a": 2, "unit-b": 0}  # the expired one is not counted
