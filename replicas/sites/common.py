"""Markup pieces every replica platform shares: escaping, dates, images, related lists."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from replicas import urls
from replicas.corpus import Corpus
from replicas.story import Image, Story
from replicas.units import Category, UnitSpec

WEEKDAY_NUM = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")
WEEKDAY_LOWER = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
WEEKDAY_TITLE = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass
class Ctx:
    """What a renderer needs besides the unit: corpus, other hosts' URLs, today."""

    corpus: Corpus
    base_url: Callable[[str], str]
    today: date


@dataclass
class Response:
    """A rendered resource."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


def esc(text: str) -> str:
    """HTML-escaped text (quotes too)."""
    return html.escape(text, quote=True)


def today_line(d: date) -> str:
    """The header's date: "Thứ 5, Ngày 07/10/2022"."""
    return f"{WEEKDAY_NUM[d.weekday()]}, Ngày {d:%d/%m/%Y}"


def dmy_hm(dt: datetime) -> str:
    """07/10/2022 08:15 (00:00 when only the date is known)."""
    return f"{dt:%d/%m/%Y %H:%M}"


def unpadded(dt: datetime) -> str:
    """28/11/2024 without zero padding: 7/2/2024."""
    return f"{dt.day}/{dt.month}/{dt.year}"


def image_url(ctx: Ctx, u: UnitSpec, img: Image, style: str = "quoted") -> str:
    """An image address as a page prints it: hot-linked, spaces-only, quoted or relative."""
    if img.host_unit != u.id:
        return ctx.base_url(img.host_unit) + quote(img.path)
    if style == "space":
        return img.path.replace(" ", "%20")
    if style == "relative":
        return quote(img.path.lstrip("/"))
    return quote(img.path)


def file_href(path: str) -> str:
    """An attachment path quoted for an href (query kept)."""
    return quote(path, safe="/?&=;%")


def paras(s: Story) -> str:
    """The body paragraphs as <p> elements."""
    return "\n".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)


def summary(s: Story) -> str:
    """A list summary; entity-damaged ("ldquo;", "amp;") for the stories that have it."""
    text = s.lead or (s.paragraphs[0] if s.paragraphs else "")
    if s.damaged_summary:
        text = text.replace("“", "ldquo;").replace("”", "rdquo;").replace("&", "amp;")
        return text.replace("<", "&lt;")
    return esc(text)


def share_tools() -> str:
    """Share widget, font-size tools and print link (page chrome)."""
    return (
        '<div class="tool-detail article-tools">'
        '<span class="font-size"><a href="#" data-size="-1">A-</a> <a href="#" data-size="0">A</a> '
        '<a href="#" data-size="1">A+</a></span> '
        '<a class="print print-detail" href="javascript:window.print()">In bài viết</a> '
        '<div class="box-share share"><a class="fb-share" href="#" '
        'data-href="https://www.facebook.com/sharer/sharer.php">Chia sẻ</a> '
        '<a class="zalo-share-button" href="#">Zalo</a></div></div>'
    )


def related(
    ctx: Ctx, u: UnitSpec, s: Story, fmt: Callable[[datetime], str], cls: str = "other-news"
) -> str:
    """ "Các tin khác" (older, same category) and "Tin cùng chuyên mục" (older, another category).

    Only older stories are listed, so publishing news never changes an old article page.
    """
    c = ctx.corpus
    same = [x for x in c.category_stories(u.id, s.category) if x.published < s.published][:5]
    others = [
        x
        for cat in u.categories
        if cat.key != s.category
        for x in c.category_stories(u.id, cat.key)
        if x.published < s.published
    ][:5]
    out = []
    for heading, items in (("Các tin khác", same), ("Tin cùng chuyên mục", others)):
        if not items:
            continue
        lis = "".join(
            f'<li><a href="{esc(urls.article_path(u, x))}">{esc(x.title)}</a> '
            f'<span class="time">{esc(fmt(x.published))}</span></li>'
            for x in items
        )
        out.append(f'<div class="{cls}"><h3 class="title-other">{heading}</h3><ul>{lis}</ul></div>')
    return "\n".join(out)


def pager(u: UnitSpec, c: Category, page: int, pages: int, cls: str = "pagination") -> str:
    """Page links 1..n with a ``rel=next`` "Sau" link and ``rel=prev``."""
    if pages <= 1:
        return ""
    items = []
    if page > 1:
        items.append(
            f'<li><a rel="prev" href="{esc(urls.list_path(u, c, page - 1))}">Trước</a></li>'
        )
    for n in range(1, pages + 1):
        if n == page:
            items.append(f'<li class="active"><span>{n}</span></li>')
        else:
            items.append(f'<li><a href="{esc(urls.list_path(u, c, n))}">{n}</a></li>')
    if page < pages:
        items.append(
            f'<li class="next"><a rel="next" class="next" href="{esc(urls.list_path(u, c, page + 1))}">Sau</a></li>'
        )
    return f'<ul class="{cls}">{"".join(items)}</ul>'


def nav(u: UnitSpec) -> str:
    """Category menu."""
    return "".join(
        f'<li><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></li>' for c in u.categories
    )


def robots_trap() -> str:
    """A link into the robots-disallowed area, as menus have."""
    return f'<a class="internal" href="{urls.INTERNAL_PREFIX}/">Khu vực nội bộ</a>'


def shell(
    u: UnitSpec,
    ctx: Ctx,
    title: str,
    body: str,
    *,
    head: str = "",
    charset: str = "utf-8",
    body_class: str = "",
) -> str:
    """A generic page: head, dated header, menu, content, footer."""
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(title)}</title>{head}</head>
<body class="{body_class}"><div id="header"><div class="header-date">{today_line(ctx.today)}</div>
<div class="site-name"><a href="/">{esc(u.name.upper())}</a></div>
<ul class="menu">{nav(u)}</ul></div>
<div id="main">{body}</div>
<div id="footer"><p>Cơ quan chủ quản: {esc(u.name)}. Bản quyền thuộc về {esc(u.short)}.</p>
<p>{robots_trap()} · <a href="/lien-he">Liên hệ</a></p></div></body></html>"""


def home(ctx: Ctx, u: UnitSpec) -> str:
    """The site's home page: each category with its newest titles."""
    blocks = []
    for c in u.categories:
        items = ctx.corpus.category_stories(u.id, c.key)[:5]
        lis = "".join(
            f'<li><a href="{esc(urls.article_path(u, s))}">{esc(s.title)}</a></li>' for s in items
        )
        blocks.append(
            f'<section><h2><a href="{esc(urls.list_path(u, c))}">{esc(c.name)}</a></h2><ul>{lis}</ul></section>'
        )
    return shell(u, ctx, u.name, "".join(blocks))


def broken_list(ctx: Ctx, u: UnitSpec, c: Category, items: list[Story]) -> str:
    """A rebuilt layout: none of the known list selectors match."""
    cards = "".join(
        f'<section class="v2-card"><span class="v2-link" data-url="{esc(urls.article_path(u, s))}">'
        f"{esc(s.title)}</span><em>{s.published:%Y-%m-%d}</em></section>"
        for s in items
    )
    return f'<!DOCTYPE html><html><head><title>{esc(c.name)}</title></head><body><main class="v2">{cards}</main></body></html>'


def broken_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """A rebuilt article layout with no known selector."""
    text = "".join(f"<span class='v2-p'>{esc(p)}</span><br>" for p in s.paragraphs)
    return f"<!DOCTYPE html><html><head><title>{esc(u.name)}</title></head><body><main class='v2'><b class='v2-h'>{esc(s.title)}</b><br>{text}</main></body></html>"
