"""DedupEngine and editors' decisions on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dedup import DedupConfig, DedupEngine
from dedup import review as rv
from dedup.fingerprint import Fingerprint
from storage import models as m
from storage.db import Store
from tests.dedup.conftest import SEED, edited_copy_body, make_article, notice, seed_body


def _cluster(s: object, aid: int) -> tuple[int | None, int | None]:
    a = s.get(m.Article, aid)  # type: ignore[attr-defined]
    c = s.get(m.Cluster, a.cluster_id) if a.cluster_id else None  # type: ignore[attr-defined]
    return a.cluster_id, (c.canonical_id if c else None)


def test_copies_across_units_cluster_with_the_original_publisher(dstore: Store) -> None:
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        # the portal's copy is seen first, but names the department as its source
        portal = make_article(s, "hoabinh-portal", 1, title="Hoà Bình: " + SEED.title,
                              body=edited_copy_body(), source="Sở Công Thương tỉnh Hòa Bình")  # fmt: skip
        assert eng.process(s, portal) == []
        assert portal.fingerprint and portal.content_hash
        assert Fingerprint.from_bytes(portal.fingerprint) is not None
        orig = make_article(s, "hoabinh-soct", 1, lead=SEED.lead, hours=5)
        found = eng.process(s, orig)
        assert [(c.verdict, c.status) for c in found] == [("duplicate", "auto")]
        unrelated = make_article(s, "phutho-soct", 7, title="Tin khác",
                                 body=" ".join(f"Câu số {i} nói về việc khác hẳn {i * 7}." for i in range(60)))  # fmt: skip
        assert eng.process(s, unrelated) == []
        ids = (portal.id, orig.id, unrelated.id)
    with dstore.session() as s:
        cp, co = _cluster(s, ids[0]), _cluster(s, ids[1])
        assert cp == co and cp[0] is not None
        assert cp[1] == ids[1], "the department named in the source line is canonical"
        assert _cluster(s, ids[2]) == (None, None)
        # the automatic link is on the audit trail (only with automatic entries)
        assert [d.action for d in rv.audit_trail(s, include_auto=True)] == ["auto-link"]
        assert rv.audit_trail(s) == []


def test_earliest_is_canonical_and_notices_stay_apart(dstore: Store) -> None:
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        a = make_article(s, "phutho-soct", 1, hours=3)
        b = make_article(s, "hoabinh-portal", 2, hours=1)  # exact copy, published earlier
        eng.process(s, a)
        eng.process(s, b)
        n9, n10 = notice(9, 12, "Nguyễn Văn An"), notice(10, 10, "Trần Thị Bình")
        t9 = make_article(s, "hoabinh-soct", 9, title=n9["title"], body=n9["body_text"])
        t10 = make_article(
            s, "hoabinh-soct", 10, title=n10["title"], body=n10["body_text"], hours=700
        )
        eng.process(s, t9)
        assert eng.process(s, t10) == []
        ids = a.id, b.id, t10.id
    with dstore.session() as s:
        assert _cluster(s, ids[0])[1] == ids[1]
        assert _cluster(s, ids[2]) == (None, None)
        assert (
            s.scalar(select(m.DuplicateCandidate).where(m.DuplicateCandidate.b_id == ids[2]))
            is None
        )


def test_grey_band_goes_to_review_and_editors_win(dstore: Store) -> None:
    cfg = DedupConfig(high=0.99, low=0.5)  # the edited copy lands in the grey band
    eng = DedupEngine(dstore, cfg)
    with dstore.session() as s:
        orig = make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        copy = make_article(
            s,
            "phutho-soct",
            1,
            title="Tin từ cơ sở: " + SEED.title,
            body=edited_copy_body(),
            hours=2,
        )
        eng.process(s, orig)
        (cand,) = eng.process(s, copy)
        assert (cand.verdict, cand.status) == ("review", "pending")
        ids, cid = (orig.id, copy.id), cand.id
    with dstore.session() as s:
        assert [c.id for c in rv.queue(s)] == [cid] and rv.queue_count(s) == 1
        before = {a.id: a.changed_at for a in s.scalars(select(m.Article))}
        dec = rv.decide(s, cid, "canonical", "biên tập 1", canonical_id=ids[1])
        assert (dec.action, dec.editor) == ("canonical", "biên tập 1")
    with dstore.session() as s:
        assert _cluster(s, ids[0])[1] == ids[1]
        cl = s.get(m.Cluster, _cluster(s, ids[0])[0])
        assert cl is not None and cl.manual
        after = {a.id: a.changed_at for a in s.scalars(select(m.Article))}
        assert all(after[i] > before[i] for i in ids), "feeds' cache key must move"
        assert rv.queue_count(s) == 0
    # a later automatic pass (even with other thresholds) keeps the editor's decision
    eng2 = DedupEngine(dstore, DedupConfig(high=0.999, low=0.99))
    with dstore.session() as s:
        for aid in ids:
            art = s.get(m.Article, aid)
            assert art is not None
            eng2.process(s, art)
    with dstore.session() as s:
        c = s.get(m.DuplicateCandidate, cid)
        assert c is not None and (c.status, c.decided_by) == ("duplicate", "biên tập 1")
        assert _cluster(s, ids[0])[1] == ids[1]
        # undo restores the queue and splits the cluster
        rv.undo(s, dec.id, "biên tập 2")
    with dstore.session() as s:
        c = s.get(m.DuplicateCandidate, cid)
        assert c is not None and (c.status, c.decided_by) == ("pending", None)
        assert _cluster(s, ids[0]) == (None, None) == _cluster(s, ids[1])
        trail = rv.audit_trail(s)
        assert [(d.action, d.undone) for d in trail] == [("undo", False), ("canonical", True)]
        with pytest.raises(rv.ReviewError):
            rv.undo(s, dec.id, "x")


def test_not_duplicate_is_never_relinked(dstore: Store) -> None:
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1)
        b = make_article(s, "phutho-soct", 1, hours=1)
        eng.process(s, a)
        (cand,) = eng.process(s, b)
        assert cand.status == "auto"
        ids, cid = (a.id, b.id), cand.id
    with dstore.session() as s:
        rv.decide(s, cid, "not-duplicate", "ed")
    with dstore.session() as s:
        assert _cluster(s, ids[0]) == (None, None)
        # a third copy links to both, but the two stay in different clusters
        c3 = make_article(s, "hoabinh-portal", 3, hours=2)
        eng.process(s, c3)
        second = s.get(m.Article, ids[1])
        assert second is not None
        eng.process(s, second)
    with dstore.session() as s:
        assert s.get(m.DuplicateCandidate, cid).status == "distinct"  # type: ignore[union-attr]
        assert _cluster(s, ids[0])[0] != _cluster(s, ids[1])[0]
        with pytest.raises(rv.ReviewError):
            rv.decide(s, cid, "maybe", "ed")
        with pytest.raises(rv.ReviewError):
            rv.decide(s, cid, "canonical", "ed", canonical_id=999999)


def test_index_survives_restart(dstore: Store, tmp_path: Path) -> None:
    cfg = DedupConfig(index=str(tmp_path / "dedup-index.npz"))
    eng = DedupEngine(dstore, cfg)
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1)
        eng.process(s, a)
    eng.close()
    assert (tmp_path / "dedup-index.npz").exists()
    # another process stored an article meanwhile: the loaded snapshot catches up
    other = DedupEngine(dstore, DedupConfig())
    with dstore.session() as s:
        other.process(s, make_article(s, "hoabinh-portal", 5, body="Một bài khác hẳn. " * 40))
    eng2 = DedupEngine(dstore, cfg)
    assert len(eng2.index) == 2
    with dstore.session() as s:
        found = eng2.process(s, make_article(s, "phutho-soct", 2, hours=1))
        assert [c.status for c in found] == ["auto"]
    # rebuilt from fingerprints without a snapshot
    eng3 = DedupEngine(dstore)
    assert len(eng3.index) == 3 and eng3.rebuild() == 3


def test_snapshot_of_a_recreated_database_is_not_reused(tmp_path: Path, registry: object) -> None:
    from storage.repository import sync_registry

    db = tmp_path / "same.sqlite3"
    first = Store(f"sqlite:///{db}")
    with first.session() as s:
        sync_registry(s, registry)  # type: ignore[arg-type]
        a = make_article(s, "hoabinh-soct", 1)
        DedupEngine(first).process(s, a)
    eng = DedupEngine(first)
    assert len(eng.index) == 1
    eng.close()
    first.dispose()
    snapshot = tmp_path / "same.sqlite3.dedup-index.npz"
    assert snapshot.exists()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    again = Store(f"sqlite:///{db}")  # a new database at the same path, other news
    with again.session() as s:
        sync_registry(s, registry)  # type: ignore[arg-type]
        make_article(s, "phutho-soct", 7, body="Một bài khác hẳn. " * 40)
        make_article(s, "hoabinh-portal", 8, body="Tin thứ ba hoàn toàn khác. " * 40)
    fresh = DedupEngine(again)
    assert len(fresh.index) == 2, "the old snapshot's article must not be loaded"


def test_views_stay_cached_when_clustering_only_moves_changed_at(dstore: Store) -> None:
    """Re-clustering moves ``changed_at`` (feeds must see it) but not the text: the cached
    decision views follow the new ``changed_at`` instead of being rebuilt from the rows."""
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        portal = make_article(s, "hoabinh-portal", 1, title="Hoà Bình: " + SEED.title,
                              body=edited_copy_body(), source="Sở Công Thương tỉnh Hòa Bình")  # fmt: skip
        eng.process(s, portal)
        orig = make_article(s, "hoabinh-soct", 1, lead=SEED.lead, hours=5)
        assert [c.verdict for c in eng.process(s, orig)] == ["duplicate"]
        s.flush()
        stored = {
            (a.id, a.content_hash, a.changed_at)
            for a in s.scalars(select(m.Article).where(m.Article.id.in_([portal.id, orig.id])))
        }
    assert stored <= set(eng._views), "a clustered article's view was keyed by its old changed_at"


def _stored_fp(s: Session, aid: int) -> tuple[bytes | None, str]:
    stmt = select(m.Article.fingerprint, m.Article.content_hash).where(m.Article.id == aid)
    row = s.connection().execute(stmt).one()
    return row[0], row[1]


def test_fingerprint_of_a_stored_row_is_written_without_a_flush(dstore: Store) -> None:
    """A row with nothing unflushed gets its fingerprint and content hash in one statement;
    the session sees them as stored (nothing left for the unit of work)."""
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1)
        assert a.content_hash == ""
        eng.process(s, a)
        assert a.fingerprint and a.content_hash
        assert a not in s.dirty
        assert _stored_fp(s, a.id) == (a.fingerprint, a.content_hash)
        aid, fp, digest = a.id, a.fingerprint, a.content_hash
    with dstore.session() as s:
        assert _stored_fp(s, aid) == (fp, digest)


def test_fingerprint_of_a_row_with_unflushed_changes_goes_through_the_session(
    dstore: Store,
) -> None:
    """A row changed in the session keeps its change and gets the same fingerprint."""
    eng = DedupEngine(dstore)
    with dstore.session() as s:
        ref = make_article(s, "phutho-soct", 1)
        eng.process(s, ref)
        a = make_article(s, "hoabinh-soct", 1)
        a.author = "Phòng Quản lý"  # unflushed, not part of the fingerprint
        eng.process(s, a)
        aid, fp, digest = a.id, a.fingerprint, a.content_hash
        assert fp == ref.fingerprint and digest == ref.content_hash
    with dstore.session() as s:
        assert _stored_fp(s, aid) == (fp, digest)
        row = s.get(m.Article, aid)
        assert row is not None and row.author == "Phòng Quản lý"


def test_an_engine_started_on_an_empty_store_sees_another_process_rewrite_its_article(
    dstore: Store,
) -> None:
    """Started on an empty store, the engine reads no row to take a change mark from; an
    article it indexed and another process then rewrote (to a story a new copy repeats)
    must still be caught up with, or the copy would miss it."""
    mine = DedupEngine(dstore)  # the store is empty: nothing to read
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1, body="Một bài khác hẳn. " * 40)
        assert mine.process(s, a) == []
        a_id = a.id
    other = DedupEngine(dstore)  # another process rewrites it with the seed story
    with dstore.session() as s:
        row = s.get(m.Article, a_id)
        assert row is not None
        row.lead, row.body_text, row.content_hash = SEED.lead, seed_body(), ""
        row.changed_at = m.utcnow()
        s.flush()
        other.process(s, row)
    with dstore.session() as s:
        copy = make_article(
            s, "phutho-soct", 1, title="Tin từ cơ sở: " + SEED.title, body=edited_copy_body()
        )
        found = mine.process(s, copy)
        assert [(c.a_id, c.b_id) for c in found] == [(a_id, copy.id)]


def test_a_snapshot_without_a_change_mark_is_rebuilt(dstore: Store, tmp_path: Path) -> None:
    """A snapshot saved without a mark (an empty store, before rebuilds set one) cannot say
    since when to catch up with changes: the engine rebuilds instead of loading it."""
    cfg = DedupConfig(index=str(tmp_path / "dedup-index.npz"))
    with dstore.session() as s:
        a = make_article(s, "hoabinh-soct", 1)
        DedupEngine(dstore, cfg).process(s, a)
    eng = DedupEngine(dstore, cfg)
    eng._watermark = None
    eng.save()
    again = DedupEngine(dstore, cfg)
    assert again._watermark is not None and len(again.index) == 1
