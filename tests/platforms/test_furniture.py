"""Page furniture trafilatura keeps as photos leaves the generic body
(:mod:`crawlers.platforms.furniture`). The real pages are in ``test_generic_frame`` (9 of
its 15 keep a spacer pixel or a "Xem tiếp" button without this); these pin the edges."""

from __future__ import annotations

import lxml.html

from crawlers.platforms.furniture import FAR_WORDS, drop_furniture

URL = "http://so.example.gov.vn/tin-tuc/bai-viet/"
P1 = "Đoạn một: hội nghị khai mạc sáng nay tại hội trường tỉnh."
P2 = "Đoạn hai: các đại biểu thảo luận về kế hoạch năm tới."
RELATED = "".join(
    f"<li><a href='/tin-{i}'>Tin liên quan số {i} về hoạt động của ngành trong tháng</a></li>"
    for i in range(5)
)


def _images(body: str, page: str) -> list[str]:
    """The body's image addresses after dropping the furniture."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    drop_furniture(root, lxml.html.fromstring(f"<html><body>{page}</body></html>"), URL)
    return [img.get("src") for img in root.iter("img")]


def _photo(src: str, caption: str = "") -> str:
    cap = f"<tr><td><p>{caption}</p></td></tr>" if caption else ""
    return f'<table><tr><td><img src="{src}"></td></tr>{cap}</table>'


def test_a_see_more_button_after_a_related_list_goes() -> None:
    page = f"<p>{P1}</p><p>{P2}</p><ul>{RELATED}</ul><a href='#'><img src='/xemtiep.gif'></a>"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/xemtiep.gif')}"
    assert _images(body, page) == []


def test_a_photo_right_after_the_last_line_or_a_short_credit_stays() -> None:
    credit = "Tin, ảnh: Minh An - Phòng Văn hóa và Thông tin huyện"
    assert len(credit.split()) <= FAR_WORDS
    page = f"<p>{P1}</p><p>{P2}</p><p>{credit}</p>{_photo('/a.jpg', 'Ảnh A')}<ul>{RELATED}</ul>"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/a.jpg', 'Ảnh A')}"
    assert _images(body, page) == ["/a.jpg"]


def test_words_the_article_prints_do_not_count_as_distance() -> None:
    caption = " ".join(["Toàn cảnh hội nghị tổng kết công tác năm của ngành"] * 4)
    page = f"<p>{P1}</p><p>{P2}</p>{_photo('/a.jpg', caption)}{_photo('/b.jpg', caption + ' tiếp')}"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/a.jpg', caption)}{_photo('/b.jpg', caption + ' tiếp')}"
    assert _images(body, page) == ["/a.jpg", "/b.jpg"]


def test_a_photo_inside_the_text_stays_however_far_the_page_shows_it() -> None:
    page = f"<p>{P1}</p><ul>{RELATED}</ul><img src='/far.jpg'><p>{P2}</p>"
    body = f"<p>{P1}</p>{_photo('/far.jpg')}<p>{P2}</p>"
    assert _images(body, page) == ["/far.jpg"]


def test_spacer_pixels_go_wherever_they_are() -> None:
    page = (
        f"<p>{P1}</p><img src='/blank.gif' width='1' height='1'>"
        f"<img src='/line.gif' style='POSITION: absolute; BORDER-TOP-WIDTH: 0px; HEIGHT: 1px'>"
        f"<p>{P2}</p>"
    )
    body = f"<p>{P1}<img src='/blank.gif'></p><p>{P2}</p>{_photo('/line.gif')}"
    assert _images(body, page) == []
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    drop_furniture(root, lxml.html.fromstring(f"<html><body>{page}</body></html>"), URL)
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == [P1, P2]


def test_an_image_shown_full_size_somewhere_is_no_pixel() -> None:
    """A border-width of 0px, or one small copy of a photo shown large elsewhere, is no spacer."""
    page = (
        f"<p>{P1}</p><img src='/a.jpg' style='border-width: 0px; width: 400px'>"
        f"<img src='/b.jpg' width='1'><img src='/b.jpg' width='600'><p>{P2}</p>"
    )
    body = f"<p>{P1}</p>{_photo('/a.jpg')}{_photo('/b.jpg')}<p>{P2}</p>"
    assert _images(body, page) == ["/a.jpg", "/b.jpg"]


def test_words_after_the_photo_do_not_count() -> None:
    """Text that follows the photo inside the elements holding it (their tails) comes
    after the image on the page, not between it and the article."""
    after = " ".join(["Các tin khác trong chuyên mục hoạt động của ngành"] * 5)
    page = f"<div><p>{P1}</p><p>{P2}</p><span><img src='/a.jpg'></span>{after}</div>"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/a.jpg')}"
    assert _images(body, page) == ["/a.jpg"]
