"""What every platform module provides.

A platform module is tens of lines of selectors: it reads list pages
(``parse_list``) and article pages (``parse_article``) into raw strings, and
says whether a page looks like its platform (``detect``). Cleaning happens
afterwards in :mod:`crawlers.extract`, the same for all platforms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from parsel import Selector

from domain.article import RawArticle


@dataclass
class ListEntry:
    """One article link on a list page, with the date text and summary the list shows."""

    url: str
    title: str = ""
    date_text: str = ""
    summary: str = ""


@dataclass
class ListPage:
    """The article links of one list page and the next page's URL, if any.

    ``follow`` holds further list documents to read (child sitemaps of a sitemap index).
    """

    entries: list[ListEntry] = field(default_factory=list)
    next_url: str | None = None
    follow: list[str] = field(default_factory=list)
    fallback: bool = False  # the links were found generically: the platform's selectors found none


class Platform(Protocol):
    """The interface of a platform module (a module object satisfies it)."""

    NAME: str

    def detect(self, sel: Selector, url: str) -> bool:
        """True when the page carries this platform's fingerprints."""

    def parse_list(self, sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
        """Article links (absolute URLs) and the next page of a list page."""

    def parse_article(self, sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
        """The raw fields of an article page."""
