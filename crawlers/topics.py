"""Topics of an article: the unit's category mapping plus the taxonomy's keyword rules."""

from __future__ import annotations

import re
from functools import lru_cache

from domain.article import Article
from domain.records import Unit
from domain.registry import Registry
from domain.syllables import match_form


def assign_topics(
    article: Article,
    unit: Unit,
    registry: Registry,
    list_category: str = "",
    *,
    title_lead_form: str | None = None,
) -> dict[str, str]:
    """``{topic slug: "category" | "keyword"}`` for an article of a unit.

    Category names and keywords are compared on the canonical matching form, so
    tone placement and case do not matter. ``title_lead_form``: the article's
    ``match_form(f"{title} {lead}")`` when already computed (``Prepared.title_lead_form``).
    """
    found: dict[str, str] = {}
    mapping = {match_form(k): v for k, v in unit.topics.items()}
    for cat in (article.category, list_category):
        for slug in mapping.get(match_form(cat), []) if cat else []:
            found[slug] = "category"
    if title_lead_form is None:
        title_lead_form = match_form(f"{article.title} {article.lead}")
    text = _padded(title_lead_form)
    for topic in registry.topics.values():
        if topic.slug in found:
            continue
        for kw in topic.keywords:
            if _keyword_words(kw) in text:
                found[topic.slug] = "keyword"
                break
    return found


def _words(s: str) -> str:
    """Matching form with punctuation folded to spaces, padded, for whole-word search."""
    return _padded(match_form(s))


def _padded(form: str) -> str:
    """A matching form with punctuation folded to spaces, padded (see :func:`_words`)."""
    return " " + " ".join(re.split(r"\W+", form)).strip() + " "


#: The taxonomy's keywords, met again for every article.
_keyword_words = lru_cache(maxsize=4096)(_words)
