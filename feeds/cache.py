"""In-process cache of rendered documents, keyed on a cheap data version.

The crawl and the editors write from other processes, so the cache cannot be told
about changes: it asks the store for ``queries.data_version`` at most once every
``config.version_ttl`` seconds and drops every document when the version moved. A
render that raced with a change is not stored (its version is checked again after).
Each entry keeps the body, its gzip bytes (compressed once) and ready header lists.
The cache holds at most ``config.cache_entries`` documents and ``config.cache_bytes``
bytes (bodies plus gzip), least recently stored first out, so many distinct queries
cannot grow it without bound.
"""

from __future__ import annotations

import gzip
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import anyio
from starlette.concurrency import run_in_threadpool

from feeds import queries
from feeds.config import FeedConfig
from feeds.render import Rendered
from storage.db import Store

GZIP_MIN = 500
Headers = list[tuple[bytes, bytes]]


def http_date(dt: datetime) -> str:
    """An RFC 9110 HTTP date (GMT)."""
    return format_datetime(dt.astimezone(UTC).replace(microsecond=0), usegmt=True)


class Doc:
    """A cached response body with its validators and prepared headers."""

    __slots__ = (
        "body",
        "etag",
        "etag_gz",
        "gz",
        "h200",
        "h200_gz",
        "h304",
        "h304_gz",
        "last_modified",
    )

    def __init__(self, r: Rendered, config: FeedConfig, link: str | None = None) -> None:
        self.body = r.body
        self.etag = r.etag
        self.etag_gz = r.etag[:-1] + '-gz"'
        self.last_modified = r.last_modified.replace(microsecond=0) if r.last_modified else None
        self.gz = gzip.compress(r.body, 6, mtime=0) if len(r.body) >= GZIP_MIN else None
        common: Headers = [(b"cache-control", f"public, max-age={config.cache_max_age}".encode())]
        if self.last_modified:
            common.append((b"last-modified", http_date(self.last_modified).encode()))
        if link:
            common.append((b"link", link.encode()))
        if self.gz is not None:
            common.append((b"vary", b"Accept-Encoding"))
        ctype = (b"content-type", r.content_type.encode())
        self.h304 = [*common, (b"etag", self.etag.encode())]
        self.h304_gz = [*common, (b"etag", self.etag_gz.encode())]
        self.h200 = [*self.h304, ctype, (b"content-length", str(len(r.body)).encode())]
        self.h200_gz = self.h304_gz
        if self.gz is not None:
            self.h200_gz = [
                *self.h304_gz,
                ctype,
                (b"content-encoding", b"gzip"),
                (b"content-length", str(len(self.gz)).encode()),
            ]


class FeedCache:
    """Documents by key (path + canonical query) for the current data version."""

    def __init__(self, store: Store, config: FeedConfig) -> None:
        self.store = store
        self.config = config
        self.version: str | None = None
        self._checked = float("-inf")
        self._docs: OrderedDict[str, Doc] = OrderedDict()
        self.size_bytes = 0
        self._lock = anyio.Lock()
        self.hits = 0
        self.misses = 0
        self.listeners: list[Callable[[str], None]] = []

    def read_version(self) -> str:
        """The store's data version (one query)."""
        with self.store.session() as s:
            return queries.data_version(s)

    async def current_version(self) -> str:
        """The data version, re-read when older than ``version_ttl``; clears on change."""
        if self.version is not None and time.monotonic() - self._checked < self.config.version_ttl:
            return self.version
        async with self._lock:
            if self.version is None or time.monotonic() - self._checked >= self.config.version_ttl:
                v = await run_in_threadpool(self.read_version)
                self._checked = time.monotonic()
                if v != self.version:
                    self._clear()
                    old, self.version = self.version, v
                    if old is not None:
                        for cb in self.listeners:
                            cb(v)
        assert self.version is not None
        return self.version

    def _clear(self) -> None:
        self._docs.clear()
        self.size_bytes = 0

    def invalidate(self) -> None:
        """Forget everything and re-read the version on the next request."""
        self._clear()
        self._checked = float("-inf")

    @staticmethod
    def _size(doc: Doc) -> int:
        return len(doc.body) + len(doc.gz or b"")

    def fresh(self, key: str) -> Doc | None:
        """The cached document when the version was checked within the TTL (hot path)."""
        if time.monotonic() - self._checked < self.config.version_ttl:
            doc = self._docs.get(key)
            if doc is not None:
                self.hits += 1
            return doc
        return None

    async def get(
        self,
        key: str,
        render: Callable[[], Rendered],
        link: str | None = None,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> Doc:
        """The document for ``key``, rendered in a worker thread on a miss.

        ``limiter`` bounds how many such renders run at once (filtered feeds).
        """
        version = await self.current_version()
        doc = self._docs.get(key)
        if doc is not None:
            self.hits += 1
            return doc
        self.misses += 1

        def build() -> Doc:
            return Doc(render(), self.config, link)

        if limiter is None:
            doc = await run_in_threadpool(build)
        else:
            doc = await anyio.to_thread.run_sync(build, limiter=limiter)
        if self.version == version and self._size(doc) <= self.config.cache_bytes:
            old = self._docs.pop(key, None)
            if old is not None:
                self.size_bytes -= self._size(old)
            self._docs[key] = doc
            self.size_bytes += self._size(doc)
            while (
                len(self._docs) > self.config.cache_entries
                or self.size_bytes > self.config.cache_bytes
            ):
                _, gone = self._docs.popitem(last=False)
                self.size_bytes -= self._size(gone)
        return doc
