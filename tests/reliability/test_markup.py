"""Failure 9 in-process: nesting far past libxml2's limits and void tags it does not know."""

from __future__ import annotations

import pytest

from crawlers.cleaning.markup import cap_depth, close_void_elements
from crawlers.extract import extract_page

SELECTORS = {"title": "h1", "body": "div.content", "list_links": "a"}


def _page(inner: str) -> bytes:
    return (
        "<html><body><h1>Tiêu đề bài viết</h1><div class='content'><p>Mở đầu.</p>"
        f"{inner}<p>Kết thúc.</p></div></body></html>"
    ).encode()


@pytest.mark.parametrize("levels", [257, 600, 2500, 10000])
def test_text_at_any_depth_is_kept(levels: int) -> None:
    deep = "<div><span>" * levels + "<p>Văn bản ở tầng sâu nhất.</p>" + "</span></div>" * levels
    art = extract_page(
        _page(deep), "http://so.example.vn/a", platform="selectors", overrides=SELECTORS
    )
    for text in ("Mở đầu.", "Văn bản ở tầng sâu nhất.", "Kết thúc."):
        assert text in art.body_text, (levels, text)


@pytest.mark.parametrize("tag", ["embed", "source", "track", "wbr"])
def test_an_unclosed_void_tag_does_not_swallow_what_follows(tag: str) -> None:
    html = f"<p>Trước.</p><{tag} src='/x'><p>Sau một.</p><p>Sau hai.</p>"
    art = extract_page(
        _page(html), "http://so.example.vn/a", platform="selectors", overrides=SELECTORS
    )
    for text in ("Trước.", "Sau một.", "Sau hai."):
        assert text in art.body_text, (tag, text)


def test_the_repairs_leave_ordinary_markup_alone() -> None:
    html = "<div><p>a <b>b</b></p><img src='x.jpg'><br><video><source src='v.mp4'></video></div>"
    assert cap_depth(html) == html
    assert close_void_elements(html) == html.replace(
        "<source src='v.mp4'>", "<source src='v.mp4'></source>"
    )
    assert close_void_elements("<embed src=x/><embed src=y></embed>") == (
        "<embed src=x></embed><embed src=y></embed>"
    )
