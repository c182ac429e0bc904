"""Failure 9: a URL PostgreSQL's varchar(2000) refused is stored on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage import models as m
from storage.db import Store, resolve_db_url
from tests.reliability.conftest import run_vnfeeds
from tests.reliability.faults import FaultHandler, FaultServer, Reply, Site, list_html, unit_toml


def test_a_long_url_is_stored_on_both_databases(
    faults: FaultServer, db_url: str, tmp_path: Path
) -> None:
    base = f"{faults.base}/long/a/2?q="
    long_url = base + "x" * (2026 - len(base))
    assert len(long_url) == 2026

    def listing(h: FaultHandler, path: str) -> Reply | None:
        if "/list" in path:
            links = ["/long/a/1", long_url.removeprefix(faults.base), "/long/a/3"]
            return 200, {}, list_html("long", 1, 3, 1, links)
        return None

    faults.sites["long"] = Site(fault=listing)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml("long", faults.list_url("long")), encoding="utf-8")
    res = run_vnfeeds(db_url, units, "crawl", "-q")
    assert res.returncode == 0, res.stderr[-3000:]
    store = Store(resolve_db_url(db_url))
    try:
        with store.session() as s:
            urls = set(s.scalars(select(m.Article.url)))
            raw = set(s.scalars(select(m.RawPage.url)))
            run = s.scalars(select(m.CrawlRun)).one()
    finally:
        store.dispose()
    assert long_url in urls and long_url in raw
    assert len(urls) == 3 and (run.status, run.errors) == ("ok", 0)
