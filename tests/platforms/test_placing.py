"""Photos trafilatura moved after the text go back where the page shows them
(:mod:`crawlers.platforms.placing`). The real pages are in ``test_generic_frame`` (5 of its
15 end with the captions without this); these pin the rule's edges."""

from __future__ import annotations

import lxml.html

from crawlers.platforms.placing import put_images_back

URL = "http://so.example.gov.vn/tin-tuc/bai-viet/"
P1, P2, P3 = (
    "Đoạn một: hội nghị khai mạc sáng nay.",
    "Đoạn hai: các đại biểu thảo luận.",
    "Đoạn ba: hội nghị bế mạc.",
)


def _photo(src: str, caption: str) -> str:
    return f'<table><tr><td><img src="{src}"></td></tr><tr><td><p>{caption}</p></td></tr></table>'


def _page(inner: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body><div class='menu'>Trang chủ</div>{inner}</body></html>"
    )


def _placed(body: str, page: str) -> list[str]:
    """The body's text blocks and image addresses, in order, after placing."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    put_images_back(root, _page(page), URL)
    return [
        el.get("src") if el.tag == "img" else " ".join(el.text_content().split())
        for el in root.iter("p", "li", "img")
    ]


def test_photos_go_back_after_the_paragraph_before_them_on_the_page() -> None:
    page = f"<p>{P1}</p>{_photo('/a.jpg', 'Ảnh A')}<p>{P2}</p>{_photo('b.jpg', 'Ảnh B')}<p>{P3}</p>"
    # trafilatura's shape: the text in one table cell, the photos after it
    body = (
        f"<table><tr><td><p>{P1}</p><p>{P2}</p><p>{P3}</p></td></tr></table>"
        + _photo("http://so.example.gov.vn/a.jpg", "Ảnh A")
        + _photo("http://so.example.gov.vn/tin-tuc/bai-viet/b.jpg", "Ảnh B")
    )
    assert _placed(body, page) == [
        P1,
        "http://so.example.gov.vn/a.jpg",
        "Ảnh A",
        P2,
        "http://so.example.gov.vn/tin-tuc/bai-viet/b.jpg",
        "Ảnh B",
        P3,
    ]


def test_two_photos_between_the_same_paragraphs_keep_their_order() -> None:
    page = f"<p>{P1}</p>{_photo('/a.jpg', 'A')}{_photo('/b.jpg', 'B')}<p>{P2}</p>"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/a.jpg', 'A')}{_photo('/b.jpg', 'B')}"
    assert _placed(body, page) == [P1, "/a.jpg", "A", "/b.jpg", "B", P2]


def test_a_photo_above_the_text_goes_first() -> None:
    page = f"{_photo('/lead.jpg', 'Ảnh đầu')}<p>{P1}</p><p>{P2}</p>"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/lead.jpg', 'Ảnh đầu')}"
    assert _placed(body, page) == ["/lead.jpg", "Ảnh đầu", P1, P2]


def test_photos_the_page_shows_after_the_text_or_not_at_all_stay_last() -> None:
    page = f"<p>{P1}</p><p>{P2}</p>{_photo('/gallery.jpg', 'Thư viện ảnh')}"
    body = f"<p>{P1}</p><p>{P2}</p>{_photo('/gallery.jpg', 'Thư viện ảnh')}"
    body += _photo("/elsewhere.jpg", "Không có trên trang")
    assert _placed(body, page) == [
        P1,
        P2,
        "/gallery.jpg",
        "Thư viện ảnh",
        "/elsewhere.jpg",
        "Không có trên trang",
    ]


def test_a_photo_after_a_list_item_goes_after_the_list() -> None:
    page = f"<ul><li>{P1}</li><li>{P2}</li></ul>{_photo('/a.jpg', 'A')}<p>{P3}</p>"
    root = lxml.html.fragment_fromstring(
        f"<ul><li>{P1}</li><li>{P2}</li></ul><p>{P3}</p>{_photo('/a.jpg', 'A')}",
        create_parent="div",
    )
    put_images_back(root, _page(page), URL)
    assert [el.tag for el in root] == ["ul", "table", "p"]


def test_a_body_without_trailing_photos_is_left_alone() -> None:
    page = f"<p>{P1}</p>{_photo('/a.jpg', 'A')}<p>{P2}</p>"
    body = f"<p>{P1}</p>{_photo('/a.jpg', 'A')}<p>{P2}</p>"
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    before = lxml.html.tostring(root)
    put_images_back(root, _page(page), URL)
    assert lxml.html.tostring(root) == before


def test_two_photos_after_one_list_keep_their_order() -> None:
    """Both photos follow the list, in the page's order."""
    page = f"<ul><li>{P1}</li></ul>{_photo('/a.jpg', 'A')}{_photo('/b.jpg', 'B')}<p>{P3}</p>"
    body = f"<ul><li>{P1}</li></ul><p>{P3}</p>{_photo('/a.jpg', 'A')}{_photo('/b.jpg', 'B')}"
    assert _placed(body, page) == [P1, "/a.jpg", "A", "/b.jpg", "B", P3]


def test_a_sidebar_repeating_the_photo_or_a_line_does_not_move_it_there() -> None:
    """The sidebar before the article shows the same photo and the article's byline: the
    photo goes where the article shows it, and the repeated line locates nothing."""
    sidebar = f"<div class='side'>{_photo('/b.jpg', 'Tin nổi bật')}<p>Tin: Minh An</p></div>"
    page = f"{sidebar}<p>{P1}</p><p>{P2}</p>{_photo('/b.jpg', 'B')}<p>{P3}</p><p>Tin: Minh An</p>"
    body = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>Tin: Minh An</p>{_photo('/b.jpg', 'B')}"
    assert _placed(body, page) == [P1, P2, "/b.jpg", "B", P3, "Tin: Minh An"]
