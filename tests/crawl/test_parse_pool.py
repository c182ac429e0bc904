"""Where the parse pool reads a page (a worker, or the crawl process), the output is the same."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawlers.extract import extract_list
from crawlers.parsing import Parsed, ParsePool, extract_prepared
from crawlers.platforms.base import ListPage
from dedup.config import DedupConfig
from vnfeeds import exiting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nukeviet"
SHAPE = (DedupConfig().shingle, DedupConfig().num_perm)


def _pages() -> list[tuple[bytes, str]]:
    names = ("hoi_nghi_28_tinh", "lich_tiep_cong_dan")
    return [
        (
            (FIXTURES / f"{n}.html").read_bytes(),
            json.loads((FIXTURES / f"{n}.meta.json").read_text())["url"],
        )
        for n in names
    ]


def _same(a: Parsed, b: Parsed) -> None:
    assert a.article == b.article
    assert a.prepared is not None and b.prepared is not None
    assert a.prepared.content_hash == b.prepared.content_hash
    assert a.prepared.fingerprint == b.prepared.fingerprint
    assert a.prepared.title_lead_form == b.prepared.title_lead_form
    assert a.packed == b.packed


def test_list_pages_go_to_a_free_worker_or_are_read_in_the_crawl_process() -> None:
    meta = json.loads((FIXTURES / "thong_bao.list.meta.json").read_text())
    body = (FIXTURES / "thong_bao.list.html").read_bytes()
    expected = extract_list(body, meta["url"], platform="nukeviet", overrides={}, encoding=None)
    assert expected.entries  # a list page with links

    async def run() -> tuple[ListPage, list[ListPage]]:
        pool = ParsePool(1, SHAPE)
        try:
            alone = await pool.extract_list(
                body, meta["url"], platform="nukeviet", overrides={}, encoding=None
            )
            assert pool.inline_lists == 0  # the worker was free
            # with an article page waiting for the worker, the list page is not queued behind it
            art, url = _pages()[0]
            busy = asyncio.ensure_future(
                pool.extract(art, url, platform="nukeviet", overrides={}, encoding=None)
            )
            await asyncio.sleep(0)
            assert pool._waiting() == 1
            during = await pool.extract_list(
                body, meta["url"], platform="nukeviet", overrides={}, encoding=None
            )
            assert pool.inline_lists == 1
            await busy
            return alone, [during]
        finally:
            pool.close()

    alone, others = asyncio.run(run())
    assert alone == expected and others == [expected]


def test_a_dead_worker_leaves_the_pages_to_the_crawl_process() -> None:
    (body, url), *_ = _pages()
    meta = json.loads((FIXTURES / "thong_bao.list.meta.json").read_text())
    listing = (FIXTURES / "thong_bao.list.html").read_bytes()

    async def run() -> tuple[Parsed, ListPage, int]:
        pool = ParsePool(1, SHAPE)
        try:
            await pool.extract(body, url, platform="nukeviet", overrides={}, encoding=None)
            assert pool._executor is not None
            (worker,) = pool._executor._processes
            os.kill(worker, signal.SIGKILL)  # killed, as the out-of-memory killer would
            deadline = time.monotonic() + 10
            while pool._executor is not None and time.monotonic() < deadline:
                try:
                    parsed = await pool.extract(
                        body, url, platform="nukeviet", overrides={}, encoding=None
                    )
                except Exception as e:  # pragma: no cover - the test fails below
                    raise AssertionError(f"the page was lost: {e!r}") from e
                await asyncio.sleep(0.05)
            page = await pool.extract_list(
                listing, meta["url"], platform="nukeviet", overrides={}, encoding=None
            )
            return parsed, page, pool.workers
        finally:
            pool.close()

    parsed, page, workers = asyncio.run(run())
    assert workers == 0  # the rest of the crawl extracts in the crawl process
    _same(
        parsed,
        extract_prepared(body, url, platform="nukeviet", overrides={}, encoding=None, shape=SHAPE),
    )
    assert page == extract_list(
        listing, meta["url"], platform="nukeviet", overrides={}, encoding=None
    )


def test_the_pool_keeps_no_finished_task() -> None:
    # a finished task holds its result (article, text work, packed page): kept, a long
    # crawl's articles would stay in memory until the end
    async def run() -> int:
        pool = ParsePool(1, SHAPE)
        try:
            for body, url in _pages() * 3:
                await pool.extract(body, url, platform="nukeviet", overrides={}, encoding=None)
            return len(pool._queued)
        finally:
            pool.close()

    assert asyncio.run(run()) == 0


def test_an_idle_pool_ends_its_workers_and_its_thread_when_closed() -> None:
    """Closed with no page in a worker, the pool has ended its workers and its own thread
    by the time ``close`` returns: a thread left joining them would turn the command's
    quick exit into the interpreter's slow one (``vnfeeds.exiting``)."""

    threads: list[threading.Thread] = []  # the pool's own thread (typeshed types it oddly)

    async def run() -> list[int]:
        pool = ParsePool(1, SHAPE, spare=1)
        try:
            for body, url in _pages():
                await pool.extract(body, url, platform="nukeviet", overrides={}, encoding=None)
            assert pool._executor is not None
            threads.append(pool._executor._executor_manager_thread)  # type: ignore[arg-type]
            return list(pool._executor._processes)
        finally:
            pool.close()

    workers = asyncio.run(run())
    assert workers  # one or two: a pool started from a fork server starts them as needed
    assert threads[0] is not None and not threads[0].is_alive(), "the pool's thread runs on"
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")], "workers left"
    assert not exiting._others_running(), "a thread of the pool is still running"


