"""Liferay 7 "CmsView" portlet (Hòa Bình portal and its departments), as portals.md describes.

Article pages have the literal ``<title>DetailController</title>``; the portal unit
(``hoabinh-portal``) also publishes an RSS whose item links are broken.
"""

from __future__ import annotations

from replicas import urls
from replicas.sites.common import (
    Ctx,
    Response,
    dmy_hm,
    esc,
    image_url,
    nav,
    pager,
    paras,
    related,
    robots_trap,
    share_tools,
    summary,
    today_line,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec

RSS_UNITS = ("hoabinh-portal",)


def _page(ctx: Ctx, u: UnitSpec, title: str, content: str) -> str:
    ns = urls.cmsview_ns(u)
    rss = ""
    if u.id in RSS_UNITS:
        rss = f'<link rel="alternate" type="application/rss+xml" title="RSS" href="/web/guest/rss?categoryId={u.categories[0].cid}">'
    return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="vi-VN"><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">
<title>{esc(title)}</title>
<link href="/o/hoabinh-theme/css/main.css" rel="stylesheet" type="text/css">{rss}</head>
<body class="controls-visible yui3-skin-sam guest-site signed-out public-page site">
<header id="banner" role="banner"><div class="top-bar"><span class="date-today">{today_line(ctx.today)}</span>
<a class="login" href="/c/portal/login">Đăng nhập</a></div>
<div class="site-title"><a href="/" title="{esc(u.name)}"><span>{esc(u.name.upper())}</span></a></div>
<nav class="sort-pages modify-pages" id="navigation"><ul>{nav(u)}</ul></nav></header>
<section id="content"><div class="columns-2" id="main-content" role="main">
<div class="portlet-boundary portlet-boundary_{ns}_ portlet-static" id="p_p_id_{ns}_">
<section class="portlet" id="portlet_{ns}"><div class="portlet-content">
{content}
</div></section></div>
<div class="portlet-column" id="column-2"><div class="box-links"><h3>Liên kết</h3>
<ul><li><a href="/web/guest/lien-he">Liên hệ</a></li><li>{robots_trap()}</li></ul></div></div>
</div></section>
<footer id="footer"><p>Cơ quan chủ quản: {esc(u.name)}</p><p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer>
</body></html>"""


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """A category page: ``div.cat_record`` items, ``ul.pagination``."""
    recs = []
    for s in items:
        img = ""
        if s.image:
            img = f'<div class="img_v"><a href="{esc(urls.article_path(u, s))}"><img src="{esc(image_url(ctx, u, s.image, "space"))}" alt=""></a></div>'
        recs.append(
            f'<div class="cat_record">{img}<div class="title_v"><a href="{esc(urls.article_path(u, s))}">'
            f"<h3>{esc(s.title)}</h3></a></div>"
            f'<span class="time">{dmy_hm(s.list_date)}</span>'
            f'<div class="lead_v">{summary(s)}</div></div>'
        )
    body = (
        f'<div class="cms-list"><h3 class="title-list-news"><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></h3>'
        + "\n".join(recs)
        + f'<div class="paging">{pager(u, c, page, pages)}</div></div>'
    )
    return _page(ctx, u, c.name, body)


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """An article page, markup as portals.md lists it."""
    c = u.category(s.category)
    img = ""
    if s.image:
        img = (
            f'<div class="img-lead"><img class="img-responsive" src="{esc(image_url(ctx, u, s.image, "space"))}" '
            f'alt="{esc(s.image.caption)}"><div class="img-title">{esc(s.image.caption)}</div></div>'
        )
    files = ""
    if s.attachments:
        files = (
            '<div class="attachments"><strong>Tệp đính kèm:</strong><ul>'
            + "".join(f'<li><a href="{esc(a.path)}">{esc(a.name)}</a></li>' for a in s.attachments)
            + "</ul></div>"
        )
    author = f'<div class="author">{esc(s.author)}</div>' if s.author else ""
    source = f'<div class="source">Nguồn: {esc(s.source)}</div>' if s.source else ""
    lead = f'<div id="leadDetail" class="summary">{esc(s.lead)}</div>' if s.lead else ""
    body = f"""<div class="cms-detail">
<h3 class="title-list-news"><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></h3>
<h1 id="titleDetail" class="title">{esc(s.title)}</h1>
<div class="date-detail"><span class="date_time">{dmy_hm(s.published)}</span>{share_tools()}</div>
{lead}
{img}
<div id="contentDetail" class="textdetail">
{paras(s)}
</div>
{files}{author}{source}
{related(ctx, u, s, lambda d: f"({dmy_hm(d)})")}
</div>"""
    return _page(ctx, u, "DetailController", body)


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """The portal's RSS, whose item links are broken (relative, ``&amp;amp;``, no category)."""
    if u.id not in RSS_UNITS or path != "/web/guest/rss":
        return None
    ns = urls.cmsview_ns(u)
    cid = query.get("categoryId", str(u.categories[0].cid))
    cat = next((c for c in u.categories if str(c.cid) == cid), u.categories[0])
    items = "".join(
        f"<item><title>{esc(s.title)}</title>"
        f"<link>/web/guest/cms?p_p_id={ns}&amp;amp;_{ns}_articleId={s.aid}</link>"
        f"<description>{esc(s.lead)}</description>"
        f"<pubDate>{s.published:%a, %d %b %Y %H:%M:%S +0700}</pubDate></item>"
        for s in ctx.corpus.category_stories(u.id, cat.key)[:15]
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{esc(cat.name)}</title><link>/</link><description>{esc(u.name)}</description>"
        f"{items}</channel></rss>"
    )
    return Response(body=xml, content_type="application/rss+xml")
