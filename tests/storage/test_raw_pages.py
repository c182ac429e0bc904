"""Raw pages: one row per version of an article's page, and a new article's page its own."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from domain.article import Article
from storage.articles import store_raw_page, upsert_article
from storage.db import Store
from storage.models import RawPage, Unit

URL = "http://127.0.2.5/news/tin/bai-1.html"
PAGE = "<html><body><h1>Hội nghị</h1><p>Nội dung.</p></body></html>".encode()


def _article(canonical: str) -> Article:
    return Article(
        url=URL,
        canonical_url=canonical,
        title="Hội nghị tổng kết",
        published=datetime(2025, 6, 1, 8, tzinfo=UTC),
        time_unknown=False,
        category="Tin tức",
        lead="",
        body_text="Nội dung.",
        body_html="<p>Nội dung.</p>",
    )


def _page_articles(store: Store) -> list[int | None]:
    """The article of each stored page, oldest page first."""
    with store.session() as s:
        return list(s.scalars(select(RawPage.article_id).order_by(RawPage.id)))


def _keep(store: Store, canonical: str) -> tuple[str, int]:
    """Upsert the article with this canonical URL and keep its page, as the crawl does."""
    now = datetime.now(UTC)
    with store.session() as s:
        outcome, row = upsert_article(s, "u", _article(canonical), now)
        store_raw_page(s, "u", URL, PAGE, status=200, encoding="utf-8",
                       article_id=row.id, now=now, new_article=outcome == "new")  # fmt: skip
        return outcome, row.id


def test_an_unchanged_page_adds_no_row_and_a_new_article_keeps_its_own(store: Store) -> None:
    with store.session() as s:
        s.add(Unit(id="u", name="U", province_id="p", platform="generic", homepage="x"))
    outcome, first = _keep(store, "http://127.0.2.5/bai-1")
    assert outcome == "new" and _page_articles(store) == [first]
    outcome, again = _keep(store, "http://127.0.2.5/bai-1")
    assert outcome == "unchanged" and again == first
    assert _page_articles(store) == [first]  # the same bytes: no second row
    # the same page now declares another canonical URL: another article, with a page of its
    # own; the first article's page still points to it (before, it was moved to the new one)
    outcome, other = _keep(store, "http://127.0.2.5/bai-1-moi")
    assert outcome == "new" and other != first
    assert _page_articles(store) == [first, other]
