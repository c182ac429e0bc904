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

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStore:
        """Opened from the settings; closed on ``engine_stopped``."""
        s = crawler.settings
        ext = cls(Store(s.get("VNFEEDS_DB_URL")), load_registry(s.get("VNFEEDS_SITES") or None))
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self) -> None:
        self.store.dispose()


def crawl_store(crawler: Crawler) -> CrawlStore:
    """The crawl's :class:`CrawlStore`; RuntimeError when the extension is not enabled."""
    ext = crawler.get_extension(CrawlStore)
    if ext is None:
        raise RuntimeError("crawlers.shared.CrawlStore is not enabled in EXTENSIONS")
    return ext
