"""Downloader middlewares: conditional GET on list pages, and the private-network guard."""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from sqlalchemy import select

from crawlers.shared import crawl_store
from storage import models as m
from storage.db import Store


class ConditionalGetMiddleware:
    """Send If-None-Match / If-Modified-Since on list pages; remember the validators.

    Only requests with ``meta["vnfeeds_list"]`` are touched; a 304 reaches the
    spider (which stops walking that category) because list requests accept it.
    """

    def __init__(self, store: Store, enabled: bool) -> None:
        self.store = store
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        """On the crawl's shared store; VNFEEDS_FULL turns conditional requests off."""
        return cls(crawl_store(crawler).store, enabled=not crawler.settings.getbool("VNFEEDS_FULL"))

    def process_request(self, request: Request) -> None:
        if not (self.enabled and request.meta.get("vnfeeds_list")):
            return None
        with self.store.session() as s:
            row = s.get(m.HttpCache, request.url)
            if row is None:
                return None
            if row.etag:
                request.headers.setdefault(b"If-None-Match", row.etag.encode("latin-1"))
            if row.last_modified:
                request.headers.setdefault(
                    b"If-Modified-Since", row.last_modified.encode("latin-1")
                )
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("vnfeeds_list") or response.status != 200:
            return response
        etag = response.headers.get(b"ETag")
        lm = response.headers.get(b"Last-Modified")
        if not (etag or lm):
            return response
        # The spider saves validators only after a clean run of the unit, so a
        # crash mid-crawl never hides articles that were listed but not fetched.
        request.meta["vnfeeds_validators"] = (
            etag.decode("latin-1") if etag else None,
            lm.decode("latin-1") if lm else None,
        )
        return response


def forget_validators(store: Store, unit_ids: list[str]) -> None:
    """Drop the list-page validators of these units (used by ``--full``)."""
    with store.session() as s:
        for row in s.scalars(select(m.HttpCache).where(m.HttpCache.unit_id.in_(unit_ids))):
            s.delete(row)


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ()
    return tuple(sorted({str(i[4][0]) for i in infos}))


def is_private_host(host: str) -> bool:
    """True when the host is, or resolves to, a loopback/private/link-local/reserved address."""
    for addr in _resolve(host):
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return True
        if ip.is_unspecified:
            return True
    return False


class PrivateNetworkGuard:
    """Refuse requests (and redirects) into loopback or private networks.

    A unit with ``allow_private = true`` (e.g. the local replicas) may reach
    private hosts; so may the hosts of such units' start URLs (for robots.txt).
    """

    def __init__(self) -> None:
        self.allowed_units: set[str] = set()
        self.allowed_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        """Learns the allowed units from the spider when it opens."""
        mw = cls()
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        for unit in getattr(spider, "units", []):
            if unit.allow_private:
                self.allowed_units.add(unit.id)
                for url in [unit.homepage, *(s.url for s in unit.start)]:
                    self.allowed_hosts.add(urlsplit(url).hostname or "")

    def process_request(self, request: Request) -> Any:
        host = urlsplit(request.url).hostname or ""
        unit_id = request.meta.get("unit_id")
        if unit_id in self.allowed_units or (unit_id is None and host in self.allowed_hosts):
            return None
        if is_private_host(host):
            raise IgnoreRequest(
                f"unit {unit_id or '?'}: refused {request.url}: {host} is in a loopback or private "
                "network (set allow_private = true on the unit to allow it)"
            )
        return None
