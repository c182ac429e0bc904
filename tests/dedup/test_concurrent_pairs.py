"""Two writers recording one pair at once (PostgreSQL): a crawl re-reading an article
while a sweep, or another crawl, re-reads its copy. The second writer's insert waits for
the first one's commit and then takes the pair as stored, instead of failing its whole
transaction on the unique pair."""

from __future__ import annotations

import threading
import time

from sqlalchemy import delete, event, text, update
from sqlalchemy.orm import Session

from dedup import DedupConfig, DedupEngine
from storage import models as m
from storage.db import Store
from tests.dedup.conftest import SEED, edited_copy_body, make_article, stored_pairs

REVIEW = DedupConfig(high=0.99, low=0.5)  # the pair goes to review: no cluster row moves
COPY_TITLE = "Tin từ cơ sở: " + SEED.title


def _row(s: Session, article_id: int) -> m.Article:
    row = s.get(m.Article, article_id)
    assert row is not None
    return row


def _stored_pair_missing(store: Store) -> tuple[int, int]:
    """Two copies stored with their fingerprints, their pair missing (as after a miss)."""
    with store.session() as s:
        a = make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        b = make_article(s, "phutho-soct", 1, title=COPY_TITLE, body=edited_copy_body())
        eng = DedupEngine(store, REVIEW)
        eng.process(s, a)
        eng.process(s, b)
        ids = (a.id, b.id)
    with store.session() as s:
        s.execute(delete(m.DuplicateCandidate))
    return ids


def _wait_for_a_lock_wait(store: Store, timeout: float = 20.0) -> None:
    """Until a backend of this database waits on a lock (the second writer's insert)."""
    deadline = time.monotonic() + timeout
    with store.engine.connect() as c:
        while time.monotonic() < deadline:
            waiting = c.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            ).scalar()
            if waiting:
                return
            c.rollback()
            time.sleep(0.05)
    raise AssertionError("the second writer never waited on the first one's pair")


def _concurrently(store: Store, a_id: int, b_id: int, before_commit: str = "") -> list[object]:
    """Writer 1 re-reads b and records the pair, uncommitted; writer 2 (a thread) re-reads
    a and reaches the same pair, waiting on writer 1; writer 1 then commits (or, with
    ``before_commit="editor"``, an editor's decision of the pair is in its transaction)."""
    one, two = DedupEngine(store, REVIEW), DedupEngine(store, REVIEW)
    outcome: list[object] = []

    def second() -> None:
        try:
            with store.session() as s2:
                got = two.process(s2, _row(s2, a_id))
                outcome.extend((c.a_id, c.b_id, c.status, c.verdict) for c in got)
        except Exception as e:  # the failure the test looks for
            outcome.append(e)

    with store.session() as s1:
        (cand,) = one.process(s1, _row(s1, b_id))
        assert (cand.a_id, cand.b_id, cand.status) == (a_id, b_id, "pending")
        if before_commit == "editor":
            s1.execute(update(m.DuplicateCandidate).values(status="distinct", decided_by="ed"))
        t = threading.Thread(target=second)
        t.start()
        _wait_for_a_lock_wait(store)
    t.join(30)
    assert not t.is_alive()
    return outcome


def test_the_second_writer_of_one_pair_takes_the_first_ones_row(pg_dstore: Store) -> None:
    a_id, b_id = _stored_pair_missing(pg_dstore)
    outcome = _concurrently(pg_dstore, a_id, b_id)
    assert not [e for e in outcome if isinstance(e, Exception)], outcome
    assert outcome == [(a_id, b_id, "pending", "review")]
    assert stored_pairs(pg_dstore) == [(a_id, b_id, "review", "pending")]


def test_an_editors_decision_committed_first_stands(pg_dstore: Store) -> None:
    """The first writer's transaction also holds an editor's "distinct": the second writer
    finds the decided row and leaves its status alone."""
    a_id, b_id = _stored_pair_missing(pg_dstore)
    outcome = _concurrently(pg_dstore, a_id, b_id, before_commit="editor")
    assert outcome == [(a_id, b_id, "distinct", "review")]
    assert stored_pairs(pg_dstore) == [(a_id, b_id, "review", "distinct")]


def test_a_pair_recorded_on_sqlite_goes_in_once(dstore: Store) -> None:
    """The same re-reading one after the other (SQLite has one writer): one row."""
    a_id, b_id = _stored_pair_missing(dstore)
    writes: list[str] = []

    def note(_c: object, _cur: object, sql: str, *_: object) -> None:
        if "duplicate_candidates" in sql and sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            writes.append(sql.split()[0].upper())

    event.listen(dstore.engine, "before_cursor_execute", note)
    try:
        for article_id in (b_id, a_id):
            with dstore.session() as s:
                (cand,) = DedupEngine(dstore, REVIEW).process(s, _row(s, article_id))
                assert (cand.a_id, cand.b_id) == (a_id, b_id)
    finally:
        event.remove(dstore.engine, "before_cursor_execute", note)
    assert stored_pairs(dstore) == [(a_id, b_id, "review", "pending")]
    assert writes == ["INSERT"], "the claimed pair goes in whole: no UPDATE after its INSERT"
