"""Crawl processes writing at once (PostgreSQL): the ids a catch-up skipped over are read
again (``dedup.holes``), and the sweep finds the pairs two processes missed."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import delete, update

from dedup import DedupConfig, DedupEngine
from dedup.sweep import sweep
from storage import models as m
from storage.db import Store
from storage.models import utcnow
from tests.dedup.conftest import (
    SEED,
    T0,
    edited_copy_body,
    make_article,
    notice,
    stored_pairs,
)
from vnfeeds.cli import cli

COPY_TITLE = "Tin từ cơ sở: " + SEED.title


def test_two_processes_storing_copies_at_once_miss_them_and_the_sweep_finds_them(
    pg_dstore: Store,
) -> None:
    """Two engines (two crawl processes) each store one copy of a story in transactions
    open at the same time: neither sees the other's uncommitted row, so no pair is
    recorded. The sweep over the window compares them and records the pair."""
    proc_a, proc_b = DedupEngine(pg_dstore), DedupEngine(pg_dstore)
    with pg_dstore.session() as sa:
        a = make_article(sa, "hoabinh-soct", 1, lead=SEED.lead)
        assert proc_a.process(sa, a) == []
        with pg_dstore.session() as sb:  # commits first
            b = make_article(sb, "phutho-soct", 1, title=COPY_TITLE, body=edited_copy_body())
            assert proc_b.process(sb, b) == []
        a_id, b_id = a.id, b.id
    assert stored_pairs(pg_dstore) == []  # the miss

    counts = sweep(pg_dstore, T0 - timedelta(minutes=5))
    ((x, y, verdict, status),) = stored_pairs(pg_dstore)
    assert (x, y) == tuple(sorted((a_id, b_id))) and verdict != "distinct"
    assert counts["articles"] == 2 and counts[verdict] == 1
    assert status == {"duplicate": "auto", "review": "pending"}[verdict]


def test_an_id_another_process_had_uncommitted_is_caught_up_once_committed(
    pg_dstore: Store,
) -> None:
    """Process Q inserts article 1 and is slow to commit; process P meanwhile stores and
    indexes article 2, so its largest id is 2. Once Q commits, P's next catch-up still
    reads article 1 (a hole it noted), and P's copy of it (article 3) meets it."""
    proc_p, proc_q = DedupEngine(pg_dstore), DedupEngine(pg_dstore)
    other = notice(9, 12, "Nguyễn Văn An")
    with pg_dstore.session() as sq:
        r = make_article(sq, "hoabinh-soct", 1, lead=SEED.lead)
        proc_q.process(sq, r)
        with pg_dstore.session() as sp:
            x = make_article(sp, "hoabinh-portal", 2, title=other["title"], body=other["body_text"])
            proc_p.process(sp, x)
        assert (r.id, x.id) == (1, 2) and 1 in proc_p._holes
    with pg_dstore.session() as sp:
        y = make_article(sp, "phutho-soct", 1, title=COPY_TITLE, body=edited_copy_body())
        (cand,) = proc_p.process(sp, y)
        assert (cand.a_id, cand.b_id) == (1, y.id) and cand.verdict != "distinct"
    assert len(proc_p._holes) == 0


def test_a_sweep_looks_only_at_its_window_and_keeps_editors_decisions(dstore: Store) -> None:
    cfg = DedupConfig(high=0.99, low=0.5)  # the pair goes to review: no cluster moves
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        b = make_article(s, "phutho-soct", 1, title=COPY_TITLE, body=edited_copy_body(), hours=2)
        eng = DedupEngine(dstore, cfg)
        eng.process(s, a)
        (cand,) = eng.process(s, b)
        assert cand.status == "pending"
    snapshot = eng.index_path()
    before = snapshot.stat().st_mtime_ns if snapshot and snapshot.exists() else None
    with dstore.session() as s:  # as if the pair had been missed
        s.execute(delete(m.DuplicateCandidate))

    # a window holding only b: a is not in its index, and is no exact copy
    got = sweep(dstore, T0 + timedelta(hours=1), config=cfg)
    assert got == {"articles": 1, "duplicate": 0, "review": 0} and stored_pairs(dstore) == []
    got = sweep(dstore, T0 - timedelta(hours=1), config=cfg)
    assert got == {"articles": 2, "duplicate": 0, "review": 1}
    ((x, y, verdict, status),) = stored_pairs(dstore)
    assert (x, y, verdict, status) == (a.id, b.id, "review", "pending")

    with dstore.session() as s:  # an editor's decision stands through a sweep
        s.execute(update(m.DuplicateCandidate).values(status="distinct", decided_by="editor"))
    sweep(dstore, T0 - timedelta(hours=1), config=cfg)
    assert [p[3] for p in stored_pairs(dstore)] == ["distinct"]
    after = snapshot.stat().st_mtime_ns if snapshot and snapshot.exists() else None
    assert after == before  # a sweep's window index is never saved as the store's snapshot


def test_dedup_sweep_command(dstore: Store) -> None:
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        b = make_article(s, "phutho-soct", 1, title=COPY_TITLE, body=edited_copy_body())
        old = make_article(s, "hoabinh-portal", 1, lead=SEED.lead, title=SEED.title + " (cũ)")
        now = utcnow()
        s.execute(update(m.Article).where(m.Article.id.in_([a.id, b.id])).values(changed_at=now))
        s.execute(
            update(m.Article)
            .where(m.Article.id == old.id)
            .values(changed_at=now - timedelta(hours=3))
        )
    res = CliRunner().invoke(
        cli, ["--db", dstore.url, "dedup", "sweep", "--minutes", "60"], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    assert got["articles"] == 2 and got["duplicate"] + got["review"] == 1
    bad = CliRunner().invoke(cli, ["--db", dstore.url, "dedup", "sweep", "--minutes", "0"])
    assert bad.exit_code != 0 and "--minutes" in bad.output
