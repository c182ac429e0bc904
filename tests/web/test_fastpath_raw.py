"""serve's hot path on raw sockets: which requests are read from the bytes, and the fallbacks.

A complete simple request in one read is answered without httptools
(``FeedHttpProtocol.parsed_here``); a request in pieces, pipelined requests, bodies and
upgrades go through httptools and uvicorn, and every answer is the app's. Also: the one
keep-alive timer per connection, the metrics hook, and access-log mode.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from tests.servers import free_port, uvicorn_server
from tests.web.test_fastpath import FEED, _fill, _same, exchange, get
from web.app import create_app
from web.fastpath import PROTOCOL, FeedHttpProtocol

Seen = list[tuple[str, bool]]


@contextmanager
def serving(fstore: Store, registry: Registry, **options: object) -> Iterator[tuple[int, Seen]]:
    _fill(fstore)
    seen: Seen = []
    config = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=30.0)
    app = create_app(fstore, registry, config, on_request=lambda k, nm: seen.append((k, nm)))
    port = free_port()
    with uvicorn_server(app, port, http=PROTOCOL, **{"access_log": False, **options}):
        exchange(port, get(FEED))  # rendered by the app: cached from now on
        yield port, seen


@pytest.fixture
def served(fstore: Store, registry: Registry) -> Iterator[tuple[int, Seen]]:
    with serving(fstore, registry, timeout_keep_alive=1) as s:
        yield s


def counts() -> tuple[int, int]:
    return FeedHttpProtocol.answered, FeedHttpProtocol.parsed_here


class Conn:
    """One client connection reading answers one by one (pipelined ones arrive together)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def __enter__(self) -> Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def closed(self) -> bool:
        """Whether the server closes the connection (waits for it up to the timeout)."""
        return not self.buf and self.sock.recv(1) == b""

    def answer(self, head: bool = False) -> tuple[str, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, f"closed early: {self.buf!r}"
            self.buf += chunk
        top, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status, *lines = top.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
        size = 0 if head or " 304 " in status else int(headers.get("content-length", 0))
        while len(self.buf) < size:
            chunk = self.sock.recv(65536)
            assert chunk, "closed in a body"
            self.buf += chunk
        body, self.buf = self.buf[:size], self.buf[size:]
        return status, headers, body


def test_a_simple_request_is_read_from_its_bytes(served: tuple[int, Seen]) -> None:
    port, seen = served
    answered, here = counts()
    fast = exchange(port, get(FEED, "Accept-Encoding: gzip"))[0]
    assert counts() == (answered + 1, here + 1)
    slow = exchange(port, get(FEED + "?", "Accept-Encoding: gzip"))[0]  # the app's answer
    _same(fast, slow)
    assert fast[1]["content-encoding"] == "gzip"
    assert seen[-2:] == [("rss", False), ("rss", False)]  # the hook, on both paths
    not_mod = exchange(port, get(FEED, f"If-None-Match: {fast[1]['etag']}"))[0]
    assert not_mod[0].endswith("304 Not Modified") and seen[-1] == ("rss", True)
    assert counts()[1] == here + 2


def test_a_request_in_pieces_goes_through_httptools(served: tuple[int, Seen]) -> None:
    port, _ = served
    raw = get(FEED)
    answered, here = counts()
    with Conn(port) as c:
        c.send(raw[:30])
        time.sleep(0.2)
        c.send(raw[30:])
        first = c.answer()
        c.send(raw)  # the same connection, whole: read from the bytes again
        second = c.answer()
    _same(first, second)
    assert counts() == (answered + 2, here + 1)


def test_a_partial_request_is_never_mistaken_for_a_new_one(served: tuple[int, Seen]) -> None:
    """Bytes that complete a pending request are its rest, even if they look like a request."""
    port, _ = served
    with Conn(port) as c:
        c.send(b"GET /no/such/page HTTP/1.1\r\nHost: x\r\nX-Note: ")
        time.sleep(0.2)
        c.send(get(FEED))  # now one header value: the request is for /no/such/page
        status, _, body = c.answer()
    assert status.endswith("404 Not Found") and b"<rss" not in body


def test_pipelined_requests_are_answered_in_order(served: tuple[int, Seen]) -> None:
    port, _ = served
    raw = get(FEED) + get(FEED, method="HEAD") + get("/units/hanoi-syt.json") + get(FEED)
    answered, here = counts()
    with Conn(port) as c:
        c.send(raw)
        got = [c.answer(), c.answer(head=True), c.answer()]
        got.append(c.answer())
    types = [a[1]["content-type"].split(";")[0] for a in got]
    assert types == ["application/rss+xml"] * 2 + ["application/feed+json", "application/rss+xml"]
    assert got[1][2] == b"" and got[0][2] == got[3][2]
    assert counts()[1] == here  # none read from raw bytes: they came together
    assert counts()[0] >= answered + 1


def test_a_request_with_a_body_goes_to_uvicorn(served: tuple[int, Seen]) -> None:
    port, _ = served
    _, here = counts()
    with Conn(port) as c:
        c.send(get(FEED, "Content-Length: 5") + b"hello")
        status, _, body = c.answer()
        assert status.endswith("200 OK") and body.startswith(b"<?xml")
        c.send(get(FEED))  # the body was consumed: the next request reads cleanly
        assert c.answer()[2] == body
    assert counts()[1] == here + 1


def test_upgrade_and_expect_go_to_uvicorn(served: tuple[int, Seen]) -> None:
    port, _ = served
    _, here = counts()
    for extra in (("Connection: Upgrade", "Upgrade: h2c"), ("Expect: 100-continue",)):
        status = exchange(port, get(FEED, *extra))[0][0]
        assert status.startswith("HTTP/1.1 ")
    assert counts()[1] == here


def test_connection_close_and_http_1_0_close_after_the_answer(served: tuple[int, Seen]) -> None:
    port, _ = served
    for raw in (get(FEED, "Connection: close"), get(FEED, "Connection: keep-alive", version="1.0")):
        _, here = counts()
        with Conn(port) as c:
            c.send(raw)
            _, headers, _ = c.answer()
            assert headers["connection"] == "close"
            assert c.closed()  # closed by the server
        assert counts()[1] == here + 1


def test_one_idle_timer_closes_a_quiet_connection(served: tuple[int, Seen]) -> None:
    """timeout_keep_alive=1: busy connections stay open, a second of silence closes one."""
    port, _ = served
    with Conn(port) as c:
        for _ in range(6):  # 1.8 s in all, never 1 s apart
            c.send(get(FEED, method="HEAD"))
            assert c.answer(head=True)[0].endswith("200 OK")
            time.sleep(0.3)
        c.send(get("/units/hanoi-syt.json"))  # an app answer in between
        assert c.answer()[0].endswith("200 OK")
        c.send(get(FEED, method="HEAD"))
        c.answer(head=True)
        started = time.monotonic()
        assert c.closed()
        assert 0.5 < time.monotonic() - started < 4


def test_with_an_access_log_every_request_goes_through_uvicorn(
    fstore: Store, registry: Registry
) -> None:
    with serving(fstore, registry, access_log=True) as (port, seen):
        before = counts()
        exchange(port, get(FEED))
        exchange(port, get(FEED))
        assert counts() == before
        assert seen[-2:] == [("rss", False), ("rss", False)]
