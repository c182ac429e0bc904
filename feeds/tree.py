"""The feed tree: which feeds exist, their paths, titles and OPML grouping.

Paths (each in ``.rss``, ``.atom`` and ``.json``)::

    /all.<fmt>                        every unit, one item per cluster
    /provinces/<province>.<fmt>       a province and every province merged into it
    /topics/<topic>.<fmt>             one national topic, one item per cluster
    /units/<unit>.<fmt>               one unit's own articles
    /units/<unit>/<topic>.<fmt>       one unit's own articles in one topic
    <feed base>/archive/<n>.<fmt>     RFC 5005 archive page n (1 = oldest)
    /feeds.opml                       every feed, grouped by province and unit
    /                                 the HTML index
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.items import FEED_FORMATS

Kind = Literal["all", "province", "topic", "unit", "unit_topic"]

_SLUG = r"[a-z0-9][a-z0-9-]{1,63}"
_FMT = r"(?P<fmt>rss|atom|json)"
_ARCH = r"(?:/archive/(?P<page>[1-9][0-9]{0,8}))?"
_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("all", re.compile(rf"^/all{_ARCH}\.{_FMT}$")),
    ("province", re.compile(rf"^/provinces/(?P<province>{_SLUG}){_ARCH}\.{_FMT}$")),
    ("topic", re.compile(rf"^/topics/(?P<topic>{_SLUG}){_ARCH}\.{_FMT}$")),
    ("unit", re.compile(rf"^/units/(?P<unit>{_SLUG}){_ARCH}\.{_FMT}$")),
    ("unit_topic", re.compile(rf"^/units/(?P<unit>{_SLUG})/(?P<topic>{_SLUG}){_ARCH}\.{_FMT}$")),
]


@dataclass(frozen=True)
class FeedSpec:
    """One logical feed (any format, any archive page)."""

    kind: Kind
    unit: str | None = None
    topic: str | None = None
    province: str | None = None

    @property
    def base(self) -> str:
        """The path without format: ``/units/x``, ``/units/x/topic`` …"""
        if self.kind == "all":
            return "/all"
        if self.kind == "province":
            return f"/provinces/{self.province}"
        if self.kind == "topic":
            return f"/topics/{self.topic}"
        if self.kind == "unit":
            return f"/units/{self.unit}"
        return f"/units/{self.unit}/{self.topic}"

    def path(self, fmt: str, page: int | None = None) -> str:
        """The site path of this feed in ``fmt`` (an archive page when ``page`` is given)."""
        if page is None:
            return f"{self.base}.{fmt}"
        return f"{self.base}/archive/{page}.{fmt}"

    @property
    def dedup(self) -> bool:
        """Aggregated feeds show one item per cluster; a unit's own feeds keep everything."""
        return self.kind in ("all", "province", "topic")


@dataclass(frozen=True)
class FeedRequest:
    """A parsed feed path: which feed, which format, which archive page (None = current)."""

    spec: FeedSpec
    fmt: str
    page: int | None = None


def parse_path(path: str) -> FeedRequest | None:
    """The feed a site path names, or None (syntax only; see ``exists``)."""
    for kind, pat in _PATTERNS:
        m = pat.match(path)
        if m:
            g = m.groupdict()
            spec = FeedSpec(
                kind, unit=g.get("unit"), topic=g.get("topic"), province=g.get("province")
            )
            page = int(g["page"]) if g.get("page") else None
            return FeedRequest(spec, g["fmt"], page)
    return None


def exists(spec: FeedSpec, registry: Registry) -> bool:
    """True when the unit/topic/province the spec names is in the registry."""
    if spec.unit is not None and spec.unit not in registry.units:
        return False
    if spec.topic is not None and spec.topic not in registry.topics:
        return False
    if spec.province is not None:
        return spec.province in registry.provinces and bool(registry.province_units(spec.province))
    return True


def title_of(spec: FeedSpec, registry: Registry, config: FeedConfig) -> str:
    """The feed's human title (Vietnamese)."""
    if spec.kind == "all":
        return config.site_title
    if spec.kind == "province":
        return f"{registry.provinces[spec.province or ''].name} — tin các sở, ngành"
    if spec.kind == "topic":
        return f"Chủ đề: {registry.topics[spec.topic or ''].name}"
    unit = registry.units[spec.unit or ""]
    if spec.kind == "unit":
        return unit.name
    return f"{unit.name} — {registry.topics[spec.topic or ''].name}"


def description_of(spec: FeedSpec, registry: Registry, config: FeedConfig) -> str:
    """A one-line description of what the feed carries."""
    if spec.kind == "all":
        return config.site_description
    if spec.kind == "province":
        names = [registry.provinces[spec.province or ""].name] + [
            p.name
            for p in sorted(registry.provinces.values(), key=lambda p: p.id)
            if p.id != spec.province and registry.root_province(p.id) == spec.province
        ]
        return "Tin của các sở, ngành: " + ", ".join(names)
    if spec.kind == "topic":
        return f"Tin về {registry.topics[spec.topic or ''].name} từ các sở, ngành"
    unit = registry.units[spec.unit or ""]
    if spec.kind == "unit":
        return f"Tin từ {unit.name} ({unit.homepage})"
    return f"Tin về {registry.topics[spec.topic or ''].name} từ {unit.name}"


def home_of(spec: FeedSpec, registry: Registry, config: FeedConfig) -> str:
    """The HTML page a feed is about: the unit's site, else the index."""
    if spec.unit is not None and spec.kind == "unit":
        return registry.units[spec.unit].homepage
    return config.url("/")


def configured_pairs(registry: Registry) -> set[tuple[str, str]]:
    """(unit, topic) pairs a unit's category mapping promises."""
    return {
        (u.id, slug)
        for u in registry.units.values()
        for slugs in u.topics.values()
        for slug in slugs
        if slug in registry.topics
    }


def feed_specs(registry: Registry, pairs: Iterable[tuple[str, str]] = ()) -> list[FeedSpec]:
    """Every feed: all, provinces with units, topics, units, unit×topic pairs.

    ``pairs`` are (unit, topic) pairs that have articles; the registry's category
    mappings add the pairs they promise.
    """
    specs = [FeedSpec("all")]
    specs += [
        FeedSpec("province", province=pid)
        for pid in sorted(registry.provinces)
        if registry.province_units(pid)
    ]
    specs += [FeedSpec("topic", topic=t) for t in sorted(registry.topics)]
    specs += [FeedSpec("unit", unit=u) for u in sorted(registry.units)]
    all_pairs = {p for p in pairs if p[0] in registry.units and p[1] in registry.topics}
    all_pairs |= configured_pairs(registry)
    specs += [FeedSpec("unit_topic", unit=u, topic=t) for u, t in sorted(all_pairs)]
    return specs


def feed_paths(specs: Iterable[FeedSpec]) -> list[str]:
    """Every current-document path of the specs, in all formats."""
    return [s.path(fmt) for s in specs for fmt in FEED_FORMATS]
