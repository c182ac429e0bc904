"""`vnfeeds extract` on a saved page and on a page served over loopback HTTP."""

from __future__ import annotations

import functools
import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawlers.settings import DOWNLOAD_MAXSIZE
from tests.platforms.golden import FIXTURES
from vnfeeds.cli import cli

SEED = FIXTURES / "liferay_cmsview" / "seed_hoabinh_soct.html"
SEED_URL = json.loads((FIXTURES / "liferay_cmsview" / "seed_hoabinh_soct.meta.json").read_text())[
    "url"
]
KEYS = {
    "url",
    "title",
    "published",
    "time_unknown",
    "category",
    "lead",
    "body_html",
    "body_text",
    "images",
    "attachments",
    "author",
    "platform",
}


def _run(*args: str) -> tuple[int, str]:
    """Exit code and stdout (or, on failure, everything printed)."""
    result = CliRunner().invoke(cli, ["extract", *args])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_extract_file_prints_the_contract() -> None:
    code, out = _run(str(SEED), "--url", SEED_URL)
    assert code == 0, out
    data = json.loads(out)
    assert set(data) >= KEYS
    assert data["url"] == SEED_URL
    assert data["platform"] == "liferay_cmsview"
    assert data["title"].startswith("Hội nghị ngành Công thương 28 tỉnh")
    assert data["published"] == "2022-10-07T00:00:00+07:00"
    assert data["time_unknown"] is True
    assert data["category"] == "Tin từ các đơn vị"
    assert data["images"][0]["caption"] == "Các đồng chí Lãnh đạo chụp ảnh lưu niệm tại hội nghị"
    assert data["images"][0]["url"].startswith("https://soct.hoabinh.gov.vn/documents/20182/")
    assert "Ngayf 23/9" in out  # ensure_ascii=False: Vietnamese printed as is


def test_extract_file_with_forced_platform_and_no_url(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(SEED.read_bytes())
    code, out = _run(str(page), "--platform", "generic")
    assert code == 0, out
    data = json.loads(out)
    assert data["platform"] == "generic"
    assert data["url"].startswith("file://")


def test_extract_missing_file_is_one_line_error(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "none.html"))
    assert code != 0
    assert "none.html" in out and len(out.strip().splitlines()) == 1


@pytest.fixture()
def served() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_extract_url_from_loopback_server(served: str) -> None:
    code, out = _run(f"{served}/nukeviet/hoi_nghi_28_tinh.html", "--allow-private")
    assert code == 0, out
    data = json.loads(out)
    assert data["platform"] == "nukeviet"
    assert data["published"] == "2022-10-07T08:15:00+07:00"
    assert (
        data["images"][0]["url"] == f"{served}/uploads/news/2022_10/hoi-nghi-nganh-cong-thuong.jpg"
    )
    assert data["attachments"][0]["type"] == "pdf"


def test_extract_url_refuses_loopback_without_flag(served: str) -> None:
    code, out = _run(f"{served}/nukeviet/hoi_nghi_28_tinh.html")
    assert code != 0
    assert "127.0.0.1" in out and "private" in out


def test_extract_url_failure_names_url_and_cause(served: str) -> None:
    code, out = _run(f"{served}/nope.html", "--allow-private")
    assert code != 0
    assert f"{served}/nope.html" in out and "404" in out
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out = _run(f"http://127.0.0.1:{port}/x", "--allow-private", "--timeout", "2")
    assert code != 0 and f"127.0.0.1:{port}/x" in out


def test_extract_rejects_other_schemes() -> None:
    code, out = _run("ftp://example.vn/a.html")
    assert code != 0 and "http(s)" in out


def _run_process(*args: str, timeout: float = 60) -> tuple[int, str, float]:
    """`python -m vnfeeds extract ARGS` in a subprocess: exit code, stderr, seconds."""
    import subprocess
    import sys
    import time

    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "vnfeeds", "extract", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stderr, time.monotonic() - t0


def test_extract_refuses_20mb_of_random_bytes_fast(tmp_path: Path) -> None:
    page = tmp_path / "article.html"  # named like a page: the name is not trusted
    page.write_bytes(os.urandom(20 * 1024 * 1024))
    code, err, seconds = _run_process(str(page))
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "article.html" in lines[0] and "limit" in lines[0], err
    assert seconds < 30, seconds  # generous: a fresh interpreter start, not a benchmark


def test_extract_refuses_binary_under_the_size_cap(tmp_path: Path) -> None:
    page = tmp_path / "random.html"
    page.write_bytes(os.urandom(256 * 1024))
    code, out = _run(str(page))
    assert code != 0 and "not an HTML page" in out and len(out.strip().splitlines()) == 1
    pdf = tmp_path / "report.html"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(4096))
    code, out = _run(str(pdf))
    assert code != 0 and "PDF" in out


def test_extract_refuses_a_page_larger_than_the_crawler_takes(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    filler = "<p>" + "chữ " * 1000 + "</p>"
    big.write_text("<html><body>" + filler * 3000 + "</body></html>", encoding="utf-8")
    assert big.stat().st_size > DOWNLOAD_MAXSIZE
    code, out = _run(str(big))
    assert code != 0 and str(DOWNLOAD_MAXSIZE) in out


def test_extract_accepts_html_without_a_doctype_or_html_suffix(tmp_path: Path) -> None:
    page = tmp_path / "page.bin"
    page.write_bytes(
        b"\xef\xbb\xbf  <div><h1>Tin ng\xc3\xa0y</h1><p>N\xe1\xbb\x99i dung.</p></div>"
    )
    code, out = _run(str(page), "--platform", "generic")
    assert code == 0, out
