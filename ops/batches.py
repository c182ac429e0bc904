"""Fired units gathered into batch crawls: one crawl process for many units.

A unit crawl process pays its start-up (Python, Scrapy, the parsers: about a second of
CPU) before its first request; an unchanged unit then needs a few conditional GETs. At
thousands of units polled every few minutes the start-ups are most of the work, so the
scheduler can hand each crawl process several units at once.

When a unit's schedule fires, :meth:`BatchQueue.submit` queues it and returns (the
scheduler's thread is free at once). A dispatcher thread waits ``window`` seconds from
the first queued unit for others to join it (or until ``max_units`` are queued), then
runs the batch on one of ``slots`` threads (``run_batch``: lock each unit, one crawl
process, judge each unit). A unit already queued or being crawled is not queued again,
which is what ``max_instances=1`` does for a job that runs in the scheduler's thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ops.logging import NO_UNIT, event

log = logging.getLogger("vnfeeds.ops.batches")

RunBatch = Callable[[Sequence[str]], Any]


class BatchQueue:
    """Queue of fired units and the threads that crawl them in batches."""

    def __init__(self, run_batch: RunBatch, *, max_units: int, window: float, slots: int) -> None:
        if max_units < 1 or slots < 1 or window < 0:
            raise ValueError("batch: max_units and slots must be ≥ 1, window ≥ 0")
        self.run_batch = run_batch
        self.max_units = max_units
        self.window = window
        self._queue: list[str] = []  # in firing order
        self._queued: set[str] = set()  # the same units, for membership
        self._first_at = 0.0  # when the oldest queued unit was queued (monotonic)
        self._busy: set[str] = set()  # units of running batches
        self._cond = threading.Condition()
        self._free = threading.Semaphore(slots)
        self._stopped = False
        self._pool = ThreadPoolExecutor(slots, thread_name_prefix="vnfeeds-batch")
        self._thread = threading.Thread(target=self._dispatch, name="vnfeeds-batches", daemon=True)
        self._thread.start()

    def submit(self, unit_id: str) -> bool:
        """Queue the unit for the next batch; False when it is queued or crawling already."""
        with self._cond:
            if self._stopped or unit_id in self._busy or unit_id in self._queued:
                return False
            if not self._queue:
                self._first_at = time.monotonic()
            self._queue.append(unit_id)
            self._queued.add(unit_id)
            self._cond.notify_all()
            return True

    def pending(self) -> list[str]:
        """Units queued and not yet handed to a crawl."""
        with self._cond:
            return list(self._queue)

    def busy(self) -> set[str]:
        """Units whose batch crawl is running."""
        with self._cond:
            return set(self._busy)

    def drop(self, reason: str) -> list[str]:
        """Drop the queued units (returned), logged as skipped for ``reason``."""
        with self._cond:
            dropped, self._queue = self._queue, []
            self._queued.clear()
        for uid in dropped:
            event(log, "job_skipped", uid, reason=reason)
        return dropped

    def stop(self) -> list[str]:
        """Take no more units and drop the queued ones (returned); running batches go on."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        return self.drop("stopping")

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running batches to end (after :meth:`stop`)."""
        self._thread.join(timeout)
        self._pool.shutdown(wait=timeout is None or timeout > 0)

    # -- the dispatcher thread ---------------------------------------------------------
    def _next_batch(self) -> list[str] | None:
        """Block until a batch is due (full, or its window over); None once stopped."""
        with self._cond:
            while True:
                if self._stopped:
                    return None
                if self._queue:
                    wait = self._first_at + self.window - time.monotonic()
                    if len(self._queue) >= self.max_units or wait <= 0:
                        batch = self._queue[: self.max_units]
                        del self._queue[: self.max_units]
                        self._queued.difference_update(batch)
                        self._busy.update(batch)
                        return batch
                    self._cond.wait(wait)
                else:
                    self._cond.wait()

    def _dispatch(self) -> None:
        while True:
            self._free.acquire()  # a crawl slot first: units queue up while all are busy
            batch = self._next_batch()
            if batch is None:
                self._free.release()
                return
            event(log, "batch_dispatched", NO_UNIT, units=len(batch))
            self._pool.submit(self._run, batch)

    def _run(self, batch: list[str]) -> None:
        try:
            self.run_batch(batch)
        except Exception:
            log.exception(
                "batch crawl failed",
                extra={"vn_event": "job_error", "vn_unit": ",".join(batch)},
            )
        finally:
            with self._cond:
                self._busy.difference_update(batch)
            self._free.release()
