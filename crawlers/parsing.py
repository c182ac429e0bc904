"""Article extraction off the reactor: a small process pool the spider awaits.

Extraction and cleaning are pure CPU work on bytes the spider already holds, so they
run in worker processes while the reactor keeps fetching. ``VNFEEDS_PARSE_WORKERS``
sets the pool size (0: extract in the crawl process itself, as before; unset: one
worker per CPU beyond the first, at least one, at most four). Beside them runs one *spare*
worker at the lowest CPU priority (nice 19; ``VNFEEDS_PARSE_SPARE=False`` drops it): it gets
the CPU time nobody else wants, which is little while the crawl fetches and a whole core
once the fetching is done and pages still wait for extraction (on a 2-core machine the
crawl's last second or two). The workers are forked from
the crawl process when the crawl is made (:meth:`ParsePool.start`): it has the parsers
imported and runs one thread then, so a worker costs no start-up of its own. A pool made
in a process that already runs other threads (a crawl inside a running reactor) starts
its workers from a fork server instead, which imports the parsers once (~1.4 s of CPU).
A worker that dies (killed, out of memory) breaks the pool: the page is extracted in
the crawl process instead, and so are the rest of the crawl's pages. A crawl process
that dies without closing the pool (SIGKILL, out of memory) takes its workers with it:
each watches the crawl process (:func:`exit_with`), and the fork server ends with them.

With dedup on, the worker also computes what the store and dedup derive from the
article's text (``dedup.prepared``: content hash, decision view, fingerprint), so the
crawl process does not.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from multiprocessing.sharedctypes import Synchronized
from typing import Any, NamedTuple, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from crawlers.extract import extract_list, extract_page
from crawlers.platforms.base import ListPage
from dedup.config import DedupConfig
from dedup.fingerprint import Fingerprinter
from dedup.prepared import Prepared, prepare
from domain.article import Article
from storage.articles import PackedPage, pack_page

log = logging.getLogger(__name__)
T = TypeVar("T")


class Parsed(NamedTuple):
    """What a worker returns for one page."""

    article: Article
    prepared: Prepared | None  # dedup's text work (None: dedup off)
    packed: PackedPage | None  # the page hashed and compressed for the store


def extract_prepared(
    body: bytes,
    url: str,
    *,
    platform: str | None,
    overrides: dict[str, str],
    encoding: str | None,
    shape: tuple[int, int] | None,
) -> Parsed:
    """The article of a page, the page packed for the store and, given a fingerprint
    ``shape`` (k, num_perm), the article's :class:`~dedup.prepared.Prepared` text work."""
    art = extract_page(body, url, platform=platform, overrides=overrides, encoding=encoding)
    prepared = None
    if shape is not None:
        fp = Fingerprinter(num_perm=shape[1], k=shape[0])
        prepared = prepare(art.title, art.lead, art.body_text, fp)
    return Parsed(art, prepared, pack_page(body))


def warm(shape: tuple[int, int] | None) -> None:
    """Do once, before the workers fork, what each would otherwise do at its first page:
    numpy's lazily loaded modules (``numpy.ma`` for ``np.unique``, ``numpy.random`` for the
    MinHash permutations) and the permutations themselves, by preparing one short text."""
    if shape is not None:
        fp = Fingerprinter(num_perm=shape[1], k=shape[0])
        prepare("Tin mẫu", "", "Nội dung mẫu của một bài viết rất ngắn để khởi động.", fp)


def _can_fork() -> bool:
    """True when a fork is safe: no other thread can hold a lock the child would inherit."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _start_worker(pid: int, normal: int, started: Synchronized[int]) -> None:
    """A worker's initializer: the first ``normal`` workers started keep their priority,
    any later one (the spare) takes the lowest; each ends with the crawl (:func:`exit_with`)."""
    with started.get_lock():
        index = started.value
        started.value += 1
    if index >= normal:
        lowest_priority()
    exit_with(pid)


def lowest_priority() -> None:
    """Lower this process' CPU priority as far as it goes (nice 19)."""
    try:
        os.nice(19 - os.nice(0))
    except OSError:  # not allowed here: the spare runs at the normal priority
        log.debug("parse worker: could not lower its priority", exc_info=True)


