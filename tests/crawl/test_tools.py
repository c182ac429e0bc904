"""`vnfeeds reparse` and `vnfeeds sites probe` against the crawled replicas."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from domain.registry import load_registry
from storage import models as m
from tests.crawl.conftest import Crawled, run_vnfeeds


def test_reparse_restores_a_damaged_field_without_refetching(crawled: Crawled) -> None:
    uid = "phutho-soct"
    with crawled.store().session() as s:
        art = s.scalars(
            select(m.Article).where(m.Article.unit_id == uid).order_by(m.Article.id)
        ).first()
        assert art is not None
        good_title, art_id = art.title, art.id
        art.title = "tiêu đề hỏng"
    crawled.server.reset_requests()
    res = run_vnfeeds(crawled.db, crawled.units, "reparse", uid)
    assert res.returncode == 0, res.stderr
    assert crawled.server.requests == [], "reparse must not fetch anything"
    assert "title×1" in res.stdout, res.stdout
    with crawled.store().session() as s:
        assert s.get(m.Article, art_id).title == good_title  # type: ignore[union-attr]
    again = run_vnfeeds(crawled.db, crawled.units, "reparse", uid)
    assert "title×" not in again.stdout


def test_probe_prints_a_unit_that_validates(crawled: Crawled, tmp_path: Path) -> None:
    reg = load_registry(crawled.units)
    for uid in ("phutho-soct", "hoabinh-soct", "thanhhoa-syt"):
        unit = reg.units[uid]
        res = run_vnfeeds(
            crawled.db, crawled.units, "sites", "probe", "--allow-private", unit.start[0].url
        )
        assert res.returncode == 0, res.stderr
        assert f'platform = "{unit.platform}"' in res.stdout, res.stdout
        assert "# sample: " in res.stdout
        data = tomllib.loads(res.stdout.replace('"FIXME"', f'"{unit.province}"'))
        assert data["unit"][0]["start"][0]["url"] == unit.start[0].url
        path = tmp_path / f"{uid}.toml"
        path.write_text(res.stdout.replace('"FIXME"', f'"{unit.province}"'), encoding="utf-8")
        assert load_registry(path).problems == []


def test_probe_refuses_private_hosts_by_default(crawled: Crawled) -> None:
    url = load_registry(crawled.units).units["phutho-soct"].start[0].url
    res = run_vnfeeds(crawled.db, crawled.units, "sites", "probe", url)
    assert res.returncode != 0
    assert "private network" in res.stderr
