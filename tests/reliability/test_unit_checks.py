"""Failure 11: `sites check` refuses non-http(s) URLs and invalid selectors; the crawl too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.registry import load_registry
from storage import models as m
from storage.db import Store, resolve_db_url
from tests.conftest import NewDbUrl
from tests.reliability.conftest import run_vnfeeds
from tests.reliability.faults import SELECTORS, FaultServer, Site, unit_toml

BAD = {
    "js-home": ({"homepage": "javascript:alert(1)"}, "homepage", "javascript:alert(1)"),
    "data-start": ({"start": "data:text/html,<h1>x</h1>"}, "start", "data:text/html"),
    "bad-css": ({"list_links": "div[[ a"}, "selectors.list_links", "div[[ a"),
    "bad-xpath": ({"title": "xpath://h1[@class="}, "selectors.title", "//h1[@class="),
    "bad-xfunc": ({"body": "xpath://div[nosuch()]"}, "selectors.body", "nosuch()"),
}


def _units(server: FaultServer) -> str:
    out = unit_toml("fine", server.list_url("fine"))
    for uid, (change, _, _) in BAD.items():
        sel = {**SELECTORS, **{k: v for k, v in change.items() if k in SELECTORS}}
        out += unit_toml(
            uid,
            change.get("start", server.list_url("fine")),
            homepage=change.get("homepage", server.base + "/"),
            selectors=sel,
        )
    return out


@pytest.fixture
def units(faults: FaultServer, tmp_path: Path) -> Path:
    faults.sites["fine"] = Site()
    path = tmp_path / "units.toml"
    path.write_text(_units(faults), encoding="utf-8")
    return path


def test_sites_check_names_file_unit_key_and_selector(units: Path, new_db_url: NewDbUrl) -> None:
    res = run_vnfeeds(new_db_url("c"), units, "sites", "check")
    assert res.returncode == 1
    errors = [ln for ln in res.stdout.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == len(BAD), res.stdout
    for uid, (_, key, shown) in BAD.items():
        line = next(ln for ln in errors if f"unit '{uid}'" in ln)
        assert str(units) in line and f"key '{key}" in line and shown in line, line
    assert set(load_registry(units).units) == {"fine"}


def test_the_crawl_never_records_ok_for_an_invalid_unit(units: Path, new_db_url: NewDbUrl) -> None:
    db = new_db_url("c")
    one = run_vnfeeds(db, units, "crawl", "-q", "bad-css")
    assert one.returncode != 0
    assert "selectors.list_links" in one.stderr and "div[[ a" in one.stderr
    assert "Traceback" not in one.stderr
    every = run_vnfeeds(db, units, "crawl", "-q")
    assert every.returncode == 0, every.stderr[-2000:]
    assert "Traceback" not in every.stderr
    store = Store(resolve_db_url(db))
    try:
        with store.session() as s:
            runs = {r.unit_id: r.status for r in s.scalars(select(m.CrawlRun))}
            stored = s.scalar(select(func.count()).select_from(m.Article))
    finally:
        store.dispose()
    assert runs == {"fine": "ok"} and stored == 3
