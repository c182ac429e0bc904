"""NukeViet 4: ``/news/<cat>/<slug>-<id>.html``, ``Thứ năm - 07/10/2022 08:15``, RSS."""

from __future__ import annotations

from replicas import urls
from replicas.sites.common import (
    WEEKDAY_LOWER,
    Ctx,
    Response,
    dmy_hm,
    esc,
    image_url,
    pager,
    paras,
    related,
    share_tools,
    shell,
    summary,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec


def _head(u: UnitSpec, c: Category) -> str:
    return (
        '<meta name="generator" content="NukeViet v4.5">'
        f'<link rel="alternate" type="application/rss+xml" title="{esc(c.name)}" href="/news/rss/{c.key}/">'
    )


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``div.news_column`` panels: ``div.panel-body > h3 > a``, time after the clock icon."""
    recs = []
    for s in items:
        href = esc(urls.article_path(u, s))
        img = (
            f'<a href="{href}"><img class="img-thumbnail pull-left imghome" src="{esc(image_url(ctx, u, s.image))}" alt=""></a>'
            if s.image
            else ""
        )
        recs.append(
            f'<div class="panel panel-default"><div class="panel-body">{img}'
            f'<h3><a href="{href}" title="{esc(s.title)}">{esc(s.title)}</a></h3>'
            f'<div class="text-muted"><ul class="list-unstyled list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> '
            f'{dmy_hm(s.list_date)}</li><li><em class="fa fa-eye">&nbsp;</em> Lượt xem: {s.aid % 977}</li></ul></div>'
            f'<div class="text-justify">{summary(s)}</div></div></div>'
        )
    body = f'<div class="news_column">{"".join(recs)}</div><div class="text-center">{pager(u, c, page, pages)}</div>'
    return shell(u, ctx, f"{c.name} - {u.name}", body, head=_head(u, c))


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """``h1.title``, ``span.h5`` date, ``div.hometext``, ``figure.article``, ``div#news-bodyhtml``."""
    c = u.category(s.category)
    fig = ""
    if s.image:
        fig = (
            f'<figure class="article center"><img alt="{esc(s.image.caption)}" src="{esc(image_url(ctx, u, s.image))}" '
            f'class="img-thumbnail"><figcaption>{esc(s.image.caption)}</figcaption></figure>'
        )
    files = ""
    if s.attachments:
        files = (
            '<div class="news-download-file"><p class="h3"><strong>Tập tin đính kèm</strong></p><ul>'
            + "".join(
                f'<li><a href="{esc(a.path)}" title="{esc(a.name)}">{esc(a.name)}</a></li>'
                for a in s.attachments
            )
            + "</ul></div>"
        )
    author = (
        f'<p class="h5 text-right"><strong>Tác giả: </strong>{esc(s.author)}</p>'
        if s.author
        else ""
    )
    source = (
        f'<p class="h5 text-right"><strong>Nguồn tin: </strong>{esc(s.source)}</p>'
        if s.source
        else ""
    )
    when = f"{WEEKDAY_LOWER[s.published.weekday()]} - {dmy_hm(s.published)}"
    body = f"""<div class="breadcrumbs-wrap"><ul class="breadcrumbs list-none"><li><a href="/"><span>Trang nhất</span></a></li>
<li><a href="/news/"><span>Tin Tức</span></a></li><li><a href="{esc(urls.list_path(u, c))}"><span>{esc(c.name)}</span></a></li></ul></div>
<div class="news_column panel panel-default"><div class="panel-body">
<h1 class="title margin-bottom-lg">{esc(s.title)}</h1>
<div class="row margin-bottom-lg"><div class="col-md-12"><span class="h5">{when}</span></div>{share_tools()}</div>
<div class="clearfix"><div class="hometext m-bottom">{esc(s.lead)}</div>{fig}</div>
<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{paras(s)}</div>
{files}<div class="margin-bottom-lg">{author}{source}</div></div></div>
{related(ctx, u, s, lambda d: f"({d:%d/%m/%Y})", cls="news_column panel panel-default related")}"""
    return shell(u, ctx, f"{s.title} - {c.name} - {u.name}", body, head=_head(u, c))


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """``/news/rss/`` and ``/news/rss/<cat>/``: RSS 2.0."""
    if not path.startswith("/news/rss/"):
        return None
    key = path[len("/news/rss/") :].strip("/")
    cats = [c for c in u.categories if c.key == key] if key else list(u.categories)
    if not cats:
        return None
    stories = sorted(
        (s for c in cats for s in ctx.corpus.category_stories(u.id, c.key)),
        key=lambda s: s.published,
        reverse=True,
    )[:20]
    base = ctx.base_url(u.id)
    items = "".join(
        f"<item><title>{esc(s.title)}</title><link>{esc(base + urls.article_path(u, s))}</link>"
        f'<guid isPermaLink="false">{u.id}-{s.aid}</guid><description>{esc(s.lead)}</description>'
        f"<pubDate>{s.published:%a, %d %b %Y %H:%M:%S +0700}</pubDate></item>"
        for s in stories
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{esc(u.name)}</title><link>{base}/</link><description>{esc(u.name)}</description>{items}</channel></rss>"
    )
    return Response(body=xml, content_type="application/rss+xml")
