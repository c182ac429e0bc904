"""Fixtures for feed tests: a small registry (with a merged province) and an article factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.registry import Registry, load_registry
from feeds.config import FeedConfig
from storage.db import Store
from storage.models import Article, ArticleTopic, Cluster
from storage.repository import sync_registry

UNITS = """
[[unit]]
id = "hoabinh-soct"
name = "Sở Công Thương tỉnh Hòa Bình"
province = "hoa-binh"
platform = "liferay_cmsview"
homepage = "https://soct.hoabinh.gov.vn/"
archived = true
successor = "phutho-soct"
topics = { "Tin từ các đơn vị" = ["cong-thuong"] }
[[unit.start]]
url = "https://soct.hoabinh.gov.vn/tin"
category = "Tin từ các đơn vị"

[[unit]]
id = "phutho-soct"
name = "Sở Công Thương tỉnh Phú Thọ"
province = "phu-tho"
platform = "nukeviet"
homepage = "https://soct.phutho.gov.vn/"
predecessors = ["hoabinh-soct"]
topics = { "Tin tức - Sự kiện" = ["cong-thuong"], "Thông báo" = ["thong-bao"] }
[[unit.start]]
url = "https://soct.phutho.gov.vn/news/"
category = "Tin tức - Sự kiện"

[[unit]]
id = "vinhphuc-syt"
name = "Sở Y tế tỉnh Vĩnh Phúc"
province = "vinh-phuc"
platform = "nukeviet"
homepage = "https://syt.vinhphuc.gov.vn/"
[[unit.start]]
url = "https://syt.vinhphuc.gov.vn/news/"
category = "Tin tức"

[[unit]]
id = "hanoi-syt"
name = "Sở Y tế Hà Nội"
province = "ha-noi"
platform = "nukeviet"
homepage = "https://soyte.hanoi.gov.vn/"
[[unit.start]]
url = "https://soyte.hanoi.gov.vn/news/"
category = "Tin tức"
"""

T0 = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)

AddArticle = Callable[..., Article]


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    """Four units: Hòa Bình and Vĩnh Phúc merged into Phú Thọ, plus Hà Nội."""
    f = tmp_path / "units.toml"
    f.write_text(UNITS, encoding="utf-8")
    reg = load_registry(f)
    assert not reg.problems, reg.problems
    return reg


@pytest.fixture
def config() -> FeedConfig:
    """Feeds at a fixed base URL, 5 items per page so archives appear quickly."""
    return FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=0.0)


@pytest.fixture
def fstore(store: Store, registry: Registry) -> Store:
    """The ``store`` fixture (SQLite and PostgreSQL) with the registry synced."""
    with store.session() as s:
        sync_registry(s, registry)
    return store


def make_article(
    s: Any,
    unit: str,
    n: int,
    *,
    hours: float | None = None,
    title: str | None = None,
    topics: tuple[str, ...] = (),
    cluster: Cluster | None = None,
    **kw: Any,
) -> Article:
    """Insert article ``n`` of ``unit``, published ``hours`` (default ``n``) after T0."""
    published = T0 + timedelta(hours=n if hours is None else hours)
    a = Article(
        guid=f"tag:vnfeeds.test,2025:{unit}/{n}",
        unit_id=unit,
        url=f"https://{unit}.example.vn/tin/{n}.html",
        canonical_url=f"https://{unit}.example.vn/tin/{n}.html",
        title=title or f"Tin số {n} của {unit}",
        published=published,
        lead=kw.pop("lead", f"Tóm tắt tin {n}."),
        body_html=kw.pop("body_html", f"<p>Nội dung tin {n} &amp; chi tiết.</p>"),
        body_text=kw.pop("body_text", f"Nội dung tin {n} & chi tiết."),
        changed_at=kw.pop("changed_at", published),
        first_seen=published,
        cluster_id=cluster.id if cluster else None,
        **kw,
    )
    a.topics = [ArticleTopic(topic_slug=t) for t in topics]
    s.add(a)
    s.flush()
    return a


@pytest.fixture
def add(fstore: Store) -> Iterator[AddArticle]:
    """``add(unit, n, **fields)``: insert and commit one article."""

    def _add(unit: str, n: int, **kw: Any) -> Article:
        with fstore.session() as s:
            return make_article(s, unit, n, **kw)

    yield _add
