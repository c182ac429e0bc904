"""A Scrapy extension: the crawl process holds each unit's lock for the whole crawl.

Units whose lock another process holds are dropped from the crawl before it opens
(no run is recorded for them) and logged as ``vnfeeds: unit U skipped: locked``; a
crawl left with no unit finishes at once. Locks are freed when the engine stops,
after the run recorder closed the runs.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from ops.locks import LockBusy, default_holder, unit_lock
from storage.db import Store

log = logging.getLogger("vnfeeds.ops.crawl_lock")

SKIPPED_MARK = "skipped: locked"


class UnitLocks:
    """Takes the unit locks of ``crawler.spider.units`` when the crawler is built."""

    def __init__(self, store: Store, spider: Any, ttl: float) -> None:
        self.store = store
        self.stack = ExitStack()
        holder = default_holder("node")
        kept = []
        for unit in getattr(spider, "units", []):
            try:
                self.stack.enter_context(unit_lock(store, unit.id, holder=holder, ttl=ttl))
                kept.append(unit)
            except LockBusy as e:
                log.warning("vnfeeds: unit %s %s (%s)", unit.id, SKIPPED_MARK, e)
        spider.units = kept
        spider.unit_ids = [u.id for u in kept]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnitLocks:
        """Configured from VNFEEDS_DB_URL and VNFEEDS_LOCK_TTL; needs the spider built."""
        url = crawler.settings.get("VNFEEDS_DB_URL")
        spider = getattr(crawler, "spider", None)
        if not url or spider is None:
            raise NotConfigured("no store or no spider to lock units for")
        ext = cls(Store(url), spider, crawler.settings.getfloat("VNFEEDS_LOCK_TTL", 600.0))
        crawler.signals.connect(ext.release, signal=signals.engine_stopped)
        return ext

    def release(self) -> None:
        """Free every lock this crawl holds."""
        self.stack.close()
        self.store.dispose()
