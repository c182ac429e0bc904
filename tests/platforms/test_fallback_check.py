"""extract_page reads the body's text for its fallback decision only when that text
decides (a title and no body element): the decision is the one the text always gave."""

from __future__ import annotations

import pytest

from crawlers.cleaning.html import sanitize_html
from crawlers.cleaning.plaintext import html_to_text
from crawlers.detect import detect_platform
from crawlers.extract import _base, _selector, extract_page
from crawlers.platforms import get_platform
from tests.platforms.golden import Fixture, fixtures

ARTICLES = [fx for fx in fixtures() if not fx.is_list]


def _eager_fallback(fx: Fixture) -> bool:
    """The decision as first written: the body's text computed on every page."""
    sel = _selector(fx.page.read_bytes(), fx.meta.get("encoding"))
    platform = fx.meta.get("platform")
    name = platform if platform and platform != "feed" else detect_platform(sel, fx.meta["url"])
    if name == "generic":
        return False
    base = _base(sel, fx.meta["url"])
    raw = get_platform(name).parse_article(sel, base, fx.meta.get("overrides") or {})
    body_text = html_to_text(sanitize_html(raw.body_html, base)).strip() if raw.body_html else ""
    return not raw.title or (not body_text and not raw.body_found)


@pytest.mark.parametrize("fx", ARTICLES, ids=[fx.id for fx in ARTICLES])
def test_fallback_is_decided_as_with_the_text_always_read(fx: Fixture) -> None:
    article = extract_page(
        fx.page.read_bytes(),
        fx.meta["url"],
        platform=fx.meta.get("platform"),
        overrides=fx.meta.get("overrides"),
        encoding=fx.meta.get("encoding"),
    )
    assert article.fallback == _eager_fallback(fx)


def test_both_decisions_occur() -> None:
    assert {_eager_fallback(fx) for fx in ARTICLES} == {True, False}


def test_an_empty_body_element_is_not_a_fallback() -> None:
    page = (
        "<html><head><title>t</title></head><body><h1 class='title'>Tin</h1>"
        "<div class='body'> <p> </p> </div><p>khung trang</p></body></html>"
    )
    url = "http://x.test/a"
    found = {"title": "h1.title", "body": "div.body"}
    assert not extract_page(page, url, platform="selectors", overrides=found).fallback
    missing = {"title": "h1.title", "body": "div.missing"}
    assert extract_page(page, url, platform="selectors", overrides=missing).fallback
