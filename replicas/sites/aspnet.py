"""In-house ASP.NET portals: ``TinTucChiTiet.aspx?key=…`` or ``….gplist.….gpopen.….asmx``.

Variants: ``dang`` (``Ngày đăng : 16:10, 10/03/2025``), ``capnhap`` (``Ngày cập nhập:
6/10/2017``, list ``Ngày 8 tháng 8 năm 2022``, served as windows-1258) and ``gplist``
(``09:16 AM 11/04/2019 | Lượt xem: 3673``). Links and images are document-relative.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

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


def stamp(u: UnitSpec, s: Story, d: datetime, *, listing: bool) -> str:
    """The date as this variant prints it."""
    if u.variant == "capnhap":
        return (
            f"Ngày {d.day} tháng {d.month} năm {d.year}"
            if listing
            else f"Ngày cập nhập: {d.day}/{d.month}/{d.year}"
        )
    if u.variant == "gplist":
        return f"{d:%I:%M %p %d/%m/%Y} | Lượt xem: {s.aid % 5000 + 12}"
    return f"Ngày đăng : {d:%H:%M, %d/%m/%Y}"


def _rel(path: str) -> str:
    """A document-relative link, as these portals print them."""
    return path.lstrip("/")


def _viewstate(u: UnitSpec, key: str) -> str:
    return "/wEPDwUK" + hashlib.sha1(f"{u.id}{key}".encode()).hexdigest()[:40]


def _page(ctx: Ctx, u: UnitSpec, title: str, body: str, key: str) -> str:
    form = (
        f'<form method="post" action="./{esc(_rel(key))}" id="form1"><div class="aspNetHidden">'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{_viewstate(u, key)}"></div>{body}</form>'
    )
    return shell(
        u,
        ctx,
        title,
        form,
        charset=u.encoding,
        head='<meta name="GENERATOR" content="Microsoft Visual Studio .NET 7.1">',
    )


def _thumb(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    if not s.image:
        return ""
    return f'<img class="anhdaidien" src="{esc(image_url(ctx, u, s.image, "relative"))}" alt="">'


def render_list(
    ctx: Ctx, u: UnitSpec, c: Category, page: int, items: list[Story], pages: int
) -> str:
    """``div.listnews > div.item`` with ``a.tieude``, ``span.ngay``, ``div.tomtat``."""
    recs = "".join(
        f'<div class="item">{_thumb(ctx, u, s)}'
        f'<a class="tieude" href="{esc(_rel(urls.article_path(u, s)))}">{esc(s.title)}</a>'
        f'<span class="ngay">{stamp(u, s, s.list_date, listing=True)}</span><div class="tomtat">{summary(s)}</div></div>'
        for s in items
    )
    body = f'<div class="listnews"><h2 class="tenchuyenmuc">{esc(c.name)}</h2>{recs}</div><div class="phantrang">{pager(u, c, page, pages)}</div>'
    return _page(ctx, u, c.name, body, urls.list_path(u, c, page))


def render_article(ctx: Ctx, u: UnitSpec, s: Story) -> str:
    """``div.chitiet``: ``h1.tieude``, ``div.ngaydang``, ``div.tomtat``, ``div.noidung``."""
    c = u.category(s.category)
    img = ""
    if s.image:
        img = (
            f'<table class="image" align="center"><tr><td><img src="{esc(image_url(ctx, u, s.image, "relative"))}" alt=""></td></tr>'
            f'<tr><td class="image_desc">{esc(s.image.caption)}</td></tr></table>'
        )
    files = "".join(
        f'<a class="file" href="{esc(_rel(a.path))}">{esc(a.name)} ({a.ext})</a><br>'
        for a in s.attachments
    )
    author = f'<p class="tacgia" align="right"><b>{esc(s.author)}</b></p>' if s.author else ""
    source = f'<p class="nguon" align="right"><i>Nguồn: {esc(s.source)}</i></p>' if s.source else ""
    paras = "".join(f'<p style="text-align: justify">{esc(p)}</p>' for p in s.paragraphs)
    body = f"""<div class="duongdan"><a href="./">Trang chủ</a> » <a class="chuyenmuc" href="{esc(_rel(urls.list_path(u, c)))}">{esc(c.name)}</a></div>
<div class="chitiet"><h1 class="tieude">{esc(s.title)}</h1><div class="ngaydang">{stamp(u, s, s.published, listing=False)}</div>
{share_tools()}<div class="tomtat"><b>{esc(s.lead)}</b></div>
<div class="noidung">{img}{paras}{author}{source}</div><div class="filedinhkem">{files}</div></div>
{related(ctx, u, s, lambda d: f"({d.day}/{d.month}/{d.year})", cls="tinkhac")}"""
    return _page(ctx, u, s.title, body, urls.article_path(u, s))


def extra(ctx: Ctx, u: UnitSpec, path: str, query: dict[str, str]) -> Response | None:
    """No platform-only resources."""
    return None
