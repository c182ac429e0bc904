"""Feed request counts for ``/metrics``, tallied cheaply on serve's hot path.

Counting each feed request straight into the Prometheus counters
(``ops.metrics.count_feed_request``: a label lookup and two locked increments) was about
0.9 µs of the ~5 µs of Python a cached 304 costs in ``web.fastpath`` (measured in process,
docs/benchmarks.md). ``FeedCounts`` is the app's request hook instead: it adds one to a
dict entry per request and hands the totals to the counters when ``/metrics`` is read
(``flush``), so the exposition shows every request answered before the scrape. Both run on
the event loop's thread.
"""

from __future__ import annotations

from ops.metrics import FEED_NOT_MODIFIED, FEED_REQUESTS


class FeedCounts:
    """A request hook (``web.app.RequestHook``) tallying (kind, 304?) until flushed."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: dict[tuple[str, bool], int] = {}

    def __call__(self, kind: str, not_modified: bool = False) -> None:
        key = (kind, not_modified)
        pending = self.pending
        pending[key] = pending.get(key, 0) + 1

    def flush(self) -> None:
        """Add the tallies to ``vnfeeds_feed_requests_total`` and ``…_not_modified_total``."""
        pending, self.pending = self.pending, {}
        for (kind, not_modified), n in pending.items():
            FEED_REQUESTS.labels(kind=kind).inc(n)
            if not_modified:
                FEED_NOT_MODIFIED.labels(kind=kind).inc(n)
