"""`extract URL` and `sites probe`: private redirect targets never requested (failure 3);
`extract --timeout N` bounds the whole download (failure 12)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.reliability.faults import FaultServer, Site, drip, on_article


@pytest.fixture
def pair() -> Iterator[tuple[FaultServer, FaultServer]]:
    """A site on 127.0.0.2 and a private 'admin' host on 127.0.0.3."""
    site, admin = FaultServer(host="127.0.0.2").start(), FaultServer(host="127.0.0.3").start()
    admin.extra["admin"] = lambda h, p: (200, {}, b"<html><body><h1>SECRET</h1></body></html>")
    yield site, admin
    site.stop()
    admin.stop()


def _vnfeeds(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vnfeeds", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("how", ["ip", "name"])
@pytest.mark.parametrize("command", ["extract", "probe"])
def test_a_private_redirect_target_is_never_requested(
    pair: tuple[FaultServer, FaultServer], command: str, how: str
) -> None:
    site, admin = pair
    host = "127.0.0.3" if how == "ip" else "localhost"
    target = f"http://{host}:{admin.port}/admin/page"
    site.extra["go"] = lambda h, p: (302, {"Location": target}, b"")
    url = f"{site.base}/go/x"
    args = ["extract", url] if command == "extract" else ["sites", "probe", url]
    res = _vnfeeds(*args, "--allow-private")
    assert res.returncode != 0
    assert admin.hits == [], "the private redirect target was requested"
    err = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and "private network" in err[0] and url in err[0], res.stderr


def test_extract_timeout_bounds_the_whole_download() -> None:
    server = FaultServer().start()
    try:
        server.sites["drip"] = Site(fault=on_article(1, drip(10_000, 0.5)))
        t0 = time.monotonic()
        fast = _vnfeeds("extract", server.article_url("drip", 2), "--allow-private")
        startup = time.monotonic() - t0  # the command's own cost on this machine
        assert fast.returncode == 0, fast.stderr
        t0 = time.monotonic()
        res = _vnfeeds(
            "extract", server.article_url("drip", 1), "--allow-private", "--timeout", "2"
        )
        took = time.monotonic() - t0
    finally:
        server.stop()
    assert res.returncode != 0
    assert "timed out after 2 s" in res.stderr, res.stderr
    assert took < startup + 2 + 2, f"extract --timeout 2 ran {took:.1f} s ({startup:.1f} s startup)"
