"""Generic platform: the unit's own CSS/XPath selectors.

Keys as in the unit's ``selectors`` table: list_links, next_page, title, date,
date_format, lead, body, images, category, author, attachments (CSS by default,
``css:``/``xpath:`` prefixes). A site is never detected as this platform.
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "selectors"

# Used for keys the unit leaves out: images and attachments inside the body.
SELECTORS: dict[str, str] = {
    "caption": (
        "figcaption, [class*='caption'], [class*='chu-thich'], [class*='chuthich'], "
        "[class*='img-title'], [class*='ghi-chu']"
    ),
}


def detect(sel: Selector, url: str) -> bool:
    """Never: a unit chooses this platform explicitly."""
    return False


def _with_body_defaults(overrides: dict[str, str]) -> dict[str, str]:
    """The unit's selectors, with images/attachments defaulting to those inside the body."""
    out = dict(overrides)
    body = out.get("body", "")
    if body and not body.startswith("xpath:"):
        css = body.removeprefix("css:")
        out.setdefault("images", ", ".join(f"{b.strip()} img" for b in css.split(",")))
        out.setdefault("attachments", ", ".join(f"{b.strip()} a[href]" for b in css.split(",")))
    elif body:
        out.setdefault("images", f"{body}//img")
        out.setdefault("attachments", f"{body}//a[@href]")
    return out


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Links chosen by ``list_links``; next page by ``next_page`` (or rel/labels)."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Fields chosen by the unit's selectors."""
    return common.parse_article_with(SELECTORS, sel, url, _with_body_defaults(overrides))
