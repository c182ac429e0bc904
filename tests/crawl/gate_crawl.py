"""A stand-alone crawl for the host-gate test: fetch N pages of one host, then exit.

Usage: gate_crawl.py BASE_URL N GATE_URL PREFIX DELAY (GATE_URL '-' for no gate);
the host's slot: concurrency 3, DELAY seconds between requests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess


class Pages(Spider):
    name = "pages"

    def __init__(self, base: str = "", n: str = "0", **kw: Any) -> None:
        super().__init__(**kw)
        self.base, self.n = base, int(n)

    async def start(self) -> AsyncIterator[Request]:
        for i in range(self.n):
            yield Request(f"{self.base}/p/{i}", dont_filter=True)

    def parse(self, response: Any) -> None:
        return None


def main() -> None:
    base, n, gate, prefix, delay = sys.argv[1:6]
    settings = {
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 3,
        "DOWNLOAD_DELAY": 0,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": os.environ.get("GATE_LOG", "WARNING"),
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "DOWNLOAD_SLOTS": {"127.0.0.1": {"concurrency": 3, "delay": float(delay)}},
        "DOWNLOADER_MIDDLEWARES": {"crawlers.hostgate.HostGateMiddleware": 950},
        "VNFEEDS_HOST_GATE": "" if gate == "-" else gate,
        "VNFEEDS_HOST_GATE_PREFIX": prefix,
    }
    proc = CrawlerProcess(settings)
    proc.crawl(Pages, base=base, n=n)
    proc.start()


if __name__ == "__main__":
    main()
