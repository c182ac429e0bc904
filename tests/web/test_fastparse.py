"""web.fastparse: the raw-bytes reading of a simple request agrees with httptools, or declines.

Whatever ``parse_simple`` accepts, httptools (uvicorn's parser) must accept as one complete
message with the same method, path, HTTP version, keep-alive decision (uvicorn's: never for
HTTP/1.0) and the same values of the headers the answer depends on; everything it declines
goes to httptools unchanged, so declining is always safe.
"""

from __future__ import annotations

from typing import Any

import httptools
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from web.fastparse import MAX_SIZE, parse_simple

KEPT = (b"accept", b"accept-encoding", b"if-none-match", b"if-modified-since", b"connection")


class _Seen:
    def __init__(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.complete = 0
        self.parser: Any = None
        self.keep_alive: bool | None = None

    def on_headers_complete(self) -> None:  # as uvicorn asks, while the message is current
        version = self.parser.get_http_version()
        self.keep_alive = version != "1.0" and self.parser.should_keep_alive()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_message_complete(self) -> None:
        self.complete += 1


def httptools_reading(raw: bytes) -> dict[str, Any] | None:
    """What uvicorn's parser makes of ``raw`` (as uvicorn configures it), None on an error."""
    seen = _Seen()
    parser = httptools.HttpRequestParser(seen)
    seen.parser = parser
    parser.set_dangerous_leniencies(lenient_data_after_close=True)
    try:
        parser.feed_data(raw)
    except httptools.HttpParserError:
        return None
    return {
        "complete": seen.complete,
        "method": parser.get_method(),
        "url": seen.url,
        "keep_alive": seen.keep_alive,
        "headers": [(k, v) for k, v in seen.headers if k in KEPT],
        "all_headers": seen.headers,
    }


def agree(raw: bytes) -> None:
    """If parse_simple accepts ``raw``, httptools reads it the same way."""
    ours = parse_simple(raw)
    if ours is None:
        return
    head, path, keep_alive, headers = ours
    theirs = httptools_reading(raw)
    assert theirs is not None, raw
    assert theirs["complete"] == 1, raw
    assert theirs["method"] == (b"HEAD" if head else b"GET")
    assert theirs["url"] == path.encode()
    assert theirs["keep_alive"] == keep_alive, raw
    assert theirs["headers"] == headers, raw
    names = {k for k, _ in theirs["all_headers"]}
    assert not names & {b"content-length", b"transfer-encoding", b"upgrade", b"expect"}


def req(*lines: str, start: str = "GET /units/a.rss HTTP/1.1") -> bytes:
    return ("\r\n".join([start, *lines, "", ""])).encode("latin-1")


ACCEPTED = [
    req("Host: x"),
    req(),
    req("Host: x", start="HEAD /all.atom HTTP/1.1"),
    req("Host: x", start="GET /units/a.rss HTTP/1.0"),
    req("Host: x", "Connection: close"),
    req("Host: x", "connection: Keep-Alive, CLOSE"),
    req("Host: x", "Connection: keep-alive", start="GET /a.json HTTP/1.0"),
    req('If-None-Match:   "abc"  ', "Accept-Encoding:\tgzip;q=0"),
    req('If-None-Match: "a"', 'If-None-Match: "b"', "X-Odd: caf\xe9"),
    req("Accept: text/html", "If-Modified-Since: Fri, 03 Jan 2025 13:40:00 GMT"),
    req("X-Empty:", "User-Agent: Mozilla/5.0 (X11; Linux x86_64)"),
]

DECLINED = [
    req("Host: x", start="POST /units/a.rss HTTP/1.1"),
    req("Host: x", start="get /units/a.rss HTTP/1.1"),
    req("Host: x", start="GET /units/a.rss?q=x HTTP/1.1"),
    req("Host: x", start="GET /units/a%2Erss HTTP/1.1"),
    req("Host: x", start="GET /units/a.rss#top HTTP/1.1"),
    req("Host: x", start="GET http://x/units/a.rss HTTP/1.1"),
    req("Host: x", start="GET * HTTP/1.1"),
    req("Host: x", start="GET /units/a.rss HTTP/2.0"),
    req("Host: x", start="GET  /units/a.rss HTTP/1.1"),
    req("Content-Length: 3") + b"abc",
    req("Content-Length: 0"),
    req("Transfer-Encoding: chunked") + b"0\r\n\r\n",
    req("Expect: 100-continue"),
    req("Upgrade: websocket", "Connection: Upgrade"),
    req("Connection: keep-alive, upgrade"),
    req("Host: x") + req("Host: x"),  # pipelined
    req("Host: x")[:-2],  # headers not finished
    req("Host: x")[:20],
    b"GET /units/a.rss HTTP/1.1\nHost: x\n\n",  # bare LF
    req("Host: x", " folded"),  # obs-fold
    req("Host : x"),
    req("Ho\x01st: x"),
    req("X: a\x01b"),
    req("X: a\rb"),
    req("X-Big: " + "a" * MAX_SIZE),
]


@pytest.mark.parametrize("raw", ACCEPTED)
def test_accepted_requests_read_as_httptools_reads_them(raw: bytes) -> None:
    assert parse_simple(raw) is not None
    agree(raw)


@pytest.mark.parametrize("raw", DECLINED)
def test_anything_else_is_left_to_httptools(raw: bytes) -> None:
    assert parse_simple(raw) is None


def test_keep_alive_follows_uvicorn() -> None:
    assert parse_simple(req("Host: x")) == (False, "/units/a.rss", True, [])
    assert parse_simple(req("Connection: close"))[2] is False  # type: ignore[index]
    http10 = req("Connection: keep-alive", start="GET /a.rss HTTP/1.0")
    assert parse_simple(http10)[2] is False  # type: ignore[index]
    head = parse_simple(req(start="HEAD /a.rss HTTP/1.1"))
    assert head is not None and head[0] is True


_GOOD_NAMES = ["Host", "Accept", "accept-encoding", "If-None-Match", "IF-MODIFIED-SINCE",
               "Connection", "X-Y"]  # fmt: skip
_BAD_NAMES = ["Content-Length", "Upgrade", "Expect", "Transfer-Encoding", "Bad Name", ""]
_GOOD_CHARS = [*' \t"abc,;=/*.-:0123456789\xe9', "close", "gzip", " close ", "keep-alive"]
_BAD_CHARS = ["\x01", "\x7f", "\r", "upgrade"]
_GOOD_STARTS = ["GET /a.rss HTTP/1.1", "HEAD /units/b.atom HTTP/1.0", "GET /a{|}.json HTTP/1.1"]
_BAD_STARTS = ["GET /a b HTTP/1.1", "GET /a?x HTTP/1.1", "PUT /a HTTP/1.1", "GET /é HTTP/1.1"]


def _fields(names: list[str], chars: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    value = st.lists(st.sampled_from(chars), max_size=10).map("".join)
    return st.lists(st.tuples(st.sampled_from(names), value), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_GOOD_STARTS), _fields(_GOOD_NAMES, _GOOD_CHARS))
def test_simple_requests_are_accepted_and_read_as_httptools_reads_them(
    start: str, fields: list[tuple[str, str]]
) -> None:
    raw = req(*(f"{k}:{v}" for k, v in fields), start=start)
    assert parse_simple(raw) is not None
    agree(raw)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_GOOD_STARTS + _BAD_STARTS),
    _fields(_GOOD_NAMES + _BAD_NAMES, _GOOD_CHARS + _BAD_CHARS),
    st.sampled_from(["", "x", "\r\n"]),
)
def test_whatever_is_accepted_httptools_reads_alike(
    start: str, fields: list[tuple[str, str]], tail: str
) -> None:
    raw = req(*(f"{k}:{v}" for k, v in fields), start=start) + tail.encode()
    agree(raw)