def exit_with(pid: int) -> None:
    """In a worker: end this process as soon as process ``pid`` (the crawl) has ended.

    The workers are the fork server's children, not the crawl's, and a pool whose owner
    was killed never tells them to stop: without this they (and the fork server, which
    waits for them) would outlive a killed crawl for good.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd (old kernel): poll
            while _alive(pid):
                time.sleep(1.0)
        else:
            select.select([fd], [], [])  # readable once the process has ended
        os._exit(0)

    threading.Thread(target=watch, name="vnfeeds-exit-with-crawl", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_workers() -> int:
    """One worker per CPU beyond the first (the reactor's), at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


class ParsePool:
    """Runs :func:`extract_prepared` (and list pages) in worker processes, or inline."""

    def __init__(self, workers: int, shape: tuple[int, int] | None = None, spare: int = 0) -> None:
        self.workers = workers
        self.spare = spare if workers > 0 else 0  # workers at the lowest priority, beside them
        self.shape = shape  # (shingle k, num_perm) of dedup's fingerprints; None: no dedup
        self.inline_lists = 0  # list pages it read itself, no worker being free
        self.most_waiting = 0  # the most pages given to the workers and not yet done, at once
        self.crawler: Crawler | None = None  # whose stats get the figures at close
        self._queued: set[Future[Any]] = set()  # tasks given to the workers, not yet done
        self._executor: ProcessPoolExecutor | None = None
        self._froze = False  # it froze the collector's view of the heap (undone at close)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParsePool:
        """Sized by ``VNFEEDS_PARSE_WORKERS`` (plus the spare unless ``VNFEEDS_PARSE_SPARE``
        is off) and started at once; shut down when the spider closes; preparing dedup's
        text work unless ``VNFEEDS_DEDUP`` is off."""
        raw = crawler.settings.get("VNFEEDS_PARSE_WORKERS")
        workers = (
            default_workers()
            if raw in (None, "")
            else crawler.settings.getint("VNFEEDS_PARSE_WORKERS")
        )
        shape = None
        if crawler.settings.getbool("VNFEEDS_DEDUP", True):
            cfg = DedupConfig.from_env()
            shape = (cfg.shingle, cfg.num_perm)
        spare = 1 if crawler.settings.getbool("VNFEEDS_PARSE_SPARE", True) else 0
        pool = cls(max(0, workers), shape, spare)
        pool.crawler = crawler  # its stats exist only once the crawl starts
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        pool.start()
        return pool

    def start(self) -> None:
        """Fork the workers now if this process runs one thread (see the module); else
        they start from a fork server at the first page."""
        if self._executor is None and _can_fork() and self.workers > 0:
            # What the process holds now (modules, parsers, the registry) lives to its end:
            # frozen, the collector stops rescanning it, in the crawl and in its forks, whose
            # copies of those pages then stay shared (CPython's advice before a fork).
            warm(self.shape)
            gc.freeze()
            self._froze = True
            pool = self._pool()
            if pool is not None:
                pool.submit(int).result()  # a forking pool launches all its workers at once

    def _pool(self) -> ProcessPoolExecutor | None:
        if self._executor is None and self.workers > 0:
            ctx = self._context()
            self._executor = ProcessPoolExecutor(
                self.workers + self.spare,
                mp_context=ctx,
                initializer=_start_worker,
                initargs=(os.getpid(), self.workers, ctx.Value("i", 0)),
            )
            how = (
                "forked from the crawl process"
                if ctx.get_start_method() == "fork"
                else "started from a fork server (other threads were running)"
            )
            log.info(
                "parse workers: %d, %s; %d spare at the lowest priority",
                self.workers,
                how,
                self.spare,
            )
        return self._executor

    def _context(self) -> BaseContext:
        if _can_fork():
            return multiprocessing.get_context("fork")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawlers.parsing"])  # imported once, for every worker
        return ctx

    async def extract(
        self,
        body: bytes,
        url: str,
        *,
        platform: str | None,
        overrides: dict[str, str],
        encoding: str | None,
    ) -> Parsed:
        """The article of a fetched page (and its prepared text work and packed page, see
        :func:`extract_prepared`), in a worker when there is one."""
        pool = self._pool()
        if pool is not None:
            done = await self._run(
                pool,
                extract_prepared,
                body,
                url,
                platform=platform,
                overrides=overrides,
                encoding=encoding,
                shape=self.shape,
            )
            if done is not None:
                return done
        return extract_prepared(
            body, url, platform=platform, overrides=overrides, encoding=encoding, shape=self.shape
        )

    async def extract_list(
        self,
        body: bytes,
        url: str,
        *,
        platform: str | None,
        overrides: dict[str, str],
        encoding: str | None,
    ) -> ListPage:
        """The links of a fetched list page (:func:`crawlers.extract.extract_list`), in a
        worker when one is free: queued behind article pages, a list page would hold up
        the requests it leads to."""
        pool = self._pool()
        if pool is not None and self._waiting() < self.workers:
            done = await self._run(
                pool,
                extract_list,
                body,
                url,
                platform=platform,
                overrides=overrides,
                encoding=encoding,
            )
            if done is not None:
                return done
        if self._executor is not None:  # a worker exists, none is free
            self.inline_lists += 1
        return extract_list(body, url, platform=platform, overrides=overrides, encoding=encoding)

    async def _run(
        self, pool: ProcessPoolExecutor, fn: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T | None:
        """``fn`` in a worker; None when the pool is broken (a worker died): the caller
        does the work itself, and so does the rest of the crawl."""
        try:
            future = pool.submit(fn, *args, **kwargs)
            self._queued.add(future)
            self.most_waiting = max(self.most_waiting, len(self._queued))
            future.add_done_callback(self._queued.discard)  # in the pool's thread, at once
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as e:
            log.warning("parse workers died (%s); extracting in the crawl process", e)
            self.workers = self.spare = 0
            self._shutdown()
            return None

    def busy(self) -> bool:
        """True while pages given to the workers are not done (their items are coming)."""
        return bool(self._queued)

    def _waiting(self) -> int:
        """Tasks the workers have not finished. Each leaves the set when its future is
        done, in the pool's own thread: the busy reactor may not have run its callbacks yet."""
        return len(self._queued)

    def _shutdown(self) -> None:
        """Stop the workers. With no page in a worker it waits for them to end (they are
        idle: a few milliseconds), so the pool's own thread has ended too and the command
        keeps its quick exit (:func:`vnfeeds.exiting.exit_now` takes the interpreter's slow
        one while any such thread runs); with pages still in a worker (a crawl stopped
        early) it does not wait for them."""
        if self._executor is not None:
            self._executor.shutdown(wait=not self._queued, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        """Stop the workers; say how far behind the fetching they fell (the crawl's stats
        ``vnfeeds/parse/*`` and an INFO line: many pages waiting means extraction, not the
        network, set the crawl's pace: a machine short of CPU). A crawl that gave its
        workers nothing (no new page) has no line."""
        self._shutdown()
        if self._froze:  # a process that crawls again must not keep this crawl's cycles
            gc.unfreeze()
            self._froze = False
        stats = self.crawler.stats if self.crawler is not None else None
        if stats is not None:
            stats.set_value("vnfeeds/parse/workers", self.workers)
            stats.set_value("vnfeeds/parse/spare", self.spare)
            stats.set_value("vnfeeds/parse/most_waiting", self.most_waiting)
            stats.set_value("vnfeeds/parse/inline_lists", self.inline_lists)
        if self.workers and (self.most_waiting or self.inline_lists):
            log.info(
                "parse workers: at most %d pages waited for them; %d list pages were read in"
                " the crawl process, no worker being free",
                self.most_waiting,
                self.inline_lists,
            )
