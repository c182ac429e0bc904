"""In-process cache of rendered documents, invalidated per feed.

The crawl and the editors write from other processes, so the cache cannot be told
about changes: at most every ``config.version_ttl`` seconds it asks the store what
changed since its last look (``feeds.touched.changes_since``) and drops the documents
of the feeds that change touches (all their formats, archive pages and filtered
variants; the index and OPML when the set of feeds changed). Everything else stays
cached. A render that raced with a change is not stored. Each entry keeps the body,
its gzip bytes (compressed once) and ready header lists; ``hot`` is the lookup the
request path makes without touching the store. The cache holds at most
``config.cache_entries`` documents and ``config.cache_bytes`` bytes (bodies plus gzip),
least recently stored first out, so many distinct queries cannot grow it without bound.
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

from domain.registry import Registry
from feeds import queries
from feeds.config import FeedConfig
from feeds.render import Rendered
from feeds.touched import INDEX_PATHS, Change, Mark, Pair, changes_since, mark_now, touched_specs
from feeds.tree import parse_path
from storage.db import Store

GZIP_MIN = 500
Headers = list[tuple[bytes, bytes]]


def http_date(dt: datetime) -> str:
    """An RFC 9110 HTTP date (GMT)."""
    return format_datetime(dt.astimezone(UTC).replace(microsecond=0), usegmt=True)


def header_block(headers: Headers) -> bytes:
    """Headers as HTTP/1.1 lines, ending with the blank line."""
    return b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n"


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
        "raw",
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
        #: header blocks ready for the wire: (status, gzip?) -> b"name: value\r\n...\r\n"
        self.raw = {
            (200, False): header_block(self.h200),
            (200, True): header_block(self.h200_gz),
            (304, False): header_block(self.h304),
            (304, True): header_block(self.h304_gz),
        }


def group_of(key: str) -> str:
    """The invalidation group of a cache key: a feed's base path, ``/`` or ``/feeds.opml``."""
    path = key.split("?", 1)[0]
    req = parse_path(path)
    return req.spec.base if req is not None else path


class FeedCache:
    """Documents by key (path + canonical query), dropped per feed when the store changes."""

    def __init__(self, store: Store, registry: Registry, config: FeedConfig) -> None:
        self.store = store
        self.registry = registry
        self.config = config
        self.ttl = config.version_ttl
        self.mark: Mark | None = None
        self.pairs: frozenset[Pair] | None = None
        self.generation = 0  # moves whenever documents are dropped
        self._checked = float("-inf")
        self._docs: OrderedDict[str, Doc] = OrderedDict()
        self._groups: dict[str, set[str]] = {}
        self.size_bytes = 0
        self._lock = anyio.Lock()
        self.hits = 0
        self.misses = 0

    def look(self) -> Change:
        """Ask the store what changed since the last look (blocking; one short transaction)."""
        with self.store.session() as s:
            if self.mark is None:
                self.mark, self.pairs = mark_now(s), frozenset(queries.unit_topic_pairs(s))
                return Change(everything=True)
            change, self.mark, now = changes_since(s, self.registry, self.mark, self.pairs)
        if change.units:
            assert self.pairs is not None
            self.pairs = frozenset({p for p in self.pairs if p[0] not in change.units} | now)
        return change

    def drop(self, change: Change) -> int:
        """Forget the documents the change touches; how many were dropped."""
        if change.everything:
            n = len(self._docs)
            self._docs.clear()
            self._groups.clear()
            self.size_bytes = 0
        else:
            groups = {spec.base for spec in touched_specs(self.registry, change)}
            if change.feeds_changed:
                groups.update(INDEX_PATHS)
            n = 0
            for g in groups:
                for key in self._groups.pop(g, ()):
                    gone = self._docs.pop(key, None)
                    if gone is not None:
                        n += 1
                        self.size_bytes -= self._size(gone)
        if n or change.everything:
            self.generation += 1
        return n

    async def refresh(self, force: bool = False) -> None:
        """Look at the store when the last look is older than ``ttl`` (or ``force``)."""
        async with self._lock:
            if force or time.monotonic() - self._checked >= self.ttl:
                started = time.monotonic()
                self.drop(await run_in_threadpool(self.look))
                self._checked = started

    async def watch(self) -> None:
        """Look at the store every half ``ttl`` so ``hot`` stays usable (cancel to stop)."""
        while True:
            await self.refresh(force=True)
            await anyio.sleep(max(self.ttl / 2, 0.05))

    def invalidate(self) -> None:
        """Forget everything and look at the store on the next request."""
        self.drop(Change(everything=True))
        self._checked = float("-inf")

    def peek(self, key: str) -> Doc | None:
        """The cached document for ``key`` (no freshness check)."""
        return self._docs.get(key)

    def hot(self, key: str) -> Doc | None:
        """The cached document when the store was looked at within ``ttl`` (no store access)."""
        if time.monotonic() - self._checked < self.ttl:
            doc = self._docs.get(key)
            if doc is not None:
                self.hits += 1
            return doc
        return None

    @staticmethod
    def _size(doc: Doc) -> int:
        return len(doc.body) + len(doc.gz or b"")

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
        await self.refresh()
        doc = self._docs.get(key)
        if doc is not None:
            self.hits += 1
            return doc
        self.misses += 1
        generation = self.generation

        def build() -> Doc:
            return Doc(render(), self.config, link)

        if limiter is None:
            doc = await run_in_threadpool(build)
        else:
            doc = await anyio.to_thread.run_sync(build, limiter=limiter)
        if self.generation == generation and self._size(doc) <= self.config.cache_bytes:
            self._put(key, doc)
        return doc

    def _put(self, key: str, doc: Doc) -> None:
        old = self._docs.pop(key, None)
        if old is not None:
            self.size_bytes -= self._size(old)
        self._docs[key] = doc
        self._groups.setdefault(group_of(key), set()).add(key)
        self.size_bytes += self._size(doc)
        while (
            len(self._docs) > self.config.cache_entries or self.size_bytes > self.config.cache_bytes
        ):
            gone_key, gone = self._docs.popitem(last=False)
            self.size_bytes -= self._size(gone)
            self._groups.get(group_of(gone_key), set()).discard(gone_key)
