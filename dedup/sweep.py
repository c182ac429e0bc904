"""Comparing stored articles again: the whole store (``vnfeeds dedup run``) or a window.

Two crawl processes that store two copies of one story at the same moment on PostgreSQL
may each process its copy before the other's is committed, and then neither meets the
other (``docs/dedup.md``, "Limit of the catch-up"). Such a pair has both articles written
within seconds of each other, so a **sweep** that compares the articles changed since a
time with each other (and with exact matches anywhere) finds it: the scheduler's leader
sweeps the last minutes every few minutes on PostgreSQL, ``vnfeeds dedup sweep`` on
demand. Editors' decisions are kept, as in every re-processing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from dedup.config import DedupConfig
from dedup.engine import DedupEngine
from storage import models as m
from storage.db import Store

A = m.Article


def reprocess(
    store: Store, engine: DedupEngine, ids: Sequence[int], batch: int = 200
) -> dict[str, int]:
    """Process these articles again in the given order, ``batch`` to a transaction.

    Returns {"articles": N, "duplicate": N, "review": N} (pairs in each band, counted once).
    """
    seen: dict[int, str] = {}
    n = 0
    for i in range(0, len(ids), batch):
        part = ids[i : i + batch]
        order = {aid: k for k, aid in enumerate(part)}
        with store.session() as s:
            rows = sorted(s.scalars(select(A).where(A.id.in_(part))), key=lambda a: order[a.id])
            for art in rows:
                for c in engine.process(s, art):
                    seen[c.id] = c.verdict
                n += 1
    verdicts = list(seen.values())
    return {
        "articles": n,
        "duplicate": verdicts.count("duplicate"),
        "review": verdicts.count("review"),
    }


def sweep(
    store: Store, since: datetime, *, config: DedupConfig | None = None, batch: int = 200
) -> dict[str, int]:
    """Compare the articles changed since ``since`` with each other, oldest change first.

    Only those articles are indexed (no snapshot is read or written), so a sweep of the
    last minutes costs what those articles cost, whatever the size of the store.
    """
    engine = DedupEngine(store, config, load=False)
    with store.session() as s:
        rows = s.execute(
            select(A.id, A.fingerprint, A.changed_at)
            .where(A.changed_at >= since)
            .order_by(A.changed_at, A.id)
        ).all()
    engine.index_window(tuple(r) for r in rows)
    return reprocess(store, engine, [r[0] for r in rows], batch)
