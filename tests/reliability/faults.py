"""A fault-injection web server on loopback (ephemeral port): one site per fault.

Every site has the same shape, readable by the ``selectors`` platform: list pages
``/<site>/list?page=N`` with links to ``/<site>/a/<n>`` and a ``a.next`` link, and
article pages with ``h1``, ``.date`` and ``div.content``. A fault replaces one page
(the list page, or article 2) with something hostile; the other pages stay good so a
test can check that nothing good was lost.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SELECTORS = {
    "list_links": "ul.news li a.t",
    "next_page": "a.next",
    "title": "h1",
    "date": ".date",
    "date_format": "%d/%m/%Y",
    "body": "div.content",
}

Reply = tuple[int, dict[str, str], bytes]
Fault = Callable[["FaultHandler", str], Reply | None]


def title_of(site: str, n: int) -> str:
    """The title of article ``n`` of a site."""
    return f"Bài {n} của trang {site}: tin tức sở ngành"


def article_html(site: str, n: int, body: str | None = None) -> bytes:
    """A good article page."""
    text = body or f"<p>Nội dung bài số {n} của {site}. Đoạn văn thứ nhất.</p><p>Đoạn hai.</p>"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{site}</title></head>"
        f"<body><h1>{title_of(site, n)}</h1><div class='date'>{(n % 28) + 1:02d}/10/2026</div>"
        f"<div class='content'>{text}</div></body></html>"
    ).encode()


def list_html(
    site: str, page: int, per_page: int, pages: int, links: list[str] | None = None
) -> bytes:
    """List page ``page`` of a site with ``pages`` pages of ``per_page`` articles."""
    first = (page - 1) * per_page + 1
    hrefs = links or [f"/{site}/a/{n}" for n in range(first, first + per_page)]
    items = "".join(
        f"<li><a class='t' href='{h}'>{title_of(site, first + i)}</a></li>"
        for i, h in enumerate(hrefs)
    )
    nxt = (
        f"<a class='next' href='/{site}/list?page={page + 1}'>Trang sau</a>" if page < pages else ""
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>"
        f"<ul class='news'>{items}</ul>{nxt}</body></html>"
    ).encode()


@dataclass
class Site:
    """One site: its size, a fault for some paths, and a delay for article pages."""

    pages: int = 1
    per_page: int = 3
    fault: Fault | None = None
    article_delay: float = 0.0
    robots: str = ""


@dataclass
class Hit:
    """One request the server answered."""

    path: str
    at: float
    host: str


class FaultHandler(BaseHTTPRequestHandler):
    """Routes ``/<site>/…`` to the site's pages and faults."""

    server: FaultHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        """Write a whole response."""
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **headers}
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.hits.append(Hit(self.path, time.monotonic(), self.headers.get("Host", "")))
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            robots = "\n".join(s.robots for s in owner.sites.values() if s.robots)
            return self.send(200, {"Content-Type": "text/plain"}, robots.encode())
        name, _, rest = parts.path.lstrip("/").partition("/")
        if name in owner.extra:
            reply = owner.extra[name](self, parts.path)
            if reply is not None:
                self.send(*reply)
            return
        site = owner.sites.get(name)
        if site is None:
            return self.send(404, {}, b"<h1>404</h1>")
        if site.fault is not None:
            reply = site.fault(self, self.path)
            if reply is not None:
                if reply[0] >= 0:
                    self.send(*reply)
                return
        if rest == "list":
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            return self.send(200, {}, list_html(name, page, site.per_page, site.pages))
        if rest.startswith("a/"):
            time.sleep(site.article_delay)
            return self.send(200, {}, article_html(name, int(rest[2:].split("/")[0])))
        return self.send(404, {}, b"<h1>404</h1>")


class FaultHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer


@dataclass
class FaultServer:
    """The server: sites by name, extra raw routes, and every request it saw."""

    host: str = "127.0.0.1"
    sites: dict[str, Site] = field(default_factory=dict)
    extra: dict[str, Fault] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0

    def start(self) -> FaultServer:
        """Serve in a thread on an ephemeral port."""
        self._httpd = FaultHTTPServer((self.host, 0), FaultHandler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def list_url(self, site: str) -> str:
        return f"{self.base}/{site}/list?page=1"

    def article_url(self, site: str, n: int) -> str:
        return f"{self.base}/{site}/a/{n}"

    def paths(self, prefix: str) -> list[str]:
        """Paths requested that start with ``prefix``."""
        return [h.path for h in self.hits if h.path.startswith(prefix)]


def unit_toml(
    unit_id: str,
    start: str,
    *,
    homepage: str | None = None,
    selectors: dict[str, str] | None = None,
    extra: str = "",
) -> str:
    """A ``[[unit]]`` table for one fault site (loopback, hence allow_private)."""
    sel = "\n".join(f'{k} = "{v}"' for k, v in (selectors or SELECTORS).items())
    return f"""
[[unit]]
id = "{unit_id}"
name = "Fault site {unit_id}"
province = "thanh-hoa"
platform = "selectors"
homepage = "{homepage or start.split("/list")[0] + "/"}"
allow_private = true
politeness = {{ download_delay = 0, concurrency = 4 }}
topics = {{ "Tin tức" = ["cong-thuong"] }}
{extra}
[unit.selectors]
{sel}

[[unit.start]]
url = "{start}"
category = "Tin tức"
"""


# ---------------------------------------------------------------- faults on article 2


def on_article(n: int, reply: Callable[[FaultHandler], Reply | None]) -> Fault:
    """A fault that replaces article ``n`` only."""

    def fault(h: FaultHandler, path: str) -> Reply | None:
        if urlsplit(path).path.endswith(f"/a/{n}"):
            return reply(h) or (-1, {}, b"")
        return None

    return fault


def hang(seconds: float) -> Callable[[FaultHandler], Reply | None]:
    """Answer nothing for ``seconds``."""

    def reply(h: FaultHandler) -> Reply | None:
        time.sleep(seconds)
        return None

    return reply


def drip(total: int, interval: float) -> Callable[[FaultHandler], Reply | None]:
    """Headers at once, then one byte every ``interval`` seconds."""

    def reply(h: FaultHandler) -> Reply | None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        try:
            for _ in range(total):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass
        return None

    return reply


def fixed(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> Callable[[FaultHandler], Reply]:
    """Always this response."""
    return lambda h: (status, headers or {}, body)


def big_page(size: int) -> Callable[[FaultHandler], Reply]:
    """An HTML page of ``size`` bytes."""
    return fixed(200, b"<html><body><h1>big</h1><p>" + b"x" * size + b"</p></body></html>")


def gzip_bomb(size: int) -> Callable[[FaultHandler], Reply]:
    """A small gzip body that inflates to ``size`` bytes."""
    body = gzip.compress(b"\0" * size, compresslevel=9)
    return fixed(200, body, {"Content-Encoding": "gzip"})


def random_bytes(size: int) -> Callable[[FaultHandler], Reply]:
    """Random bytes served as HTML."""
    return fixed(200, os.urandom(size))
