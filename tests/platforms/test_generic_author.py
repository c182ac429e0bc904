"""generic.parse_article asks trafilatura for the author only when no byline element
names one: the same author as running trafilatura on every page and preferring the
byline, on every fixture article page read generically and on a page whose only author
is a meta tag."""

from __future__ import annotations

import trafilatura
from parsel import Selector

from crawlers.extract import _selector
from crawlers.platforms import common, generic
from tests.platforms.golden import fixtures

PAGES = [fx for fx in fixtures() if fx.page.suffix == ".html" and not fx.is_list]

META_ONLY = """<html><head><title>Hội thảo phát triển sản phẩm OCOP năm 2024</title>
<meta name="author" content="Nguyễn Văn An"></head><body><article>
<h1>Hội thảo phát triển sản phẩm OCOP năm 2024</h1>
<p>Sáng nay, Sở Nông nghiệp tổ chức hội thảo về phát triển sản phẩm OCOP trên địa bàn
tỉnh, với sự tham gia của nhiều hợp tác xã và doanh nghiệp nhỏ ở các huyện.</p>
<p>Các đại biểu đã thảo luận về chất lượng, bao bì, truy xuất nguồn gốc và thị trường
tiêu thụ cho những sản phẩm đạt ba sao trở lên trong năm nay và năm tới.</p>
</article></body></html>"""


def _eager(sel: Selector, url: str) -> str:
    """The author as read before: trafilatura run on every page, the byline first."""
    meta = trafilatura.bare_extraction(
        sel.get(), url=url, with_metadata=True, only_with_metadata=False
    )
    byline = common.first_text(sel, generic._AUTHOR)
    return common.unlabel(byline or getattr(meta, "author", "") or "")


def test_lazy_author_is_the_eager_author() -> None:
    pages = [
        (_selector(fx.page.read_bytes(), fx.meta.get("encoding")), fx.meta["url"]) for fx in PAGES
    ]
    pages.append((Selector(text=META_ONLY), "https://sonn.example.vn/tin/1"))
    assert len(pages) > 10
    for sel, url in pages:
        assert generic.parse_article(sel, url, {}).author == _eager(sel, url), url
    # the meta-only page is read through trafilatura, not a byline
    assert _eager(*pages[-1]) == "Nguyễn Văn An"


#: A page trafilatura keeps no document of (nothing in its body).
EMPTY = """<html><head><meta name="author" content="Trần Thị Bình"></head><body><div></div>
</body></html>"""


def test_one_trafilatura_run_gives_body_and_author(monkeypatch: object) -> None:
    """The body's run also gives the author: one run per page. A page the body's run keeps
    no document of gets the author's run of its own, as before."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    runs: list[str] = []
    real = trafilatura.bare_extraction

    def counted(*args: object, **kwargs: object) -> object:
        runs.append("run")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura, "bare_extraction", counted)
    url = "https://sonn.example.vn/tin/1"
    art = generic.parse_article(Selector(text=META_ONLY), url, {})
    assert (art.author, len(runs)) == ("Nguyễn Văn An", 1)
    assert "hợp tác xã" in art.body_html
    runs.clear()
    empty = Selector(text=EMPTY)
    assert generic.parse_article(empty, url, {}).author == _eager(empty, url)
    assert len(runs) == 3  # the body's run, the author's own, and _eager's
