"""One crawl of the fault server: one unit per fault, each judged on its own.

Each faulty site has three articles; the fault hits article 2 (or the list page).
For every unit: the good articles are stored, and where something was not stored
a recorded error names the unit and the URL. The crawl runs once per module.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from storage import models as m
from storage.db import Store, resolve_db_url
from tests.conftest import NewDbUrl
from tests.reliability.conftest import run_vnfeeds
from tests.reliability.faults import (
    FaultHandler,
    FaultServer,
    Reply,
    Site,
    article_html,
    big_page,
    drip,
    fixed,
    gzip_bomb,
    hang,
    list_html,
    on_article,
    random_bytes,
    title_of,
    unit_toml,
)

MB = 1024 * 1024


def _redirect_loop(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):
        return 302, {"Location": "/loop/a/2b"}, b""
    if path.endswith("/a/2b"):
        return 302, {"Location": "/loop/a/2"}, b""
    return None


def _long_url_list(h: FaultHandler, path: str) -> Reply | None:
    if "/list" in path:
        links = ["/longurl/a/1", "/longurl/a/2?q=" + "x" * 2100, "/longurl/a/3"]
        return 200, {}, list_html("longurl", 1, 3, 1, links)
    return None


def _random_list(h: FaultHandler, path: str) -> Reply | None:
    return random_bytes(4096)(h) if "/list" in path else None


class _RetryAfter:
    """503 with Retry-After: 5 on the first request of article 2, then the page."""

    def __init__(self) -> None:
        self.served = False

    def __call__(self, h: FaultHandler, path: str) -> Reply | None:
        if not path.endswith("/a/2"):
            return None
        if not self.served:
            self.served = True
            return 503, {"Retry-After": "5"}, b"<h1>busy</h1>"
        return 200, {}, article_html("retryafter", 2)


def _wrong_charset(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):  # UTF-8 bytes labelled as windows-1252
        body = article_html("charset", 2).replace(b"charset='utf-8'", b"charset='windows-1252'")
        return 200, {"Content-Type": "text/html; charset=windows-1252"}, body
    return None


def _malformed(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):
        body = (
            f"<html><body><h1>{title_of('malformed', 2)}</h1><div class='date'>03/10/2026"
            "<div class='content'><p>Đoạn một <b>đậm <i>nghiêng</b> hết</i><p>Đoạn hai"
            "<table><tr><td>ô<td>bảng</table></div"
        ).encode()
        return 200, {}, body
    return None


def _trap_list(h: FaultHandler, path: str) -> Reply | None:
    if "/list" in path:  # every page links to a next one, showing the same articles
        page = int(path.rsplit("=", 1)[1])
        links = ["/trap/a/1", "/trap/a/2", "/trap/a/3"]
        body = list_html("trap", 1, 3, 2, links).replace(b"page=2", f"page={page + 1}".encode())
        return 200, {}, body
    return None


def _deep(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):
        deep = "<div>" * 300 + "<p>Văn bản ở tầng sâu nhất.</p>" + "</div>" * 300
        return 200, {}, article_html("deep", 2, f"<p>Mở đầu.</p>{deep}<p>Kết thúc.</p>")
    return None


def _unclosed(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):
        body = (
            "<p>Trước video.</p><video><source src='/v.mp4' type='video/mp4'>"
            "<track src='/v.vtt' kind='captions'></video><embed src='/x.swf'>"
            "<p>Sau nhúng một.</p><p>Sau nhúng hai.</p>"
        )
        return 200, {}, article_html("unclosed", 2, body)
    return None


def _dirty(h: FaultHandler, path: str) -> Reply | None:
    if path.endswith("/a/2"):
        body = article_html(
            "dirty", 2, "<p>Xin chào\u007f \u202eđảo\u202c chiều\u2066 x\u2069.</p>"
        )
        body = body.replace("Bài 2".encode(), "Bài\u202e 2\u007f".encode())
        return 200, {}, body
    if path.endswith("/a/3"):  # UTF-8 with one stray windows-1252 byte
        body = article_html("dirty", 3, "<p>Tiếng Việt có dấu: Sở Công Thương, \x93 đúng.</p>")
        return 200, {}, body.replace("\x93".encode(), b"\x93")
    return None


def _private_redirect(target: str) -> object:
    def fault(h: FaultHandler, path: str) -> Reply | None:
        if path.endswith("/a/2"):
            return 302, {"Location": target}, b""
        return None

    return fault


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@dataclass
class FaultCrawl:
    """The servers, the result of the crawl and the store."""

    server: FaultServer
    admin: FaultServer
    result: subprocess.CompletedProcess[str]
    store: Store
    refused_port: int

    def runs(self) -> dict[str, m.CrawlRun]:
        with self.store.session() as s:
            return {r.unit_id: r for r in s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id))}

    def articles(self, unit_id: str) -> dict[str, m.Article]:
        with self.store.session() as s:
            rows = s.scalars(select(m.Article).where(m.Article.unit_id == unit_id))
            return {a.url.rsplit("/", 1)[1]: a for a in rows}

    def pending(self, unit_id: str) -> list[str]:
        with self.store.session() as s:
            return list(
                s.scalars(select(m.PendingEntry.url).where(m.PendingEntry.unit_id == unit_id))
            )


ARTICLE_FAULTS = {
    "timeout": on_article(2, hang(8)),
    "http5xx": on_article(2, fixed(500, b"<h1>500</h1>")),
    "drip": on_article(2, drip(100, 0.5)),
    "bigpage": on_article(2, big_page(20 * MB)),
    "gzipbomb": on_article(2, gzip_bomb(200 * MB)),
    "binary": on_article(2, random_bytes(8192)),
    "charset": _wrong_charset,
    "malformed": _malformed,
    "trap": _trap_list,
    "loop": _redirect_loop,
    "longurl": _long_url_list,
    "randomlist": _random_list,
    "retryafter": _RetryAfter(),
    "deep": _deep,
    "unclosed": _unclosed,
    "dirty": _dirty,
}


@pytest.fixture(scope="module")
def fault_crawl(
    tmp_path_factory: pytest.TempPathFactory, new_db_url: NewDbUrl
) -> Iterator[FaultCrawl]:
    tmp = tmp_path_factory.mktemp("faults")
    server = FaultServer(host="127.0.0.2").start()
    admin = FaultServer(host="127.0.0.3").start()
    admin.extra["admin"] = lambda h, p: (200, {}, b"<h1>SECRET admin page</h1>")
    for name, fault in ARTICLE_FAULTS.items():
        server.sites[name] = Site(fault=fault)  # type: ignore[arg-type]
    server.sites["robots"] = Site(robots="User-agent: *\nDisallow: /robots/a/2")
    server.sites["private"] = Site(fault=_private_redirect(f"{admin.base}/admin/x"))  # type: ignore[arg-type]
    server.sites["privname"] = Site(
        fault=_private_redirect(f"http://localhost:{admin.port}/admin/y")  # type: ignore[arg-type]
    )
    refused = _closed_port()
    units = "".join(
        unit_toml(name, server.list_url(name))
        for name in [*ARTICLE_FAULTS, "robots", "private", "privname"]
    )
    units += unit_toml("refused", f"http://127.0.0.1:{refused}/refused/list?page=1")
    units += unit_toml("good", server.list_url("good"))
    server.sites["good"] = Site()
    (tmp / "units.toml").write_text(units, encoding="utf-8")
    db = new_db_url("faults")
    t0 = time.monotonic()
    result = run_vnfeeds(db, tmp / "units.toml", "crawl", "-q", timeout=300)
    assert time.monotonic() - t0 < 240
    store = Store(resolve_db_url(db))
    try:
        yield FaultCrawl(server, admin, result, store, refused)
    finally:
        store.dispose()
        server.stop()
        admin.stop()


def _good_ones_kept(c: FaultCrawl, unit_id: str, numbers: tuple[int, ...] = (1, 3)) -> None:
    arts = c.articles(unit_id)
    for n in numbers:
        assert str(n) in arts, f"{unit_id}: good article {n} lost"
        assert arts[str(n)].title == title_of(unit_id, n)


def _error_names(c: FaultCrawl, unit_id: str, url_part: str) -> m.CrawlRun:
    run = c.runs()[unit_id]
    assert run.errors >= 1, (unit_id, run.status, run.error_text)
    assert run.status != "ok"
    assert run.error_text and f"unit {unit_id}" in run.error_text, run.error_text
    assert url_part in run.error_text, run.error_text
    return run


# ------------------------------------------------------------ faults that already held


@pytest.mark.parametrize("unit_id", ["timeout", "http5xx", "drip", "bigpage", "gzipbomb"])
def test_a_failed_article_is_a_recorded_error_and_stays_pending(
    fault_crawl: FaultCrawl, unit_id: str
) -> None:
    _good_ones_kept(fault_crawl, unit_id)
    assert "2" not in fault_crawl.articles(unit_id)
    _error_names(fault_crawl, unit_id, f"/{unit_id}/a/2")
    # nothing lost: the next run tries it again
    assert fault_crawl.pending(unit_id) == [fault_crawl.server.article_url(unit_id, 2)]


def test_binary_served_as_html_is_a_recorded_error(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "binary")
    _error_names(fault_crawl, "binary", "/binary/a/2")


def test_robots_txt_is_obeyed(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "robots")
    assert "2" not in fault_crawl.articles("robots")
    assert fault_crawl.server.paths("/robots/a/2") == []
    assert fault_crawl.runs()["robots"].stats["robots_skipped"] == 1


def test_a_wrong_charset_label_does_not_garble_text(fault_crawl: FaultCrawl) -> None:
    arts = fault_crawl.articles("charset")
    assert arts["2"].title == title_of("charset", 2)
    assert "Đoạn văn thứ nhất" in arts["2"].body_text


def test_malformed_html_keeps_its_text(fault_crawl: FaultCrawl) -> None:
    art = fault_crawl.articles("malformed")["2"]
    for text in ("Đoạn một", "nghiêng", "hết", "Đoạn hai", "bảng"):
        assert text in art.body_text, text


def test_a_pagination_trap_ends(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "trap", (1, 2, 3))
    assert len(fault_crawl.server.paths("/trap/list")) <= 3


def test_a_good_unit_beside_the_faults_is_ok(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "good", (1, 2, 3))
    run = fault_crawl.runs()["good"]
    assert (run.status, run.errors) == ("ok", 0)


# ------------------------------------------------------------ failure 3: private redirects


@pytest.mark.parametrize(("unit_id", "target"), [("private", "/admin/x"), ("privname", "/admin/y")])
def test_a_redirect_into_a_private_network_is_refused_per_hop(
    fault_crawl: FaultCrawl, unit_id: str, target: str
) -> None:
    """The unit may reach its own loopback host, not what its pages redirect to."""
    assert fault_crawl.admin.paths("/admin") == []
    _good_ones_kept(fault_crawl, unit_id)
    assert "2" not in fault_crawl.articles(unit_id)
    run = _error_names(fault_crawl, unit_id, "/a/2")
    assert "private network" in (run.error_text or "")
    with fault_crawl.store.session() as s:
        leaked = s.scalars(select(m.Article).where(m.Article.body_text.contains("SECRET"))).all()
    assert leaked == []


# ------------------------------------------------------------ failure 8: silent faults


def test_a_redirect_loop_is_a_recorded_error(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "loop")
    run = _error_names(fault_crawl, "loop", "/loop/a/2")
    assert "redirect loop" in (run.error_text or "")


def test_an_overlong_url_is_a_recorded_error(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "longurl")
    run = _error_names(fault_crawl, "longurl", "/longurl/a/2?q=xxx")
    assert "2083" in (run.error_text or "")


def test_a_list_page_of_random_bytes_is_a_recorded_error(fault_crawl: FaultCrawl) -> None:
    run = _error_names(fault_crawl, "randomlist", "/randomlist/list?page=1")
    assert "no article links" in (run.error_text or "")


def test_retry_after_on_503_is_respected(fault_crawl: FaultCrawl) -> None:
    _good_ones_kept(fault_crawl, "retryafter", (1, 2, 3))
    hits = [h.at for h in fault_crawl.server.hits if h.path.endswith("/retryafter/a/2")]
    assert len(hits) == 2
    assert hits[1] - hits[0] >= 4.9  # a plain retry comes back within the slot delay


# ------------------------------------------------------------ failure 9: content lost


def test_deeply_nested_text_is_kept(fault_crawl: FaultCrawl) -> None:
    art = fault_crawl.articles("deep")["2"]
    for text in ("Mở đầu.", "Văn bản ở tầng sâu nhất.", "Kết thúc."):
        assert text in art.body_text, text


def test_unclosed_embed_source_track_do_not_swallow_the_rest(fault_crawl: FaultCrawl) -> None:
    art = fault_crawl.articles("unclosed")["2"]
    for text in ("Trước video.", "Sau nhúng một.", "Sau nhúng hai."):
        assert text in art.body_text, text


# ------------------------------------------------------------ failure 10: dirty text


def test_del_and_bidi_controls_are_stripped(fault_crawl: FaultCrawl) -> None:
    art = fault_crawl.articles("dirty")["2"]
    bad = {"\u007f", "\u202e", "\u202c", "\u2066", "\u2069"}
    for field in (art.title, art.body_text, art.body_html, art.lead):
        assert not bad & set(field), repr(field)
    assert "đảo chiều" in art.body_text
    assert art.title == title_of("dirty", 2)


def test_invalid_utf8_is_decoded_as_utf8_not_mojibake(fault_crawl: FaultCrawl) -> None:
    art = fault_crawl.articles("dirty")["3"]
    assert "Sở Công Thương" in art.body_text and "đúng" in art.body_text
    assert art.title == title_of("dirty", 3)
    assert "Ã" not in art.body_text and "á»" not in art.body_text


# ------------------------------------------------------------ failure 12: noise


def test_no_tracebacks_and_one_line_per_unreachable_host(fault_crawl: FaultCrawl) -> None:
    err = fault_crawl.result.stderr
    assert "Traceback" not in err, err[-3000:]
    logged = [ln for ln in err.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", ln)]
    refused = [ln for ln in logged if str(fault_crawl.refused_port) in ln]
    assert refused, err[-2000:]
    assert all("unit refused" in ln for ln in refused), refused
    run = _error_names(fault_crawl, "refused", f"127.0.0.1:{fault_crawl.refused_port}")
    assert run.status == "failed"


def test_a_dropped_item_is_logged_without_its_raw_page(fault_crawl: FaultCrawl) -> None:
    err = fault_crawl.result.stderr
    assert max(len(ln) for ln in err.splitlines()) < 1000, "a log line carries a whole page"
    assert "unit binary" in err
