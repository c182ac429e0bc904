"""One line per problem: no raw pages in log lines, no tracebacks for network failures.

``ItemLogFormatter`` (``LOG_FORMATTER``) logs scraped and dropped items as their unit
and URL, never the item (which carries the whole raw page). ``OneLineLogs`` (an
extension) strips tracebacks from Scrapy's own network-error records (robots.txt
unreachable, connection refused) while a crawl runs and names the unit they concern,
and keeps Scrapy's loggers from making records no handler shows
(:func:`quiet_scrapy_loggers`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure


def _describe(item: Any) -> str:
    if isinstance(item, dict) and "article" in item:
        return f"unit {item.get('unit_id', '?')}: {getattr(item['article'], 'url', '?')}"
    return type(item).__name__


class ItemLogFormatter(LogFormatter):
    """Scrapy's log formatter, with items shown as ``unit U: URL``."""

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(item)s",
            "args": {"item": _describe(item)},
        }

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        # The pipeline already recorded the error (with unit and URL): one INFO line here.
        return {
            "level": logging.INFO,
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        return {
            "level": logging.ERROR,
            "msg": "Error processing %(item)s: %(exception)s",
            "args": {"item": _describe(item), "exception": exception},
        }


class _OneLine(logging.Filter):
    def __init__(self, hosts: dict[str, str]) -> None:
        super().__init__()
        self.hosts = hosts

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("scrapy.downloadermiddlewares"):
            return True
        args = record.args if isinstance(record.args, dict) else {}
        req = args.get("request")
        if isinstance(req, Request):
            unit = req.meta.get("unit_id") or self.hosts.get(urlsplit(req.url).netloc)
            if record.name.endswith("robotstxt") and "f_exception" in args:
                host = urlsplit(req.url).netloc
                record.msg = f"robots.txt of {host} could not be fetched (%(f_exception)s)"
            if unit and not str(record.msg).startswith("unit "):
                record.msg = f"unit {unit}: {record.msg}"
        record.exc_info, record.exc_text = None, None
        return True


def _shown() -> int:
    """The lowest level this process shows: its root logger's, or where that is unset (a
    Scrapy command: Scrapy's root handler filters instead), its root handlers' lowest."""
    if logging.root.level != logging.NOTSET:
        return logging.root.level
    last = logging.lastResort.level if logging.lastResort else logging.WARNING
    return min((h.level for h in logging.root.handlers), default=last)


def quiet_scrapy_loggers(settings: BaseSettings) -> None:
    """Scrapy's loggers at the lower of its ``LOG_LEVEL`` and the level this process shows.

    Scrapy leaves its loggers at DEBUG and the filtering to a root handler: a record
    nobody shows was made for every page and item (under ``vnfeeds crawl``, which owns
    the root logger, and on Scrapyd nodes alike). What is shown does not change.
    """
    raw = settings.get("LOG_LEVEL", "DEBUG")
    level = raw if isinstance(raw, int) else logging.getLevelName(str(raw).upper())
    if isinstance(level, int):  # an unknown name comes back as a string: left alone
        logging.getLogger("scrapy").setLevel(min(level, _shown()))


class OneLineLogs:
    """Installs the one-line filter on the log handlers for the crawl's duration."""

    def __init__(self) -> None:
        self.filter = _OneLine({})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OneLineLogs:
        """Connected to spider_opened/closed; Scrapy's loggers quieted
        (:func:`quiet_scrapy_loggers`)."""
        quiet_scrapy_loggers(crawler.settings)
        ext = cls()
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        for unit in getattr(spider, "units", []):
            for url in [unit.homepage, *(s.url for s in unit.start)]:
                self.filter.hosts[urlsplit(url).netloc] = unit.id
        for handler in logging.root.handlers:
            handler.addFilter(self.filter)

    def spider_closed(self, spider: Spider) -> None:
        for handler in logging.root.handlers:
            handler.removeFilter(self.filter)
