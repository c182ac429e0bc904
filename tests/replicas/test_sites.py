"""The replica sites over real HTTP: paging, caching, robots, lineage, encodings, files."""

from __future__ import annotations

import unicodedata
import urllib.error
import urllib.request
import urllib.robotparser
from datetime import date
from urllib.parse import urljoin

import pytest
from parsel import Selector

from replicas import urls
from replicas.seed import load_seed
from replicas.server import ReplicaServer
from replicas.sites.common import today_line
from tests.replicas.conftest import fetch

NEXT = 'a[rel="next"]::attr(href), a.kh-next::attr(href)'


def _walk(first: str) -> tuple[set[str], int]:
    """Every href on a list page and the pages after it (by the next link)."""
    seen: set[str] = set()
    url: str | None = first
    pages = 0
    while url:
        status, headers, body = fetch(url)
        assert status == 200, url
        pages += 1
        sel = Selector(text=body.decode(headers.get_content_charset() or "utf-8"))
        seen |= {urljoin(url, h) for h in sel.css("a::attr(href)").getall()}
        nxt = sel.css(NEXT).get()
        url = urljoin(url, nxt) if nxt else None
        assert pages < 20
    return seen, pages


def test_starts_on_a_free_port_and_stops() -> None:
    srv = ReplicaServer(0).start()
    assert srv.port > 0
    assert srv.base_url("hoabinh-soct") == f"http://127.0.2.1:{srv.port}"
    status, _, body = fetch(srv.index_url)
    assert status == 200 and b"hoabinh-soct" in body
    srv.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(srv.index_url, timeout=2)


