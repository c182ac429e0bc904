"""The raw Scrapy side of ``bench.pipeline``: fetch a list of URLs, do nothing with them.

    python -m bench.raw_scrapy URLS_FILE UNITS_FILE [NAME=VALUE …]

Same settings as ``vnfeeds crawl`` builds for those units (``crawlers.runner.crawl_settings``:
concurrency, per-host slots, delay floor, robots.txt, AutoThrottle, timeouts, user agent),
minus vnfeeds' own components (pipelines, downloader middlewares, extensions but the
throttle), plus the ``NAME=VALUE`` overrides given (as ``vnfeeds crawl --set`` takes them).
The callback is a no-op: the cost measured is Scrapy fetching the pages and nothing else.
Scrapy's loggers are quieted as the crawl's ``OneLineLogs`` extension quiets ours
(:func:`crawlers.quietlog.quiet_scrapy_loggers`), so neither side makes log records that
nothing shows.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings, default_settings

from crawlers.quietlog import quiet_scrapy_loggers
from crawlers.runner import crawl_settings
from domain.registry import load_registry


class NoopSpider(Spider):
    """Requests every URL of a file once; the callback ignores the response."""

    name = "noop"

    def __init__(self, urls_file: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = Path(urls_file).read_text(encoding="utf-8").split()

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.noop, dont_filter=True)

    def noop(self, response: Response) -> None:
        """Do nothing with the page."""
        return None


def raw_settings(units_file: Path, overrides: dict[str, str] | None = None) -> Settings:
    """vnfeeds' crawl settings for the units of ``units_file``, without vnfeeds' components."""
    registry = load_registry(units_file)
    settings = crawl_settings(list(registry.units.values()), db_url="", sites=units_file, full=True)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", {}, priority="cmdline")
    # Only the throttle stays of vnfeeds' extensions (it is politeness, not processing).
    extensions = {
        name: order
        for name, order in settings.getdict("EXTENSIONS").items()
        if not name.startswith("crawlers.") or name.startswith("crawlers.throttle.")
    }
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    for name in ("TWISTED_DNS_RESOLVER",):  # vnfeeds' private-network guard: Scrapy's own
        if str(settings.get(name, "")).startswith("crawlers."):
            settings.set(name, getattr(default_settings, name), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def make_process(settings: Settings) -> CrawlerProcess:
    """The crawl process, its Scrapy loggers quieted as ours are."""
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    quiet_scrapy_loggers(settings)
    return process


def main(argv: list[str]) -> int:
    """Crawl the URLs of ``argv[0]`` with the settings of the units file ``argv[1]``."""
    pairs = [a.partition("=") for a in argv[2:]]
    if len(argv) < 2 or any(not sep for _, sep, _ in pairs):
        print(
            "usage: python -m bench.raw_scrapy URLS_FILE UNITS_FILE [NAME=VALUE …]", file=sys.stderr
        )
        return 2
    settings = raw_settings(Path(argv[1]), {k: v for k, _, v in pairs})
    process = make_process(settings)
    process.crawl(NoopSpider, urls_file=argv[0])
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
