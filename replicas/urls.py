"""The URL scheme of every replica platform, and the key the server routes on.

``list_path`` and ``article_path`` print paths as the sites link them (with
``;jsessionid=`` for Liferay 6.2, ``/noi-bo/`` for the one robots-disallowed
article of each site); :func:`route_key` folds a requested path to the key the
server looks up, so session ids and page-1 parameters do not matter.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from replicas.story import Story
from replicas.units import Category, UnitSpec

PER_PAGE = 10
INTERNAL_PREFIX = "/noi-bo"
_SESSION = re.compile(r";jsessionid=[^/?#;]*", re.IGNORECASE)
_PAGE_NAMES = ("cur", "page", "trang")


def cmsview_ns(u: UnitSpec) -> str:
    """The CmsView portlet namespace of a unit."""
    return f"vn_gov_hoabinh_portlet_cmsview_CmsViewPortlet_INSTANCE_{u.instance}"


def comsoft_ns(u: UnitSpec) -> str:
    """The com.soft list portlet namespace of a unit."""
    return f"com_soft_article_listnew_ListNewByCategoryPortlet_INSTANCE_{u.instance}"


def session_id(*parts: object) -> str:
    """A stable Java-style session id for a page."""
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()[:32].upper()


def list_path(u: UnitSpec, c: Category, page: int = 1) -> str:
    """The path of page ``page`` of category ``c``."""
    p = u.platform
    if p == "liferay_cmsview":
        ns = cmsview_ns(u)
        q = {"p_p_id": ns, f"_{ns}_categoryId": c.cid}
        if page > 1:
            q |= {f"_{ns}_cur": page, f"_{ns}_delta": PER_PAGE}
        return "/web/guest/cms?" + urlencode(q)
    if p == "liferay_comsoft":
        if page == 1:
            return f"/{c.key}"
        ns = comsoft_ns(u)
        return f"/{c.key}?" + urlencode(
            {"p_p_id": ns, f"_{ns}_delta": PER_PAGE, f"_{ns}_cur": page}
        )
    if p == "liferay62":
        if page == 1:
            return f"/{c.key}"
        qs = urlencode({"p_p_id": "101", "_101_cur": page, "_101_delta": PER_PAGE})
        return f"/{c.key};jsessionid={session_id(u.id, c.key, page)}?{qs}"
    if p == "nukeviet":
        return f"/news/{c.key}/" + (f"page-{page}/" if page > 1 else "")
    if p == "sharepoint":
        return f"/{u.variant}/Pages/{c.key}.aspx" + (f"?Page={page}" if page > 1 else "")
    if p == "aspnet" and u.variant == "gplist":
        return f"/{c.key}.gplist.{c.cid}.gpside.1.asmx" + (f"?page={page}" if page > 1 else "")
    if p == "aspnet":
        return f"/DanhSachTin.aspx?cat={c.cid}" + (f"&trang={page}" if page > 1 else "")
    if p == "selectors":
        return f"/chuyen-muc/{c.key}" + (f"/trang-{page}" if page > 1 else "")
    if p == "feed":
        return f"/chuyen-muc/{c.key}.html" + (f"?page={page}" if page > 1 else "")
    raise ValueError(f"unknown platform {p!r}")


def feed_path(c: Category | None = None) -> str:
    """RSS of the feed unit (all articles, or one category)."""
    return "/rss.xml" if c is None else f"/rss/{c.key}.xml"


def article_path(u: UnitSpec, s: Story, *, session: bool = True) -> str:
    """The path of an article as the site's list pages link it."""
    path = _article_path(u, s, session)
    return INTERNAL_PREFIX + path if s.internal else path


def _article_path(u: UnitSpec, s: Story, session: bool) -> str:
    p = u.platform
    c = u.category(s.category)
    if p == "liferay_cmsview":
        ns = cmsview_ns(u)
        q = {"p_p_id": ns, f"_{ns}_categoryId": c.cid, f"_{ns}_articleId": s.aid}
        return "/web/guest/cms?" + urlencode(q)
    if p == "liferay_comsoft":
        return f"/{c.key}/-/view-article/{s.aid}/{s.slug}"
    if p == "liferay62":
        sid = f";jsessionid={session_id(u.id, s.aid)}" if session else ""
        if s.aid % 3 == 0:
            return f"/{c.key}/extAssetPublisher/content/{s.aid}/{s.slug}.html{sid}"
        return f"/{c.key}/-/view_content/{s.aid}-{s.slug}{sid}"
    if p == "nukeviet":
        return f"/news/{c.key}/{s.slug}-{s.aid}.html"
    if p == "sharepoint":
        if s.aid % 2 == 0:
            return f"/{u.variant}/Pages/chitiettin.aspx?idTin={s.aid}"
        return f"/{u.variant}/Pages/{s.slug}-{s.aid}.aspx"
    if p == "aspnet" and u.variant == "gplist":
        return f"/{s.slug}.gplist.{c.cid}.gpopen.{s.aid}.gpside.1.asmx"
    if p == "aspnet":
        return f"/TinTucChiTiet.aspx?key={s.slug}-{s.aid}"
    if p == "selectors":
        return f"/bai-viet/{s.slug}-{s.aid}"
    if p == "feed":
        return f"/tin-tuc/{s.slug}-{s.aid}.html"
    raise ValueError(f"unknown platform {p!r}")


def route_key(path_qs: str) -> str:
    """A requested path folded for lookup: no session ids, decoded, page 1 implicit."""
    parts = urlsplit(path_qs)
    path = unquote(_SESSION.sub("", parts.path))
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().endswith(_PAGE_NAMES) and v == "1") and not k.lower().endswith("delta")
    ]
    return path + ("?" + urlencode(sorted(query)) if query else "")
