"""The engine's caches: bounded, and equal to the store even when another process writes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dedup import DedupEngine
from dedup.caches import FingerprintCache, ViewCache
from storage import models as m
from storage.db import Store
from tests.dedup.conftest import SEED, T0, edited_copy_body, make_article, seed_body

OTHER_TEXT = " ".join(f"Câu số {i} nói về việc khác hẳn {i * 7}." for i in range(60))


def test_fingerprint_cache_is_bounded_and_refreshes_only_what_it_keeps() -> None:
    cache = FingerprintCache(size=3)
    for i in range(1, 5):
        cache.put(i, bytes([i]))
    assert len(cache) == 3
    kept, missing = cache.split([1, 2, 3, 4])
    assert kept == [(2, b"\x02"), (3, b"\x03"), (4, b"\x04")] and missing == [1]
    cache.refresh([(2, b"new"), (9, b"not kept")])
    cache.put(3, None)  # the stored fingerprint is gone
    kept, missing = cache.split([2, 3, 9])
    assert kept == [(2, b"new")] and missing == [3, 9]


def test_view_cache_evicts_the_least_recently_used_and_rekeys() -> None:
    views = ViewCache(size=2)
    a, b, c = (object() for _ in range(3))
    views.put((1, "h1", T0), a)  # type: ignore[arg-type]
    views.put((2, "h2", T0), b)  # type: ignore[arg-type]
    assert views.get((1, "h1", T0)) is a  # 1 is now the most recently used
    views.put((3, "h3", T0), c)  # type: ignore[arg-type]
    assert set(views) == {(1, "h1", T0), (3, "h3", T0)}
    later = T0 + timedelta(hours=1)
    views.rekey({1}, later)
    assert views.get((1, "h1", later)) is a and views.get((1, "h1", T0)) is None


def test_an_article_another_process_rewrote_is_compared_on_its_new_text(dstore: Store) -> None:
    """The kept fingerprint of an article follows the store: another engine (another
    crawl process) rewrites the article into the seed; this engine, which kept the old
    fingerprint, must still find an edited copy of the seed (not an exact one: the
    prefilter decides) as its near duplicate (in the review band, as the engine judged it
    before it kept fingerprints)."""
    with dstore.session() as s:  # stored before both start: their catch-up mark
        DedupEngine(dstore).process(s, make_article(s, "phutho-soct", 9, body=OTHER_TEXT[::-1]))
    ours, theirs = DedupEngine(dstore), DedupEngine(dstore)
    with dstore.session() as s:
        a = make_article(s, "hoabinh-portal", 1, title="Tin khác", body=OTHER_TEXT)
        assert ours.process(s, a) == []
        aid, old_fp = a.id, a.fingerprint
    assert ours._fps.split([aid])[0] == [(aid, old_fp)]
    with dstore.session() as s:
        row = s.get(m.Article, aid)
        assert row is not None
        row.title, row.body_text, row.content_hash = SEED.title, seed_body(), ""
        row.changed_at = T0 + timedelta(hours=2)
        theirs.process(s, row)
        new_fp = row.fingerprint
    assert new_fp != old_fp
    with dstore.session() as s:
        b = make_article(s, "hoabinh-soct", 1, title="Hoà Bình: " + SEED.title,
                         body=edited_copy_body(), hours=5)  # fmt: skip
        found = ours.process(s, b)
        assert [(c.verdict, {c.a_id, c.b_id}) for c in found] == [("review", {aid, b.id})]
        stored = dict(s.execute(select(m.Article.id, m.Article.fingerprint)).tuples().all())
    kept, _ = ours._fps.split(stored)
    assert kept and all(stored[i] == raw for i, raw in kept), "a kept fingerprint went stale"
