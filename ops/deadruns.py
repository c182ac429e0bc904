"""Closing the runs of crawls that died, whoever started them.

A run stays ``running`` when its crawl process dies (killed, out of memory, its Scrapyd node
gone). The unit's next crawl closes it (it holds the unit's lock, so such a run is dead), and
the scheduler that dispatched a lost Scrapyd job closes it too. When neither happens (the unit
is paused, or the dispatching scheduler died as well), the leader's sweep does: a unit with a
``running`` run whose lock it can take has no live crawl, so the run is closed as killed.
"""

from __future__ import annotations

from sqlalchemy import select

from ops.locks import LockBusy, default_holder, unit_lock
from storage.db import Store
from storage.models import CrawlRun, utcnow
from storage.progress import close_dead_runs


def sweep_dead_runs(store: Store) -> dict[str, list[int]]:
    """Close, as killed, the running runs of units no process holds the lock of."""
    with store.session() as s:
        units = sorted(set(s.scalars(select(CrawlRun.unit_id).where(CrawlRun.status == "running"))))
    holder = default_holder("sweep")
    closed: dict[str, list[int]] = {}
    for unit_id in units:
        try:
            with unit_lock(store, unit_id, holder=holder, ttl=30.0), store.session() as s:
                ids = close_dead_runs(s, [unit_id], utcnow())
        except LockBusy:
            continue  # a crawl holds it: its run is alive
        if ids:
            closed[unit_id] = ids
    return closed
