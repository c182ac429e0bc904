"""When trafilatura finds no article it keeps the whole page; generic extraction then takes
what follows the title instead (``crawlers.platforms.generic``). The real pages are in
``test_generic_frame`` (three of its pages are such document pages: a title and a file
link); these pin when a body counts as the page frame and what "after the title" is."""

from __future__ import annotations

import lxml.html

from crawlers.platforms.generic import FRAME_WORDS, _after_title, _framed

MENU = [
    "Trang chủ",
    "Giới thiệu chung",
    "Tin hoạt động của sở",
    "Văn bản pháp luật",
    "Thủ tục hành chính",
    "Hỏi đáp trực tuyến",
    "Lịch công tác tuần",
    "Danh bạ điện thoại - Email",
    "Hội đồng nhân dân tỉnh",
    "Ban pháp chế",
    "Ban Kinh tế - Ngân sách",
    "Ban Văn hóa - Xã hội",
    "Ban Dân tộc",
    "Văn phòng Hội đồng nhân dân",
    "Thư viện ảnh hoạt động",
    "Thư viện video",
    "Tài liệu các kỳ họp",
    "Báo cáo của Ủy ban nhân dân các ngành",
    "Tờ trình, đề án, dự thảo nghị quyết",
    "Thông báo, chương trình",
    "Liên hệ góp ý",
]
TITLE = "Báo cáo công tác giải quyết khiếu nại, tố cáo 06 tháng đầu năm 2019"
PAGE = (
    "<html><body><table><tr><td><ul>"
    + "".join(f"<li><a href='/m{i}'>{m}</a></li>" for i, m in enumerate(MENU))
    + "</ul></td></tr>"
    f"<tr><td><table><tr><td><p class='Title'>{TITLE}</p></td></tr>"
    "<tr><td><p>Xem chi tiết <a href='/files/bao-cao.pdf'>tại đây</a></p></td></tr></table>"
    "</td></tr><tr><td><p>SỐ LƯỢT TRUY CẬP</p></td></tr></table></body></html>"
)


def _title_el() -> lxml.html.HtmlElement:
    root = lxml.html.fromstring(PAGE)
    return root.xpath("//p[@class='Title']")[0]


def test_a_body_reprinting_the_menus_above_the_title_is_the_frame() -> None:
    assert sum(len(m.split()) for m in MENU) >= FRAME_WORDS
    whole = " ".join(MENU) + f" {TITLE} Xem chi tiết tại đây SỐ LƯỢT TRUY CẬP"
    assert _framed(f"<p>{whole}</p>", _title_el())


def test_an_article_naming_a_few_menu_entries_is_not_the_frame() -> None:
    article = (
        "Sáng nay, Ban pháp chế, Ban Dân tộc và Ban Kinh tế - Ngân sách của Hội đồng nhân"
        " dân tỉnh đã giám sát Thủ tục hành chính; Văn phòng Hội đồng nhân dân chuẩn bị"
        " Tài liệu các kỳ họp và Báo cáo của Ủy ban nhân dân các ngành. " * 4
    )
    named = [m for m in MENU if m in article]
    assert sum(len(m.split()) for m in named) >= FRAME_WORDS  # only the share tells
    assert not _framed(f"<p>{article}</p>", _title_el())


def test_after_the_title_is_the_rest_of_its_container() -> None:
    after = lxml.html.fromstring(f"<div>{_after_title(_title_el())}</div>")
    assert " ".join(after.text_content().split()) == "Xem chi tiết tại đây"
    assert after.xpath("//a/@href") == ["/files/bao-cao.pdf"]


def test_a_title_with_nothing_after_it_gives_nothing() -> None:
    root = lxml.html.fromstring(f"<html><body><div><h1>{TITLE}</h1></div></body></html>")
    assert _after_title(root.xpath("//h1")[0]) == ""


def test_a_date_beside_the_title_is_not_what_follows_it() -> None:
    """The title's cell shares its row with a date cell: the article is in the next rows."""
    page = (
        f"<html><body><table><tr><td><p>{TITLE}</p></td><td>30/07/2019</td></tr>"
        "<tr><td><p>Xem chi tiết <a href='/f.pdf'>tại đây</a></p></td></tr></table></body></html>"
    )
    title = lxml.html.fromstring(page).xpath("//p")[0]
    after = lxml.html.fromstring(f"<div>{_after_title(title)}</div>")
    assert " ".join(after.text_content().split()) == "Xem chi tiết tại đây"
