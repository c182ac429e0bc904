"""Two processes writing the same articles at once: each stored once, no writer fails."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime
from typing import Any

from domain.article import Article
from storage.articles import set_topics, store_raw_page, upsert_article
from storage.db import Store
from storage.models import Article as ArticleRow
from storage.models import ArticleTopic, RawPage, Topic, Unit

STORIES = 40


def story(i: int, edition: int) -> Article:
    """Story ``i``; edition 1 has a corrected body (an update)."""
    return Article(
        url=f"http://127.0.2.5/news/tin/bai-{i}.html",
        title=f"Hội nghị tổng kết số {i}",
        published=datetime(2025, 6, 1, 8, tzinfo=UTC),
        time_unknown=False,
        category="Tin tức",
        lead="",
        body_text=f"Nội dung bài {i}." + (" Đính chính." if edition else ""),
        body_html=f"<p>Nội dung bài {i}.</p>",
    )


def writer(url: str, edition: int, barrier: Any, out: Any) -> None:
    """Upsert every story (with raw page and topic) right after the other writer is ready."""
    store = Store(url, auto_upgrade=False)
    outcomes: list[str] = []
    try:
        for i in range(STORIES):
            barrier.wait(timeout=30)
            now = datetime.now(UTC)
            with store.session() as s:
                outcome, row = upsert_article(s, "unit-a", story(i, edition), now)
                store_raw_page(
                    s,
                    "unit-a",
                    row.url,
                    b"<html>page</html>",
                    status=200,
                    encoding="utf-8",
                    article_id=row.id,
                    now=now,
                )
                set_topics(s, row, {"cong-thuong": "category"})
            outcomes.append(outcome)
        out.put(("ok", outcomes))
    except Exception as e:  # reported to the test, which fails on it
        out.put(("error", f"{type(e).__name__}: {e}"))
    finally:
        store.dispose()


def test_two_processes_write_the_same_story(store: Store) -> None:
    with store.session() as s:
        s.add(Unit(id="unit-a", name="A", province_id="phu-tho", platform="nukeviet", homepage="x"))
        s.add(Topic(slug="cong-thuong", name="Công thương"))
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(store.url, ed, barrier, out)) for ed in (0, 1)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    errors = [r[1] for r in results if r[0] == "error"]
    assert not errors, errors
    outcomes = [o for _, outs in results for o in outs]
    with store.session() as s:
        rows = s.query(ArticleRow).all()
        assert len(rows) == STORIES  # each story stored once
        assert len({r.guid for r in rows}) == STORIES
        assert s.query(ArticleTopic).count() == STORIES
        assert s.query(RawPage).count() >= STORIES
    assert outcomes.count("new") == STORIES  # exactly one writer created each story
    assert outcomes.count("new") + outcomes.count("updated") + outcomes.count("unchanged") == (
        2 * STORIES
    )
