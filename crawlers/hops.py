"""Redirect and retry policy: redirect loops are errors; Retry-After is respected, bounded.

Scrapy's stock middlewares, with two changes: a redirect back to a URL already on the
request's redirect chain raises a "redirect loop" error (the duplicate filter would
otherwise drop it without a word), and a 429/503 with ``Retry-After`` waits that long
before the retry — up to ``VNFEEDS_RETRY_AFTER_MAX`` seconds; a longer wait is not
retried, so the unit records the HTTP error instead of stalling the crawl.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that names a redirect loop as the error it is."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(
                f"redirect loop: {request.url} redirects back to {redirected.url} "
                f"after {len(chain)} hop(s)"
            )
        return super()._redirect(redirected, request, reason)


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta or HTTP date); None if absent/invalid."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits as a 429/503's ``Retry-After`` asks, within a bound."""

    max_wait: float = 60.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Stock retry settings plus VNFEEDS_RETRY_AFTER_MAX (seconds)."""
        mw = cls(crawler.settings)
        mw.crawler = crawler
        mw.max_wait = crawler.settings.getfloat("VNFEEDS_RETRY_AFTER_MAX", 60.0)
        return mw

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        wait = None
        if response.status in (429, 503) and not request.meta.get("dont_retry", False):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return super().process_response(request, response)
        if wait > self.max_wait:
            return response  # the unit records the HTTP error; nothing waits for an hour
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(wait)
        return retry


def origin_of(request: Request) -> str:
    """The URL asked for, with the hop that failed when it was redirected."""
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    return first if first == request.url else f"{first} (redirected to {request.url})"
