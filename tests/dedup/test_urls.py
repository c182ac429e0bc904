"""canonical_url: one identity per article whatever link variant a site printed."""

from __future__ import annotations

import pytest

from storage.urls import canonical_url, is_tracking_param


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        # jsessionid in the path (Liferay 6.2), upper-case too, before a query
        (
            "http://sct.example.gov.vn/x/extAssetPublisher/content/55/bai-viet.html;jsessionid=ABC123",
            "https://sct.example.gov.vn/x/extAssetPublisher/content/55/bai-viet.html",
        ),
        ("https://a.vn/p;JSESSIONID=1F2?id=3", "https://a.vn/p?id=3"),
        ("https://a.vn/a;jsessionid=1/b/c", "https://a.vn/a/b/c"),
        # tracking parameters, fragments, &amp; damage, sorted query
        ("https://a.vn/tin?id=1&amp;utm_source=fb&amp;b=2#top", "https://a.vn/tin?b=2&id=1"),
        ("https://a.vn/tin?fbclid=x&gclid=y&zarsrc=30&gidzl=q&id=9", "https://a.vn/tin?id=9"),
        ("https://a.vn/t?id=1&amp;amp;c=2", "https://a.vn/t?c=2&id=1"),
        # scheme, www., default ports, host case; path case kept
        (
            "http://WWW.Sct.Example.gov.vn:80/Pages/TinTuc.aspx",
            "https://sct.example.gov.vn/Pages/TinTuc.aspx",
        ),
        ("https://www.a.vn:443/X", "https://a.vn/X"),
        # an odd port is part of the identity
        ("http://a.vn:8080/x", "https://a.vn:8080/x"),
        # Liferay back-link plumbing
        (
            "https://a.vn/web/guest/-/view_content/12-tin?_101_redirect=%2Fweb%2Fguest&inheritRedirect=true",
            "https://a.vn/web/guest/-/view_content/12-tin",
        ),
        ("https://a.vn", "https://a.vn/"),
    ],
)
def test_canonical_forms(raw: str, want: str) -> None:
    assert canonical_url(raw) == want


def test_variants_collapse_and_content_params_stay() -> None:
    variants = [
        "http://www.a.vn/news/x-1.html?utm_medium=rss",
        "https://a.vn/news/x-1.html#comments",
        "https://a.vn:443/news/x-1.html;jsessionid=99",
    ]
    assert len({canonical_url(v) for v in variants}) == 1
    # parameters that select the article are kept (PHP-Nuke sid, portlet ids)
    assert canonical_url("https://a.vn/modules.php?name=News&sid=12") != canonical_url(
        "https://a.vn/modules.php?name=News&sid=13"
    )
    assert canonical_url("https://a.vn/p?p_p_id=abc&_abc_cur=2").endswith("_abc_cur=2&p_p_id=abc")


def test_idempotent_and_non_http_left_alone() -> None:
    u = canonical_url("http://www.a.vn/Tin Tức/bài.html?b=1&a=2")
    assert canonical_url(u) == u
    assert canonical_url("mailto:x@a.vn") == "mailto:x@a.vn"
    assert canonical_url("  ") == ""
    assert is_tracking_param("UTM_Campaign") and not is_tracking_param("id")
