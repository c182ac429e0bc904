"""Downloader middlewares: conditional GET on list pages (the network guard: crawlers.netguard)."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
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
