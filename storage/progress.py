"""Durable crawl progress: what a crawl listed but has not finished, and dead runs.

A list page's fresh entries (and its next page) are written as pending rows before
they are requested; a row is deleted in the transaction that stores its article (or
records the next page's own entries). A crawl that is killed at any point therefore
leaves exactly its unfinished work behind, and the next plain run resumes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from storage import models as m
from storage.urls import canonical_url

_PENDING = cast(Table, m.PendingEntry.__table__)
_DONE = delete(_PENDING).where(_PENDING.c.key.in_(bindparam("keys", expanding=True)))
# built once: a list page's entries are looked up and added with every page
_KNOWN = select(_PENDING.c.key).where(_PENDING.c.key.in_(bindparam("keys", expanding=True)))
_ADD = insert(_PENDING)

#: A pending entry that failed this many runs in a row is given up (its error is recorded).
MAX_ATTEMPTS = 3
#: Days a given-up article link is skipped when its list shows it again; then it is
#: tried once more (an article page can go up after its list entry).
DEAD_LINK_DAYS = 7
#: How long a dead link is remembered after its skip ran out (then its row is deleted).
DEAD_LINK_MEMORY_DAYS = 28


@dataclass(frozen=True)
class Pending:
    """One piece of unfinished work: an article to fetch or a list page to walk."""

    kind: str  # "article" | "list"
    url: str
    category: str = ""
    list_date: str | None = None
    page: int = 0
    title: str = ""


def pending_key(unit_id: str, kind: str, url: str) -> str:
    """The row key of a unit's pending article or list page."""
    return hashlib.sha256(f"{unit_id}\0{kind}\0{url}".encode()).hexdigest()


def add_pending(s: Session, unit_id: str, entries: Iterable[Pending], now: datetime) -> None:
    """Remember entries as listed but not done (an entry already pending is kept as is)."""
    keyed: dict[str, Pending] = {}
    for e in entries:
        keyed.setdefault(pending_key(unit_id, e.kind, e.url), e)  # the first listing wins
    if not keyed:
        return
    s.flush()  # statements below go straight to the connection: the session's own first
    conn = s.connection()
    # one lookup for the page's entries, not one per entry
    known = set(conn.scalars(_KNOWN, {"keys": list(keyed)}))
    rows = [
        {
            "key": key,
            "unit_id": unit_id,
            "kind": e.kind,
            "url": e.url,
            "category": e.category,
            "list_date": e.list_date,
            "page": e.page,
            "title": e.title,
            "attempts": 0,
            "listed_at": now,
        }
        for key, e in keyed.items()
        if key not in known
    ]
    if rows:
        conn.execute(_ADD, rows)


def done_pending(s: Session, unit_id: str, kind: str, url: str) -> None:
    """The entry is done (stored, or its page walked): forget it."""
    done_pendings(s, [(unit_id, kind, url)])


def done_pendings(s: Session, entries: Iterable[tuple[str, str, str]]) -> None:
    """These ``(unit_id, kind, url)`` entries are done: forget them, in one statement."""
    keys = [pending_key(*e) for e in entries]
    held = [k for k in keys if identity_key(m.PendingEntry, k) in s.identity_map]
    if held:  # via the ORM, which holds objects of them
        s.execute(delete(m.PendingEntry).where(m.PendingEntry.key.in_(held)))
    # those the session holds no object of: no flush and no session bookkeeping needed
    rest = [k for k in keys if k not in held]
    if rest:
        s.connection().execute(_DONE, {"keys": rest})


def failed_pending(
    s: Session,
    unit_id: str,
    kind: str,
    url: str,
    error: str,
    *,
    give_up: bool = False,
    dead: bool = False,
    now: datetime | None = None,
) -> bool:
    """Count a failed attempt; True when the entry is given up (``give_up``, ``dead`` or
    too many).

    ``dead`` (an article whose page answered and holds no article: judged, not a failure
    that may pass) also makes its link a dead link (:class:`~storage.models.DeadLink`):
    its list keeps showing it, and it is not fetched again for :data:`DEAD_LINK_DAYS`. A
    fetch that failed is not: the next run's listing brings it back, as before.
    """
    row = s.get(m.PendingEntry, pending_key(unit_id, kind, url))
    if row is None:
        return False
    if give_up or dead or row.attempts + 1 >= MAX_ATTEMPTS:
        s.delete(row)
        if dead and kind == "article":
            bury(s, unit_id, url, error, now or m.utcnow())
        return True
    row.attempts += 1
    row.last_error = error
    return False


def pending_of(s: Session, unit_id: str) -> list[Pending]:
    """A unit's unfinished work, oldest first (list pages before articles)."""
    rows = s.scalars(
        select(m.PendingEntry)
        .where(m.PendingEntry.unit_id == unit_id)
        .order_by(m.PendingEntry.kind.desc(), m.PendingEntry.listed_at, m.PendingEntry.key)
    )
    return [Pending(r.kind, r.url, r.category, r.list_date, r.page, r.title) for r in rows]


def bury(s: Session, unit_id: str, url: str, reason: str, now: datetime) -> None:
    """Remember ``url`` as a dead link of the unit until :data:`DEAD_LINK_DAYS` from now.

    The unit's rows expired for :data:`DEAD_LINK_MEMORY_DAYS` go (a link its lists stopped
    showing, or that came back as an article): the table holds what is still of use.
    """
    canon = canonical_url(url)
    key = pending_key(unit_id, "dead", canon)
    s.execute(
        delete(m.DeadLink).where(
            m.DeadLink.unit_id == unit_id,
            m.DeadLink.until < now - timedelta(days=DEAD_LINK_MEMORY_DAYS),
            m.DeadLink.key != key,
        )
    )
    row = s.get(m.DeadLink, key) or m.DeadLink(key=key, unit_id=unit_id, url=canon)
    row.reason, row.found_at = reason[:2000], now
    row.until = now + timedelta(days=DEAD_LINK_DAYS)
    s.add(row)


def dead_link_sets(s: Session, unit_id: str, now: datetime) -> tuple[set[str], set[str]]:
    """The unit's dead links as canonical URLs: (not to fetch again yet, due again).

    A link due again is fetched; found dead once more it is no news about the unit's pages
    (the crawl counts it as ``dead_links_still_dead``, not against the unit's health).
    """
    skip: set[str] = set()
    due: set[str] = set()
    rows = s.execute(select(m.DeadLink.url, m.DeadLink.until).where(m.DeadLink.unit_id == unit_id))
    for url, until in rows.tuples():
        (skip if until > now else due).add(url)
    return skip, due


def close_dead_runs(s: Session, unit_ids: Iterable[str], now: datetime) -> list[int]:
    """Close the ``running`` runs of these units as ``killed``; returns their ids.

    Called with the units' locks held, so a run still marked running belongs to a
    process that died without closing it.
    """
    ids = list(
        s.scalars(
            select(m.CrawlRun.id).where(
                m.CrawlRun.unit_id.in_(list(unit_ids)), m.CrawlRun.status == "running"
            )
        )
    )
    if ids:
        s.execute(
            update(m.CrawlRun)
            .where(m.CrawlRun.id.in_(ids))
            .values(
                status="killed",
                finished_at=now,
                error_text="the crawl process died before finishing this run; "
                "its unfinished work is resumed by the next run",
            )
        )
    return ids
