"""A Scrapy extension: the crawl process holds each unit's lock for the whole crawl.

When the crawl opens (after the spider knows its units, before the run recorder
opens their runs), units whose lock another process holds are dropped from the crawl
(no run is recorded for them) and logged as ``vnfeeds: unit U skipped: locked``; a
crawl left with no unit finishes at once. With the locks held, a run of these units still
marked running belongs to a crawl that died (its node killed with it): it is closed as
killed, as ``crawlers.runner.run_crawl`` does for local crawls. The locks are freed when the spider
closes, after the run recorder closed the runs. Enable it after
``crawlers.shared.CrawlStore`` and before ``crawlers.extensions.RunRecorder``.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawlers.shared import crawl_store
from ops.locks import LockBusy, default_holder, unit_lock
from storage.models import utcnow
from storage.progress import close_dead_runs

log = logging.getLogger("vnfeeds.ops.crawl_lock")

SKIPPED_MARK = "skipped: locked"


class UnitLocks:
    """Holds the locks of the crawl's units from spider_opened to spider_closed."""

    def __init__(self, crawler: Crawler, ttl: float) -> None:
        self.crawler = crawler
        self.ttl = ttl
        self.stack = ExitStack()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnitLocks:
        """Configured from VNFEEDS_LOCK_TTL (SQLite leases); uses the crawl's store."""
        ext = cls(crawler, crawler.settings.getfloat("VNFEEDS_LOCK_TTL", 600.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        """Lock every unit of the crawl; drop those another process is crawling."""
        store = crawl_store(self.crawler).store
        holder = default_holder("node")
        kept = []
        for unit in getattr(spider, "units", []):
            try:
                self.stack.enter_context(unit_lock(store, unit.id, holder=holder, ttl=self.ttl))
                kept.append(unit)
            except LockBusy as e:
                log.warning("vnfeeds: unit %s %s (%s)", unit.id, SKIPPED_MARK, e)
        # Signal handlers run in the order they were connected: connected now, the release
        # runs after every extension's spider_closed (the run recorder's included), so the
        # leader's sweep never finds a finishing crawl's run open with its lock free.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        spider.units = kept  # type: ignore[attr-defined]
        spider.unit_ids = [u.id for u in kept]  # type: ignore[attr-defined]
        if kept:
            with store.session() as s:
                dead = close_dead_runs(s, [u.id for u in kept], utcnow())
            if dead:
                log.info("vnfeeds: runs %s closed as killed (their crawl died)", dead)

    def spider_closed(self, spider: Spider) -> None:
        """Free every lock this crawl holds (its runs are closed by now)."""
        self.stack.close()
