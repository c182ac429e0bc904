"""A site's "page not found" served as 200 OK (a soft 404) is not an article.

The real Krông Nô site answers a link of its own list with a 51-byte placeholder,
``<h1>EasyWeb</h1><h3>Default 404 Not Found Page</h3>`` (tests/fixtures/realsites/,
copied from shared/realsites/; 19 such pages in the saved sites). Without the check it
became an article with the list's title and "EasyWeb" for a body. The other error pages
here are built from the platforms' published wording: NukeViet's ``error_404_title`` /
``error_404_content`` (nukeviet/nukeviet, includes/language/vi/global.php).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from crawlers.extract import SOFT_404, extract_page, is_article
from crawlers.listcheck import check_against_list
from crawlers.notfound import MAX_BODY_WORDS, is_soft_404
from storage import models as m
from storage.db import Store, resolve_db_url
from storage.progress import DEAD_LINK_DAYS
from storage.urls import canonical_url
from tests.conftest import NewDbUrl
from tests.crawl.conftest import run_vnfeeds
from tests.learn.folder_site import FolderSite
from tests.learn.test_not_an_article import UNITS

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "realsites" / "krongno.daknong.gov.vn"
STUB = "/khai-truong-nam-a-bank-dak-nong"

# themes/default/system/info_die.tpl (nukeviet/nukeviet), filled with the 404 strings
NUKEVIET_404 = """<!DOCTYPE html><html lang="vi"><head>
<meta http-equiv="content-type" content="text/html; charset=utf-8" />
<title>Lỗi truy cập 404</title></head><body>
<div class="nv-infodie text-center"><div class="panel-body">
<p><a href="/"><img class="logo" src="/uploads/logo.png" alt="Sở Công Thương tỉnh Phú Thọ"></a></p>
<div class="m-bottom"><h2>Lỗi truy cập 404</h2>Lỗi 404: Trang web mà bạn đã cố gắng truy cập
không tồn tại trên máy chủ của website.</div>
<div><hr /><em class="fa fa-home fa-lg">&nbsp;</em> <a href="/">Về trang chủ</a></div>
</div></div></body></html>"""

PLAIN_404 = """<html><head><title>Sở Y tế tỉnh Thanh Hóa</title></head><body>
<div class="main"><h1>404</h1><p>Xin lỗi, trang bạn đang tìm không tồn tại hoặc đã bị xoá.</p>
</div></body></html>"""

ENGLISH_404 = """<html><head><title>Page Not Found</title></head><body><div id="content">
<h1>Page Not Found</h1><p>The page you are looking for might have been removed.</p>
</div></body></html>"""


def _stub() -> bytes:
    with FolderSite(SITE) as site:
        page = site.page(STUB)
    assert page is not None
    return page.encode("utf-8")


def test_the_real_placeholder_page_is_a_soft_404_and_borrows_nothing() -> None:
    for platform in ("lacviet", None):
        a = extract_page(_stub(), f"http://krongno.daknong.gov.vn{STUB}/", platform=platform)
        assert not is_article(a) and SOFT_404 in a.problems, a.problems
        verdict = check_against_list(a, "Khai trương Nam Á Bank Đắk Nông", "12/03/2019")
        assert not verdict.checked and a.title == "Default 404 Not Found Page"
        assert a.published is None  # the list's date was not borrowed either


@pytest.mark.parametrize(
    ("page", "platform"),
    [(NUKEVIET_404, "nukeviet"), (NUKEVIET_404, None), (PLAIN_404, None), (ENGLISH_404, None)],
    ids=["nukeviet", "nukeviet-detected", "vietnamese-body", "english"],
)
def test_error_pages_in_the_platforms_wording_are_soft_404s(
    page: str, platform: str | None
) -> None:
    a = extract_page(page, "http://x.gov.vn/tin-tuc/bai-da-xoa.html", platform=platform)
    assert SOFT_404 in a.problems and not is_article(a), (a.title, a.body_text, a.problems)


def test_articles_that_mention_a_missing_page_stay_articles() -> None:
    # a short news item whose title holds "không tồn tại", not an error page's phrase
    assert not is_soft_404(
        "Xử lý doanh nghiệp không tồn tại tại địa chỉ đăng ký",
        "Cục Thuế tỉnh công bố danh sách 12 doanh nghiệp không hoạt động tại trụ sở.",
    )
    # a long article quoting an error message
    body = "Người dân phản ánh trang bạn yêu cầu không tồn tại khi nộp hồ sơ. " * 8
    assert len(body.split()) > MAX_BODY_WORDS
    assert not is_soft_404("Khắc phục lỗi cổng dịch vụ công", body)
    # a short headline about an error, its body quoting it
    assert not is_soft_404(
        "Khắc phục lỗi 404 trên Cổng dịch vụ công của tỉnh",
        "Từ ngày 5/11, người dân truy cập cổng gặp lỗi 404 khi nộp hồ sơ trực tuyến. Sở"
        " Thông tin và Truyền thông đã phối hợp với đơn vị cung cấp phần mềm khắc phục sự"
        " cố, hệ thống hoạt động bình thường từ chiều cùng ngày.",
    )
    # an error page's title with the site's name after it
    assert is_soft_404("404 - Không tìm thấy trang - Cổng thông tin điện tử tỉnh Phú Thọ", "")
    assert is_soft_404("Page Not Found | Sở Y tế tỉnh Thanh Hóa", "Về trang chủ")
    # a notice whose content is its attachment
    assert not is_soft_404("Lỗi 404", "", attachments=1)
    # the same short error text is a soft 404 without the attachment
    assert is_soft_404("Lỗi 404", "")


def test_a_page_without_a_title_whose_frame_holds_an_error_line_is_a_soft_404() -> None:
    """With no title the text read is the page frame (menus, footer) around the message,
    too long for the body rules: a short line that is an error title decides (the real
    Liferay theme of ldld-1.daknong: "Ooops... Error 404", golden ``liferay62/ldld_404``)."""
    frame = "\n".join(["Trang chủ Giới thiệu Tư vấn pháp luật Văn bản ban hành"] * 12)
    assert is_soft_404("", f"{frame}\nOoops... Error 404\nXin lỗi, trang không có\n{frame}")
    assert is_soft_404("", f"{frame}\nLỗi 404\n{frame}")
    # a sentence that mentions an error is no error line, and a titled page is judged as before
    line = "Cổng dịch vụ công đã khắc phục lỗi 404 khi nộp hồ sơ trực tuyến trong tuần qua"
    assert not is_soft_404("", f"{frame}\n{line}\n{frame}")
    assert not is_soft_404("Tin tức", f"{frame}\nOoops... Error 404\n{frame}")


def test_a_crawl_keeps_the_soft_404_out_and_skips_the_dead_link_for_a_while(
    tmp_path: Path, new_db_url: NewDbUrl
) -> None:
    """The list's first entry leads to the placeholder: counted, not stored, and
    remembered as a dead link, so the next runs, whose list still shows it, do not fetch
    it again (nor judge the unit by it) until DEAD_LINK_DAYS have passed."""
    units, db = tmp_path / "units.toml", new_db_url("db")
    with FolderSite(SITE) as site:
        site.rewrite = lambda path, html: html.replace('href="/thong-bao-1"', f'href="{STUB}"')
        units.write_text(UNITS.format(base=site.base), encoding="utf-8")
        first = run_vnfeeds(db, units, "crawl", "-q", timeout=300)
        assert STUB in site.paths, first.stdout + first.stderr[-3000:]
        assert first.returncode == 0, first.stdout + first.stderr[-3000:]
        store = Store(resolve_db_url(db))
        with store.session() as s:
            titles = set(s.scalars(select(m.Article.title)))
            run = s.scalars(select(m.CrawlRun)).one()
            assert s.scalars(select(m.PendingEntry)).all() == []
            dead = s.scalars(select(m.DeadLink)).one()
            assert (dead.unit_id, dead.reason) == ("krongno", SOFT_404)
            assert dead.url == canonical_url(f"{site.base}{STUB}")
            assert timedelta(days=DEAD_LINK_DAYS - 1) < dead.until - dead.found_at
        assert len(titles) == 9 and "Thông báo 1" not in titles
        assert "Default 404 Not Found Page" not in titles
        assert run.stats["not_articles"] == 1 and run.errors == 0
        again = run_vnfeeds(db, units, "crawl", "-q", timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert site.paths.count(STUB) == 1  # listed again, not fetched again
        with store.session() as s:
            last = s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id.desc())).first()
            assert last is not None and last.stats["dead_links_skipped"] == 1
            assert len(set(s.scalars(select(m.Article.title)))) == 9
            # DEAD_LINK_DAYS later: fetched once more, and found dead again
            s.execute(update(m.DeadLink).values(until=datetime.now(UTC) - timedelta(hours=1)))
            s.commit()
        week = run_vnfeeds(db, units, "crawl", "-q", timeout=300)
        assert week.returncode == 0, week.stdout + week.stderr[-3000:]
        assert site.paths.count(STUB) == 2
        with store.session() as s:
            last = s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id.desc())).first()
            assert last is not None and last.stats["dead_links_still_dead"] == 1
            assert last.stats["not_articles"] == last.stats["missing_fields"] == 0
            dead = s.scalars(select(m.DeadLink)).one()  # skipped for another week
            assert dead.until > datetime.now(UTC) + timedelta(days=DEAD_LINK_DAYS - 1)
        # the one page the run fetched was a known dead link: no news, so not broken
        status = run_vnfeeds(db, units, "status", "--json")
        assert [r["state"] for r in json.loads(status.stdout)] == ["ok"], status.stdout
        store.dispose()
