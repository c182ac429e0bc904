"""SharePoint sub-sites: ``/<dept>/Pages/…aspx``, "Skip Ribbon Commands", ``Thứ Tư 07/02/2024 08:28``."""

from __future__ import annotations

from datetime import datetime

from replicas import urls
from replicas.sites.common import (
    WEEKDAY_TITLE,
    Ctx,
    Response,
    esc,
    image_url,
    nav,
    pager,
    related,
    share_tools,
    summary,
    today_line,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec

PLACEHOLDER = "/_layouts/15/images/loading.gif"


def stamp(d: datetime) -> str:
    """Thứ Tư 07/02/2024 08:28."""
    return f"{WEEKDAY_TITLE[d.weekday()]} {d:%d/%m/%Y %H:%M}"


def _img(ctx: Ctx, u: UnitSpec, s: Story, cls: str) -> str:
    assert s.image
    real = esc(image_url(ctx, u, s.image))
    if s.image.lazy:
        return f'<img class="{cls} lazy" src="{PLACEHOLDER}" data-src="{real}" alt="">'
    return f'<img class="{cls}" src="{real}" alt="">'


def _page(ctx: Ctx, u: UnitSpec, title: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="vi-VN"><head><meta http-equiv="X-UA-Compatible" content="IE=10">
<meta name="GENERATOR" content="Microsoft SharePoint"><meta http-equiv="Content-type" content="text/html; charset=utf-8">
<title>{esc(title)}</title><link rel="stylesheet" href="/_layouts/15/1066/styles/Themable/corev15.css"></head>
<body><div id="ms-designer-ribbon"><div id="s4-ribbonrow"><a href="javascript:;" class="ms-skip">Skip Ribbon Commands</a>
<a href="#mainContent" class="ms-skip">Skip to main content</a></div></div>
<div id="s4-workspace"><div id="s4-bodyContainer"><div class="header"><span class="ngayhientai">{today_line(ctx.today)}</span>
<div class="tencoquan">{esc(u.name.upper())}</div><ul class="topmenu">{nav(u)}</ul></div>
<div id="contentRow"><div id="contentBox" aria-live="polite" aria-relevant="all"><div id="DeltaPlaceHolderMain">
<a id="mainContent" name="mainContent" tabindex="-1"></a>{content}</div></div></div>
<div class="footer">Bản quyền thuộc {esc(u.name)} · <a href="/noi-bo/">Nội bộ</a></div></div></div></body></html>"""


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``ul.ListNews > li.item`` with ``a.title``, ``span.date``, ``p.summary``."""
    recs = "".join(
        f'<li class="item">{_img(ctx, u, s, "thumb") if s.image else ""}'
        f'<a class="title" href="{esc(urls.article_path(u, s))}">{esc(s.title)}</a>'
        f'<span class="date">{stamp(s.list_date)}</span><p class="summary">{summary(s)}</p></li>'
        for s in items
    )
    body = (
        f'<div class="ms-webpart-zone"><div class="news-list"><h2 class="ms-webpart-titleText">{esc(c.name)}</h2>'
        f'<ul class="ListNews">{recs}</ul><div class="paging">{pager(u, c, page, pages)}</div></div></div>'
    )
    return _page(ctx, u, c.name, body)


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """``div.chitiettin``: ``h1.tieude``, ``div.ngaydang``, ``div.tomtat``, ``div.noidung``."""
    c = u.category(s.category)
    img = ""
    if s.image:
        img = f'<div class="anh">{_img(ctx, u, s, "anhtin")}<p class="caption">{esc(s.image.caption)}</p></div>'
    files = "".join(
        f'<p class="file"><a href="{esc(a.path)}">{esc(a.name)}</a></p>' for a in s.attachments
    )
    author = f'<p class="tacgia">{esc(s.author)}</p>' if s.author else ""
    source = f'<p class="nguon">Nguồn: {esc(s.source)}</p>' if s.source else ""
    paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
    body = f"""<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a class="chuyenmuc" href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></div>
<div class="ms-rtestate-field"><div class="chitiettin"><h1 class="tieude">{esc(s.title)}</h1>
<div class="ngaydang">{stamp(s.published)}</div>{share_tools()}
<div class="tomtat">{esc(s.lead)}</div><div class="noidung">{img}{paras}{author}{source}</div>
<div class="dinhkem">{files}</div></div></div>
{related(ctx, u, s, lambda d: f"({d:%d/%m/%Y})", cls="tinkhac")}"""
    return _page(ctx, u, s.title, body)


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """No platform-only resources."""
    return None
