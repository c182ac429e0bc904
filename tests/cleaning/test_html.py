"""Sanitising article HTML, URLs and HTML → text."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from crawlers.cleaning.html import absolutize, drop_element, sanitize_html
from crawlers.cleaning.plaintext import html_to_text

BASE = "http://sct.hoabinh.gov.vn/web/guest/cms?p_p_id=x&_articleId=5"

MALICIOUS = [
    "<img src=x onerror=alert(1)>",
    '<a href="JaVaScRiPt:alert(1)">bấm</a>',
    '<a href="  java\tscript:alert(1)">bấm</a>',
    '<a href="vbscript:msgbox(1)">bấm</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">bấm</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<div onmouseover="alert(1)">x</div>',
    '<form action="https://evil.example/"><input name=a><button>Gửi</button></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<img src="http://x.vn/a.jpg" onload="alert(1)" style="width:1px">',
    "<p><b><i>unclosed <a href='/x' onclick=alert(1)>link",
    '<base href="javascript:alert(1)//"><a href="x">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]
FORBIDDEN = re.compile(
    r"<script|<style|<iframe|<svg|<math|<form|<input|<object|<embed|<base|<meta|javascript:|"
    r"vbscript:|data:|\son\w+=|style=|<!--",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", MALICIOUS)
def test_malicious_payloads_are_neutralised(payload: str) -> None:
    out = sanitize_html(payload, BASE)
    assert not FORBIDDEN.search(out), out
    # whatever survives parses to elements from the allowlist only
    if out:
        tree = lxml_html.fragment_fromstring(out, create_parent="div")
        allowed = {
            "div",
            "p",
            "br",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "li",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "a",
            "img",
            "figure",
            "figcaption",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "sub",
            "sup",
            "blockquote",
        }
        assert {el.tag for el in tree.iter()} <= allowed
        for el in tree.iter("a"):
            assert el.get("href", "").startswith(("http://", "https://", "mailto:"))
        for el in tree.iter("img"):
            assert el.get("src", "").startswith(("http://", "https://"))


def test_links_absolute_with_rel() -> None:
    out = sanitize_html('<p>Xem <a href="/web/guest/tin?x=1&amp;y=2" title="Tin">tin</a></p>', BASE)
    assert out == (
        '<p>Xem <a href="http://sct.hoabinh.gov.vn/web/guest/tin?x=1&amp;y=2" title="Tin" '
        'rel="nofollow noopener">tin</a></p>'
    )


def test_anchor_only_and_bad_links_are_unwrapped() -> None:
    out = sanitize_html(
        '<p><a href="#top">đầu</a> và <a href="javascript:void(0)">đây</a></p>', BASE
    )
    assert out == "<p>đầu và đây</p>"


def test_lazy_images_and_relative_paths() -> None:
    frag = (
        '<p><img src="data:image/gif;base64,R0lGOD" data-src="/documents/ảnh hội nghị.jpg" '
        'width="600px" height="auto" alt="Ảnh"></p>'
        '<p><img src="/images/blank.gif" data-original="../upload/a%20b.png"></p>'
        '<p><img data-lazy-src="//cdn.hoabinh.gov.vn/x.jpg"></p>'
        '<p><img src="anh moi.JPG"></p>'
    )
    out = sanitize_html(frag, BASE)
    assert (
        '<img src="http://sct.hoabinh.gov.vn/documents/%E1%BA%A3nh%20h%E1%BB%99i%20ngh%E1%BB%8B.jpg"'
        ' width="600" alt="Ảnh">' in out
    )
    assert '<img src="http://sct.hoabinh.gov.vn/web/upload/a%20b.png">' in out
    assert '<img src="http://cdn.hoabinh.gov.vn/x.jpg">' in out
    assert '<img src="http://sct.hoabinh.gov.vn/web/guest/anh%20moi.JPG">' in out
    assert "blank.gif" not in out and "data:" not in out


def test_image_without_usable_src_is_dropped() -> None:
    assert sanitize_html('<p>Chữ <img src="javascript:alert(1)"><img></p>', BASE) == "<p>Chữ</p>"


def test_share_widgets_and_tools_removed() -> None:
    frag = """
    <div class="share-box"><a href="https://www.facebook.com/sharer.php?u=x">Facebook</a></div>
    <div id="addthis_toolbox"><a class="addthis_button">Chia sẻ</a></div>
    <div class="zalo-share-button" data-href="x"></div>
    <div class="fb-like"></div><ul class="social"><li><a href="https://x.com">X</a></li></ul>
    <div class="font-size-tool">A+ A A-</div>
    <p>Nội dung chính của bài.</p>
    <div class="tool"><a href="javascript:window.print()">In bài viết</a> |
      <a href="mailto:?subject=x">Gửi email</a> | <a href="javascript:history.back()">Quay lại</a></div>
    <p><a href="/ban-in">Bản in</a></p><p><span>Trở về</span></p>
    """
    assert sanitize_html(frag, BASE) == "<p>Nội dung chính của bài.</p>"


def test_related_news_blocks_removed() -> None:
    frag = """
    <p>Đoạn cuối của bài viết.</p>
    <h3 class="title"><span>Các tin khác</span></h3>
    <ul><li><a href="/a">Tin 1</a> (07/10/2022)</li><li><a href="/b">Tin 2</a> (06/10/2022)</li></ul>
    """
    assert sanitize_html(frag, BASE) == "<p>Đoạn cuối của bài viết.</p>"
    frag2 = """
    <p>Nội dung.</p>
    <p><strong>Tin liên quan:</strong></p>
    <p><a href="/a">Tin một</a></p><p><a href="/b">Tin hai</a></p>
    """
    assert sanitize_html(frag2, BASE) == "<p>Nội dung.</p>"
    frag3 = '<p>Nội dung.</p><div class="x"><div>Tin cùng chuyên mục</div><div><a href="/c">C</a></div></div>'
    assert sanitize_html(frag3, BASE) == "<p>Nội dung.</p>"


def test_content_mentioning_related_words_is_kept() -> None:
    frag = "<p>Các tin khác nhau về hội nghị được tổng hợp dưới đây.</p>"
    assert sanitize_html(frag, BASE) == frag


def test_contact_details_are_not_chrome() -> None:
    frag = (
        "<p><strong>Email:</strong> sct@hoabinh.gov.vn</p>"
        "<table><tbody><tr><td>Email</td><td>Quay lại</td></tr></tbody></table>"
    )
    assert sanitize_html(frag, BASE) == frag


def test_figure_and_caption_kept() -> None:
    frag = (
        '<figure class="image"><img src="/a.jpg" alt="x"><figcaption>Các đồng chí Lãnh đạo chụp ảnh '
        "lưu niệm tại hội nghị</figcaption></figure>"
    )
    assert sanitize_html(frag, BASE) == (
        '<figure><img src="http://sct.hoabinh.gov.vn/a.jpg" alt="x"><figcaption>Các đồng chí Lãnh '
        "đạo chụp ảnh lưu niệm tại hội nghị</figcaption></figure>"
    )


def test_structure_h1_divs_spans_empty_paragraphs() -> None:
    frag = (
        '<h1 class="t">Tiêu đề</h1><div><span style="font-size:12pt">Đoạn một</span></div>'
        "<div><div>A</div>chữ rời <b>đậm</b><p>B</p></div><p>&nbsp;</p><p><br></p><p> </p>"
        '<table border="1"><tr><td colspan="2" style="x">ô</td><td rowspan="x">ô2</td></tr></table>'
    )
    assert sanitize_html(frag, BASE) == (
        "<h2>Tiêu đề</h2><p>Đoạn một</p><p>A</p><p>chữ rời <b>đậm</b></p><p>B</p>"
        '<table><tbody><tr><td colspan="2">ô</td><td>ô2</td></tr></tbody></table>'
    )


def test_text_nodes_repaired_nfc_and_xml_safe() -> None:
    nfd_word = "Ho\u0300a"
    frag = f"<p>{nfd_word} ldquo;Bình\x01rdquo; Thá»© nÄƒm</p>"
    assert sanitize_html(frag, BASE) == "<p>Hòa “Bình” Thứ năm</p>"


def test_sanitize_is_idempotent_on_a_real_shape() -> None:
    frag = (
        '<div id="contentDetail" class="textdetail"><p style="text-align:justify">Ngayf 23/9, tại '
        'tỉnh Thanh Hóa...</p><p><img class="img-responsive" src="/documents/1/a b.jpg"></p>'
        '<div class="img-title">Các đồng chí Lãnh đạo chụp ảnh lưu niệm tại hội nghị</div></div>'
    )
    once = sanitize_html(frag, BASE)
    assert sanitize_html(once, BASE) == once
    assert "Ngayf 23/9" in once  # the source's typo is kept


def test_empty_and_whitespace() -> None:
    assert sanitize_html("", BASE) == ""
    assert sanitize_html("   \n ", BASE) == ""
    assert sanitize_html("<p></p><div> </div>", BASE) == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("../a b/ảnh.jpg", "http://sct.hoabinh.gov.vn/web/a%20b/%E1%BA%A3nh.jpg"),
        ("/x;jsessionid=AB12?a=1&amp;b=2", "http://sct.hoabinh.gov.vn/x;jsessionid=AB12?a=1&b=2"),
        ("/x?a=1&amp;amp;b=2", "http://sct.hoabinh.gov.vn/x?a=1&b=2"),
        ("/a%20b/%E1%BA%A3nh.jpg", "http://sct.hoabinh.gov.vn/a%20b/%E1%BA%A3nh.jpg"),
        ("//cdn.vn/x.png", "http://cdn.vn/x.png"),
        ("https://Khác.vn/tin tức", "https://xn--khc-fla.vn/tin%20t%E1%BB%A9c"),
        ("?cur=2", "http://sct.hoabinh.gov.vn/web/guest/cms?cur=2"),
        (
            " \n/c/document_library/get_file?uuid=1&groupId=2 ",
            "http://sct.hoabinh.gov.vn/c/document_library/get_file?uuid=1&groupId=2",
        ),
        ("mailto:sct@hoabinh.gov.vn", "mailto:sct@hoabinh.gov.vn"),
        ("javascript:alert(1)", ""),
        (" JaVa\tScRiPt:alert(1)", ""),
        ("data:image/png;base64,AAAA", ""),
        ("vbscript:x", ""),
        ("file:///etc/passwd", ""),
        ("http://[::1", ""),
        ("", ""),
    ],
)
def test_absolutize(url: str, expected: str) -> None:
    assert absolutize(url, BASE) == expected
    if expected:
        assert absolutize(expected, BASE) == expected


def test_absolutize_needs_an_absolute_base_for_relative_urls() -> None:
    assert absolutize("/a.jpg", "") == ""
    assert absolutize("http://x.vn/a.jpg", "") == "http://x.vn/a.jpg"


def test_html_to_text_paragraph_per_line() -> None:
    html = (
        "<h2>Tiêu đề</h2><p>Đoạn\n một   có <b>đậm</b></p><ul><li>Ý 1</li><li>Ý 2</li></ul>"
        "<p>Dòng 1<br>Dòng 2</p><table><tr><td>a</td><td>b</td></tr></table>"
        "<script>x()</script><figure><img src='x'><figcaption>Chú thích</figcaption></figure>"
    )
    assert html_to_text(html) == (
        "Tiêu đề\nĐoạn một có đậm\nÝ 1\nÝ 2\nDòng 1\nDòng 2\na b\nChú thích"
    )


def test_html_to_text_plain_text_and_entities() -> None:
    assert html_to_text("Dòng một\n\nDòng hai &amp; ba") == "Dòng một\nDòng hai & ba"
    assert html_to_text("") == ""


def test_html_to_text_of_sanitised_seed_shape() -> None:
    frag = "<p>Ngayf 23/9, tại tỉnh Thanh Hóa.</p><p>Theo báo cáo của Bộ Công Thương.</p>"
    assert html_to_text(sanitize_html(frag, BASE)) == (
        "Ngayf 23/9, tại tỉnh Thanh Hóa.\nTheo báo cáo của Bộ Công Thương."
    )


@pytest.mark.parametrize(
    ("html", "drop", "text"),
    [
        ("<div>Hội nghị<p>x</p>tổng kết</div>", "p", "Hội nghị tổng kết"),  # no space: one added
        (
            "<div>Hội nghị <p>x</p>tổng kết</div>",
            "p",
            "Hội nghị tổng kết",
        ),  # space kept, not doubled
        ("<div><b>a</b>Hội<p>x</p>nghị</div>", "p", "aHội nghị"),  # the tail joins the sibling's
        ("<div><p>x</p>Hội nghị</div>", "p", "Hội nghị"),  # nothing before: no space
    ],
)
def test_drop_element_keeps_the_words_around_it_apart(html: str, drop: str, text: str) -> None:
    root = lxml_html.fragment_fromstring(html)
    drop_element(root.find(f".//{drop}"))
    assert root.text_content() == text
