"""The store pipeline writes articles in batches, and one bad article loses only itself.

The database refuses one article with a trigger (on SQLite and on PostgreSQL): the batch
that holds it fails as a whole, each of its articles is written again alone, and only the
refused one is dropped, with an error naming the unit, its URL and the database's cause.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine, select, text

from storage import models as m
from storage.db import Store, resolve_db_url
from tests.reliability.conftest import FAST_ENV, run_vnfeeds, vnfeeds_argv
from tests.reliability.faults import (
    FaultHandler,
    FaultServer,
    Site,
    article_html,
    title_of,
    unit_toml,
)

SITE = "batched"
REFUSED = 2  # the article the database refuses (early: its batch has others)
# batches that neither fill nor time out: one is written when nothing is being fetched
ONE_BATCH = {"VNFEEDS_STORE_BATCH": "500", "VNFEEDS_STORE_BATCH_WAIT": "30"}
SLOW = 0.4  # seconds per article page: the fetching outlasts the first articles' parsing


def _refuse(engine: Engine, title_prefix: str) -> None:
    """A trigger that makes the database refuse to insert articles with that title."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_one BEFORE INSERT ON articles "
                    f"WHEN NEW.title LIKE '{title_prefix}%' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
                )
            )
            return
        conn.execute(
            text(
                "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title LIKE '{title_prefix}%' THEN "
                "RAISE EXCEPTION 'refused by the test trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_one BEFORE INSERT ON articles "
                "FOR EACH ROW EXECUTE FUNCTION refuse_one()"
            )
        )


def _unrefuse(engine: Engine) -> None:
    with engine.begin() as conn:
        on = "" if engine.dialect.name == "sqlite" else " ON articles"
        conn.execute(text(f"DROP TRIGGER refuse_one{on}"))


def _state(store: Store) -> tuple[set[str], m.CrawlRun]:
    """The stored articles' paths and the newest run of the site."""
    with store.session() as s:
        urls = set(s.scalars(select(m.Article.url).where(m.Article.unit_id == SITE)))
        run = s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id.desc()).limit(1)).one()
    return {u.split("/", 3)[3] for u in urls}, run


def _units(faults: FaultServer, tmp_path: Path, *, pages: int, per_page: int) -> Path:
    faults.sites[SITE] = Site(pages=pages, per_page=per_page, article_delay=SLOW)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(SITE, faults.list_url(SITE)), encoding="utf-8")
    return units


def test_one_refused_article_of_a_batch_loses_only_itself(
    faults: FaultServer, tmp_path: Path, db_url: str
) -> None:
    units = _units(faults, tmp_path, pages=1, per_page=12)
    store = Store(resolve_db_url(db_url))  # creates the schema the trigger goes on
    try:
        _refuse(store.engine, title_of(SITE, REFUSED).split(":")[0] + ":")
        res = run_vnfeeds(db_url, units, "crawl", "-q", SITE, env=ONE_BATCH)
        assert "Traceback" not in res.stderr, res.stderr[-3000:]
        stored, run = _state(store)
        assert stored == {f"{SITE}/a/{n}" for n in range(1, 13) if n != REFUSED}
        url = faults.article_url(SITE, REFUSED)
        errors = [ln for ln in res.stderr.splitlines() if " ERROR " in ln]
        assert len(errors) == 1, res.stderr[-3000:]
        assert f"unit {SITE}: {url}: store failed:" in errors[0]
        assert "refused by the test trigger" in errors[0]
        assert run.status == "partial" and run.errors == 1 and run.new == 11
        # its batch failed as a whole, and every article of it was written again alone
        retried, batched = run.stats["store_retried"], run.stats["store_batched"]
        assert retried >= 2 and retried + batched <= 12
        assert url in (run.error_text or "")

        _unrefuse(store.engine)  # the refused article is still owed: the next run stores it
        again = run_vnfeeds(db_url, units, "crawl", "-q", SITE)
        assert again.returncode == 0, again.stderr[-2000:]
        stored, run = _state(store)
        assert len(stored) == 12 and run.new == 1 and run.status == "ok"
    finally:
        store.dispose()


def test_articles_share_transactions_and_a_batch_of_one_is_a_transaction_each(
    faults: FaultServer, tmp_path: Path, db_url: str
) -> None:
    units = _units(faults, tmp_path, pages=2, per_page=10)
    res = run_vnfeeds(db_url, units, "crawl", "-q", "--full", SITE, env=ONE_BATCH)
    assert res.returncode == 0, res.stderr[-2000:]
    store = Store(resolve_db_url(db_url))
    try:
        stored, run = _state(store)
        assert len(stored) == 20 and run.new == 20 and run.status == "ok"
        # articles parsed while others are fetched wait for each other
        assert run.stats["store_batched"] >= 2 and run.stats["store_retried"] == 0
        # a batch of one: every article (unchanged now) in a transaction of its own
        alone = run_vnfeeds(
            db_url, units, "crawl", "-q", "--full", SITE, env={"VNFEEDS_STORE_BATCH": "1"}
        )
        assert alone.returncode == 0, alone.stderr[-2000:]
        stored, run = _state(store)
        assert len(stored) == 20 and run.unchanged == 20 and run.new == 0
        assert run.stats["store_batched"] == 0 and run.stats["store_retried"] == 0
    finally:
        store.dispose()


