"""One test per parsing trap of portals.md, on the stored fixture pages."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from functools import cache

import pytest

from crawlers.extract import extract_list, extract_page, is_article
from crawlers.platforms.base import ListPage
from domain.article import Article
from tests.platforms.golden import FIXTURES, fixtures

CHROME = (
    "Chia sẻ",
    "In bài viết",
    "In trang",
    "Quay lại",
    "Trở về",
    "A+",
    "Tin đã đưa",
    "Các tin khác",
)


def _meta(rel: str) -> dict:
    return json.loads((FIXTURES / f"{rel}.meta.json").read_text(encoding="utf-8"))


def _page(rel: str) -> bytes:
    path = FIXTURES / f"{rel}.html"
    return path.read_bytes() if path.exists() else (FIXTURES / f"{rel}.xml").read_bytes()


@cache
def article(rel: str, platform: str | None = "meta") -> Article:
    meta = _meta(rel)
    chosen = meta.get("platform") if platform == "meta" else platform
    return extract_page(_page(rel), meta["url"], platform=chosen, overrides=meta.get("overrides"))


def listing(rel: str) -> ListPage:
    meta = _meta(rel)
    return extract_list(_page(rel), meta["url"], platform=meta.get("platform"))


def test_seed_article_exactly() -> None:
    seed = (FIXTURES / "liferay_cmsview" / "seed_hoabinh_soct.txt").read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in seed.splitlines() if line.strip()]  # NBSP -> space
    page_title, category, title, date_text, lead, caption, *body = lines
    a = article("liferay_cmsview/seed_hoabinh_soct")
    assert (a.title, a.category, a.lead) == (title, category, lead)
    assert a.published is not None and a.published.isoformat() == "2022-10-07T00:00:00+07:00"
    assert a.time_unknown and date_text == "07/10/2022 00:00"
    assert [(i.caption) for i in a.images] == [caption]
    assert a.body_text.split("\n") == [lead, caption, *body]  # every paragraph, typos kept
    assert "Ngayf 23/9" in a.body_text and page_title not in a.body_text
    assert not a.problems and not a.fallback


def test_header_today_date_is_never_the_article_date() -> None:
    page = _page("liferay_cmsview/seed_hoabinh_soct").decode()
    assert "Ngày 26/11/2025" in page  # the header's today-date is there
    without_own = page.replace('<span class="date_time">07/10/2022 00:00</span>', "")
    a = extract_page(without_own, _meta("liferay_cmsview/seed_hoabinh_soct")["url"])
    assert a.published is None and "missing date" in a.problems


@pytest.mark.parametrize(
    ("rel", "own", "related"),
    [
        ("liferay_cmsview/seed_hoabinh_soct", "2022-10-07", "12/10/2022"),
        ("nukeviet/hoi_nghi_28_tinh", "2022-10-07", "12/10/2022"),
        ("liferay_comsoft/chuyen_giao_giong_che", "2024-11-28", "11/2/2005"),
        ("generic/hoi_thao_ocop", "2023-05-18", "02/05/2023"),
    ],
)
def test_related_list_dates_are_ignored(rel: str, own: str, related: str) -> None:
    assert related in _page(rel).decode()
    a = article(rel)
    assert a.published is not None and a.published.date().isoformat() == own


def test_generic_page_without_own_date_takes_no_related_date() -> None:
    page = _page("generic/hoi_thao_ocop").decode().replace("Đăng ngày: 18/05/2023 10:20", "")
    a = extract_page(page, _meta("generic/hoi_thao_ocop")["url"])
    assert a.published is None  # trafilatura alone would say 2023-05-02 (a related item)


@pytest.mark.parametrize("platform", ["meta", "generic", None])
def test_detailcontroller_page_title_is_never_used(platform: str | None) -> None:
    a = article("liferay_cmsview/seed_hoabinh_soct", platform)
    assert a.title.startswith("Hội nghị ngành Công thương")
    only_title = "<html><head><title>DetailController</title></head><body><p>x</p></body></html>"
    b = extract_page(only_title, "https://soct.hoabinh.gov.vn/web/guest/cms")
    assert b.title == "" and "missing title" in b.problems


def test_jsessionid_and_amp_damage_in_hrefs() -> None:
    lp = listing("liferay62/tin_tuc.list")
    assert "jsessionid" in _page("liferay62/tin_tuc.list").decode()
    assert lp.entries and all(";jsessionid" not in e.url for e in lp.entries)
    assert lp.next_url and "&amp;" not in lp.next_url and lp.next_url.endswith("_cur=2")
    att = article("liferay62/thong_bao_dau_gia").attachments[0]
    assert "&amp;amp;" in _page("liferay62/thong_bao_dau_gia").decode()
    assert att.url.endswith("groupId=10180&ext=doc") and att.type == "doc"
    rss = listing("feed/soct_hoabinh_rss.list")
    assert rss.entries[0].url.startswith("https://soct.hoabinh.gov.vn/web/guest/cms?p_p_id=")
    assert "&amp;" not in rss.entries[0].url and "localhost" not in rss.entries[0].url


def test_relative_and_percent_encoded_image_paths() -> None:
    a = article("liferay_cmsview/khuyen_cong_2022")  # src="../../documents/…%20….jpg"
    assert a.images[0].url == (
        "https://soct.hoabinh.gov.vn/web/guest/documents/20182/1043755/Quang%20canh%20hoi%20nghi.jpg"
    )
    b = article("aspnet/ve_sinh_moi_truong_cp1258")  # src="Upload/…/ra quan ….jpg" (spaces)
    assert b.images[0].url.endswith("/Upload/TinTuc/2017/ra%20quan%20ve%20sinh%20moi%20truong.jpg")
    assert b.images[0].url.startswith("http://lacthuy.hoabinh.gov.vn:8080/")
    c = article("nukeviet/hoi_nghi_28_tinh")  # already encoded: not encoded twice
    assert c.images[1].url.endswith("/toan%20canh%20hoi%20nghi.jpg")


def test_lazy_images_resolved() -> None:
    for rel in (
        "liferay_cmsview/khuyen_cong_2022",
        "nukeviet/hoi_nghi_28_tinh",
        "selectors/tiep_cong_dan_t9",
    ):
        a = article(rel)
        assert all("blank" not in i.url and "loading" not in i.url for i in a.images), rel
        assert "data:image" not in a.body_html and "blank.gif" not in a.body_html, rel
    assert (
        article("selectors/tiep_cong_dan_t9")
        .images[0]
        .url.endswith("/uploads/2023/09/lich-tiep.png")
    )


def test_attachments() -> None:
    kc = {a.name: a for a in article("liferay_cmsview/khuyen_cong_2022").attachments}
    assert kc["Kế hoạch khuyến công năm 2023"].url.startswith(
        "https://soct.hoabinh.gov.vn/c/document_library/get_file?uuid="
    )
    assert kc["Phụ lục đề án"].type == "xlsx"  # /documents/…/name.xlsx/<uuid>
    nv = article("nukeviet/lich_tiep_cong_dan").attachments
    assert [(a.name, a.type) for a in nv] == [
        ("Mẫu đơn kiến nghị", "docx"),
        ("lich tiep cong dan thang 3.pdf", "pdf"),
        ("Danh sách cán bộ tiếp dân", "xlsx"),
    ]
    assert article("nukeviet/hoi_nghi_28_tinh").attachments[0].type == "pdf"  # type from the name
    assert article("aspnet/dich_ta_lon").attachments[1].type == "xlsx"  # &ext=xlsx hint


def test_windows_1258_page_decodes_to_nfc() -> None:
    raw = _page("aspnet/ve_sinh_moi_truong_cp1258")
    decomposed = raw.decode("cp1258")
    assert decomposed != unicodedata.normalize("NFC", decomposed)  # the trap is real
    a = article("aspnet/ve_sinh_moi_truong_cp1258")
    assert (
        a.title
        == "Huyện Lạc Thủy ra quân tổng vệ sinh môi trường hưởng ứng ngày Môi trường thế giới"
    )
    for text in (a.title, a.body_text, a.body_html, a.lead, a.author, a.category):
        assert text == unicodedata.normalize("NFC", text)
    assert a.published is not None and a.published.date().isoformat() == "2017-10-06"


def test_entity_damaged_list_summaries_repaired() -> None:
    summaries = [e.summary for e in listing("liferay62/tin_tuc.list").entries]
    assert "ldquo;" in _page("liferay62/tin_tuc.list").decode()
    assert "“năm 2012”" in summaries[0] and summaries[1].count("&") == 1
    assert all("amp;" not in s and "quo;" not in s for s in summaries)
    asp = [e.summary for e in listing("aspnet/chi_dao.list").entries]
    assert asp and all("“" in s and "ldquo;" not in s for s in asp)


def test_fallback_to_generic_is_recorded() -> None:
    a = article("generic/cmsview_rebuilt")
    assert a.platform == "liferay_cmsview" and a.fallback
    assert any(p.startswith("fallback") for p in a.problems)
    assert a.title.startswith("Sở Xây dựng kiểm tra") and "12 công trình" in a.body_text
    assert not a.body_text.startswith(a.title)
    ok = article("liferay_cmsview/seed_hoabinh_soct")
    assert not ok.fallback


ARTICLES = [f for f in fixtures() if not f.is_list]


@pytest.mark.parametrize("fx", ARTICLES, ids=[f.id for f in ARTICLES])
def test_every_article_is_clean(fx) -> None:
    a = extract_page(
        fx.page.read_bytes(),
        fx.meta["url"],
        platform=fx.meta.get("platform"),
        overrides=fx.meta.get("overrides"),
    )
    for chrome in CHROME:
        assert chrome not in a.body_text, chrome
    # a real page may lack a date or a body; its hand-written JSON says which it has
    # (or print no article at all: a category page, no title, no body, no file)
    want = fx.expected() if fx.hand else {"published": True, "body_text_starts": True}
    if want["published"]:
        assert a.published is not None and a.published.utcoffset() == timedelta(hours=7)
    if want["body_text_starts"]:
        assert a.body_text
    assert a.title or (want.get("title") == "" and not is_article(a))
    if want["published"] and want["body_text_starts"]:
        assert not [p for p in a.problems if p.startswith("missing")]
    for field in (a.title, a.body_text, a.lead):
        assert field == unicodedata.normalize("NFC", field)
    assert all(i.url.startswith("http") for i in a.images)
    assert all(x.url.startswith("http") and x.name and x.type for x in a.attachments)
    assert "<script" not in a.body_html and "onclick" not in a.body_html
