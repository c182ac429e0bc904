"""`vnfeeds serve` as a real process on loopback, and `web.site.build_app`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from starlette.applications import Starlette

from storage.db import Store
from tests.feeds.checks import check_rss
from tests.feeds.conftest import UNITS, make_article
from tests.servers import free_port
from vnfeeds.context import AppContext
from web.site import build_app


def test_build_app(sqlite_store: Store, tmp_path: Path) -> None:
    sites = tmp_path / "units.toml"
    sites.write_text(UNITS, encoding="utf-8")
    app = build_app(AppContext(db=sqlite_store.url, sites=sites))
    assert isinstance(app, Starlette)


def test_serve_command(sqlite_store: Store, tmp_path: Path) -> None:
    sites = tmp_path / "units.toml"
    sites.write_text(UNITS, encoding="utf-8")
    from domain.registry import load_registry
    from storage.repository import sync_registry

    with sqlite_store.session() as s:
        sync_registry(s, load_registry(sites))
        make_article(s, "hanoi-syt", 1, title="Tin từ tiến trình serve")
    port = free_port()
    env = {**os.environ, "VNFEEDS_WEBSUB_HUB": "", "VNFEEDS_BASE_URL": ""}
    cmd = [sys.executable, "-m", "vnfeeds.cli", "--db", sqlite_store.url, "--sites", str(sites)]
    proc = subprocess.Popen(
        [*cmd, "serve", "--port", str(port)], env=env, cwd=Path(__file__).parents[2]
    )
    try:
        body = b""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/units/hanoi-syt.rss", timeout=2
                ) as r:
                    body = r.read()
                    ctype = r.headers["content-type"]
                break
            except OSError:
                time.sleep(0.1)
        assert body, "serve did not answer"
        assert ctype == "application/rss+xml; charset=utf-8"
        root = check_rss(body)
        assert root.findtext("channel/item/title") == "Tin từ tiến trình serve"
        self_link = root.find("channel/{http://www.w3.org/2005/Atom}link").get("href")
        assert self_link == f"http://127.0.0.1:{port}/units/hanoi-syt.rss"
    finally:
        proc.terminate()
        proc.wait(10)