def test_a_batch_is_written_after_its_wait_while_a_slow_page_is_fetched(
    faults: FaultServer, tmp_path: Path, db_url: str
) -> None:
    """A batch that neither fills nor sees the fetching end is written after
    ``VNFEEDS_STORE_BATCH_WAIT``: the first article is stored while the second page is
    still on its way, not when the crawl ends."""
    slow = 5.0  # under the 10 s download timeout set below

    def slow_second(h: FaultHandler, path: str) -> None:
        if path.endswith("/a/2"):
            time.sleep(slow)

    faults.sites[SITE] = Site(pages=1, per_page=2, fault=slow_second)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(SITE, faults.list_url(SITE)), encoding="utf-8")
    store = Store(resolve_db_url(db_url))  # the schema, before the crawl process starts
    env = {
        "VNFEEDS_STORE_BATCH": "500",
        "VNFEEDS_STORE_BATCH_WAIT": "0.3",
        "VNFEEDS_DOWNLOAD_TIMEOUT": "10",
    }
    crawl = subprocess.Popen(
        vnfeeds_argv(db_url, units, "crawl", "-q", SITE),
        env={**os.environ, **FAST_ENV, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen: set[str] = set()
        deadline = time.monotonic() + 120
        while crawl.poll() is None and time.monotonic() < deadline and not seen:
            seen, _ = _state(store) if _has_run(store) else (set(), None)
            time.sleep(0.1)
        running = crawl.poll() is None
        _, stderr = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, stderr[-2000:]
        assert seen == {f"{SITE}/a/1"} and running, "the first article waited for the slow one"
        stored, run = _state(store)
        assert stored == {f"{SITE}/a/1", f"{SITE}/a/2"} and run.new == 2
    finally:
        if crawl.poll() is None:
            crawl.kill()
        store.dispose()


def test_a_batch_waits_for_pages_still_with_the_parse_workers(
    faults: FaultServer, tmp_path: Path, db_url: str
) -> None:
    """Once the fetching is done, pages still waiting for the parse worker are items to
    come: their articles join the batch instead of each being written alone. The first
    article is slow to extract (a very long page), so the others are fetched and wait
    behind it in the one worker; the batch neither fills nor times out (``ONE_BATCH``)."""
    n = 6
    long_body = "".join(
        f"<p>Đoạn văn số {i} của một bài viết rất dài về công tác quản lý thị trường.</p>"
        for i in range(2000)
    )

    def long_first(h: FaultHandler, path: str) -> tuple[int, dict[str, str], bytes] | None:
        return (200, {}, article_html(SITE, 1, long_body)) if path.endswith("/a/1") else None

    faults.sites[SITE] = Site(pages=1, per_page=n, fault=long_first)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(SITE, faults.list_url(SITE)), encoding="utf-8")
    env = {**ONE_BATCH, "VNFEEDS_PARSE_WORKERS": "1", "VNFEEDS_PARSE_SPARE": "False"}
    started = time.monotonic()
    res = run_vnfeeds(db_url, units, "crawl", "-q", SITE, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    store = Store(resolve_db_url(db_url))
    try:
        stored, run = _state(store)
        assert len(stored) == n and run.new == n and run.status == "ok"
        # one transaction for all, written when the worker had nothing left, not alone
        # as each arrived with nothing being fetched (nor after the 30 s wait)
        assert run.stats["store_batched"] == n, run.stats
        assert time.monotonic() - started < 30
    finally:
        store.dispose()


def test_a_batch_is_written_when_the_last_page_brings_no_article(
    faults: FaultServer, tmp_path: Path, db_url: str
) -> None:
    """The page that ends the fetching brings no item (a 404): nothing arrives to write the
    waiting batch, yet it is written as soon as nothing more is coming, not after its
    wait (``ONE_BATCH``: 30 s). Before, the crawl sat out the whole wait."""

    def slow_gone(h: FaultHandler, path: str) -> tuple[int, dict[str, str], bytes] | None:
        if path.endswith("/a/2"):
            time.sleep(1.0)  # article 1 is stored and waits while this one is fetched
            return (404, {}, b"gone")
        return None

    faults.sites[SITE] = Site(pages=1, per_page=2, fault=slow_gone)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(SITE, faults.list_url(SITE)), encoding="utf-8")
    started = time.monotonic()
    res = run_vnfeeds(db_url, units, "crawl", "-q", SITE, env=ONE_BATCH)
    took = time.monotonic() - started
    assert res.returncode == 0, res.stderr[-2000:]  # a dead link is the unit's, not a failure
    store = Store(resolve_db_url(db_url))
    try:
        stored, run = _state(store)
        assert stored == {f"{SITE}/a/1"} and run.new == 1, res.stderr[-2000:]
        assert took < 20, f"the batch waited for its wait: the crawl took {took:.1f} s"
    finally:
        store.dispose()


def _has_run(store: Store) -> bool:
    with store.session() as s:
        return s.scalar(select(m.CrawlRun.id).limit(1)) is not None
