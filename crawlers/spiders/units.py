"""The one spider family: crawls units of any platform, incrementally.

A unit's platform picks the parser (``crawlers.extract``). List pages are walked
until a page holds only known articles (or the backfill limit on a first run);
known articles are not refetched unless the list shows a changed title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.cleaning.dates import parse_list_date
from crawlers.hops import origin_of
from crawlers.parsing import ParsePool
from crawlers.shared import crawl_store
from crawlers.sniff import NotHtml, check_html, response_encoding
from crawlers.spiders.tally import tally
from domain.records import Unit
from domain.registry import Registry
from domain.syllables import match_form
from storage import progress
from storage.articles import known_articles, save_validators
from storage.db import Store, error_line
from storage.models import utcnow
from storage.urls import canonical_url

#: How a crawl of several units says it left one out (``unit U left out of this crawl: …``),
#: for the scheduler that sent it (``ops.jobs``): the spider, for a unit unknown to its
#: units files; `vnfeeds crawl … --no-lock`, for one it cannot load.
LEFT_OUT = "left out of this crawl"


class UnitsSpider(Spider):
    """Crawl the given units (ids) once."""

    name = "units"

    def __init__(
        self, unit_ids: list[str] | str = "", store: Store | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.given_store = store  # the caller's store, shared by the crawl (crawlers.shared)
        self.unit_ids = unit_ids.split(",") if isinstance(unit_ids, str) else list(unit_ids)
        self.units: list[Unit] = []
        self.registry: Registry | None = None
        self.known: dict[str, dict[str, str]] = {}
        self.validators: dict[str, dict[str, tuple[str | None, str | None]]] = defaultdict(dict)
        self.full = False
        self.backfill_pages = 20
        self.max_pages = 50
        self.store: Store | None = None
        self.pending: dict[str, list[progress.Pending]] = {}
        self.dead: dict[str, set[str]] = {}  # canonical URLs given up lately, per unit
        self.recheck: dict[str, set[str]] = {}  # … given up a while ago, due again
        self.queued: dict[str, set[str]] = defaultdict(set)  # canonical URLs asked this run
        self.url_limit = 2083
        self.max_bytes = 8 * 1024 * 1024
        self.parser = ParsePool(0)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UnitsSpider:
        """Crawl options from the settings; units and store once the crawl opens."""
        spider: UnitsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("VNFEEDS_FULL")
        spider.backfill_pages = settings.getint("VNFEEDS_BACKFILL_PAGES")
        spider.max_pages = settings.getint("VNFEEDS_MAX_PAGES")
        spider.url_limit = settings.getint("URLLENGTH_LIMIT")
        spider.max_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        spider.parser = ParsePool.from_crawler(crawler)
        # Connected before any extension's handler, so units are known to them.
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        return spider

    def opened(self) -> None:
        """Units and their known articles, from the crawl's shared store and registry."""
        shared = crawl_store(self.crawler)
        self.registry, self.store = shared.registry, shared.store
        self.units = []
        for uid in self.unit_ids:  # a batch: a unit missing here must not stop the rest
            if uid in self.registry.units:
                self.units.append(self.registry.unit(uid))
            else:
                self.logger.warning("vnfeeds: unit %s %s: it is unknown here", uid, LEFT_OUT)
        self.unit_ids = [u.id for u in self.units]
        with self.store.session() as s:
            self.known = {u.id: known_articles(s, u.id) for u in self.units}
            self.pending = {u.id: progress.pending_of(s, u.id) for u in self.units}
            now = utcnow()
            for u in self.units:
                self.dead[u.id], self.recheck[u.id] = progress.dead_link_sets(s, u.id, now)

    def unit(self, unit_id: str) -> Unit:
        """The unit record of a running crawl."""
        return next(u for u in self.units if u.id == unit_id)

    def _stat(self, unit_id: str, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnfeeds/{unit_id}/{key}", n)

    def _set(self, unit_id: str, key: str, value: object) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"vnfeeds/{unit_id}/{key}", value)

    def _meta(self, unit: Unit, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {"unit_id": unit.id, **extra}
        if not unit.politeness.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return meta

    def list_request(self, unit: Unit, url: str, category: str, page: int) -> Request:
        """A list-page request (conditional GET; 304 reaches the spider)."""
        meta = self._meta(unit, category=category, page=page, vnfeeds_list=True)
        meta["handle_httpstatus_list"] = [304]
        meta["vnfeeds_pending"] = ("list", url)
        return Request(
            url, callback=self.parse_list, errback=self.on_error, meta=meta, dont_filter=True
        )

    def article_request(
        self, unit: Unit, url: str, category: str, list_date: str | None, list_title: str = ""
    ) -> Request:
        """An article request; its pending row is cleared when the article is stored."""
        meta = self._meta(unit, category=category, list_title=list_title, list_date=list_date)
        meta["vnfeeds_pending"] = ("article", url)
        return Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    async def start(self) -> AsyncIterator[Request]:
        for unit in self.units:
            # What a killed crawl listed but never finished comes first.
            for p in self.pending.get(unit.id, []):
                self._stat(unit.id, "resumed")
                if p.kind == "list":
                    yield self.list_request(unit, p.url, p.category, p.page)
                else:
                    yield self.article_request(unit, p.url, p.category, p.list_date, p.title)
            for start in unit.start:
                yield self.list_request(unit, start.url, start.category, 1)

    def _note_redirect(self, unit: Unit, response: Response) -> str | None:
        """Record a permanent redirect to a new host; returns the unit now serving it, if any."""
        reasons = response.meta.get("redirect_reasons") or []
        urls = response.meta.get("redirect_urls") or []
        if not urls or not reasons or reasons[0] not in (301, 308):
            return None
        old, new = urlsplit(urls[0]), urlsplit(response.url)
        if old.netloc == new.netloc:
            return None
        self._set(unit.id, "moved_to", f"{new.scheme}://{new.netloc}/")
        assert self.registry is not None
        return self.registry.unit_on_host(new.netloc, but=unit.id)

    async def parse_list(self, response: Response) -> AsyncIterator[Request]:
        """Queue unknown (or retitled) articles; follow the next page while it pays."""
        unit = self.unit(response.meta["unit_id"])
        category, page_no = response.meta["category"], response.meta["page"]
        owner = self._note_redirect(unit, response)
        if owner is not None:
            # The site now lives at a unit we already crawl: its articles are that unit's.
            self.logger.info(
                "unit %s: moved to unit %s (%s); not crawled twice", unit.id, owner, response.url
            )
            self._stat(unit.id, "list_pages")
            self._progress(unit.id, response, [])
            return
        if response.status == 304:  # counted apart: a 304 shows no links
            self._stat(unit.id, "list_not_modified")
            self._progress(unit.id, response, [])
            return
        self._stat(unit.id, "list_pages")
        if unit.platform != "feed" and not self._is_html(unit.id, response, "no article links"):
            self._progress(unit.id, response, [])
            return
        if "vnfeeds_validators" in response.meta:
            self.validators[unit.id][response.request.url if response.request else response.url] = (
                response.meta["vnfeeds_validators"]
            )
        try:
            listing = await self.parser.extract_list(
                response.body,
                response.url,
                platform=unit.platform,
                overrides=unit.selectors.as_dict(),
                encoding=response_encoding(response),
            )
        except Exception as e:  # a parser or selector failure is the unit's error, not a crash
            self.record_error(unit.id, response.url, f"list page not read: {error_line(e)}")
            self._failed(response.request, str(e))  # type: ignore[arg-type]
            return
        self._stat(unit.id, "entries_seen", len(listing.entries))
        self._stat(unit.id, "list_fallbacks", int(listing.fallback))  # health: layout changed?
        known = self.known[unit.id]
        first_run = not known
        fresh = 0
        since = unit.politeness.backfill_since
        too_old = 0
        requests: list[Request] = []
        for entry in listing.entries:
            if len(entry.url) > self.url_limit:
                self.record_error(
                    unit.id,
                    entry.url[:200] + "…",
                    f"URL of {len(entry.url)} characters, over the limit of {self.url_limit} "
                    f"(URLLENGTH_LIMIT); listed on {response.url}, not fetched",
                )
                continue
            canon = canonical_url(entry.url)
            if canon in self.queued[unit.id]:  # shown again (a pagination trap): not fresh
                continue
            if not self.full and canon in self.dead[unit.id]:  # given up lately (DeadLink)
                self._stat(unit.id, "dead_links_skipped")
                continue
            if since and entry.date_text:
                parsed = parse_list_date(entry.date_text)
                if parsed and parsed.value.date() < since:
                    too_old += 1
                    continue
            stored_title = known.get(canon)
            if (
                not self.full
                and stored_title is not None
                and (not entry.title or match_form(entry.title) == match_form(stored_title))
            ):
                self._stat(unit.id, "unchanged")
                continue
            fresh += 1
            self.queued[unit.id].add(canon)
            requests.append(
                self.article_request(unit, entry.url, category, entry.date_text, entry.title)
            )
        limit = self.backfill_pages if first_run else self.max_pages
        if unit.politeness.backfill_pages and first_run:
            limit = unit.politeness.backfill_pages
        keep_going = self.full or fresh > 0
        if listing.next_url and keep_going and page_no < limit and not (since and too_old):
            requests.append(self.list_request(unit, listing.next_url, category, page_no + 1))
        self._progress(unit.id, response, requests)
        for request in requests:
            yield request

    def _progress(self, unit_id: str, response: Response, requests: list[Request]) -> None:
        """Make the page's work durable before it is requested, and the page itself done."""
        assert self.store is not None
        todo = []
        for r in requests:
            kind, url = r.meta["vnfeeds_pending"]
            page = r.meta.get("page", 0) if kind == "list" else 0
            meta = r.meta
            todo.append(
                progress.Pending(
                    kind,
                    url,
                    meta.get("category", ""),
                    meta.get("list_date"),
                    page,
                    meta.get("list_title") or "",
                )
            )
        try:
            with self.store.session() as s:
                progress.add_pending(s, unit_id, todo, utcnow())
                kind, url = response.meta["vnfeeds_pending"]
                progress.done_pending(s, unit_id, kind, url)
        except Exception as e:  # not durable, so not requested: the next run lists them again
            self.record_error(unit_id, response.url, f"progress not stored: {error_line(e)}")
            requests.clear()

    async def parse_article(self, response: Response) -> AsyncIterator[dict[str, Any]]:
        """Extract the article (in a parse worker) and hand it on with its raw page."""
        unit = self.unit(response.meta["unit_id"])
        self._stat(unit.id, "articles_fetched")
        self._note_redirect(unit, response)
        if not self._is_html(unit.id, response, "not stored"):
            return
        try:
            article, prepared, packed = await self.parser.extract(
                response.body,
                response.url,
                platform=None if unit.platform == "feed" else unit.platform,
                overrides=unit.selectors.as_dict(),
                encoding=response_encoding(response),
            )
        except Exception as e:  # a parser or selector failure is the unit's error, not a crash
            assert response.request is not None
            self.record_error(unit.id, origin_of(response.request), f"not read: {error_line(e)}")
            self._failed(response.request, str(e))
            return
        told = tally(
            article,
            response.meta.get("list_title", ""),
            response.meta.get("list_date", ""),
            lambda key: self._stat(unit.id, key),
            due_again=self._due_again(unit.id, response),
        )
        if told.mismatch:
            self.logger.info("unit %s: %s: %s", unit.id, response.url, article.problems[-1])
        if told.skip:
            self.logger.info("unit %s: %s: not stored: %s", unit.id, response.url, told.skip)
            assert response.request is not None
            self._failed(response.request, told.skip, dead=True)
            return
        yield {
            "unit_id": unit.id,
            "article": article,
            "list_category": response.meta.get("category", ""),
            "raw": response.body,
            "encoding": response_encoding(response),
            "status": response.status,
            "pending": response.meta.get("vnfeeds_pending"),
            "prepared": prepared,
            "packed": packed,
        }

    def _due_again(self, unit_id: str, response: Response) -> bool:
        """True when the page is a dead link of the unit whose skip ran out."""
        due = self.recheck[unit_id]  # empty for most units: no URL canonicalised per article
        pending = response.meta.get("vnfeeds_pending")
        return bool(due) and pending is not None and canonical_url(pending[1]) in due

    def _failed(
        self, request: Request, error: str, *, give_up: bool = False, dead: bool = False
    ) -> None:
        """A pending entry's attempt failed: kept for the next run unless given up."""
        pending = request.meta.get("vnfeeds_pending")
        unit_id = request.meta.get("unit_id")
        if pending is None or unit_id is None or self.store is None:
            return
        try:
            with self.store.session() as s:
                progress.failed_pending(
                    s, unit_id, pending[0], pending[1], error, give_up=give_up, dead=dead
                )
        except Exception as e:  # the entry stays pending as it was
            self.logger.error("unit %s: pending entry not updated: %s", unit_id, error_line(e))

    def _is_html(self, unit_id: str, response: Response, outcome: str) -> bool:
        """False (and a recorded error) when the page's bytes are not HTML."""
        try:
            check_html(response.body, max_bytes=self.max_bytes)
        except NotHtml as e:
            assert response.request is not None
            self.record_error(unit_id, origin_of(response.request), f"{outcome}: {e}")
            self._failed(response.request, str(e))
            return False
        return True

    def record_error(self, unit_id: str, url: str, cause: str, kind: str | None = None) -> str:
        """Count an error of the unit, keep it as the unit's last error, log one line."""
        if kind:
            self._stat(unit_id, kind)
        self._stat(unit_id, "errors")
        msg = f"unit {unit_id}: {url}: {cause}"
        self._set(unit_id, "last_error", msg)
        self.logger.warning(msg)
        return msg

    def on_error(self, failure: Failure) -> None:
        """Count and describe a failed request; the other units go on."""
        request = failure.request  # type: ignore[attr-defined]
        unit_id = request.meta.get("unit_id", "?")
        response = getattr(failure.value, "response", None)
        if "Forbidden by robots.txt" in str(failure.value):
            self._stat(unit_id, "robots_skipped")
            self._failed(request, "forbidden by robots.txt", give_up=True)
            return
        if response is not None:
            kind, cause = "http_errors", f"HTTP {response.status}"
        else:
            kind, cause = (
                "network_errors",
                f"{type(failure.value).__name__}: {failure.getErrorMessage()}",
            )
        msg = self.record_error(unit_id, origin_of(request), cause, kind)
        self._failed(request, msg)

    def closed(self, reason: str) -> None:
        """Save list-page validators of units that ran clean.

        Any error of a unit (a failed fetch, or an article the pipeline could not store)
        keeps its list pages unconditional next time, so nothing listed is skipped.
        """
        if self.store is None:
            return
        assert self.crawler.stats is not None
        with self.store.session() as s:
            for unit_id, pages in self.validators.items():
                if reason != "finished" or self.crawler.stats.get_value(
                    f"vnfeeds/{unit_id}/errors", 0
                ):
                    continue
                for url, (etag, lm) in pages.items():
                    save_validators(s, url, unit_id, etag, lm)
