"""serve's hot path: cached feeds answered in the HTTP protocol, byte for byte as the app answers.

A real uvicorn server with ``FeedHttpProtocol`` on loopback; the first request of a path
goes through the ASGI app (a miss), later ones are answered by the protocol, and both
answers must agree on status, headers (Date aside) and body.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from tests.feeds.conftest import make_article
from tests.servers import free_port, uvicorn_server
from web.app import create_app
from web.fastpath import PROTOCOL, FeedHttpProtocol

FEED = "/units/phutho-soct.rss"


def exchange(port: int, raw: bytes, responses: int = 1) -> list[tuple[str, dict[str, str], bytes]]:
    """Send raw request bytes on one connection; parse ``responses`` answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        buf = b""
        out: list[tuple[str, dict[str, str], bytes]] = []
        while len(out) < responses:
            while b"\r\n\r\n" not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    raise AssertionError(f"connection closed early: {buf[:200]!r}")
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            status, *lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            size = 0 if status.split()[1] in ("304",) else int(headers.get("content-length", 0))
            if b"HEAD " in raw.split(b"\r\n", 1)[0]:
                size = 0
            while len(buf) < size:
                buf += sock.recv(65536)
            out.append((status, headers, buf[:size]))
            buf = buf[size:]
        return out


def get(path: str, *headers: str, method: str = "GET", version: str = "1.1") -> bytes:
    lines = [f"{method} {path} HTTP/{version}", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


def _fill(store: Store) -> None:
    with store.session() as s:
        for n in range(1, 8):
            make_article(s, "phutho-soct", n, topics=("cong-thuong",))
        make_article(s, "hanoi-syt", 20, topics=("y-te",))


@pytest.fixture
def served(fstore: Store, registry: Registry) -> Iterator[int]:
    _fill(fstore)
    config = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=2.0)
    port = free_port()
    app = create_app(fstore, registry, config)
    with uvicorn_server(app, port, http=PROTOCOL, access_log=False):
        yield port


def _same(a: tuple[str, dict[str, str], bytes], b: tuple[str, dict[str, str], bytes]) -> None:
    assert a[0] == b[0]
    assert {k: v for k, v in a[1].items() if k != "date"} == {
        k: v for k, v in b[1].items() if k != "date"
    }
    assert a[2] == b[2]


@pytest.mark.parametrize(
    "headers",
    [(), ("Accept-Encoding: gzip",), ("Accept-Encoding: br;q=1, gzip;q=0",)],
)
def test_hot_answers_equal_the_apps(served: int, headers: tuple[str, ...]) -> None:
    before = FeedHttpProtocol.answered
    miss = exchange(served, get(FEED, *headers))[0]  # rendered by the app
    hit = exchange(served, get(FEED, *headers))[0]  # answered by the protocol
    assert FeedHttpProtocol.answered == before + 1
    _same(miss, hit)
    assert miss[0].endswith("200 OK") and "date" in hit[1]
    etag = hit[1]["etag"]
    inm = get(FEED, *headers, f"If-None-Match: {etag}")
    head = get(FEED, *headers, method="HEAD")
    ims = get(FEED, *headers, f"If-Modified-Since: {hit[1]['last-modified']}")
    for raw in (inm, head, ims):
        fast = exchange(served, raw)[0]
        assert FeedHttpProtocol.answered > before + 1
        # the same request through the app: a query string always takes the ASGI road
        slow_raw = raw.replace(FEED.encode(), FEED.encode() + b"?")
        slow = exchange(served, slow_raw)[0]
        _same(fast, slow)
    assert exchange(served, inm)[0][0].endswith("304 Not Modified")


def test_browsers_get_the_feed_as_xml_on_the_hot_path_too(served: int) -> None:
    browser = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reader = exchange(served, get(FEED))[0]
    exchange(served, get(FEED))  # hot now
    before = FeedHttpProtocol.answered
    seen = exchange(served, get(FEED, browser))[0]
    assert FeedHttpProtocol.answered == before  # left to the app
    assert seen[1]["content-type"] == "application/xml; charset=utf-8"
    assert "Accept" in seen[1]["vary"]
    assert seen[2] == reader[2] and seen[1]["etag"] == reader[1]["etag"]
    assert exchange(served, get(FEED))[0][1]["content-type"].startswith("application/rss+xml")
    assert FeedHttpProtocol.answered == before + 1


def test_keep_alive_pipelining_and_close(served: int) -> None:
    exchange(served, get(FEED))  # warm
    before = FeedHttpProtocol.answered
    # pipelined: a hit (answered here), then misses and a hit queued behind them (the app)
    raw = get(FEED) + get("/units/hanoi-syt.json") + get(FEED) + get("/all.atom")
    answers = exchange(served, raw, responses=4)
    kinds = [a[1]["content-type"].split(";")[0] for a in answers]
    assert kinds == [
        "application/rss+xml",
        "application/feed+json",
        "application/rss+xml",
        "application/atom+xml",
    ]
    assert answers[0][2] == answers[2][2]
    assert FeedHttpProtocol.answered >= before + 1
    with socket.create_connection(("127.0.0.1", served), timeout=10) as sock:
        sock.sendall(get(FEED, version="1.0"))  # HTTP/1.0 without keep-alive: closed after
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 OK") and b"connection: close" in data.lower()
    assert exchange(served, get(FEED, method="POST"))[0][0].endswith("405 Method Not Allowed")


def test_hot_path_sees_changes_after_ttl(served: int, fstore: Store) -> None:
    first = exchange(served, get(FEED))[0]
    exchange(served, get(FEED))
    with fstore.session() as s:
        make_article(s, "phutho-soct", 50, topics=("cong-thuong",))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = exchange(served, get(FEED))[0]
        if now[1]["etag"] != first[1]["etag"]:
            break
        time.sleep(0.05)
    assert b"phutho-soct/50" in now[2]
