"""Crawl progress rows: a list page's entries are remembered once, as first listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from storage import models as m
from storage.db import Store
from storage.progress import (
    DEAD_LINK_DAYS,
    DEAD_LINK_MEMORY_DAYS,
    MAX_ATTEMPTS,
    Pending,
    add_pending,
    bury,
    dead_link_sets,
    done_pending,
    done_pendings,
    failed_pending,
    pending_of,
)


def test_entries_are_added_once_and_the_first_listing_wins(store: Store) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        add_pending(s, "u", [Pending("article", "http://u/1", category="Tin", title="Một"),
                             Pending("article", "http://u/1", category="Khác", title="Hai"),
                             Pending("list", "http://u/p2", page=2)], now)  # fmt: skip
    with store.session() as s:
        # listed again on a later page: kept as it was (attempts and first listing)
        row = s.scalars(m.PendingEntry.__table__.select()).all()
        assert len(row) == 2
        add_pending(s, "u", [Pending("article", "http://u/1", category="Sau", title="Ba"),
                             Pending("article", "http://u/2", title="Bốn")], now)  # fmt: skip
    with store.session() as s:
        got = {(p.kind, p.url): (p.category, p.title) for p in pending_of(s, "u")}
        assert got == {
            ("article", "http://u/1"): ("Tin", "Một"),
            ("list", "http://u/p2"): ("", ""),
            ("article", "http://u/2"): ("", "Bốn"),
        }
        done_pending(s, "u", "article", "http://u/1")
        add_pending(s, "u", [], now)  # nothing listed: nothing changes
    with store.session() as s:
        assert {p.url for p in pending_of(s, "u")} == {"http://u/p2", "http://u/2"}


def test_a_batch_of_entries_is_forgotten_at_once(store: Store) -> None:
    """A batch's stored articles leave the pending rows together, in one statement, also
    one the session holds an object of (and which it then no longer holds)."""
    now = datetime.now(UTC)
    with store.session() as s:
        add_pending(s, "u", [Pending("article", f"http://u/{i}") for i in range(5)], now)
        add_pending(s, "v", [Pending("article", "http://u/1")], now)  # another unit's
    deletes: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("DELETE FROM pending_entries"):
            deletes.append(statement)

    with store.session() as s:
        held = s.scalars(select(m.PendingEntry).where(m.PendingEntry.url == "http://u/2")).all()
        assert len(held) == 1
        done_pendings(s, [("u", "article", "http://u/1"), ("u", "article", "http://u/3")])
        assert len(deletes) == 1  # one statement for the two
        done_pendings(s, [("u", "article", "http://u/2"), ("u", "article", "http://u/4")])
        done_pendings(s, [])
    with store.session() as s:
        assert [p.url for p in pending_of(s, "u")] == ["http://u/0"]
        assert [p.url for p in pending_of(s, "v")] == ["http://u/1"]  # another unit's: kept


def test_an_article_judged_no_article_is_a_dead_link_for_a_while(store: Store) -> None:
    """An article link whose page held no article is remembered, canonical, until
    DEAD_LINK_DAYS from then; one whose fetch failed MAX_ATTEMPTS runs is only given up
    (the failure may pass: its list brings it back), and so is a list page."""
    now = datetime.now(UTC)
    with store.session() as s:
        add_pending(s, "u", [Pending("article", "http://www.u.vn/a?utm_source=x"),
                             Pending("article", "http://u.vn/b"),
                             Pending("list", "http://u.vn/p2", page=2)], now)  # fmt: skip
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with store.session() as s:
            gone = failed_pending(s, "u", "article", "http://u.vn/b", "HTTP 500")
            assert gone == (attempt == MAX_ATTEMPTS)
            assert dead_link_sets(s, "u", now)[0] == set()
    with store.session() as s:
        assert failed_pending(s, "u", "list", "http://u.vn/p2", "HTTP 500", give_up=True)
        assert failed_pending(
            s, "u", "article", "http://www.u.vn/a?utm_source=x", "no article", give_up=True,
            dead=True, now=now,  # the test's clock: ``later`` below is counted from it
        )  # fmt: skip
    with store.session() as s:
        assert dead_link_sets(s, "u", now)[0] == {"https://u.vn/a"}
        assert dead_link_sets(s, "other", now)[0] == set()
        assert [r.reason for r in s.scalars(select(m.DeadLink))] == ["no article"]
        later = now + timedelta(days=DEAD_LINK_DAYS, seconds=1)
        assert dead_link_sets(s, "u", later)[0] == set()  # then tried once more
        assert pending_of(s, "u") == []


def test_dead_links_due_again_are_told_apart_and_long_expired_ones_go(store: Store) -> None:
    """A dead link whose skip ran out is due again (fetched, and found dead again it is no
    news); one expired for DEAD_LINK_MEMORY_DAYS is deleted at the unit's next burial."""
    now = datetime.now(UTC)
    with store.session() as s:
        bury(s, "u", "http://u.vn/due", "no article", now - timedelta(days=DEAD_LINK_DAYS + 1))
        bury(s, "u", "http://u.vn/new", "no article", now - timedelta(days=1))
        bury(s, "u", "http://u.vn/old", "no article", now - timedelta(days=60))
        bury(s, "v", "http://v.vn/old", "no article", now - timedelta(days=60))
    with store.session() as s:
        skip, due = dead_link_sets(s, "u", now)
        assert skip == {"https://u.vn/new"} and due == {"https://u.vn/due", "https://u.vn/old"}
        # the skipped one is due too once its 7 days have run out
        week = now + timedelta(days=DEAD_LINK_DAYS)
        assert dead_link_sets(s, "u", week) == (set(), {*due, *skip})
        bury(s, "u", "http://u.vn/another", "no article", now)
    with store.session() as s:
        left = {(r.unit_id, r.url) for r in s.scalars(select(m.DeadLink))}
        cutoff = now - timedelta(days=DEAD_LINK_MEMORY_DAYS)
        assert cutoff < now - timedelta(days=DEAD_LINK_DAYS + 1)  # "due" is within memory
        assert left == {
            ("u", "https://u.vn/due"),
            ("u", "https://u.vn/new"),
            ("u", "https://u.vn/another"),
            ("v", "https://v.vn/old"),  # another unit's rows wait for its own burial
        }
