"""A unit's download_delay is the floor of the gaps between its requests (issue 10, item 5).

The gaps are measured on a loopback server that records when each request arrives,
during a real `vnfeeds crawl` (Scrapy, AutoThrottle on, jitter on).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import NewDbUrl
from tests.crawl.conftest import run_vnfeeds

ARTICLES = 5


class TimedSite:
    """A tiny news site on 127.0.0.1 that records the arrival time of every request."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.arrivals.append((time.monotonic(), self.path))
                body = outer.page(self.path)
                self.send_response(200 if body else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                data = (body or "not found").encode()
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._t.start()

    @staticmethod
    def page(path: str) -> str:
        if path == "/news":
            items = "".join(
                f'<li class="item"><a href="/news/{i}">Tin số {i} về công tác quản lý nhà nước'
                f"</a> <span>0{i}/05/2024</span></li>"
                for i in range(1, ARTICLES + 1)
            )
            return f"<html><body><ul>{items}</ul></body></html>"
        if path.startswith("/news/"):
            i = path.rsplit("/", 1)[1]
            return (
                f"<html><body><h1>Tin số {i} về công tác quản lý nhà nước</h1>"
                f'<p class="date">0{i}/05/2024 08:00</p><div class="body"><p>Nội dung tin {i}: '
                "các đơn vị đã triển khai nhiệm vụ theo kế hoạch đề ra.</p></div></body></html>"
            )
        return ""

    def gaps(self) -> list[float]:
        times = sorted(t for t, _ in self.arrivals)
        return [b - a for a, b in itertools.pairwise(times)]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site() -> Iterator[TimedSite]:
    s = TimedSite()
    yield s
    s.close()


def _units(path: Path, base: str, delay: float) -> Path:
    path.write_text(
        f"""
[[unit]]
id = "timed-site"
name = "Timed site"
province = "ha-noi"
platform = "selectors"
homepage = "{base}/"
allow_private = true
politeness = {{ download_delay = {delay}, concurrency = 1 }}

[[unit.start]]
url = "{base}/news"
category = "Tin tức"

[unit.selectors]
list_links = "li.item a"
title = "h1"
date = "p.date"
body = "div.body"
""",
        encoding="utf-8",
    )
    return path


def _crawl(tmp_path: Path, site: TimedSite, delay: float, db: str) -> list[float]:
    units = _units(tmp_path / "units.toml", site.base, delay)
    done = run_vnfeeds(db, units, "crawl", "-q", timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    paths = [p for _, p in site.arrivals]
    assert "/news" in paths and sum(p.startswith("/news/") for p in paths) == ARTICLES
    return site.gaps()


def test_unit_delay_above_default_is_the_floor(
    tmp_path: Path, site: TimedSite, new_db_url: NewDbUrl
) -> None:
    gaps = _crawl(tmp_path, site, 2.0, new_db_url("polite"))
    assert len(gaps) >= ARTICLES
    # every gap, jitter included, at least the unit's 2 s (50 ms for clock/socket slack)
    assert min(gaps) >= 1.95, gaps


def test_unit_delay_below_default_is_honoured(
    tmp_path: Path, site: TimedSite, new_db_url: NewDbUrl
) -> None:
    gaps = _crawl(tmp_path, site, 0.3, new_db_url("polite"))
    assert min(gaps) >= 0.25, gaps
    # faster than the project's DOWNLOAD_DELAY of 1 s: the unit's own delay rules its host
    assert sorted(gaps)[len(gaps) // 2] < 0.9, gaps
