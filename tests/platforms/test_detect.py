"""Platform detection finds the right platform for every fixture page."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawlers.detect import candidates, detect_platform
from crawlers.extract import _selector
from tests.platforms.golden import Fixture, fixtures

ALL = fixtures()


@pytest.mark.parametrize("fx", ALL, ids=[f.id for f in ALL])
def test_detects_fixture_platform(fx: Fixture) -> None:
    expected = fx.meta.get("detect", fx.meta.get("platform"))
    sel = _selector(fx.page.read_bytes(), fx.meta.get("encoding"))
    assert detect_platform(sel, fx.meta["url"]) == (expected or "generic")


def test_generator_meta_and_markers() -> None:
    nuke = Selector(
        text='<html><head><meta name="generator" content="NukeViet v4.5"></head></html>'
    )
    assert detect_platform(nuke) == "nukeviet"
    ribbon = Selector(text='<a href="#mainContent">Skip Ribbon Commands</a>')
    assert detect_platform(ribbon) == "sharepoint"
    webforms = Selector(
        text='<form action="./Default.aspx"><input name="__VIEWSTATE" value="x"></form>'
    )
    assert detect_platform(webforms) == "aspnet"
    assert candidates(ribbon) == ["sharepoint"]
    assert detect_platform(Selector(text="<p>plain</p>"), "https://example.vn/a") == "generic"


def test_url_alone_identifies_liferay_portlets() -> None:
    empty = Selector(text="<p></p>")
    assert detect_platform(
        empty, "https://x.vn/web/guest/cms?p_p_id=a_CmsViewPortlet_INSTANCE_b"
    ) == ("liferay_cmsview")
    assert (
        detect_platform(empty, "https://x.vn/tin?p_p_id=com_soft_article_listnew_X")
        == "liferay_comsoft"
    )
    assert detect_platform(empty, "https://x.vn/tin-tuc/-/view_content/12-abc") == "liferay62"
