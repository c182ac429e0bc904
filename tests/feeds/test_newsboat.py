"""A real reader: newsboat subscribes headless to feeds served by uvicorn on loopback.

newsboat keys its cache on the item guid across all feeds and (2.21) reads no JSON
Feed, so each run subscribes to RSS or Atom feeds whose items are disjoint.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from tests.feeds.conftest import make_article
from tests.servers import free_port, uvicorn_server
from web.app import create_app

NEWSBOAT = shutil.which("newsboat")


def _need_newsboat() -> str:
    if NEWSBOAT:
        return NEWSBOAT
    reason = "newsboat is not installed (Debian package 'newsboat')"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _reload(exe: str, home: Path, urls: list[str]) -> list[tuple[str, str, str, int]]:
    (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (home / "config").write_text("reload-threads 2\ndownload-timeout 20\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    cmd = [
        exe,
        "-x",
        "reload",
        "-u",
        str(home / "urls"),
        "-c",
        str(home / "cache.db"),
        "-C",
        str(home / "config"),
    ]
    cmd += ["-l", "3", "-d", str(home / "log")]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    log = (home / "log").read_text(errors="replace") if (home / "log").exists() else ""
    assert res.returncode == 0, (res.stdout, res.stderr, log[-2000:])
    assert "ERROR" not in log, log[-2000:]
    with sqlite3.connect(home / "cache.db") as con:
        return list(
            con.execute("select feedurl, guid, title, pubDate from rss_item where deleted = 0")
        )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_newsboat_sees_every_item_once(
    sqlite_store: Store, registry: Registry, tmp_path: Path, fmt: str
) -> None:
    exe = _need_newsboat()
    from storage.repository import sync_registry

    expected: dict[str, tuple[str, int]] = {}
    with sqlite_store.session() as s:
        sync_registry(s, registry)
        for n in range(1, 11):
            title = (
                f"Tin số {n}: Hoà Bình & “Phú Thọ” <2025>"
                if n % 3 == 0
                else f"Hội nghị ngành lần {n}"
            )
            a = make_article(s, "phutho-soct", n, title=title)
            assert a.published is not None
            expected[a.guid] = (title, int(a.published.timestamp()))
        a = make_article(s, "hanoi-syt", 40, title="Sở Y tế Hà Nội: tiêm chủng")
        assert a.published is not None
        expected[a.guid] = (a.title, int(a.published.timestamp()))
    port = free_port()
    cfg = FeedConfig(base_url=f"http://127.0.0.1:{port}", limit=5)
    with uvicorn_server(create_app(sqlite_store, registry, cfg), port) as base:
        urls = [
            f"{base}/units/phutho-soct.{fmt}",  # items 6..10
            f"{base}/units/phutho-soct/archive/1.{fmt}",  # items 1..5
            f"{base}/provinces/ha-noi.{fmt}",
        ]
        rows = _reload(exe, tmp_path, urls)
        rows_again = _reload(exe, tmp_path, urls)  # conditional GET: nothing new, nothing doubled
    got = {guid: (title, date) for _, guid, title, date in rows}
    assert len(rows) == len(expected) == len(got)
    assert got == expected
    assert {u for u, *_ in rows} == set(urls)
    assert sorted(rows_again) == sorted(rows)