def test_a_pool_closed_with_a_page_in_a_worker_does_not_wait_for_it() -> None:
    """A crawl stopped early (a signal, a timeout) closes its pool at once, with a page
    still in a worker."""
    waited: list[float] = []

    async def run() -> None:
        pool = ParsePool(1, SHAPE, spare=0)
        executor = pool._pool()
        assert executor is not None
        slow = asyncio.ensure_future(pool._run(executor, time.sleep, 3.0))
        while not pool.busy():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # the worker has the page
        (worker,) = executor._processes
        started = time.monotonic()
        pool.close()
        waited.append(time.monotonic() - started)
        os.kill(worker, signal.SIGKILL)  # not left sleeping for the rest of the test run
        slow.cancel()

    asyncio.run(run())
    assert waited[0] < 1.5, f"close waited {waited[0]:.1f} s for the page in the worker"


def test_the_pool_reports_how_far_the_workers_fell_behind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pages waiting for the workers at once, and list pages read in the crawl process: in
    the crawl's stats and one INFO line when it closes (extraction setting the pace)."""
    crawler = get_crawler()
    assert crawler.stats is not None
    (art, url), (art2, url2) = _pages()
    meta = json.loads((FIXTURES / "thong_bao.list.meta.json").read_text())
    body = (FIXTURES / "thong_bao.list.html").read_bytes()

    async def run() -> None:
        pool = ParsePool(1, SHAPE)
        pool.crawler = crawler
        try:
            await asyncio.gather(
                pool.extract(art, url, platform="nukeviet", overrides={}, encoding=None),
                pool.extract(art2, url2, platform="nukeviet", overrides={}, encoding=None),
                pool.extract_list(
                    body, meta["url"], platform="nukeviet", overrides={}, encoding=None
                ),
            )
        finally:
            with caplog.at_level(logging.INFO, logger="crawlers.parsing"):
                pool.close()

    asyncio.run(run())
    assert crawler.stats.get_value("vnfeeds/parse/workers") == 1
    assert crawler.stats.get_value("vnfeeds/parse/most_waiting") == 2
    assert crawler.stats.get_value("vnfeeds/parse/inline_lists") == 1  # both pages were queued
    assert "at most 2 pages waited for them; 1 list pages" in caplog.text


