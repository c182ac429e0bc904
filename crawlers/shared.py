"""One store and one unit registry per crawl process, shared by every Scrapy component.

:class:`CrawlStore` is an extension (enabled in ``EXTENSIONS``); the spider, the
middlewares, the pipeline and the other extensions reach it with :func:`crawl_store`,
so a crawl opens one database engine and checks the schema once. It is disposed when
the engine stops, after every component's ``spider_closed`` work is done.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from domain.registry import Registry, load_registry
from storage.db import Store


class CrawlStore:
    """The crawl's store (``VNFEEDS_DB_URL``) and registry (``VNFEEDS_SITES``)."""

    def __init__(self, store: Store, registry: Registry, *, owned: bool = True) -> None:
        self.store = store
        self.registry = registry
        self.owned = owned

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStore:
        """The store the process already has (the spider's ``store`` argument, as
        :func:`crawlers.runner.run_crawl` passes it), else one opened from ``VNFEEDS_DB_URL``
        and disposed on ``engine_stopped``."""
        s = crawler.settings
        registry = load_registry(s.get("VNFEEDS_SITES") or None)
        given = getattr(crawler.spider, "given_store", None)
        if isinstance(given, Store):
            return cls(given, registry, owned=False)
        ext = cls(Store(s.get("VNFEEDS_DB_URL")), registry)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self) -> None:
        if self.owned:
            self.store.dispose()


def crawl_store(crawler: Crawler) -> CrawlStore:
    """The crawl's :class:`CrawlStore`; RuntimeError when the extension is not enabled."""
    ext = crawler.get_extension(CrawlStore)
    if ext is None:
        raise RuntimeError("crawlers.shared.CrawlStore is not enabled in EXTENSIONS")
    return ext
