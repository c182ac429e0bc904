"""`vnfeeds demo --export DIR`: the README's main command, end to end, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser

from tests.conftest import ON_PG, NewDbUrl

SEED_TITLE = (
    "Hội nghị ngành Công thương 28 tỉnh, thành phố khu vực phía Bắc lần thứ VIII - năm 2022"
)


def test_demo_export_builds_the_feed_tree(tmp_path: Path, new_db_url: NewDbUrl) -> None:
    """On SQLite the demo's own embedded store; under ``VNFEEDS_TEST_DB`` the same run on
    a PostgreSQL database given with ``--db``."""
    out = tmp_path / "out"
    db = ["--db", new_db_url("demo")] if ON_PG else []
    proc = subprocess.run(
        [sys.executable, "-m", "vnfeeds", *db, "demo", "--export", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "exported the feed tree" in proc.stdout
    for name in ("all.rss", "all.atom", "all.json", "feeds.opml", "index.html"):
        assert (out / name).is_file(), name
    unit_feed = feedparser.parse((out / "units" / "hoabinh-soct.rss").read_bytes())
    assert not unit_feed.bozo, unit_feed.get("bozo_exception")
    titles = [e.title for e in unit_feed.entries]
    seed_feed = feedparser.parse((out / "units" / "hoabinh-soct.atom").read_bytes())
    assert not seed_feed.bozo
    # The seed article is old (2022), so it may sit in an archive page rather than the
    # newest 50: look through the unit's whole feed history.
    archive = sorted((out / "units" / "hoabinh-soct" / "archive").glob("*.rss"))
    for page in archive:
        titles += [e.title for e in feedparser.parse(page.read_bytes()).entries]
    assert SEED_TITLE in titles
    # its own SQLite file only when no --db was given
    assert (tmp_path / "var" / "demo.sqlite3").is_file() is not ON_PG
