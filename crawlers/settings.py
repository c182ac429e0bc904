"""Scrapy settings of vnfeeds: polite by default; store and contact from the environment.

Per-unit politeness (delay, concurrency) is applied per host with DOWNLOAD_SLOTS by
the runner; everything here can be overridden with ``-s NAME=VALUE`` or the runner.
"""

from __future__ import annotations

import os

from domain.environment import env_float, env_int

BOT_NAME = "vnfeeds"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

VNFEEDS_CONTACT_URL = os.environ.get("VNFEEDS_CONTACT_URL", "https://github.com/vnfeeds/vnfeeds")
USER_AGENT = f"vnfeeds/0.1 (+{VNFEEDS_CONTACT_URL}; news feed aggregator for public agencies)"

# The store: a SQLAlchemy URL (the runner sets it from --db / VNFEEDS_DB).
VNFEEDS_DB_URL = os.environ.get("VNFEEDS_DB_URL", "")
# Unit file or folder; empty means the shipped units.
VNFEEDS_SITES = os.environ.get("VNFEEDS_SITES", "")
# Re-walk every list page and refetch every article (ignores what is known).
VNFEEDS_FULL = False
# First-run backfill: list pages per category to walk when nothing is known yet.
VNFEEDS_BACKFILL_PAGES = 20
# Article extraction worker processes (0: in the crawl process; unset: by CPU count).
VNFEEDS_PARSE_WORKERS = os.environ.get("VNFEEDS_PARSE_WORKERS", "")
# Beside them, one spare worker at the lowest CPU priority (crawlers.parsing).
VNFEEDS_PARSE_SPARE = os.environ.get("VNFEEDS_PARSE_SPARE", "True")
# List pages to walk on later runs before stopping even if the page still has new items.
VNFEEDS_MAX_PAGES = 50
# Articles written per transaction (crawlers.pipelines), and the longest a batch waits
# for more before it is written (seconds). 1: a transaction per article.
VNFEEDS_STORE_BATCH = env_int("VNFEEDS_STORE_BATCH", 16, least=1)
VNFEEDS_STORE_BATCH_WAIT = env_float("VNFEEDS_STORE_BATCH_WAIT", 0.25, least=0.0)

# Per-host concurrency and delay shared by every crawl process (crawlers.hostgate):
# a Redis URL such as redis://127.0.0.1:6379/0; empty: per process, as Scrapy does.
VNFEEDS_HOST_GATE = os.environ.get("VNFEEDS_HOST_GATE", "")
VNFEEDS_HOST_GATE_LEASE = 120.0

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Callback outputs (items, requests) handled at once per response. The store pipeline is
# synchronous, so more slots buy nothing, and Scrapy starts an asyncio task per slot for
# every response (100 by default); with 4, the crawl process used 14 % less CPU (docs/benchmarks.md).
CONCURRENT_ITEMS = 4
# Scrapy reads a plain generator callback's source (inspect + ast.parse) on every response
# to warn about a ``return value``. Our callbacks are async generators (never checked, they
# cannot return a value); off so that a plain one added later costs nothing per response,
# and a test checks the callbacks once instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay drawn from ±50 % of it
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = env_float("VNFEEDS_DOWNLOAD_TIMEOUT", 30.0, least=0.1)
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = env_int("VNFEEDS_RETRY_TIMES", 2, least=0)
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REDIRECT_MAX_TIMES = 5
URLLENGTH_LIMIT = 2083  # longer URLs listed on a page are a recorded error of the unit
# A 429/503 Retry-After is waited up to this many seconds (crawlers.hops).
VNFEEDS_RETRY_AFTER_MAX = 60.0
# Our spider records and logs every failed request (unit and URL): the give-up is detail.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawlers.quietlog.ItemLogFormatter"
DNSCACHE_ENABLED = True
# Names are checked against private networks as resolved (crawlers.netguard).
TWISTED_DNS_RESOLVER = "crawlers.netguard.GuardedResolver"
# Hosts that may be private: the runner lists those of units with allow_private.
VNFEEDS_PRIVATE_HOSTS: list[str] = []
LOG_LEVEL = os.environ.get("VNFEEDS_SCRAPY_LOG_LEVEL", "WARNING")
# vnfeeds owns the root logger (vnfeeds.context.setup_logging); Scrapy only adds its levels.
LOG_INSTALL_ROOT_HANDLER = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "crawlers.netguard.PrivateNetworkGuard": 90,
    "crawlers.middlewares.ConditionalGetMiddleware": 560,
    "crawlers.hostgate.HostGateMiddleware": 950,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.hops.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawlers.hops.LoopAwareRedirectMiddleware": 600,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    "crawlers.shared.CrawlStore": 10,
    "crawlers.throttle.UnitDelayFloor": 20,
    "crawlers.extensions.RunRecorder": 100,
    "crawlers.quietlog.OneLineLogs": 110,
}
