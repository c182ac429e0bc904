"""The units file (TOML) that points vnfeeds at the replica sites."""

from __future__ import annotations

import json
from collections.abc import Callable

from replicas import urls
from replicas.corpus import Corpus
from replicas.units import UnitSpec

# The in-house layout of the ``selectors`` unit (see sites/custom.py).
CUSTOM_SELECTORS: dict[str, str] = {
    "list_links": "div.kh-list article.kh-item h2.kh-title a",
    "next_page": "nav.kh-pages a.kh-next",
    "title": "h1.kh-headline",
    "date": "xpath://div[@class='kh-meta']/span[@class='kh-date']",
    "date_format": "%d-%m-%Y %H:%M",
    "lead": "div.kh-sapo",
    "body": "div.kh-content",
    "images": "figure.kh-figure img, div.kh-content img",
    "category": "nav.kh-breadcrumb a.kh-cat",
    "author": "div.kh-meta span.kh-author",
    "attachments": "ul.kh-files a",
}


def _s(value: str) -> str:
    """A TOML basic string."""
    return json.dumps(value, ensure_ascii=False)


def _unit(corpus: Corpus, u: UnitSpec, base_url: Callable[[str], str]) -> str:
    base = base_url(u.id)
    # A redirected unit keeps its own host but its successor's paths and platform.
    shape = corpus.unit(u.redirect_to) if u.redirect_to else u
    lines = [
        "[[unit]]",
        f"id = {_s(u.id)}",
        f"name = {_s(u.name)}",
        f"province = {_s(u.province)}",
        f"platform = {_s(shape.platform)}",
        f"homepage = {_s(base + '/')}",
        "allow_private = true",
        "politeness = { download_delay = 0, concurrency = 4 }",
        "schedule = { interval_minutes = 60, jitter_seconds = 0 }",
    ]
    if u.archived:
        lines.append("archived = true")
    if u.successor:
        lines.append(f"successor = {_s(u.successor)}")
    if u.predecessors:
        lines.append("predecessors = [" + ", ".join(_s(p) for p in u.predecessors) + "]")
    if shape.platform == "feed":
        lines.append(f"feed_url = {_s(base + urls.feed_path())}")
    topics = ", ".join(
        f"{_s(c.name)} = [{', '.join(_s(t) for t in c.topics)}]" for c in shape.categories
    )
    lines.append(f"topics = {{ {topics} }}")
    if shape.platform == "selectors":
        lines.append("")
        lines.append("[unit.selectors]")
        lines += [f"{k} = {_s(v)}" for k, v in CUSTOM_SELECTORS.items()]
    for c in shape.categories:
        start = urls.feed_path(c) if shape.platform == "feed" else urls.list_path(shape, c)
        lines += ["", "[[unit.start]]", f"url = {_s(base + start)}", f"category = {_s(c.name)}"]
    return "\n".join(lines)


def units_toml(corpus: Corpus, base_url: Callable[[str], str]) -> str:
    """One ``[[unit]]`` per replica site, valid for ``load_registry``."""
    head = (
        "# Units of the local replica sites (vnfeeds replicas). Generated: do not edit.\n"
        f"# Corpus seed {corpus.seed}. Every host is on loopback, hence allow_private.\n"
    )
    return head + "\n\n".join(_unit(corpus, u, base_url) for u in corpus.units) + "\n"
