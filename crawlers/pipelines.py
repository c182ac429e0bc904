"""Item pipeline: a thin adapter from the spider to the store (and dedup).

Articles are written in batches: up to ``VNFEEDS_STORE_BATCH`` items in one transaction
(fewer when their pages add up to half of Scrapy's ``SCRAPER_SLOT_MAX_ACTIVE_SIZE``: a
waiting item holds its response, and a full slot pauses the downloads), written at the
latest ``VNFEEDS_STORE_BATCH_WAIT`` seconds after the batch's first item arrived, and as
soon as no page is being fetched and none waits for the parse workers (the end of the
crawl, or a wait on a slow host: nothing more is coming soon). That is checked when an
item arrives and, while a batch waits, every :data:`RECHECK` seconds: the page that ends
the fetching may bring no item (a 404, a page without an article), and the pages of a
batch just written stay in Scrapy's scraper for a few more turns of the reactor. Each
item's ``process_item`` completes (stored, or dropped with its error) only when its batch
is written, so Scrapy's item signals and stats keep their meaning. A
batch is written in one call, never left open across reactor turns, so the crawl's other
writers (progress rows, run records) never wait on it. When one item of a batch fails,
the transaction is rolled back and each item is written again in a transaction of its
own: the others are stored, the bad one is dropped with its cause.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.orm import Session
from twisted.internet.defer import Deferred

from crawlers.parsing import ParsePool
from crawlers.shared import crawl_store
from crawlers.topics import assign_topics
from dedup import DedupEngine
from dedup.prepared import Prepared
from domain.article import Article
from domain.registry import Registry
from storage.articles import set_topics, store_raw_page, upsert_article
from storage.db import Store, error_line, storage_failure
from storage.progress import done_pendings, failed_pending

log = logging.getLogger(__name__)

#: seconds between checks of a waiting batch for "nothing more is coming"
RECHECK = 0.01


@dataclass
class _Entry:
    """One item waiting for its batch, and the Deferred its ``process_item`` awaits."""

    item: dict[str, Any]
    prepared: Prepared | None
    size: int
    done: Deferred[str] = field(default_factory=Deferred)


class StorePipeline:
    """Store each article with its raw page and topics, then run dedup on it."""

    def __init__(
        self,
        store: Store,
        registry: Registry,
        stats: StatsCollector,
        dedup: bool,
        *,
        batch: int = 1,
        wait: float = 0.0,
        max_bytes: int = 2_500_000,
    ) -> None:
        self.store = store
        self.registry = registry
        self.stats = stats
        self.dedup = DedupEngine(store) if dedup else None
        self.batch_size = max(1, batch)
        self.batch_wait = max(0.0, wait)
        self.batch_bytes = max_bytes
        self.crawler: Crawler | None = None
        self.storage_down: str | None = None  # set once the store itself failed
        self._batch: list[_Entry] = []
        self._timer: CallLaterResult | None = None
        self._deadline = 0.0  # when the waiting batch is written at the latest (monotonic)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """On the crawl's shared store and registry; VNFEEDS_DEDUP turns dedup off,
        VNFEEDS_STORE_BATCH and VNFEEDS_STORE_BATCH_WAIT size the write batches."""
        s = crawler.settings
        assert crawler.stats is not None
        shared = crawl_store(crawler)
        pipe = cls(
            shared.store,
            shared.registry,
            crawler.stats,
            dedup=s.getbool("VNFEEDS_DEDUP", True),
            batch=s.getint("VNFEEDS_STORE_BATCH"),
            wait=s.getfloat("VNFEEDS_STORE_BATCH_WAIT"),
            max_bytes=s.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") // 2,
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

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        unit_id: str = item["unit_id"]
        art: Article = item["article"]
        if not art.category:
            art.category = item.get("list_category", "")
        pending = item.get("pending")
        if self.storage_down:
            raise DropItem(f"unit {unit_id}: {art.url}: not stored: {self.storage_down}")
        if not art.title:
            msg = f"unit {unit_id}: {art.url}: no title found on the page"
            self._error(unit_id, msg)
            if pending:
                with self.store.session() as s:
                    failed_pending(s, unit_id, pending[0], pending[1], msg)
            raise DropItem(msg)
        prepared: Prepared | None = item.get("prepared")
        if prepared is not None and not prepared.fits(art.title, art.lead, art.body_text):
            prepared = None  # the list check changed the text after extraction
        entry = _Entry(item, prepared, len(item.get("raw") or b""))
        self._batch.append(entry)
        if (
            len(self._batch) >= self.batch_size
            or sum(e.size for e in self._batch) >= self.batch_bytes
            or not self._more_coming()
        ):
            self._write_batch()
        elif self._timer is None:
            self._deadline = time.monotonic() + self.batch_wait
            self._timer = call_later(min(RECHECK, self.batch_wait), self._recheck)
        outcome = await maybe_deferred_to_future(entry.done)
        self.stats.inc_value(f"vnfeeds/{unit_id}/{outcome}")
        return item

    def _more_coming(self) -> bool:
        """True while pages are being fetched, wait for the parse workers or are on their way
        from them to the store: more items come soon. Else (the end of a crawl, or a wait on
        a slow host) the batch is written now instead of waiting."""
        engine = self.crawler.engine if self.crawler is not None else None
        if engine is None:
            return True
        if engine.downloader.active:
            return True
        # a fetched page stays active in the scraper until its items are stored: more
        # active pages than waiting items are pages still being parsed or handed on
        slot = engine.scraper.slot
        if slot is not None and (slot.queue or len(slot.active) > len(self._batch)):
            return True
        parser = getattr(engine.spider, "parser", None)
        return isinstance(parser, ParsePool) and parser.busy()

    def _recheck(self) -> None:
        """Write the waiting batch once nothing more is coming or its wait is over."""
        self._timer = None
        left = self._deadline - time.monotonic()
        if left <= 0 or not self._more_coming():
            self._write_batch()
        else:
            self._timer = call_later(min(RECHECK, left), self._recheck)

    def _write_batch(self) -> None:
        """Write the waiting items in one transaction, each alone when that fails."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        entries, self._batch = self._batch, []
        if not entries:
            return
        if self.storage_down:
            for e in entries:
                self._drop(e, f"not stored: {self.storage_down}")
            return
        if len(entries) == 1:
            self._write_one(entries[0])
            return
        try:
            with self.store.session() as s:
                outcomes = self._store_all(s, entries)
        except Exception as exc:
            if storage_failure(exc):  # the store is down: one error, the crawl stops
                self._fail(entries[0], exc)
                for e in entries[1:]:
                    self._drop(e, f"not stored: {self.storage_down}")
                return
            log.info("a batch of %d failed (%s): writing each alone", len(entries), error_line(exc))
            for e in entries:
                self._count(e, "store_retried")
                self._write_one(e)
            return
        for e, outcome in zip(entries, outcomes, strict=True):
            self._count(e, "store_batched")
            e.done.callback(outcome)

    def _write_one(self, e: _Entry) -> None:
        """One item in a transaction of its own."""
        try:
            with self.store.session() as s:
                outcome = self._store(s, e)
                done_pendings(s, _pending([e]))
        except Exception as exc:
            self._fail(e, exc)
            return
        e.done.callback(outcome)

    def _fail(self, e: _Entry, exc: Exception) -> None:
        """The item is dropped with its cause; a store that cannot take writes stops the crawl."""
        unit_id, url = e.item["unit_id"], e.item["article"].url
        msg = f"unit {unit_id}: {url}: store failed: {error_line(exc)}"
        self._error(unit_id, msg)
        full = storage_failure(exc)
        if full:
            self._stop(full)
        else:
            log.error(msg)
        e.done.errback(DropItem(msg))

    def _store_all(self, s: Session, entries: list[_Entry]) -> list[str]:
        """The batch's items in one transaction. Dedup's index takes in what other processes
        stored once, at the first item it processes: that item's row is written by then, and
        from the transaction's first write SQLite lets no other writer commit until it ends
        (PostgreSQL's writers do commit meanwhile: ``docs/dedup.md``)."""
        outcomes: list[str] = []
        caught_up = False
        for e in entries:
            outcome = self._store(s, e, caught_up=caught_up)
            caught_up = caught_up or outcome != "unchanged"
            outcomes.append(outcome)
        done_pendings(s, _pending(entries))  # stored: no longer pending, in the same transaction
        return outcomes

    def _store(self, s: Session, e: _Entry, *, caught_up: bool = False) -> str:
        """One article with its raw page, topics and dedup, in the session's transaction
        (its pending entry is the caller's to forget, in the same transaction).

        Stamped as it is written, not as it arrived: other processes' catch-up reads rows by
        ``changed_at``, so the stamp should be close to the commit (``docs/dedup.md``)."""
        item, prepared, now = e.item, e.prepared, datetime.now(UTC)
        unit_id: str = item["unit_id"]
        art: Article = item["article"]
        outcome, row = upsert_article(
            s,
            unit_id,
            art,
            now,
            prepared.content_hash if prepared else None,
            prepared.fingerprint if prepared and self.dedup else None,
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
            new_article=outcome == "new",
        )
        topics = assign_topics(
            art,
            self.registry.unit(unit_id),
            self.registry,
            item.get("list_category", ""),
            title_lead_form=prepared.title_lead_form if prepared else None,
        )
        set_topics(s, row, topics, now)
        s.flush()
        if self.dedup is not None and outcome != "unchanged":
            self.dedup.process(s, row, prepared, new=outcome == "new", caught_up=caught_up)
        return outcome

    def _count(self, e: _Entry, key: str) -> None:
        self.stats.inc_value(f"vnfeeds/{e.item['unit_id']}/{key}")

    def _drop(self, e: _Entry, why: str) -> None:
        e.done.errback(DropItem(f"unit {e.item['unit_id']}: {e.item['article'].url}: {why}"))

    def _error(self, unit_id: str, msg: str) -> None:
        self.stats.inc_value(f"vnfeeds/{unit_id}/errors")
        self.stats.set_value(f"vnfeeds/{unit_id}/last_error", msg)

    def _stop(self, cause: str) -> None:
        """The store cannot take writes: one error line, and the crawl stops (work stays pending)."""
        self.storage_down = cause
        log.error("the store cannot take writes (%s): crawl stopped; rerun when fixed", cause)
        if self.crawler is not None and self.crawler.engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage failed"))


def _pending(entries: list[_Entry]) -> list[tuple[str, str, str]]:
    """The ``(unit_id, kind, url)`` pending entries these items settle."""
    return [(e.item["unit_id"], *e.item["pending"]) for e in entries if e.item.get("pending")]
