"""A site discovered through its own RSS 2.0 feeds and ``sitemap.xml``; plain HTML5 articles.

No platform markup: article pages are for generic extraction (``<article>``, ``<time>``).
"""

from __future__ import annotations

from replicas import urls
from replicas.sites.common import (
    Ctx,
    Response,
    esc,
    image_url,
    pager,
    related,
    share_tools,
    shell,
    summary,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec

FEED_SIZE = 20


def _rss(ctx: Ctx, u: UnitSpec, title: str, stories: list[Story]) -> str:
    base = ctx.base_url(u.id)
    items = "".join(
        f"<item><title>{esc(s.title)}</title><link>{esc(base + urls.article_path(u, s))}</link>"
        f'<guid isPermaLink="true">{esc(base + urls.article_path(u, s))}</guid>'
        f"<category>{esc(u.category(s.category).name)}</category><description>{esc(s.lead)}</description>"
        f"<pubDate>{s.published:%a, %d %b %Y %H:%M:%S +0700}</pubDate></item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{esc(title)}</title><link>{base}/</link><description>{esc(u.name)}</description>"
        f"<language>vi</language>{items}</channel></rss>"
    )


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """A plain HTML list (the feeds are the discovery source)."""
    lis = "".join(
        f'<li><a href="{esc(urls.article_path(u, s))}">{esc(s.title)}</a> <small>{s.list_date:%d/%m/%Y}</small>'
        f"<p>{summary(s)}</p></li>"
        for s in items
    )
    return shell(
        u,
        ctx,
        c.name,
        f'<h1>{esc(c.name)}</h1><ul class="news">{lis}</ul>{pager(u, c, page, pages)}',
    )


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """An HTML5 ``<article>`` with ``<time datetime>``."""
    c = u.category(s.category)
    fig = ""
    if s.image:
        fig = f'<figure><img src="{esc(image_url(ctx, u, s.image))}" alt=""><figcaption>{esc(s.image.caption)}</figcaption></figure>'
    paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
    iso = s.published.isoformat() if s.has_time else f"{s.published:%Y-%m-%d}"
    shown = f"{s.published:%d/%m/%Y %H:%M}" if s.has_time else f"{s.published:%d/%m/%Y}"
    byline = f'<p class="byline">{esc(s.author)}</p>' if s.author else ""
    source = f"<p><em>Nguồn: {esc(s.source)}</em></p>" if s.source else ""
    body = f"""<article><header><p class="category"><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></p>
<h1>{esc(s.title)}</h1><p class="meta">Cập nhật: <time datetime="{iso}">{shown}</time></p>{share_tools()}</header>
<p class="lead"><strong>{esc(s.lead)}</strong></p>{fig}{paras}{source}{byline}</article>
<aside>{related(ctx, u, s, lambda d: f"({d:%d/%m/%Y})")}</aside>"""
    head = f'<link rel="alternate" type="application/rss+xml" href="{urls.feed_path()}"><meta property="og:title" content="{esc(s.title)}">'
    return shell(u, ctx, f"{s.title} | {u.short}", body, head=head)


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """``/rss.xml`` (newest 20), ``/rss/<cat>.xml`` (whole category), ``/sitemap.xml``."""
    corpus = ctx.corpus
    if path == urls.feed_path():
        stories = sorted(
            (s for s in corpus.stories[u.id] if not s.internal),
            key=lambda s: s.published,
            reverse=True,
        )
        xml = _rss(ctx, u, u.name, stories[:FEED_SIZE])
        return Response(
            body=xml, content_type="application/rss+xml", last_modified=stories[0].published
        )
    for c in u.categories:
        if path == urls.feed_path(c):
            stories = corpus.category_stories(u.id, c.key)
            return Response(
                body=_rss(ctx, u, c.name, stories),
                content_type="application/rss+xml",
                last_modified=stories[0].published,
            )
    if path == "/sitemap.xml":
        base = ctx.base_url(u.id)
        locs = "".join(
            f"<url><loc>{esc(base + urls.article_path(u, s))}</loc><lastmod>{s.published:%Y-%m-%d}</lastmod></url>"
            for s in sorted(corpus.stories[u.id], key=lambda s: s.published, reverse=True)
            if not s.internal
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        return Response(body=xml, content_type="application/xml")
    return None
