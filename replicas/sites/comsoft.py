"""Liferay 7 "com.soft" article portlets: friendly category URLs, ``(28/11/2024)`` list dates."""

from __future__ import annotations

from replicas import urls
from replicas.sites.common import (
    Ctx,
    Response,
    esc,
    image_url,
    pager,
    paras,
    related,
    share_tools,
    shell,
    summary,
    unpadded,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec

DETAIL_NS = "com_soft_article_detail_ArticleDetailPortlet"
HEAD = '<link href="/o/comsoft-theme/css/main.css" rel="stylesheet"><meta name="generator" content="Liferay DXP">'


def _date(s: Story) -> str:
    return f"{s.published:%d/%m/%Y %H:%M}" if s.has_time else f"{s.published:%d/%m/%Y}"


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``div.news-item`` entries inside the list portlet; dates unpadded in brackets."""
    ns = urls.comsoft_ns(u)
    recs = []
    for s in items:
        href = esc(urls.article_path(u, s))
        img = (
            f'<div class="news-image"><a href="{href}"><img src="{esc(image_url(ctx, u, s.image))}" alt=""></a></div>'
            if s.image
            else ""
        )
        recs.append(
            f'<div class="news-item">{img}<h3><a class="title" href="{href}">{esc(s.title)}</a></h3>'
            f'<span class="date">({unpadded(s.list_date)})</span><p class="sapo">{summary(s)}</p></div>'
        )
    body = (
        f'<div class="portlet-boundary" id="p_p_id_{ns}_"><div class="list-news">'
        f'<h2 class="title-category">{esc(c.name)}</h2>{"".join(recs)}'
        f'<div class="lfr-pagination">{pager(u, c, page, pages)}</div></div></div>'
    )
    return shell(u, ctx, c.name, body, head=HEAD)


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """``div.article-detail`` with ``h1.title-detail``, ``.date``, ``.sapo``, ``.article-content``."""
    c = u.category(s.category)
    img = ""
    if s.image:
        img = (
            f'<div class="article-image"><figure><img src="{esc(image_url(ctx, u, s.image))}" alt="">'
            f"<figcaption>{esc(s.image.caption)}</figcaption></figure></div>"
        )
    files = ""
    if s.attachments:
        files = (
            '<div class="attachments">'
            + "".join(
                f'<p><a href="{esc(a.path)}">{esc(a.name)}.{a.ext}</a></p>' for a in s.attachments
            )
            + "</div>"
        )
    author = f'<div class="article-author">{esc(s.author)}</div>' if s.author else ""
    source = f'<div class="article-source">Nguồn: {esc(s.source)}</div>' if s.source else ""
    body = f"""<div class="portlet-boundary" id="p_p_id_{DETAIL_NS}_">
<ul class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></li></ul>
<div class="article-detail"><h1 class="title-detail">{esc(s.title)}</h1>
<div class="article-info"><span class="date">{_date(s)}</span>{share_tools()}</div>
<div class="sapo">{esc(s.lead)}</div>{img}
<div class="article-content">{paras(s)}</div>{files}{author}{source}</div>
{related(ctx, u, s, lambda d: f"({unpadded(d)})")}</div>"""
    return shell(u, ctx, s.title, body, head=HEAD)


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """No platform-only resources."""
    return None
