"""Generic extraction drops the page frame trafilatura keeps on table-laid-out pages
(:mod:`crawlers.platforms.framing`).

On real LacViet pages read as if their platform were unknown, trafilatura's body was
the whole page: breadcrumb, banners, the category and date bar, the title, the article,
"Liên kết Website", the visit counter. Each page below is a real page with a
hand-written golden JSON (``tests/fixtures/lacviet``): the generic body must start and
end where the person who read the page said the article does, and hold none of the
chrome they listed. The synthetic cases pin what must *not* be cut.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawlers.extract import extract_page
from crawlers.platforms.framing import drop_frame
from tests.platforms.golden import FIXTURES

#: Real pages whose trafilatura body carried the page frame around the article.
FRAMED = [
    "gianghia_xa_dak_mol_nguy_co_thieu_nuoc_tuoi",
    "hdnd_ban_dan_toc_hdnd_tinh_giam_sat_viec_thuc_hien_nghi_quyet_31",
    "hdnd_hoi_nghi_trao_doi_kinh_nghiem_thuong_truc_hdnd_hai_cap_lan_t",
    "krongno_cong_bo_quyet_dinh_kiem_toan_va_ke_hoach_kiem_toan_ngan_sach",
    "krongno_huyen_dak_song_to_chuc_le_ra_quan_tran_ap_toi_pham_dam_bao_a",
    "krongno_tu_hao_duoc_gop_suc_bao_ve_bien_gioi",
    "snv_khai_truong_nam_a_bank_dak_nong",
    "snv_pho_chu_tich_ubnd_tinh_ton_thi_ngoc_hanh_tham_va_tang_qua_ta",
    "snv_test_tin_noi_bat",
    "snv_thong_bao_nghi_le_tet_nam_2019_doi_voi_can_bo_cong_chuc_vien",
    "stc_huyen_dak_song_hien_mau_nhan_dao_dot_i_2019",
    "svhttdl_be_mac_le_hoi_van_hoa_tho_cam_viet_nam_lan_thu_i",
    "svhttdl_chung_ket_hoi_thi_ke_chuyen_sach_he_nam_2019_chu_de_em_yeu",
    "svhttdl_mua_le_hoi_cua_nguoi_m_nong",
    # the title repeated as the body's first block, no frame around it
    "hdnd_dak_song_khai_giang_lop_boi_duong_doi_tuong_ket_nap_dang_dot",
    # trafilatura found no article (a title and a file link, or one short paragraph) and
    # kept the whole page: the body is what follows the title (generic._after_title)
    "hdnd_bao_cao_cong_tac_giai_quyet_khieu_nai_to_cao_06_thang_dau_na",
    "snv_test_tin_trong_nganh",
    "stc_bao_cao_gia_ca_thi_truong_thang_6_2019",
]
#: What these sites print around every article (seen on the pages).
FRAME_TEXT = ("SỐ LƯỢT TRUY CẬP", "Liên kết Website", "Trang chủ", "VĂN BẢN MỚI")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _page(stem: str) -> Path:
    hits = list((FIXTURES / "lacviet").glob(f"{stem}*.html"))
    assert len(hits) == 1, (stem, hits)
    return hits[0]


@pytest.mark.parametrize("stem", FRAMED)
def test_generic_body_is_the_article_on_a_framed_real_page(stem: str) -> None:
    page = _page(stem)
    meta = json.loads(page.with_suffix(".meta.json").read_text(encoding="utf-8"))
    gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    art = extract_page(page.read_bytes(), meta["url"], platform="generic")
    body = _squash(art.body_text)
    assert body.startswith(_squash(gold["body_text_starts"])), body[:200]
    assert body.endswith(_squash(gold["body_text_ends"])), body[-200:]
    for chrome in [*gold.get("body_text_excludes", []), *FRAME_TEXT]:
        assert _squash(chrome) not in body, chrome  # the rebuild's dead link line too
    assert _squash(gold["title"]) not in body[: len(gold["title"]) + 40]


@pytest.mark.parametrize("stem", FRAMED)
def test_generic_images_are_the_articles_on_a_framed_real_page(stem: str) -> None:
    """The photos the reader listed, in order; none of the page's furniture (spacer
    pixels, the related list's "Xem tiếp" button, a sidebar gallery's photo)."""
    page = _page(stem)
    meta = json.loads(page.with_suffix(".meta.json").read_text(encoding="utf-8"))
    gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    art = extract_page(page.read_bytes(), meta["url"], platform="generic")
    assert [i.url for i in art.images] == [i["url"] for i in gold["images"]]


FRAMED_BODY = """<p><a href="/">Trang chủ</a></p>
<table><tr><td><img src="/banner1.jpg"></td></tr><tr><td><img src="/banner2.jpg"></td></tr></table>
<table><tr><td>Tin hoạt động</td><td>22/04/2019</td></tr></table>
<table><tr><td><p>Khai trương chi nhánh mới tại Gia Nghĩa</p></td></tr>
<tr><td><p>Ngày 3/4, ngân hàng tổ chức khai trương chi nhánh đầu tiên tại tỉnh, ở số 29 đường 23/3, phường Nghĩa Trung, thị xã Gia Nghĩa.</p>
<p>Đại diện lãnh đạo tỉnh, các sở, ngành và khách hàng là doanh nghiệp, hộ tiểu thương trên địa bàn đã tham dự buổi lễ.</p>
<p>Tin, ảnh: Minh An</p></td></tr></table>
<table><tr><td><img src="/photo.jpg"></td></tr><tr><td><p>Khách hàng đầu tiên giao dịch</p></td></tr></table>
<table><tr><td><p>Liên kết Website</p></td></tr></table>
<table><tr><td><h3>SỐ LƯỢT TRUY CẬP</h3></td></tr></table>
<table><tr><td><p>2</p></td></tr></table>"""


def test_the_frame_goes_the_article_its_photos_and_short_lines_stay() -> None:
    out = _squash(drop_frame(FRAMED_BODY, "Khai trương chi nhánh mới tại Gia Nghĩa"))
    text = _squash(lxml.html.fragment_fromstring(out, create_parent="div").text_content())
    assert text.startswith("Ngày 3/4, ngân hàng")  # the title, date bar and banners gone
    assert "Tin, ảnh: Minh An" in out and "/photo.jpg" in out and "Khách hàng đầu tiên" in out
    for gone in ("Trang chủ", "banner1", "22/04/2019", "Liên kết Website", "TRUY CẬP", ">2<"):
        assert gone not in out, gone


PROSE = (
    "Sở Tài chính tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ trọng tâm "
    "của năm tới với sự tham gia của nhiều đơn vị trong tỉnh."
)


@pytest.mark.parametrize(
    ("body", "title"),
    [
        # plain paragraphs: each its own block, none a container of most of the prose
        (f"<p>{PROSE}</p><p>Ngắn.</p><p>{PROSE}</p><p>Tin: Hà</p>", "Hội nghị tổng kết"),
        # a data table holding most prose, then short paragraphs: all article
        (
            f"<h2>Hội nghị tổng kết</h2><table><tr><td>{PROSE}</td></tr>"
            f"<tr><td>{PROSE}</td></tr></table><p>Ghi chú.</p><p>Tin: Hà</p>",
            "Hội nghị tổng kết",
        ),
        # the biggest prose a footer's or a sidebar's, the title after it: nothing is judged
        (
            f"<table><tr><td>Tin nổi bật</td></tr></table><div><p>{PROSE} {PROSE}</p></div>"
            "<table><tr><td>Hội nghị tổng kết</td></tr></table><p>Ghi chú.</p>",
            "Hội nghị tổng kết",
        ),
    ],
)
def test_bodies_without_a_frame_lose_nothing(body: str, title: str) -> None:
    out = drop_frame(body, title)
    for words in ("Ngắn.", "Ghi chú.", "Tin: Hà", "Tin nổi bật", PROSE):
        assert body.count(words) == out.count(words), words


_TAGS = st.sampled_from(["p", "div", "table", "tr", "td", "span", "strong", "h2", "ul", "li"])
_WORDS = st.sampled_from(["Hội", "nghị", "tổng", "kết", "năm", "2024", "Trang", "chủ", "."])
_TEXT = st.one_of(
    st.lists(_WORDS, max_size=15).map(" ".join), st.just("Hội nghị tổng kết"), st.just(PROSE)
)


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(_TAGS)
            parts.append(f"<{tag}>{draw(_html(depth + 1))}</{tag}>")
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


@settings(max_examples=500, deadline=None)
# text before a first block that repeats the title: not dropped (and no two words merged)
@example(body="Hội nghị tổng kết<p>Hội nghị tổng kết</p>Hội", title="Hội nghị tổng kết")
@given(body=_html(), title=st.sampled_from(["Hội nghị tổng kết", "Trang chủ", "kết năm"]))
def test_drop_frame_only_ever_removes(body: str, title: str) -> None:
    """Whatever the markup, nothing is added or reordered: the words out are the words in,
    some of them dropped, in the same order."""
    out = drop_frame(body, title)

    def words(html: str) -> list[str]:
        if not html.strip():
            return []
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        return [w for text in root.itertext() for w in text.split()]  # per text node

    it = iter(words(body))
    assert all(w in it for w in words(out))  # a subsequence
