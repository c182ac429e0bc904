"""Item pipeline: a thin adapter from the spider to the store (and dedup)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawlers.shared import crawl_store
from crawlers.topics import assign_topics
from dedup import DedupEngine
from dedup.prepared import Prepared
from domain.article import Article
from domain.registry import Registry
from storage.articles import set_topics, store_raw_page, upsert_article
from storage.db import Store, error_line, storage_failure
from storage.progress import done_pending, failed_pending

log = logging.getLogger(__name__)


class StorePipeline:
    """Store each article with its raw page and topics, then run dedup on it."""

    def __init__(
        self, store: Store, registry: Registry, stats: StatsCollector, dedup: bool
    ) -> None:
        self.store = store
        self.registry = registry
        self.stats = stats
        self.dedup = DedupEngine(store) if dedup else None
        self.crawler: Crawler | None = None
        self.storage_down: str | None = None  # set once the store itself failed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """On the crawl's shared store and registry; VNFEEDS_DEDUP turns dedup off."""
        s = crawler.settings
        assert crawler.stats is not None
        shared = crawl_store(crawler)
        pipe = cls(
            shared.store,
            shared.registry,
            crawler.stats,
            dedup=s.getbool("VNFEEDS_DEDUP", True),
        )
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        pipe.crawler = crawler
        return pipe

    def spider_closed(self, spider: Spider) -> None:
        if self.dedup is not None:
            try:
                self.dedup.close()  # saves the near-duplicate index snapshot
            except Exception as e:  # a full disk: the snapshot is rebuilt next time
                log.error("near-duplicate index snapshot not saved: %s", error_line(e))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        unit_id: str = item["unit_id"]
        art: Article = item["article"]
        unit = self.registry.unit(unit_id)
        if not art.category:
            art.category = item.get("list_category", "")
        pending = item.get("pending")
        if self.storage_down:
            raise DropItem(f"unit {unit_id}: {art.url}: not stored: {self.storage_down}")
        if not art.title:
            msg = f"unit {unit_id}: {art.url}: no title found on the page"
            self.stats.inc_value(f"vnfeeds/{unit_id}/errors")
            self.stats.set_value(f"vnfeeds/{unit_id}/last_error", msg)
            if pending:
                with self.store.session() as s:
                    failed_pending(s, unit_id, pending[0], pending[1], msg)
            raise DropItem(msg)
        now = datetime.now(UTC)
        prepared: Prepared | None = item.get("prepared")
        if prepared is not None and not prepared.fits(art.title, art.lead, art.body_text):
            prepared = None  # the list check changed the text after extraction
        try:
            with self.store.session() as s:
                outcome, row = upsert_article(
                    s, unit_id, art, now, prepared.content_hash if prepared else None
                )
                store_raw_page(
                    s,
                    unit_id,
                    art.url,
                    item.get("packed") or item["raw"],
                    status=item["status"],
                    encoding=item.get("encoding"),
                    article_id=row.id,
                    now=now,
                )
                topics = assign_topics(
                    art,
                    unit,
                    self.registry,
                    item.get("list_category", ""),
                    title_lead_form=prepared.title_lead_form if prepared else None,
                )
                set_topics(s, row, topics, now)
                if pending:  # stored: no longer pending, in the same transaction
                    done_pending(s, unit_id, pending[0], pending[1])
                s.flush()
                if self.dedup is not None and outcome != "unchanged":
                    self.dedup.process(s, row, prepared, new=outcome == "new")
        except Exception as e:
            cause = error_line(e)
            msg = f"unit {unit_id}: {art.url}: store failed: {cause}"
            self.stats.inc_value(f"vnfeeds/{unit_id}/errors")
            self.stats.set_value(f"vnfeeds/{unit_id}/last_error", msg)
            full = storage_failure(e)
            if full:
                self._stop(full)
            else:
                log.error(msg)
            raise DropItem(msg) from e
        self.stats.inc_value(f"vnfeeds/{unit_id}/{outcome}")
        return item

    def _stop(self, cause: str) -> None:
        """The store cannot take writes: one error line, and the crawl stops (work stays pending)."""
        self.storage_down = cause
        log.error("the store cannot take writes (%s): crawl stopped; rerun when fixed", cause)
        if self.crawler is not None and self.crawler.engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage failed"))