def test_a_pool_given_nothing_reports_zeros_and_logs_no_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A crawl that found nothing new gave its workers no page: the stats say 0, and no
    "at most 0 pages waited" line is logged."""
    crawler = get_crawler()
    assert crawler.stats is not None
    pool = ParsePool(1, SHAPE)
    pool.crawler = crawler
    pool.start()  # the workers get a task (the fork's first), but no page
    with caplog.at_level(logging.INFO, logger="crawlers.parsing"):
        pool.close()
    assert crawler.stats.get_value("vnfeeds/parse/workers") == 1
    assert crawler.stats.get_value("vnfeeds/parse/most_waiting") == 0
    assert "pages waited" not in caplog.text


def test_a_forking_pool_freezes_what_the_crawl_holds_before_the_fork() -> None:
    """Long-lived objects are moved out of the collector's reach before the workers fork
    (CPython's advice: fewer full collections rescanning them, pages stay shared), and
    let back at close; a pool with no workers forks and freezes nothing. In a fresh
    process: one thread."""
    code = """
import gc
from crawlers.parsing import ParsePool
for workers in (0, 1):
    pool = ParsePool(workers, None)
    pool.start()
    print(workers, pool._executor is not None, gc.get_freeze_count() > 0)
    pool.close()
    print("closed", gc.get_freeze_count())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split("\n")
    # and thawed at close: a process that crawls again collects this crawl's cycles
    assert out[:4] == ["0 False False", "closed 0", "1 True True", "closed 0"]


def test_a_forking_pool_loads_what_its_workers_need_before_the_fork() -> None:
    """What a worker would load at its first page (numpy's lazily loaded modules, the MinHash
    permutations) is loaded once in the crawl process before the fork: after the pool
    starts, preparing a page imports nothing new. Which numpy modules those are depends on
    numpy's version, so the test compares module sets, not names."""
    code = """
import sys
from crawlers.parsing import ParsePool
from dedup.fingerprint import Fingerprinter
from dedup.minhash import permutations
from dedup.prepared import prepare
warm = sys.argv[1] == "warm"
if warm:
    pool = ParsePool(1, (3, 128))
    pool.start()
before = set(sys.modules)
cached = permutations.cache_info().currsize
prepare("Một tin khác", "", "Một bài khác, dài hơn một chút, để chuẩn bị như trang đầu.",
        Fingerprinter(num_perm=128, k=3))
print(sorted(set(sys.modules) - before), cached, permutations.cache_info().currsize)
if warm:
    pool.close()
"""

    def first_page(mode: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code, mode],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split("\n")[0]

    # without the warm-up a first page loads modules and computes the permutations
    # (none before it, one after), so the comparison below can fail
    cold = first_page("cold")
    assert cold.endswith(" 0 1") and not cold.startswith("[]"), cold
    assert first_page("warm") == "[] 1 1"


def _workers_niceness(pool: ParsePool, spare: int = 1) -> list[int]:
    """The priorities of the pool's workers, read again for a few seconds until ``spare``
    of them are at nice 19: a worker the fork server started for a page another worker
    already took may not have run its initializer yet."""
    assert pool._executor is not None
    pids = list(pool._executor._processes)  # the executor's worker processes
    deadline = time.monotonic() + 10
    while True:
        nice = sorted(os.getpriority(os.PRIO_PROCESS, pid) for pid in pids)
        if nice.count(19) >= spare or time.monotonic() > deadline:
            return nice
        time.sleep(0.05)


@pytest.mark.parametrize("how", ["fork", "forkserver"])
def test_the_spare_worker_runs_at_the_lowest_priority_beside_the_normal_ones(how: str) -> None:
    """One worker keeps the crawl's priority, the spare takes nice 19: it only gets the CPU
    time the crawl and the normal worker leave (the crawl's tail). A pool made while other
    threads run starts its workers from a fork server, one by one: the same split."""
    base = os.nice(0)

    async def run() -> list[int]:
        pool = ParsePool(1, SHAPE, spare=1)
        try:
            if how == "fork":
                pool.start()
            else:
                pool._executor = None  # as a pool made in a running reactor: a fork server
                ctx = __import__("multiprocessing").get_context("forkserver")
                pool._context = lambda: ctx  # type: ignore[method-assign]
            body, url = _pages()[0]
            # two pages at once: a fork server starts the second worker only when needed
            await asyncio.gather(
                *(
                    pool.extract(body, url, platform="nukeviet", overrides={}, encoding=None)
                    for _ in range(2)
                )
            )
            return _workers_niceness(pool)
        finally:
            pool.close()

    assert asyncio.run(run()) == [base, 19]


def test_the_spare_is_a_setting_and_needs_workers() -> None:
    """``VNFEEDS_PARSE_SPARE`` (on by default) adds the spare; a pool with no workers (pages
    read in the crawl process) has none either."""
    on = ParsePool.from_crawler(get_crawler(settings_dict={"VNFEEDS_PARSE_WORKERS": 1}))
    off = ParsePool.from_crawler(
        get_crawler(settings_dict={"VNFEEDS_PARSE_WORKERS": 1, "VNFEEDS_PARSE_SPARE": False})
    )
    inline = ParsePool.from_crawler(
        get_crawler(settings_dict={"VNFEEDS_PARSE_WORKERS": 0, "VNFEEDS_PARSE_SPARE": True})
    )
    try:
        executors = [p._pool() for p in (on, off, inline)]
        sizes = [getattr(e, "_max_workers", 0) for e in executors]
        assert sizes == [2, 1, 0]  # the executor's processes: normal workers and the spare
        assert [(p.workers, p.spare) for p in (on, off, inline)] == [(1, 1), (1, 0), (0, 0)]
    finally:
        for pool in (on, off, inline):
            pool.close()
