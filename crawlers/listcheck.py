"""The list page checks the article: title and date must agree with the list entry.

A list entry carries the site's own title of the article and usually its date. The
article parsed from the link must say the same: the same words in the matching form
(a list may cut a long title short with an ellipsis) and the same calendar day. When
the article lacks a title or date, the list's is used and ``problems`` says so; an
article with no date anywhere keeps ``published`` None (never the crawl time). On a
title mismatch the list's title is kept (a changed template must not overwrite good
stored titles); on a date mismatch the article's own date is kept. A page that prints no
article at all (``crawlers.extract.NOT_AN_ARTICLE``) is not checked and borrows nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawlers.cleaning.dates import parse_list_date
from crawlers.extract import is_article
from domain.article import Article
from domain.syllables import match_form
from domain.text import clean_text
from domain.timezone import VN_TZ

_ELLIPSIS = re.compile(r"(?:\.{3,}|…)\s*$")
_WORD = re.compile(r"\w+")
#: Words a list title may have cut off before its ellipsis and still be the same title.
MIN_PREFIX_WORDS = 4
#: ... and without an ellipsis, when the list cuts titles silently.
MIN_SILENT_CUT_WORDS = 8


@dataclass(frozen=True)
class ListVerdict:
    """What the list entry said about one article."""

    checked: bool = False
    title_mismatch: bool = False
    date_mismatch: bool = False

    @property
    def mismatch(self) -> bool:
        """The article disagrees with its list entry on the title or the date."""
        return self.title_mismatch or self.date_mismatch


def title_words(title: str) -> list[str]:
    """The words of a title in the matching form (case, tone marks and spacing ignored)."""
    return _WORD.findall(match_form(title))


def titles_agree(article_title: str, list_title: str) -> bool:
    """Same words in the matching form; a list title may be a prefix when it ends in an
    ellipsis (four words or more) or is long (eight words or more: lists cut silently)."""
    article, listed = title_words(article_title), title_words(list_title)
    if not article or not listed:
        return False
    if article == listed:
        return True
    cut = bool(_ELLIPSIS.search(list_title.strip()))
    # lists cut long titles, with an ellipsis or (when long enough to be sure) without
    if (cut and len(listed) >= MIN_PREFIX_WORDS) or len(listed) >= MIN_SILENT_CUT_WORDS:
        # the last listed word may itself be cut ("quản lý nhà n...")
        head, last = listed[:-1], listed[-1]
        return (
            article[: len(head)] == head
            and len(article) > len(head)
            and (article[len(head)].startswith(last))
        )
    return False


def check_against_list(article: Article, list_title: str, list_date_text: str) -> ListVerdict:
    """Compare ``article`` with its list entry; fill a missing title or date from the list.

    Returns what disagreed. Mismatches and borrowed fields are added to
    ``article.problems`` (``title from list page``, ``date from list page``,
    ``title disagrees with list page: …``, ``date disagrees with list page: …``).
    """
    list_title = clean_text(list_title)
    listed = parse_list_date(list_date_text) if list_date_text else None
    if (not list_title and listed is None) or not is_article(article):
        # a page printing no article (a category page a link led to) borrows nothing:
        # the list's title would turn it into an empty article
        return ListVerdict()
    title_mismatch = date_mismatch = False
    if list_title:
        if not article.title:
            article.title = list_title
            article.problems = [p for p in article.problems if p != "missing title"]
            article.problems.append("title from list page")
        elif not titles_agree(article.title, list_title):
            # The list is the site's own title: keep it, so a changed template never
            # overwrites good stored titles with a portlet heading; the unit is flagged.
            title_mismatch = True
            article.problems.append(
                f"title disagrees with list page: {article.title[:80]!r} vs {list_title[:80]!r}"
                "; the list's title is kept"
            )
            article.title = list_title
    if listed is not None:
        if article.published is None:
            article.published, article.time_unknown = listed.value, listed.time_unknown
            article.problems = [p for p in article.problems if p != "missing date"]
            article.problems.append("date from list page")
        else:
            ours = article.published.astimezone(VN_TZ).date()
            theirs = listed.value.astimezone(VN_TZ).date()
            if ours == theirs and article.time_unknown and not listed.time_unknown:
                article.published, article.time_unknown = listed.value, False
                article.problems.append("time from list page")
            if ours != theirs:
                date_mismatch = True
                article.problems.append(
                    f"date disagrees with list page: {ours.isoformat()} vs {theirs.isoformat()}"
                )
    return ListVerdict(True, title_mismatch, date_mismatch)
