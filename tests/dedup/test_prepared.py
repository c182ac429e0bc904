"""Dedup's text work done at extraction (``dedup.prepared``) gives what the engine computes."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, func, select
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from sqlalchemy.orm import Session

from dedup import DedupEngine
from dedup.decide import DocView, score_keys, score_text
from dedup.fingerprint import Fingerprinter
from dedup.prepared import prepare
from domain.article import Article
from storage import models as m
from storage.articles import content_hash, pack_page, raw_body, store_raw_page, upsert_article
from storage.db import Store
from tests.dedup.conftest import SEED, edited_copy_body, make_article, seed_body


def test_prepared_equals_the_engines_own_work(dstore: Store) -> None:
    """Same fingerprint, content hash and duplicate pairs with and without a Prepared."""
    eng = DedupEngine(dstore)
    fp = Fingerprinter(num_perm=eng.config.num_perm, k=eng.config.shingle)
    results = []
    for use_prepared in (False, True):
        with dstore.session() as s:
            unit = "hoabinh-portal" if use_prepared else "phutho-soct"
            a = make_article(s, unit, 1 if use_prepared else 2, title=SEED.title,
                             body=edited_copy_body())  # fmt: skip
            prep = prepare(a.title, a.lead, a.body_text, fp)
            # what crosses the process boundary is a pickle
            prep = pickle.loads(pickle.dumps(prep))
            found = eng.process(s, a, prep if use_prepared else None)
            results.append((a.fingerprint, a.content_hash, [(c.verdict, c.status) for c in found]))
            assert prep.fingerprint == a.fingerprint
            assert prep.content_hash == content_hash(a.title, a.body_text)
    # the second copy finds the first as a duplicate through the prepared view
    assert results[0][2] == []
    assert results[1][2] == [("duplicate", "auto")]
    assert results[0][0] == results[1][0]


def test_a_prepared_of_other_text_is_not_used(dstore: Store) -> None:
    """A Prepared computed before the text changed (the list filled the title) is ignored."""
    eng = DedupEngine(dstore)
    fp = Fingerprinter(num_perm=eng.config.num_perm, k=eng.config.shingle)
    with dstore.session() as s:
        a = make_article(s, "phutho-soct", 3, title=SEED.title, body=edited_copy_body())
        stale = prepare("", a.lead, "một văn bản khác hẳn " * 40, fp)
        assert not stale.fits(a.title, a.lead, a.body_text)
        eng.process(s, a, stale)
        own = prepare(a.title, a.lead, a.body_text, fp)
        assert a.fingerprint == own.fingerprint != stale.fingerprint


def test_storing_an_article_compiles_its_insert_once(store: Store) -> None:
    """The new-article INSERT is cached by SQLAlchemy, on SQLite and PostgreSQL (an
    uncacheable one was compiled per article and was most of the time of storing one);
    a second writer of the same article finds it stored."""
    compiled: list[str] = []
    with store.session() as s:
        s.add(m.Unit(id="u", name="U", province_id="p", platform="generic", homepage="http://u"))

    @event.listens_for(store.engine, "before_cursor_execute")
    def _seen(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        params: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        if statement.startswith("INSERT INTO articles"):
            assert context is not None and context.compiled is not None
            compiled.append((context.compiled.cache_key is not None and "cached") or "uncached")

    for i in range(3):
        with store.session() as s:
            art = Article(url=f"http://u/{i}", title=f"Tin {i}", published=None,
                          time_unknown=False, category="", lead="", body_text="x", body_html="<p>x</p>")  # fmt: skip
            outcome, row = upsert_article(s, "u", art, datetime.now(UTC))
            assert outcome == "new" and row.id is not None and row.topics == []
    with store.session() as s:
        art = Article(url="http://u/0", title="Tin 0 (sửa)", published=None, time_unknown=False,
                      category="", lead="", body_text="x", body_html="<p>x</p>")  # fmt: skip
        outcome, row = upsert_article(s, "u", art, datetime.now(UTC))
        assert outcome == "updated" and row.title == "Tin 0 (sửa)"
    assert compiled == ["cached"] * 4


def test_scores_on_keys_equal_scores_on_shingle_strings() -> None:
    """Pair scores from the 64-bit shingle keys a view keeps equal those of the strings."""
    rng = random.Random(7)
    vocab = [f"từ{i}" for i in range(60)]
    for _ in range(50):
        a = DocView(title="", body=" ".join(rng.choices(vocab, k=rng.randint(0, 300))))
        b = DocView(title="", body=" ".join(rng.choices(vocab, k=rng.randint(0, 300))))
        assert score_keys(a.shingle_keys, b.shingle_keys) == score_text(a.shingles, b.shingles)
        assert "shingles" not in a.__dict__ and "words" not in a.__dict__  # not kept


def test_a_packed_page_is_stored_as_the_page(sqlite_store: Store) -> None:
    """A page hashed and compressed in the parse worker reads back as the fetched bytes."""
    page = "<html><body><p>Tin tức Sở Y tế</p></body></html>".encode() * 50
    with sqlite_store.session() as s:
        s.add(m.Unit(id="u", name="U", province_id="p", platform="generic", homepage="http://u"))
    with sqlite_store.session() as s:
        kept = store_raw_page(s, "u", "http://u/1", pack_page(page), status=200,
                              encoding="utf-8", article_id=None, now=datetime.now(UTC))  # fmt: skip
        stored = s.get(m.RawPage, kept)
        assert stored is not None and raw_body(stored) == page
        again = store_raw_page(s, "u", "http://u/1", page, status=200,
                               encoding="utf-8", article_id=None, now=datetime.now(UTC))  # fmt: skip
        assert again == kept  # the same version: no second row
        assert s.scalar(select(func.count()).select_from(m.RawPage)) == 1


def test_a_new_article_goes_in_with_its_prepared_fingerprint(store: Store) -> None:
    """The worker's fingerprint is stored by the new row's INSERT: dedup then writes nothing
    more to the row, and its catch-up does not take the row being processed for another
    process's. An update leaves the stored fingerprint to dedup, which recomputes it."""
    with store.session() as s:
        s.add(m.Unit(id="u", name="U", province_id="p", platform="generic", homepage="http://u"))
    eng = DedupEngine(store)
    fp = Fingerprinter(num_perm=eng.config.num_perm, k=eng.config.shingle)
    updates: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: (
            updates.append(sql) if sql.startswith("UPDATE articles") else None
        ),
    )

    def story(body: str) -> Article:
        return Article(url="http://u/1", title=SEED.title, published=None, time_unknown=False,
                       category="", lead="", body_text=body, body_html=f"<p>{body}</p>")  # fmt: skip

    first = story(seed_body())
    prep = prepare(first.title, first.lead, first.body_text, fp)
    with store.session() as s:
        outcome, row = upsert_article(
            s, "u", first, datetime.now(UTC), prep.content_hash, prep.fingerprint
        )
        assert outcome == "new" and row.fingerprint == prep.fingerprint
        assert eng.catch_up(s, skip=row.id) == 0  # not read back as someone else's
        assert eng.catch_up(s) == 1  # (what an unskipped read would find)
    eng = DedupEngine(store, load=False)
    with store.session() as s:
        row = _stored(s, row.id)
        eng.process(s, row, prep, new=True)
    assert updates == []  # nothing left to write to the row

    edited = story(edited_copy_body())
    prep2 = prepare(edited.title, edited.lead, edited.body_text, fp)
    with store.session() as s:
        outcome, row = upsert_article(
            s, "u", edited, datetime.now(UTC), prep2.content_hash, prep2.fingerprint
        )
        assert outcome == "updated" and row.fingerprint == prep.fingerprint  # not the update's
        eng.process(s, row, prep2)
    with store.session() as s:
        assert _stored(s, row.id).fingerprint == prep2.fingerprint != prep.fingerprint


def _stored(s: Session, article_id: int) -> m.Article:
    """The article row (Session.get_one is newer than the SQLAlchemy floor)."""
    row = s.get(m.Article, article_id)
    assert row is not None
    return row
