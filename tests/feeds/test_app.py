"""The ASGI app on both stores: content types, validators, 304s, gzip, HEAD, cache, paths."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from storage.models import Article
from tests.feeds.checks import ATOM, check_feed
from tests.feeds.conftest import T0, make_article
from web.app import create_app


@pytest.fixture
def client(fstore: Store, registry: Registry, config: FeedConfig) -> Iterator[TestClient]:
    extra = [Route("/status", lambda r: PlainTextResponse("ok " * 300))]
    with TestClient(create_app(fstore, registry, config, extra_routes=extra)) as c:
        yield c


def _fill(store: Store) -> None:
    with store.session() as s:
        for n in range(1, 8):
            make_article(s, "phutho-soct", n, topics=("cong-thuong",))
        make_article(s, "hanoi-syt", 20, topics=("y-te",))


def test_every_feed_served_valid_with_content_types(fstore: Store, client: TestClient) -> None:
    _fill(fstore)
    types = {
        "rss": "application/rss+xml; charset=utf-8",
        "atom": "application/atom+xml; charset=utf-8",
        "json": "application/feed+json",
    }
    paths = [
        "/all",
        "/provinces/phu-tho",
        "/topics/cong-thuong",
        "/units/phutho-soct",
        "/units/phutho-soct/cong-thuong",
        "/units/phutho-soct/archive/1",
    ]
    for base in paths:
        for fmt, ctype in types.items():
            r = client.get(f"{base}.{fmt}")
            assert r.status_code == 200, (base, fmt)
            assert r.headers["content-type"] == ctype
            check_feed(f"{base}.{fmt}", r.content)
    r = client.get("/feeds.opml")
    assert r.headers["content-type"] == "text/x-opml; charset=utf-8"
    check_feed("/feeds.opml", r.content)
    assert "http://feeds.test/units/phutho-soct/cong-thuong.rss" in r.text


def test_etag_last_modified_304_and_cache_control(fstore: Store, client: TestClient) -> None:
    _fill(fstore)
    r = client.get("/units/phutho-soct.atom", headers={"accept-encoding": "identity"})
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert r.headers["cache-control"] == "public, max-age=300"
    assert lm == "Sat, 01 Mar 2025 08:00:00 GMT"  # newest item, 7 h after T0
    r2 = client.get(
        "/units/phutho-soct.atom", headers={"if-none-match": etag, "accept-encoding": "identity"}
    )
    assert r2.status_code == 304 and r2.content == b"" and r2.headers["etag"] == etag
    assert (
        client.get("/units/phutho-soct.atom", headers={"if-none-match": '"nope"'}).status_code
        == 200
    )
    assert (
        client.get("/units/phutho-soct.atom", headers={"if-modified-since": lm}).status_code == 304
    )
    older = "Sat, 01 Mar 2025 07:59:59 GMT"
    assert (
        client.get("/units/phutho-soct.atom", headers={"if-modified-since": older}).status_code
        == 200
    )
    # If-None-Match wins over If-Modified-Since
    r3 = client.get(
        "/units/phutho-soct.atom", headers={"if-none-match": '"x"', "if-modified-since": lm}
    )
    assert r3.status_code == 200


def test_gzip_vary_and_head(fstore: Store, client: TestClient) -> None:
    _fill(fstore)
    plain = client.get("/units/phutho-soct.rss", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = client.get("/units/phutho-soct.rss", headers={"accept-encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip" and raw.headers["vary"] == "Accept-Encoding"
    assert raw.content == plain.content  # httpx decoded it
    assert raw.headers["etag"] != plain.headers["etag"]  # strong ETag per representation
    gz = client.get(
        "/units/phutho-soct.rss",
        headers={"if-none-match": raw.headers["etag"], "accept-encoding": "gzip"},
    )
    assert gz.status_code == 304
    head = client.head("/units/phutho-soct.rss", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(plain.content))
    assert head.headers["etag"] == plain.headers["etag"]
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content
    # other routes still go through GZipMiddleware
    st = client.get("/status", headers={"accept-encoding": "gzip"})
    assert st.headers["content-encoding"] == "gzip" and st.text.startswith("ok ok")


def test_errors(client: TestClient) -> None:
    assert client.get("/units/nope.rss").status_code == 404
    assert client.get("/topics/nope.atom").status_code == 404
    assert client.get("/provinces/nope.json").status_code == 404
    assert client.get("/units/phutho-soct/archive/1.rss").status_code == 404  # no full page yet
    assert client.get("/units/phutho-soct.xml").status_code == 404
    r = client.post("/units/phutho-soct.rss")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert client.get("/units/phutho-soct.rss?limit=abc").status_code == 400
    assert client.get("/units/phutho-soct.rss?limit=100000").status_code == 400


def test_cache_invalidates_when_another_process_writes(
    fstore: Store, registry: Registry, config: FeedConfig, client: TestClient
) -> None:
    _fill(fstore)
    first = client.get("/all.json").json()
    again = client.get("/all.json")
    svc = client.app.state.feeds  # type: ignore[attr-defined]
    assert svc.cache.hits >= 1
    other = Store(fstore.url)  # the crawler's own connection
    try:
        with other.session() as s:
            make_article(s, "hanoi-syt", 99, hours=100)
    finally:
        other.dispose()
    fresh = client.get("/all.json").json()
    assert fresh["items"][0]["id"] == "tag:vnfeeds.test,2025:hanoi-syt/99"
    assert first["items"][0]["id"] != fresh["items"][0]["id"]
    assert again.headers["etag"] != client.get("/all.json").headers["etag"]


def test_cache_keeps_serving_within_version_ttl(fstore: Store, registry: Registry) -> None:
    _fill(fstore)
    cfg = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=3600)
    with TestClient(create_app(fstore, registry, cfg)) as c:
        before = c.get("/units/hanoi-syt.rss").content
        with fstore.session() as s:
            make_article(s, "hanoi-syt", 50, hours=200)
        assert c.get("/units/hanoi-syt.rss").content == before  # cached
        c.app.state.feeds.cache.invalidate()  # type: ignore[attr-defined]
        assert c.get("/units/hanoi-syt.rss").content != before


def test_unchanged_feed_is_byte_identical_across_builds(
    fstore: Store, registry: Registry, config: FeedConfig
) -> None:
    _fill(fstore)
    bodies = []
    for _ in range(2):
        with TestClient(create_app(fstore, registry, config)) as c:
            bodies.append(
                [
                    c.get(p).content
                    for p in ("/all.rss", "/all.atom", "/all.json", "/feeds.opml", "/")
                ]
            )
    assert bodies[0] == bodies[1]


def test_archives_chain(fstore: Store, client: TestClient) -> None:
    with fstore.session() as s:
        for n in range(1, 13):  # 12 items, 5 per page: 2 archive pages, current shows 5
            make_article(s, "phutho-soct", n)
    root = check_feed("/units/phutho-soct.atom", client.get("/units/phutho-soct.atom").content)
    links = {e.get("rel"): e.get("href") for e in root.findall(f"{ATOM}link")}
    assert links["prev-archive"] == "http://feeds.test/units/phutho-soct/archive/2.atom"
    a2 = check_feed("/x.atom", client.get("/units/phutho-soct/archive/2.atom").content)
    l2 = {e.get("rel"): e.get("href") for e in a2.findall(f"{ATOM}link")}
    assert l2["current"] == "http://feeds.test/units/phutho-soct.atom"
    assert l2["prev-archive"].endswith("/archive/1.atom") and "next-archive" not in l2
    a1 = check_feed("/x.atom", client.get("/units/phutho-soct/archive/1.atom").content)
    l1 = {e.get("rel"): e.get("href") for e in a1.findall(f"{ATOM}link")}
    assert l1["next-archive"].endswith("/archive/2.atom") and "prev-archive" not in l1
    seen = [e.findtext(f"{ATOM}id") for doc in (root, a2, a1) for e in doc.findall(f"{ATOM}entry")]
    assert len(set(seen)) == 12  # every item reachable, current overlaps page 2 only by design
    assert client.get("/units/phutho-soct/archive/3.atom").status_code == 404


def test_filters_over_http(fstore: Store, client: TestClient) -> None:
    with fstore.session() as s:
        make_article(s, "hanoi-syt", 1, title="Tiêm chủng tại Hoà Bình")
        make_article(s, "hanoi-syt", 2, title="Khám bệnh")
    r = client.get("/units/hanoi-syt.json", params={"q": "HÒA BÌNH"})
    doc = check_feed("/x.json", r.content)
    assert [i["title"] for i in doc["items"]] == ["Tiêm chủng tại Hoà Bình"]
    assert "?q=" in doc["feed_url"] and "next_url" not in doc
    doc = client.get("/units/hanoi-syt.json", params={"exclude": "tiêm chủng"}).json()
    assert [i["title"] for i in doc["items"]] == ["Khám bệnh"]
    assert len(client.get("/units/hanoi-syt.json", params={"limit": "1"}).json()["items"]) == 1


def test_index_lists_and_searches(fstore: Store, client: TestClient) -> None:
    _fill(fstore)
    r = client.get("/")
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "http://feeds.test/units/phutho-soct.rss" in r.text
    assert "http://feeds.test/provinces/phu-tho.atom" in r.text
    assert "Sở Công Thương tỉnh Hòa Bình" in r.text  # predecessor unit listed under Phú Thọ
    found = client.get("/", params={"q": "HOÀ BÌNH"}).text
    assert "hoabinh-soct.rss" in found and "hanoi-syt.rss" not in found
    assert "y-te.rss" in client.get("/", params={"q": "y tế"}).text
    plain = client.get("/", params={"q": "hoa binh"}).text  # typed without diacritics
    assert "hoabinh-soct.rss" in plain and "hanoi-syt.rss" not in plain
    assert "Không tìm thấy" in client.get("/", params={"q": "không có đâu"}).text


def test_hub_link_header(fstore: Store, registry: Registry) -> None:
    cfg = FeedConfig(base_url="http://feeds.test", hub="http://127.0.0.1:9/hub")
    with TestClient(create_app(fstore, registry, cfg, notify_interval=0)) as c:
        r = c.get("/units/hanoi-syt.atom")
        assert (
            r.headers["link"]
            == '<http://127.0.0.1:9/hub>; rel="hub", <http://feeds.test/units/hanoi-syt.atom>; rel="self"'
        )
        assert b'rel="hub"' in r.content


def test_app_type(fstore: Store, registry: Registry) -> None:
    assert isinstance(create_app(fstore, registry), Starlette)
    with fstore.session() as s:
        assert s.query(Article).count() == 0
    assert T0 + timedelta(0) == T0


def test_warm_cache_expires_after_version_ttl(fstore: Store, registry: Registry) -> None:
    _fill(fstore)
    cfg = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=0.3)
    with TestClient(create_app(fstore, registry, cfg)) as c:
        before = c.get("/units/hanoi-syt.json").json()["items"]
        svc = c.app.state.feeds  # type: ignore[attr-defined]
        hits = svc.cache.hits
        assert c.get("/units/hanoi-syt.json").json()["items"] == before
        assert svc.cache.hits == hits + 1  # the hot path answered
        with fstore.session() as s:
            make_article(s, "hanoi-syt", 60, hours=300)
        time.sleep(0.35)
        after = c.get("/units/hanoi-syt.json").json()["items"]
        assert (
            after[0]["id"] == "tag:vnfeeds.test,2025:hanoi-syt/60" and len(after) == len(before) + 1
        )
