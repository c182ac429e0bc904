"""Scrapy settings of crawls that Scrapy itself starts (`scrapy crawl`, Scrapyd nodes).

The crawler's settings (``crawlers.settings``) plus the unit lock held by the crawl
process itself (``ops.crawl_lock``): on a Scrapyd node no scheduler holds it for the
crawl, and a node that dies frees it (``docs/ops.md``). The egg built by
``scrapyd-deploy`` names this module as its ``scrapy`` settings entry point.
"""

from __future__ import annotations

from crawlers.settings import *  # noqa: F403
from crawlers.settings import EXTENSIONS as _CRAWLER_EXTENSIONS

EXTENSIONS = {**_CRAWLER_EXTENSIONS, "ops.crawl_lock.UnitLocks": 50}
# SQLite only: how long the lease of a crawl outlives its dead node (PostgreSQL frees
# the advisory lock when the node's connection dies).
VNFEEDS_LOCK_TTL = 600.0
# No vnfeeds CLI sets up logging here: Scrapy's own root handler writes the LOG_FILE a
# Scrapyd node passes (its per-job log, which the scheduler reads for units skipped as
# locked and for a failed crawl's last lines).
LOG_INSTALL_ROOT_HANDLER = True
