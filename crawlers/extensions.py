"""The crawl-run recorder: one CrawlRun row per unit, unit state (moves, last new item)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import select

from crawlers.shared import crawl_store
from storage import models as m
from storage.db import Store, error_line

log = logging.getLogger(__name__)

STAT_KEYS = (
    "list_pages",
    "list_not_modified",
    "entries_seen",
    "list_fallbacks",
    "articles_fetched",
    "missing_fields",
    "not_articles",
    "dead_links_skipped",
    "dead_links_still_dead",
    "list_checked",
    "list_mismatches",
    "list_title_mismatches",
    "list_date_mismatches",
    "http_errors",
    "network_errors",
    "robots_skipped",
    "store_batched",
    "store_retried",
)


class RunRecorder:
    """Opens a ``running`` CrawlRun per unit and closes it with the counts."""

    def __init__(self, crawler: Crawler, stats: StatsCollector) -> None:
        self.crawler = crawler
        self.stats = stats
        self.run_ids: dict[str, int] = {}
        self.hosts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        """Connected to spider_opened/closed and request_reached_downloader."""
        assert crawler.stats is not None
        ext = cls(crawler, crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_reached, signal=signals.request_reached_downloader)
        return ext

    @property
    def store(self) -> Store:
        """The crawl's shared store (extensions exist before any signal fires)."""
        return crawl_store(self.crawler).store

    def spider_opened(self, spider: Spider) -> None:
        now = datetime.now(UTC)
        with self.store.session() as s:
            for unit in getattr(spider, "units", []):
                run = m.CrawlRun(unit_id=unit.id, started_at=now, status="running")
                s.add(run)
                s.flush()
                self.run_ids[unit.id] = run.id
                for url in [unit.homepage, *(st.url for st in unit.start)]:
                    self.hosts[urlsplit(url).netloc] = unit.id

    def request_reached(self, request: Request, spider: Spider) -> None:
        unit_id = request.meta.get("unit_id") or self.hosts.get(urlsplit(request.url).netloc)
        if unit_id:
            self.stats.inc_value(f"vnfeeds/{unit_id}/requests")

    def _get(self, unit_id: str, key: str) -> Any:
        return self.stats.get_value(f"vnfeeds/{unit_id}/{key}", 0)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            self._close_runs(reason)
        except Exception as e:  # e.g. a full disk: the runs stay running, closed as killed later
            log.error("crawl runs not recorded: %s", error_line(e))

    def _close_runs(self, reason: str) -> None:
        now = datetime.now(UTC)
        with self.store.session() as s:
            # every run and unit read at once, the changes written in one flush at the end
            runs = {
                r.id: r
                for r in s.scalars(
                    select(m.CrawlRun).where(m.CrawlRun.id.in_(self.run_ids.values()))
                )
            }
            units = {u.id: u for u in s.scalars(select(m.Unit).where(m.Unit.id.in_(self.run_ids)))}
            for unit_id, run_id in self.run_ids.items():
                run = runs.get(run_id)
                if run is None:
                    continue
                run.finished_at = now
                run.requests = self._get(unit_id, "requests")
                not_modified = self._get(unit_id, "list_not_modified")
                run.pages = (
                    self._get(unit_id, "list_pages")
                    + not_modified
                    + self._get(unit_id, "articles_fetched")
                )
                run.new = self._get(unit_id, "new")
                run.updated = self._get(unit_id, "updated")
                run.unchanged = self._get(unit_id, "unchanged")
                run.errors = self._get(unit_id, "errors")
                run.fallbacks = self._get(unit_id, "fallbacks")
                moved_to = self.stats.get_value(f"vnfeeds/{unit_id}/moved_to")
                run.error_text = self.stats.get_value(f"vnfeeds/{unit_id}/last_error")
                run.stats = {k: self._get(unit_id, k) for k in STAT_KEYS} | {"moved_to": moved_to}
                fetched = run.pages - self._get(unit_id, "list_not_modified") > 0 or run.new > 0
                if reason != "finished":
                    run.status = "failed"
                    run.error_text = run.error_text or f"unit {unit_id}: crawl stopped: {reason}"
                elif run.errors and not fetched and not self._get(unit_id, "list_not_modified"):
                    run.status = "failed"
                elif run.errors:
                    run.status = "partial"
                else:
                    run.status = "ok"
                unit = units.get(unit_id)
                if unit is not None:
                    if moved_to and unit.moved_to != moved_to:
                        unit.moved_to, unit.moved_at = moved_to, now
                    if run.new:
                        unit.last_new_at = now