def test_every_list_pages_through_all_articles(server: ReplicaServer) -> None:
    c = server.corpus
    for uid in c.stories:
        u = c.unit(uid)
        if u.platform == "feed":
            continue
        for cat in u.categories:
            expected = {c.url(s, server.base_urls()) for s in c.category_stories(uid, cat.key)}
            seen, pages = _walk(server.base_url(uid) + urls.list_path(u, cat))
            assert expected <= seen, (uid, cat.key, sorted(expected - seen)[:3])
            assert pages == -(-len(expected) // urls.PER_PAGE)
        assert len([s for s in c.stories[uid] if not s.internal]) >= 30


def test_feed_unit_feeds_and_sitemap_list_everything(server: ReplicaServer) -> None:
    c = server.corpus
    u = c.unit("bct-xttm")
    base = server.base_url(u.id)
    everything = {c.url(s, server.base_urls()) for s in c.stories[u.id] if not s.internal}
    from_feeds: set[str] = set()
    for cat in u.categories:
        status, headers, body = fetch(base + urls.feed_path(cat))
        assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
        from_feeds |= set(
            Selector(text=body.decode(), type="xml").xpath("//item/link/text()").getall()
        )
    assert everything <= from_feeds
    _, _, sitemap = fetch(base + "/sitemap.xml")
    locs = set(
        Selector(text=sitemap.decode(), type="xml").xpath("//*[local-name()='loc']/text()").getall()
    )
    assert locs == everything
    _, _, top = fetch(base + urls.feed_path())
    assert len(Selector(text=top.decode(), type="xml").xpath("//item")) == 20


def test_conditional_get_answers_304(server: ReplicaServer) -> None:
    u = server.corpus.unit("phutho-soct")
    url = server.base_url(u.id) + urls.list_path(u, u.categories[0])
    status, headers, body = fetch(url)
    assert status == 200 and body
    etag, lm = headers["ETag"], headers["Last-Modified"]
    assert etag and lm
    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-Modified-Since": lm})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200


def test_robots_disallows_a_path_the_lists_link_to(server: ReplicaServer) -> None:
    for uid in server.corpus.stories:
        u = server.corpus.unit(uid)
        base = server.base_url(uid)
        status, _, body = fetch(base + "/robots.txt")
        assert status == 200 and b"Disallow: /noi-bo/" in body
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(body.decode().splitlines())
        first = base + urls.list_path(u, u.categories[0])
        links = (
            Selector(text=fetch(first)[2].decode("utf-8", "replace")).css("a::attr(href)").getall()
        )
        internal = [urljoin(first, h) for h in links if "noi-bo/" in urljoin(first, h)]
        assert internal, uid
        assert not rp.can_fetch("vnfeeds", internal[0])
        assert rp.can_fetch("vnfeeds", first)


def test_moved_unit_redirects_every_request_to_its_successor(server: ReplicaServer) -> None:
    succ = server.corpus.unit("phutho-stc")
    path = urls.list_path(succ, succ.categories[1], 2)
    for p in (path, "/robots.txt", "/"):
        status, headers, _ = fetch(server.base_url("hoabinh-stc") + p)
        assert status == 301
        assert headers["Location"] == server.base_url("phutho-stc") + p
    assert fetch(server.base_url("phutho-stc") + path)[0] == 200


def test_windows_1258_site_sends_cp1258_bytes(server: ReplicaServer) -> None:
    u = server.corpus.unit("vinhphuc-sxd")
    status, headers, body = fetch(server.base_url(u.id) + urls.list_path(u, u.categories[0]))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1258"
    assert b'content="text/html; charset=windows-1258"' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("cp1258")
    assert "\u0323" in text or "\u0301" in text  # tones as combining marks
    assert u.name in unicodedata.normalize("NFC", text)
    assert u.name not in text


def test_seed_article_page(server: ReplicaServer) -> None:
    seed = load_seed()
    story = server.corpus.seed_story()
    status, _, body = fetch(server.corpus.url(story, server.base_urls()))
    assert status == 200
    sel = Selector(text=body.decode())
    assert sel.css("title::text").get() == "DetailController"
    assert sel.css("h1#titleDetail::text").get() == seed.title
    assert sel.css("span.date_time::text").get() == "07/10/2022 00:00"
    assert sel.css("h3.title-list-news a::text").get() == "Tin từ các đơn vị"
    lead = sel.css("div#leadDetail.summary::text").get()
    assert lead is not None and lead.startswith("Ngayf 23/9, tại tỉnh Thanh Hóa")
    assert (
        sel.css("div.img-title::text").get()
        == "Các đồng chí Lãnh đạo chụp ảnh lưu niệm tại hội nghị"
    )
    assert sel.css("div#contentDetail.textdetail p::text").getall() == list(seed.body)
    assert len(seed.body) == 5
    assert today_line(server_today()) in body.decode()
    img = sel.css("img.img-responsive::attr(src)").get()
    assert img == "/documents/20182/31540/Ảnh%20hội%20nghị.jpg"
    status, headers, data = fetch(
        server.base_url("hoabinh-soct") + urllib.parse.quote(img, safe="/%")
    )
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and data[:2] == b"\xff\xd8"
    assert len(sel.css("span.time")) >= 5  # related lists with their own dates


def server_today() -> date:
    from datetime import datetime

    from domain.timezone import VN_TZ

    return datetime.now(VN_TZ).date()


def test_attachments_are_real_files(server: ReplicaServer) -> None:
    seen = {}
    for uid, stories in server.corpus.stories.items():
        u = server.corpus.unit(uid)
        for s in stories:
            for a in s.attachments:
                if a.ext in seen and not a.path.startswith("/c/"):
                    continue
                href = urllib.parse.quote(a.path, safe="/?&=")
                status, headers, data = fetch(server.base_url(uid) + href)
                assert status == 200, (uid, a.path)
                seen[a.ext if not a.path.startswith("/c/") else "get_file"] = (
                    headers["Content-Type"],
                    data,
                )
        assert u
    assert seen["pdf"][0] == "application/pdf" and seen["pdf"][1].startswith(b"%PDF-1.4")
    assert seen["get_file"][1].startswith(b"%PDF")
    assert seen["docx"][0].endswith("wordprocessingml.document") and seen["docx"][1][:2] == b"PK"
    assert seen["xlsx"][0].endswith("spreadsheetml.sheet") and seen["xlsx"][1][:2] == b"PK"


def test_hotlinked_and_lazy_images_are_served(server: ReplicaServer) -> None:
    u = server.corpus.unit("thanhhoa-syt")
    _status, _, body = fetch(server.base_url(u.id) + urls.list_path(u, u.categories[0]))
    lazy = Selector(text=body.decode()).css("img[data-src]::attr(data-src)").getall()
    assert lazy
    hot = [
        s for s in server.corpus.stories["bct-xttm"] if s.image and s.image.host_unit != "bct-xttm"
    ]
    assert hot
    page = fetch(server.corpus.url(hot[0], server.base_urls()))[2].decode()
    src = Selector(text=page).css("figure img::attr(src)").get()
    image = hot[0].image
    assert src is not None and image is not None
    assert src.startswith(server.base_url(image.host_unit))
    assert fetch(src)[0] == 200
