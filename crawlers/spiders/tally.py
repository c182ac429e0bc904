"""What one extracted article page tells about its unit: the run's counts.

The counts (``vnfeeds/<unit>/<key>``) are what ``ops.health`` judges the unit by, so a
page is counted once, under the key that says what it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from crawlers.extract import NOT_AN_ARTICLE, SOFT_404, is_article
from crawlers.listcheck import check_against_list
from domain.article import Article


class Tally(NamedTuple):
    """What the spider does with the page after counting it."""

    mismatch: bool  # it disagrees with its list page (the problem is the article's last)
    skip: str | None  # why it is not stored (no article on it), or None: store it


def tally(
    article: Article,
    list_title: str,
    list_date: str,
    count: Callable[[str], None],
    *,
    due_again: bool,
) -> Tally:
    """Check ``article`` against its list entry and count what the page was.

    ``due_again``: the page is a dead link of the unit whose skip ran out; found dead
    again it is counted as ``dead_links_still_dead`` only (no news about the unit's pages).
    """
    verdict = check_against_list(article, list_title, list_date)
    if verdict.checked:
        count("list_checked")
    if verdict.mismatch:
        count("list_mismatches")
    for kind, flag in (("title", verdict.title_mismatch), ("date", verdict.date_mismatch)):
        if flag:
            count(f"list_{kind}_mismatches")
    if article.fallback:
        count("fallbacks")
    dead = not is_article(article)  # a category page or an error page: counted, not stored
    if dead and due_again:
        count("dead_links_still_dead")
    elif not article.title or article.published is None or "missing body" in article.problems:
        count("missing_fields")
    if not dead:
        return Tally(verdict.mismatch, None)
    if not due_again:
        count("not_articles")
    return Tally(verdict.mismatch, SOFT_404 if SOFT_404 in article.problems else NOT_AN_ARTICLE)
