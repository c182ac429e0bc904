"""Liferay 6.2 Asset Publisher: ``;jsessionid=`` links, ``29/09/2012 | 12:00 AM`` dates."""

from __future__ import annotations

from datetime import datetime

from replicas import urls
from replicas.sites.common import (
    Ctx,
    Response,
    esc,
    file_href,
    image_url,
    pager,
    related,
    share_tools,
    shell,
    summary,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec

HEAD = '<link href="/html/themes/classic/css/main.css" rel="stylesheet"><meta content="Liferay Portal Community Edition 6.2 CE GA6" name="generator">'


def stamp(d: datetime) -> str:
    """29/09/2012 | 12:00 AM (12-hour clock; 12:00 AM when only the date is known)."""
    return f"{d:%d/%m/%Y | %I:%M %p}"


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``div.asset-abstract`` items, paging in ``div.lfr-pagination``."""
    recs = "".join(
        f'<div class="asset-abstract"><h3 class="asset-title"><a href="{esc(urls.article_path(u, s))}">{esc(s.title)}</a></h3>'
        f'<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{stamp(s.list_date)}</span></div>'
        f'<div class="asset-summary">{summary(s)}</div></div>'
        for s in items
    )
    body = (
        f'<div class="portlet-boundary portlet-boundary_101_" id="p_p_id_101_"><div class="portlet-body">'
        f'<h2 class="portlet-title">{esc(c.name)}</h2>{recs}'
        f'<div class="lfr-pagination">{pager(u, c, page, pages)}</div></div></div>'
    )
    return shell(u, ctx, f"{c.name} - {u.name}", body, head=HEAD)


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """Full content: ``h3.header-title``, publish date, ``div.asset-summary`` lead,
    ``div.journal-content-article`` body starting with the image and its caption."""
    c = u.category(s.category)
    img = ""
    if s.image:
        img = (
            f'<p style="text-align:center"><img src="{esc(image_url(ctx, u, s.image))}" alt=""></p>'
            f'<p class="image-caption" style="text-align:center"><em>{esc(s.image.caption)}</em></p>'
        )
    files = ""
    if s.attachments:
        files = (
            '<div class="asset-attachments"><span>Tài liệu đính kèm:</span>'
            + "".join(
                f'<a href="{esc(file_href(a.path))}">{esc(a.name)}</a> ' for a in s.attachments
            )
            + "</div>"
        )
    body_paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
    author = (
        f'<p class="author" style="text-align:right"><strong>{esc(s.author)}</strong></p>'
        if s.author
        else ""
    )
    source = (
        f'<p class="source" style="text-align:right"><em>Nguồn: {esc(s.source)}</em></p>'
        if s.source
        else ""
    )
    body = f"""<ul class="breadcrumb breadcrumb-horizontal"><li><a href="/">Trang chủ</a></li>
<li class="active"><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></li></ul>
<div class="portlet-boundary portlet-boundary_101_" id="p_p_id_101_"><div class="asset-full-content">
<div class="taglib-header"><h3 class="header-title"><span>{esc(s.title)}</span></h3></div>
<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{stamp(s.published)}</span></div>
{share_tools()}
<div class="asset-summary">{esc(s.lead)}</div>
<div class="asset-content"><div class="journal-content-article">{img}{body_paras}{author}{source}</div></div>
{files}</div>
{related(ctx, u, s, lambda d: f"{d:%d/%m/%Y}", cls="related-assets")}</div>"""
    return shell(u, ctx, f"{s.title} - {u.name}", body, head=HEAD)


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """No platform-only resources."""
    return None
