"""Crawl progress rows: a list page's entries are remembered once, as first listed."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import models as m
from storage.db import Store
from storage.progress import Pending, add_pending, done_pending, pending_of


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
