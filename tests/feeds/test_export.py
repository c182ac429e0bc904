"""Static export: same tree and bytes as served, only changed files rewritten; the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.export import export_tree
from storage.db import Store
from tests.feeds.checks import check_feed
from tests.feeds.conftest import UNITS, make_article
from vnfeeds.cli import cli
from web.app import create_app


def _fill(store: Store) -> None:
    with store.session() as s:
        for n in range(1, 8):
            make_article(s, "phutho-soct", n, topics=("cong-thuong",))
        make_article(s, "hanoi-syt", 20, topics=("y-te",))


def test_export_tree_matches_served_and_rewrites_only_changes(
    fstore: Store, registry: Registry, config: FeedConfig, tmp_path: Path
) -> None:
    _fill(fstore)
    out = tmp_path / "site"
    rep = export_tree(fstore, registry, out, "http://feeds.test", config=config)
    assert rep.unchanged == [] and rep.total == len(rep.written)
    for p in (
        "/all.rss",
        "/units/phutho-soct/cong-thuong.atom",
        "/units/phutho-soct/archive/1.json",
        "/feeds.opml",
    ):
        assert p in rep.written
        check_feed(p, (out / p.lstrip("/")).read_bytes())
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    with TestClient(create_app(fstore, registry, config)) as c:
        for p in rep.written:
            served = c.get(p, headers={"accept-encoding": "identity"}).content
            assert served == (out / ("index.html" if p == "/" else p.lstrip("/"))).read_bytes(), p
    mtime = (out / "all.rss").stat().st_mtime_ns
    again = export_tree(fstore, registry, out, "http://feeds.test", config=config)
    assert again.written == [] and len(again.unchanged) == rep.total
    assert (out / "all.rss").stat().st_mtime_ns == mtime
    with fstore.session() as s:
        make_article(s, "hanoi-syt", 21, topics=("y-te",))
    third = export_tree(fstore, registry, out, "http://feeds.test", config=config)
    written = set(third.written)
    assert {
        "/units/hanoi-syt.rss",
        "/all.json",
        "/provinces/ha-noi.atom",
        "/topics/y-te.rss",
    } <= written
    assert "/units/phutho-soct.rss" not in written and "/provinces/phu-tho.rss" not in written
    assert not list(out.rglob(".tmp-*"))


def test_export_command(fstore: Store, tmp_path: Path) -> None:
    _fill(fstore)
    sites = tmp_path / "units.toml"
    sites.write_text(UNITS, encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "--db",
        fstore.url,
        "--sites",
        str(sites),
        "export",
        "--out",
        str(out),
        "--base-url",
        "https://rss.example.vn",
    ]
    res = CliRunner().invoke(cli, args, env={"VNFEEDS_WEBSUB_HUB": ""})
    assert res.exit_code == 0, res.output
    assert "written, 0 unchanged" in res.output
    assert "https://rss.example.vn/units/hanoi-syt.rss" in (out / "feeds.opml").read_text(
        encoding="utf-8"
    )
    res2 = CliRunner().invoke(cli, args, env={"VNFEEDS_WEBSUB_HUB": ""})
    assert res2.exit_code == 0 and res2.output.startswith("0 written")
