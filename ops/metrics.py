"""Prometheus metrics: crawl figures per unit from the store, feed counters in process.

Crawls run in the scheduler's subprocesses while ``/metrics`` is served by
``vnfeeds serve``, so per-unit crawl metrics are read from the store at scrape time
(:class:`StoreCollector`): they survive restarts and agree between processes.

Names (all prefixed ``vnfeeds_``):

=====================================  =======  ===============================================
name                                   type     labels / meaning
=====================================  =======  ===============================================
crawl_runs_total                       counter  unit, status: finished crawl runs
crawl_duration_seconds                 summary  unit: duration of finished runs (sum, count)
crawl_last_duration_seconds            gauge    unit: duration of the newest finished run
crawl_pages_total                      counter  unit: pages fetched
crawl_requests_total                   counter  unit: HTTP requests made
crawl_new_items_total                  counter  unit: new articles found
crawl_updated_items_total              counter  unit: changed articles
crawl_errors_total                     counter  unit: errors recorded
crawl_last_run_timestamp_seconds       gauge    unit: end of the newest run (Unix time)
unit_state                             gauge    unit, state: 1 for the unit's state, else 0
unit_failures                          gauge    unit: consecutive failures (backoff level)
unit_paused                            gauge    unit: 1 when paused
feed_requests_total                    counter  kind: feed requests served (rss/atom/json/opml/…)
feed_not_modified_total                counter  kind: of those, answered 304 Not Modified
=====================================  =======  ===============================================

``vnfeeds serve`` does not touch these two counters per request: it tallies requests in a
dict (``web.feedcounts.FeedCounts``) and adds the tallies when ``/metrics`` is read, so every
request answered before a scrape is shown. :func:`count_feed_request` counts one request
straight away, for callers off the hot path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, func, select

from ops.health import STATES
from ops.overview import latest_runs, run_duration
from storage.db import Store
from storage.models import CrawlRun, Unit

PREFIX = "vnfeeds"

#: Feed requests served, by kind (rss, atom, json, opml, html). Not registered in
#: any registry by itself: :func:`build_registry` adds it.
FEED_REQUESTS = Counter(f"{PREFIX}_feed_requests", "Feed requests served", ["kind"], registry=None)
#: Feed requests answered 304 Not Modified, by kind.
FEED_NOT_MODIFIED = Counter(
    f"{PREFIX}_feed_not_modified",
    "Feed requests answered 304 Not Modified",
    ["kind"],
    registry=None,
)


@functools.cache
def _feed_counters(kind: str) -> tuple[Any, Any]:
    return FEED_REQUESTS.labels(kind=kind), FEED_NOT_MODIFIED.labels(kind=kind)


def count_feed_request(kind: str, not_modified: bool = False) -> None:
    """Count one feed request (and a 304 if it was one); on the serving hot path."""
    requests, not_mod = _feed_counters(kind)
    requests.inc()
    if not_modified:
        not_mod.inc()


def _seconds_expr(store: Store) -> ColumnElement[Any]:
    """SQL for a run's duration in seconds (dialect-specific date arithmetic)."""
    if store.engine.dialect.name == "postgresql":
        return func.extract("epoch", CrawlRun.finished_at - CrawlRun.started_at)
    return (func.julianday(CrawlRun.finished_at) - func.julianday(CrawlRun.started_at)) * 86400.0


class StoreCollector(Collector):
    """Per-unit crawl and state metrics, computed from the store at each scrape."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        """Yield every per-unit metric family."""
        p = PREFIX
        runs_total = CounterMetricFamily(
            f"{p}_crawl_runs", "Finished crawl runs", labels=["unit", "status"]
        )
        duration = SummaryMetricFamily(
            f"{p}_crawl_duration_seconds", "Duration of finished crawl runs", labels=["unit"]
        )
        last_duration = GaugeMetricFamily(
            f"{p}_crawl_last_duration_seconds", "Duration of the newest run", labels=["unit"]
        )
        last_ts = GaugeMetricFamily(
            f"{p}_crawl_last_run_timestamp_seconds", "End of the newest run", labels=["unit"]
        )
        sums = {
            "pages": CounterMetricFamily(f"{p}_crawl_pages", "Pages fetched", labels=["unit"]),
            "requests": CounterMetricFamily(
                f"{p}_crawl_requests", "HTTP requests made", labels=["unit"]
            ),
            "new": CounterMetricFamily(
                f"{p}_crawl_new_items", "New articles found", labels=["unit"]
            ),
            "updated": CounterMetricFamily(
                f"{p}_crawl_updated_items", "Changed articles found", labels=["unit"]
            ),
            "errors": CounterMetricFamily(
                f"{p}_crawl_errors", "Errors recorded by crawls", labels=["unit"]
            ),
        }
        state = GaugeMetricFamily(
            f"{p}_unit_state", "1 for the unit's current state", labels=["unit", "state"]
        )
        failures = GaugeMetricFamily(
            f"{p}_unit_failures", "Consecutive failed crawls", labels=["unit"]
        )
        paused = GaugeMetricFamily(f"{p}_unit_paused", "1 when paused", labels=["unit"])

        finished = CrawlRun.finished_at.is_not(None)
        with self.store.session() as s:
            for uid, status, n in s.execute(
                select(CrawlRun.unit_id, CrawlRun.status, func.count())
                .where(finished)
                .group_by(CrawlRun.unit_id, CrawlRun.status)
            ):
                runs_total.add_metric([uid, status], n)
            cols = [func.sum(getattr(CrawlRun, k)) for k in sums]
            for uid, *vals in s.execute(
                select(CrawlRun.unit_id, *cols).where(finished).group_by(CrawlRun.unit_id)
            ):
                for fam, v in zip(sums.values(), vals, strict=True):
                    fam.add_metric([uid], float(v or 0))
            secs = _seconds_expr(self.store)
            for uid, n, total in s.execute(
                select(CrawlRun.unit_id, func.count(), func.sum(secs))
                .where(finished)
                .group_by(CrawlRun.unit_id)
            ):
                duration.add_metric([uid], count_value=n, sum_value=round(float(total or 0), 3))
            units = list(s.scalars(select(Unit).order_by(Unit.id)))
        for uid, run in latest_runs(self.store).items():
            d = run_duration(run)
            if d is not None and run.finished_at is not None:
                last_duration.add_metric([uid], d)
                last_ts.add_metric([uid], run.finished_at.timestamp())
        for u in units:
            for st in STATES:
                state.add_metric([u.id, st], 1.0 if u.state == st else 0.0)
            failures.add_metric([u.id], float(u.failures or 0))
            paused.add_metric([u.id], 1.0 if u.paused else 0.0)
        yield runs_total
        yield duration
        yield last_duration
        yield last_ts
        yield from sums.values()
        yield state
        yield failures
        yield paused


def build_registry(store: Store | None = None) -> CollectorRegistry:
    """A fresh registry with the feed counters and (given a store) the unit metrics."""
    reg = CollectorRegistry(auto_describe=True)
    reg.register(FEED_REQUESTS)
    reg.register(FEED_NOT_MODIFIED)
    if store is not None:
        reg.register(StoreCollector(store))
    return reg
