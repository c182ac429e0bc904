"""A list link that leads to a page printing no article is counted, not stored.

The real Krông Nô page ``/van-ban-phap-luat/van-ban-qppl`` (tests/fixtures/realsites/,
copied from shared/realsites/) is a category page of the rebuilt LacViet site: the news
part's header (category "Văn bản pháp luật", date 18/07/2019) and an empty document
register, but no title, no body and no file. A list entry pointing to it must not become
an empty article titled with the list's text.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from crawlers.extract import NOT_AN_ARTICLE, extract_page, is_article
from crawlers.listcheck import check_against_list
from storage import models as m
from storage.db import Store, resolve_db_url
from tests.conftest import NewDbUrl
from tests.crawl.conftest import run_vnfeeds
from tests.learn.folder_site import FolderSite

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "realsites" / "krongno.daknong.gov.vn"
CATEGORY = "/van-ban-phap-luat/van-ban-qppl"
UNITS = """
[[unit]]
id = "krongno"
name = "Huyện Krông Nô"
province = "dak-nong"
platform = "lacviet"
homepage = "{base}/"
allow_private = true

[[unit.start]]
url = "{base}/tin-tuc-su-kien"
category = "Tin tức - Sự kiện"
"""


def _category_page() -> bytes:
    with FolderSite(SITE) as site:
        page = site.page(CATEGORY)
    assert page is not None
    return page.encode("utf-8")


def test_a_category_page_is_not_an_article_and_borrows_nothing_from_the_list() -> None:
    for platform in ("lacviet", None):
        a = extract_page(
            _category_page(), f"http://krongno.daknong.gov.vn{CATEGORY}/", platform=platform
        )
        assert not is_article(a) and NOT_AN_ARTICLE in a.problems
        assert a.title == "" and a.body_text == "" and a.attachments == []
        verdict = check_against_list(a, "Văn bản QPPL", "18.07.2019 10:00")
        assert not verdict.checked and a.title == ""  # not made an article by the list


def test_a_photo_story_whose_title_is_not_found_is_still_an_article() -> None:
    page = (
        "<html><body><div class='c'><p><img src='/a.jpg'></p>"
        "<p><img src='/b.jpg'></p></div></body></html>"
    )
    a = extract_page(
        page,
        "http://x.example.vn/anh",
        platform="selectors",
        overrides={"title": "h2.t", "body": "div.c"},
    )
    assert a.images and is_article(a)
    check_against_list(a, "Ảnh: Ngày hội sách tỉnh Đắk Nông", "")
    assert a.title == "Ảnh: Ngày hội sách tỉnh Đắk Nông"  # the list's title, as before


def test_an_empty_article_with_a_title_is_still_an_article() -> None:
    page = (SITE.parent.parent / "lacviet" / "snv_tin_tuc_abc.html").read_bytes()
    a = extract_page(page, "http://snv.daknong.gov.vn/tin-tuc-abc/")
    assert a.title == "TIn tức abc" and "missing body" in a.problems and is_article(a)


def test_crawl_counts_the_category_page_and_does_not_store_it(
    tmp_path: Path, new_db_url: NewDbUrl
) -> None:
    with FolderSite(SITE) as site:
        # the list's first entry now leads to the category page
        site.rewrite = lambda path, html: html.replace(
            'href="/thong-bao-1">Thông báo 1', f'href="{CATEGORY}">Văn bản QPPL'
        )
        units, db = tmp_path / "units.toml", new_db_url("db")
        units.write_text(UNITS.format(base=site.base), encoding="utf-8")
        res = run_vnfeeds(db, units, "crawl", "-q", timeout=300)
        assert CATEGORY in site.paths, res.stdout + res.stderr[-3000:]  # it was fetched
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    store = Store(resolve_db_url(db))
    with store.session() as s:
        titles = set(s.scalars(select(m.Article.title)))
        run = s.scalars(select(m.CrawlRun)).one()
        stats, errors = run.stats, run.errors
        pending = list(s.scalars(select(m.PendingEntry.url)))
    assert len(titles) == 9 and "Văn bản QPPL" not in titles and "" not in titles
    assert stats["not_articles"] == 1 and errors == 0
    assert pending == []  # read and judged: not retried
    out = tmp_path / "out"
    assert run_vnfeeds(db, units, "export", "--out", str(out), "--no-ping").returncode == 0
    items = json.loads((out / "units" / "krongno.json").read_text(encoding="utf-8"))["items"]
    assert len(items) == 9
