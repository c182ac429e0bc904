"""An in-house layout no platform module knows: reachable only through unit selectors.

The selectors live in :data:`replicas.unitsfile.CUSTOM_SELECTORS`.
"""

from __future__ import annotations

from replicas import urls
from replicas.sites.common import (
    Ctx,
    Response,
    esc,
    image_url,
    related,
    share_tools,
    shell,
    summary,
)
from replicas.story import Story
from replicas.units import Category, UnitSpec


def _pages(u: UnitSpec, c: Category, page: int, pages: int) -> str:
    links = []
    if page > 1:
        links.append(
            f'<a class="kh-prev" href="{esc(urls.list_path(u, c, page - 1))}">« Trang trước</a>'
        )
    links.append(f'<span class="kh-current">Trang {page}/{pages}</span>')
    if page < pages:
        links.append(
            f'<a class="kh-next" href="{esc(urls.list_path(u, c, page + 1))}">Trang sau »</a>'
        )
    return f'<nav class="kh-pages">{" ".join(links)}</nav>'


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``div.kh-list > article.kh-item`` with ``h2.kh-title a``."""
    recs = "".join(
        f'<article class="kh-item"><h2 class="kh-title"><a href="{esc(urls.article_path(u, s))}">{esc(s.title)}</a></h2>'
        f'<time class="kh-time">{s.list_date:%d-%m-%Y}</time><p class="kh-desc">{summary(s)}</p></article>'
        for s in items
    )
    body = f'<h1 class="kh-cathead">{esc(c.name)}</h1><div class="kh-list">{recs}</div>{_pages(u, c, page, pages)}'
    return shell(u, ctx, c.name, body, body_class="kh-site")


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """``h1.kh-headline``, ``span.kh-date`` (dd-mm-yyyy HH:MM), ``div.kh-sapo``, ``div.kh-content``."""
    c = u.category(s.category)
    fig = ""
    if s.image:
        fig = (
            f'<figure class="kh-figure"><img src="{esc(image_url(ctx, u, s.image))}" alt="{esc(s.image.caption)}">'
            f"<figcaption>{esc(s.image.caption)}</figcaption></figure>"
        )
    files = ""
    if s.attachments:
        files = (
            '<ul class="kh-files">'
            + "".join(f'<li><a href="{esc(a.path)}">{esc(a.name)}</a></li>' for a in s.attachments)
            + "</ul>"
        )
    author = f'<span class="kh-author">{esc(s.author)}</span>' if s.author else ""
    paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
    if s.source:
        paras += f"<p><em>Nguồn: {esc(s.source)}</em></p>"
    body = f"""<nav class="kh-breadcrumb"><a href="/">Trang chủ</a> › <a class="kh-cat" href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></nav>
<h1 class="kh-headline">{esc(s.title)}</h1>
<div class="kh-meta"><span class="kh-date">{s.published:%d-%m-%Y %H:%M}</span>{author}</div>{share_tools()}
<div class="kh-sapo">{esc(s.lead)}</div>{fig}<div class="kh-content">{paras}</div>{files}
{related(ctx, u, s, lambda d: f"{d:%d-%m-%Y}", cls="kh-related")}"""
    return shell(u, ctx, s.title, body, body_class="kh-site")


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """No platform-only resources."""
    return None
